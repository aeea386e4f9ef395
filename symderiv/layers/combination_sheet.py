"""What the sheet of Bouvrie's learned combination of feature maps says: Z^(j) = Σ_i α_ji A^(i)
with α = softmax(c), the chain rule for the weights (∂E/∂α_ji = Σ D^(j) ⊙ A^(i)), through the
softmax Jacobian for c, and for the input (Σ_j α_ji D^(j)), in the sheet's language.

The sheet shows expressions in exp(c) with the softmax denominators named S_j and, for the
gradients, exp(k·c_ji) written as (α_ji S_j)^k (:class:`Display`); the JSON keeps SymPy's own
expressions in exp."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import sympy

from ..core.symbols import element_name, parse_name
from ..render.printing import split_rows, term_width
from ..render.sheet import FIRST_ROW_BUDGET, LABEL, ROW_BUDGET, size_text
from . import texts as texts  # registers the messages
from ._bouvrie import size_label
from ._sheet import closed_forms_section, document, form, layer_section, step, story_section, tail
from .combination import MapCombination

if TYPE_CHECKING:
    from ..core.model import ClosedFormCheck, Derivation, Element
    from ..render.sheet import SheetView

__all__ = ["Display", "combination_sheet"]


def _title(s: MapCombination, view: SheetView) -> str:
    _ = view._
    cin = _("mix.title.in_one") if s.in_channels == 1 else _("mix.title.in_many", n=s.in_channels)
    cout = (
        _("mix.title.out_one") if s.out_channels == 1 else _("mix.title.out_many", n=s.out_channels)
    )
    parts = [_("mix.title", size=size_text(s.input, "×"), cin=cin, cout=cout)]
    if s.batch > 1:
        parts.append(_("title.batch", n=s.batch))
    return _("title.join", kind=s.kind, parts=_("title.sep").join(parts))


def _command(s: MapCombination) -> str:
    args = [
        f"symderiv derive {s.kind}",
        f"--input {size_label(s.input)}",
        f"--in-channels {s.in_channels}",
        f"--out-channels {s.out_channels}",
    ]
    if s.batch > 1:
        args.append(f"--batch {s.batch}")
    return " ".join(args)


def _names(view: SheetView) -> dict[str, str]:
    alpha = view.p.name("alpha", ())
    return {
        "A": view.map_name("A", ("n", "i")),
        "D": view.map_name("D", ("n", "j")),
        "alpha_ji": alpha + "_{ji}",
        "alpha_j": alpha + r"_{j\cdot}",
        "dE/dalpha_ji": rf"\frac{{\partial E}}{{\partial {alpha}_{{ji}}}}",
        "dE/dalpha_j": rf"\frac{{\partial E}}{{\partial {alpha}_{{j\cdot}}}}",
    }


def _closed_form_latex(s: MapCombination, view: SheetView, c: ClosedFormCheck) -> str:
    names = _names(view)
    if c.of == "A":
        lhs, sums = names["A"], r"\sum_{j} "
    else:
        letter = r"\alpha" if c.of == "alpha" else c.of
        lhs, sums = letter + "_{ji}", r"\sum_{n} " if c.of == "alpha" and s.batch > 1 else ""
    return rf"\frac{{\partial E}}{{\partial {lhs}}} = {sums}{c.formula.latex(names)}"


def _heading(c: ClosedFormCheck, view: SheetView) -> str:
    _ = view._
    letter = r"\alpha" if c.of == "alpha" else c.of
    d = f"$\\partial E/\\partial {letter}$"
    if c.expected:
        return _("sheet.notes_formula", d=d)
    mistakes = {
        "forgets the softmax Jacobian (takes dE/dc to be dE/dalpha)": "mix.mistake.jacobian",
        "keeps only the diagonal of the softmax Jacobian": "mix.mistake.diagonal",
    }
    if c.stated_in in mistakes:
        what = _(mistakes[c.stated_in])
    else:
        what = c.stated_in.replace("dE/dc", "$\\partial E/\\partial c$").replace(
            "dE/dalpha", "$\\partial E/\\partial \\alpha$"
        )
    return _("sheet.known_mistake_for", d=d, what=what)


class Display:
    """How the sheet shows expressions in exp(c): the softmax denominators named
    S_j = Σ_k exp(c_jk) and, for the gradients, exp(k·c_ji) written as (α_ji S_j)^k.
    Both are exact renamings (α_ji S_j = exp(c_ji) by definition); the JSON keeps
    SymPy's own expressions in exp."""

    def __init__(self, view: SheetView) -> None:
        self.view = view
        c, alpha = view.d.tensor("c"), view.d.tensor("alpha")
        n_out, n_in = c.shape
        self.S = [sympy.Symbol(element_name("S", (j,)), positive=True) for j in range(n_out)]
        self.sums = {
            sympy.Add(*(sympy.exp(c[(j, k)]) for k in range(n_in))): self.S[j] for j in range(n_out)
        }
        self.alpha = alpha

    def abbreviate(self, expr: sympy.Expr) -> sympy.Expr:
        """Each softmax denominator as S_j."""
        return expr.xreplace(self.sums)

    def _power(self, e: sympy.Expr) -> sympy.Expr:
        out = sympy.Integer(1)
        for symbol, k in e.args[0].as_coefficients_dict().items():
            letter, (j, i) = parse_name(str(symbol))
            if letter != "c" or not k.is_Integer:
                return e
            out *= (self.alpha[(j, i)] * self.S[j]) ** k
        return out

    def in_alpha(self, expr: sympy.Expr) -> sympy.Expr:
        """exp(k·c_ji) as (α_ji S_j)^k after naming the denominators: the S_j cancel."""
        return self.abbreviate(expr).replace(lambda e: isinstance(e, sympy.exp), self._power)

    def rows(self, expr: sympy.Expr, reserve: float) -> list[str]:
        """The expression in display rows: its top-level terms, each split into its
        products when it is wider than a row."""
        budget = ROW_BUDGET - reserve
        parts = []
        for part in sympy.Add.make_args(expr):
            latex = self.view.p._print(part)
            if term_width(latex) > budget:
                parts += [
                    self.view.p._print(x) for x in sympy.Add.make_args(sympy.expand_mul(part))
                ]
            else:
                parts.append(latex)
        return split_rows(parts, budget, FIRST_ROW_BUDGET - reserve)

    def equation(self, e: Element, alpha: bool) -> dict[str, Any]:
        shown = self.in_alpha(e.expr) if alpha else self.abbreviate(e.expr)
        reserve = self.view.reserve(e.tensor, e.index)
        return {"lhs": self.view.lhs(e), "rows": self.rows(shown, reserve), "text": ""}

    def closed_form(
        self, c: ClosedFormCheck, latex: str, heading: str, story: bool
    ) -> dict[str, Any]:
        """The view's record, with a non-polynomial failure shown in α."""
        out = form(self.view, c, latex, heading, story=story)
        f = c.first_failure
        if f is not None and not f.reason and not self.view.d.gradient(c.of, f.index).polynomial:
            reserve = self.view.reserve(c.of, f.index, LABEL)
            out["failure"]["derived"] = self.rows(self.in_alpha(f.derived), reserve)
            out["failure"]["closed"] = self.rows(self.in_alpha(f.closed), reserve)
        return out


def _closed_intro(d: Derivation, view: SheetView) -> str:
    _ = view._
    methods = [
        _(f"mix.decided.{m}")
        for m in ("expand", "cancel", "counterexample")
        if any(c.decided_by == m for c in d.closed_forms)
    ]
    return _("mix.closed_intro", methods=_("mix.methods.sep").join(methods))


def _story(s: MapCombination, view: SheetView) -> dict[str, Any]:
    _ = view._
    own = {c.of: _closed_form_latex(s, view, c) for c in view.d.closed_forms if c.expected}

    def closed(of: str) -> list[str]:
        return [own[of]] if of in own else []

    dalpha = r"\frac{\partial E}{\partial \alpha_{jk}}"
    steps = [
        step(
            _("mix.story.chain"),
            [
                r"\frac{\partial E}{\partial x} = \sum_{j} \sum_{u,v} D^{(j)}_{uv}\, "
                r"\frac{\partial Z^{(j)}_{uv}}{\partial x}"
            ],
        ),
        step(
            _("mix.story.alpha"),
            [
                r"\frac{\partial E}{\partial \alpha_{ji}} = \sum_{u,v} D^{(j)}_{uv}\, "
                r"A^{(i)}_{uv}",
                *closed("alpha"),
            ],
        ),
        step(
            _("mix.story.c"),
            [
                rf"\frac{{\partial E}}{{\partial c_{{ji}}}} = \sum_{{k}} {dalpha}\, "
                rf"\alpha_{{jk}} \bigl([i = k] - \alpha_{{ji}}\bigr) = \alpha_{{ji}} "
                rf"\Bigl(\frac{{\partial E}}{{\partial \alpha_{{ji}}}} - \sum_{{k}} "
                rf"\alpha_{{jk}}\, {dalpha}\Bigr)",
                *closed("c"),
            ],
        ),
        step(
            _("mix.story.input"),
            [
                r"\frac{\partial E}{\partial A^{(i)}_{uv}} = \sum_{j} D^{(j)}_{uv}\, "
                r"\alpha_{ji}",
                *closed("A"),
            ],
        ),
    ]
    if s.batch > 1:
        steps.append(step(_("mix.story.batch")))
    return story_section(view, steps)


def combination_sheet(s: MapCombination, view: SheetView) -> dict[str, Any]:
    """The title, command and sections of a map-combination layer's sheet."""
    d = view.d
    _ = view._
    summary = view.summary
    show = Display(view)
    Z, A = view.map_name("Z", ("n", "j")), view.map_name("A", ("n", "i"))
    alpha = view.p.name("alpha", ())
    c = view.p.name("c", ())
    definition = (
        rf"{Z} = \sum_{{i}} {alpha}_{{ji}}\, {A}, \qquad "
        rf"{alpha}_{{ji}} = \frac{{e^{{{c}_{{ji}}}}}}{{\sum_{{k}} e^{{{c}_{{jk}}}}}}"
    )
    notes = [
        _("mix.note.convex", a=rf"${alpha}_{{ji}}$", sum=rf"$\sum_i {alpha}_{{ji}} = 1$")
    ]
    if d.exhibits.get("sparsity_gradient_is_zero"):
        notes.append(_("mix.note.sparsity"))
    leads_a = list(np.ndindex(s.batch, s.in_channels))
    leads_d = list(np.ndindex(s.batch, s.out_channels))
    matrices = view.tensor_matrices(
        [("A", leads_a, s.input), ("c", [()], (s.out_channels, s.in_channels)),
         ("D", leads_d, s.input)]
    )
    layer = layer_section(
        view,
        intro=[_("mix.intro")],
        definition=definition,
        notes=notes,
        output={"letter": "Z", "shape": size_text(s.shapes()["Z"])},
        matrices=matrices,
    )
    notation = view.notation_section()
    notation["entries"].append(_("mix.notation"))
    forms = [
        show.closed_form(c, _closed_form_latex(s, view, c), _heading(c, view), c.expected)
        for c in d.closed_forms
    ]
    alpha_forward = d.exhibits["alpha_forward"]
    if summary:
        groups: list[tuple[tuple[Element, ...], bool | None]] = [
            (alpha_forward, None),
            (d.gradients_of("alpha"), None),
            (d.gradients_of("c"), True),
            (d.gradients_of("A"), True),
        ]
        equations = [
            view.equation(view.example(g)) if how is None else show.equation(view.example(g), how)
            for g, how in groups
            if g
        ]
        worked: list[dict[str, Any]] = [
            {
                "kind": "elements",
                "heading": _("worked.heading"),
                "intro": _("mix.worked"),
                "intro_md": _("mix.worked"),
                "layout": "lines",
                "equations": equations,
                "after": [],
            }
        ]
    else:
        worked = [
            view.forward_section(
                intro=_("mix.forward"), equations=[view.equation(e) for e in alpha_forward]
            ),
            {
                "kind": "elements",
                "heading": _("mix.heading.forward_c"),
                "intro": _("mix.forward_c"),
                "intro_md": _("mix.forward_c"),
                "layout": "block",
                "equations": [show.equation(e, alpha=False) for e in d.forward],
                "after": [],
            },
            {
                "kind": "elements",
                "heading": _("mix.heading.alpha"),
                "intro": _("mix.alpha_intro"),
                "intro_md": _("mix.alpha_intro"),
                "layout": "lines",
                "equations": [view.equation(g) for g in d.gradients_of("alpha")],
                "after": [],
            },
            {
                "kind": "elements",
                "heading": _("mix.heading.c"),
                "intro": _("mix.c_intro"),
                "intro_md": _("mix.c_intro"),
                "layout": "lines",
                "equations": [show.equation(g, alpha=True) for g in d.gradients_of("c")],
                "after": [],
            },
            {
                "kind": "elements",
                "heading": _("heading.input_gradient"),
                "intro": _("mix.input_intro"),
                "intro_md": _("mix.input_intro"),
                "layout": "lines",
                "equations": [show.equation(g, alpha=True) for g in d.gradients_of("A")],
                "after": [],
            },
        ]
    sections = [
        notation,
        layer,
        _story(s, view),
        *worked,
        closed_forms_section(
            view,
            _("closed.intro_summary") if summary else _closed_intro(d, view),
            forms,
            legend=_("mix.legend"),
        ),
        *tail(
            view,
            verdict=_("sheet.verdict_notes"),
            refs=["ref.bouvrie_sub"],
            sampling=_("mix.sampling"),
        ),
    ]
    return document(_title(s, view), _command(s), sections)
