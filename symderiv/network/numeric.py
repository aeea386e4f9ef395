"""The numeric cross-check: the derived expressions evaluated in float64 at the sample
point and compared with the numpy reference (:mod:`.reference`).

Expressions are evaluated node by node over their DAG, each shared sub-expression once,
with Python's math: SymPy's own evaluation would walk the shared sub-expressions of a
network's long expressions again and again.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import sympy

from ..core import work

__all__ = ["TOLERANCE", "Evaluator", "error"]

TOLERANCE = 1e-12
"""Largest |derived − reference| / max(1, |reference|) allowed."""


class Evaluator:
    """Float values of expressions at one point (symbol name -> value)."""

    def __init__(self, values: Mapping[str, float]) -> None:
        self.values = dict(values)
        self.memo: dict[sympy.Basic, float] = {}

    def __call__(self, expr: sympy.Basic) -> float:
        found = self.memo.get(expr)
        if found is not None:
            return found
        if expr.is_Symbol:
            out = self.values[expr.name]
        elif expr.is_Number:
            out = float(expr)
        elif expr.is_Add:
            out = math.fsum(self(a) for a in expr.args)
        elif expr.is_Mul:
            out = 1.0
            for a in expr.args:
                out *= self(a)
        elif expr.is_Pow:
            out = self(expr.base) ** self(expr.exp)
        elif isinstance(expr, sympy.exp):
            out = math.exp(self(expr.args[0]))
        elif isinstance(expr, sympy.log):
            out = math.log(self(expr.args[0]))
        elif isinstance(expr, sympy.tanh):
            out = math.tanh(self(expr.args[0]))
        else:
            raise ValueError(f"cannot evaluate {type(expr).__name__} numerically")
        work.add("network numeric", 1)
        self.memo[expr] = out
        return out

    def array(self, exprs: np.ndarray) -> np.ndarray:
        """Every element of an object array, as float64 of the same shape."""
        flat = [self(e) for e in np.asarray(exprs, dtype=object).ravel()]
        return np.asarray(flat, dtype=float).reshape(np.shape(exprs))


def point(arrays: Mapping[str, np.ndarray]) -> dict[str, float]:
    """Symbol name (``K1[0,0,1,2]``) -> value, for every element of every array."""
    out = {}
    for name, array in arrays.items():
        values = np.asarray(array, dtype=float)
        for index in np.ndindex(values.shape):
            out[f"{name}[{','.join(map(str, index))}]"] = float(values[index])
    return out


def error(got: np.ndarray, expected: np.ndarray) -> float:
    """max |got − expected| / max(1, |expected|) over the elements."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        return math.inf
    if got.size == 0:
        return 0.0
    return float(np.max(np.abs(got - expected) / np.maximum(1.0, np.abs(expected))))
