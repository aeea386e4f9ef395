"""The sheet's view: the strings a sheet shows, read off a Derivation.

:class:`SheetView` holds what every layer's sheet needs (element equations
split into rows that fit a page, closed forms with their verdicts, the numeric
check); each layer's :meth:`~symderiv.core.layer.Layer.sheet` uses it to lay
out its own sections.  Layer prose is written once in a small markup that
renders to both LaTeX and Markdown (:func:`prose_tex`, :func:`prose_md`):
``**bold**``, ``*emphasis*``, ```code```, ``$math$``, and line breaks that
LaTeX keeps and Markdown joins with a space.
"""

from __future__ import annotations

import dataclasses
import re
import shlex
from collections.abc import Sequence
from typing import Any

import sympy

from ..core.chain import to_terms
from ..core.model import ClosedFormCheck, Derivation, Element, Term
from ..core.pipeline import USER_CLAIM
from ..core.symbols import element_name
from ..marker import MARKER, package_version
from .messages import role_id, translator
from .options import RenderOptions
from .printing import SheetLatexPrinter, SheetTextPrinter, split_rows, term_width
from .reasons import reason_text

__all__ = [
    "MARKER",
    "SheetView",
    "md_math",
    "package_version",
    "prose_md",
    "prose_tex",
    "size_text",
    "split_matrices",
    "tex_code",
    "tex_escape",
    "tex_text",
]

# Widths in the units of printing.term_width (about 7 pt of 10 pt Computer
# Modern); a display row holds about 68 of them beside its left-hand side.
ROW_BUDGET = 56.0
FIRST_ROW_BUDGET = 60.0  # continuation rows start with a \quad
_PLAIN_LHS = term_width("K_{01}")  # the left-hand side the budgets were calibrated with
LABEL = 12.0  # "derived:" / "formula:" labels and the =? sign of a refutation
MATRIX_BUDGET = 56.0
MAX_COLUMNS = 40  # the templates raise amsmath's MaxMatrixCols to this
LINE_BUDGET = 86.0  # a display line of matrices beside short names (about the text width)
MAX_MAPS = 4  # maps of one tensor a sheet prints as matrices; the rest it names
MAX_CELL_LINES = 6  # lines of terms one cell of a gradient matrix may hold

_TEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}
# The typewriter's upright quote: OT1's \char13 (a Type 1 glyph, no bitmap) under pdflatex,
# \textquotesingle in any other encoding (xelatex's TU, a lecturer's T1): templates/sections/defs
_STRAIGHT_QUOTE = r"\symderivquote{}"


def tex_escape(text: object) -> str:
    """Escape text for LaTeX's text mode (an apostrophe stays a typographic one)."""
    return "".join(_TEX_SPECIALS.get(ch, ch) for ch in str(text))


def tex_code(text: object) -> str:
    """Escape text for ``\\texttt``: a straight quote stays straight and ``--`` two
    hyphens (T1 fonts join them into an en dash, ``-{}-`` keeps them apart), so code copied
    from the PDF still runs."""
    escaped = (_STRAIGHT_QUOTE if ch == "'" else _TEX_SPECIALS.get(ch, ch) for ch in str(text))
    return re.sub(r"-(?=-)", "-{}", "".join(escaped))


_TEX_UNICODE = {
    "δ": r"$\delta$",
    "σ": r"$\sigma$",
    "β": r"$\beta$",
    "α": r"$\alpha$",
    "∂": r"$\partial$",
    "Σ": r"$\Sigma$",
    "∘": r"$\circ$",
    "⊙": r"$\odot$",
    "⋆": r"$\star$",
    "×": r"$\times$",
    "−": "-",
    "′": "'",
    "…": r"\dots{}",
    "→": r"$\to$",
    "½": r"$\frac{1}{2}$",
    "²": r"$^2$",
    "ᵀ": r"$^{\mathsf{T}}$",
}


def tex_text(text: str, *, code: bool = False) -> str:
    """Plain text with our Unicode symbols for LaTeX's text mode (pdflatex-safe);
    ``code``: for ``\\texttt``."""
    escape = tex_code if code else tex_escape
    return "".join(_TEX_UNICODE.get(ch, escape(ch)) for ch in text)


def md_math(text: str) -> str:
    """Turn LaTeX inline math ``$x$`` into GitHub's ``$`x`$``."""
    return re.sub(r"\$([^$]+)\$", r"$`\1`$", text)


_PROSE = re.compile(r"(\$[^$]+\$|`[^`]+`|\*\*[^*]+\*\*|\*[^*]+\*)")


def prose_tex(text: str) -> str:
    """Our prose markup as LaTeX: ``**b**`` → ``\\textbf{b}``, ``*e*`` → ``\\emph{e}``,
    ```c``` → ``\\texttt{c}`` (escaped); math and line breaks are kept."""
    out = []
    for part in _PROSE.split(text):
        if part.startswith("**") and part.endswith("**") and len(part) > 4:
            out.append(r"\textbf{" + part[2:-2] + "}")
        elif part.startswith("`") and part.endswith("`") and len(part) > 2:
            out.append(r"\texttt{" + tex_code(part[1:-1]) + "}")
        elif part.startswith("*") and part.endswith("*") and len(part) > 2:
            out.append(r"\emph{" + part[1:-1] + "}")
        else:
            out.append(part)
    return "".join(out)


_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"  # CJK punctuation, ideographs, full width
_CJK_BREAK = re.compile(f"(?<=[{_CJK}])\n(?=[{_CJK}])")


def prose_md(text: str) -> str:
    """Our prose markup as GitHub Markdown: math as ``$`x`$``, line breaks as spaces (none
    between two Chinese characters, where a space would show, as LaTeX shows none)."""
    return _CJK_BREAK.sub("", md_math(text)).replace("\n", " ")


def size_text(values: Sequence[int], sep: str = r" \times ") -> str:
    """``4 \\times 4``: a shape for the sheet."""
    return sep.join(map(str, values))


def split_matrices(parts: list[tuple[str, float]], budget: float) -> list[str]:
    """Rows of ``D_u [patch]`` products, given each product's estimated width."""
    if not parts:
        return ["0"]
    rows: list[list[str]] = [[]]
    used = 0.0
    for latex, width in parts:
        if rows[-1] and used + width > budget:
            rows.append([])
            used = 0.0
        rows[-1].append(latex)
        used += width
    return [("+ " if i else "") + " + ".join(r) for i, r in enumerate(rows)]


def _common_coefficient(grid: Sequence[Sequence[Element]]) -> sympy.Rational | None:
    """The coefficient every element shares when each is one term (or zero) and the
    coefficient is not ±1 (mean pooling's ¼), else None."""
    coeffs: set[sympy.Rational] = set()
    for row in grid:
        for e in row:
            if not e.polynomial or len(e.terms) > 1:
                return None
            coeffs.update(t.coeff for t in e.terms)
    if len(coeffs) != 1:
        return None
    (c,) = coeffs
    return None if c in (1, -1) else sympy.Rational(c)


class SheetView:
    """Reads one Derivation and builds the strings its sheet shows."""

    def __init__(self, d: Derivation, options: RenderOptions | None = None) -> None:
        self.d = d
        self.layer = d.layer
        self.options = options if options is not None else RenderOptions()
        self.lang = self.options.lang
        self.summary = self.options.summary
        #: a message of :mod:`symderiv.render.messages` in the sheet's language
        self._ = translator(self.lang)
        self.p = SheetLatexPrinter(d.notation)
        self.t = SheetTextPrinter(d.notation)

    # -- pieces ----------------------------------------------------------
    def sym(self, letter: str, index: tuple[int, ...]) -> str:
        """One element in the sheet's notation, e.g. ``A_{01}``."""
        return self.p._print(sympy.Symbol(element_name(letter, index)))

    def lhs(self, e: Element) -> str:
        """``Z_{00}`` for an output element, ``\\frac{\\partial E}{\\partial K_{01}}`` else."""
        if e.tensor in ("Z", "E"):
            return self.sym(e.tensor, e.index) if e.index else e.tensor
        return rf"\frac{{\partial E}}{{\partial {self.sym(e.tensor, e.index)}}}"

    def rows(self, terms: tuple[Term, ...], reserve: float = 0.0) -> list[str]:
        """Terms split into display rows; ``reserve`` is how much wider than a plain
        ``dE/dK_{01}`` the left-hand side is (in align*, every row starts after it)."""
        return split_rows(
            [self.p.term(t) for t in terms], ROW_BUDGET - reserve, FIRST_ROW_BUDGET - reserve
        )

    def expr_rows(self, e: Element, reserve: float = 0.0) -> list[str]:
        """An element's right-hand side in rows: its terms, or a non-polynomial
        expression term by term of its top-level sum."""
        if e.polynomial:
            return self.rows(e.terms, reserve)
        parts = [self.p._print(a) for a in sympy.Add.make_args(e.expr)]
        return split_rows(parts, ROW_BUDGET - reserve, FIRST_ROW_BUDGET - reserve)

    def reserve(self, letter: str, index: tuple[int, ...], extra: float = 0.0) -> float:
        """Width the left-hand side ``dE/d<element>`` takes beyond the classic one's
        (a loss's one element E has no index)."""
        name = self.sym(letter, index) if index else letter
        return max(0.0, term_width(name) - _PLAIN_LHS) + extra

    def equation(self, e: Element) -> dict[str, Any]:
        """One element as a display equation: left side, rows, and plain text."""
        reserve = self.reserve(e.tensor, e.index)
        return {
            "lhs": self.lhs(e),
            "rows": self.expr_rows(e, reserve),
            "text": self.t.sum(e.terms) if e.polynomial else self.t._print(e.expr),
        }

    def map_name(self, letter: str, labels: tuple[str, ...]) -> str:
        """A map with its shown leading indices named, e.g. ``A^{(n,c)}``."""
        shown = [labels[i] for i in self.d.notation.shown[letter]]
        return self.p.name(letter, ()) + ("^{(" + ",".join(shown) + ")}" if shown else "")

    def matrix_width(self, rows: tuple[tuple[sympy.Expr, ...], ...]) -> float:
        """Estimated width of a bmatrix: each column as wide as its widest cell,
        plus the column separation and the brackets."""
        columns = zip(*rows, strict=True)
        return sum(max(term_width(self.p._print(x)) for x in col) + 2.0 for col in columns) + 2.0

    # -- sections every sheet shares ----------------------------------------
    def tensor_rows(self) -> list[dict[str, str]]:
        """One row per tensor: its symbol, role, shape and last element."""
        return [
            {
                "letter": self.p.name(t.letter, ()),
                "role": self._(role_id(t.role)),
                "shape": size_text(t.shape),
                "example": self.p._print(t.elements[-1]),
            }
            for t in self.d.tensors
        ]

    def closed_form(self, c: ClosedFormCheck, latex: str, heading: str) -> dict[str, Any]:
        """One closed form and its verdict; ``latex`` is the formula as the layer states
        it and ``heading`` (prose) names it."""
        out: dict[str, Any] = {
            "of": c.of,
            "heading": heading,
            "latex": latex,
            "text": c.formula.text(),
            "stated_in": c.stated_in,
            # the remark "coincides with this convention's formula" is for symderiv's own
            # other-convention forms, never for a formula the user brought
            "own": c.expected or c.stated_in == USER_CLAIM,
            "holds": c.holds,
            "checked": c.checked,
            "failures": c.failures,
            "undecided": c.undecided,
            "failure": None,
            "remark": None,
        }
        f = c.first_failure
        if f is not None:
            derived = self.d.gradient(c.of, f.index)
            reserve = self.reserve(c.of, f.index, LABEL)
            closed: list[str] = []
            if not f.reason:
                if derived.polynomial:
                    closed = self.rows(to_terms(f.closed), reserve)
                else:
                    parts = [self.p._print(a) for a in sympy.Add.make_args(f.closed)]
                    closed = split_rows(parts, ROW_BUDGET - reserve, FIRST_ROW_BUDGET - reserve)
            out["failure"] = {
                "at": self.sym(c.of, f.index),
                "reason": reason_text(f.reason, self.lang) if f.reason else "",
                # the derived side in the order of the expansion printed above
                "derived": self.expr_rows(derived, reserve),
                "closed": closed,
            }
        return out

    def forward_section(
        self,
        intro: str | None = None,
        equations: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """The sheet's "Forward pass" section: every forward element as an equation (in
        summary detail, one of them)."""
        if equations is None:
            equations = [self.equation(e) for e in self.d.forward]
        if self.summary and len(equations) > 1:
            example = self.example(self.d.forward)
            equations = [equations[self.d.forward.index(example)]]
            intro = self._("forward.example", n=len(self.d.forward))
        return {
            "kind": "elements",
            "heading": self._("forward.heading"),
            "intro": intro if intro is not None else self._("forward.intro"),
            "intro_md": None,
            "layout": "block",
            "equations": equations,
            "after": [],
        }

    @staticmethod
    def example(elements: Sequence[Element]) -> Element:
        """The element a summary shows: one with the most terms whose position is not all
        zeros (``K_{01}``, ``A_{11}``, ``Z_{01}``), else the first."""
        def size(e: Element) -> int:
            return len(e.terms) if e.polynomial else len(sympy.Add.make_args(e.expr))

        most = max((size(e) for e in elements), default=0)
        for e in elements:
            if size(e) == most and any(e.index[-1:]):
                return e
        for e in elements:
            if size(e) == most:
                return e
        return elements[0]

    def elements_section(
        self,
        heading: str,
        elements: Sequence[Element],
        intro: str | None,
        layout: str = "lines",
        after: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """An element section: every element as an equation, or in summary detail one
        example with a sentence saying so."""
        shown = list(elements)
        note = None
        if self.summary and len(shown) > 1:
            shown = [self.example(shown)]
            note = self._("elements.example", n=len(elements))
        text = intro if note is None else (note if intro is None else intro + "\n" + note)
        return {
            "kind": "elements",
            "heading": heading,
            "intro": text,
            "intro_md": text,
            "layout": layout,
            "equations": [self.equation(e) for e in shown],
            "after": after if after is not None else [],
        }

    # -- the story's shared pieces ------------------------------------------
    def notation_section(self, *, delta: bool = True, layers: bool = True) -> dict[str, Any]:
        """The notation box: E, D (or that a loss has none), indices, superscripts."""
        _ = self._
        maps = any(self.d.notation.shown.get(t.letter) for t in self.d.tensors)
        items = [_("notation.loss"), _("notation.delta") if delta else _("notation.no_delta")]
        commas = _("notation.commas") if self.d.notation.commas else ""
        items.append(_("notation.indices", commas=commas))
        if maps:
            items.append(_("notation.maps"))
        if layers:
            items.append(_("notation.layers"))
        return {"kind": "notation", "entries": items}

    def references_section(self, ids: Sequence[str], pytorch: Sequence[str]) -> dict[str, Any]:
        """The reference list: messages ``ref.*`` and the PyTorch pages named."""
        items = [self._(i) for i in ids]
        if pytorch:
            items.append(self._("ref.pytorch", names="`, `".join(pytorch)))
        return {"kind": "references", "entries": items}

    def symbol_matrix(self, letter: str, lead: tuple[int, ...], shape: Sequence[int]) -> str:
        """A map of symbols as a bmatrix (a 1-D map as one row)."""
        rows: list[list[tuple[int, ...]]]
        if len(shape) == 1:
            rows = [[(c,) for c in range(shape[0])]]
        else:
            rows = [[(r, c) for c in range(shape[1])] for r in range(shape[0])]
        body = r" \\ ".join(" & ".join(self.sym(letter, lead + pos) for pos in row) for row in rows)
        return r"\begin{bmatrix} " + body + r" \end{bmatrix}"

    def tensor_matrices(
        self, maps: Sequence[tuple[str, Sequence[tuple[int, ...]], Sequence[int]]]
    ) -> dict[str, Any] | None:
        """The ``matrix_rows`` exhibit of whole tensors as matrices, map by map (at most
        MAX_MAPS of each, the rest named), several to a display line when they fit; None
        for 3-D maps or maps too wide for the page."""
        entries: list[tuple[str, str, float]] = []
        notes = []
        for letter, leads, shape in maps:
            if len(shape) > 2 or not shape or shape[-1] > MAX_COLUMNS:
                return None
            for lead in leads[:MAX_MAPS]:
                name = self.map_name_at(letter, lead)
                matrix = self.symbol_matrix(letter, lead, shape)
                cell = term_width(self.sym(letter, lead + (0,) * len(shape)))
                width = term_width(name) + 2.0 + shape[-1] * (cell + 2.3) + 2.0
                if width > LINE_BUDGET:
                    return None
                entries.append((name, matrix, width))
            if len(leads) > MAX_MAPS:
                notes.append(self.more_maps(letter, len(leads) - MAX_MAPS))
        lines: list[list[dict[str, str]]] = [[]]
        used = 0.0
        for name, matrix, width in entries:
            if lines[-1] and used + width + 2.0 > LINE_BUDGET:
                lines.append([])
                used = 0.0
            lines[-1].append({"lhs": name, "matrix": matrix})
            used += width + 2.0
        several = any(len(leads) > 1 for _, leads, _ in maps)
        per_map = self._("layer.matrices_per_map") if several else ""
        return {
            "kind": "matrix_rows",
            "note": self._("layer.matrices", per_map=per_map),
            "lines": lines,
            "notes": notes,
        }

    def more_maps(self, letter: str, n: int) -> str:
        """"(and 3 more maps of A, laid out the same way)"."""
        name = self.p.name(letter, ())
        if n == 1:
            return self._("layer.more_map", name=name)
        return self._("layer.more_maps", n=n, name=name)

    def map_name_at(self, letter: str, lead: tuple[int, ...]) -> str:
        """A map's name with its shown leading indices as numbers: ``A^{(0,1)}``."""
        return self.p.name(letter, lead)

    def element_matrix(
        self, grid: Sequence[Sequence[Element]], budget: float = 64.0
    ) -> str | None:
        """Gradient elements laid out as the matrix they form, each cell's terms in lines
        that fit; None when a cell would need more than MAX_CELL_LINES lines, a single
        term is wider than its column, or there are too many columns."""
        columns = len(grid[0])
        if columns > MAX_COLUMNS:
            return None
        common = _common_coefficient(grid)
        if common is not None:  # ¼ D: one factor in front, not a fraction in every cell
            scaled = [
                [
                    dataclasses.replace(
                        e, terms=tuple(dataclasses.replace(t, coeff=1) for t in e.terms)
                    )
                    for e in row
                ]
                for row in grid
            ]
            inner = self.element_matrix(scaled, budget - term_width(self.p._print(common)))
            return None if inner is None else rf"{self.p._print(common)}\, {inner}"
        cell_budget = budget / columns - 2.5
        rows_out = []
        tall = False
        for row in grid:
            cells = []
            for e in row:
                if e.polynomial:
                    parts = [self.p.term(t) for t in e.terms]
                else:
                    parts = [self.p._print(a) for a in sympy.Add.make_args(e.expr)]
                if any(term_width(x) + 1.5 > cell_budget for x in parts):
                    return None
                lines = split_rows(parts, cell_budget) if parts else ["0"]
                if len(lines) > MAX_CELL_LINES:
                    return None
                if len(lines) == 1:
                    cells.append(lines[0])
                else:
                    tall = True
                    body = r" \\ ".join(line if k == 0 else "{}" + line
                                         for k, line in enumerate(lines))
                    cells.append(r"\begin{array}{l} " + body + r" \end{array}")
            rows_out.append(" & ".join(cells))
        sep = r" \\[6pt] " if tall else r" \\ "
        return r"\begin{bmatrix} " + sep.join(rows_out) + r" \end{bmatrix}"

    def worked_section(
        self, groups: Sequence[Sequence[Element]], after: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """Summary detail: one example element of each group (the forward pass, then each
        gradient) in one section, with the exhibits that work it out."""
        shown = [self.example(g) for g in groups if g]
        return {
            "kind": "elements",
            "heading": self._("worked.heading"),
            "intro": self._("worked.intro"),
            "intro_md": self._("worked.intro"),
            "layout": "lines",
            "equations": [self.equation(e) for e in shown],
            "after": after,
        }

    def verdict_section(self, text: str) -> dict[str, Any]:
        """The overall verdict (prose; the template says NOT VERIFIED when it is not)."""
        return {"kind": "verdict", "text": text}

    def numeric_section(self, sampling: str | None = None) -> dict[str, Any] | None:
        """The numeric cross-check section; None in summary detail (the check still runs,
        and the verdict still reports it)."""
        if self.summary:
            return None
        return {
            "kind": "numeric",
            "heading": self._("numeric.heading"),
            "numeric": self.numeric(),
            "sampling": sampling if sampling is not None else self._("numeric.uniform"),
        }

    def numeric(self) -> dict[str, Any]:
        """The numeric cross-check, formatted."""
        n = self.d.numeric
        return {
            "seed": n.seed,
            "tolerance": f"{n.tolerance:.0e}",
            "errors": [(self.p.name(k, ()), f"{v:.1e}") for k, v in n.max_error],
            "passed": n.passed,
        }

    def build(self) -> dict[str, Any]:
        """Everything the templates read: the shared header and the layer's sections."""
        from ..figures.sheet import add_figures
        from ..worked.sheet import add_worked

        content = self.layer.sheet(self)
        add_figures(self, content, self.options.figures, self.options.stem)
        add_worked(self, content, self.options.worked)
        for c in self.d.closed_forms:  # the user's formulas are part of how to regenerate it
            if c.stated_in == USER_CLAIM:
                content["command"] += f" --claim {shlex.quote(c.formula.text())} --for {c.of}"
        return {
            "marker": MARKER,
            "version": package_version(),
            "label": self.layer.label(),
            "verified": self.d.verified,
            "lang": self.lang,
            "detail": self.options.detail,
            "fragment": self.options.fragment,
            **content,
        }
