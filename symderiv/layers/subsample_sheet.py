"""What the sheet of Bouvrie's subsampling layer says: Z = β down(A) + b in index form, the
chain rule for each bias (∂E/∂b = Σ D, ∂E/∂β = Σ D ⊙ down(A)) and for the input, which lies in
one block only (∂E/∂A_ij = β D_⌊i/n⌋⌊j/n⌋ = β up(D)_ij), in the sheet's language."""

from __future__ import annotations

from itertools import product
from typing import TYPE_CHECKING, Any

import numpy as np

from ..core.chain import to_terms
from ..core.symbols import parse_name
from ..formulas.nodes import Down, Var
from ..render.printing import split_rows, term_width
from ..render.sheet import FIRST_ROW_BUDGET, MATRIX_BUDGET, ROW_BUDGET, size_text
from . import texts as texts  # registers the messages
from ._bouvrie import size_label
from ._sheet import (
    chain_step,
    closed_forms_section,
    document,
    form,
    layer_section,
    step,
    story_section,
    tail,
)
from .subsample import Subsample2d

if TYPE_CHECKING:
    from ..core.model import ClosedFormCheck, Element
    from ..render.sheet import SheetView

__all__ = ["subsample_sheet"]

_BETA_WIDTH = 1.0
"""What ``term_width`` leaves out of a printed β (it counts no command names)."""


def _title(s: Subsample2d, view: SheetView) -> str:
    _ = view._
    parts = [
        _("title.input", size=size_text(s.input, "×")),
        _("sub.title.blocks", size=size_text(s.scale, "×")),
    ]
    if s.in_channels > 1:
        parts.append(_("title.map_count", n=s.in_channels))
    if s.batch > 1:
        parts.append(_("title.batch", n=s.batch))
    return _("title.join", kind=s.kind, parts=_("title.sep").join(parts))


def _command(s: Subsample2d) -> str:
    args = [
        f"symderiv derive {s.kind}",
        f"--input {size_label(s.input)}",
        f"--scale {size_label(s.scale)}",
    ]
    if s.in_channels > 1:
        args.append(f"--in-channels {s.in_channels}")
    if s.batch > 1:
        args.append(f"--batch {s.batch}")
    return " ".join(args)


def _block(scale: tuple[int, int]) -> str:
    return r" \times ".join(map(str, scale))


def _scaled(coef: int, var: str) -> str:
    return var if coef == 1 else f"{coef}{var}"


def _definition(s: Subsample2d, view: SheetView) -> str:
    sh, sw = s.scale
    Z, A = view.map_name("Z", ("n", "j")), view.map_name("A", ("n", "j"))
    beta, b = view.map_name("beta", ("j",)), view.map_name("b", ("j",))
    return (
        rf"{Z} = {beta}\, {Down(Var('A'), s.scale).latex({'A': A})} + {b}, \qquad "
        rf"{Z}_{{uv}} = {beta} \sum_{{p=0}}^{{{sh - 1}}} \sum_{{q=0}}^{{{sw - 1}}} "
        rf"{A}_{{{_scaled(sh, 'u')}+p,\,{_scaled(sw, 'v')}+q}} + {b}"
    )


def _closed_form_latex(s: Subsample2d, view: SheetView, c: ClosedFormCheck) -> str:
    names = {
        "A": view.map_name("A", ("n", "j")),
        "D": view.map_name("D", ("n", "j")),
        "beta": view.map_name("beta", ("j",)),
    }
    if c.of == "A":
        lhs, sums = names["A"], ""
    else:
        lhs = view.map_name(c.of, ("j",))
        sums = r"\sum_{n} " if s.batch > 1 else ""
    return rf"\frac{{\partial E}}{{\partial {lhs}}} = {sums}{c.formula.latex(names)}"


def _heading(s: Subsample2d, c: ClosedFormCheck, view: SheetView) -> str:
    _ = view._
    letter = r"\beta" if c.of == "beta" else c.of
    d = f"$\\partial E/\\partial {letter}$"
    if c.expected:
        return _("sheet.notes_formula", d=d)
    blocks = s.scale[0] * s.scale[1]
    if c.stated_in == "up-samples the delta without beta":
        what = _("sub.mistake.no_beta")
    elif c.stated_in.startswith(f"divides by {blocks}, as mean pooling does"):
        what = _("sub.mistake.divides", n=blocks)
    else:
        what = c.stated_in.replace("beta", "$\\beta$")
    return _("sheet.known_mistake_for", d=d, what=what)


def _equation(view: SheetView, e: Element) -> dict[str, Any]:
    """``view.equation``, with rows split knowing that every β is about one
    character wide."""
    budget = ROW_BUDGET - view.reserve(e.tensor, e.index)
    first = FIRST_ROW_BUDGET - view.reserve(e.tensor, e.index)
    rows: list[list[str]] = [[]]
    used, limit = 0.0, first
    for t in e.terms:
        latex = view.p.term(t)
        width = (
            term_width(latex)
            + 1.5
            + _BETA_WIDTH * sum(parse_name(f.name)[0] == "beta" for f in t.factors)
        )
        if rows[-1] and used + width > limit:
            rows.append([])
            used, limit = 0.0, budget
        rows[-1].append(latex)
        used += width
    out = []
    for k, row in enumerate(rows):
        line = split_rows(row, float("inf"))[0]
        if k:
            line = "- " + line[1:] if line.startswith("-") else "+ " + line
        out.append(line)
    return {"lhs": view.lhs(e), "rows": out, "text": ""}


def _contributions(view: SheetView) -> list[dict[str, Any]]:
    """For each β: the block sum it multiplies (∂Z_u/∂β, read off the derivation) per output."""
    rows = []
    for g in view.d.gradients_of("beta"):
        pairs = [
            rf"({view.p.sum(to_terms(c.derivative))}) \to {view.sym('Z', c.output)}"
            for c in g.contributions
        ]
        rows.append({"symbol": view.sym("beta", g.index), "pairs": pairs})
    return rows


def _input_matrices(s: Subsample2d, view: SheetView) -> list[dict[str, Any]]:
    """Each map's derived input gradient as a matrix (none when a map is too wide)."""
    out = []
    for n, j in product(range(s.batch), range(s.in_channels)):
        grads = [
            [view.d.gradient("A", (n, j, i, k)) for k in range(s.input[1])]
            for i in range(s.input[0])
        ]
        width = view.matrix_width(tuple(tuple(g.expr for g in row) for row in grads))
        if width + _BETA_WIDTH * s.input[1] > MATRIX_BUDGET:  # every cell holds a β
            return []
        body = r" \\ ".join(" & ".join(view.p.sum(g.terms) for g in row) for row in grads)
        out.append(
            {
                "lhs": rf"\frac{{\partial E}}{{\partial {view.p.name('A', (n, j))}}}",
                "rows": [r"\begin{bmatrix} " + body + r" \end{bmatrix}"],
                "text": "",
            }
        )
    return out


def _story(s: Subsample2d, view: SheetView) -> dict[str, Any]:
    _ = view._
    sh, sw = s.scale
    own = {c.of: _closed_form_latex(s, view, c) for c in view.d.closed_forms if c.expected}

    def closed(of: str) -> list[str]:
        return [own[of]] if of in own else []

    cell = f"A_{{{_scaled(sh, 'u')}+p,{_scaled(sw, 'v')}+q}}"
    down = rf"\operatorname{{down}}(A)_{{uv}} = \sum_{{p,q}} {cell}"
    floors = [
        i if k == 1 else rf"\lfloor {i}/{k} \rfloor" for i, k in zip("ij", s.scale, strict=True)
    ]
    d_index = ",".join(floors)
    steps = [
        chain_step(view, _("story.what.subsample"), ("u", "v")),
        step(
            _("sub.story.bias", b="$b$"),
            [
                r"\frac{\partial E}{\partial b} = \sum_{u,v} D_{uv}\, "
                r"\frac{\partial Z_{uv}}{\partial b} = \sum_{u,v} D_{uv}",
                *closed("b"),
            ],
        ),
        step(
            _("sub.story.beta", beta=r"$\beta$", down=f"${down}$", z="$Z_{uv}$"),
            [
                r"\frac{\partial E}{\partial \beta} = \sum_{u,v} D_{uv}\, "
                r"\operatorname{down}(A)_{uv}",
                *closed("beta"),
            ],
        ),
        step(
            _(
                "sub.story.input",
                a="$A_{ij}$",
                uv=f"$u = {floors[0]}$, $v = {floors[1]}$",
                beta=r"$\beta$",
            ),
            [
                rf"\frac{{\partial E}}{{\partial A_{{ij}}}} = \beta\, D_{{{d_index}}} = \beta\, "
                rf"\left(D \otimes \mathbf{{1}}_{{{_block(s.scale)}}}\right)_{{ij}}"
            ],
        ),
        step(_("sub.story.up"), closed("A")),
        step(
            _("sub.story.below"),
            [
                r"D^{[\ell-1]} = \frac{\partial E}{\partial A} \odot f'\bigl(Z^{[\ell-1]}\bigr) "
                r"= \beta \left(f'\bigl(Z^{[\ell-1]}\bigr) \odot \operatorname{up}(D)\right)"
            ],
        ),
    ]
    if s.in_channels > 1 or s.batch > 1:
        steps.append(step(_("sub.story.maps")))
    return story_section(view, steps)


def subsample_sheet(s: Subsample2d, view: SheetView) -> dict[str, Any]:
    """The title, command and sections of a subsampling layer's sheet."""
    d = view.d
    _ = view._
    summary = view.summary
    many = s.in_channels > 1
    j = "^{(j)}" if many else ""
    blocks = s.scale[0] * s.scale[1]
    notes = [_("sub.note.down", block=f"${_block(s.scale)}$", n=blocks)]
    if many:
        notes.append(_("sub.note.maps"))
    leads = list(np.ndindex(s.batch, s.in_channels))
    # a summary shows the first map of each (the others are laid out the same way)
    shown = leads[:1] if summary else leads
    matrices = view.tensor_matrices([("A", shown, s.input), ("D", shown, s.output)])
    if matrices is not None and len(shown) < len(leads):
        matrices["notes"] = [view.more_maps(x, len(leads) - len(shown)) for x in ("A", "D")]
    layer = layer_section(
        view,
        intro=[_("sub.intro")],
        definition=_definition(s, view),
        notes=notes,
        size_rules=[rf"H_o = W_o = H/{s.scale[0]} = {s.input[0]}/{s.scale[0]} = {s.output[0]}"]
        if s.input[0] == s.input[1] and s.scale[0] == s.scale[1]
        else [
            rf"{name}_o = {name}/{f} = {h}/{f} = {o}"
            for name, h, f, o in zip(("H", "W"), s.input, s.scale, s.output, strict=True)
        ],
        output={"letter": "Z", "shape": size_text(s.shapes()["Z"])},
        matrices=matrices,
    )
    forms = [
        form(view, c, _closed_form_latex(s, view, c), _heading(s, c, view), story=c.expected)
        for c in d.closed_forms
    ]
    batch = _("sub.over_batch") if s.batch > 1 else ""
    of = _("sub.of_map") if many else ""
    bias_intro = _(
        "sub.bias",
        of=of,
        b=f"$b{j}$",
        whose=_("sub.whose.map" if many else "sub.whose.the"),
        batch=batch,
    )
    beta_intro = _(
        "sub.beta", of=of, beta=rf"$\beta{j}$", dbeta=rf"$\partial E/\partial \beta{j}$",
        batch=batch,
    )
    matrices_a = _input_matrices(s, view)
    if summary:
        worked: list[dict[str, Any]] = [
            view.worked_section(
                [d.forward, d.gradients_of("b"), d.gradients_of("beta"), d.gradients_of("A")], []
            )
        ]
    else:
        if matrices_a:  # the matrices replace the one-column list of every element
            input_intro = _("sub.input.only_matrix", beta=rf"$\beta{j}$")
            input_equations = matrices_a
        else:
            input_intro = _("sub.input", beta=rf"$\beta{j}$", matrix=_("sub.input.list"))
            input_equations = [_equation(view, g) for g in d.gradients_of("A")]
        worked = [
            view.forward_section(equations=[_equation(view, e) for e in d.forward]),
            {
                "kind": "contributions",
                "heading": _("contributions.heading"),
                "intro": _("sub.contributions"),
                "column": _("sub.column"),
                "rows": _contributions(view),
            },
            {
                "kind": "elements",
                "heading": _("sub.heading.bias"),
                "intro": bias_intro,
                "intro_md": bias_intro,
                "layout": "aligned",
                "equations": [view.equation(g) for g in d.gradients_of("b")],
                "after": [],
            },
            {
                "kind": "elements",
                "heading": _("sub.heading.beta"),
                "intro": _("chain.sum") + "\n" + beta_intro,
                "intro_md": _("chain.sum") + "\n" + beta_intro,
                "layout": "lines",
                "equations": [view.equation(g) for g in d.gradients_of("beta")],
                "after": [],
            },
            {
                "kind": "elements",
                "heading": _("heading.input_gradient"),
                "intro": input_intro,
                "intro_md": input_intro,
                "layout": "lines",
                "equations": input_equations,
                "after": [
                    {"kind": "activation_delta", "index": "ij" if not d.notation.commas else "i,j"}
                ],
            },
        ]
    sections = [
        view.notation_section(),
        layer,
        _story(s, view),
        *worked,
        closed_forms_section(
            view,
            _("closed.intro_summary") if summary else _("sub.closed_intro"),
            forms,
            per_map=s.batch > 1 or many,
        ),
        *tail(
            view,
            verdict=_("sheet.verdict_notes"),
            refs=["ref.seeds_subsample", "ref.bouvrie_sub"],
        ),
    ]
    return document(_title(s, view), _command(s), sections)
