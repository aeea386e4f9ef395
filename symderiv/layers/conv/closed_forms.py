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
from math import prod
from typing import TYPE_CHECKING, Any

from ...core import work
from ...core.layer import Claim
from ...sizes import conv_output_size
from .spec import ConvSpec

if TYPE_CHECKING:
    import numpy as np
    import sympy

    from ...core.symbols import SymbolTensor
    from ...formulas.nodes import Formula


def _nodes() -> Any:
    """The formula nodes (imported when a formula is built, not when a layer is priced)."""
    from ...formulas import nodes

    return nodes


__all__ = ["claims", "delta_layout", "evaluate_claim"]


def _other(convention: str) -> str:
    return "convolution" if convention == "correlation" else "correlation"


def _cropped_xcorr(
    n: Any,
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
        conv_output_size(size, k, s, 0, d)
        for size, k, s, d in zip(x_size, y_size, stride, dilation, strict=True)
    )
    out: Formula = n.Xcorr(x, y, stride, dilation)
    extra = tuple(size - w for size, w in zip(natural, wanted, strict=True))
    if any(extra):
        out = n.Crop(out, (0,) * len(extra), extra)
    return out


def kernel_formula(spec: ConvSpec, convention: str, nodes: Any = None) -> Formula:
    """dE/dK for one kernel map, in the given convention (built from ``nodes``, by
    default :mod:`symderiv.formulas.nodes`; :class:`~symderiv.formulas.cost.CostNodes`
    builds its price instead)."""
    f = nodes or _nodes()
    n = spec.ndim
    if spec.transposed:
        # dE/dK[p] = sum_i A[i] · D[s·i + d·p − pad]: correlate the padded delta with A,
        # stepping d along p and s along i.
        padded = tuple(o + 2 * p for o, p in zip(spec.output, spec.padding, strict=True))
        delta: Formula = f.Var("D")
        if any(spec.padding):
            delta = f.Pad(delta, spec.padding, spec.padding)
        base = _cropped_xcorr(
            f, delta, f.Var("A"), spec.dilation, spec.stride, padded, spec.input, spec.kernel
        )
    elif spec.simple_geometry:
        base = f.Conv(f.Var("A"), f.Rot180(f.Var("D")), "valid", n)
    else:
        # Stride and dilation swap roles: dE/dK[p] = sum_u Ã[s·u + d·p] D[u]
        # steps d along the output (p) and s along the summed index (u).
        source: Formula = f.Var("A")
        if any(spec.padding):
            source = f.Pad(source, spec.padding, spec.padding)
        padded = tuple(h + 2 * p for h, p in zip(spec.input, spec.padding, strict=True))
        base = _cropped_xcorr(
            f, source, f.Var("D"), spec.dilation, spec.stride, padded, spec.output, spec.kernel
        )
    return f.Rot180(base) if convention == "convolution" else base


def input_formula(spec: ConvSpec, convention: str, nodes: Any = None) -> Formula:
    """dE/dA for one input map, in the given convention (built from ``nodes``, as
    :func:`kernel_formula`)."""
    f = nodes or _nodes()
    n = spec.ndim
    kernel: Formula = f.Var("K") if convention == "correlation" else f.Rot180(f.Var("K"))
    if spec.transposed:
        # The input gradient of a transposed convolution is the ordinary strided
        # convolution of D: dE/dA[i] = sum_p D[s·i + d·p − pad] · K[p].
        delta: Formula = f.Var("D")
        if any(spec.padding):
            delta = f.Pad(delta, spec.padding, spec.padding)
        padded = tuple(o + 2 * p for o, p in zip(spec.output, spec.padding, strict=True))
        return _cropped_xcorr(
            f, delta, kernel, spec.stride, spec.dilation, padded, spec.kernel, spec.input
        )
    if spec.simple_geometry:
        return f.Conv(f.Var("D"), kernel, "full", n)
    # The transposed convolution of D: insert s-1 zeros, pad by d(k-1) (and the
    # a trailing rows no output reads), correlate with rot180 of the dilated
    # kernel, then crop the layer's padding.
    delta = f.Var("D")
    if any(s > 1 for s in spec.stride):
        delta = f.ZeroInsert(delta, spec.stride)
    reach = tuple(d * (k - 1) for d, k in zip(spec.dilation, spec.kernel, strict=True))
    after = tuple(r + a for r, a in zip(reach, spec.trailing(), strict=True))
    if any(reach) or any(after):
        delta = f.Pad(delta, reach, after)
    dilated: Formula = f.Var("K")
    if any(d > 1 for d in spec.dilation):
        dilated = f.ZeroInsert(dilated, spec.dilation)
    flipped = f.Rot180(dilated) if convention == "correlation" else dilated
    full: Formula = f.Xcorr(delta, flipped, (1,) * n, (1,) * n)
    if any(spec.padding):
        full = f.Crop(full, spec.padding, spec.padding)
    return full


def claim_formulas(spec: ConvSpec, nodes: Any = None) -> tuple[tuple[str, Any, str, bool], ...]:
    """(gradient, formula, where it is stated, expected to hold) for every claim, the
    formulas built from ``nodes`` (see :func:`kernel_formula`)."""
    f = nodes or _nodes()
    own, other = spec.convention, _other(spec.convention)
    return (
        ("K", kernel_formula(spec, own, f), own, True),
        ("b", f.SumAll(f.Var("D"), spec.ndim), "both", True),
        ("A", input_formula(spec, own, f), own, True),
        ("K", kernel_formula(spec, other, f), other, False),
        ("A", input_formula(spec, other, f), other, False),
    )


def claims(spec: ConvSpec) -> tuple[Claim, ...]:
    """The closed forms to prove for this layer, then those of the other convention."""
    return tuple(
        Claim(of, formula, stated_in, expected=expected)
        for of, formula, stated_in, expected in claim_formulas(spec)
    )


def _maps(*sizes: int) -> Iterator[tuple[int, ...]]:
    return product(*(range(s) for s in sizes))


class _Maps:
    """The tensors as arrays, each built once (a map is then a view, not a copy)."""

    def __init__(self, tensors: Mapping[str, SymbolTensor]) -> None:
        self.tensors = tensors
        self.arrays: dict[str, np.ndarray] = {}

    def __call__(self, letter: str, lead: tuple[int, ...]) -> np.ndarray:
        if letter not in self.arrays:
            self.arrays[letter] = self.tensors[letter].array()
        return self.arrays[letter][lead]


def evaluate_claim(
    spec: ConvSpec, claim: Claim, tensors: Mapping[str, SymbolTensor]
) -> dict[tuple[int, ...], sympy.Expr]:
    """The closed form's value at every element of ``claim.of``, keyed by full index.

    Raises ``ValueError`` when the formula's maps do not have the gradient's shape.
    """
    import sympy

    the = _Maps(tensors)
    cin_group, cout_group = spec.cin_group, spec.cout_group
    out: dict[tuple[int, ...], sympy.Expr] = {}

    used = {node.name for node in claim.formula.walk() if isinstance(node, _nodes().Var)}
    counts = {"n": spec.batch, "m": spec.out_channels, "c": spec.in_channels}

    def activated(n: int, c: int) -> dict[str, np.ndarray]:
        """An activated input's maps the formula reads: z and A of input map (n, c)."""
        return {x: the(x, (n, c)) for x in ("z", "A") if x in used and x in tensors}

    def subscripted(n: int, m: int, c: int) -> dict[str, np.ndarray]:
        """The maps a user's formula names by subscript: K_{c,m}, D_{M-1-m}, A_{c}."""
        from ...formulas.bind import map_index

        out = {}
        for name in used:
            found = map_index(name, {"n": n, "m": m, "c": c}, counts)
            if found is None:
                continue
            base, index = found
            lead = index if base == "K" else (n, *index)
            maps = tensors[base].shape[: len(lead)]
            if not all(0 <= i < size for i, size in zip(lead, maps, strict=True)):
                raise ValueError(
                    f"{name} at m = {m}, c = {c} reads the map {lead} of {base}, which has "
                    + "×".join(map(str, maps))
                    + " maps"
                )
            out[name] = the(base, lead)
        return out

    def accumulate(lead: tuple[int, ...], parts: list[np.ndarray], shape: tuple[int, ...]) -> None:
        for part in parts:
            if part.shape != shape:
                raise ValueError(f"The formula gives a {part.shape} map, the gradient is {shape}")
        for pos in _maps(*shape):
            out[lead + pos] = sympy.Add(*(part[pos] for part in parts))
        work.add("closed forms", prod(shape) * (1 + len(parts)))

    if claim.of == "K" and spec.transposed:
        for c, oo in _maps(spec.in_channels, cout_group):
            o = (c // cin_group) * cout_group + oo
            parts = [
                claim.formula.evaluate({"A": the("A", (n, c)), "D": the("D", (n, o))})
                for n in range(spec.batch)
            ]
            accumulate((c, oo), parts, spec.kernel)
    elif claim.of == "K":
        for m, c in _maps(spec.out_channels, cin_group):
            c_in = (m // cout_group) * cin_group + c
            parts = [
                claim.formula.evaluate(
                    {
                        "A": the("A", (n, c_in)),
                        "D": the("D", (n, m)),
                        **activated(n, c_in),
                        **subscripted(n, m, c_in),
                    }
                )
                for n in range(spec.batch)
            ]
            accumulate((m, c), parts, spec.kernel)
    elif claim.of == "b":
        for (m,) in _maps(spec.out_channels):
            parts = [claim.formula.evaluate({"D": the("D", (n, m))}) for n in range(spec.batch)]
            accumulate((m,), parts, ())
    elif claim.of in ("A", "z"):  # z: the pre-activation of an activated input
        for n, c in _maps(spec.batch, spec.in_channels):
            group = c // cin_group
            parts = []
            for m in range(group * cout_group, (group + 1) * cout_group):
                if spec.transposed:
                    kernel = the("K", (c, m - group * cout_group))
                else:
                    kernel = the("K", (m, c - group * cin_group))
                env = {"D": the("D", (n, m)), "K": kernel, **activated(n, c)}
                env.update(subscripted(n, m, c))
                parts.append(claim.formula.evaluate(env))
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
    from ...formulas.operators import pad, zero_insert

    maps = []
    the = _Maps({"D": D})
    for n, m in _maps(spec.batch, spec.out_channels):
        grid = pad(zero_insert(the("D", (n, m)), step), before, after)
        maps.append(((n, m), before, grid))
    return tuple(maps)
