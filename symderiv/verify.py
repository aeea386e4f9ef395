"""Stage 5: prove closed forms equal to the derivation, element by element, exactly.

Two elements are equal when their difference expands to zero (canonical
expanded polynomials; never ``simplify``).  The first element in row-major
order where they differ is kept, with both sides, so a refuted formula can
be shown to the reader.
"""

from __future__ import annotations

import sympy

from .closed_forms import Claim, evaluate_claim
from .model import ClosedFormCheck, Failure, GradientElement
from .spec import ConvSpec
from .symbols import SymbolTensor

__all__ = ["check_claim", "equal_exactly"]


def equal_exactly(a: sympy.Expr, b: sympy.Expr) -> bool:
    """Exact polynomial equality of two expressions.

    Structurally equal canonical sums are equal; otherwise the difference is
    expanded, which decides equality of polynomials exactly.
    """
    return a == b or sympy.expand(a - b) == 0


def check_claim(
    spec: ConvSpec,
    claim: Claim,
    tensors: dict[str, SymbolTensor],
    gradients: tuple[GradientElement, ...],
) -> ClosedFormCheck:
    """Evaluate ``claim`` and compare it with every derived element of ``claim.of``."""
    derived = [g for g in gradients if g.tensor == claim.of]
    try:
        closed = evaluate_claim(spec, claim, tensors)
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
        )
    failure = None
    failures = 0
    for g in derived:
        if not equal_exactly(g.expr, closed[g.index]):
            failures += 1
            if failure is None:
                failure = Failure(g.index, g.expr, sympy.expand(closed[g.index]))
    return ClosedFormCheck(
        of=claim.of,
        formula=claim.formula,
        stated_in=claim.stated_in,
        holds=failure is None,
        checked=len(derived),
        failures=failures,
        first_failure=failure,
    )
