"""The ``worked`` section of a sheet: the integers, the forward values, and every gradient
element's products with their sum, beside the symbols printed above them.

The sheet builder calls :func:`add_worked` with the values asked for (``--seed`` or
``--values``); the section goes just before the closed forms.
"""

from __future__ import annotations

from itertools import product
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy

from ..render.printing import term_width
from ..render.sheet import FIRST_ROW_BUDGET, MATRIX_BUDGET, MAX_COLUMNS, ROW_BUDGET, size_text
from .messages import text
from .numbers import Worked, WorkedElement, worked_numbers
from .values import HIGH, LOW, WorkedValues

if TYPE_CHECKING:
    from ..render.sheet import SheetView

__all__ = ["MAX_LINES", "add_worked", "worked_section"]

MAX_LINES = 16
"""Gradient elements worked out term by term, per tensor (all of them are in its matrix)."""

_BEFORE = ("closed_forms", "numeric")


def _number(view: SheetView, x: sympy.Rational) -> str:
    return view.p._print(x)


def _factor(view: SheetView, x: sympy.Rational) -> str:
    """A factor in a product: a negative number in parentheses."""
    text = _number(view, x)
    return f"({text})" if x < 0 else text


def _product(view: SheetView, coeff: sympy.Rational, factors: tuple[sympy.Rational, ...]) -> str:
    parts = [_factor(view, f) for f in factors]
    if coeff != 1 or not parts:
        parts.insert(0, _factor(view, coeff))
    return r" \cdot ".join(parts)


def _width(part: str) -> float:
    """A printed product's width in term_width's units (``\\cdot`` and its spaces count)."""
    return term_width(part) + 1.2 * part.count(r"\cdot")


def _rows(view: SheetView, e: WorkedElement, reserve: float) -> list[str]:
    """``1 \\cdot 2 + (-1) \\cdot 0 + … = 5`` split into rows that fit the page (every
    product is added: a negative one shows its sign inside its parentheses)."""
    result = " = " + _number(view, e.value)
    if not e.products:
        return [_number(view, e.value)]
    parts = [_product(view, p.coeff, p.factors) for p in e.products]
    if len(parts) == 1 and len(e.products[0].factors) <= 1 and e.products[0].coeff == 1:
        return [_number(view, e.value)]  # one number: nothing to work out
    rows: list[list[str]] = [[]]
    used = 0.0
    limit = FIRST_ROW_BUDGET - reserve
    for k, part in enumerate(parts):
        w = _width(part) + 1.5
        if k == len(parts) - 1:
            w += term_width(result) + 1.0
        if rows[-1] and used + w > limit:
            rows.append([])
            used = 0.0
            limit = ROW_BUDGET - reserve
        rows[-1].append(part)
        used += w
    text = [("+ " if i else "") + " + ".join(r) for i, r in enumerate(rows)]
    text[-1] += result
    return text


def _maps(
    view: SheetView,
    letter: str,
    values: dict[tuple[int, ...], sympy.Rational],
    shape: tuple[int, ...],
    gradient: bool = False,
) -> list[tuple[str, float]]:
    """A tensor's values as ``X = [matrix]`` per map (its leading indices), with widths
    (``gradient``: named ∂E/∂X); a map too wide to print says so."""
    nsp = view.d.notation.spatial.get(letter, 0)
    nsp = min(nsp, len(shape))
    lead_shape, spatial = shape[: len(shape) - nsp], shape[len(shape) - nsp :]
    out = []
    for lead in product(*(range(n) for n in lead_shape)):
        base = view.p.name(letter, lead)
        if gradient:
            base = rf"\frac{{\partial E}}{{\partial {base}}}"
        slices: list[tuple[tuple[int, ...], str]] = [((), base)]
        if len(spatial) == 3:  # a 3-D map, one slice at a time
            slices = [((t,), base + "_{" + f"{t},:,:" + "}") for t in range(spatial[0])]
        for first, label in slices:
            rest = spatial[len(first) :]
            if not rest:
                cells = [[values[(*lead, *first)]]]
            elif len(rest) == 1:
                cells = [[values[(*lead, *first, j)] for j in range(rest[0])]]
            else:
                cells = [
                    [values[(*lead, *first, i, j)] for j in range(rest[1])] for i in range(rest[0])
                ]
            if not rest:
                single = f"{label} = {_number(view, cells[0][0])}"
                out.append((single, term_width(single)))
                continue
            rows = tuple(tuple(r) for r in cells)
            width = view.matrix_width(rows) + term_width(label) + 2
            if width > MATRIX_BUDGET or len(rows[0]) > MAX_COLUMNS:
                note = text("numbers.too_wide", view.lang)
                out.append((rf"{label}\colon\ {size_text(rest)}\ \text{{({note})}}", 30))
                continue
            out.append((f"{label} = {view.p.matrix(rows)}", width))
    return out


def _group(parts: list[tuple[str, float]]) -> list[str]:
    """Matrices side by side, as many as fit a line."""
    rows: list[list[str]] = [[]]
    used = 0.0
    for part, width in parts:
        if rows[-1] and used + width + 3 > MATRIX_BUDGET:
            rows.append([])
            used = 0.0
        rows[-1].append(part)
        used += width + 3
    return [r",\quad ".join(r) for r in rows if r]


def _values_of(elements: tuple[WorkedElement, ...]) -> dict[tuple[int, ...], sympy.Rational]:
    return {e.index: e.value for e in elements}


def _source(values: WorkedValues, lang: str) -> str:
    """Where the values came from (prose)."""
    if values.source.startswith("seed "):
        seed = values.source.split()[1]
        return text("numbers.seed", lang, low=LOW, high=HIGH, seed=seed)
    if values.source.startswith("file "):
        out = text("numbers.file", lang, name=values.source.removeprefix("file "))
    else:
        out = text("numbers.given", lang)
    if values.drawn:
        letters = ", ".join(f"${x}$" for x in values.drawn)
        out += text("numbers.drawn", lang, letters=letters, low=LOW, high=HIGH)
    return out


def worked_section(view: SheetView, worked: Worked) -> dict[str, Any]:
    """The section's data: the values in, the forward values, each gradient's products."""
    d = view.d
    layer = d.layer
    lang = view.lang
    inputs: list[tuple[str, float]] = []
    for letter, a in worked.values.values:
        values = {
            tuple(int(i) for i in ix): sympy.Integer(a[ix])
            if isinstance(a[ix], (int, np.integer))
            else sympy.Rational(repr(float(a[ix])))
            for ix in np.ndindex(*a.shape)
        }
        inputs += _maps(view, letter, values, a.shape)
    forward_letter = worked.forward[0].tensor
    if layer.delta is None:  # a loss: the one element E
        forward_rows = [f"E = {_number(view, worked.forward[0].value)}"]
    else:  # the output has the delta's shape
        shape = next(t.shape for t in d.tensors if t.letter == layer.delta)
        forward_rows = _group(_maps(view, forward_letter, _values_of(worked.forward), shape))
    first = worked.forward[0]
    example = None
    if first.products:
        lhs = view.sym(first.tensor, first.index) if first.index else first.tensor
        example = {"lhs": lhs, "rows": _rows(view, first, view.reserve(first.tensor, first.index))}
    gradients = []
    for letter in layer.wrt():
        elements = worked.gradients_of(letter)
        shown = elements[:MAX_LINES]
        lines = [
            {
                "lhs": rf"\frac{{\partial E}}{{\partial {view.sym(letter, g.index)}}}",
                "rows": _rows(view, g, view.reserve(letter, g.index)),
            }
            for g in shown
        ]
        shape = next(t.shape for t in d.tensors if t.letter == letter)
        matrices = (
            _group(_maps(view, letter, _values_of(elements), shape, gradient=True))
            if len(elements) > 1
            else []
        )
        more = len(elements) - len(shown)
        g_name = rf"\partial E/\partial {view.p.name(letter, ())}"
        intro = (
            text("numbers.gradient_some", lang, g=g_name, shown=len(shown), total=len(elements))
            if more
            else text("numbers.gradient", lang, g=g_name)
        )
        gradients.append({"intro": intro, "lines": lines, "matrices": matrices})
    check = text("numbers.agrees" if worked.reference_agrees else "numbers.disagrees", lang)
    maxpool = text("numbers.maxpool", lang) if layer.kind.startswith("max_pool") else ""
    return {
        "kind": "worked",
        "heading": text("numbers.heading", lang),
        "intro": text("numbers.intro", lang, source=_source(worked.values, lang), maxpool=maxpool),
        "inputs": _group(inputs),
        "forward_intro": text("numbers.forward_example" if example else "numbers.forward", lang),
        "forward": forward_rows,
        "example": example,
        "gradients": gradients,
        "check": check,
    }


def add_worked(view: SheetView, content: dict[str, Any], values: WorkedValues | None) -> None:
    """Add the ``worked`` section before the closed forms (or the numeric check), and the
    option that asks for the values to the sheet's command."""
    if values is None:
        return
    worked = worked_numbers(view.d, values)
    section = worked_section(view, worked)
    sections: list[dict[str, Any]] = content["sections"]
    kinds = [s["kind"] for s in sections]
    at = next((kinds.index(k) for k in _BEFORE if k in kinds), len(sections))
    content["sections"] = [*sections[:at], section, *sections[at:]]
    command = content["command"]
    if "--seed" not in command and "--values" not in command:
        content["command"] = f"{command} {values.option}"
