"""Stage 2: the forward pass, every output element as an explicit expression.

correlation:  Z[n,o,u] = sum_{c,p} Ã[n, c0(o)+c, s·u + d·p] · K[o, c, p]       + b[o]
convolution:  Z[n,o,u] = sum_{c,p} Ã[n, c0(o)+c, s·u + d·p] · K[o, c, k-1-p]   + b[o]

where Ã is the input with ``padding`` zeros on each side (taps that land on
a zero are left out) and c0(o) is the first input map of output map o's group.
"""

from __future__ import annotations

from itertools import product

import sympy

from .model import Element, Term
from .spec import ConvSpec
from .symbols import SymbolTensor

__all__ = ["build_forward"]

_ONE = sympy.Integer(1)


def build_forward(
    spec: ConvSpec, A: SymbolTensor, K: SymbolTensor, b: SymbolTensor
) -> tuple[Element, ...]:
    """Every element of Z, row-major over (n, o, *spatial)."""
    cin_group = spec.in_channels // spec.groups
    cout_group = spec.out_channels // spec.groups
    flip = spec.convention == "convolution"
    kernel_offsets = list(product(*(range(k) for k in spec.kernel)))
    out: list[Element] = []
    for n, o, *u in product(
        range(spec.batch), range(spec.out_channels), *(range(h) for h in spec.output)
    ):
        c0 = (o // cout_group) * cin_group
        terms: list[Term] = []
        for c in range(cin_group):
            for p in kernel_offsets:
                pos = tuple(
                    ui * s + pi * d - pad
                    for ui, pi, s, d, pad in zip(
                        u, p, spec.stride, spec.dilation, spec.padding, strict=True
                    )
                )
                if not all(0 <= x < h for x, h in zip(pos, spec.input, strict=True)):
                    continue  # the tap reads a padding zero
                kp = tuple(k - 1 - pi for k, pi in zip(spec.kernel, p, strict=True)) if flip else p
                terms.append(Term(_ONE, (A[(n, c0 + c, *pos)], K[(o, c, *kp)])))
        terms.append(Term(_ONE, (b[(o,)],)))
        expr = sympy.Add(*(t.expr() for t in terms))
        out.append(Element(tensor="Z", index=(n, o, *u), terms=tuple(terms), expr=expr))
    return tuple(out)
