"""Stage 5b: the numeric cross-check of the derived expansions.

Random float64 values (from a fixed seed, so sheets are reproducible) are
substituted into the derived forward and gradient expansions and compared
with the plain-loop reference of :mod:`symderiv.reference`.  Rounding grows
with the size of a sum, so each difference is divided by max(1, sum of |term|)
of its element before it is compared with the tolerance.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from . import reference
from .model import Element, NumericCheck
from .spec import ConvSpec
from .symbols import SymbolTensor

__all__ = ["TOLERANCE", "numeric_check", "random_values"]

TOLERANCE = 1e-12


def random_values(spec: ConvSpec, seed: int) -> dict[str, np.ndarray]:
    """Uniform values in [-1, 1) for A, K, b and D, drawn in that order."""
    rng = np.random.default_rng(seed)
    shapes = spec.shapes()
    return {letter: rng.uniform(-1.0, 1.0, shapes[letter]) for letter in ("A", "K", "b", "D")}


def _evaluate(
    elements: Iterable[Element], values: dict[str, float]
) -> dict[tuple[int, ...], tuple[float, float]]:
    """Each element's value, and the size of its sum: max(1, sum of |term|)."""
    out = {}
    for e in elements:
        total, size = 0.0, 0.0
        for term in e.terms:
            prod = float(term.coeff)
            for f in term.factors:
                prod *= values[f.name]
            total += prod
            size += abs(prod)
        out[e.index] = (total, max(1.0, size))
    return out


def numeric_check(
    spec: ConvSpec,
    tensors: Iterable[SymbolTensor],
    forward: tuple[Element, ...],
    gradients: tuple[Element, ...],
    seed: int = 0,
) -> NumericCheck:
    """Largest scaled difference, per tensor, between derivation and reference."""
    arrays = random_values(spec, seed)
    values: dict[str, float] = {}
    for t in tensors:
        flat = arrays[t.letter].ravel()
        for sym, v in zip(t.elements, flat, strict=True):
            values[sym.name] = float(v)
    Z = reference.forward(spec, arrays["A"], arrays["K"], arrays["b"])
    dA, dK, db = reference.backward(spec, arrays["A"], arrays["K"], arrays["D"])
    expected = {"Z": Z, "K": dK, "b": db, "A": dA}
    errors: dict[str, float] = {}
    for letter, elements in (
        ("Z", forward),
        *((x, tuple(g for g in gradients if g.tensor == x)) for x in ("K", "b", "A")),
    ):
        got = _evaluate(elements, values)
        ref = expected[letter]
        if len(got) != ref.size:
            errors[letter] = float("inf")
            continue
        errors[letter] = max((abs(v - ref[i]) / size for i, (v, size) in got.items()), default=0.0)
    return NumericCheck(seed=seed, tolerance=TOLERANCE, max_error=tuple(errors.items()))
