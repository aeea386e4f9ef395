"""Array operators on symbolic (numpy object) arrays, built from their definitions.

These are the building blocks of the closed forms.  They know nothing about
layers or the forward pass, so that proving a closed form equal to the
derivation is a real check of one against the other.

``conv`` is MATLAB's true convolution (``conv``/``conv2``/``convn``):
    full:  C[i] = sum_k X[k] · Y[i - k],         i = 0 .. nx + ny - 2
    valid: the part of ``full`` that needs no zero outside X, i = ny-1 .. nx-1
``xcorr`` is the valid cross-correlation with stride and dilation:
    C[u] = sum_p X[s·u + d·p] · Y[p]
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product

import numpy as np
import sympy

from ..sizes import conv_output_size

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


def _zeros(shape: Sequence[int]) -> np.ndarray:
    out = np.empty(tuple(shape), dtype=object)
    out.fill(_ZERO)
    return out


def _indices(shape: Sequence[int]) -> product:
    return product(*(range(n) for n in shape))


def rot180(X: np.ndarray) -> np.ndarray:
    """Reverse every axis (a 180° rotation of a matrix; a scalar stays as it is)."""
    if X.ndim == 0:
        return X.copy()
    return X[tuple(slice(None, None, -1) for _ in range(X.ndim))].copy()


def conv(X: np.ndarray, Y: np.ndarray, mode: str) -> np.ndarray:
    """True convolution of two arrays of the same rank, ``mode`` 'full', 'valid' or 'same'."""
    if X.ndim != Y.ndim:
        raise ValueError(f"conv of rank {X.ndim} with rank {Y.ndim}")
    if mode == "full":
        shape = tuple(a + b - 1 for a, b in zip(X.shape, Y.shape, strict=True))
        shift = (0,) * X.ndim
    elif mode == "valid":
        if any(b > a for a, b in zip(X.shape, Y.shape, strict=True)):
            raise ValueError(f"valid conv of {X.shape} with the larger {Y.shape}")
        shape = tuple(a - b + 1 for a, b in zip(X.shape, Y.shape, strict=True))
        shift = tuple(b - 1 for b in Y.shape)
    elif mode == "same":  # MATLAB: the central part of 'full', as large as X
        full = conv(X, Y, "full")
        return full[
            tuple(slice(b // 2, b // 2 + a) for a, b in zip(X.shape, Y.shape, strict=True))
        ].copy()
    else:
        raise ValueError(f"conv mode {mode!r}: expected 'full', 'valid' or 'same'")
    out = _zeros(shape)
    for i in _indices(shape):
        terms = []
        # C[i] = sum_j X[i + shift - j] · Y[j], over the j that keep the X index inside X
        for j in _indices(Y.shape):
            k = tuple(a + s - b for a, s, b in zip(i, shift, j, strict=True))
            if all(0 <= kk < n for kk, n in zip(k, X.shape, strict=True)):
                xk, yj = X[k], Y[j]
                if xk != 0 and yj != 0:
                    terms.append(xk * yj)
        out[i] = sympy.Add(*terms)
    return out


def xcorr(
    X: np.ndarray,
    Y: np.ndarray,
    stride: Sequence[int] | None = None,
    dilation: Sequence[int] | None = None,
) -> np.ndarray:
    """Valid cross-correlation, C[u] = sum_p X[s·u + d·p] · Y[p]."""
    s = tuple(stride or (1,) * X.ndim)
    d = tuple(dilation or (1,) * X.ndim)
    natural = tuple(
        conv_output_size(nx, ny, ss, 0, dd)
        for nx, ny, ss, dd in zip(X.shape, Y.shape, s, d, strict=True)
    )
    shape = natural
    if any(n < 1 for n in shape):
        raise ValueError(f"xcorr of {X.shape} with {Y.shape} (stride {s}, dilation {d}) is empty")
    out = _zeros(shape)
    for u in _indices(shape):
        terms = []
        for p in _indices(Y.shape):
            yp = Y[p]
            x = X[tuple(ss * ui + dd * pi for ui, pi, ss, dd in zip(u, p, s, d, strict=True))]
            if yp != 0 and x != 0:
                terms.append(x * yp)
        out[u] = sympy.Add(*terms)
    return out


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
    return X[tuple(slice(b, n - a) for b, a, n in zip(before, after, X.shape, strict=True))].copy()


def sum_all(X: np.ndarray) -> sympy.Expr:
    """The sum of every entry."""
    return sympy.Add(*X.ravel().tolist())


def up(X: np.ndarray, factor: Sequence[int]) -> np.ndarray:
    """Up-sampling: the Kronecker product with a block of ones, each entry repeated
    ``factor[i]`` times along axis i."""
    out = X
    for axis, f in enumerate(factor):
        out = np.repeat(out, f, axis=axis)
    return out.copy()


def down(X: np.ndarray, factor: Sequence[int]) -> np.ndarray:
    """Block sums: each output entry is the sum of one ``factor`` block of X.

    Raises ``ValueError`` when a block size does not divide the axis."""
    if any(n % f for n, f in zip(X.shape, factor, strict=True)):
        raise ValueError(f"down of {X.shape} by blocks of {tuple(factor)}: sizes do not divide")
    shape = tuple(n // f for n, f in zip(X.shape, factor, strict=True))
    out = _zeros(shape)
    for i in _indices(shape):
        block = X[tuple(slice(a * f, (a + 1) * f) for a, f in zip(i, factor, strict=True))]
        out[i] = sympy.Add(*block.ravel().tolist())
    return out


def scale(c: sympy.Expr, X: np.ndarray) -> np.ndarray:
    """Every entry times the scalar ``c``."""
    out = _zeros(X.shape)
    for i in _indices(X.shape):
        out[i] = c * X[i]
    return out


def hadamard(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """The element-wise product of two arrays of one shape."""
    if X.shape != Y.shape:
        raise ValueError(f"element-wise product of {X.shape} and {Y.shape}")
    out = _zeros(X.shape)
    for i in _indices(X.shape):
        out[i] = X[i] * Y[i]
    return out


def add(X: np.ndarray, Y: np.ndarray, sign: int = 1) -> np.ndarray:
    """X + Y (``sign=-1``: X − Y) for arrays of one shape."""
    if X.shape != Y.shape:
        raise ValueError(f"sum of {X.shape} and {Y.shape}")
    out = _zeros(X.shape)
    for i in _indices(X.shape):
        out[i] = X[i] + sign * Y[i]
    return out


def matmul(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """The matrix product of two 2-D arrays."""
    if X.ndim != 2 or Y.ndim != 2 or X.shape[1] != Y.shape[0]:
        raise ValueError(f"matrix product of {X.shape} and {Y.shape}")
    out = _zeros((X.shape[0], Y.shape[1]))
    for i, j in _indices(out.shape):
        out[i, j] = sympy.Add(*(X[i, k] * Y[k, j] for k in range(X.shape[1])))
    return out


def transpose(X: np.ndarray) -> np.ndarray:
    """Rows and columns swapped (every axis reversed in order)."""
    return X.T.copy()


def apply(f: sympy.Lambda, X: np.ndarray) -> np.ndarray:
    """``f`` applied to every entry."""
    out = _zeros(X.shape)
    for i in _indices(X.shape):
        out[i] = f(X[i])
    return out
