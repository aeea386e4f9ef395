"""Stage 5b: the numeric cross-check of the derived expansions.

Random float64 values (from a fixed seed, so sheets are reproducible) are
substituted into the derived forward and gradient expressions and compared
with the layer's plain-loop numpy reference (:meth:`Layer.reference`).
Rounding grows with the size of a sum, so each difference is divided by
max(1, sum of |term|) of its element before it is compared with the tolerance.
An undefined function of the forward pass (an unspecified activation f) is
given the layer's concrete stand-in (:meth:`Layer.stand_ins`) here, and only here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import sympy
from sympy.core.function import AppliedUndef

from .layer import Layer
from .model import Element, NumericCheck
from .symbols import SymbolTensor

__all__ = ["TOLERANCE", "numeric_check"]

TOLERANCE = 1e-12


def _concrete(expr: sympy.Expr, stand_ins: Mapping[str, sympy.Lambda]) -> sympy.Expr:
    """``expr`` with each undefined function replaced by its stand-in (derivatives done)."""
    undefined = {a.func for a in expr.atoms(AppliedUndef)}
    if not undefined:
        return expr
    missing = sorted(str(f) for f in undefined if str(f) not in stand_ins)
    if missing:
        raise ValueError(f"no stand-in for the undefined function(s) {', '.join(missing)}")
    return expr.subs({f: stand_ins[str(f)] for f in undefined}).doit()


def _evaluate(
    elements: Iterable[Element],
    values: Mapping[str, float],
    symbols: Mapping[str, sympy.Symbol],
    stand_ins: Mapping[str, sympy.Lambda] | None = None,
) -> dict[tuple[int, ...], tuple[float, float]]:
    """Each element's value, and the size of its sum: max(1, sum of |term|)."""
    out = {}
    for e in elements:
        total, size = 0.0, 0.0
        if e.polynomial:
            for term in e.terms:
                prod = float(term.coeff)
                for f in term.factors:
                    prod *= values[f.name]
                total += prod
                size += abs(prod)
        else:
            point = {symbols[s.name]: values[s.name] for s in e.expr.free_symbols}
            expr = _concrete(e.expr, stand_ins or {})
            for part in sympy.Add.make_args(expr):
                value = float(part.evalf(17, subs=point))
                total += value
                size += abs(value)
        out[e.index] = (total, max(1.0, size))
    return out


def numeric_check(
    layer: Layer,
    tensors: Iterable[SymbolTensor],
    forward: tuple[Element, ...],
    gradients: tuple[Element, ...],
    seed: int = 0,
) -> NumericCheck:
    """Largest scaled difference, per tensor, between derivation and reference."""
    arrays = layer.random_values(seed)
    values: dict[str, float] = {}
    symbols: dict[str, sympy.Symbol] = {}
    for t in tensors:
        if t.letter not in arrays:
            continue
        flat = np.asarray(arrays[t.letter], dtype=float).ravel()
        for sym, v in zip(t.elements, flat, strict=True):
            values[sym.name] = float(v)
            symbols[sym.name] = sym
    expected = layer.reference(arrays)
    out_letter = forward[0].tensor
    errors: dict[str, float] = {}
    for letter, elements in (
        (out_letter, forward),
        *((x, tuple(g for g in gradients if g.tensor == x)) for x in layer.wrt()),
    ):
        got = _evaluate(elements, values, symbols, layer.stand_ins())
        ref = np.asarray(expected[letter], dtype=float)
        if len(got) != ref.size:
            errors[letter] = float("inf")
            continue
        errors[letter] = max((abs(v - ref[i]) / size for i, (v, size) in got.items()), default=0.0)
    return NumericCheck(seed=seed, tolerance=TOLERANCE, max_error=tuple(errors.items()))
