"""Worked numbers: small integers carried through a derivation so that a student can
check every gradient by hand.

>>> import symderiv
>>> from symderiv.worked import worked_numbers, worked_values
>>> d = symderiv.conv2d().derive()
>>> w = worked_numbers(d, worked_values(d.layer, seed=3))
>>> w.reference_agrees
True
"""

from __future__ import annotations

from .numbers import Product, Worked, WorkedElement, worked_numbers
from .values import WorkedValues, supports_worked, worked_values

__all__ = [
    "Product",
    "Worked",
    "WorkedElement",
    "WorkedValues",
    "supports_worked",
    "worked_numbers",
    "worked_values",
]
