"""What the array operators cost, predicted from shapes alone, before anything is built.

Each operator of :mod:`symderiv.formulas.operators` reports the cells it fills and
the products it visits to :mod:`symderiv.core.work`; the ``*_cost`` function of the
same name here gives those counts (at most) from :class:`Extent` records: a
shape, and per axis where the array can be non-zero.  :func:`estimate` prices a
whole formula tree, and :class:`CostNodes` lets code that builds formulas (a
layer's closed forms) build their prices instead, with the same code.

Nothing here imports NumPy or SymPy, so a layer can be priced, and a layer that is
too large refused, before they are loaded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import prod
from typing import Any

from ..sizes import conv_output_size

__all__ = [
    "CostNodes",
    "Extent",
    "Priced",
    "Support",
    "cells",
    "conv_cost",
    "conv_shape",
    "crop_cost",
    "down_cost",
    "elementwise_cost",
    "estimate",
    "matmul_cost",
    "normal",
    "pad_cost",
    "rot180_cost",
    "sum_all_cost",
    "transpose_cost",
    "up_cost",
    "xcorr_cost",
    "xcorr_shape",
    "zero_insert_cost",
]

Support = tuple[int, int, int]
"""``(start, step, count)``: the indices ``start + step·j`` for ``j < count``."""


@dataclass(frozen=True)
class Extent:
    """What the cost model knows of an array before it is built: its shape and, per
    axis, the indices where it can be non-zero (a :data:`Support`), or ``None`` when
    that is not known (then every index is assumed, at the cost of a plain scan)."""

    shape: tuple[int, ...]
    support: tuple[Support | None, ...]

    @classmethod
    def dense(cls, shape: Sequence[int]) -> Extent:
        """A map of symbols: non-zero everywhere."""
        return cls(tuple(shape), tuple((0, 1, n) for n in shape))

    @classmethod
    def unknown(cls, shape: Sequence[int]) -> Extent:
        return cls(tuple(shape), (None,) * len(shape))

    @property
    def cells(self) -> int:
        return prod(self.shape)

    def count(self, axis: int) -> int:
        """How many indices of ``axis`` can be non-zero (at most)."""
        s = self.support[axis]
        return self.shape[axis] if s is None else s[2]


def cells(shape: Sequence[int]) -> int:
    return prod(shape)


def rot180_cost(x: Extent) -> tuple[Extent, int]:
    support = tuple(
        None if s is None else (n - 1 - (s[0] + s[1] * (s[2] - 1)) if s[2] else 0, s[1], s[2])
        for n, s in zip(x.shape, x.support, strict=True)
    )
    return Extent(x.shape, support), x.cells


def normal(s: Support) -> Support:
    """One representation per set: an empty or one-element progression has step 1."""
    return (s[0] if s[2] else 0, s[1] if s[2] > 1 else 1, s[2])


def _correlate_cost(x: Extent, y: Extent, shape: tuple[int, ...]) -> int:
    """The steps :func:`_correlate` takes at most: both scans, the output, the per-axis
    tap lists and the products visited (per axis at most min(|X|·|Y|, n·|Y|, n·|X|)
    of the indices that can be non-zero: a pair (x, y) or (u, y) or (u, x) fixes
    the third index)."""
    steps = x.cells + y.cells + 2 * cells(shape)
    pairs = 1
    for a, n in enumerate(shape):
        nx, ny = x.count(a), y.count(a)
        pairs_a = min(nx * ny, n * ny, n * nx)
        steps += n + pairs_a if x.support[a] and y.support[a] else n * (1 + ny)
        pairs *= pairs_a
    return steps + pairs


def conv_shape(
    xs: tuple[int, ...], ys: tuple[int, ...], mode: str, xnd: int, ynd: int
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    if xnd != ynd:
        raise ValueError(f"conv of rank {xnd} with rank {ynd}")
    if mode == "full":
        shape = tuple(a + b - 1 for a, b in zip(xs, ys, strict=True))
        offset = tuple(1 - b for b in ys)
    elif mode == "valid":
        if any(b > a for a, b in zip(xs, ys, strict=True)):
            raise ValueError(f"valid conv of {xs} with the larger {ys}")
        shape = tuple(a - b + 1 for a, b in zip(xs, ys, strict=True))
        offset = (0,) * len(xs)
    elif mode == "same":  # MATLAB: 'full' from index floor(ny/2), as large as X
        shape = tuple(xs)
        offset = tuple(1 - b + b // 2 for b in ys)
    else:
        raise ValueError(f"conv mode {mode!r}: expected 'full', 'valid' or 'same'")
    return shape, offset


def conv_cost(x: Extent, y: Extent, mode: str) -> tuple[Extent, int]:
    shape, _ = conv_shape(x.shape, y.shape, mode, len(x.shape), len(y.shape))
    flipped, steps = rot180_cost(y)
    return Extent.unknown(shape), steps + _correlate_cost(x, flipped, shape)


def xcorr_shape(
    xs: tuple[int, ...],
    ys: tuple[int, ...],
    stride: Sequence[int] | None,
    dilation: Sequence[int] | None,
) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    n = len(xs)
    s = tuple(stride or (1,) * n)
    d = tuple(dilation or (1,) * n)
    shape = tuple(
        conv_output_size(nx, ny, ss, 0, dd) for nx, ny, ss, dd in zip(xs, ys, s, d, strict=True)
    )
    if any(m < 1 for m in shape):
        raise ValueError(f"xcorr of {xs} with {ys} (stride {s}, dilation {d}) is empty")
    return shape, s, d


def xcorr_cost(
    x: Extent, y: Extent, stride: Sequence[int], dilation: Sequence[int]
) -> tuple[Extent, int]:
    shape, _, _ = xcorr_shape(x.shape, y.shape, stride, dilation)
    return Extent.unknown(shape), _correlate_cost(x, y, shape)


def pad_cost(x: Extent, before: Sequence[int], after: Sequence[int]) -> tuple[Extent, int]:
    shape = tuple(n + a + b for n, a, b in zip(x.shape, before, after, strict=True))
    support = tuple(
        None if s is None else normal((s[0] + b, s[1], s[2]))
        for s, b in zip(x.support, before, strict=True)
    )
    return Extent(shape, support), cells(shape)


def zero_insert_cost(x: Extent, step: Sequence[int]) -> tuple[Extent, int]:
    shape = tuple((n - 1) * s + 1 for n, s in zip(x.shape, step, strict=True))
    support = tuple(
        None if s is None else normal((s[0] * t, s[1] * t, s[2]))
        for s, t in zip(x.support, step, strict=True)
    )
    return Extent(shape, support), cells(shape)


def crop_cost(x: Extent, before: Sequence[int], after: Sequence[int]) -> tuple[Extent, int]:
    shape = tuple(max(0, n - b - a) for n, b, a in zip(x.shape, before, after, strict=True))
    support: list[Support | None] = []
    for s, b, m in zip(x.support, before, shape, strict=True):
        if s is None:
            support.append(None)
            continue
        start, step, count = s
        first = 0 if start >= b else -(-(b - start) // step)  # first index >= b
        last = min(count - 1, (b + m - 1 - start) // step) if b + m - 1 >= start else -1
        kept = max(0, last - first + 1)
        support.append(normal((start + step * first - b, step, kept)))
    return Extent(shape, tuple(support)), cells(shape)


def elementwise_cost(x: Extent) -> tuple[Extent, int]:
    """:func:`scale`, :func:`hadamard`, :func:`add`, :func:`apply` (per operand shape)."""
    return Extent.unknown(x.shape), 2 * x.cells


def up_cost(x: Extent, factor: Sequence[int]) -> tuple[Extent, int]:
    shape = tuple(n * f for n, f in zip(x.shape, factor, strict=True))
    return Extent.unknown(shape), cells(shape)


def down_cost(x: Extent, factor: Sequence[int]) -> tuple[Extent, int]:
    shape = tuple(n // f for n, f in zip(x.shape, factor, strict=True))
    return Extent.unknown(shape), cells(shape) + x.cells


def matmul_cost(x: Extent, y: Extent) -> tuple[Extent, int]:
    shape = (x.shape[0], y.shape[-1])
    return Extent.unknown(shape), cells(shape) * (2 + x.shape[-1])


def transpose_cost(x: Extent) -> tuple[Extent, int]:
    return Extent.unknown(tuple(reversed(x.shape))), x.cells


def sum_all_cost(x: Extent) -> tuple[Extent, int]:
    return Extent.unknown(()), x.cells


Priced = tuple[Extent, int]
"""An array's extent and the steps taken to compute it."""


class CostNodes:
    """Formula nodes that price themselves: ``CostNodes(extents).Pad(arg, before, after)``
    takes and returns :data:`Priced` values where
    :class:`~symderiv.formulas.nodes.Pad` takes and returns formulas, so a function
    that builds a formula from a node namespace (``nodes.Var``, ``nodes.Pad``, …) builds
    its price when given this one instead."""

    def __init__(self, extents: Mapping[str, Extent]) -> None:
        self.extents = extents

    def Var(self, name: str) -> Priced:
        return self.extents[name], 0

    def Rot180(self, arg: Priced) -> Priced:
        return _then(arg, rot180_cost(arg[0]))

    def Pad(self, arg: Priced, before: Sequence[int], after: Sequence[int]) -> Priced:
        return _then(arg, pad_cost(arg[0], before, after))

    def ZeroInsert(self, arg: Priced, step: Sequence[int]) -> Priced:
        return _then(arg, zero_insert_cost(arg[0], step))

    def Crop(self, arg: Priced, before: Sequence[int], after: Sequence[int]) -> Priced:
        return _then(arg, crop_cost(arg[0], before, after))

    def SumAll(self, arg: Priced, ndim: int = 2) -> Priced:
        return _then(arg, sum_all_cost(arg[0]))

    def Conv(self, x: Priced, y: Priced, mode: str, ndim: int = 2) -> Priced:
        out, steps = conv_cost(x[0], y[0], mode)
        return out, x[1] + y[1] + steps

    def Xcorr(self, x: Priced, y: Priced, stride: Sequence[int], dilation: Sequence[int]) -> Priced:
        out, steps = xcorr_cost(x[0], y[0], stride, dilation)
        return out, x[1] + y[1] + steps


def _then(arg: Priced, step: Priced) -> Priced:
    return step[0], arg[1] + step[1]


def estimate(formula: Any, extents: Mapping[str, Extent]) -> Priced:
    """The extent of a formula's value and the steps its evaluation takes at most, for
    variables of the given extents (nodes are told apart by their class names, so that
    pricing never imports the nodes' own module)."""
    f, kind = formula, type(formula).__name__
    if kind == "Var":
        return extents[f.name], 0
    if kind == "Number":
        return Extent.unknown(()), 1
    if kind == "Scale":
        (_, a), (x, b) = estimate(f.factor, extents), estimate(f.arg, extents)
        out, c = elementwise_cost(x)
        return out, a + b + c
    if kind in ("Conv", "Xcorr", "Hadamard", "Sum", "MatMul"):
        (x, a), (y, b) = estimate(f.x, extents), estimate(f.y, extents)
        if kind == "Conv":
            out, c = conv_cost(x, y, f.mode)
        elif kind == "Xcorr":
            out, c = xcorr_cost(x, y, f.stride, f.dilation)
        elif kind == "MatMul":
            out, c = matmul_cost(x, y)
        else:
            out, c = elementwise_cost(x)
        return out, a + b + c
    one: dict[str, Any] = {
        "Rot180": lambda x: rot180_cost(x),
        "Pad": lambda x: pad_cost(x, f.before, f.after),
        "ZeroInsert": lambda x: zero_insert_cost(x, f.step),
        "Crop": lambda x: crop_cost(x, f.before, f.after),
        "SumAll": lambda x: sum_all_cost(x),
        "Up": lambda x: up_cost(x, f.factor),
        "Down": lambda x: down_cost(x, f.factor),
        "Transpose": lambda x: transpose_cost(x),
        "Apply": lambda x: elementwise_cost(x),
    }
    if kind not in one:
        raise TypeError(f"no cost model for the formula node {kind}")
    x, a = estimate(f.arg, extents)
    out, c = one[kind](x)
    return out, a + c
