"""symderiv's derived expansions against PyTorch autograd, in float64.

For every layer of the grid the same random values are given to the symbols
of the derivation and to torch tensors; Z = F.conv{1,2,3}d(A, K', b, ...) is
computed with K' = K for the "correlation" convention and K' = K flipped on
every spatial axis for "convolution" (the flip is part of the autograd graph,
so K.grad is the gradient with respect to the unflipped K). Z.backward(D)
gives A.grad, K.grad and b.grad; each derived element is evaluated from its
terms and compared with torch to 1e-12. A few 2-D layers are also checked
against torch.nn.grad.conv2d_weight and conv2d_input.

The grid is a 3-wise covering array of stride {1,2,3} x padding {0,1,2} x
dilation {1,2} x groups {1,2} x convention, for each of conv1d, conv2d and
conv3d (every combination of values of any three of those axes occurs), plus
per-axis strides/paddings/dilations, kernels of size 1 and the classic 4x4
input with a 2x2 kernel.
"""

from __future__ import annotations

import functools
import itertools
import math
from typing import NamedTuple

import numpy as np
import pytest

import symderiv

from .evaluation import derived_array, random_arrays, symbol_values

torch = pytest.importorskip("torch")
F = torch.nn.functional

TOL = 1e-12
CONVENTIONS = ("correlation", "convolution")
STRIDES, PADDINGS, DILATIONS, GROUPS = (1, 2, 3), (0, 1, 2), (1, 2), (1, 2)
AXES = (STRIDES, PADDINGS, DILATIONS, GROUPS, CONVENTIONS)


class Case(NamedTuple):
    ndim: int
    input: tuple[int, ...]
    kernel: tuple[int, ...]
    batch: int
    in_channels: int
    out_channels: int
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    dilation: tuple[int, ...]
    groups: int
    convention: str

    @property
    def output(self) -> tuple[int, ...]:
        return tuple(
            (h + 2 * p - d * (k - 1) - 1) // s + 1
            for h, k, s, p, d in zip(
                self.input, self.kernel, self.stride, self.padding, self.dilation, strict=True
            )
        )

    @property
    def shapes(self) -> dict[str, tuple[int, ...]]:
        return {
            "A": (self.batch, self.in_channels, *self.input),
            "K": (self.out_channels, self.in_channels // self.groups, *self.kernel),
            "b": (self.out_channels,),
            "D": (self.batch, self.out_channels, *self.output),
            "Z": (self.batch, self.out_channels, *self.output),
        }

    @property
    def id(self) -> str:
        def axes(values: tuple[int, ...]) -> str:
            return str(values[0]) if len(set(values)) == 1 else "x".join(map(str, values))

        return (
            f"conv{self.ndim}d-in{'x'.join(map(str, self.input))}"
            f"-k{'x'.join(map(str, self.kernel))}-n{self.batch}c{self.in_channels}"
            f"m{self.out_channels}-s{axes(self.stride)}-p{axes(self.padding)}"
            f"-d{axes(self.dilation)}-g{self.groups}-{self.convention[:4]}"
        )

    def spec(self) -> symderiv.ConvSpec:
        make = {1: symderiv.conv1d, 2: symderiv.conv2d, 3: symderiv.conv3d}[self.ndim]
        return make(
            input=self.input,
            kernel=self.kernel,
            in_channels=self.in_channels,
            out_channels=self.out_channels,
            batch=self.batch,
            convention=self.convention,
            stride=self.stride,
            padding=self.padding,
            dilation=self.dilation,
            groups=self.groups,
        )


def _case(ndim, input, kernel, channels, stride, padding, dilation, groups, convention) -> Case:
    def per_axis(v):
        return tuple(v) if isinstance(v, tuple) else (v,) * ndim

    return Case(
        ndim,
        tuple(input),
        tuple(kernel),
        *channels,
        per_axis(stride),
        per_axis(padding),
        per_axis(dilation),
        groups,
        convention,
    )


def _triples(combo: tuple) -> set:
    return {tuple((i, combo[i]) for i in axes) for axes in itertools.combinations(range(5), 3)}


def _covering_array() -> list[tuple]:
    """Greedy 3-wise covering of AXES: repeatedly take the combination that
    covers the most not-yet-covered value triples (ties: first in product order)."""
    candidates = list(itertools.product(*AXES))
    uncovered = set().union(*map(_triples, candidates))
    chosen = []
    while uncovered:
        best = max(candidates, key=lambda c: len(_triples(c) & uncovered))
        chosen.append(best)
        uncovered -= _triples(best)
    return chosen


# Per dimension: input, kernel and (batch, in_channels, out_channels) per group count.
SHAPES = {
    1: ((7,), (3,), {1: (2, 2, 3), 2: (2, 4, 2)}),
    2: ((5, 4), (3, 2), {1: (2, 2, 2), 2: (1, 4, 2)}),
    3: ((3, 4, 3), (2, 2, 2), {1: (1, 2, 1), 2: (1, 2, 2)}),
}
COVERING = _covering_array()


def _grid() -> list[Case]:
    cases = [
        _case(ndim, inp, ker, channels[g], s, p, d, g, conv)
        for ndim, (inp, ker, channels) in SHAPES.items()
        for s, p, d, g, conv in COVERING
    ]
    for conv in CONVENTIONS:
        cases += [
            _case(2, (4, 4), (2, 2), (1, 1, 1), 1, 0, 1, 1, conv),
            _case(2, (5, 6), (3, 2), (1, 2, 2), (2, 1), (1, 0), (1, 2), 1, conv),
            _case(2, (6, 4), (2, 1), (1, 3, 3), (3, 1), (0, 2), (2, 1), 3, conv),
            _case(1, (9,), (4,), (1, 4, 8), 2, 1, 1, 4, conv),
            _case(3, (3, 4, 2), (2, 3, 1), (1, 2, 2), (1, 2, 1), (1, 0, 1), (1, 1, 2), 2, conv),
        ]
    valid = [c for c in cases if all(o >= 1 for o in c.output)]
    ids = [c.id for c in valid]
    assert len(ids) == len(set(ids))
    return valid


GRID = _grid()
GRID_IDS = [c.id for c in GRID]


# ---------------------------------------------------------------------------
# Values, derivations and torch results, cached per case
# ---------------------------------------------------------------------------


@functools.cache
def _derive(case: Case) -> symderiv.Derivation:
    return case.spec().derive()


@functools.cache
def _arrays(case: Case) -> dict[str, np.ndarray]:
    return random_arrays(case.shapes, "torch " + case.id)


def _derived(case: Case, tensor: str) -> np.ndarray:
    return derived_array(_derive(case), tensor, case.shapes[tensor], symbol_values(_arrays(case)))


def _flip_dims(case: Case) -> list[int]:
    return list(range(2, 2 + case.ndim))


@functools.cache
def _torch(case: Case) -> dict[str, np.ndarray]:
    arr = _arrays(case)
    a, k, b = (torch.tensor(arr[x], dtype=torch.float64, requires_grad=True) for x in "AKb")
    weight = k.flip(_flip_dims(case)) if case.convention == "convolution" else k
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[case.ndim]
    z = conv(
        a,
        weight,
        b,
        stride=case.stride,
        padding=case.padding,
        dilation=case.dilation,
        groups=case.groups,
    )
    assert z.dtype == torch.float64
    assert tuple(z.shape) == case.shapes["Z"]
    z.backward(torch.tensor(arr["D"], dtype=torch.float64))
    return {
        "Z": z.detach().numpy(),
        "A": a.grad.numpy(),
        "K": k.grad.numpy(),
        "b": b.grad.numpy(),
    }


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------


def test_grid_is_a_three_wise_covering_of_every_axis():
    per_dim = {
        ndim: {
            (c.stride[0], c.padding[0], c.dilation[0], c.groups, c.convention)
            for c in GRID
            if (c.input, c.kernel) == SHAPES[ndim][:2]
        }
        for ndim in SHAPES
    }
    needed = set().union(*map(_triples, itertools.product(*AXES)))
    for ndim, combos in per_dim.items():
        assert len(combos) == len(COVERING), ndim
        assert set().union(*map(_triples, combos)) == needed, ndim


@pytest.mark.parametrize("tensor", ["Z", "K", "b", "A"])
@pytest.mark.parametrize("case", GRID, ids=GRID_IDS)
def test_derivation_matches_torch_autograd(case, tensor):
    np.testing.assert_allclose(_derived(case, tensor), _torch(case)[tensor], rtol=0, atol=TOL)


@pytest.mark.parametrize("case", GRID, ids=GRID_IDS)
def test_convention_matters(case):
    """The derived forward pass tells the two conventions apart whenever the
    kernel is not symmetric (guards against a flip being ignored on both sides)."""
    arr = _arrays(case)
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[case.ndim]
    k = torch.tensor(arr["K"])
    other = k if case.convention == "convolution" else k.flip(_flip_dims(case))
    z_other = conv(
        torch.tensor(arr["A"]),
        other,
        torch.tensor(arr["b"]),
        stride=case.stride,
        padding=case.padding,
        dilation=case.dilation,
        groups=case.groups,
    ).numpy()
    z = _derived(case, "Z")
    if math.prod(case.kernel) == 1:
        np.testing.assert_allclose(z, z_other, rtol=0, atol=TOL)
    else:
        assert np.abs(z - z_other).max() > 1e-6


NN_GRAD = [
    _case(2, (4, 4), (2, 2), (1, 1, 1), 1, 0, 1, 1, "correlation"),
    _case(2, (4, 4), (2, 2), (2, 2, 3), 1, 0, 1, 1, "convolution"),
    _case(2, (6, 5), (2, 3), (2, 4, 2), 2, 1, 1, 2, "correlation"),
    _case(2, (7, 6), (3, 2), (1, 2, 4), (3, 2), (2, 1), (2, 1), 2, "convolution"),
]


@pytest.mark.parametrize("case", NN_GRAD, ids=[c.id for c in NN_GRAD])
def test_derivation_matches_torch_nn_grad(case):
    arr = _arrays(case)
    a, k, d = (torch.tensor(arr[x], dtype=torch.float64) for x in "AKD")
    flip = case.convention == "convolution"
    weight = k.flip(_flip_dims(case)) if flip else k
    options = {
        "stride": case.stride,
        "padding": case.padding,
        "dilation": case.dilation,
        "groups": case.groups,
    }
    dk = torch.nn.grad.conv2d_weight(a, weight.shape, d, **options)
    if flip:
        dk = dk.flip(_flip_dims(case))
    da = torch.nn.grad.conv2d_input(a.shape, weight, d, **options)
    np.testing.assert_allclose(_derived(case, "K"), dk.numpy(), rtol=0, atol=TOL)
    np.testing.assert_allclose(_derived(case, "A"), da.numpy(), rtol=0, atol=TOL)
    np.testing.assert_allclose(_derived(case, "b"), arr["D"].sum(axis=(0, 2, 3)), rtol=0, atol=TOL)
