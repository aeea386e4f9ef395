"""Worked numbers: the integers substituted into the derived elements, term by term.

Every number comes from the derivation: each forward and gradient element's own
terms, each factor replaced by its value (max pooling's switches by the values the
layer gave them), exactly, with SymPy's rationals.  The sum of the products is
checked against the whole element evaluated at once, and the results against the
layer's independent plain-loop numpy reference.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy

from ..core.model import Derivation, Element
from ..core.symbols import parse_name
from .values import WorkedValues

__all__ = ["Product", "Worked", "WorkedElement", "worked_numbers"]

REFERENCE_TOLERANCE = 1e-9
"""How close (relative to max(1, |value|)) the float64 reference must come."""


@dataclass(frozen=True)
class Product:
    """One term with its factors' values: ``coeff · v1 · v2 · …`` = ``value``."""

    coeff: sympy.Rational
    factors: tuple[sympy.Rational, ...]
    value: sympy.Rational


@dataclass(frozen=True)
class WorkedElement:
    """One element (a forward output or a gradient) at the worked values: its terms'
    products, in the order the sheet prints the terms, and their sum (an element that is
    not a sum of monomials, such as a loss kept as ½Σ(y − t)², has its value only)."""

    tensor: str
    index: tuple[int, ...]
    products: tuple[Product, ...]
    value: sympy.Rational


@dataclass(frozen=True)
class Worked:
    """The worked example of a derivation: the values put in, every forward element and
    every gradient element at those values, and whether the independent numpy
    reference gives the same numbers (``reference_agrees``)."""

    values: WorkedValues
    forward: tuple[WorkedElement, ...]
    gradients: tuple[WorkedElement, ...]
    reference_agrees: bool

    def gradients_of(self, letter: str) -> tuple[WorkedElement, ...]:
        return tuple(g for g in self.gradients if g.tensor == letter)


def _element(e: Element, subs: dict[sympy.Symbol, sympy.Expr]) -> WorkedElement:
    if not e.polynomial:  # kept whole (a loss written as a sum of squares): its value only
        value = e.expr.xreplace(subs)
        if not value.is_Rational:
            raise ValueError(f"{e.tensor}{list(e.index)} is not rational at these values")
        return WorkedElement(e.tensor, e.index, (), sympy.Rational(value))
    products = []
    for t in e.terms:
        factors = tuple(sympy.Rational(f.xreplace(subs)) for f in t.factors)
        value = sympy.Rational(t.coeff * sympy.Mul(*factors))
        products.append(Product(sympy.Rational(t.coeff), factors, value))
    total = sympy.Rational(sympy.Add(*(p.value for p in products)))
    whole = e.expr.xreplace(subs)
    if whole != total:  # the terms are the element: a bug if not
        raise AssertionError(f"{e.tensor}{list(e.index)}: terms give {total}, element {whole}")
    return WorkedElement(e.tensor, e.index, tuple(products), total)


def _agrees(d: Derivation, values: WorkedValues, worked: Worked) -> bool:
    """Does the layer's plain-loop numpy reference give the same numbers?  (Max
    pooling's switches are not inputs of its reference: it finds the maxima itself.)"""
    arrays = {letter: np.asarray(a, dtype=float) for letter, a in values.values}
    for letter, (role, shape) in d.layer.tensors().items():
        if role == "switch":  # the values the layer gave them
            arrays[letter] = np.zeros(shape)
            for symbol, value in d.layer.substitutions().items():
                arrays[letter][parse_name(str(symbol))[1]] = float(value)
    reference = d.layer.reference(arrays)
    for e in (*worked.forward, *worked.gradients):
        got = float(np.asarray(reference[e.tensor], dtype=float)[e.index])
        if abs(got - float(e.value)) > REFERENCE_TOLERANCE * max(1.0, abs(float(e.value))):
            return False
    return True


def worked_numbers(d: Derivation, values: WorkedValues) -> Worked:
    """Every forward and gradient element of ``d`` at ``values`` (see the module)."""
    letters = {letter for letter, _ in values.values}
    wanted = {x for x, (role, _) in d.layer.tensors().items() if role != "switch"}
    if letters != wanted:
        raise ValueError(f"values for {sorted(letters)}, but the layer has {sorted(wanted)}")
    subs: dict[sympy.Symbol, sympy.Expr] = dict(d.layer.substitutions())
    subs.update(values.substitutions())
    forward = tuple(_element(e, subs) for e in d.forward)
    gradients = tuple(_element(g, subs) for g in d.gradients)
    worked = Worked(values, forward, gradients, reference_agrees=False)
    return Worked(values, forward, gradients, reference_agrees=_agrees(d, values, worked))
