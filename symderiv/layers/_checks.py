"""Checks shared by the dense, activation and loss kinds: positive counts, sizes
and exact numbers, from Python values or from the texts typed on the command line.

Every failure is a :class:`~symderiv.exceptions.SpecError` whose message quotes
the value (``field value: rule``) and remembers ``field`` and ``rule``, so the
command line can re-quote the option as it was typed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import TypeVar

import sympy

from ..exceptions import SpecError
from ..sizes import parse_size

__all__ = [
    "count",
    "count_text",
    "decimal_text",
    "fail",
    "load_json",
    "number",
    "number_text",
    "quoting",
    "sizes",
    "sizes_text",
]

T = TypeVar("T")


def fail(field: str, value: object, rule: str) -> SpecError:
    """``field value: rule``, remembering the field and the rule."""
    return SpecError(f"{field} {value!r}: {rule}", field=field, rule=rule)


def count(value: object, field: str) -> int:
    """A positive integer given in Python (``True`` is not one)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise fail(field, value, "expected a positive integer")
    return value


def count_text(text: str, option: str) -> int:
    """A positive integer typed on the command line (ASCII digits only)."""
    if not re.fullmatch(r"\s*[0-9]+\s*", text) or int(text) < 1:
        raise SpecError(f"{option} {text!r}: expected a positive integer, such as 2")
    return int(text)


def sizes(value: object, field: str, ndims: Sequence[int] = (1, 2, 3)) -> tuple[int, ...]:
    """An input size given in Python: an integer (one axis) or a tuple of ``ndims`` sizes."""
    if isinstance(value, str):
        return sizes_text(value, field, max(ndims))
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value,)
    shape = "an integer" if ndims == (1,) else f"{' or '.join(map(str, ndims))} sizes"
    if not isinstance(value, (tuple, list)) or len(value) not in ndims:
        raise fail(field, value, f"expected {shape}")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise fail(field, value, f"expected {shape}")
    if any(v < 1 for v in value):
        raise fail(field, value, "every size must be at least 1")
    return tuple(value)


def sizes_text(text: str, option: str, max_ndim: int = 3) -> tuple[int, ...]:
    """``4``, ``3x3`` or ``2x2x2`` typed on the command line: 1 to ``max_ndim`` sizes."""
    ndim = len(re.split(r"[xX×]", text.strip()))
    if ndim > max_ndim:
        raise SpecError(
            f"{option} {text!r}: expected 1 to {max_ndim} sizes joined by 'x', such as '3x3'"
            if max_ndim > 1
            else f"{option} {text!r}: expected an integer, such as '4'"
        )
    return parse_size(text, option, ndim)


_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_RATIO = re.compile(r"[+-]?[0-9]+/[0-9]+")


def number_text(text: str, option: str) -> sympy.Rational:
    """An exact rational from a decimal (``0.01``, ``-2.5e-3``) or a ratio (``1/3``)
    typed on the command line; our own grammar, never an evaluation of the text."""
    body = text.strip()
    if not (_DECIMAL.fullmatch(body) or _RATIO.fullmatch(body)):
        raise SpecError(
            f"{option} {text!r}: expected a number, such as 0.01 (a decimal, or a ratio such "
            "as 1/3)"
        )
    if len(body) > 40:
        raise SpecError(f"{option} {text!r}: expected at most 40 characters")
    exponent = re.search(r"[eE]([+-]?[0-9]+)$", body)
    if exponent and abs(int(exponent.group(1))) > 20:
        raise SpecError(f"{option} {text!r}: the exponent must be between -20 and 20")
    if _RATIO.fullmatch(body) and int(body.split("/")[1]) == 0:
        raise SpecError(f"{option} {text!r}: the denominator must not be 0")
    exact = Fraction(body)
    return sympy.Rational(exact.numerator, exact.denominator)


def number(value: object, field: str) -> sympy.Rational:
    """An exact rational from a Python int, float (its shortest decimal: 0.01 is
    1/100), Fraction, SymPy Rational, or a string as the command line takes it."""
    if isinstance(value, bool):
        raise fail(field, value, "expected a number, such as 0.01")
    if isinstance(value, str):
        try:
            return number_text(value, field)
        except SpecError:
            raise fail(field, value, "expected a number, such as 0.01") from None
    if isinstance(value, int):
        return sympy.Rational(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise fail(field, value, "expected a finite number")
        exact = Fraction(repr(value))
        return sympy.Rational(exact.numerator, exact.denominator)
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if isinstance(value, sympy.Rational):
        return value
    raise fail(field, value, "expected a number, such as 0.01")


def decimal_text(value: sympy.Rational) -> str:
    """``0.01`` for 1/100; ``1/3`` for a ratio with no finite decimal."""
    q = int(value.q)
    twos = fives = 0
    while q % 2 == 0:
        q //= 2
        twos += 1
    while q % 5 == 0:
        q //= 5
        fives += 1
    if q != 1:
        return f"{value.p}/{value.q}"
    digits = max(twos, fives)
    if digits == 0:
        return str(value.p)
    scaled = abs(int(value.p)) * 10**digits // int(value.q)
    sign = "-" if value < 0 else ""
    whole, frac = divmod(scaled, 10**digits)
    return f"{sign}{whole}.{frac:0{digits}d}".rstrip("0")


def quoting(shown: Mapping[str, tuple[str, str]], build: Callable[[], T]) -> T:
    """Run ``build``; a :class:`SpecError` about a field in ``shown`` (field ->
    (option, text as typed)) is re-raised quoting the option as it was typed."""
    try:
        return build()
    except SpecError as exc:
        if exc.field is None or exc.field not in shown or exc.rule is None:
            raise
        option, text = shown[exc.field]
        raise SpecError(f"{option} {text!r}: {exc.rule}") from None


def load_json(path_text: str, bad: Callable[[str], SpecError]) -> object:
    """The JSON document in the file ``path_text``, read as UTF-8 text; a file that cannot
    be read or is not JSON raises ``bad(problem)`` (the caller's one-line error)."""
    try:
        raw = Path(path_text).read_bytes()
    except OSError as exc:
        raise bad(f"cannot read it ({exc.strerror or exc})") from None
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise bad("not JSON (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise bad(f"not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except RecursionError:
        raise bad("not JSON that symderiv reads (nested too deeply)") from None
