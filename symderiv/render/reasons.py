# ruff: noqa: E501  (a Chinese character counts as two columns; a text reads best whole)
"""Why a closed form could not be evaluated (``Failure.reason``: the text of the ValueError the
layer's ``evaluate`` or an array operator raised), in the sheet's language.

The reasons are data (the JSON keeps them as raised, in English); a sheet shows the ones this
table knows in its own language, and any other as it was raised.
"""

from __future__ import annotations

import re

from .messages import register, text

__all__ = ["reason_text"]

register(
    {
        "reason.gives": {
            "en": "The formula gives a {got} {what}, the gradient is {want}",
            "zh": "公式给出的{what}形状是 {got}，而梯度的形状是 {want}",
        },
        "reason.what.map": {"en": "map", "zh": "特征图"},
        "reason.what.matrix": {"en": "matrix", "zh": "矩阵"},
        "reason.what.tensor": {"en": "tensor", "zh": "张量"},
        "reason.what.row": {"en": "row", "zh": "行向量"},
        "reason.shapes": {
            "en": "The shapes do not fit: {why}",
            "zh": "形状不匹配：{why}",
        },
        "reason.matmul": {
            "en": "matrix product of {a} and {b}",
            "zh": "{a} 与 {b} 的矩阵乘积",
        },
        "reason.hadamard": {
            "en": "element-wise product of {a} and {b}",
            "zh": "{a} 与 {b} 的逐元素乘积",
        },
        "reason.sum": {"en": "sum of {a} and {b}", "zh": "{a} 与 {b} 之和"},
        "reason.down": {
            "en": "down of {a} by blocks of {b}: sizes do not divide",
            "zh": "把 {a} 按 {b} 的块做 down：尺寸不能整除",
        },
        "reason.window": {
            "en": "window {u} of D runs past the padded input {shape}",
            "zh": "D 的窗口 {u} 超出了补边后的输入 {shape}",
        },
    }
)

_SHAPE = r"(\([0-9, ]*\))"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"The formula gives a {_SHAPE} (map|matrix|tensor|row), the gradient is {_SHAPE}"), "gives"),
    (re.compile(r"The shapes do not fit: (.+)"), "shapes"),
    (re.compile(rf"matrix product of {_SHAPE} and {_SHAPE}"), "matmul"),
    (re.compile(rf"element-wise product of {_SHAPE} and {_SHAPE}"), "hadamard"),
    (re.compile(rf"sum of {_SHAPE} and {_SHAPE}"), "sum"),
    (re.compile(rf"down of {_SHAPE} by blocks of {_SHAPE}: sizes do not divide"), "down"),
    (re.compile(rf"window {_SHAPE} of D runs past the padded input {_SHAPE}"), "window"),
)


def reason_text(reason: str, lang: str) -> str:
    """``reason`` in ``lang`` when the table knows its form, else as it was raised."""
    for pattern, name in _PATTERNS:
        m = pattern.fullmatch(reason)
        if m is None:
            continue
        if name == "gives":
            what = text(f"reason.what.{m[2]}", lang)
            return text("reason.gives", lang, got=m[1], what=what, want=m[3])
        if name == "shapes":
            return text("reason.shapes", lang, why=reason_text(m[1], lang))
        if name == "window":
            return text("reason.window", lang, u=m[1], shape=m[2])
        return text(f"reason.{name}", lang, a=m[1], b=m[2])
    return reason
