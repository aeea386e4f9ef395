"""Every fixed text of a handout, in English and Chinese, registered in symderiv's one
table of messages (:mod:`symderiv.render.messages`) under ``handout.<key>``.

Texts are in the sheets' prose markup (``**bold**``, ``*emphasis*``, `` `code` ``,
``$math$``), rendered to each format by the same filters as the sheets; ``{name}``
fields are filled by :func:`symderiv.render.messages.text` (``text("handout.stop",
lang)``); the mathematics is never translated.  Templates read them with the Jinja global ``_``:
``\\VAR{_("handout.exercise")}``.
"""

from __future__ import annotations

from ..render.messages import register

__all__ = ["TEXTS"]

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "generated": "Derived and proved by symderiv {version}.",
        "course": "Course",
        "date": "Date",
        "author": "Author",
        "exercises_title": "Exercises",
        "key_title": "Answer key",
        "exercise": "Exercise",
        "answer": "Answer",
        "exercises_intro": "Fill in every box. The answers are in the answer key, numbered the "
        "same way; each was read off the derivation that symderiv proved.",
        "key_intro": "The answers to the exercises, numbered as there. Each was taken from the "
        "derivation (the chain rule applied by SymPy to the forward pass) and the exact proofs.",
        "ex_terms": "Fill in the missing terms of the expansion:",
        "ex_contributions": "Which elements does ${x}$ multiply in the forward pass, and into "
        "which outputs do the products go?",
        "ex_expansion": "Write ${lhs}$ out as a sum of products.",
        "ex_choice": "Which of these formulas gives ${lhs}$ for this layer ({convention})? "
        "Tick every one that holds.",
        "ex_closed_form": "Complete the closed form:",
        "convention_named": "the {name} convention",
        "convention_layer": "as it is defined above",
        "ans_holds": "holds: proved equal to the derivation at all {checked} elements",
        "ans_holds_one": "holds: proved equal to the derivation at its one element",
        "ans_fails": "does not hold: it differs from the derivation at {failures} of "
        "{checked} elements",
        "ans_undecided": "undecided: not claimed to hold",
        "ans_fails_reason": "does not hold: {reason}",
        "ex_expansion_one": "Give ${lhs}$ in the layer's elements.",
        "ex_given_values": "Here $A = {matrix}$, and a window whose maximum is tied sends its "
        "delta to {rule}.",
        "ties_first": "the first of its maxima in row-major order (PyTorch's rule)",
        "ties_split": "all of its maxima in equal shares",
        "summary_more": "… and {count} more elements of the same form (the full version "
        "lists them all).",
        "slides_definition": "The layer",
        "slides_forward": "The forward pass",
        "slides_term_by_term": "{lhs}, term by term",
        "slides_more_terms": "{count} terms in all; the handout lists every one.",
        "slides_padded": "The padded delta",
        "slides_which": "Which formula holds?",
        "slides_verdict": "Verdict",
        "slides_verified": "Every gradient was derived by the chain rule; every formula of "
        "this layer that holds was proved equal to it exactly, every stated mistake was "
        "refuted at an element, and the numbers agree.",
        "slides_not_verified": "NOT VERIFIED: see the handout.",
        "slides_net_layers": "The network's layers and their outputs",
        "slides_net_forward": "The forward pass, layer by layer",
        "slides_net_loss": "The loss and the delta at the output",
        "slides_net_backward": "The backward pass: each layer passes its delta back",
        "slides_net_gradients": "Each layer's parameter gradients, from its own delta",
        "slides_net_verified": "Every parameter gradient of the delta recursion was proved "
        "equal, element by element, to the derivative of the loss itself, and the numbers "
        "agree.",
        "notebook_intro": "This notebook re-runs the derivations of the handout with "
        "symderiv's Python API (`pip install symderiv`).",
        "notebook_derive": "Derive, prove and cross-check the layer:",
        "notebook_inspect": "One gradient element as exact terms, and every closed form with "
        "its verdict:",
        "ex_net_expansion": "Write out ${lhs}$, an element of the delta that layer {layer} "
        "passes back, as a sum of terms in the elements of ${delta}$ (and of the layer's "
        "parameters and input, where it has them).",
        "ex_net_closed_form": "Layer {layer} (`{kind}`) receives the delta ${delta}$ of its "
        "output. Give the delta of its input:",
        "notebook_derive_network": "Read the network's file, then derive, prove and "
        "cross-check the whole backward pass:",
        "notebook_inspect_network": "Every parameter gradient: the delta recursion against "
        "the end-to-end derivative of the loss:",
        "stop": ".",
        "colon": ": ",
    },
    "zh": {
        "generated": "由 symderiv {version} 推导并证明。",
        "course": "课程",
        "date": "日期",
        "author": "作者",
        "exercises_title": "练习",
        "key_title": "答案",
        "exercise": "练习",
        "answer": "答案",
        "exercises_intro": "请填写每个方框。答案按相同编号列在答案页中；每个答案都取自 "
        "symderiv 证明过的推导。",
        "key_intro": "练习的答案，编号与练习相同。每个答案都取自推导（SymPy "
        "对前向传播应用链式法则）和精确证明。",
        "ex_terms": "填写展开式中缺少的项：",
        "ex_contributions": "在前向传播中，${x}$ 与哪些元素相乘？乘积分别进入哪些输出？",
        "ex_expansion": "把 ${lhs}$ 写成乘积之和。",
        "ex_choice": "对这一层（{convention}），下列哪些公式给出 ${lhs}$？勾选所有成立的公式。",
        "ex_closed_form": "补全闭式公式：",
        "convention_named": "{name}约定",
        "convention_layer": "按上文的定义",
        "ans_holds": "成立：在全部 {checked} 个元素上证明与推导相等",
        "ans_holds_one": "成立：在唯一的元素上证明与推导相等",
        "ans_fails": "不成立：在 {checked} 个元素中有 {failures} 个与推导不同",
        "ans_undecided": "未判定：不声称成立",
        "ans_fails_reason": "不成立：{reason}",
        "ex_expansion_one": "用这一层的元素写出 ${lhs}$。",
        "ex_given_values": "设 $A = {matrix}$；若一个窗口的最大值不唯一，其误差项传给{rule}。",
        "ties_first": "按行优先顺序的第一个最大值（PyTorch 的规则）",
        "ties_split": "所有最大值，平均分配",
        "summary_more": "……以及 {count} 个同样形式的元素（完整版列出全部）。",
        "slides_definition": "这一层",
        "slides_forward": "前向传播",
        "slides_term_by_term": "逐项展开 {lhs}",
        "slides_more_terms": "共 {count} 项；讲义列出了每一项。",
        "slides_padded": "补零后的误差项",
        "slides_which": "哪个公式成立？",
        "slides_verdict": "结论",
        "slides_verified": "每个梯度都由链式法则推导；这一层成立的每个公式都被精确证明与之相等，"
        "列出的每个常见错误都在某个元素上被否定，数值检验也一致。",
        "slides_not_verified": "未通过验证：见讲义。",
        "slides_net_layers": "网络的各层及其输出",
        "slides_net_forward": "前向传播，逐层计算",
        "slides_net_loss": "损失函数与输出层的误差项",
        "slides_net_backward": "反向传播：每一层把误差项传回前一层",
        "slides_net_gradients": "每一层参数的梯度，由该层自己的误差项得出",
        "slides_net_verified": "误差项递推给出的每个参数梯度都已逐元素精确证明"
        "等于损失函数本身的导数，数值检验也一致。",
        "notebook_intro": "本笔记本用 symderiv 的 Python 接口重新运行讲义中的推导"
        "（`pip install symderiv`）。",
        "notebook_derive": "推导、证明并数值检验这一层：",
        "notebook_inspect": "一个梯度元素的精确各项，以及每个闭式公式及其结论：",
        "ex_net_expansion": "第 {layer} 层把误差项传回前一层。把其中的元素 ${lhs}$ 写成 "
        "${delta}$ 的元素（以及该层参数和输入的元素，如有）的乘积之和。",
        "ex_net_closed_form": "第 {layer} 层（`{kind}`）得到其输出的误差项 ${delta}$。"
        "写出其输入的误差项：",
        "notebook_derive_network": "读取网络文件，推导、证明并数值检验整个反向传播：",
        "notebook_inspect_network": "每个参数的梯度：误差项递推与损失函数端到端求导的比较：",
        "stop": "。",
        "colon": "：",
    },
}


register({f"handout.{key}": {lang: TEXTS[lang][key] for lang in TEXTS} for key in TEXTS["en"]})
