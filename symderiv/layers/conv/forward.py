"""Stage 2: the forward pass, every output element as an explicit expression.

correlation:  Z[n,o,u] = sum_{c,p} Ã[n, c0(o)+c, s·u + d·p] · K[o, c, p]       + b[o]
convolution:  Z[n,o,u] = sum_{c,p} Ã[n, c0(o)+c, s·u + d·p] · K[o, c, k-1-p]   + b[o]

where Ã is the input with ``padding`` zeros on each side (taps that land on
a zero are left out) and c0(o) is the first input map of output map o's group.

A transposed layer (PyTorch's ``conv_transpose``, K of shape (C_in, C_out/g, k))
scatters instead of gathering: input i reaches output y = s·i + d·p − pad,

    Z[n,o,y] = sum_{c,p} sum_{i: s·i + d·p − pad = y} A[n, c0(o)+c, i] · K[c0(o)+c, o', p] + b[o]

with o' = o − o0(o) the index of o inside its group (the kernel flipped, k-1-p,
in the convolution convention).
"""

from __future__ import annotations

from itertools import product

import sympy

from ...core.model import Element, Term
from ...core.symbols import SymbolTensor
from .spec import ConvSpec

__all__ = ["build_forward"]

_ONE = sympy.Integer(1)


def build_forward(
    spec: ConvSpec, A: SymbolTensor, K: SymbolTensor, b: SymbolTensor
) -> tuple[Element, ...]:
    """Every element of Z, row-major over (n, o, *spatial)."""
    if spec.transposed:
        return _build_transposed(spec, A, K, b)
    cin_group, cout_group = spec.cin_group, spec.cout_group
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


def _build_transposed(
    spec: ConvSpec, A: SymbolTensor, K: SymbolTensor, b: SymbolTensor
) -> tuple[Element, ...]:
    cin_group, cout_group = spec.cin_group, spec.cout_group
    flip = spec.convention == "convolution"
    kernel_offsets = list(product(*(range(k) for k in spec.kernel)))
    out: list[Element] = []
    for n, o, *y in product(
        range(spec.batch), range(spec.out_channels), *(range(h) for h in spec.output)
    ):
        group = o // cout_group
        terms: list[Term] = []
        for c in range(cin_group):
            c_in = group * cin_group + c
            for p in kernel_offsets:
                pos = []
                for yi, pi, s, d, pad, h in zip(
                    y, p, spec.stride, spec.dilation, spec.padding, spec.input, strict=True
                ):
                    shifted = yi + pad - d * pi  # = s·i
                    if shifted % s or not 0 <= shifted // s < h:
                        break
                    pos.append(shifted // s)
                else:
                    kp = (
                        tuple(k - 1 - pi for k, pi in zip(spec.kernel, p, strict=True))
                        if flip
                        else p
                    )
                    factors = (A[(n, c_in, *pos)], K[(c_in, o - group * cout_group, *kp)])
                    terms.append(Term(_ONE, factors))
        terms.append(Term(_ONE, (b[(o,)],)))
        expr = sympy.Add(*(t.expr() for t in terms))
        out.append(Element(tensor="Z", index=(n, o, *y), terms=tuple(terms), expr=expr))
    return tuple(out)
