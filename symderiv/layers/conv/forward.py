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

from ...core import work
from ...core.model import Element, Term
from ...core.symbols import SymbolTensor
from .spec import ConvSpec

__all__ = ["build_forward"]

_ONE = sympy.Integer(1)


def build_forward(
    spec: ConvSpec, A: SymbolTensor, K: SymbolTensor, b: SymbolTensor
) -> tuple[Element, ...]:
    """Every element of Z, row-major over (n, o, *spatial).

    The taps of each output are found per axis (:meth:`ConvSpec.reads`), so no tap
    that lands on a padding zero, and no kernel index that misses the stride, is
    ever visited: the work is the products built, plus one step per element."""
    cin_group, cout_group = spec.cin_group, spec.cout_group
    flip = spec.convention == "convolution"
    reads = [spec.reads(a) for a in range(spec.ndim)]
    out: list[Element] = []
    steps = 0
    for n, o, *y in product(
        range(spec.batch), range(spec.out_channels), *(range(h) for h in spec.output)
    ):
        group = o // cout_group
        c0 = group * cin_group
        # (kernel index, input index) per axis, kernel indices row-major
        spatial = list(product(*(reads[a][ya] for a, ya in enumerate(y))))
        terms: list[Term] = []
        for c in range(cin_group) if spatial else ():
            # K is (C_in, C_out/groups, *kernel) when transposed, else (C_out, C_in/groups, ...)
            lead = (c0 + c, o - group * cout_group) if spec.transposed else (o, c)
            for tap in spatial:
                p = tuple(pi for pi, _ in tap)
                pos = tuple(i for _, i in tap)
                kp = tuple(k - 1 - pi for k, pi in zip(spec.kernel, p, strict=True)) if flip else p
                terms.append(Term(_ONE, (A[(n, c0 + c, *pos)], K[(*lead, *kp)])))
        terms.append(Term(_ONE, (b[(o,)],)))
        steps += 1 + len(spatial) + len(terms)
        expr = sympy.Add(*(t.expr() for t in terms))
        out.append(Element(tensor="Z", index=(n, o, *y), terms=tuple(terms), expr=expr))
    work.add("forward", steps)
    return tuple(out)
