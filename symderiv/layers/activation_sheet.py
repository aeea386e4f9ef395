"""What an activation's sheet says: Z_u = f(A_u), the chain rule that leaves one term
(∂E/∂A = D ⊙ f′(A)), the notes' form of f′, and how this is the step D^[ℓ−1] = ∂E/∂A ⊙ f′(Z^[ℓ−1])
of every other sheet, in the sheet's language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import sympy
from sympy.printing.latex import LatexPrinter

from ..render.printing import cases_latex
from ..render.sheet import size_text
from . import texts as texts  # registers the messages
from ._checks import decimal_text
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
from .activation import _F, ActivationSpec, Function, _a

if TYPE_CHECKING:
    from ..core.model import ClosedFormCheck
    from ..render.sheet import SheetView

__all__ = ["activation_sheet", "form_latex"]


class _FormPrinter(LatexPrinter):
    """SymPy's LaTeX, a Piecewise as ``cases`` without words."""

    def _print_Piecewise(self, expr: sympy.Piecewise) -> str:
        return cases_latex(self, expr)


def _latex(expr: sympy.Expr, fn: Function) -> str:
    """A scalar expression in a (and F = f(a)) as LaTeX, F printed as f(a)."""
    if isinstance(expr, sympy.Derivative):
        return "f'(a)"
    return str(_FormPrinter({"symbol_names": {_F: f"{fn.tex}(a)"}}).doprint(expr))


def form_latex(s: ActivationSpec) -> str:
    """The notes' form of f′, e.g. ``\\sigma'(a) = \\sigma(a) \\left(1 - \\sigma(a)\\right)``."""
    fn = s.fn
    if s.function == "activation":
        return "f'(a)"
    return rf"{fn.tex}'(a) = {_latex(fn.form(s.slope), fn)}"


def _closed_form_latex(s: ActivationSpec, c: ClosedFormCheck) -> str:
    body = c.formula.latex({"A": "A", "D": "D"})
    out = rf"\frac{{\partial E}}{{\partial A}} = {body}"
    if c.expected and s.function not in ("activation",):
        out += rf", \qquad {form_latex(s)}"
    return out


def _zero_note(s: ActivationSpec, view: SheetView) -> str | None:
    """What f′(0) is, for the functions with a kink at 0."""
    if s.function == "relu":
        return view._("act.zero.relu")
    if s.function == "leaky_relu":
        return view._("act.zero.leaky_relu", alpha=rf"$\alpha = {sympy.latex(s.slope)}$")
    return None


def _heading(s: ActivationSpec, c: ClosedFormCheck, view: SheetView) -> str:
    _ = view._
    if c.expected:
        notes = s.function in ("sigmoid", "tanh")
        return _("act.heading.notes" if notes else "act.heading.own")
    kind = "relu" if s.function == "leaky_relu" and s.slope == 0 else s.function
    return _("sheet.known_mistake", what=_(f"act.mistake.{kind}"))


def _title(s: ActivationSpec, view: SheetView) -> str:
    _ = view._
    if len(s.input) == 1:
        parts = [_("title.length_input", n=s.input[0])]
    else:
        parts = [_("title.input", size=size_text(s.input, "×"))]
    if s.in_channels > 1:
        parts.append(_("title.channels", n=s.in_channels))
    if s.batch > 1:
        parts.append(_("title.batch", n=s.batch))
    if s.negative_slope is not None:
        parts.append(_("act.title.slope", slope=decimal_text(s.negative_slope)))
    name = _("act.title.unspecified") if s.function == "activation" else s.kind
    return _("title.join", kind=name, parts=_("title.sep").join(parts))


def _command(s: ActivationSpec) -> str:
    args = [f"symderiv derive {s.kind}", "--input " + "x".join(map(str, s.input))]
    if s.in_channels > 1:
        args.append(f"--in-channels {s.in_channels}")
    if s.batch > 1:
        args.append(f"--batch {s.batch}")
    if s.negative_slope is not None:
        args.append(f"--slope {decimal_text(s.negative_slope)}")
    return " ".join(args)


def _story(s: ActivationSpec, view: SheetView, closed: str | None) -> dict[str, Any]:
    _ = view._
    f = s.fn.tex
    prime = "f'" if s.function == "activation" else f"{f}'"
    steps = [
        chain_step(view, _("story.what.input"), ("v",), "A_{u}"),
        step(
            _("act.story.input", fp=f"{prime}(A_{{u}})"),
            [
                rf"\frac{{\partial E}}{{\partial A_{{u}}}} = D_{{u}}\, {prime}(A_{{u}}), \qquad "
                rf"\frac{{\partial E}}{{\partial A}} = D \odot {prime}(A)"
            ],
        ),
        step(_(f"act.story.form.{s.function}"), [closed] if closed else []),
        step(
            _("act.story.delta"),
            [rf"D^{{[\ell-1]}} = D \odot {prime}\bigl(Z^{{[\ell-1]}}\bigr)"],
        ),
    ]
    return story_section(view, steps)


def _derivative_section(s: ActivationSpec, view: SheetView) -> dict[str, Any]:
    _ = view._
    fn = s.fn
    if s.function == "activation":
        rest = _("act.derivative.unspecified")
    elif s.function in ("sigmoid", "tanh"):
        rest = _("act.derivative.notes")
    else:
        rest = _("act.derivative.closed")
    intro = _("act.derivative", rest=rest)
    zero = _zero_note(s, view)
    if zero:
        intro += "\n" + zero
    derivative = view.d.exhibits["sympy_derivative"]
    equations = [{"lhs": rf"\frac{{d}}{{da}}\, {fn.tex}(a)", "rows": [_latex(derivative, fn)]}]
    if s.function != "activation":
        equations.append({"lhs": f"{fn.tex}'(a)", "rows": [_latex(fn.form(s.slope), fn)]})
    return {
        "kind": "elements",
        "heading": _("heading.derivative"),
        "intro": intro,
        "intro_md": intro,
        "layout": "block",
        "equations": equations,
        "after": [],
    }


def activation_sheet(s: ActivationSpec, view: SheetView) -> dict[str, Any]:
    """The title, command and sections of an activation's sheet."""
    d = view.d
    _ = view._
    fn = s.fn
    summary = view.summary
    if s.function == "activation":
        definition = r"Z = f(A): \qquad Z_{u} = f(A_{u})"
    else:
        definition = (
            rf"Z = {fn.tex}(A): \qquad Z_{{u}} = {fn.tex}(A_{{u}}), \qquad "
            rf"{fn.tex}(a) = {_latex(s._f(_a), fn)}"
        )
    slope = ""
    if s.negative_slope is not None:
        slope = _("act.intro.slope", alpha=rf"$\alpha = {sympy.latex(s.slope)}$")
    pytorch = "" if s.function == "activation" else _("act.intro.pytorch", name=fn.pytorch)
    notes = [_("act.note.positions")]
    if s.function == "activation":
        notes.append(_("act.note.unspecified"))
    leads = list(np.ndindex(s.batch, s.in_channels))
    matrices = (
        view.tensor_matrices([("A", leads, s.input), ("D", leads, s.input)])
        if len(s.input) <= 2
        else None
    )
    layer = layer_section(
        view,
        intro=[_("act.intro", words=_(f"act.words.{s.function}"), slope=slope, pytorch=pytorch)],
        definition=definition,
        notes=notes,
        output={"letter": "Z", "shape": size_text(s.shape)},
        matrices=matrices,
    )
    checks = d.closed_forms
    forms = [
        form(view, c, _closed_form_latex(s, c), _heading(s, c, view), story=c.expected)
        for c in checks
    ]
    closed = next((_closed_form_latex(s, c) for c in checks if c.expected), None)
    gradients = d.gradients_of("A")
    if summary:
        worked: list[dict[str, Any]] = [
            _derivative_section(s, view),
            view.worked_section([d.forward, gradients], []),
        ]
    else:
        worked = [
            view.forward_section(),
            _derivative_section(s, view),
            view.elements_section(
                _("heading.input_gradient"), gradients, _("act.chain"), "block", []
            ),
        ]
    decided = {c.decided_by for c in checks if c.expected}
    how = _("act.how.cancel" if "cancel" in decided else "act.how.expand")
    refs = ["ref.seeds_activation", "ref.bouvrie"]
    sections = [
        view.notation_section(),
        layer,
        _story(s, view, closed),
        *worked,
        closed_forms_section(
            view,
            _("closed.intro_summary") if summary else _("act.closed_intro", how=how),
            forms,
            legend=_("act.legend"),
        ),
        *tail(
            view,
            verdict=_(
                "act.verdict.notes" if s.function in ("sigmoid", "tanh") else "act.verdict.closed"
            ),
            refs=refs,
            pytorch=[] if s.function == "activation" else [fn.pytorch],
            sampling=_(
                "act.sampling",
                sin=_("act.sampling.sin") if s.function == "activation" else "",
            ),
        ),
    ]
    return document(_title(s, view), _command(s), sections)
