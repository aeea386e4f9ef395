"""Sizes: the ``4x4`` grammar of the command line, and the output-size rules.

Every layer's output size comes from here, so the rule is written once.
"""

from __future__ import annotations

import re

from .exceptions import SpecError, SpecTypeError, quoted

__all__ = [
    "MAX_DIGITS",
    "conv_output_size",
    "linked_pairs",
    "number",
    "parse_size",
    "transposed_output_size",
]

MAX_DIGITS = 100
"""No number symderiv takes has more digits: a longer one is refused before it is
converted (Python converts at most 4300), and products of sizes stay printable."""


def conv_output_size(n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Positions of a (strided, dilated) valid window over a zero-padded axis:
    ``floor((n + 2p - d(k-1) - 1) / s) + 1`` (PyTorch's convolution and pooling rule)."""
    return (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1


def transposed_output_size(
    n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1, output_padding: int = 0
) -> int:
    """A transposed convolution's output: ``(n-1)s - 2p + d(k-1) + output_padding + 1``."""
    return (n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1


def _floor_sum(n: int, m: int, a: int, b: int) -> int:
    """sum_{i<n} floor((a·i + b) / m) for n, a, b >= 0 and m >= 1, in O(log)."""
    total = 0
    while True:
        if a >= m:
            total += n * (n - 1) // 2 * (a // m)
            a %= m
        if b >= m:
            total += n * (b // m)
            b %= m
        y_max = a * n + b
        if y_max < m:
            return total
        n, b = divmod(y_max, m)
        m, a = a, m


def _pairs_below(t: int, s: int, d: int, k: int) -> int:
    """#{(x, p): x >= 0, 0 <= p < k, s·x + d·p <= t}."""
    if t < 0:
        return 0
    last = min(k - 1, t // d)  # p = 0 .. last, each with floor((t - d·p)/s) + 1 values of x
    return _floor_sum(last + 1, s, d, t - d * last) + last + 1


def linked_pairs(n: int, k: int, s: int, d: int, lo: int, hi: int) -> int:
    """#{(x, p): 0 <= x < n, 0 <= p < k, lo <= s·x + d·p < hi}, in O(log) of the sizes.

    For a direct layer's axis (x an output, p a kernel index, lo = pad, hi = pad + H)
    it is the number of taps that read the input; for a transposed one (x an input)
    the number that land in the output."""

    def upto(t: int) -> int:  # pairs with x < n and s·x + d·p <= t
        return _pairs_below(t, s, d, k) - _pairs_below(t - s * n, s, d, k)

    return max(0, upto(hi - 1) - upto(lo - 1))


def _check_digits(piece: str, text: str, option: str) -> None:
    digits = piece.strip().lstrip("-")
    if len(digits) > MAX_DIGITS:
        raise SpecError(
            f"{option} {quoted(text)}: a number of {len(digits):,} digits; "
            f"symderiv takes at most {MAX_DIGITS}"
        )


def number(text: str, option: str) -> int:
    """The integer in ``text`` (already checked to be digits), refused quoting ``text``
    when it has more than :data:`MAX_DIGITS` digits, before Python converts it."""
    _check_digits(text, text, option)
    return int(text)


_SIZE_RE = re.compile(r"^\s*(-?[0-9]+)(\s*[xX×]\s*-?[0-9]+)*\s*$")


_EXAMPLE_VALUE = {"--input": "4", "--kernel": "2", "--padding": "1", "--output-padding": "1"}


def parse_size(text: str, option: str, ndim: int, *, minimum: int = 1) -> tuple[int, ...]:
    """Parse ``"4x4"`` (or ``"4"``, meaning the same on every axis) into a tuple.

    Our own small grammar (integers joined by ``x``); raises :class:`SpecError`
    quoting ``text`` when it is malformed, has the wrong number of axes, or holds
    a number below ``minimum``.
    """
    key = "--" + option.lstrip("-").replace("_", "-")  # "input" (Python) as "--input"
    example = "x".join([_EXAMPLE_VALUE.get(key, "2")] * ndim)
    if ndim == 1:
        expected = f"expected an integer, such as {example!r}"
    else:
        expected = (
            f"expected {ndim} integers joined by 'x' (or one for every axis), such as {example!r}"
        )
    if not isinstance(text, str):
        raise SpecTypeError(f"{option} {quoted(text)}: {expected}")
    if not _SIZE_RE.match(text):
        raise SpecError(f"{option} {quoted(text)}: {expected}")
    pieces = re.split(r"[xX×]", text.strip())
    for piece in pieces:
        _check_digits(piece, text, option)
    parts = tuple(int(p) for p in pieces)
    if len(parts) == 1:
        parts = parts * ndim
    if len(parts) != ndim:
        values = "values" if ndim > 1 else "value"
        raise SpecError(
            f"{option} {quoted(text)}: a {ndim}-D layer takes {ndim} {values}; {expected}"
        )
    noun = "size" if option in ("--input", "--kernel") else "value"
    for p in parts:
        if p < minimum:
            raise SpecError(f"{option} {quoted(text)}: every {noun} must be at least {minimum}")
    return parts
