"""The exceptions symderiv raises.

Every message is one line that quotes the offending input and says what
would be valid; the command line prints it as ``symderiv: error: ...`` and
exits with status 2.
"""

from __future__ import annotations

__all__ = [
    "LatexBuildError",
    "OutputError",
    "SizeLimitError",
    "SpecError",
    "SpecTypeError",
    "SymderivError",
    "quoted",
]

_SHOWN = 60  # characters of a value a message quotes before it shortens it


class SymderivError(Exception):
    """Base class of every error symderiv raises on purpose."""


class SpecError(SymderivError, ValueError):
    """A layer specification that cannot describe a real layer.

    ``field`` names the parameter at fault and ``rule`` says what is wrong with it,
    so a front end can quote the value the way its user typed it.
    """

    def __init__(self, message: str, *, field: str | None = None, rule: str | None = None):
        super().__init__(message)
        self.field = field
        self.rule = rule


class SpecTypeError(SpecError, TypeError):
    """An argument of the wrong type, or a keyword the layer does not take
    (also a :class:`TypeError`, as Python's own would be)."""


class SizeLimitError(SymderivError):
    """A derivation predicted to be larger than the allowed number of terms."""


class OutputError(SymderivError):
    """A file that cannot or must not be written."""


class LatexBuildError(SymderivError):
    """pdflatex failed, or its log shows errors or overfull boxes."""


def quoted(value: object) -> str:
    """``repr(value)`` for a message: on one line, and shortened when long (a 5,000-digit
    string or integer is quoted by its start and its length, never converted whole)."""
    if isinstance(value, str):
        if len(value) <= _SHOWN:
            return repr(value)
        return f"{value[:40]!r}… ({len(value):,} characters)"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        try:
            digits = f"{len(str(abs(value))):,}"
        except ValueError:  # beyond what Python converts to text
            digits = "thousands of"
        return f"<an integer of {digits} digits>"
    if isinstance(value, (tuple, list)):
        items = [quoted(v) for v in value[:8]] + (["…"] if len(value) > 8 else [])
        body = ", ".join(items) + ("," if isinstance(value, tuple) and len(value) == 1 else "")
        return ("({})" if isinstance(value, tuple) else "[{}]").format(body)
    try:
        text = repr(value)
    except Exception:  # a value whose repr fails is still named
        text = f"<{type(value).__name__}>"
    text = text.replace("\n", "\\n")
    return text if len(text) <= 2 * _SHOWN else text[: 2 * _SHOWN] + "…"
