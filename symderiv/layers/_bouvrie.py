"""Argument checks shared by the two layers of Bouvrie's notes (subsampling and
map combination): Python values are checked here, command-line texts by
:func:`symderiv.sizes.parse_size` and :func:`symderiv.layers.conv.spec.count_text`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import sympy

from ..exceptions import SpecError
from ..sizes import parse_size

__all__ = ["count", "fail", "pair", "size_label", "zero_d"]


def fail(field: str, value: object, rule: str) -> SpecError:
    """``field value: rule``, remembering the field and the rule (so the command
    line can quote the option as it was typed)."""
    return SpecError(f"{field} {value!r}: {rule}", field=field, rule=rule)


def size_label(values: Sequence[int]) -> str:
    """``4x4``."""
    return "x".join(map(str, values))


def pair(value: object, name: str) -> tuple[int, int]:
    """Two positive integers, one per spatial axis, from an int, a pair or ``"4x4"``."""
    if isinstance(value, str):
        h, w = parse_size(value, name, 2)
        return h, w
    items: tuple[object, ...]
    if isinstance(value, int) and not isinstance(value, bool):
        items = (value, value)
    elif isinstance(value, (tuple, list)):
        items = tuple(value)
    else:
        raise fail(name, value, "expected an integer or 2 integers")
    ints = [v for v in items if isinstance(v, int) and not isinstance(v, bool)]
    if len(items) != 2 or len(ints) != 2:
        raise fail(name, value, "expected 2 integers, one per spatial axis")
    if min(ints) < 1:
        raise fail(name, value, "every value must be at least 1")
    return ints[0], ints[1]


def count(value: object, name: str) -> int:
    """A positive integer (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise fail(name, value, "expected a positive integer")
    return value


def zero_d(value: sympy.Expr) -> np.ndarray:
    """A 0-d object array holding one expression (a scalar bound to a formula variable)."""
    out = np.empty((), dtype=object)
    out[()] = value
    return out
