"""Stage 2 for pooling: every output element as an explicit expression.

mean:  Z[n,c,u] = sum_{p in window} 1/k² · A[n, c, s·u + p − P]
max:   Z[n,c,u] = sum_{p in window} s[n,c,u,p] · A[n, c, s·u + p − P]

Cells in the padding are left out: for the mean they are zeros (still counted
in k², PyTorch's ``count_include_pad=True``); for the maximum they are −∞ and
never win, so they have no switch.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product

import sympy

from ...core.model import Element, Term
from ...core.symbols import SymbolTensor
from .spec import AvgPoolSpec, MaxPoolSpec, PoolSpec

__all__ = ["avg_forward", "max_forward"]


def _windows(
    spec: PoolSpec,
) -> Iterator[tuple[tuple[int, ...], list[tuple[tuple[int, ...], tuple[int, ...]]]]]:
    """(output index, [(window offset, input index) inside the input]) row-major."""
    offsets = list(product(*(range(k) for k in spec.kernel)))
    for n, c, *u in product(
        range(spec.batch), range(spec.in_channels), *(range(o) for o in spec.output)
    ):
        cells = []
        for p in offsets:
            pos = tuple(
                s * ui + pi - pad
                for s, ui, pi, pad in zip(spec.stride, u, p, spec.padding, strict=True)
            )
            if all(0 <= x < h for x, h in zip(pos, spec.input, strict=True)):
                cells.append((p, (n, c, *pos)))
        yield (n, c, *u), cells


def avg_forward(spec: AvgPoolSpec, A: SymbolTensor) -> tuple[Element, ...]:
    """Every element of Z of a mean-pooling layer, row-major over (n, c, *out)."""
    weight = sympy.Rational(1, spec.window)
    out = []
    for index, cells in _windows(spec):
        terms = tuple(Term(weight, (A[i],)) for _, i in cells)
        expr = sympy.Add(*(t.expr() for t in terms))
        out.append(Element(tensor="Z", index=index, terms=terms, expr=expr))
    return tuple(out)


def max_forward(spec: MaxPoolSpec, A: SymbolTensor, s: SymbolTensor) -> tuple[Element, ...]:
    """Every element of Z of a max-pooling layer with its switches, row-major."""
    one = sympy.Integer(1)
    out = []
    for index, cells in _windows(spec):
        terms = tuple(Term(one, (A[i], s[(*index, *p)])) for p, i in cells)
        expr = sympy.Add(*(t.expr() for t in terms))
        out.append(Element(tensor="Z", index=index, terms=terms, expr=expr))
    return tuple(out)
