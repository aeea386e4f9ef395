"""An independent numeric reference: forward and backward passes as plain loops.

It shares no code with the symbolic pipeline but the layer's sizes
(``spec.output``, ``spec.cin_group``, ``spec.cout_group``); it is the textbook
loop a person writing a custom backward pass would write, used to cross-check
the derived gradients at random values.
The test suite adds two references that share nothing at all: a vectorised
numpy implementation and PyTorch autograd.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import product

import numpy as np

from ...core import work
from .spec import ConvSpec

__all__ = ["backward", "forward"]


def _kernel_hits(x: int, s: int, d: int, pad: int, k: int, size: int) -> range:
    """The p in [0, k) with 0 <= x·s + p·d − pad < size: from ceil((pad − x·s)/d)
    to floor((size − 1 + pad − x·s)/d)."""
    first = max(0, -((x * s - pad) // d))
    last = min(k - 1, (size - 1 + pad - x * s) // d)
    return range(first, last + 1)


def _axis_hits(spec: ConvSpec, axis: int) -> list[range]:
    """For each x on one axis (an output of a direct layer, an input of a transposed
    one), the kernel positions whose tap lands inside the other side."""
    s, d, pad, k = spec.stride[axis], spec.dilation[axis], spec.padding[axis], spec.kernel[axis]
    n, size = (
        (spec.input[axis], spec.output[axis])
        if spec.transposed
        else (spec.output[axis], spec.input[axis])
    )
    hits = [_kernel_hits(x, s, d, pad, k, size) for x in range(n)]
    work.add("reference", n + sum(len(r) for r in hits))
    return hits


def _taps(spec: ConvSpec) -> Iterator[tuple]:
    """Yield (n, o, u, c_in, k_index, pos, kpos) for every product in the forward pass:
    Z[n, o, u] += A[n, c_in, pos] * K[k_index + kpos]."""
    if spec.transposed:
        yield from _transposed_taps(spec)
        return
    cin_g, cout_g = spec.cin_group, spec.cout_group
    hits = [_axis_hits(spec, a) for a in range(spec.ndim)]
    steps = 0
    for n in range(spec.batch):
        for o in range(spec.out_channels):
            g = o // cout_g
            for u in product(*(range(x) for x in spec.output)):
                kernel_positions = list(product(*(hits[i][u[i]] for i in range(spec.ndim))))
                steps += 1 + len(kernel_positions)
                for c in range(cin_g) if kernel_positions else ():
                    for p in kernel_positions:
                        steps += 1
                        pos = tuple(
                            u[i] * spec.stride[i] + p[i] * spec.dilation[i] - spec.padding[i]
                            for i in range(spec.ndim)
                        )
                        if spec.convention == "convolution":
                            kpos = tuple(spec.kernel[i] - 1 - p[i] for i in range(spec.ndim))
                        else:
                            kpos = p
                        yield n, o, u, g * cin_g + c, (o, c), pos, kpos
    work.add("reference", steps)


def _transposed_taps(spec: ConvSpec) -> Iterator[tuple]:
    """A transposed layer scatters: input i adds A[i]·K[p] into output s·i + d·p − pad."""
    cin_g, cout_g = spec.cin_group, spec.cout_group
    hits = [_axis_hits(spec, a) for a in range(spec.ndim)]
    steps = 0
    for n in range(spec.batch):
        for c in range(spec.in_channels):
            g = c // cin_g
            for i in product(*(range(x) for x in spec.input)):
                kernel_positions = list(product(*(hits[a][i[a]] for a in range(spec.ndim))))
                steps += 1 + len(kernel_positions)
                for oo in range(cout_g) if kernel_positions else ():
                    for p in kernel_positions:
                        steps += 1
                        y = tuple(
                            i[a] * spec.stride[a] + p[a] * spec.dilation[a] - spec.padding[a]
                            for a in range(spec.ndim)
                        )
                        if spec.convention == "convolution":
                            kpos = tuple(spec.kernel[a] - 1 - p[a] for a in range(spec.ndim))
                        else:
                            kpos = p
                        yield n, g * cout_g + oo, y, c, (c, oo), i, kpos
    work.add("reference", steps)


def forward(spec: ConvSpec, A: np.ndarray, K: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Z for numeric A (N, C_in, ...), K (C_out, C_in/g, ...), b (C_out,)."""
    Z = np.zeros((spec.batch, spec.out_channels, *spec.output))
    work.add("reference", Z.size + spec.batch * spec.out_channels)
    for n in range(spec.batch):
        for o in range(spec.out_channels):
            Z[n, o] += b[o]
    for n, o, u, c_in, k_index, pos, kpos in _taps(spec):
        Z[(n, o, *u)] += A[(n, c_in, *pos)] * K[(*k_index, *kpos)]
    return Z


def backward(
    spec: ConvSpec, A: np.ndarray, K: np.ndarray, D: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dE/dA, dE/dK, dE/db) for the delta D = dE/dZ, accumulated tap by tap."""
    dA = np.zeros_like(A)
    dK = np.zeros_like(K)
    db = np.zeros(spec.out_channels)
    work.add("reference", dA.size + dK.size + db.size + D.size)
    for n in range(spec.batch):
        for o in range(spec.out_channels):
            db[o] += D[n, o].sum()
    for n, o, u, c_in, k_index, pos, kpos in _taps(spec):
        d = D[(n, o, *u)]
        dK[(*k_index, *kpos)] += A[(n, c_in, *pos)] * d
        dA[(n, c_in, *pos)] += K[(*k_index, *kpos)] * d
    return dA, dK, db
