"""Stage 5: prove closed forms equal to the derivation, element by element, exactly.

Two polynomials are equal when their difference expands to zero (canonical
expanded polynomials; never ``simplify``).  Other expressions (sigmoids,
softmaxes) are equal when the difference cancels to zero as a rational
function of its atoms (first tried by expanding its numerator over a common
denominator, then by ``cancel``); when it does not, a point where the difference is
clearly non-zero (evaluated to 30 digits) proves them different, and anything
else is *undecided*, which never counts as holding.  The first element in
row-major order where they differ is kept, with both sides, so a refuted
formula can be shown to the reader.

A claim about an unspecified function f (an activation left symbolic) must
hold for every f: a point where the difference is non-zero for one concrete f
(sin, or exp) refutes it; a proof never uses a concrete f.  A claim with a side
condition (``Claim.given``) is compared after the condition is substituted
into both sides.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

import sympy
from sympy.core.function import AppliedUndef

from .layer import Claim, Layer
from .model import ClosedFormCheck, Failure, GradientElement
from .symbols import SymbolTensor

__all__ = ["check_claim", "decide", "equal_exactly"]


def equal_exactly(a: sympy.Expr, b: sympy.Expr) -> bool:
    """Exact polynomial equality of two expressions.

    Structurally equal canonical sums are equal; otherwise the difference is
    expanded, which decides equality of polynomials exactly.
    """
    return a == b or sympy.expand(a - b) == 0


_CONCRETE = (sympy.sin, sympy.exp)


def _concrete(difference: sympy.Expr) -> list[sympy.Expr]:
    """``difference`` itself, or when it holds undefined functions of one argument
    (f(a), f'(a)), one version per concrete choice of them (sin, then exp)."""
    undefined = {a.func for a in difference.atoms(AppliedUndef)}
    if not undefined or any(len(a.args) != 1 for a in difference.atoms(AppliedUndef)):
        return [difference]
    x = sympy.Dummy("x")
    return [
        difference.subs({f: sympy.Lambda(x, g(x)) for f in undefined}).doit() for g in _CONCRETE
    ]


def _probe(difference: sympy.Expr, seed: int) -> bool:
    """Is ``difference`` clearly non-zero at some random point (30 digits)?"""
    for candidate in _concrete(difference):
        rng = random.Random(seed)
        symbols = sorted(candidate.free_symbols, key=str)
        for _ in range(3):
            point = {s: sympy.Rational(rng.randint(-900, 900), 997) for s in symbols}
            value = candidate.evalf(30, subs=point)
            if value.is_number and value.is_comparable and abs(value) > sympy.Float("1e-20"):
                # confirm at twice the precision, so lost digits cannot fake a difference
                again = candidate.evalf(60, subs=point)
                if again.is_comparable and abs(again - value) < abs(value) / 1000:
                    return True
    return False


_FEW = 4
"""Functions (exponentials, f(z)) a difference may hold for the common-denominator test."""


def decide(a: sympy.Expr, b: sympy.Expr) -> tuple[bool | None, str]:
    """Are ``a`` and ``b`` equal?  (True/False/None for undecided, and how it was decided.)"""
    if a == b:
        return True, "expand"
    difference = sympy.expand(a - b)
    if difference == 0:
        return True, "expand"
    if difference.is_polynomial():
        return False, "expand"
    # Over a common denominator, a numerator that expands to zero proves equality at once
    # (σ(1 − σ) against SymPy's e^{-z}/(1 + e^{-z})², times a long sum, takes cancel long).
    # Only with few functions in it: each distinct denominator multiplies the numerator.
    if len(difference.atoms(sympy.Function)) <= _FEW:
        numerator, _ = sympy.fraction(sympy.together(difference))
        if sympy.expand(numerator) == 0:
            return True, "cancel"
    # A point where the difference is clearly not zero settles it at once; cancel,
    # which is slow on long rational functions, is left for the equal ones.
    if _probe(difference, seed=0):
        return False, "counterexample"
    if sympy.cancel(sympy.together(difference)) == 0:
        return True, "cancel"
    return None, "undecided"


def _polynomial(expr: sympy.Expr) -> bool:
    """Is ``expr`` a polynomial in its symbols (a side condition such as A = σ(z) can
    make a polynomial gradient a function of exponentials, which ``expand`` alone
    cannot decide)?"""
    return not isinstance(expr, sympy.Basic) or bool(expr.is_polynomial())


def check_claim(
    layer: Layer,
    claim: Claim,
    tensors: Mapping[str, SymbolTensor],
    gradients: tuple[GradientElement, ...],
) -> ClosedFormCheck:
    """Evaluate ``claim`` and compare it with every derived element of ``claim.of``."""
    derived = [g for g in gradients if g.tensor == claim.of]
    if not derived:  # nothing to compare: never an empty "holds"
        raise ValueError(f"no derived gradient of {claim.of!r} to check the formula against")
    try:
        closed = layer.evaluate(claim, tensors)
    except ValueError as exc:
        first = derived[0]
        return ClosedFormCheck(
            of=claim.of,
            formula=claim.formula,
            stated_in=claim.stated_in,
            holds=False,
            checked=len(derived),
            failures=len(derived),
            first_failure=Failure(first.index, first.expr, sympy.nan, reason=str(exc)),
            expected=claim.expected,
        )
    failure = None
    failures = undecided = 0
    methods = set()
    given = dict(claim.given)
    for g in derived:
        lhs, rhs = g.expr, closed[g.index]
        if given:
            lhs, rhs = lhs.xreplace(given), rhs.xreplace(given)
        if g.polynomial and not (given and not (_polynomial(lhs) and _polynomial(rhs))):
            verdict: bool | None = equal_exactly(lhs, rhs)
            method = "expand"
        else:
            verdict, method = decide(lhs, rhs)
        methods.add(method)
        if verdict is None:
            undecided += 1
        elif not verdict:
            failures += 1
            if failure is None:
                shown = closed[g.index]
                failure = Failure(g.index, g.expr, sympy.expand(shown) if g.polynomial else shown)
    order = ("counterexample", "undecided", "cancel", "expand")
    return ClosedFormCheck(
        of=claim.of,
        formula=claim.formula,
        stated_in=claim.stated_in,
        holds=failure is None and undecided == 0,
        checked=len(derived),
        failures=failures,
        first_failure=failure,
        expected=claim.expected,
        decided_by=next((m for m in order if m in methods), "expand"),
        undecided=undecided,
    )
