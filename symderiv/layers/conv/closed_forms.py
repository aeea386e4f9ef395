"""Stage 4: closed forms, built from array operators independently of the derivation.

The conventions table (X ⋆ Y is the valid cross-correlation,
conv2(X, rot180(Y), 'valid') = X ⋆ Y):

=====================  =======================================  ============================
forward pass           dE/dK                                    dE/dA
=====================  =======================================  ============================
correlation (PyTorch)  conv2(A, rot180(D), 'valid')             conv2(D, K, 'full')
convolution (MATLAB)   rot180(conv2(A, rot180(D), 'valid'))     conv2(D, rot180(K), 'full')
=====================  =======================================  ============================

With channels, dE/dK[m,c] sums over the batch and dE/dA[n,c] over the output
maps of c's group; dE/db[m] = sum over batch and space of D[n,m].

Each layer is checked against its own convention's formulas *and* the other
convention's, which must be refuted (unless they happen to coincide, as for a
1×1 kernel).  Strided, padded and dilated layers use the general forms: the
kernel gradient correlates the padded input with D, stride and dilation
swapped; the input gradient is the transposed convolution of D.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import product

import numpy as np
import sympy

from ...core.layer import Claim
from ...core.symbols import SymbolTensor
from ...formulas.nodes import Conv, Crop, Formula, Pad, Rot180, SumAll, Var, Xcorr, ZeroInsert
from ...formulas.operators import pad, zero_insert
from ...sizes import conv_output_size
from .spec import ConvSpec

__all__ = ["claims", "delta_layout", "evaluate_claim"]


def _other(convention: str) -> str:
    return "convolution" if convention == "correlation" else "correlation"


def _cropped_xcorr(
    x: Formula,
    y: Formula,
    stride: tuple[int, ...],
    dilation: tuple[int, ...],
    x_size: tuple[int, ...],
    y_size: tuple[int, ...],
    wanted: tuple[int, ...],
) -> Formula:
    """x ⋆ y, with the trailing entries beyond ``wanted`` cropped (explicitly, when any)."""
    natural = tuple(
        conv_output_size(n, k, s, 0, d)
        for n, k, s, d in zip(x_size, y_size, stride, dilation, strict=True)
    )
    out: Formula = Xcorr(x, y, stride, dilation)
    extra = tuple(n - w for n, w in zip(natural, wanted, strict=True))
    if any(extra):
        out = Crop(out, (0,) * len(extra), extra)
    return out


def kernel_formula(spec: ConvSpec, convention: str) -> Formula:
    """dE/dK for one kernel map, in the given convention."""
    n = spec.ndim
    if spec.transposed:
        # dE/dK[p] = sum_i A[i] · D[s·i + d·p − pad]: correlate the padded delta with A,
        # stepping d along p and s along i.
        padded = tuple(o + 2 * p for o, p in zip(spec.output, spec.padding, strict=True))
        delta: Formula = Var("D")
        if any(spec.padding):
            delta = Pad(delta, spec.padding, spec.padding)
        base = _cropped_xcorr(
            delta, Var("A"), spec.dilation, spec.stride, padded, spec.input, spec.kernel
        )
    elif spec.simple_geometry:
        base = Conv(Var("A"), Rot180(Var("D")), "valid", n)
    else:
        # Stride and dilation swap roles: dE/dK[p] = sum_u Ã[s·u + d·p] D[u]
        # steps d along the output (p) and s along the summed index (u).
        source: Formula = Var("A")
        if any(spec.padding):
            source = Pad(source, spec.padding, spec.padding)
        padded = tuple(h + 2 * p for h, p in zip(spec.input, spec.padding, strict=True))
        base = _cropped_xcorr(
            source, Var("D"), spec.dilation, spec.stride, padded, spec.output, spec.kernel
        )
    return Rot180(base) if convention == "convolution" else base


def input_formula(spec: ConvSpec, convention: str) -> Formula:
    """dE/dA for one input map, in the given convention."""
    n = spec.ndim
    kernel: Formula = Var("K") if convention == "correlation" else Rot180(Var("K"))
    if spec.transposed:
        # The input gradient of a transposed convolution is the ordinary strided
        # convolution of D: dE/dA[i] = sum_p D[s·i + d·p − pad] · K[p].
        delta: Formula = Var("D")
        if any(spec.padding):
            delta = Pad(delta, spec.padding, spec.padding)
        padded = tuple(o + 2 * p for o, p in zip(spec.output, spec.padding, strict=True))
        return _cropped_xcorr(
            delta, kernel, spec.stride, spec.dilation, padded, spec.kernel, spec.input
        )
    if spec.simple_geometry:
        return Conv(Var("D"), kernel, "full", n)
    # The transposed convolution of D: insert s-1 zeros, pad by d(k-1) (and the
    # a trailing rows no output reads), correlate with rot180 of the dilated
    # kernel, then crop the layer's padding.
    delta = Var("D")
    if any(s > 1 for s in spec.stride):
        delta = ZeroInsert(delta, spec.stride)
    reach = tuple(d * (k - 1) for d, k in zip(spec.dilation, spec.kernel, strict=True))
    after = tuple(r + a for r, a in zip(reach, spec.trailing(), strict=True))
    if any(reach) or any(after):
        delta = Pad(delta, reach, after)
    dilated: Formula = Var("K")
    if any(d > 1 for d in spec.dilation):
        dilated = ZeroInsert(dilated, spec.dilation)
    flipped = Rot180(dilated) if convention == "correlation" else dilated
    full: Formula = Xcorr(delta, flipped, (1,) * n, (1,) * n)
    if any(spec.padding):
        full = Crop(full, spec.padding, spec.padding)
    return full


def claims(spec: ConvSpec) -> tuple[Claim, ...]:
    """The closed forms to prove for this layer, then those of the other convention."""
    own, other = spec.convention, _other(spec.convention)
    return (
        Claim("K", kernel_formula(spec, own), own),
        Claim("b", SumAll(Var("D"), spec.ndim), "both"),
        Claim("A", input_formula(spec, own), own),
        Claim("K", kernel_formula(spec, other), other, expected=False),
        Claim("A", input_formula(spec, other), other, expected=False),
    )


def _maps(*sizes: int) -> Iterator[tuple[int, ...]]:
    return product(*(range(s) for s in sizes))


def _slice(t: SymbolTensor, lead: tuple[int, ...]) -> np.ndarray:
    return t.array()[lead]


def evaluate_claim(
    spec: ConvSpec, claim: Claim, tensors: Mapping[str, SymbolTensor]
) -> dict[tuple[int, ...], sympy.Expr]:
    """The closed form's value at every element of ``claim.of``, keyed by full index.

    Raises ``ValueError`` when the formula's maps do not have the gradient's shape.
    """
    A, K, D = tensors["A"], tensors["K"], tensors["D"]
    cin_group, cout_group = spec.cin_group, spec.cout_group
    out: dict[tuple[int, ...], sympy.Expr] = {}

    def accumulate(lead: tuple[int, ...], parts: list[np.ndarray], shape: tuple[int, ...]) -> None:
        for part in parts:
            if part.shape != shape:
                raise ValueError(f"The formula gives a {part.shape} map, the gradient is {shape}")
        for pos in _maps(*shape):
            out[lead + pos] = sympy.Add(*(part[pos] for part in parts))

    if claim.of == "K" and spec.transposed:
        for c, oo in _maps(spec.in_channels, cout_group):
            o = (c // cin_group) * cout_group + oo
            parts = [
                claim.formula.evaluate({"A": _slice(A, (n, c)), "D": _slice(D, (n, o))})
                for n in range(spec.batch)
            ]
            accumulate((c, oo), parts, spec.kernel)
    elif claim.of == "K":
        for m, c in _maps(spec.out_channels, cin_group):
            c_in = (m // cout_group) * cin_group + c
            parts = [
                claim.formula.evaluate({"A": _slice(A, (n, c_in)), "D": _slice(D, (n, m))})
                for n in range(spec.batch)
            ]
            accumulate((m, c), parts, spec.kernel)
    elif claim.of == "b":
        for (m,) in _maps(spec.out_channels):
            parts = [claim.formula.evaluate({"D": _slice(D, (n, m))}) for n in range(spec.batch)]
            accumulate((m,), parts, ())
    elif claim.of == "A":
        for n, c in _maps(spec.batch, spec.in_channels):
            group = c // cin_group
            parts = []
            for m in range(group * cout_group, (group + 1) * cout_group):
                if spec.transposed:
                    kernel = _slice(K, (c, m - group * cout_group))
                else:
                    kernel = _slice(K, (m, c - group * cin_group))
                parts.append(claim.formula.evaluate({"D": _slice(D, (n, m)), "K": kernel}))
            accumulate((n, c), parts, spec.input)
    else:
        raise ValueError(f"no closed form for {claim.of!r}")
    return out


def delta_layout(
    spec: ConvSpec, D: SymbolTensor
) -> tuple[tuple[tuple[int, ...], tuple[int, ...], np.ndarray], ...]:
    """Each delta map as the input-gradient formula reads it: for a direct layer
    zero-inserted for a stride and bordered by d(k-1) zeros (plus the a unread
    trailing rows); for a transposed layer bordered by the layer's padding."""
    if spec.transposed:
        before, after, step = spec.padding, spec.padding, (1,) * spec.ndim
    else:
        before = tuple(d * (k - 1) for d, k in zip(spec.dilation, spec.kernel, strict=True))
        after = tuple(r + a for r, a in zip(before, spec.trailing(), strict=True))
        step = spec.stride
    maps = []
    for n, m in _maps(spec.batch, spec.out_channels):
        grid = pad(zero_insert(_slice(D, (n, m)), step), before, after)
        maps.append(((n, m), before, grid))
    return tuple(maps)
