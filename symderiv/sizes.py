"""Sizes: the ``4x4`` grammar of the command line, and the output-size rules.

Every layer's output size comes from here, so the rule is written once.
"""

from __future__ import annotations

import re

from .exceptions import SpecError

__all__ = ["conv_output_size", "parse_size", "transposed_output_size"]


def conv_output_size(n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """Positions of a (strided, dilated) valid window over a zero-padded axis:
    ``floor((n + 2p - d(k-1) - 1) / s) + 1`` (PyTorch's convolution and pooling rule)."""
    return (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1


def transposed_output_size(
    n: int, k: int, stride: int = 1, padding: int = 0, dilation: int = 1, output_padding: int = 0
) -> int:
    """A transposed convolution's output: ``(n-1)s - 2p + d(k-1) + output_padding + 1``."""
    return (n - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1


_SIZE_RE = re.compile(r"^\s*(-?[0-9]+)(\s*[xX×]\s*-?[0-9]+)*\s*$")


_EXAMPLE_VALUE = {"--input": "4", "--kernel": "2", "--padding": "1", "--output-padding": "1"}


def parse_size(text: str, option: str, ndim: int, *, minimum: int = 1) -> tuple[int, ...]:
    """Parse ``"4x4"`` (or ``"4"``, meaning the same on every axis) into a tuple.

    Our own small grammar (integers joined by ``x``); raises :class:`SpecError`
    quoting ``text`` when it is malformed, has the wrong number of axes, or holds
    a number below ``minimum``.
    """
    example = "x".join([_EXAMPLE_VALUE.get(option, "2")] * ndim)
    if ndim == 1:
        expected = f"expected an integer, such as {example!r}"
    else:
        expected = (
            f"expected {ndim} integers joined by 'x' (or one for every axis), such as {example!r}"
        )
    if not _SIZE_RE.match(text):
        raise SpecError(f"{option} {text!r}: {expected}")
    parts = tuple(int(p) for p in re.split(r"[xX×]", text.strip()))
    if len(parts) == 1:
        parts = parts * ndim
    if len(parts) != ndim:
        values = "values" if ndim > 1 else "value"
        raise SpecError(f"{option} {text!r}: a {ndim}-D layer takes {ndim} {values}; {expected}")
    noun = "size" if option in ("--input", "--kernel") else "value"
    for p in parts:
        if p < minimum:
            raise SpecError(f"{option} {text!r}: every {noun} must be at least {minimum}")
    return parts
