"""Stage 3: derive every gradient element from the forward expressions.

For each element x of A, K and b the chain rule gives

    dE/dx = sum_u  dE/dZ[u] · dZ[u]/dx  =  sum_u  D[u] · dZ[u]/dx.

The sum runs only over the outputs whose expression contains x (the
contribution table, read off the expressions themselves), and dZ[u]/dx is
SymPy's ``diff`` of the terms of Z[u] that contain x: by linearity the other
terms differentiate to zero, and skipping them keeps the whole derivation
linear in the size of the forward pass instead of quadratic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

import sympy

from .model import Contribution, Element, GradientElement, PatchTerm, Regrouping, Term
from .symbols import SymbolTensor, natural_key, parse_name

__all__ = ["derive_gradients", "regroup_kernel", "to_terms"]

Progress = Callable[[int, int], None]


def _is_monomial(expr: sympy.Expr) -> bool:
    """A number, a symbol, a power of one, or a product of those (no sums inside)."""
    factors = expr.args if expr.is_Mul else (expr,)
    return all(
        f.is_Number or f.is_Symbol or (f.is_Pow and f.base.is_Symbol and f.exp.is_Integer)
        for f in factors
    )


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
    D: SymbolTensor,
    progress: Progress | None = None,
) -> tuple[GradientElement, ...]:
    """dE/dx for every element x of the tensors in ``wrt`` (in that order, row-major)."""
    occurrences = _occurrences(forward)
    tensors = list(wrt)
    total = sum(len(t.elements) for t in tensors)
    done = 0
    out: list[GradientElement] = []
    for tensor in tensors:
        for index, x in zip(tensor.indices(), tensor.elements, strict=True):
            contributions = []
            terms: list[Term] = []
            for element, part in occurrences.get(x, []):
                derivative = sympy.diff(part, x)
                if derivative == 0:
                    continue
                contributions.append(Contribution(output=element.index, derivative=derivative))
                terms.extend(to_terms(D[element.index] * derivative))
            expr = sympy.Add(*(t.expr() for t in terms))
            out.append(
                GradientElement(
                    tensor=tensor.letter,
                    index=index,
                    terms=tuple(terms),
                    expr=expr,
                    contributions=tuple(contributions),
                )
            )
            done += 1
            if progress is not None:
                progress(done, total)
    return tuple(out)


def regroup_kernel(gradients: Iterable[GradientElement], K: SymbolTensor) -> tuple[Regrouping, ...]:
    """Regroup each kernel map's gradient as sum over D[u] of a patch of A.

    Read off the derived expansions: the patch of D[u] holds, at kernel
    position p, the coefficient of D[u] in dE/dK[p].  Only for 1-D and 2-D
    kernels, whose patches print as matrices.
    """
    spatial = K.shape[2:]
    if len(spatial) > 2:
        return ()
    rows, cols = (1, spatial[0]) if len(spatial) == 1 else spatial
    by_map: dict[tuple[int, ...], dict[sympy.Symbol, dict[tuple[int, ...], list[sympy.Expr]]]] = {}
    for g in gradients:
        if g.tensor != "K":
            continue
        kmap, pos = g.index[:2], g.index[2:]
        per_delta = by_map.setdefault(kmap, {})
        for term in g.terms:
            deltas = [f for f in term.factors if parse_name(str(f))[0] == "D"]
            if len(deltas) != 1:
                raise ValueError(f"kernel gradient term without exactly one delta: {term}")
            rest = term.coeff * sympy.Mul(*(f for f in term.factors if f is not deltas[0]))
            per_delta.setdefault(deltas[0], {}).setdefault(pos, []).append(rest)
    out = []
    for kmap in sorted(by_map):
        patch_terms = []
        for delta in sorted(by_map[kmap], key=natural_key):
            cells = by_map[kmap][delta]

            def cell(r: int, c: int, cells: dict = cells) -> sympy.Expr:
                pos = (c,) if len(spatial) == 1 else (r, c)
                return sympy.Add(*cells.get(pos, []))

            patch = tuple(tuple(cell(r, c) for c in range(cols)) for r in range(rows))
            patch_terms.append(PatchTerm(delta=delta, patch=patch))
        out.append(Regrouping(kernel_map=kmap, terms=tuple(patch_terms)))
    return tuple(out)
