"""symderiv's derived expansions of transposed convolutions against PyTorch autograd.

For every layer of the grid the same random float64 values are given to the
symbols of the derivation and to torch tensors;
Z = F.conv_transpose{1,2,3}d(A, K', b, stride, padding, output_padding, groups,
dilation) is computed with K' = K for the "correlation" convention and K' = K
flipped on every spatial axis for "convolution" (the flip is part of the
autograd graph, so K.grad is the gradient with respect to the unflipped K).
Z.backward(D) gives A.grad, K.grad and b.grad; each derived element is
evaluated from its terms and compared with torch to 1e-12, every index of Z,
K, b and A must be derived exactly once, and the spec's output size must be
torch's.

The grid is, for each of conv_transpose1d, 2d and 3d, a 3-wise covering array
of stride {1,2,3} x padding {0,1,2} x dilation {1,2} x groups {1,2} x
output_padding {0,1,2} x convention, restricted to the valid combinations
(output_padding smaller than the stride or the dilation): every valid
combination of values of any three of those axes occurs. An axis of the base
input is lengthened only when the output would otherwise be empty. Extra
cases cover per-axis settings, kernels of size 1, three and four groups.

Roles swapped: a transposed convolution is the adjoint of the direct
convolution of D with K, so for 2-D layers its forward pass is
torch.nn.grad.conv2d_input, its kernel gradient is torch.nn.grad.conv2d_weight
and its input gradient is F.conv2d(D, K', None, stride, padding, dilation,
groups), whose spatial size is H + output_padding // stride, trimmed to H.
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
OUTPUT_PADDINGS = (0, 1, 2)
AXES = (STRIDES, PADDINGS, DILATIONS, GROUPS, OUTPUT_PADDINGS, CONVENTIONS)


def _transposed_size(h: int, k: int, s: int, p: int, d: int, op: int) -> int:
    """PyTorch's documented output size of a transposed convolution on one axis."""
    return (h - 1) * s - 2 * p + d * (k - 1) + op + 1


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
    output_padding: tuple[int, ...]
    groups: int
    convention: str

    def _per_axis(self):
        return zip(
            self.input,
            self.kernel,
            self.stride,
            self.padding,
            self.dilation,
            self.output_padding,
            strict=True,
        )

    @property
    def output(self) -> tuple[int, ...]:
        return tuple(_transposed_size(*axis) for axis in self._per_axis())

    @property
    def shapes(self) -> dict[str, tuple[int, ...]]:
        return {
            "A": (self.batch, self.in_channels, *self.input),
            "K": (self.in_channels, self.out_channels // self.groups, *self.kernel),
            "b": (self.out_channels,),
            "D": (self.batch, self.out_channels, *self.output),
            "Z": (self.batch, self.out_channels, *self.output),
        }

    @property
    def id(self) -> str:
        def axes(values: tuple[int, ...]) -> str:
            return str(values[0]) if len(set(values)) == 1 else "x".join(map(str, values))

        return (
            f"convT{self.ndim}d-in{'x'.join(map(str, self.input))}"
            f"-k{'x'.join(map(str, self.kernel))}-n{self.batch}c{self.in_channels}"
            f"m{self.out_channels}-s{axes(self.stride)}-p{axes(self.padding)}"
            f"-d{axes(self.dilation)}-op{axes(self.output_padding)}-g{self.groups}"
            f"-{self.convention[:4]}"
        )

    @property
    def options(self) -> dict:
        """Keyword arguments of F.conv_transpose{1,2,3}d besides input, weight and bias."""
        return {
            "stride": self.stride,
            "padding": self.padding,
            "output_padding": self.output_padding,
            "groups": self.groups,
            "dilation": self.dilation,
        }

    def spec(self) -> symderiv.ConvSpec:
        make = {
            1: symderiv.conv_transpose1d,
            2: symderiv.conv_transpose2d,
            3: symderiv.conv_transpose3d,
        }[self.ndim]
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
            output_padding=self.output_padding,
        )


def _case(ndim, input, kernel, channels, stride, padding, dilation, op, groups, convention):
    """A case; scalar settings apply to every axis, and an axis of the input is
    lengthened (only) while the output on that axis would be empty."""

    def per_axis(v):
        return tuple(v) if isinstance(v, tuple) else (v,) * ndim

    stride, padding, dilation, op = map(per_axis, (stride, padding, dilation, op))
    fitted = []
    for axis, (h, k) in enumerate(zip(input, kernel, strict=True)):
        settings = (stride[axis], padding[axis], dilation[axis], op[axis])
        while _transposed_size(h, k, *settings) < 1:
            h += 1
        fitted.append(h)
    return Case(
        ndim,
        tuple(fitted),
        tuple(kernel),
        *channels,
        stride,
        padding,
        dilation,
        op,
        groups,
        convention,
    )


def _valid(combo: tuple) -> bool:
    s, _, d, _, op, _ = combo
    return op < s or op < d


def _triples(combo: tuple) -> set:
    return {
        tuple((i, combo[i]) for i in axes) for axes in itertools.combinations(range(len(AXES)), 3)
    }


VALID_COMBOS = [c for c in itertools.product(*AXES) if _valid(c)]
NEEDED_TRIPLES = set().union(*map(_triples, VALID_COMBOS))


def _covering_array() -> list[tuple]:
    """Greedy 3-wise covering of the valid combinations of AXES: repeatedly take the
    combination that covers the most not-yet-covered value triples (ties: first in
    product order)."""
    uncovered = set(NEEDED_TRIPLES)
    chosen = []
    while uncovered:
        best = max(VALID_COMBOS, key=lambda c: len(_triples(c) & uncovered))
        chosen.append(best)
        uncovered -= _triples(best)
    return chosen


# Per dimension: base input, kernel and (batch, in_channels, out_channels) per group count.
SHAPES = {
    1: ((4,), (3,), {1: (2, 2, 3), 2: (2, 4, 2)}),
    2: ((3, 2), (2, 3), {1: (2, 2, 2), 2: (1, 2, 4)}),
    3: ((2, 2, 2), (2, 2, 2), {1: (1, 1, 1), 2: (1, 2, 2)}),
}
COVERING = _covering_array()


COVERING_CASES = {
    ndim: [
        _case(ndim, inp, ker, channels[g], s, p, d, op, g, conv)
        for s, p, d, g, op, conv in COVERING
    ]
    for ndim, (inp, ker, channels) in SHAPES.items()
}


def _grid() -> list[Case]:
    cases = [case for ndim in SHAPES for case in COVERING_CASES[ndim]]
    for conv in CONVENTIONS:
        cases += [
            # the plain layer, and a 1x1 kernel with stride and output padding
            _case(2, (3, 3), (2, 2), (1, 1, 1), 1, 0, 1, 0, 1, conv),
            _case(2, (3, 2), (1, 1), (2, 2, 3), 2, 0, 1, 1, 1, conv),
            # per-axis stride, padding, dilation and output padding
            _case(2, (3, 4), (3, 2), (1, 2, 2), (2, 3), (1, 0), (1, 2), (1, 2), 1, conv),
            _case(2, (2, 3), (2, 1), (1, 3, 6), (1, 2), (2, 0), (2, 1), (1, 1), 3, conv),
            _case(1, (5,), (4,), (1, 4, 8), 3, 2, 2, 2, 4, conv),
            _case(1, (3,), (2,), (3, 1, 2), 1, 1, 2, 1, 1, conv),
            _case(
                3,
                (2, 3, 2),
                (2, 1, 3),
                (1, 2, 4),
                (1, 2, 3),
                (0, 1, 2),
                (2, 1, 1),
                (1, 1, 2),
                2,
                conv,
            ),
        ]
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids))
    return cases


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
    return random_arrays(case.shapes, "torch transposed " + case.id)


@functools.cache
def _symbol_values(case: Case) -> dict[str, float]:
    return symbol_values(_arrays(case))


def _derived(case: Case, tensor: str) -> np.ndarray:
    return derived_array(_derive(case), tensor, case.shapes[tensor], _symbol_values(case))


def _flip_dims(case: Case) -> list[int]:
    return list(range(2, 2 + case.ndim))


def _conv_transpose(case: Case):
    return {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}[case.ndim]


@functools.cache
def _torch(case: Case) -> dict[str, np.ndarray]:
    arr = _arrays(case)
    a, k, b = (torch.tensor(arr[x], dtype=torch.float64, requires_grad=True) for x in "AKb")
    weight = k.flip(_flip_dims(case)) if case.convention == "convolution" else k
    z = _conv_transpose(case)(a, weight, b, **case.options)
    assert z.dtype == torch.float64
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


def test_grid_is_a_three_wise_covering_of_every_valid_combination():
    assert all(_valid(c) for c in COVERING)
    assert set().union(*map(_triples, COVERING)) == NEEDED_TRIPLES
    # every value of every axis, and output_padding >= stride (allowed by a larger dilation)
    for position, values in enumerate(AXES):
        assert {c[position] for c in COVERING} == set(values)
    assert any(op >= s for s, _, _, _, op, _ in COVERING)
    for ndim, cases in COVERING_CASES.items():
        assert all(case in GRID for case in cases)
        combos = [
            (c.stride[0], c.padding[0], c.dilation[0], c.groups, c.output_padding[0], c.convention)
            for c in cases
        ]
        assert combos == COVERING, ndim
        # an axis of the base input is lengthened only as far as a non-empty output needs
        base = SHAPES[ndim][0]
        for c in cases:
            for axis, (h, k, s, p, d, op) in enumerate(c._per_axis()):
                assert h == base[axis] or _transposed_size(h - 1, k, s, p, d, op) < 1, c.id
        assert sum(c.input == base for c in cases) >= len(cases) - 3, ndim


@pytest.mark.parametrize("case", GRID, ids=GRID_IDS)
def test_output_size_and_shapes_match_torch(case):
    spec = case.spec()
    z = _torch(case)["Z"]
    assert spec.transposed
    assert spec.output == case.output == tuple(z.shape[2:])
    torch_shapes = {"Z": z.shape, "D": z.shape, **{x: _torch(case)[x].shape for x in "AKb"}}
    assert spec.shapes() == {x: tuple(shape) for x, shape in torch_shapes.items()}


@pytest.mark.parametrize("tensor", ["Z", "K", "b", "A"])
@pytest.mark.parametrize("case", GRID, ids=GRID_IDS)
def test_derivation_matches_torch_autograd(case, tensor):
    np.testing.assert_allclose(_derived(case, tensor), _torch(case)[tensor], rtol=0, atol=TOL)


@pytest.mark.parametrize("case", GRID, ids=GRID_IDS)
def test_derivation_has_exactly_the_four_tensors(case):
    deriv = _derive(case)
    assert {e.tensor for e in deriv.forward} == {"Z"}
    assert {g.tensor for g in deriv.gradients} == {"K", "b", "A"}
    for tensor, elements in [("Z", deriv.forward)] + [(x, deriv.gradients_of(x)) for x in "KbA"]:
        assert len(elements) == math.prod(case.shapes[tensor]), tensor


def _reaches_output(case: Case) -> bool:
    """Whether any A*K product lands inside the output: input i meets kernel tap p
    at full-output position s*i + d*p, which is kept when it lies in [pad, pad + Ho)."""
    return all(
        any(0 <= s * i + d * p - pad < o for i, p in itertools.product(range(h), range(k)))
        for (h, k, s, pad, d, _), o in zip(case._per_axis(), case.output, strict=True)
    )


@pytest.mark.parametrize("case", GRID, ids=GRID_IDS)
def test_convention_matters(case):
    """The derived forward pass tells the two conventions apart whenever the
    kernel is not a single tap and some product reaches the output (guards
    against a flip being ignored on both sides)."""
    arr = _arrays(case)
    k = torch.tensor(arr["K"])
    other = k if case.convention == "convolution" else k.flip(_flip_dims(case))
    z_other = _conv_transpose(case)(
        torch.tensor(arr["A"]), other, torch.tensor(arr["b"]), **case.options
    ).numpy()
    z = _derived(case, "Z")
    if math.prod(case.kernel) == 1 or not _reaches_output(case):
        np.testing.assert_allclose(z, z_other, rtol=0, atol=TOL)
    else:
        assert np.abs(z - z_other).max() > 1e-6


def test_grid_mostly_reaches_the_output():
    reached = [_reaches_output(c) for c in GRID]
    assert sum(reached) >= len(GRID) - 2
    assert not all(reached)  # the layer whose output holds only the bias is in the grid


def test_spec_accepts_exactly_the_layers_torch_accepts():
    """output_padding must be smaller than the stride or the dilation, and the output
    must not be empty: symderiv raises SpecError exactly when torch refuses the layer,
    and otherwise agrees with torch on the output size."""
    checked = rejected = 0
    for h, k, s, d, p, op in itertools.product(
        (1, 2, 3), (1, 2, 3), (1, 2, 3), (1, 2, 3), (0, 1, 2, 3), (0, 1, 2, 3)
    ):
        a = torch.zeros(1, 1, h, dtype=torch.float64)
        w = torch.zeros(1, 1, k, dtype=torch.float64)
        try:
            expected = tuple(F.conv_transpose1d(a, w, None, s, p, op, 1, d).shape[2:])
        except RuntimeError:
            expected = None
        try:
            got = symderiv.conv_transpose1d(
                input=h, kernel=k, stride=s, padding=p, dilation=d, output_padding=op
            ).output
        except symderiv.SpecError:
            got = None
        assert got == expected, (h, k, s, d, p, op)
        checked += 1
        rejected += expected is None
    assert 0 < rejected < checked


NN_GRAD = [
    _case(2, (3, 3), (2, 2), (1, 1, 1), 1, 0, 1, 0, 1, "correlation"),
    _case(2, (3, 4), (2, 3), (2, 2, 3), 2, 1, 1, 1, 1, "convolution"),
    _case(2, (4, 3), (3, 2), (2, 4, 2), 3, (2, 1), 1, (2, 1), 2, "correlation"),
    # output_padding >= stride on an axis (allowed by the dilation): conv2d(D, K) is
    # one longer than A on that axis.
    _case(2, (3, 4), (2, 2), (1, 2, 4), (1, 2), 1, (2, 1), (1, 1), 2, "convolution"),
    _case(2, (3, 3), (3, 2), (1, 2, 2), 1, 0, 2, 1, 1, "correlation"),
]


def _direct_size(case: Case) -> tuple[int, ...]:
    """Spatial size of conv2d(D, K): floor(((H-1)s + op)/s) + 1 = H + op // s per axis."""
    sizes = zip(case.input, case.output_padding, case.stride, strict=True)
    return tuple(h + op // s for h, op, s in sizes)


def test_nn_grad_cases_include_a_trimmed_direct_convolution():
    assert any(_direct_size(c) != c.input for c in NN_GRAD)
    assert any(_direct_size(c) == c.input for c in NN_GRAD)


@pytest.mark.parametrize("case", NN_GRAD, ids=[c.id for c in NN_GRAD])
def test_roles_swapped_direct_convolution_of_d(case):
    """A transposed convolution is the adjoint of the direct convolution of D with K:
    <D, conv_transpose2d(A, K)> == <conv2d(D, K), A>, where conv2d(D, K) has spatial size
    H + output_padding // stride per axis and A is taken as zero beyond H. Hence

        Z - b = conv2d_input(Z.shape, K, A+)     dE/dK = conv2d_weight(D, K.shape, A+)
        dE/dA = conv2d(D, K)[..., :H, :W]        dE/db = sum of D over n, y, x

    with A+ = A zero-padded at the end of each axis to conv2d(D, K)'s size."""
    arr = _arrays(case)
    a, k, b, d = (torch.tensor(arr[x], dtype=torch.float64) for x in "AKbD")
    flip = case.convention == "convolution"
    weight = k.flip(_flip_dims(case)) if flip else k
    options = {
        "stride": case.stride,
        "padding": case.padding,
        "dilation": case.dilation,
        "groups": case.groups,
    }
    h, w = case.input

    direct = F.conv2d(d, weight, None, **options)
    assert tuple(direct.shape) == (case.batch, case.in_channels, *_direct_size(case))
    np.testing.assert_allclose(_derived(case, "A"), direct[..., :h, :w].numpy(), rtol=0, atol=TOL)

    a_plus = F.pad(a, (0, direct.shape[3] - w, 0, direct.shape[2] - h))
    z = torch.nn.grad.conv2d_input(d.shape, weight, a_plus, **options) + b.view(1, -1, 1, 1)
    np.testing.assert_allclose(_derived(case, "Z"), z.numpy(), rtol=0, atol=TOL)

    dk = torch.nn.grad.conv2d_weight(d, weight.shape, a_plus, **options)
    if flip:
        dk = dk.flip(_flip_dims(case))
    np.testing.assert_allclose(_derived(case, "K"), dk.numpy(), rtol=0, atol=TOL)
    np.testing.assert_allclose(_derived(case, "b"), arr["D"].sum(axis=(0, 2, 3)), rtol=0, atol=TOL)

    # the adjoint identity itself, on the random values
    lhs = (d * (z - b.view(1, -1, 1, 1))).sum()
    rhs = (direct * a_plus).sum()
    assert abs(float(lhs - rhs)) < 1e-10
