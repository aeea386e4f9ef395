"""The core's handling of unspecified functions and side conditions: what the
activation with an unspecified f and the softmax cross-entropy need from it."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from symderiv.core.layer import Claim
from symderiv.core.model import Element
from symderiv.core.numeric import _evaluate
from symderiv.core.prove import check_claim, decide
from symderiv.core.symbols import Notation, make_tensor
from symderiv.formulas.nodes import Var
from symderiv.render.printing import SheetLatexPrinter, SheetTextPrinter

f = sympy.Function("f")
a = sympy.Symbol("A[0,0]", real=True)
d = sympy.Symbol("D[0,0]", real=True)


def test_an_identity_in_an_unspecified_function_is_proved_without_choosing_one():
    assert decide(d * sympy.Derivative(f(a), a), sympy.Derivative(f(a), a) * d) == (True, "expand")
    x = sympy.Dummy("x")
    same = sympy.Lambda(x, sympy.Derivative(f(x), x))(a)
    assert decide(d * sympy.diff(f(a), a), d * same)[0] is True


@pytest.mark.parametrize(
    "wrong",
    [
        d,  # f' forgotten: holds only for f(a) = a + c
        d * f(a),  # f' = f: holds only for f = c·exp
    ],
)
def test_a_formula_wrong_for_some_f_is_refuted_by_a_concrete_one(wrong):
    assert decide(d * sympy.diff(f(a), a), wrong) == (False, "counterexample")


def test_f_prime_equal_f_survives_exp_but_not_sin():
    # exp is its own derivative, so sin (tried first) is what refutes f' = f.
    from symderiv.core.prove import _concrete

    versions = _concrete(d * sympy.diff(f(a), a) - d * f(a))
    assert versions == [d * sympy.cos(a) - d * sympy.sin(a), sympy.Integer(0)]


def test_a_side_condition_is_substituted_into_both_sides():
    t = make_tensor("t", "target", (1, 2))
    t0, t1 = t.elements
    derived = (Element("y", (0, 0), (), t0 + t1, polynomial=False),)

    class Layer:
        def evaluate(self, claim, tensors):
            return {(0, 0): sympy.Integer(1)}

    free = check_claim(Layer(), Claim("y", Var("one"), "no condition"), {"t": t}, derived)  # type: ignore[arg-type]
    assert not free.holds
    assert free.first_failure is not None
    assert free.first_failure.closed == 1
    given = Claim("y", Var("one"), "sum t = 1", given=((t1, 1 - t0),))
    held = check_claim(Layer(), given, {"t": t}, derived)  # type: ignore[arg-type]
    assert held.holds
    assert held.checked == 1


def test_numeric_check_gives_an_undefined_function_its_stand_in_and_nothing_else():
    x = sympy.Dummy("x")
    element = Element("A", (0, 0), (), d * sympy.diff(f(a), a), polynomial=False)
    values = {"A[0,0]": 0.3, "D[0,0]": -1.5}
    symbols = {"A[0,0]": a, "D[0,0]": d}
    got = _evaluate([element], values, symbols, {"f": sympy.Lambda(x, sympy.sin(x))})
    assert got[(0, 0)][0] == pytest.approx(-1.5 * np.cos(0.3), rel=1e-15)
    with pytest.raises(ValueError, match="no stand-in for the undefined function"):
        _evaluate([element], values, symbols, {})


def test_printers_write_f_prime_as_the_notes_do():
    notation = Notation.for_shapes({"A": (2, 2), "D": (2, 2)}, 2)
    expr = d * sympy.diff(f(a), a)
    assert SheetLatexPrinter(notation)._print(expr) == r"D_{00} f'{\left(A_{00} \right)}"
    assert SheetTextPrinter(notation)._print(expr) == "D00*f'(A00)"
    second = sympy.diff(f(a), a, 2)
    assert "f'" not in SheetLatexPrinter(notation)._print(second)
