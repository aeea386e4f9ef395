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
    "SymderivError",
]


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


class SizeLimitError(SymderivError):
    """A derivation predicted to be larger than the allowed number of terms."""


class OutputError(SymderivError):
    """A file that cannot or must not be written."""


class LatexBuildError(SymderivError):
    """pdflatex failed, or its log shows errors or overfull boxes."""
