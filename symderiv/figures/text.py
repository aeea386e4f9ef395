"""A figure's :class:`~.model.Text` as LaTeX and as plain Unicode, the same for both renderers."""

from __future__ import annotations

import re

from ..render.sheet import tex_text
from .model import Text

__all__ = ["FRACTIONS", "math_latex", "text_latex", "unicode_base"]

FRACTIONS = {
    (1, 2): "½",
    (1, 3): "⅓",
    (2, 3): "⅔",
    (1, 4): "¼",
    (3, 4): "¾",
    (1, 5): "⅕",
    (1, 6): "⅙",
    (1, 7): "⅐",
    (1, 8): "⅛",
    (1, 9): "⅑",
    (1, 10): "⅒",
}
"""Unicode's vulgar fractions (a max-pooling share fits a cell), by (numerator,
denominator)."""

_MATH_OK = re.compile(r"[A-Za-z0-9 +\-/().,:=∂−·×∞′" + "".join(FRACTIONS.values()) + r"]*")
_MATH_TEX = {
    "∂": r"\partial ",
    "−": "-",
    "·": r"\cdot ",
    "×": r"\times ",
    "∞": r"\infty ",
    **{ch: rf"\tfrac{{{p}}}{{{q}}}" for (p, q), ch in FRACTIONS.items()},
    "′": "'",
}
_GREEK = {"alpha": (r"\alpha", "α"), "beta": (r"\beta", "β")}


def _math(part: str) -> str:
    if not _MATH_OK.fullmatch(part):
        raise ValueError(f"figure text {part!r} is not mathematics symderiv writes")
    if part in _GREEK:
        return _GREEK[part][0]
    return "".join(_MATH_TEX.get(ch, ch) for ch in part)


def math_latex(t: Text) -> str:
    """The math content of ``t`` (without dollars): ``A^{(0,1)}_{01}``."""
    out = _math(t.base)
    if t.sup:
        out += "^{" + _math(t.sup) + "}"
    if t.sub:
        out += "_{" + _math(t.sub) + "}"
    return out


_OT1 = {"<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}"}
"""Characters the sheets' OT1 text fonts print as other glyphs (¡, ¿, —)."""


def _text(part: str) -> str:
    return "".join(_OT1.get(ch) or tex_text(ch) for ch in part)


def text_latex(t: Text) -> str:
    """``t`` for a TikZ node: math in dollars, other text escaped for text mode so that it
    prints literally."""
    if t.math:
        return "$" + math_latex(t) + "$"
    out = _text(t.base)
    if t.sup:
        out += r"\textsuperscript{" + _text(t.sup) + "}"
    if t.sub:
        out += r"\textsubscript{" + _text(t.sub) + "}"
    return out


def unicode_base(t: Text) -> str:
    """The base as an SVG shows it (a Greek name as its letter, ``-`` as a minus sign)."""
    if t.math and t.base in _GREEK:
        return _GREEK[t.base][1]
    if t.math:
        return t.base.replace("-", "−")
    return t.base
