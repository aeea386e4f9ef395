"""Printing elements and sums: LaTeX (``A^{(c)}_{1,10}``) and text (``A01·D00``).

The printers subclass SymPy's and override ``_print_Symbol``, so any SymPy
expression over our symbols prints in the notes' notation.  Sums are printed
term by term in the order the data model keeps them (never SymPy's
alphabetical order), and can be split into rows that fit a page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from ..core.model import Term
from ..core.symbols import Notation, parse_name

__all__ = ["SheetLatexPrinter", "SheetTextPrinter", "cases_latex", "split_rows", "term_width"]


LATEX_LETTERS = {"beta": r"\beta", "alpha": r"\alpha"}
"""Tensor names that print as a LaTeX command rather than as themselves."""
TEXT_LETTERS = {"beta": "β", "alpha": "α"}


def _prime_of(expr: sympy.Derivative) -> tuple[sympy.Function, sympy.Expr] | None:
    """(f, x) when ``expr`` is f'(x): the first derivative of an undefined function
    of one argument with respect to that argument (an unspecified activation)."""
    inner = expr.expr
    if isinstance(inner, AppliedUndef) and len(inner.args) == 1:
        x = inner.args[0]
        if tuple(expr.variable_count) == ((x, 1),):
            return inner.func, x
    return None


class SheetLatexPrinter(LatexPrinter):
    """LaTeX in the classic notes' notation: ``A_{01}``, ``K^{(m,c)}_{pq}``, ``A_{1,10}``."""

    def __init__(self, notation: Notation, settings: dict[str, Any] | None = None) -> None:
        super().__init__({"order": "none", **(settings or {})})
        self.notation = notation

    def _print_Symbol(self, expr: sympy.Symbol, style: str = "plain") -> str:
        letter, index = parse_name(expr.name)
        sup, sub = self.notation.split(letter, index)
        out = LATEX_LETTERS.get(letter, letter)
        if sup:
            out += "^{(" + ",".join(map(str, sup)) + ")}"
        if sub:
            out += "_{" + self.notation.subscript(sub) + "}"
        return out

    def _print_Derivative(self, expr: sympy.Derivative) -> str:
        """f'(x) as the notes write it; any other derivative as SymPy prints it."""
        prime = _prime_of(expr)
        if prime is None:
            return str(super()._print_Derivative(expr))
        f, x = prime
        return rf"{self._print(f)}'{{\left({self._print(x)} \right)}}"

    def _print_Piecewise(self, expr: sympy.Piecewise) -> str:
        return cases_latex(self, expr)

    def name(self, letter: str, lead: Sequence[int]) -> str:
        """A whole map, e.g. ``A^{(0,1)}`` (the leading indices that are shown)."""
        shown = self.notation.shown.get(letter, ())
        sup = [str(lead[i]) for i in shown if i < len(lead)]
        return LATEX_LETTERS.get(letter, letter) + ("^{(" + ",".join(sup) + ")}" if sup else "")

    def term(self, term: Term) -> str:
        """One monomial, factors in the stored order: ``A_{01} D_{00}``, ``2 A_{00}``."""
        body = " ".join(self._print(f) for f in term.factors)
        coeff = term.coeff
        if coeff == 1:
            return body or "1"
        if coeff == -1:
            return "-" + (body or "1")
        c = self._print(coeff)
        return f"{c} {body}" if body else c

    def sum(self, terms: Sequence[Term]) -> str:
        """Terms joined with + and - in order; ``0`` for no terms."""
        return join_terms([self.term(t) for t in terms])

    def matrix(self, rows: Sequence[Sequence[sympy.Expr]]) -> str:
        body = r" \\ ".join(" & ".join(self._print(x) for x in row) for row in rows)
        return r"\begin{bmatrix} " + body + r" \end{bmatrix}"


class SheetTextPrinter(StrPrinter):
    """Plain text: ``A01``, ``A^(0,1)_01``, ``A[1,10]``; products with ``·``."""

    def __init__(self, notation: Notation) -> None:
        super().__init__({"order": "none"})
        self.notation = notation

    def _print_Symbol(self, expr: sympy.Symbol) -> str:
        letter, index = parse_name(expr.name)
        sup, sub = self.notation.split(letter, index)
        out = TEXT_LETTERS.get(letter, letter)
        if sup:
            out += "^(" + ",".join(map(str, sup)) + ")"
            if sub:
                out += "_"
        if sub:
            out += (
                "[" + ",".join(map(str, sub)) + "]"
                if self.notation.commas
                else "".join(map(str, sub))
            )
        return out

    def _print_Derivative(self, expr: sympy.Derivative) -> str:
        prime = _prime_of(expr)
        if prime is None:
            return str(super()._print_Derivative(expr))
        f, x = prime
        return f"{f}'({self._print(x)})"

    def term(self, term: Term) -> str:
        body = "·".join(self._print(f) for f in term.factors)
        if term.coeff == 1:
            return body or "1"
        if term.coeff == -1:
            return "-" + (body or "1")
        return f"{term.coeff}·{body}" if body else str(term.coeff)

    def sum(self, terms: Sequence[Term]) -> str:
        return join_terms([self.term(t) for t in terms])


def cases_latex(printer: LatexPrinter, expr: sympy.Piecewise) -> str:
    """A Piecewise as ``cases`` with every condition written out, the last (``True``) one
    as the complement of the others (``a \\le 0``): mathematics only, no words (SymPy's
    own printer says "for" and "otherwise", and a sheet is in any language)."""
    rows = []
    before: list[sympy.Basic] = []
    for value, condition in expr.args:
        if condition is sympy.true:
            condition = sympy.Not(sympy.Or(*before)).to_nnf() if before else sympy.true
        rows.append(f"{printer._print(value)} & {printer._print(condition)}")
        before.append(condition)
    return r"\begin{cases} " + r" \\ ".join(rows) + r" \end{cases}"


def join_terms(parts: Sequence[str]) -> str:
    """``a + b - c`` from printed terms (a leading ``-`` becomes a minus sign)."""
    if not parts:
        return "0"
    out = parts[0]
    for p in parts[1:]:
        out += " - " + p[1:] if p.startswith("-") else " + " + p
    return out


def term_width(latex: str) -> float:
    """A rough printed width of a LaTeX term in ``en`` units: characters count 1,
    characters in a sub- or superscript 0.7, command names and braces nothing."""
    width = 0.0
    stack: list[bool] = []  # for each open brace: is it a script group?
    pending = False  # the last character was _ or ^
    i = 0
    while i < len(latex):
        ch = latex[i]
        in_script = any(stack)
        if ch == "\\":
            i += 1
            while i < len(latex) and latex[i].isalpha():
                i += 1
            continue
        if ch in "_^":
            pending = True
        elif ch == "{":
            stack.append(pending or in_script)
            pending = False
        elif ch == "}":
            if stack:
                stack.pop()
        else:
            if ch != " ":
                width += 0.7 if (in_script or pending) else 1.0
            pending = False
        i += 1
    return width


def split_rows(parts: Sequence[str], budget: float, first_budget: float | None = None) -> list[str]:
    """Group printed terms into rows of at most ``budget`` width units.

    Rows after the first start with ``+`` or ``-``; every row holds at least one term.
    """
    if not parts:
        return ["0"]
    rows: list[list[str]] = [[]]
    used = 0.0
    limit = budget if first_budget is None else first_budget
    for p in parts:
        w = term_width(p) + 1.5
        if rows[-1] and used + w > limit:
            rows.append([])
            used = 0.0
            limit = budget
        rows[-1].append(p)
        used += w
    out = []
    for k, row in enumerate(rows):
        text = join_terms(row)
        if k > 0:
            text = ("- " + text[1:]) if text.startswith("-") else "+ " + text
        out.append(text)
    return out
