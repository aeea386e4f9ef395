"""Stage 4 for pooling: closed forms for dE/dA, built from array operators
independently of the derivation.

Mean pooling (every window divided by its size k², the kernel's volume):

* the notes' form, for windows that tile the input (stride = kernel, no
  padding):  dE/dA = (1/k²) · D ⊗ 1_{k×k}, padded with zeros where the input
  is not a multiple of the kernel;
* the general form, for any stride and padding: the sum over the windows that
  contain each element, divided by k², i.e. D zero-inserted by the stride,
  bordered by k−1 zeros (and the a unread trailing cells), correlated with the
  averaging kernel (1/k²)·1 (a block of ones scaled), cropped by the padding.

Known mistakes, refuted with their first failing element: dividing by k
instead of k², up-sampling without dividing, the notes' form where the
windows do not tile, summing without dividing.

Max pooling: dE/dA = route(D, argmax(A)), each delta to its window's maximum
(:class:`~.formulas.Route`); refuted: the other tie rule (when the values
tie), up(D) without switches, and the mean's gradient.  A known mistake that
happens to coincide with the derivation for these sizes or values is left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import product

import numpy as np
import sympy

from ...core.layer import Claim
from ...core.symbols import SymbolTensor
from ...formulas.nodes import Crop, Formula, Number, Pad, Scale, Up, Var, Xcorr, ZeroInsert
from ...formulas.operators import pad, up, zero_insert
from .formulas import Ones, Route
from .spec import MaxPoolSpec, PoolSpec

__all__ = [
    "claims",
    "delta_layouts",
    "evaluate_claim",
    "general_form",
    "notes_form",
    "volume_name",
]


def volume_name(spec: PoolSpec) -> str:
    """How the sheet names the window's size: k, k², k³, or "the window size"."""
    if len(set(spec.kernel)) == 1:
        return {1: "k", 2: "k²", 3: "k³"}[spec.ndim]
    return "the window size"


def _fit(formula: Formula, natural: tuple[int, ...], target: tuple[int, ...]) -> Formula:
    """Crop or zero-pad the trailing end of each axis from ``natural`` to ``target``."""
    n = len(target)
    crop = tuple(max(0, a - b) for a, b in zip(natural, target, strict=True))
    grow = tuple(max(0, b - a) for a, b in zip(natural, target, strict=True))
    if any(crop):
        formula = Crop(formula, (0,) * n, crop)
    if any(grow):
        formula = Pad(formula, (0,) * n, grow)
    return formula


def _scaled(scale: sympy.Rational, formula: Formula) -> Formula:
    return formula if scale == 1 else Scale(Number(scale), formula)


def notes_form(spec: PoolSpec, scale: sympy.Rational) -> Formula:
    """scale · D ⊗ 1_k (up-sampling), fitted to the input's size."""
    natural = tuple(o * k for o, k in zip(spec.output, spec.kernel, strict=True))
    return _fit(_scaled(scale, Up(Var("D"), spec.kernel)), natural, spec.input)


def general_form(spec: PoolSpec, scale: sympy.Rational) -> Formula:
    """crop_P(pad_{k−1, k−1+a}(ins_s(D)) ⋆ scale·1_k): every delta, times ``scale``, added
    into every cell of its window (the transposed convolution of D with the averaging
    kernel scale·1_k)."""
    n = spec.ndim
    delta: Formula = Var("D")
    if any(s > 1 for s in spec.stride):
        delta = ZeroInsert(delta, spec.stride)
    reach = tuple(k - 1 for k in spec.kernel)
    after = tuple(r + a for r, a in zip(reach, spec.trailing(), strict=True))
    if any(reach) or any(after):
        delta = Pad(delta, reach, after)
    ones = _scaled(scale, Ones(shape=spec.kernel))
    out: Formula = Xcorr(delta, ones, (1,) * n, (1,) * n)
    if any(spec.padding):
        out = Crop(out, spec.padding, spec.padding)
    return out


def _avg_claims(spec: PoolSpec) -> tuple[Claim, ...]:
    size, k = spec.window, spec.kernel[0]
    name = volume_name(spec)
    name = f"{name} = {size}" if name != "the window size" else f"the window size {size}"
    mean = sympy.Rational(1, size)
    out = []
    form = notes_form if spec.tiles else general_form
    if spec.tiles:
        out.append(Claim("A", notes_form(spec, mean), "notes"))
        out.append(Claim("A", general_form(spec, mean), "general"))
    else:
        out.append(Claim("A", general_form(spec, mean), "general"))
        out.append(
            Claim(
                "A",
                notes_form(spec, mean),
                "assumes the windows tile the input (stride = kernel, no padding)",
                expected=False,
            )
        )
    if k != size:
        out.append(
            Claim(
                "A",
                form(spec, sympy.Rational(1, k)),
                f"divides by k = {k} instead of {name}",
                expected=False,
            )
        )
    if size != 1:
        what = "up-samples" if spec.tiles else "sums the deltas"
        out.append(
            Claim(
                "A",
                form(spec, sympy.Integer(1)),
                f"{what} without dividing by {name}",
                expected=False,
            )
        )
    return tuple(out)


def _coefficients(
    spec: PoolSpec, taps: str, weight: sympy.Rational
) -> dict[tuple[tuple[int, ...], tuple[int, ...]], sympy.Rational]:
    """(output index, input index) -> coefficient of a form that gives ``weight`` to
    every cell of the windows read through ``taps`` (``taps`` or ``tiling_taps``)."""
    axes = [getattr(spec, taps)(a) for a in range(spec.ndim)]
    out = {}
    for n, c in product(range(spec.batch), range(spec.in_channels)):
        for combo in product(*axes):
            i = tuple(t[0] for t in combo)
            u = tuple(t[1] for t in combo)
            out[((n, c, *u), (n, c, *i))] = weight
    return out


def _routing(
    spec: MaxPoolSpec, ties: str
) -> dict[tuple[tuple[int, ...], tuple[int, ...]], sympy.Rational]:
    out = {}
    for w in spec.windows:
        for cell, share in w.shares(ties):
            assert cell.input is not None
            out[(w.output, cell.input)] = share
    return out


def _max_claims(spec: MaxPoolSpec) -> tuple[Claim, ...]:
    def route(ties: str) -> Route:
        return Route(Var("D"), Var("A"), spec.kernel, spec.stride, spec.padding, ties)

    other = "split" if spec.ties == "first" else "first"
    out = [Claim("A", route(spec.ties), f"ties {spec.ties}")]
    if spec.tied:
        out.append(Claim("A", route(other), f"ties {other}, the other tie rule", expected=False))
    # The mistakes, unless these values happen to make them right.
    routing = _routing(spec, spec.ties)
    mistakes = (
        (
            notes_form(spec, sympy.Integer(1)),
            "up(δ) without switches",
            _coefficients(spec, "tiling_taps", sympy.Integer(1)),
        ),
        (
            general_form(spec, sympy.Rational(1, spec.window)),
            "the mean's gradient, "
            + (
                f"δ/{volume_name(spec)}"
                if len(set(spec.kernel)) == 1
                else f"δ divided by the window size {spec.window}"
            )
            + " to every cell",
            _coefficients(spec, "taps", sympy.Rational(1, spec.window)),
        ),
    )
    for formula, stated_in, coefficients in mistakes:
        if coefficients != routing:
            out.append(Claim("A", formula, stated_in, expected=False))
    return tuple(out)


def claims(spec: PoolSpec) -> tuple[Claim, ...]:
    """The closed forms to prove for this layer, then the known mistakes to refute."""
    if isinstance(spec, MaxPoolSpec):
        return _max_claims(spec)
    return _avg_claims(spec)


def evaluate_claim(
    spec: PoolSpec, claim: Claim, tensors: Mapping[str, SymbolTensor]
) -> dict[tuple[int, ...], sympy.Expr]:
    """The closed form's value at every element of A, map by map.

    Raises ``ValueError`` when the formula's map does not have the input's shape."""
    if claim.of not in ("A", "z"):  # z: the pre-activation of an activated input
        raise ValueError(f"no closed form for {claim.of!r}")
    D = tensors["D"].array()
    used = {node.name for node in claim.formula.walk() if isinstance(node, Var)}
    z = tensors["z"].array() if "z" in used else None
    out: dict[tuple[int, ...], sympy.Expr] = {}
    for n, c in product(range(spec.batch), range(spec.in_channels)):
        env = {"D": D[n, c]}
        if z is not None:
            env["z"] = z[n, c]
        if isinstance(spec, MaxPoolSpec):
            env["A"] = np.asarray(spec.a_values[n, c], dtype=float)
            if "s" in used:  # the switches as one map: the routing of a block of ones
                ones = np.empty(spec.output, dtype=object)
                ones.fill(sympy.Integer(1))
                route = Route(Var("ones"), Var("A"), spec.kernel, spec.stride, spec.padding,
                              spec.ties)
                env["s"] = route.evaluate({"ones": ones, "A": env["A"]})
        value = claim.formula.evaluate(env)
        if value.shape != spec.input:
            raise ValueError(f"The formula gives a {value.shape} map, the gradient is {spec.input}")
        for pos in product(*(range(h) for h in spec.input)):
            out[(n, c, *pos)] = value[pos]
    return out


def delta_layouts(
    spec: PoolSpec, D: SymbolTensor
) -> tuple[tuple[tuple[int, int], np.ndarray], ...]:
    """Each delta map as the mean's closed form reads it: up-sampled (D ⊗ 1) when the
    windows tile, else zero-inserted by the stride and bordered by k−1 zeros (plus the
    unread trailing cells).  1-D and 2-D layers only: 3-D maps do not print as matrices."""
    if spec.ndim > 2:
        return ()
    reach = tuple(k - 1 for k in spec.kernel)
    after = tuple(r + a for r, a in zip(reach, spec.trailing(), strict=True))
    out = []
    for n, c in product(range(spec.batch), range(spec.in_channels)):
        grid = D.array()[n, c]
        if spec.tiles:
            layout = up(grid, spec.kernel)
        else:
            layout = pad(zero_insert(grid, spec.stride), reach, after)
        out.append(((n, c), layout))
    return tuple(out)
