"""Array operators on symbolic (numpy object) arrays, built from their definitions.

These are the building blocks of the closed forms.  They know nothing about
layers or the forward pass, so that proving a closed form equal to the
derivation is a real check of one against the other.

``conv`` is MATLAB's true convolution (``conv``/``conv2``/``convn``):
    full:  C[i] = sum_k X[k] · Y[i - k],         i = 0 .. nx + ny - 2
    valid: the part of ``full`` that needs no zero outside X, i = ny-1 .. nx-1
``xcorr`` is the valid cross-correlation with stride and dilation:
    C[u] = sum_p X[s·u + d·p] · Y[p]

Both visit only the products that can be non-zero: on each axis they find
where each operand can be non-zero (an arithmetic progression for a padded,
zero-inserted or rotated map) and solve for the taps that meet, so the zeros
of a zero-inserted delta or a dilated kernel are never visited.  Every
operator reports the cells it fills and the products it visits to
:mod:`symderiv.core.work`; :mod:`symderiv.formulas.cost` predicts those counts
from shapes alone, before anything is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise, product
from math import gcd

import numpy as np
import sympy

from ..core import work
from .cost import Support, cells, conv_shape, normal, xcorr_shape

__all__ = [
    "add",
    "apply",
    "conv",
    "crop",
    "down",
    "hadamard",
    "matmul",
    "pad",
    "rot180",
    "scale",
    "sum_all",
    "transpose",
    "up",
    "xcorr",
    "zero_insert",
]

_ZERO = sympy.Integer(0)
_STAGE = "operators"


def _zeros(shape: Sequence[int]) -> np.ndarray:
    work.add(_STAGE, cells(shape))
    out = np.empty(tuple(shape), dtype=object)
    out.fill(_ZERO)
    return out


def _indices(shape: Sequence[int]) -> product:
    return product(*(range(n) for n in shape))


def rot180(X: np.ndarray) -> np.ndarray:
    """Reverse every axis (a 180° rotation of a matrix; a scalar stays as it is)."""
    work.add(_STAGE, X.size)
    if X.ndim == 0:
        return X.copy()
    return X[tuple(slice(None, None, -1) for _ in range(X.ndim))].copy()


def _axis_supports(X: np.ndarray) -> list[list[int]]:
    """Per axis, the indices where X has a non-zero entry (one scan of X)."""
    work.add(_STAGE, X.size)
    mask = (
        np.frompyfunc(lambda v: v != 0, 1, 1)(X).astype(bool)
        if X.size
        else np.zeros(X.shape, dtype=bool)
    )
    out = []
    for axis in range(X.ndim):
        others = tuple(a for a in range(X.ndim) if a != axis)
        out.append(np.flatnonzero(mask.any(axis=others) if others else mask).tolist())
    return out


def _progression(indices: list[int]) -> Support | None:
    """``indices`` (ascending) as an arithmetic progression, or None when they are not one."""
    if len(indices) < 2:
        return normal((indices[0] if indices else 0, 1, len(indices)))
    step = indices[1] - indices[0]
    if any(b - a != step for a, b in pairwise(indices)):
        return None
    return (indices[0], step, len(indices))


def _hits(c: int, d: int, y: Support, x: Support) -> list[int]:
    """The p = y0 + ys·t (t < yc), ascending, for which c + d·p is one of the
    x0 + xs·j (j < xc): solved, never searched."""
    y0, ys, yc = y
    x0, xs, xc = x
    if not yc or not xc:
        return []
    a = d * ys  # c + d·y0 + a·t = x0 + xs·j
    r = x0 - c - d * y0  # so a·t ≡ r (mod xs), with r <= a·t <= r + xs·(xc - 1)
    t_lo = max(0, -(-r // a))
    t_hi = min(yc - 1, (r + xs * (xc - 1)) // a)
    if t_lo > t_hi:
        return []
    g = gcd(a, xs)
    if r % g:
        return []
    m = xs // g
    t0 = (r // g) * pow(a // g, -1, m) % m if m > 1 else 0
    first = t_lo + (t0 - t_lo) % m
    return [y0 + ys * t for t in range(first, t_hi + 1, m)]


def _correlate(
    X: np.ndarray,
    Y: np.ndarray,
    shape: tuple[int, ...],
    stride: Sequence[int],
    dilation: Sequence[int],
    offset: Sequence[int],
) -> np.ndarray:
    """C[u] = sum_p X[s·u + d·p + offset] · Y[p], over the p for which both factors can
    be non-zero (found per axis, so the cost is the products that meet, not the taps)."""
    xsup, ysup = _axis_supports(X), _axis_supports(Y)
    lists: list[list[list[int]]] = []
    steps = 0
    for a, n in enumerate(shape):
        s, d, off = stride[a], dilation[a], offset[a]
        xp, yp = _progression(xsup[a]), _progression(ysup[a])
        per_u = []
        if xp is not None and yp is not None:
            for u in range(n):
                hits = _hits(s * u + off, d, yp, xp)
                per_u.append(hits)
                steps += 1 + len(hits)
        else:  # a scattered support (only numbers with zeros inside have one)
            xset = set(xsup[a])
            for u in range(n):
                per_u.append([p for p in ysup[a] if s * u + off + d * p in xset])
                steps += 1 + len(ysup[a])
        lists.append(per_u)
    out = _zeros(shape)
    steps += cells(shape)
    for u in _indices(shape):
        terms = []
        for p in product(*(lists[a][ua] for a, ua in enumerate(u))):
            steps += 1
            x = X[
                tuple(
                    s * ui + d * pi + o
                    for ui, pi, s, d, o in zip(u, p, stride, dilation, offset, strict=True)
                )
            ]
            yp = Y[p]
            if x != 0 and yp != 0:
                terms.append(x * yp)
        out[u] = sympy.Add(*terms)
    work.add(_STAGE, steps)
    return out


def conv(X: np.ndarray, Y: np.ndarray, mode: str) -> np.ndarray:
    """True convolution of two arrays of the same rank, ``mode`` 'full', 'valid' or
    'same' (MATLAB's: the central part of 'full', as large as X).

    C[i] = sum_j X[i + shift - j] · Y[j] = sum_q X[i + shift - (ny-1) + q] · rot180(Y)[q]
    (shift 0 for 'full', ny - 1 for 'valid')."""
    shape, offset = conv_shape(X.shape, Y.shape, mode, X.ndim, Y.ndim)
    n = X.ndim
    return _correlate(X, rot180(Y), shape, (1,) * n, (1,) * n, offset)


def xcorr(
    X: np.ndarray,
    Y: np.ndarray,
    stride: Sequence[int] | None = None,
    dilation: Sequence[int] | None = None,
) -> np.ndarray:
    """Valid cross-correlation, C[u] = sum_p X[s·u + d·p] · Y[p]."""
    shape, s, d = xcorr_shape(X.shape, Y.shape, stride, dilation)
    return _correlate(X, Y, shape, s, d, (0,) * X.ndim)


def pad(X: np.ndarray, before: Sequence[int], after: Sequence[int] | None = None) -> np.ndarray:
    """Zero padding: ``before[i]`` zeros ahead of axis i and ``after[i]`` behind it."""
    after = before if after is None else after
    shape = tuple(n + a + b for n, a, b in zip(X.shape, before, after, strict=True))
    out = _zeros(shape)
    out[tuple(slice(a, a + n) for a, n in zip(before, X.shape, strict=True))] = X
    return out


def zero_insert(X: np.ndarray, step: Sequence[int]) -> np.ndarray:
    """Insert ``step[i] - 1`` zeros between neighbouring entries along axis i."""
    shape = tuple((n - 1) * s + 1 for n, s in zip(X.shape, step, strict=True))
    out = _zeros(shape)
    out[tuple(slice(None, None, s) for s in step)] = X
    return out


def crop(X: np.ndarray, before: Sequence[int], after: Sequence[int] | None = None) -> np.ndarray:
    """Remove ``before[i]`` entries at the start and ``after[i]`` at the end of axis i."""
    after = before if after is None else after
    out = X[tuple(slice(b, n - a) for b, a, n in zip(before, after, X.shape, strict=True))].copy()
    work.add(_STAGE, out.size)
    return out


def sum_all(X: np.ndarray) -> sympy.Expr:
    """The sum of every entry."""
    work.add(_STAGE, X.size)
    return sympy.Add(*X.ravel().tolist())


def up(X: np.ndarray, factor: Sequence[int]) -> np.ndarray:
    """Up-sampling: the Kronecker product with a block of ones, each entry repeated
    ``factor[i]`` times along axis i."""
    out = X
    for axis, f in enumerate(factor):
        out = np.repeat(out, f, axis=axis)
    work.add(_STAGE, out.size)
    return out.copy()


def down(X: np.ndarray, factor: Sequence[int]) -> np.ndarray:
    """Block sums: each output entry is the sum of one ``factor`` block of X.

    Raises ``ValueError`` when a block size does not divide the axis."""
    if any(n % f for n, f in zip(X.shape, factor, strict=True)):
        raise ValueError(f"down of {X.shape} by blocks of {tuple(factor)}: sizes do not divide")
    shape = tuple(n // f for n, f in zip(X.shape, factor, strict=True))
    out = _zeros(shape)
    work.add(_STAGE, X.size)
    for i in _indices(shape):
        block = X[tuple(slice(a * f, (a + 1) * f) for a, f in zip(i, factor, strict=True))]
        out[i] = sympy.Add(*block.ravel().tolist())
    return out


def _elementwise(shape: Sequence[int]) -> np.ndarray:
    """The output of an element-wise operator: one step per cell, besides the filling."""
    out = _zeros(shape)
    work.add(_STAGE, out.size)
    return out


def scale(c: sympy.Expr, X: np.ndarray) -> np.ndarray:
    """Every entry times the scalar ``c``."""
    out = _elementwise(X.shape)
    for i in _indices(X.shape):
        out[i] = c * X[i]
    return out


def hadamard(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """The element-wise product of two arrays of one shape."""
    if X.shape != Y.shape:
        raise ValueError(f"element-wise product of {X.shape} and {Y.shape}")
    out = _elementwise(X.shape)
    for i in _indices(X.shape):
        out[i] = X[i] * Y[i]
    return out


def add(X: np.ndarray, Y: np.ndarray, sign: int = 1) -> np.ndarray:
    """X + Y (``sign=-1``: X − Y) for arrays of one shape, or a scalar (a 0-d array) and
    an array: the scalar is added to every entry (``1 - sigma(z)``)."""
    if X.shape != Y.shape and () not in (X.shape, Y.shape):
        raise ValueError(f"sum of {X.shape} and {Y.shape}")
    shape = X.shape or Y.shape
    out = _elementwise(shape)
    for i in _indices(shape):
        out[i] = (X[i] if X.shape else X[()]) + sign * (Y[i] if Y.shape else Y[()])
    return out


def matmul(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """The matrix product of two 2-D arrays."""
    if X.ndim != 2 or Y.ndim != 2 or X.shape[1] != Y.shape[0]:
        raise ValueError(f"matrix product of {X.shape} and {Y.shape}")
    out = _zeros((X.shape[0], Y.shape[1]))
    work.add(_STAGE, out.size * (1 + X.shape[1]))
    for i, j in _indices(out.shape):
        out[i, j] = sympy.Add(*(X[i, k] * Y[k, j] for k in range(X.shape[1])))
    return out


def transpose(X: np.ndarray) -> np.ndarray:
    """Rows and columns swapped (every axis reversed in order)."""
    work.add(_STAGE, X.size)
    return X.T.copy()


def apply(f: sympy.Lambda, X: np.ndarray) -> np.ndarray:
    """``f`` applied to every entry."""
    out = _elementwise(X.shape)
    for i in _indices(X.shape):
        out[i] = f(X[i])
    return out


def softmax(X: np.ndarray) -> np.ndarray:
    """exp(x) / Σ exp(x) over every entry (one sample's row), in SymPy's own ``exp``."""
    exps = apply(sympy.Lambda(_X, sympy.exp(_X)), X)
    total = sympy.Add(*exps.ravel().tolist())
    out = _elementwise(X.shape)
    for i in _indices(X.shape):
        out[i] = exps[i] / total
    return out


_X = sympy.Dummy("x")
