"""Closed forms: the operators against independent numpy code, and the exact proofs."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

import symderiv
from symderiv.formulas import operators as ops
from symderiv.render.printing import SheetTextPrinter


def _numeric(arr: np.ndarray, values: dict) -> np.ndarray:
    return np.vectorize(lambda e: float(sympy.sympify(e).subs(values)), otypes=[float])(arr)


def _symbols(name: str, shape: tuple[int, ...]) -> np.ndarray:
    flat = [sympy.Symbol(f"{name}{i}") for i in range(int(np.prod(shape)))]
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    return out.reshape(shape)


def _matlab_conv2_full(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """MATLAB conv2(x, y, 'full') as the sum of shifted copies of x scaled by y."""
    out = np.zeros((x.shape[0] + y.shape[0] - 1, x.shape[1] + y.shape[1] - 1))
    for i in range(y.shape[0]):
        for j in range(y.shape[1]):
            out[i : i + x.shape[0], j : j + x.shape[1]] += y[i, j] * x
    return out


@pytest.mark.parametrize(("xs", "ys"), [((4, 4), (2, 2)), ((3, 5), (2, 3)), ((5, 3), (1, 1))])
def test_conv_full_and_valid_match_numpy(xs, ys):
    rng = np.random.default_rng(1)
    X, Y = _symbols("x", xs), _symbols("y", ys)
    xv, yv = rng.normal(size=xs), rng.normal(size=ys)
    values = dict(zip(X.ravel(), xv.ravel(), strict=True))
    values.update(dict(zip(Y.ravel(), yv.ravel(), strict=True)))
    full = _matlab_conv2_full(xv, yv)
    np.testing.assert_allclose(_numeric(ops.conv(X, Y, "full"), values), full, atol=1e-12)
    valid = full[ys[0] - 1 : xs[0], ys[1] - 1 : xs[1]]
    np.testing.assert_allclose(_numeric(ops.conv(X, Y, "valid"), values), valid, atol=1e-12)


def test_conv_1d_matches_numpy_convolve():
    rng = np.random.default_rng(2)
    X, Y = _symbols("x", (6,)), _symbols("y", (3,))
    xv, yv = rng.normal(size=6), rng.normal(size=3)
    values = dict(zip(list(X) + list(Y), list(xv) + list(yv), strict=True))
    for mode in ("full", "valid"):
        got = _numeric(ops.conv(X, Y, mode), values)
        np.testing.assert_allclose(got, np.convolve(xv, yv, mode), atol=1e-12)


def test_rot180_pad_zero_insert_crop():
    X = np.arange(6).reshape(2, 3)
    assert ops.rot180(X).tolist() == [[5, 4, 3], [2, 1, 0]]
    assert ops.pad(X, (1, 0), (0, 2)).tolist() == [
        [0, 0, 0, 0, 0],
        [0, 1, 2, 0, 0],
        [3, 4, 5, 0, 0],
    ]
    assert ops.zero_insert(X, (2, 2)).tolist() == [
        [0, 0, 1, 0, 2],
        [0, 0, 0, 0, 0],
        [3, 0, 4, 0, 5],
    ]
    assert ops.crop(ops.pad(X, (1, 1)), (1, 1)).tolist() == X.tolist()


def test_conv2_with_rot180_valid_is_cross_correlation():
    # conv2(X, rot180(Y), 'valid') = X ⋆ Y: the identity the conventions table rests on.
    X, Y = _symbols("x", (5, 4)), _symbols("y", (2, 3))
    lhs = ops.conv(X, ops.rot180(Y), "valid")
    rhs = ops.xcorr(X, Y)
    assert lhs.shape == rhs.shape == (4, 2)
    assert all(sympy.expand(a - b) == 0 for a, b in zip(lhs.ravel(), rhs.ravel(), strict=True))
    assert rhs[0, 0] == sympy.Add(*(X[p, q] * Y[p, q] for p in range(2) for q in range(3)))


def _verdicts(d):
    return [(c.of, c.formula.text(), c.stated_in, c.holds, c.failures) for c in d.closed_forms]


def test_correlation_layer_verdicts(classic):
    assert _verdicts(classic) == [
        ("K", "conv2(A, rot180(D), 'valid')", "correlation", True, 0),
        ("b", "sum(D)", "both", True, 0),
        ("A", "conv2(D, K, 'full')", "correlation", True, 0),
        ("K", "rot180(conv2(A, rot180(D), 'valid'))", "convolution", False, 4),
        ("A", "conv2(D, rot180(K), 'full')", "convolution", False, 16),
    ]
    assert classic.verified


def test_wrong_convention_is_refuted_at_K00_with_both_sides(classic):
    check = classic.closed_forms[3]
    assert check.first_failure is not None
    assert check.first_failure.index == (0, 0, 0, 0)
    printer = SheetTextPrinter(classic.notation)
    from symderiv.core.chain import to_terms

    assert printer.sum(to_terms(check.first_failure.derived)) == (
        "A00·D00 + A01·D01 + A02·D02 + A10·D10 + A11·D11 + A12·D12 + A20·D20 + A21·D21 + A22·D22"
    )
    # The rot180-outside formula gives K'11's expansion at K00.
    assert printer.sum(to_terms(check.first_failure.closed)) == (
        "A11·D00 + A12·D01 + A13·D02 + A21·D10 + A22·D11 + A23·D12 + A31·D20 + A32·D21 + A33·D22"
    )


def test_convolution_layer_verdicts(classic_convolution):
    assert _verdicts(classic_convolution) == [
        ("K", "rot180(conv2(A, rot180(D), 'valid'))", "convolution", True, 0),
        ("b", "sum(D)", "both", True, 0),
        ("A", "conv2(D, rot180(K), 'full')", "convolution", True, 0),
        ("K", "conv2(A, rot180(D), 'valid')", "correlation", False, 4),
        ("A", "conv2(D, K, 'full')", "correlation", False, 16),
    ]


def test_one_by_one_kernel_both_conventions_coincide():
    # rot180 of a 1×1 kernel is itself, so the other convention's formulas hold too.
    d = symderiv.conv2d(input=(3, 3), kernel=(1, 1)).derive()
    assert all(c.holds for c in d.closed_forms)


@pytest.mark.parametrize("convention", ["correlation", "convolution"])
def test_channels_and_batch_sum_in_the_closed_forms(convention):
    d = symderiv.conv2d(
        input=(3, 4),
        kernel=(2, 2),
        in_channels=2,
        out_channels=3,
        batch=2,
        convention=convention,
    ).derive()
    own = [c for c in d.closed_forms if c.stated_in in (convention, "both")]
    assert [c.holds for c in own] == [True, True, True]
    assert [c.checked for c in own] == [3 * 2 * 2 * 2, 3, 2 * 2 * 3 * 4]
    other = [c for c in d.closed_forms if c.stated_in not in (convention, "both")]
    assert [c.holds for c in other] == [False, False]
    # dE/dK[m,c] sums over the batch: 2 images × 2×3 outputs = 12 terms.
    assert len(d.gradient("K", (2, 1, 0, 0)).terms) == 12
    # dE/db[m] sums over batch and space.
    assert len(d.gradient("b", (1,)).terms) == 2 * 2 * 3


def test_verification_detects_a_tampered_closed_form(classic):
    # A closed form that is wrong at one element only must be caught there.
    from symderiv.core.layer import Claim
    from symderiv.core.prove import check_claim
    from symderiv.formulas.nodes import Conv, Rot180, Var

    tensors = {t.letter: t for t in classic.tensors}
    grads = list(classic.gradients)
    i = next(k for k, g in enumerate(grads) if g.tensor == "K" and g.index == (0, 0, 1, 0))
    g = grads[i]
    grads[i] = type(g)(
        g.tensor, g.index, g.terms[:-1], sympy.Add(*(t.expr() for t in g.terms[:-1]))
    )
    claim = Claim("K", Conv(Var("A"), Rot180(Var("D")), "valid"), "correlation")
    result = check_claim(classic.spec, claim, tensors, tuple(grads))
    assert not result.holds
    assert result.failures == 1
    assert result.first_failure.index == (0, 0, 1, 0)


def test_to_terms_expands_products_of_sums_and_repeats_powers():
    from symderiv.core.chain import to_terms

    a, b, d = (sympy.Symbol(n) for n in ("A[0,0,0,0]", "A[0,0,0,1]", "D[0,0,0,0]"))
    assert [(t.coeff, t.factors) for t in to_terms(d * (a + b))] == [(1, (a, d)), (1, (b, d))]
    assert [(t.coeff, t.factors) for t in to_terms(2 * a**2 * d)] == [(2, (a, a, d))]
