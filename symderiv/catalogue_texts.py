# ruff: noqa: E501  (a Chinese character counts as two columns; a text reads best whole)
"""The catalogue's fixed texts, in every language (see :mod:`symderiv.render.messages`); the
identities themselves (their sources, statements and readings) are data and stay as written."""

from __future__ import annotations

from .render.messages import register

__all__: list[str] = []

register(
    {
        "catalogue.title": {
            "en": "Published backpropagation identities, checked",
            "zh": "已发表的反向传播恒等式及其检验",
        },
        "catalogue.author": {"en": "Checked by symderiv {version}", "zh": "由 symderiv {version} 检验"},
        "catalogue.intro": {
            "en": "Each identity is stated as its source writes it, read in symderiv's formula "
            "language, and proved\nor refuted element by element on a representative layer, in "
            "the convention it is stated for and in\nthe other one. A refutation shows its first "
            "failing element.",
            "zh": "每个恒等式都按其出处的写法给出，用 symderiv 的公式语言读入，\n"
            "并在一个有代表性的层上逐元素证明或驳倒：既在它所声称的约定下，\n也在另一个约定下。"
            "驳倒时给出第一个不成立的元素。",
        },
        "catalogue.source": {"en": "Source:", "zh": "出处："},
        "catalogue.stated": {"en": "Stated:", "zh": "原文："},
        "catalogue.stated_for": {
            "en": " (for the {convention} convention)",
            "zh": "（针对{convention}约定）",
        },
        "catalogue.read_as": {"en": "Read as {formula} for {of}", "zh": "读作 {of} 的 {formula}"},
        "catalogue.its_one": {"en": "at its one element", "zh": "在它唯一的元素上"},
        "catalogue.all": {"en": "at all {n} elements", "zh": "在全部 {n} 个元素上"},
        "catalogue.undecided": {"en": "undecided", "zh": "未判定"},
        "catalogue.not_claimed": {"en": " (not claimed to hold)", "zh": "（不声称它成立）"},
        "catalogue.fails_at": {"en": ", at {n} of {m} elements", "zh": "，在 {m} 个元素中的 {n} 个上"},
        "catalogue.given": {"en": ", compared given {given}", "zh": "，在条件 {given} 下比较"},
        "catalogue.diagnosis": {"en": "Diagnosis:", "zh": "诊断："},
        "catalogue.as_written": {"en": "As written,", "zh": "按原样写，"},
        "catalogue.col.identity": {"en": "identity", "zh": "恒等式"},
        "catalogue.col.source": {"en": "source", "zh": "出处"},
        "catalogue.col.for": {"en": "for", "zh": "对象"},
        "catalogue.col.holds_in": {"en": "holds in", "zh": "成立于"},
        "catalogue.the_layer": {"en": "the layer", "zh": "该层"},
        "catalogue.none": {"en": "none", "zh": "无"},
        # the plain-text catalogue (`symderiv catalogue`, for a terminal)
        "catalogue.text.read_as": {"en": "read as dE/d{of} = {formula}", "zh": "读作 dE/d{of} = {formula}"},
        "catalogue.text.convention": {"en": "{convention} convention, ", "zh": "{convention}约定，"},
        "catalogue.text.verdict": {
            "en": "{where}{layer}: {verdict}{given}",
            "zh": "{where}{layer}：{verdict}{given}",
        },
        "catalogue.text.given": {"en": " (compared given {given})", "zh": "（在条件 {given} 下比较）"},
        "catalogue.text.first_at": {"en": "first at {at}: ", "zh": "第一处 {at}："},
        "catalogue.text.derived": {"en": "derived {derived}", "zh": "推导 {derived}"},
        "catalogue.text.formula": {"en": "formula {formula}", "zh": "公式 {formula}"},
        "catalogue.text.diagnosis": {"en": "diagnosis: {diagnosis}", "zh": "诊断：{diagnosis}"},
    }
)
