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

from .spec import ConvSpec

__all__ = ["backward", "forward"]


def _taps(spec: ConvSpec) -> Iterator[tuple]:
    """Yield (n, o, u, c_in, k_index, pos, kpos) for every product in the forward pass:
    Z[n, o, u] += A[n, c_in, pos] * K[k_index + kpos]."""
    if spec.transposed:
        yield from _transposed_taps(spec)
        return
    cin_g, cout_g = spec.cin_group, spec.cout_group
    for n in range(spec.batch):
        for o in range(spec.out_channels):
            g = o // cout_g
            for u in product(*(range(x) for x in spec.output)):
                for c in range(cin_g):
                    for p in product(*(range(k) for k in spec.kernel)):
                        pos = tuple(
                            u[i] * spec.stride[i] + p[i] * spec.dilation[i] - spec.padding[i]
                            for i in range(spec.ndim)
                        )
                        if any(x < 0 or x >= spec.input[i] for i, x in enumerate(pos)):
                            continue
                        if spec.convention == "convolution":
                            kpos = tuple(spec.kernel[i] - 1 - p[i] for i in range(spec.ndim))
                        else:
                            kpos = p
                        yield n, o, u, g * cin_g + c, (o, c), pos, kpos


def _transposed_taps(spec: ConvSpec) -> Iterator[tuple]:
    """A transposed layer scatters: input i adds A[i]·K[p] into output s·i + d·p − pad."""
    cin_g, cout_g = spec.cin_group, spec.cout_group
    for n in range(spec.batch):
        for c in range(spec.in_channels):
            g = c // cin_g
            for i in product(*(range(x) for x in spec.input)):
                for oo in range(cout_g):
                    for p in product(*(range(k) for k in spec.kernel)):
                        y = tuple(
                            i[a] * spec.stride[a] + p[a] * spec.dilation[a] - spec.padding[a]
                            for a in range(spec.ndim)
                        )
                        if any(v < 0 or v >= spec.output[a] for a, v in enumerate(y)):
                            continue
                        if spec.convention == "convolution":
                            kpos = tuple(spec.kernel[a] - 1 - p[a] for a in range(spec.ndim))
                        else:
                            kpos = p
                        yield n, g * cout_g + oo, y, c, (c, oo), i, kpos


def forward(spec: ConvSpec, A: np.ndarray, K: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Z for numeric A (N, C_in, ...), K (C_out, C_in/g, ...), b (C_out,)."""
    Z = np.zeros((spec.batch, spec.out_channels, *spec.output))
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
    for n in range(spec.batch):
        for o in range(spec.out_channels):
            db[o] += D[n, o].sum()
    for n, o, u, c_in, k_index, pos, kpos in _taps(spec):
        d = D[(n, o, *u)]
        dK[(*k_index, *kpos)] += A[(n, c_in, *pos)] * d
        dA[(n, c_in, *pos)] += K[(*k_index, *kpos)] * d
    return dA, dK, db
