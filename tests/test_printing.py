"""Exact printing: symbols in the notes' notation, sums in natural order, row splitting."""

from __future__ import annotations

import pytest
import sympy

import symderiv
from symderiv.core.model import Term
from symderiv.core.symbols import Notation
from symderiv.render.printing import SheetLatexPrinter, SheetTextPrinter, split_rows, term_width


def _notation(**kw) -> Notation:
    return Notation.for_shapes(symderiv.conv2d(**kw).shapes(), 2)


def _s(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


@pytest.mark.parametrize(
    ("layer", "name", "latex"),
    [
        ({}, "A[0,0,0,1]", "A_{01}"),
        ({}, "K[0,0,1,1]", "K_{11}"),
        ({}, "D[0,0,2,2]", "D_{22}"),
        ({}, "b[0]", "b"),
        ({"in_channels": 3}, "A[0,2,1,0]", "A^{(2)}_{10}"),
        ({"in_channels": 3}, "K[0,2,1,0]", "K^{(2)}_{10}"),
        ({"in_channels": 2, "out_channels": 2}, "K[1,0,0,1]", "K^{(1,0)}_{01}"),
        ({"out_channels": 2}, "b[1]", "b^{(1)}"),
        ({"batch": 2, "in_channels": 2}, "A[1,0,3,3]", "A^{(1,0)}_{33}"),
        ({"batch": 2}, "A[1,0,3,3]", "A^{(1)}_{33}"),
        ({"batch": 2, "out_channels": 3}, "D[1,2,0,1]", "D^{(1,2)}_{01}"),
        ({"input": (12, 12), "kernel": (2, 2)}, "A[0,0,1,10]", "A_{1,10}"),
        ({"input": (12, 12), "kernel": (2, 2)}, "K[0,0,1,0]", "K_{1,0}"),
        ({"input": (11, 4), "kernel": (2, 2)}, "A[0,0,10,0]", "A_{10,0}"),
        ({"input": (10, 10), "kernel": (2, 2)}, "A[0,0,9,9]", "A_{99}"),
    ],
)
def test_symbol_latex(layer, name, latex):
    assert SheetLatexPrinter(_notation(**layer))._print(_s(name)) == latex


@pytest.mark.parametrize(
    ("layer", "name", "text"),
    [
        ({}, "A[0,0,0,1]", "A01"),
        ({"in_channels": 2}, "A[0,1,0,1]", "A^(1)_01"),
        ({"input": (12, 12), "kernel": (2, 2)}, "A[0,0,1,10]", "A[1,10]"),
        ({}, "b[0]", "b"),
    ],
)
def test_symbol_text(layer, name, text):
    assert SheetTextPrinter(_notation(**layer))._print(_s(name)) == text


def test_terms_print_in_natural_order_past_nine():
    d = symderiv.conv2d(input=(1, 13), kernel=(1, 2)).derive()
    g = d.gradient("K", (0, 0, 0, 0))
    latex = SheetLatexPrinter(d.notation).sum(g.terms)
    assert latex == " + ".join(f"A_{{0,{j}}} D_{{0,{j}}}" for j in range(12))
    assert latex.index("A_{0,9}") < latex.index("A_{0,10}")


@pytest.mark.parametrize(
    ("coeff", "factors", "latex"),
    [
        (1, ("A[0,0,0,0]", "D[0,0,0,0]"), "A_{00} D_{00}"),
        (2, ("A[0,0,0,0]",), "2 A_{00}"),
        (-1, ("K[0,0,1,1]", "D[0,0,0,0]"), "-K_{11} D_{00}"),
        (sympy.Rational(1, 4), ("D[0,0,0,0]",), r"\frac{1}{4} D_{00}"),
        (3, (), "3"),
    ],
)
def test_term_latex(coeff, factors, latex):
    term = Term(sympy.Rational(coeff), tuple(_s(f) for f in factors))
    assert SheetLatexPrinter(_notation()).term(term) == latex


def test_negative_terms_join_with_minus():
    p = SheetLatexPrinter(_notation())
    terms = [
        Term(sympy.Integer(1), (_s("A[0,0,0,0]"),)),
        Term(sympy.Integer(-1), (_s("A[0,0,0,1]"),)),
    ]
    assert p.sum(terms) == "A_{00} - A_{01}"
    assert p.sum([]) == "0"


def test_term_width_counts_scripts_smaller():
    assert term_width("A_{01} D_{00}") == pytest.approx(2 + 4 * 0.7)
    assert term_width(r"\frac{1}{4}") == 2


def test_split_rows_breaks_before_the_budget():
    parts = ["A_{00} D_{00}"] * 7  # 4.8 + 1.5 = 6.3 units each
    rows = split_rows(parts, budget=20)
    assert rows == [
        "A_{00} D_{00} + A_{00} D_{00} + A_{00} D_{00}",
        "+ A_{00} D_{00} + A_{00} D_{00} + A_{00} D_{00}",
        "+ A_{00} D_{00}",
    ]
    assert split_rows(["-x", "-y"], budget=1) == ["-x", "- y"]
