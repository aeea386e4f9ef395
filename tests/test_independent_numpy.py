"""An independent, vectorised numpy implementation of a convolution layer, and
the symbolic derivations of symderiv checked against it.

Nothing here comes from ``symderiv.reference``: the forward pass and the
kernel gradient are einsum contractions over strided windows of the padded
input (``sliding_window_view``), and the input gradient is the transposed
convolution written as a correlation — the delta is dilated by the stride,
zero-padded by the dilated kernel reach and correlated with the flipped
kernel — then cropped back to the unpadded input. Before it is used as a
reference, the implementation is itself checked against hand-computed values
and against the adjoint identities <D, Z(A, K)> = <dA, A> = <dK, K>.

Every symbol of a derivation (``A[n,c,...]``, ``K[o,c,...]``, ``b[o]``,
``D[n,o,...]``) is given a random float64 value from this file's own RNG,
each derived element is evaluated from its terms (sum of coeff * product of
factors) and compared with the numpy result to 1e-12.
"""

from __future__ import annotations

import functools
import itertools
import zlib
from typing import NamedTuple

import numpy as np
import pytest
import sympy
from numpy.lib.stride_tricks import sliding_window_view

import symderiv

from .evaluation import evaluate, symbol_values

TOL = 1e-12

SPATIAL = "uvw"  # einsum letters of the output (or padded-input) positions
TAPS = "pqr"  # einsum letters of the kernel taps


# ---------------------------------------------------------------------------
# The independent implementation
# ---------------------------------------------------------------------------


def _pad(x: np.ndarray, padding: tuple[int, ...]) -> np.ndarray:
    return np.pad(x, [(0, 0), (0, 0), *((p, p) for p in padding)])


def _windows(
    x: np.ndarray, kernel: tuple[int, ...], stride: tuple[int, ...], dilation: tuple[int, ...]
) -> np.ndarray:
    """View of ``x`` (N, C, *S) as (N, C, *out, *kernel) with
    ``view[n, c, u..., p...] == x[n, c, s*u + d*p ...]``."""
    nd = len(kernel)
    reach = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True))
    win = sliding_window_view(x, reach, axis=tuple(range(2, 2 + nd)))
    index = (
        slice(None),
        slice(None),
        *(slice(None, None, s) for s in stride),
        *(slice(None, None, d) for d in dilation),
    )
    return win[index]


def _flip(k: np.ndarray) -> np.ndarray:
    """Reverse every spatial axis of a kernel (M, C, *kernel)."""
    return np.flip(k, axis=tuple(range(2, k.ndim)))


class Layer(NamedTuple):
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    dilation: tuple[int, ...]
    groups: int
    convention: str

    def effective(self, k: np.ndarray) -> np.ndarray:
        """The kernel that is correlated with the input."""
        return _flip(k) if self.convention == "convolution" else k

    def forward(self, a: np.ndarray, k: np.ndarray, b: np.ndarray) -> np.ndarray:
        n, c = a.shape[:2]
        m, nd, g = k.shape[0], k.ndim - 2, self.groups
        win = _windows(_pad(a, self.padding), k.shape[2:], self.stride, self.dilation)
        win = win.reshape(n, g, c // g, *win.shape[2:])
        kg = self.effective(k).reshape(g, m // g, *k.shape[1:])
        sp, tp = SPATIAL[:nd], TAPS[:nd]
        z = np.einsum(f"ngc{sp}{tp},gmc{tp}->ngm{sp}", win, kg)
        z = z.reshape(n, m, *z.shape[3:])
        return z + b.reshape(m, *(1,) * nd)

    def backward(
        self, a: np.ndarray, k: np.ndarray, d: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(dE/dA, dE/dK, dE/db) given the delta ``d`` = dE/dZ."""
        n, c = a.shape[:2]
        m, nd, g = k.shape[0], k.ndim - 2, self.groups
        kernel, out = k.shape[2:], d.shape[2:]
        sp, tp = SPATIAL[:nd], TAPS[:nd]
        dg = d.reshape(n, g, m // g, *out)

        db = d.sum(axis=(0, *range(2, 2 + nd)))

        win = _windows(_pad(a, self.padding), kernel, self.stride, self.dilation)
        win = win.reshape(n, g, c // g, *win.shape[2:])
        dk_eff = np.einsum(f"ngc{sp}{tp},ngm{sp}->gmc{tp}", win, dg).reshape(k.shape)
        dk = self.effective(dk_eff)  # flipping is its own inverse

        # Input gradient as a transposed convolution: dilate the delta by the
        # stride, pad it by the kernel reach, correlate with the flipped kernel.
        padded = tuple(h + 2 * p for h, p in zip(a.shape[2:], self.padding, strict=True))
        span = tuple(s * (o - 1) + 1 for s, o in zip(self.stride, out, strict=True))
        dilated = np.zeros((n, m, *span))
        dilated[(slice(None), slice(None), *(slice(None, None, s) for s in self.stride))] = d
        border = [
            (dl * (kk - 1), hp - sp_len)
            for dl, kk, hp, sp_len in zip(self.dilation, kernel, padded, span, strict=True)
        ]
        e = np.pad(dilated, [(0, 0), (0, 0), *border])
        win2 = _windows(e, kernel, (1,) * nd, self.dilation)
        assert win2.shape[2 : 2 + nd] == padded
        win2 = win2.reshape(n, g, m // g, *win2.shape[2:])
        kflip = _flip(self.effective(k)).reshape(g, m // g, *k.shape[1:])
        da_pad = np.einsum(f"ngm{sp}{tp},gmc{tp}->ngc{sp}", win2, kflip).reshape(n, c, *padded)
        crop = tuple(slice(p, p + h) for p, h in zip(self.padding, a.shape[2:], strict=True))
        da = da_pad[(slice(None), slice(None), *crop)]
        return da, dk, db


# ---------------------------------------------------------------------------
# The grid of layers
# ---------------------------------------------------------------------------


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
    def layer(self) -> Layer:
        return Layer(self.stride, self.padding, self.dilation, self.groups, self.convention)

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


# Per dimension: input, kernel and (batch, in_channels, out_channels) per group count.
SHAPES = {
    1: ((7,), (3,), {1: (2, 2, 3), 2: (2, 4, 2)}),
    2: ((4, 5), (2, 3), {1: (1, 2, 2), 2: (1, 2, 2)}),
    3: ((3, 3, 3), (2, 2, 2), {1: (1, 1, 2), 2: (1, 2, 2)}),
}
CONVENTIONS = ("correlation", "convolution")
STRIDES, PADDINGS, DILATIONS, GROUPS = (1, 2, 3), (0, 1, 2), (1, 2), (1, 2)


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


def _grid() -> list[Case]:
    cases = []
    for ndim, (inp, ker, channels) in SHAPES.items():
        axes = itertools.product(STRIDES, PADDINGS, DILATIONS, GROUPS, CONVENTIONS)
        cases += [_case(ndim, inp, ker, channels[g], s, p, d, g, conv) for s, p, d, g, conv in axes]
    # Per-axis strides, paddings and dilations, kernel size 1 along an axis,
    # more groups, and the classic 4x4 input with a 2x2 kernel.
    for conv in CONVENTIONS:
        cases += [
            _case(2, (4, 4), (2, 2), (1, 1, 1), 1, 0, 1, 1, conv),
            _case(2, (4, 4), (2, 2), (2, 2, 2), 1, 0, 1, 1, conv),
            _case(2, (5, 6), (3, 2), (1, 2, 2), (2, 1), (1, 0), (1, 2), 1, conv),
            _case(2, (6, 4), (2, 1), (1, 3, 3), (3, 1), (0, 2), (2, 1), 3, conv),
            _case(1, (9,), (4,), (1, 4, 8), 2, 1, 1, 4, conv),
            _case(1, (5,), (5,), (2, 1, 1), 1, 2, 1, 1, conv),
            _case(3, (3, 4, 2), (2, 3, 1), (1, 2, 2), (1, 2, 1), (1, 0, 1), (1, 1, 2), 2, conv),
        ]
    valid = [c for c in cases if all(o >= 1 for o in c.output)]
    ids = [c.id for c in valid]
    assert len(ids) == len(set(ids))
    return valid


GRID = _grid()


# ---------------------------------------------------------------------------
# Evaluating a derivation
# ---------------------------------------------------------------------------


@functools.cache
def _derive(case: Case) -> symderiv.Derivation:
    return case.spec().derive()


def _shapes(case: Case) -> dict[str, tuple[int, ...]]:
    return {
        "A": (case.batch, case.in_channels, *case.input),
        "K": (case.out_channels, case.in_channels // case.groups, *case.kernel),
        "b": (case.out_channels,),
        "D": (case.batch, case.out_channels, *case.output),
    }


@functools.cache
def _arrays(case: Case) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(zlib.crc32(case.id.encode()))
    return {letter: rng.standard_normal(shape) for letter, shape in _shapes(case).items()}


def _expected(case: Case) -> dict[str, np.ndarray]:
    arr = _arrays(case)
    da, dk, db = case.layer.backward(arr["A"], arr["K"], arr["D"])
    return {"Z": case.layer.forward(arr["A"], arr["K"], arr["b"]), "A": da, "K": dk, "b": db}


# ---------------------------------------------------------------------------
# The implementation checks itself first
# ---------------------------------------------------------------------------


def _classic(convention: str) -> tuple[Layer, np.ndarray, np.ndarray]:
    a = np.arange(1.0, 17.0).reshape(1, 1, 4, 4)  # A[i, j] = 4i + j + 1
    k = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 1, 2, 2)
    return Layer((1, 1), (0, 0), (1, 1), 1, convention), a, k


@pytest.mark.parametrize("convention", CONVENTIONS)
def test_numpy_classic_4x4_by_hand(convention):
    layer, a, k = _classic(convention)
    u, v = np.meshgrid(np.arange(3), np.arange(3), indexing="ij")
    p, q = np.meshgrid(np.arange(2), np.arange(2), indexing="ij")
    z = layer.forward(a, k, np.array([0.5]))[0, 0]
    da, dk, db = layer.backward(a, k, np.ones((1, 1, 3, 3)))
    if convention == "correlation":
        # a + 2(a+1) + 3(a+4) + 4(a+5) with a = 4u + v + 1
        np.testing.assert_array_equal(z, 40 * u + 10 * v + 44.5)
        # sum of the 3x3 block of A at (p, q)
        np.testing.assert_array_equal(dk[0, 0], 9 * (4 * p + q + 6))
        np.testing.assert_array_equal(
            da[0, 0], [[1, 3, 3, 2], [4, 10, 10, 6], [4, 10, 10, 6], [3, 7, 7, 4]]
        )
    else:
        # MATLAB conv2(A, K, 'valid'): 4a + 3(a+1) + 2(a+4) + (a+5)
        np.testing.assert_array_equal(z, 40 * u + 10 * v + 26.5)
        np.testing.assert_array_equal(dk[0, 0], 9 * (11 - 4 * p - q))
        np.testing.assert_array_equal(
            da[0, 0], [[4, 7, 7, 3], [6, 10, 10, 4], [6, 10, 10, 4], [2, 3, 3, 1]]
        )
    np.testing.assert_array_equal(db, [9.0])


@pytest.mark.parametrize("case", GRID, ids=[c.id for c in GRID])
def test_numpy_reference_is_adjoint(case):
    """<D, Z(A, K, 0)> == <dA, A> == <dK, K> and <D, Z(.., b) - Z(.., 0)> == <db, b>."""
    arr = _arrays(case)
    a, k, b, d = arr["A"], arr["K"], arr["b"], arr["D"]
    layer = case.layer
    z0 = layer.forward(a, k, np.zeros_like(b))
    assert z0.shape == d.shape
    da, dk, db = layer.backward(a, k, d)
    assert (da.shape, dk.shape, db.shape) == (a.shape, k.shape, b.shape)
    lhs = np.vdot(d, z0)
    assert np.vdot(da, a) == pytest.approx(lhs, abs=TOL * 100)
    assert np.vdot(dk, k) == pytest.approx(lhs, abs=TOL * 100)
    assert np.vdot(db, b) == pytest.approx(np.vdot(d, layer.forward(a, k, b) - z0), abs=TOL * 100)


# ---------------------------------------------------------------------------
# symderiv against the implementation
# ---------------------------------------------------------------------------


def test_grid_covers_every_axis():
    assert {c.ndim for c in GRID} == {1, 2, 3}
    assert {c.convention for c in GRID} == set(CONVENTIONS)
    assert {s for c in GRID for s in c.stride} == set(STRIDES)
    assert {p for c in GRID for p in c.padding} == set(PADDINGS)
    assert {d for c in GRID for d in c.dilation} == set(DILATIONS)
    assert {c.groups for c in GRID} >= set(GROUPS)
    full = len(STRIDES) * len(PADDINGS) * len(DILATIONS) * len(GROUPS) * len(CONVENTIONS)
    product = {c for c in GRID if (c.input, c.kernel) == SHAPES[c.ndim][:2]}
    assert len(product) == len(SHAPES) * full


@pytest.mark.parametrize("case", GRID, ids=[c.id for c in GRID])
def test_forward_matches_numpy(case):
    deriv = _derive(case)
    assert all(e.tensor == "Z" for e in deriv.forward)
    got = evaluate(
        deriv.forward, (case.batch, case.out_channels, *case.output), symbol_values(_arrays(case))
    )
    np.testing.assert_allclose(got, _expected(case)["Z"], rtol=0, atol=TOL)


@pytest.mark.parametrize("tensor", ["K", "b", "A"])
@pytest.mark.parametrize("case", GRID, ids=[c.id for c in GRID])
def test_gradient_matches_numpy(case, tensor):
    deriv = _derive(case)
    assert {g.tensor for g in deriv.gradients} == {"K", "b", "A"}
    elements = [g for g in deriv.gradients if g.tensor == tensor]
    got = evaluate(elements, _shapes(case)[tensor], symbol_values(_arrays(case)))
    np.testing.assert_allclose(got, _expected(case)[tensor], rtol=0, atol=TOL)


@pytest.mark.parametrize("case", GRID, ids=[c.id for c in GRID])
def test_gradient_terms_have_the_right_factors(case):
    """dE/dK terms are A*D, dE/dA terms are K*D, dE/db terms are D alone;
    the forward terms are A*K or b alone."""
    deriv = _derive(case)
    expected = {"K": {("A", "D")}, "A": {("D", "K")}, "b": {("D",)}, "Z": {("A", "K"), ("b",)}}
    for e in (*deriv.forward, *deriv.gradients):
        for t in e.terms:
            letters = tuple(sorted(f.name[0] for f in t.factors))
            assert letters in expected[e.tensor], (e.tensor, e.index, t)


EXACT = [c for c in GRID if c.ndim < 3 and c.padding[0] == 1 and c.stride[0] == 2][:4] + [
    c for c in GRID if c.input == (4, 4)
]


@pytest.mark.parametrize("case", EXACT, ids=[c.id for c in EXACT])
def test_expr_is_the_sum_of_the_terms(case):
    deriv = _derive(case)
    for e in (*deriv.forward, *deriv.gradients):
        total = sympy.Add(*(t.coeff * sympy.Mul(*t.factors) for t in e.terms))
        assert sympy.expand(total - e.expr) == 0, (e.tensor, e.index)


@pytest.mark.parametrize("convention", CONVENTIONS)
def test_classic_4x4_exact_integers(convention):
    """The classic layer with integer values: the derived expressions, substituted
    exactly, equal the numpy results (which are exact for small integers)."""
    layer, a, k = _classic(convention)
    b = np.array([-2.0])
    d = np.arange(9.0).reshape(1, 1, 3, 3) - 4.0
    deriv = symderiv.conv2d(input=(4, 4), kernel=(2, 2), convention=convention).derive()
    values = symbol_values({"A": a, "K": k, "b": b, "D": d})
    da, dk, db = layer.backward(a, k, d)
    expected = {"Z": layer.forward(a, k, b), "A": da, "K": dk, "b": db}
    for e in (*deriv.forward, *deriv.gradients):
        subs = {x: sympy.Integer(int(values[x.name])) for x in e.expr.free_symbols}
        value = e.expr.xreplace(subs)
        assert value.is_Integer, (e.tensor, e.index, value)
        assert int(value) == expected[e.tensor][e.index], (e.tensor, e.index)
