"""An independent numeric reference for pooling: forward and backward passes as the
plain loops a person writing a custom backward pass would write.

It shares no code with the symbolic pipeline but the layer's sizes and options
(``spec.output``, kernel, stride, padding, ties); the windows, their padding
and their maxima are found here again, cell by cell.
"""

from __future__ import annotations

from itertools import product

import numpy as np

from .spec import PoolSpec

__all__ = ["avg_backward", "avg_forward", "max_backward", "max_forward"]


def _window_cells(spec: PoolSpec, u: tuple[int, ...]) -> list[tuple[int, ...] | None]:
    """The input position of every cell of window u, row-major; None in the padding."""
    cells: list[tuple[int, ...] | None] = []
    for p in product(*(range(k) for k in spec.kernel)):
        pos = tuple(u[a] * spec.stride[a] + p[a] - spec.padding[a] for a in range(spec.ndim))
        inside = all(0 <= pos[a] < spec.input[a] for a in range(spec.ndim))
        cells.append(pos if inside else None)
    return cells


def _outputs(spec: PoolSpec) -> product:
    return product(
        range(spec.batch), range(spec.in_channels), product(*(range(o) for o in spec.output))
    )


def avg_forward(spec: PoolSpec, A: np.ndarray) -> np.ndarray:
    """Z: each window's sum (padding reads 0) divided by the full window size."""
    size = int(np.prod(spec.kernel))
    Z = np.zeros((spec.batch, spec.in_channels, *spec.output))
    for n, c, u in _outputs(spec):
        total = 0.0
        for pos in _window_cells(spec, u):
            if pos is not None:
                total += A[(n, c, *pos)]
        Z[(n, c, *u)] = total / size
    return Z


def avg_backward(spec: PoolSpec, D: np.ndarray) -> np.ndarray:
    """dE/dA: each delta divided by the window size, added into every cell of its window."""
    size = int(np.prod(spec.kernel))
    dA = np.zeros((spec.batch, spec.in_channels, *spec.input))
    for n, c, u in _outputs(spec):
        for pos in _window_cells(spec, u):
            if pos is not None:
                dA[(n, c, *pos)] += D[(n, c, *u)] / size
    return dA


def max_forward(spec: PoolSpec, A: np.ndarray) -> np.ndarray:
    """Z: each window's maximum (padding is −inf)."""
    Z = np.zeros((spec.batch, spec.in_channels, *spec.output))
    for n, c, u in _outputs(spec):
        best = -np.inf
        for pos in _window_cells(spec, u):
            if pos is not None and A[(n, c, *pos)] > best:
                best = A[(n, c, *pos)]
        Z[(n, c, *u)] = best
    return Z


def max_backward(spec: PoolSpec, A: np.ndarray, D: np.ndarray, ties: str) -> np.ndarray:
    """dE/dA: each delta to its window's maximum; with ``first`` to the first maximum
    met scanning the window row-major (PyTorch), with ``split`` shared by all of them."""
    dA = np.zeros((spec.batch, spec.in_channels, *spec.input))
    for n, c, u in _outputs(spec):
        best, winners = -np.inf, []
        for pos in _window_cells(spec, u):
            if pos is None:
                continue
            v = A[(n, c, *pos)]
            if v > best:
                best, winners = v, [pos]
            elif v == best:
                winners.append(pos)
        if ties == "first":
            winners = winners[:1]
        for pos in winners:
            dA[(n, c, *pos)] += D[(n, c, *u)] / len(winners)
    return dA
