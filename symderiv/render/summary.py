"""Short summaries of a derivation: ``str()`` in a terminal, ``_repr_latex_`` in Jupyter.

A summary shows a few elements of the first gradient and every verdict; whatever
it leaves out it says, with how many were left out.
"""

from __future__ import annotations

import sympy

from ..core.model import Derivation, GradientElement
from ..core.symbols import element_name
from .printing import SheetTextPrinter, join_terms
from .sheet import SheetView

__all__ = ["summary_latex", "summary_text"]

MAX_TERMS_SHOWN = 12


def _left_out(d: Derivation, limit: int) -> str | None:
    """``… 6 more elements of dE/dK, and the 17 of dE/db, dE/dA``, or None."""
    first, *rest = d.layer.wrt()
    more = len(d.gradients_of(first)) - limit
    others = sum(len(d.gradients_of(x)) for x in rest)
    if more <= 0 and not others:
        return None
    parts = []
    if more > 0:
        parts.append(f"{more} more element{'s' if more > 1 else ''} of dE/d{first}")
    if others:
        names = ", ".join(f"dE/d{x}" for x in rest)
        parts.append(f"the {others} of {names}")
    return "… " + ", and ".join(parts) + " (to_markdown() shows every one)"


def _text_sum(t: SheetTextPrinter, g: GradientElement) -> str:
    if not g.polynomial:
        return str(t._print(g.expr))
    shown = [t.term(x) for x in g.terms[:MAX_TERMS_SHOWN]]
    text = join_terms(shown)
    hidden = len(g.terms) - len(shown)
    return text + (f" + … ({hidden} more terms)" if hidden else "")


def summary_text(d: Derivation, limit: int = 4) -> str:
    """A few lines for the terminal: the first gradient's expansions and every verdict."""
    t = SheetTextPrinter(d.notation)
    lines = [f"{d.layer.label()}: {'verified' if d.verified else 'NOT verified'}"]
    first = d.layer.wrt()[0]
    for g in d.gradients_of(first)[:limit]:
        name = t._print(sympy.Symbol(element_name(first, g.index)))
        lines.append(f"  dE/d{name} = {_text_sum(t, g)}")
    left_out = _left_out(d, limit)
    if left_out:
        lines.append(f"  {left_out}")
    for c in d.closed_forms:
        if c.holds:
            verdict = "holds"
        elif c.failures:
            verdict = f"does not hold ({c.failures}/{c.checked} elements)"
        else:
            verdict = f"undecided ({c.undecided}/{c.checked} elements)"
        lines.append(f"  dE/d{c.of} = {c.formula.text()}  [{c.stated_in}]: {verdict}")
    return "\n".join(lines)


def summary_latex(d: Derivation, limit: int = 4) -> str:
    """Jupyter's view: the first gradient's expansions and the closed forms with verdicts."""
    v = SheetView(d)
    first = d.layer.wrt()[0]
    lines = []
    for g in d.gradients_of(first)[:limit]:
        rows = v.expr_rows(g)
        lines.append(rf"{v.lhs(g)} &= {' '.join(rows)}")
    left_out = _left_out(d, limit)
    if left_out:
        lines.append(rf"& \text{{{left_out}}}")
    sections = d.layer.sheet(v)["sections"]
    forms = next(s["forms"] for s in sections if s["kind"] == "closed_forms")
    for c, form in zip(d.closed_forms, forms, strict=True):
        mark = r"\quad\checkmark" if c.holds else r"\quad\text{(does not hold)}"
        lines.append(rf"& {form['latex']} {mark}")
    return r"$$\begin{aligned}" + r" \\ ".join(lines) + r"\end{aligned}$$"
