"""The worked numbers' fixed texts in every language, registered in the one table of
:mod:`symderiv.render.messages`."""

from __future__ import annotations

from ..render.messages import register, text

__all__ = ["text"]

register(
    {
        "numbers.heading": {"en": "Worked numbers", "zh": "数值算例"},
        "numbers.intro": {
            "en": "The same derivation with numbers, to check by hand: {source},\nsubstituted "
            "into the derived elements above, term by term, in exact arithmetic.{maxpool}",
            "zh": "用数值把同一推导再走一遍，以便手算核对：{source}，\n逐项代入上面推导出的"
            "各元素，精确计算。{maxpool}",
        },
        "numbers.seed": {
            "en": "integers from ${low}$ to ${high}$ drawn with numpy's `default_rng({seed})` "
            "(`--seed {seed}`)",
            "zh": "用 numpy 的 `default_rng({seed})` 抽取的 ${low}$ 到 ${high}$ 之间的整数"
            "（`--seed {seed}`）",
        },
        "numbers.file": {
            "en": "the integers of `{name}` (`--values`)",
            "zh": "`{name}` 中的整数（`--values`）",
        },
        "numbers.given": {"en": "the integers given", "zh": "给定的整数"},
        "numbers.drawn": {
            "en": ", and for {letters} integers from ${low}$ to ${high}$ as `--seed 0` draws them",
            "zh": "，{letters} 则按 `--seed 0` 抽取 ${low}$ 到 ${high}$ 之间的整数",
        },
        "numbers.maxpool": {
            "en": " The values of $A$ are the layer's own: they set the switches.",
            "zh": "$A$ 的取值就是该层自己的取值：它们决定开关。",
        },
        "numbers.forward": {
            "en": "The forward pass at these values:",
            "zh": "这些取值下的前向传播：",
        },
        "numbers.forward_example": {
            "en": "The forward pass at these values, and its first element term by term:",
            "zh": "这些取值下的前向传播，以及它的第一个元素的逐项计算：",
        },
        "numbers.gradient": {
            "en": "${g}$, term by term:",
            "zh": "${g}$，逐项计算：",
        },
        "numbers.gradient_some": {
            "en": "${g}$, term by term (the first {shown} of {total} elements):",
            "zh": "${g}$，逐项计算（共 {total} 个元素中的前 {shown} 个）：",
        },
        "numbers.agrees": {
            "en": "The plain-loop numpy reference gives the same numbers for the forward pass "
            "and every gradient.",
            "zh": "独立的 numpy 逐项循环参考实现对前向传播和每个梯度给出相同的数值。",
        },
        "numbers.disagrees": {
            "en": "The plain-loop numpy reference gives DIFFERENT numbers: NOT VERIFIED.",
            "zh": "独立的 numpy 逐项循环参考实现给出不同的数值：未通过验证（NOT VERIFIED）。",
        },
        "numbers.too_wide": {"en": "too wide to print", "zh": "太宽，此处不印出"},
    }
)
