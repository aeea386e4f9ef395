"""Numbers from derived elements and from the JSON's ``expansion`` strings, for the
dense, activation and loss tests (independent of symderiv's own numeric check)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping

import numpy as np
import sympy

from symderiv.core.model import Element

_NAME = re.compile(r"\b([A-Za-z]+)\[(\d+(?:,\d+)*)\]")


def plain(name: str) -> str:
    """``A[0,1,2]`` -> ``A_0_1_2``: a name SymPy's parser takes as one symbol."""
    return _NAME.sub(lambda m: m.group(1) + "_" + m.group(2).replace(",", "_"), name)


def parse_expansion(text: str) -> sympy.Expr:
    """A JSON ``expansion`` as a SymPy expression over plain symbols (our own output only)."""
    return sympy.sympify(plain(text))


def values_by_plain_name(arrays: Mapping[str, np.ndarray]) -> dict[str, float]:
    return {
        f"{letter}_{'_'.join(map(str, idx))}": float(arr[idx])
        for letter, arr in arrays.items()
        for idx in np.ndindex(arr.shape)
    }


def evaluate_text(
    text: str,
    arrays: Mapping[str, np.ndarray],
    functions: Mapping[str, Callable[[sympy.Expr], sympy.Expr]] | None = None,
) -> float:
    """The value of a JSON expansion at the given arrays (``functions`` give an
    unspecified f a concrete value, e.g. ``{"f": sympy.sin}``)."""
    expr = parse_expansion(text)
    if functions:
        x = sympy.Dummy("x")
        expr = expr.subs(
            {sympy.Function(name): sympy.Lambda(x, g(x)) for name, g in functions.items()}
        ).doit()
    values = values_by_plain_name(arrays)
    point = {s: values[s.name] for s in expr.free_symbols}
    return float(expr.evalf(30, subs=point))


def element_value(
    e: Element,
    arrays: Mapping[str, np.ndarray],
    functions: Mapping[str, Callable[[sympy.Expr], sympy.Expr]] | None = None,
) -> tuple[float, float]:
    """(value, size) of a derived element: size is max(1, sum of |part|) over its terms
    (polynomial) or the parts of its top-level sum, the scale of its rounding."""
    values = {
        f"{letter}[{','.join(map(str, idx))}]": float(arr[idx])
        for letter, arr in arrays.items()
        for idx in np.ndindex(arr.shape)
    }
    if e.polynomial:
        parts = [float(t.coeff) * math.prod(values[f.name] for f in t.factors) for t in e.terms]
    else:
        expr = e.expr
        if functions:
            x = sympy.Dummy("x")
            expr = expr.subs(
                {sympy.Function(n): sympy.Lambda(x, g(x)) for n, g in functions.items()}
            ).doit()
        point = {s: values[s.name] for s in expr.free_symbols}
        parts = [float(p.evalf(30, subs=point)) for p in sympy.Add.make_args(expr)]
    return math.fsum(parts), max(1.0, math.fsum(abs(p) for p in parts))


def assert_close(
    elements: Iterable[Element],
    expected: np.ndarray,
    arrays: Mapping[str, np.ndarray],
    functions: Mapping[str, Callable[[sympy.Expr], sympy.Expr]] | None = None,
    tol: float = 1e-12,
) -> float:
    """Every element agrees with ``expected`` at its index, to ``tol`` relative to its
    size; returns the largest scaled difference seen."""
    worst = 0.0
    seen = 0
    for e in elements:
        value, size = element_value(e, arrays, functions)
        want = float(np.asarray(expected)[e.index])
        err = abs(value - want) / size
        assert err <= tol, f"{e.tensor}{list(e.index)}: derived {value!r}, expected {want!r}"
        worst = max(worst, err)
        seen += 1
    assert seen == np.asarray(expected).size, f"{seen} elements for {np.asarray(expected).size}"
    return worst
