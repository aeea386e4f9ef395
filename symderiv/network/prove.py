"""The end-to-end derivative and the exact comparison of the two routes.

The end-to-end route is SymPy's derivative of the loss E, written out in x, t and the
parameters through every layer, with respect to each parameter element θ: SymPy's
``diff`` gives each node of E's expression tree its partial derivatives with respect to
its arguments (``∂ exp(w)/∂w = exp(w)``, ``∂ (1 + e)^-1/∂e = -(1 + e)^-2``, ``∂ (a·b)/∂a
= b``, each node once), and dE/dθ = Σ_i ∂N/∂a_i · da_i/dθ is followed from θ up to E
through the nodes that contain θ only, each once per θ.  The result is SymPy's own
``diff(E, θ)`` (the same expression, up to how SymPy arranges it), without walking E
again for every θ.  It knows nothing of layers, kernels or deltas: the delta recursion
is checked against it, not built from it.

The two routes are compared exactly, in a canonical form (:class:`Normal`).  Both are
built over the same forward sub-expressions, so every atom of the forward pass is named
consistently on both sides: exp(w) → q − 1 with a fresh variable q standing for
1 + exp(w) (a sigmoid 1/(1 + exp(w)) becomes 1/q, and exp(k·w) is (q − 1)^k), log(w)
and tanh(w) → fresh variables, a sum raised to a negative power (a softmax's
denominator) → a fresh variable; atoms are told apart by the canonical form of their
argument.  What is left is a Laurent polynomial with exact rational coefficients: its
expansion is canonical, so equal forms prove the two sides equal wherever they are
defined (substitute the atoms back).  Nothing is ever expanded inside an exponential.
The forward pass's long sums are first held whole (a variable each, keyed by their own
canonical form); if that does not show the sides equal they are multiplied out.  When
the forms differ, a point where the two sides clearly differ (50 digits) refutes the
claim; anything else is *undecided*, which never counts as holding.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import gcd

import mpmath
import sympy

from ..core import work

__all__ = ["Decider", "Normal", "Partials", "Verdict", "end_to_end", "tree_size"]


def tree_size(expr: sympy.Basic, stage: str | None = None) -> int:
    """Nodes of the expression as a tree (shared sub-expressions counted each time); the
    distinct nodes visited are counted as work of ``stage`` when one is given."""
    memo: dict[sympy.Basic, int] = {}

    def size(e: sympy.Basic) -> int:
        if not e.args:
            return 1
        if e in memo:
            return memo[e]
        out = 1 + sum(size(a) for a in e.args)
        memo[e] = out
        return out

    out = size(expr)
    if stage is not None:
        work.add(stage, 1 + len(memo))
    return out


class _FreeSymbols:
    """The free symbols of every node of a DAG, each computed once."""

    def __init__(self) -> None:
        self.memo: dict[sympy.Basic, frozenset[sympy.Basic]] = {}

    def __call__(self, e: sympy.Basic) -> frozenset[sympy.Basic]:
        found = self.memo.get(e)
        if found is None:
            if e.is_Symbol:
                found = frozenset((e,))
            elif not e.args:
                found = frozenset()
            else:
                found = frozenset().union(*(self(a) for a in e.args))
            self.memo[e] = found
        return found


class Partials:
    """SymPy's partial derivative of every node of E with respect to each of its
    arguments: ``sympy.diff`` of the node's function on fresh symbols X_1 … X_k (numbers
    kept), with respect to X_i, then the arguments put back (``∂ exp(w)/∂w = exp(w)``,
    ``∂ b^-1/∂b = -b^-2``, ``∂ (a·b)/∂a = b``).  The derivative of each function shape is
    taken once, and each node's partials once."""

    def __init__(self) -> None:
        self.memo: dict[tuple[sympy.Basic, int], sympy.Expr] = {}
        self.shapes: dict[tuple[object, ...], tuple[tuple[sympy.Dummy, ...], sympy.Expr]] = {}

    def _shape(self, node: sympy.Basic, i: int) -> tuple[tuple[sympy.Dummy, ...], sympy.Expr]:
        pattern = tuple(a if a.is_Number else None for a in node.args)
        key = (node.func, pattern, i)
        found = self.shapes.get(key)
        if found is None:
            xs = tuple(sympy.Dummy(f"X{j}") for j in range(len(node.args)))
            args = [a if a is not None else x for a, x in zip(pattern, xs, strict=True)]
            found = (xs, sympy.diff(node.func(*args), xs[i]))
            self.shapes[key] = found
        return found

    def __call__(self, node: sympy.Basic, i: int) -> sympy.Expr:
        key = (node, i)
        found = self.memo.get(key)
        if found is None:
            from .forward import substitute

            xs, derivative = self._shape(node, i)
            found = substitute(derivative, dict(zip(xs, node.args, strict=True)))
            self.memo[key] = found
            work.add("network chain rule", 1 + len(node.args))
        return found


def end_to_end(
    loss: sympy.Expr,
    wrt: Sequence[sympy.Symbol],
    progress: Callable[[int, int], None] | None = None,
) -> list[sympy.Expr]:
    """dE/dθ for every θ of ``wrt``, by SymPy's derivative of E taken through E's own
    expression tree: dN/dθ = Σ_i ∂N/∂a_i · da_i/dθ over the arguments a_i of each node N
    that contain θ (the partials from :class:`Partials`), each node once per θ; the
    sub-expressions without θ are never visited."""
    free = _FreeSymbols()
    partials = Partials()
    out = []
    for done, theta in enumerate(wrt, 1):
        memo: dict[sympy.Basic, sympy.Expr] = {}

        def d(node: sympy.Basic, theta: sympy.Symbol = theta,
              memo: dict[sympy.Basic, sympy.Expr] = memo) -> sympy.Expr:
            if node == theta:
                return sympy.Integer(1)
            found = memo.get(node)
            if found is None:
                parts = [
                    partials(node, i) * d(a)
                    for i, a in enumerate(node.args)
                    if theta in free(a)
                ]
                found = sympy.Add(*parts)
                memo[node] = found
            return found

        out.append(d(loss) if theta in free(loss) else sympy.Integer(0))
        work.add("network chain rule", 1 + len(memo))
        if progress is not None:
            progress(done, len(wrt))
    return out


Monomial = tuple[tuple[int, int], ...]


class Unsupported(ValueError):
    """An expression the normal form does not cover (a float, a fractional power, …)."""


@dataclass(frozen=True)
class Laurent:
    """A Laurent polynomial with rational coefficients, canonical: integer coefficients
    over one positive denominator, with no common factor; monomials as sorted
    (variable, power) pairs, powers non-zero (negative for 1/q)."""

    terms: dict[Monomial, int]
    den: int = 1

    @staticmethod
    def of(terms: dict[Monomial, int], den: int) -> Laurent:
        if not terms:
            return Laurent({}, 1)
        g = den
        for c in terms.values():
            g = gcd(g, c)
            if g == 1:
                break
        if den < 0:
            g = -g
        if g != 1:
            terms = {m: c // g for m, c in terms.items()}
            den //= g
        return Laurent(terms, den)

    @staticmethod
    def number(value: Fraction) -> Laurent:
        return Laurent.of({(): value.numerator}, value.denominator) if value else ZERO

    def key(self) -> tuple[frozenset[tuple[Monomial, int]], int]:
        return frozenset(self.terms.items()), self.den

    def scaled(self, factor: Fraction) -> Laurent:
        return Laurent.of(
            {m: c * factor.numerator for m, c in self.terms.items()}, self.den * factor.denominator
        )

    def first(self) -> Fraction:
        """The coefficient of the least monomial."""
        return Fraction(self.terms[min(self.terms)], self.den)

    def __len__(self) -> int:
        return len(self.terms)


ZERO = Laurent({}, 1)
ONE = Laurent({(): 1}, 1)


def _times(ma: Monomial, mb: Monomial) -> Monomial:
    if not ma:
        return mb
    if not mb:
        return ma
    out = []
    i = j = 0
    while i < len(ma) and j < len(mb):
        va, pa = ma[i]
        vb, pb = mb[j]
        if va == vb:
            if pa + pb:
                out.append((va, pa + pb))
            i += 1
            j += 1
        elif va < vb:
            out.append(ma[i])
            i += 1
        else:
            out.append(mb[j])
            j += 1
    out.extend(ma[i:])
    out.extend(mb[j:])
    return tuple(out)


def _mul(a: Laurent, b: Laurent) -> Laurent:
    out: dict[Monomial, int] = {}
    for ma, ca in a.terms.items():
        for mb, cb in b.terms.items():
            m = _times(ma, mb)
            c = out.get(m, 0) + ca * cb
            if c:
                out[m] = c
            else:
                out.pop(m, None)
    return Laurent.of(out, a.den * b.den)


def _add(parts: Iterable[Laurent]) -> Laurent:
    parts = [p for p in parts if p.terms]
    if not parts:
        return ZERO
    den = 1
    for p in parts:
        den = den * p.den // gcd(den, p.den)
    out: dict[Monomial, int] = {}
    for p in parts:
        scale = den // p.den
        for m, c in p.terms.items():
            total = out.get(m, 0) + c * scale
            if total:
                out[m] = total
            else:
                out.pop(m, None)
    return Laurent.of(out, den)


class Normal:
    """The canonical form of expressions over the forward pass's atoms, shared by both
    sides of every comparison (see the module's docstring): each exp(w) is q − 1 with q
    a fresh variable standing for 1 + exp(w), exp(k·w) is (q − 1)^k, each log(w), each
    tanh(w) and each sum raised to a negative power is a fresh variable; atoms are told apart by the
    canonical form of their argument, so the same atom written two ways is one variable.
    What is left is a :class:`Laurent` polynomial: the expansion of the expression.

    ``largest``: a sum of more terms is held as one variable (times a number), keyed by
    its canonical form; ``limit``: a form of more terms is refused (:class:`Unsupported`).
    """

    def __init__(
        self,
        given: Mapping[sympy.Symbol, sympy.Expr] | None = None,
        *,
        largest: int = 0,
        limit: int = 0,
        budget: list[int] | None = None,
    ) -> None:
        self.given = dict(given or {})
        self.largest = largest
        self.limit = limit
        self.budget = budget  # steps left, shared: past it, Unsupported
        self.variables: dict[object, int] = {}
        self.memo: dict[sympy.Basic, Laurent] = {}

    def _variable(self, key: object) -> Laurent:
        index = self.variables.setdefault(key, len(self.variables))
        return Laurent({((index, 1),): 1}, 1)

    def _exp(self, argument: Laurent) -> Laurent:
        if not argument.terms:
            return ONE
        key = ("exp", argument.key())
        power = 1
        if key not in self.variables:  # exp(k·w) = exp(w)^k: SymPy writes exp(w)**k so
            for k in (2, 3, 4):
                smaller = ("exp", argument.scaled(Fraction(1, k)).key())
                if smaller in self.variables:
                    key, power = smaller, k
                    break
        return self._power(_add([self._variable(key), Laurent({(): -1}, 1)]), power)

    def _power(self, base: Laurent, k: int) -> Laurent:
        if k < 0:
            if len(base) == 1:
                ((m, c),) = base.terms.items()
                base = Laurent.of({tuple((v, -p) for v, p in m): base.den}, c)
            else:
                base = self._variable(("inverse", base.key()))
            k = -k
        out = ONE
        for _ in range(k):
            out = _mul(out, base)
        return out

    def __call__(self, expr: sympy.Basic) -> Laurent:
        found = self.memo.get(expr)
        if found is not None:
            return found
        if expr.is_Symbol:
            out = self(self.given[expr]) if expr in self.given else self._variable(expr)
        elif expr.is_Rational:
            out = Laurent.number(Fraction(int(expr.p), int(expr.q)))
        elif expr.is_Add:
            out = _add([self(a) for a in expr.args])
            if self.largest and len(out) > self.largest:
                # A long sum is one variable (times a number): both routes carry the
                # forward pass's long sums whole, and multiplying them out is what costs.
                c = out.first()
                out = self._variable(("sum", out.scaled(1 / c).key())).scaled(c)
        elif expr.is_Mul:
            out = ONE
            for a in expr.args:
                out = _mul(out, self(a))
        elif isinstance(expr, sympy.exp):
            out = self._exp(self(expr.args[0]))
        elif isinstance(expr, sympy.log):  # an atom: a variable of its own
            out = self._variable(("log", self(expr.args[0]).key()))
        elif isinstance(expr, sympy.tanh):  # an odd atom: tanh(-w) = -tanh(w)
            argument = self(expr.args[0])
            sign = -1 if argument.terms and argument.first() < 0 else 1
            out = self._variable(("tanh", argument.scaled(Fraction(sign)).key()))
            out = out.scaled(Fraction(sign))
        elif expr.is_Pow and expr.exp.is_Integer:
            out = self._power(self(expr.base), int(expr.exp))
        else:
            raise Unsupported(f"no normal form for {type(expr).__name__}")
        if self.limit and len(out) > self.limit:
            raise Unsupported(f"more than {self.limit:,} terms")
        if self.budget is not None:
            self.budget[0] -= 1 + len(out)
            if self.budget[0] < 0:
                raise Unsupported("over the proofs' budget")
        work.add("network proofs", 1 + len(out))
        self.memo[expr] = out
        return out


@dataclass(frozen=True)
class Verdict:
    """How one element's two routes compare: ``holds`` True (proved), False (refuted) or
    None (undecided); ``method``: ``identical`` (the same expression), ``expand`` (equal
    canonical forms), ``counterexample`` (a point where they differ) or ``undecided``."""

    holds: bool | None
    method: str


class _Probe:
    """Values at a random rational point, 50 digits, each shared sub-expression once."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.point: dict[sympy.Basic, mpmath.mpf] = {}
        self.memo: dict[sympy.Basic, mpmath.mpf] = {}

    def __call__(self, e: sympy.Basic) -> mpmath.mpf:
        found = self.memo.get(e)
        if found is not None:
            return found
        if e.is_Symbol:
            if e not in self.point:
                self.point[e] = mpmath.mpf(self.rng.randint(-900, 900)) / 997
            out = self.point[e]
        elif e.is_Rational:
            out = mpmath.mpf(int(e.p)) / int(e.q)
        elif e.is_Number:
            out = mpmath.mpf(float(e))
        elif e.is_Add:
            out = mpmath.fsum(self(a) for a in e.args)
        elif e.is_Mul:
            out = mpmath.fprod(self(a) for a in e.args)
        elif e.is_Pow:
            out = self(e.base) ** self(e.exp)
        elif isinstance(e, sympy.exp):
            out = mpmath.exp(self(e.args[0]))
        elif isinstance(e, sympy.log):
            out = mpmath.log(self(e.args[0]))
        elif isinstance(e, sympy.tanh):
            out = mpmath.tanh(self(e.args[0]))
        else:
            raise Unsupported(type(e).__name__)
        self.memo[e] = out
        return out


def _differs(a: sympy.Expr, b: sympy.Expr, given: Mapping[sympy.Symbol, sympy.Expr]) -> bool:
    """Do ``a`` and ``b`` clearly differ at some random point (given the side condition)?"""
    if given:
        a, b = a.xreplace(dict(given)), b.xreplace(dict(given))
    with mpmath.workdps(50):
        for seed in range(3):
            probe = _Probe(seed)
            try:
                va, vb = probe(a), probe(b)
            except (Unsupported, ZeroDivisionError, ValueError):
                continue
            if abs(va - vb) > mpmath.mpf(10) ** -30 * max(1, abs(va), abs(vb)):
                return True
    return False


class Decider:
    """Decides element after element with the same canonical forms (atoms named once):
    first with the forward pass's long sums held whole (fast), then multiplied out in
    full (up to ``limit`` terms), then by a counterexample; else undecided.  ``budget``
    bounds the steps of all the canonical forms together (the size limit's prediction):
    past it, what is left is undecided."""

    def __init__(
        self,
        given: Mapping[sympy.Symbol, sympy.Expr] | None = None,
        *,
        largest: int = 64,
        limit: int = 200_000,
        budget: int | None = None,
    ) -> None:
        self.given = dict(given or {})
        left = None if budget is None else [budget]
        self.forms = [
            Normal(given, largest=largest, budget=left),
            Normal(given, limit=limit, budget=left),
        ]

    def prime(self, loss: sympy.Expr) -> None:
        """Name the forward pass's atoms first, innermost first (from E itself)."""
        for form in self.forms:
            with contextlib.suppress(Unsupported):
                form(loss)

    def __call__(self, delta_route: sympy.Expr, end_to_end: sympy.Expr) -> Verdict:
        if delta_route == end_to_end:
            return Verdict(True, "identical")
        for form in self.forms:
            try:
                if form(delta_route) == form(end_to_end):
                    return Verdict(True, "expand")
            except Unsupported:
                continue
        if _differs(delta_route, end_to_end, self.given):
            return Verdict(False, "counterexample")
        return Verdict(None, "undecided")
