"""The operators the pooling, subsampling and dense layers use, against plain numpy."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from symderiv.formulas import operators as ops
from symderiv.formulas.nodes import (
    Apply,
    Down,
    Hadamard,
    MatMul,
    Number,
    Scale,
    Sum,
    Transpose,
    Up,
    Var,
)


def _num(a: np.ndarray) -> np.ndarray:
    return np.vectorize(float, otypes=[float])(a)


@pytest.fixture
def rng():
    return np.random.default_rng(7)


def test_up_is_the_kronecker_product_with_ones(rng):
    x = rng.integers(-5, 5, (2, 3)).astype(object)
    assert np.array_equal(_num(ops.up(x, (2, 3))), np.kron(x.astype(float), np.ones((2, 3))))


def test_down_sums_blocks_and_refuses_sizes_that_do_not_divide(rng):
    x = rng.integers(-5, 5, (4, 6))
    expected = x.reshape(2, 2, 3, 2).sum(axis=(1, 3))
    assert np.array_equal(_num(ops.down(x.astype(object), (2, 2))), expected)
    with pytest.raises(ValueError, match="do not divide"):
        ops.down(x.astype(object), (3, 4))


def test_matmul_transpose_hadamard_add_against_numpy(rng):
    a, b = rng.integers(-4, 4, (3, 2)), rng.integers(-4, 4, (2, 4))
    assert np.array_equal(_num(ops.matmul(a.astype(object), b.astype(object))), a @ b)
    assert np.array_equal(_num(ops.transpose(a.astype(object))), a.T)
    c = rng.integers(-4, 4, (3, 2))
    assert np.array_equal(_num(ops.hadamard(a.astype(object), c.astype(object))), a * c)
    assert np.array_equal(_num(ops.add(a.astype(object), c.astype(object), -1)), a - c)
    with pytest.raises(ValueError, match="matrix product"):
        ops.matmul(a.astype(object), a.astype(object))


@pytest.mark.parametrize(
    ("formula", "text", "latex"),
    [
        (Scale(Number(sympy.Rational(1, 4)), Up(Var("D"), (2, 2))), "1/4 * up(D, 2)",
         r"\frac{1}{4}\, D \otimes \mathbf{1}_{2 \times 2}"),
        (Down(Var("A"), (2, 3)), "down(A, [2,3])", r"\operatorname{down}_{(2,3)}\left(A\right)"),
        (MatMul(Var("D"), Transpose(Var("A"))), "D @ A^T", r"D\, A^{\mathsf{T}}"),
        (Hadamard(Var("D"), Sum(Var("A"), Var("K"), -1)), "D .* (A - K)",
         r"D \odot \left(A - K\right)"),
        (Scale(Var("beta"), Up(Var("D"), (2, 2))), "beta * up(D, 2)",
         r"\beta\, D \otimes \mathbf{1}_{2 \times 2}"),
    ],
)
def test_new_nodes_print_as_text_and_latex(formula, text, latex):
    assert formula.text() == text
    assert formula.latex({"beta": r"\beta"}) == latex


def test_apply_and_scale_evaluate_exactly():
    x = sympy.Symbol("x")
    a = np.array([[sympy.Integer(1), sympy.Integer(-2)]], dtype=object)
    square = Apply("sq", r"\operatorname{sq}", sympy.Lambda(x, x**2), Var("A"))
    assert square.evaluate({"A": a}).tolist() == [[1, 4]]
    half = Scale(Number(sympy.Rational(1, 2)), Var("A")).evaluate({"A": a})
    assert half.tolist() == [[sympy.Rational(1, 2), -1]]
