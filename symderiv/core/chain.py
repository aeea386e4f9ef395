"""Stage 3: derive every gradient element from the forward expressions.

For each element x of the differentiated tensors the chain rule gives

    dE/dx = sum_u  dE/dZ[u] · dZ[u]/dx  =  sum_u  D[u] · dZ[u]/dx

(for a loss, whose one forward element is E itself, simply dE/dx).  The sum
runs only over the outputs whose expression contains x (the contribution
table, read off the expressions themselves), and dZ[u]/dx is SymPy's ``diff``
of the terms of Z[u] that contain x: by linearity the other terms
differentiate to zero, and skipping them keeps the whole derivation linear in
the size of the forward pass instead of quadratic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping

import sympy

from .model import Contribution, Element, GradientElement, Term
from .symbols import SymbolTensor, natural_key

__all__ = ["derive_gradients", "to_terms"]

Progress = Callable[[int, int], None]


def _is_monomial(expr: sympy.Expr) -> bool:
    """A number, a symbol, a power of one, or a product of those (no sums inside)."""
    factors = expr.args if expr.is_Mul else (expr,)
    return all(
        f.is_Number or f.is_Symbol or (f.is_Pow and f.base.is_Symbol and f.exp.is_Integer)
        for f in factors
    )


def _is_polynomial(expr: sympy.Expr) -> bool:
    if expr.is_Symbol or expr.is_Number:
        return True
    return bool(expr.is_polynomial())


def to_terms(expr: sympy.Expr) -> tuple[Term, ...]:
    """Split an expanded polynomial into monomials, factors in natural order."""
    terms = []
    if not _is_monomial(expr):
        expr = sympy.expand(expr)
    for mono in sympy.Add.make_args(expr):
        if mono == 0:
            continue
        coeff, rest = mono.as_coeff_Mul()
        factors: list[sympy.Symbol] = []
        for base, exp in rest.as_powers_dict().items():
            if base == 1:
                continue
            factors.extend([base] * int(exp))
        factors.sort(key=natural_key)
        terms.append(Term(sympy.Rational(coeff), tuple(factors)))
    terms.sort(key=lambda t: [natural_key(f) for f in t.factors])
    return tuple(terms)


def _occurrences(
    forward: Iterable[Element],
) -> dict[sympy.Symbol, list[tuple[Element, sympy.Expr]]]:
    """For every symbol: the forward elements containing it, with those elements'
    terms that contain it (visited row-major, so contributions come out in order)."""
    table: dict[sympy.Symbol, list[tuple[Element, list[sympy.Expr]]]] = defaultdict(list)
    for element in forward:
        per_symbol: dict[sympy.Symbol, list[sympy.Expr]] = defaultdict(list)
        for term in sympy.Add.make_args(element.expr):
            for symbol in term.free_symbols:
                per_symbol[symbol].append(term)
        for symbol, terms in per_symbol.items():
            table[symbol].append((element, terms))
    return {s: [(e, sympy.Add(*ts)) for e, ts in occ] for s, occ in table.items()}


def derive_gradients(
    forward: tuple[Element, ...],
    wrt: Iterable[SymbolTensor],
    D: SymbolTensor | Mapping[tuple[int, ...], sympy.Expr] | None,
    progress: Progress | None = None,
    substitutions: Mapping[sympy.Symbol, sympy.Expr] | None = None,
) -> tuple[GradientElement, ...]:
    """dE/dx for every element x of the tensors in ``wrt`` (in that order, row-major).

    ``D`` holds dE/dZ for each forward element (symbols, or by index the gradients
    derived for a previous stage); ``None`` when the one forward element is E itself.
    ``substitutions`` give auxiliary symbols (max pooling's switches) their values
    after differentiation."""
    occurrences = _occurrences(forward)
    tensors = list(wrt)
    total = sum(len(t.elements) for t in tensors)
    done = 0
    subs = dict(substitutions or {})
    out: list[GradientElement] = []
    for tensor in tensors:
        for index, x in zip(tensor.indices(), tensor.elements, strict=True):
            contributions = []
            parts: list[sympy.Expr] = []
            polynomial = True
            for element, part in occurrences.get(x, []):
                derivative = sympy.diff(part, x)
                if subs:
                    derivative = derivative.xreplace(subs)
                if derivative == 0:
                    continue
                contributions.append(Contribution(output=element.index, derivative=derivative))
                product = derivative if D is None else D[element.index] * derivative
                polynomial = polynomial and _is_polynomial(derivative)
                parts.append(product)
            if polynomial:
                terms = [t for p in parts for t in to_terms(p)]
                expr = sympy.Add(*(t.expr() for t in terms))
            else:
                terms, expr = [], sympy.Add(*parts)
            out.append(
                GradientElement(
                    tensor=tensor.letter,
                    index=index,
                    terms=tuple(terms),
                    expr=expr,
                    contributions=tuple(contributions),
                    polynomial=polynomial,
                )
            )
            done += 1
            if progress is not None:
                progress(done, total)
    return tuple(out)
