"""Every fixed text symderiv prints on a sheet, in every language it speaks: one table.

The API is small on purpose::

    LANGUAGES                       ("en", "zh"): en builds with pdflatex, zh with xelatex + ctex
    text(msg_id, lang, **fields)    the message in that language, fields filled in
    register(table)                 add a module's own messages to the one table
    translator(lang)                ``text`` with the language bound: ``_ = translator("zh")``
    language(value, option=...)     check a language code (SpecError quoting it otherwise)
    MESSAGES                        the table, read-only: id -> {"en": ..., "zh": ...}

*Ids* are dotted, area first: ``sheet.author``, ``verdict.holds``, ``conv.story.kernel``,
``handout.exercise`` (another module registers its own area).  *Texts* are whatever their
caller renders: mostly the sheets' prose markup (``**bold**``, ``*emphasis*``, `` `code` ``,
``$math$``, and ``\\n`` for a LaTeX line break that Markdown joins with a space), so the
templates pass them through ``prose_tex``/``prose_md`` as before.  The mathematics inside
``$...$`` is the same in every language.

*Fields*: ``{name}`` in a text is replaced by ``fields["name"]`` (``str()`` of it).  Only
names given are replaced, so LaTeX braces such as ``\\mathrm{valid}`` stay as they are;
giving a field the text does not contain is a ``KeyError`` (a typo is never silent), and so
is an unknown id or language.

In templates the Jinja global ``_`` looks a message up in the language of the rendering
(the template variable ``lang``): ``\\VAR{_("verdict.holds")}``, ``\\VAR{_("x.y", n=3)}``;
a macro that calls it must be imported ``with context``.

A module registers its messages at import time::

    from symderiv.render.messages import register, text
    register({"handout.answers": {"en": "Answers", "zh": "答案"}})
    text("handout.answers", "zh")   # '答案'

The tests check that every message has every language, that a text's fields are the same in
each language, and that every id the code and templates use exists.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType

from ..exceptions import SpecError

__all__ = [
    "DYNAMIC",
    "LANGUAGES",
    "MESSAGES",
    "fields_of",
    "language",
    "register",
    "role_id",
    "text",
    "translator",
]

LANGUAGES: tuple[str, ...] = ("en", "zh")

#: id prefixes whose ids are made from data (a tensor's role): see :func:`role_id`
DYNAMIC: tuple[str, ...] = ("role.",)

_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

_TABLE: dict[str, dict[str, str]] = {}

MESSAGES: Mapping[str, Mapping[str, str]] = MappingProxyType(_TABLE)


def fields_of(message: str) -> set[str]:
    """The ``{name}`` placeholders a text could fill (LaTeX groups such as ``{valid}`` too:
    the test compares these sets across languages, where the math is identical)."""
    return set(_FIELD.findall(message))


def role_id(role: str) -> str:
    """The message id of a tensor's role: ``"multiplicative bias"`` -> ``role.multiplicative_bias``."""
    return "role." + re.sub(r"\W+", "_", role).strip("_")


def register(table: Mapping[str, Mapping[str, str]]) -> None:
    """Add messages ``{id: {"en": ..., "zh": ...}}`` to the one table.

    Every language is required; registering an id again with the same texts is allowed
    (a module imported twice), with other texts a ``ValueError``."""
    for msg_id, texts in table.items():
        missing = [lang for lang in LANGUAGES if not texts.get(lang)]
        if missing:
            raise ValueError(f"message {msg_id!r}: no text for {', '.join(missing)}")
        extra = sorted(set(texts) - set(LANGUAGES))
        if extra:
            raise ValueError(f"message {msg_id!r}: unknown language(s) {', '.join(extra)}")
        old = _TABLE.get(msg_id)
        if old is not None and old != dict(texts):
            raise ValueError(f"message {msg_id!r} is registered already with other texts")
        _TABLE[msg_id] = {lang: texts[lang] for lang in LANGUAGES}


def text(msg_id: str, lang: str, /, **fields: object) -> str:
    """The message ``msg_id`` in ``lang``, each ``{name}`` replaced by ``fields[name]``."""
    try:
        message = _TABLE[msg_id][lang]
    except KeyError:
        if msg_id not in _TABLE:
            raise KeyError(f"no message {msg_id!r}") from None
        raise KeyError(f"message {msg_id!r}: no language {lang!r}") from None
    if not fields:
        return message
    unused = sorted(set(fields) - fields_of(message))
    if unused:
        raise KeyError(f"message {msg_id!r} has no field(s) {', '.join(unused)}")
    return _FIELD.sub(
        lambda m: str(fields[m.group(1)]) if m.group(1) in fields else m.group(0), message
    )


def translator(lang: str) -> Callable[..., str]:
    """``text`` with the language bound (checked): ``_ = translator("en"); _("sheet.author",
    version="1.0")``."""
    language(lang)

    def translate(msg_id: str, /, **fields: object) -> str:
        return text(msg_id, lang, **fields)

    return translate


def language(value: object, option: str = "lang") -> str:
    """``value`` if it is a language symderiv speaks; else a SpecError quoting it."""
    if isinstance(value, str) and value in LANGUAGES:
        return value
    raise SpecError(
        f"{option} {value!r}: expected one of {', '.join(LANGUAGES)}",
        field=option,
        rule=f"expected one of {', '.join(LANGUAGES)}",
    )


# ---------------------------------------------------------------------------
# the sheets' own messages (other modules register theirs with register())
# ---------------------------------------------------------------------------

register(
    {
        # the skeletons
        "sheet.author": {
            "en": "Derived and proved by symderiv {version}",
            "zh": "由 symderiv {version} 推导并证明",
        },
        "sheet.author_md": {
            "en": "*Derived and proved by symderiv {version}.*",
            "zh": "*由 symderiv {version} 推导并证明。*",
        },
    }
)

register(
    {
        # a fragment's header comment
        "fragment.comment": {
            "en": "A fragment: no preamble; \\input it into the body of your own notes.",
            "zh": "片段：不含导言区；在您自己讲义的正文中用 \\input 引入。",
        },
        "fragment.packages": {
            "en": "It needs: \\usepackage{amsmath,amssymb,array,booktabs,longtable}.",
            "zh": "所需宏包：\\usepackage{amsmath,amssymb,array,booktabs,longtable}。",
        },
        "fragment.packages_zh": {
            "en": "Chinese text: compile with xelatex and \\usepackage[UTF8]{ctex}.",
            "zh": "中文：用 xelatex 编译，并加载 \\usepackage[UTF8]{ctex}。",
        },
        # the notation box
        "notation.heading": {"en": "Notation.", "zh": "记号。"},
        "notation.loss": {
            "en": "$E$ is the *loss* (error) of the whole network: one number, which training "
            "lowers;\nbackpropagation gives its derivative with respect to every parameter and "
            "input.",
            "zh": "$E$ 是整个网络的*损失*（误差）：一个数，训练使之减小；\n反向传播求出它对每个参数和"
            "输入的导数。",
        },
        "notation.delta": {
            "en": "$D = \\partial E/\\partial Z$ is the *delta* (sensitivity) of the output $Z$, "
            "handed down by the layer above: $D_{u} = \\partial E/\\partial Z_{u}$ for every "
            "output element.",
            "zh": "$D = \\partial E/\\partial Z$ 是输出 $Z$ 的*误差项*（灵敏度），由上一层传下来："
            "对每个输出元素 $D_{u} = \\partial E/\\partial Z_{u}$。",
        },
        "notation.no_delta": {
            "en": "A loss is the last layer: its output is $E$ itself, so there is no delta "
            "above it; $E$ is differentiated directly.",
            "zh": "损失是最后一层：它的输出就是 $E$ 本身，上面没有误差项；直接对 $E$ 求导。",
        },
        "notation.indices": {
            "en": "Subscripts give positions, counted from 0{commas}; a letter without "
            "subscripts is the whole tensor.",
            "zh": "下标表示位置，从 0 开始计数{commas}；不带下标的字母表示整个张量。",
        },
        "notation.commas": {
            "en": " (with commas between the indices)",
            "zh": "（下标之间用逗号分隔）",
        },
        "notation.maps": {
            "en": "A superscript in parentheses names the batch item and the channel of a map: "
            "$A^{(n,c)}$; it is left out when there is only one.",
            "zh": "圆括号上标表示一个特征图所属的批次样本和通道：$A^{(n,c)}$；只有一个时省略。",
        },
        "notation.layers": {
            "en": "A superscript in square brackets names a layer: $Z^{[\\ell-1]}$ is the output "
            "of the layer below; this layer's own tensors carry none.",
            "zh": "方括号上标表示层：$Z^{[\\ell-1]}$ 是下一层（前一层）的输出；本层自己的张量不带上标。",
        },
        # the layer section
        "layer.heading": {"en": "The layer", "zh": "本层"},
        "layer.size_rules": {"en": "Output size on each axis:", "zh": "每个轴上的输出尺寸："},
        "layer.cross_ref": {
            "en": "Every formula on this sheet is stated for this convention; the other "
            "convention's formulas are\nchecked against the derivation too,",
            "zh": "本讲义的每个公式都按这一约定写出；另一约定的公式也与推导逐一比对，",
        },
        "layer.cross_ref_tex": {"en": "in Section~{ref}.", "zh": "见第~{ref}~节。"},
        "layer.cross_ref_md": {
            "en": "in [Closed forms, proved](#closed-forms-proved).",
            "zh": "见[闭式公式及其证明](#闭式公式及其证明)。",
        },
        "layer.matrices": {
            "en": "The same tensors as matrices{per_map}:",
            "zh": "同样的张量写成矩阵{per_map}：",
        },
        "layer.matrices_per_map": {"en": ", map by map", "zh": "（逐个特征图）"},
        "layer.more_map": {
            "en": "(and 1 more map of ${name}$, laid out the same way)",
            "zh": "（${name}$ 还有 1 个特征图，排法相同）",
        },
        "layer.more_maps": {
            "en": "(and {n} more maps of ${name}$, laid out the same way)",
            "zh": "（${name}$ 还有 {n} 个特征图，排法相同）",
        },
        "table.tensor": {"en": "tensor", "zh": "张量"},
        "table.role": {"en": "role", "zh": "作用"},
        "table.shape": {"en": "shape (PyTorch layout)", "zh": "形状（PyTorch 布局）"},
        "table.last": {"en": "last element", "zh": "最后一个元素"},
        "role.input": {"en": "input", "zh": "输入"},
        "role.output": {"en": "output", "zh": "输出"},
        "role.kernel": {"en": "kernel", "zh": "卷积核"},
        "role.bias": {"en": "bias", "zh": "偏置"},
        "role.delta": {"en": "delta", "zh": "误差项"},
        "role.weight": {"en": "weight", "zh": "权重"},
        "role.prediction": {"en": "prediction", "zh": "预测"},
        "role.target": {"en": "target", "zh": "目标"},
        "role.switch": {"en": "switch", "zh": "开关"},
        "role.combination_parameters": {"en": "combination parameters", "zh": "组合参数"},
        "role.multiplicative_bias": {"en": "multiplicative bias", "zh": "乘性偏置"},
        "role.additive_bias": {"en": "additive bias", "zh": "加性偏置"},
        "role.weights_softmax_of_c": {"en": "weights, softmax of c", "zh": "权重，c 的 softmax"},
        "role.input_maps": {"en": "input maps", "zh": "输入特征图"},
        # element sections
        "forward.heading": {"en": "Forward pass", "zh": "前向传播"},
        "forward.intro": {
            "en": "Every output element, built as an expression:",
            "zh": "每个输出元素，构造为表达式：",
        },
        "forward.example": {
            "en": "One output element of the {n}, built as an expression (the others follow "
            "the same pattern):",
            "zh": "{n} 个输出元素之一，构造为表达式（其余依同样规律）：",
        },
        "contributions.heading": {"en": "Contribution table", "zh": "贡献表"},
        "contributions.products": {"en": "products", "zh": "乘积"},
        "elements.example": {
            "en": "One element of the {n} as an example (`--detail full` lists every one):",
            "zh": "{n} 个元素中的一个作为例子（`--detail full` 列出全部）：",
        },
        "exhibit.too_wide": {
            "en": "{name} is {shape}; too wide to print here.",
            "zh": "{name} 的尺寸是 {shape}，太宽，这里不打印。",
        },
        "exhibit.regrouping": {
            "en": "Regrouped by delta element, each term is a patch of the input:",
            "zh": "按误差项元素重新分组，每一项是输入的一个小块：",
        },
        "exhibit.patches_too_wide": {
            "en": "(The patches of {name} are too wide to print here; the expansions above "
            "hold the same terms.)",
            "zh": "（{name} 的小块太宽，这里不打印；上面的展开式含有相同的项。）",
        },
        "exhibit.activation_delta": {
            "en": "When $A$ is the activation of the layer below, $A = f(Z^{[\\ell-1]})$, that "
            "layer's delta follows element by element:",
            "zh": "若 $A$ 是下一层（前一层）的激活 $A = f(Z^{[\\ell-1]})$，该层的误差项逐元素得到：",
        },
        "switches.same": {"en": "(same)", "zh": "（相同）"},
        # closed forms and verdicts
        "closed.heading": {"en": "Closed forms, proved", "zh": "闭式公式及其证明"},
        "verdict.per_map": {
            "en": "(per map, as in the formula above)",
            "zh": "（逐个特征图，如上式）",
        },
        "verdict.holds": {"en": "holds", "zh": "成立"},
        "verdict.holds_at": {
            "en": "; proved equal to the derivation at",
            "zh": "：已证明与推导相等，涉及",
        },
        "verdict.at": {"en": " at", "zh": "，在"},
        "verdict.its_one": {"en": "its one element", "zh": "它唯一的元素"},
        "verdict.all": {"en": "all {n} elements", "zh": "全部 {n} 个元素"},
        "verdict.coincides": {
            "en": "(it coincides with this convention's formula here)",
            "zh": "（在这里它与本约定的公式恰好相同）",
        },
        "verdict.stop": {"en": ".", "zh": "。"},
        "verdict.undecided": {"en": "undecided", "zh": "未判定"},
        "verdict.undecided_at": {
            "en": ": SymPy could not decide {n} of {m} elements exactly; it is not claimed "
            "to hold.",
            "zh": "：SymPy 无法精确判定 {m} 个元素中的 {n} 个；不声称它成立。",
        },
        "verdict.fails": {"en": "does not hold", "zh": "不成立"},
        "verdict.fails_at": {
            "en": ": it differs from the derivation at {n} of {m} elements.",
            "zh": "：它在 {m} 个元素中的 {n} 个上与推导不同。",
        },
        "verdict.fails_short": {
            "en": " at {n} of {m} elements.",
            "zh": "：{m} 个元素中有 {n} 个不同。",
        },
        "verdict.first": {"en": "The first is", "zh": "第一个是"},
        "verdict.derived": {"en": "derived:", "zh": "推导："},
        "verdict.formula": {"en": "formula:", "zh": "公式："},
        "verdict.overall": {"en": "Verdict:", "zh": "结论："},
        "verdict.not_verified": {
            "en": "NOT VERIFIED; see the sections above.",
            "zh": "未通过验证；见上面各节。",
        },
        # the numeric check
        "numeric.heading": {"en": "Numeric cross-check", "zh": "数值交叉检验"},
        "numeric.intro": {
            "en": "Random values (seed {seed}, {sampling}) substituted into the derived\n"
            "expansions, against an independent plain-loop reference; largest differences, "
            "each divided by {relative} of its element:",
            "zh": "把随机值（种子 {seed}，{sampling}）代入推导出的展开式，\n与独立的逐元素循环参考实现比较；"
            "最大差值（每个都除以其元素的 {relative}）：",
        },
        "numeric.tolerance": {"en": "(tolerance {tolerance})", "zh": "（容差 {tolerance}）"},
        "numeric.agree": {"en": "agree", "zh": "一致"},
        "numeric.disagree": {"en": "DISAGREE", "zh": "不一致"},
        "numeric.uniform": {"en": "uniform in $[-1, 1)$", "zh": "在 $[-1, 1)$ 上均匀分布"},
        # references
        "references.heading": {"en": "References", "zh": "参考文献"},
        "ref.seeds_conv": {
            "en": "Lecture notes in Chinese: “CNN: derivatives of the kernel and the bias” (a blog "
            "post in\nChinese, 8 July 2016, after zhongkeli's posts on CSDN): the convolution "
            "layer's bias and kernel,\nthe $4 \\times 4$ example by hand; and “Classic "
            "convolutional networks: ResNet” (a blog post in\nChinese deriving the convolutional "
            "network's formulas): the padded delta, rot180.",
            "zh": "中文讲义：《CNN 卷积神经网络——kernel、偏置值导数》（博客文章，2016-07-08，"
            "承接 zhongkeli 在 CSDN 的文章）：卷积层的偏置与卷积核，手算的 $4 \\times 4$ 例子；"
            "《经典卷积神经网络-ResNet：卷积神经网络公式推导，以及经典的ResNet残差网络》"
            "（博客文章）：补零的误差项、rot180。",
        },
        "ref.bouvrie": {
            "en": "J. Bouvrie. *Notes on Convolutional Neural Networks.* MIT, 2006.",
            "zh": "J. Bouvrie. *Notes on Convolutional Neural Networks.* MIT, 2006.（英文）",
        },
        "ref.dumoulin": {
            "en": "V. Dumoulin and F. Visin. *A guide to convolution arithmetic for deep "
            "learning.*\narXiv:1603.07285, 2016.",
            "zh": "V. Dumoulin, F. Visin. *A guide to convolution arithmetic for deep "
            "learning.*\narXiv:1603.07285, 2016.（英文）",
        },
        "ref.pytorch": {
            "en": "PyTorch documentation: `{names}` (pytorch.org/docs).",
            "zh": "PyTorch 文档中的 `{names}` （pytorch.org/docs）。",
        },
    }
)

register(
    {
        # the convolution's story
        "story.heading": {"en": "The derivation in index form", "zh": "指标形式的推导"},
        "conv.story.chain": {
            "en": "The loss $E$ depends on the kernel, the bias and the input only through the "
            "outputs $Z$, so by\nthe chain rule the derivative with respect to any one of "
            "their elements $x$ sums over the outputs:",
            "zh": "损失 $E$ 只通过输出 $Z$ 依赖于卷积核、偏置和输入，\n所以由链式法则，"
            "对其中任一元素 $x$ 的导数是对所有输出求和：",
        },
        "conv.story.kernel": {
            "en": "**Kernel.** {k} multiplies {a} in output {z}, so that input element is "
            "$\\partial Z/\\partial K$ there:",
            "zh": "**卷积核。** 在输出 {z} 中 {k} 乘以 {a}，所以那个输入元素就是该处的 "
            "$\\partial Z/\\partial K$：",
        },
        "conv.story.kernel_valid": {
            "en": "This slides $D$ over $A$ as a kernel: the cross-correlation "
            "$A \\star D$, where\n$(X \\star Y)_{p} = \\sum_{u} X_{p+u}\\, Y_{u}$ on every axis, "
            "taken only where $D$ lies wholly inside $A$.\nThat is what *valid* means; there are "
            "$H - H_o + 1 = k$ such positions on each axis, the kernel's size.\n"
            "MATLAB's `{conv}(X, Y, 'valid')` is the *true* convolution, which flips $Y$ "
            "before sliding it; so a\ncorrelation is that convolution of the flipped $Y$, "
            "$X \\star Y = \\operatorname{{conv}}(X, \\operatorname{rot180}(Y), \\text{valid})$,\n"
            "where $\\operatorname{rot180}$ reverses every axis. This is why $D$ appears rotated: "
            "the rotation undoes the flip of `{conv}`.",
            "zh": "这相当于把 $D$ 当作卷积核在 $A$ 上滑动：即互相关 $A \\star D$，\n其中每个轴上 "
            "$(X \\star Y)_{p} = \\sum_{u} X_{p+u}\\, Y_{u}$，只取 $D$ 完全落在 $A$ 内部的位置。\n"
            "这就是 *valid* 的含义；每个轴上这样的位置有 $H - H_o + 1 = k$ 个，正好是卷积核的尺寸。\n"
            "MATLAB 的 `{conv}(X, Y, 'valid')` 是*真正的*卷积，滑动之前先把 $Y$ 翻转；"
            "所以互相关就是对翻转后的 $Y$ 做卷积，\n"
            "$X \\star Y = \\operatorname{{conv}}(X, \\operatorname{rot180}(Y), \\text{valid})$，\n"
            "其中 $\\operatorname{rot180}$ 把每个轴反过来。这就是 $D$ 被旋转的原因："
            "旋转抵消了 `{conv}` 自带的翻转。",
        },
        "conv.story.kernel_valid_flipped": {
            "en": "The forward pass flipped the kernel, so the index of $A$ runs *backwards* in "
            "$p$: this is the\ncorrelation $A \\star D$ ($(X \\star Y)_{p} = \\sum_{u} X_{p+u}\\, "
            "Y_{u}$ where $D$ lies wholly inside $A$, which is\nwhat *valid* means) read "
            "backwards, $\\operatorname{rot180}(A \\star D)$. MATLAB's `{conv}` is the true\n"
            "convolution, which flips its second argument, so "
            "$X \\star Y = \\operatorname{{conv}}(X, \\operatorname{rot180}(Y), \\text{valid})$:",
            "zh": "前向传播翻转了卷积核，所以 $A$ 的下标随 $p$ *反向*变化：这是把互相关 $A \\star D$\n"
            "（$(X \\star Y)_{p} = \\sum_{u} X_{p+u}\\, Y_{u}$，只取 $D$ 完全落在 $A$ 内部的位置，"
            "即 *valid*）\n反过来读，即 $\\operatorname{rot180}(A \\star D)$。MATLAB 的 `{conv}` "
            "是真正的卷积，会翻转第二个参数，\n所以 "
            "$X \\star Y = \\operatorname{{conv}}(X, \\operatorname{rot180}(Y), \\text{valid})$：",
        },
        "conv.story.kernel_general": {
            "en": "Stride and dilation swap roles: the sum steps through $A$ by the stride along "
            "the outputs and by\nthe dilation along the kernel. It is a cross-correlation of the "
            "zero-padded input with $D$ (a padded\ncell reads zero), cropped to the kernel's "
            "size{flip}:",
            "zh": "步幅与膨胀互换了角色：求和沿输出方向按步幅、沿卷积核方向按膨胀率在 $A$ 中前进。\n"
            "这是补零后的输入与 $D$ 的互相关（补零的位置读到零），\n裁剪到卷积核的尺寸{flip}：",
        },
        "conv.story.kernel_general_flip": {
            "en": ", then rotated (the forward pass flipped the kernel)",
            "zh": "，再旋转（前向传播翻转了卷积核）",
        },
        "conv.story.kernel_transposed": {
            "en": "**Kernel.** {k} carries {a} into output {z}, so",
            "zh": "**卷积核。** {k} 把 {a} 送到输出 {z}，所以",
        },
        "conv.story.kernel_transposed_after": {
            "en": "with $D$ taken as zero outside its range: an ordinary strided correlation of "
            "$D$, bordered by\nthe layer's padding, with $A$:",
            "zh": "其中 $D$ 在其范围之外取零：这是以层的填充补边后的 $D$ 与 $A$ 的\n普通带步幅互相关：",
        },
        "conv.story.bias": {
            "en": "**Bias.** $b$ enters every output with coefficient 1, so its gradient is the "
            "sum of the deltas:",
            "zh": "**偏置。** $b$ 以系数 1 出现在每个输出中，所以它的梯度是所有误差项之和：",
        },
        "conv.story.input": {
            "en": "**Input.** {a} enters every output whose window covers it, multiplied there by "
            "{k}.\nSolving the window's index for the output (in the simplest case the "
            "substitution $u = i - p$)\nturns the sum over the outputs into a sum over the "
            "kernel:",
            "zh": "**输入。** {a} 出现在所有窗口覆盖它的输出中，在那里乘以 {k}。\n"
            "从窗口的下标解出输出的下标（最简单的情形是代换 $u = i - p$），\n"
            "就把对输出的求和变成对卷积核的求和：",
        },
        "conv.story.input_zero": {
            "en": "with $D$ taken as zero outside its range (near the edges fewer outputs cover "
            "an input element).",
            "zh": "其中 $D$ 在其范围之外取零（靠近边缘时覆盖某个输入元素的输出较少）。",
        },
        "conv.story.input_strided": {
            "en": "Only outputs a whole stride apart exist: $\\hat{D}$ is $D$ with $s-1$ zeros "
            "inserted between\nneighbouring entries ($\\hat{D}_{su} = D_{u}$, zero elsewhere and "
            "outside its range); the inserted\nzeros stand for the positions where no window "
            "starts.",
            "zh": "只有相隔整数个步幅的输出存在：$\\hat{D}$ 是在 $D$ 的相邻元素之间插入 $s-1$ 个零\n"
            "得到的（$\\hat{D}_{su} = D_{u}$，其余位置及范围之外为零）；\n插入的零代表没有窗口"
            "起始的位置。",
        },
        "conv.story.input_full": {
            "en": "The index of $D$ now runs *backwards* in $p$: a true convolution of $D$ with "
            "$K$, the kernel\nflipped relative to the forward correlation. Taking $D$ as zero "
            "outside its range is the same as\npadding it with $k-1$ zeros on every side "
            "($\\tilde{D}$ below); that is MATLAB's *full* convolution\n(every position where "
            "$K$ and $D$ overlap at all: $H_o + k - 1 = H$ of them). The padded delta with\n"
            "the flipped kernel $\\operatorname{rot180}(K)$ sliding over it gives the input "
            "gradient:",
            "zh": "现在 $D$ 的下标随 $p$ *反向*变化：这是 $D$ 与 $K$ 的真正卷积，相对于前向的互相关，\n"
            "卷积核被翻转了。把 $D$ 在范围之外取零，等同于在它四周各补 $k-1$ 个零（下面的 "
            "$\\tilde{D}$）；\n这就是 MATLAB 的 *full* 卷积（$K$ 与 $D$ 有任何重叠的所有位置，"
            "共 $H_o + k - 1 = H$ 个）。\n翻转后的卷积核 $\\operatorname{rot180}(K)$ 在补零的误差项上"
            "滑动，就得到输入梯度：",
        },
        "conv.story.input_full_flipped": {
            "en": "The forward pass flipped the kernel and the backward pass flips it back: the "
            "index of $D$ runs\n*forwards* in $p$ here, a correlation of the zero-padded delta "
            "$\\tilde{D}$ ($k-1$ zeros on every side)\nwith $K$ itself, which in MATLAB's terms "
            "is the *full* convolution with $\\operatorname{rot180}(K)$\n(*full*: every position "
            "where $K$ and $D$ overlap at all):",
            "zh": "前向传播翻转了卷积核，反向传播又把它翻转回来：这里 $D$ 的下标随 $p$ *正向*变化，\n"
            "是补零误差项 $\\tilde{D}$（四周各补 $k-1$ 个零）与 $K$ 本身的互相关，\n用 MATLAB 的"
            "说法就是与 $\\operatorname{rot180}(K)$ 的 *full* 卷积\n（*full*：$K$ 与 $D$ 有任何"
            "重叠的所有位置）：",
        },
        "conv.story.input_general": {
            "en": "This is the transposed convolution of $D$: insert $s-1$ zeros between "
            "neighbouring deltas (the\nstride), border them with $d(k-1)$ zeros (the dilated "
            "kernel's reach), correlate with the dilated\nkernel (flipped in the correlation "
            "convention: the index of $D$ runs backwards in $p$), and crop\nthe layer's padding "
            "$P$:",
            "zh": "这是 $D$ 的转置卷积：在相邻误差项之间插入 $s-1$ 个零（步幅），\n四周补 $d(k-1)$ 个零"
            "（膨胀后卷积核的覆盖范围），与膨胀后的卷积核做互相关\n（在互相关约定下要翻转：$D$ 的"
            "下标随 $p$ 反向变化），最后裁掉层的填充 $P$：",
        },
        "conv.story.input_transposed": {
            "en": "**Input.** {a} is carried into output {z} by each kernel element, so",
            "zh": "**输入。** {a} 经由每个卷积核元素被送到输出 {z}，所以",
        },
        "conv.story.input_transposed_after": {
            "en": "with $D$ taken as zero outside its range: an ordinary strided convolution of "
            "$D$. The backward\npass of a transposed convolution is a plain one, and no zeros "
            "need inserting:",
            "zh": "其中 $D$ 在其范围之外取零：这是 $D$ 的普通带步幅卷积。\n转置卷积的反向传播就是"
            "普通卷积，不需要插入零：",
        },
        "conv.story.maps": {
            "en": "With several maps, each formula above holds for one pair of maps; the gradient "
            "sums it over the\nbatch and over the maps the pair links, as the closed forms "
            "write out.",
            "zh": "有多个特征图时，上面每个公式对一对特征图成立；梯度对批次以及这对特征图所连接的\n"
            "特征图求和，如闭式公式所写。",
        },
    }
)

register(
    {
        # titles (plain text)
        "title.join": {"en": "{kind}: {parts}", "zh": "{kind}：{parts}"},
        "title.sep": {"en": ", ", "zh": "，"},
        "title.input": {"en": "{size} input", "zh": "{size} 输入"},
        "title.kernel": {"en": "{size} kernel", "zh": "{size} 卷积核"},
        "title.length_input": {"en": "length-{n} input", "zh": "长度 {n} 的输入"},
        "title.length_kernel": {"en": "length-{n} kernel", "zh": "长度 {n} 的卷积核"},
        "title.maps": {"en": "{cin} → {cout} maps", "zh": "{cin} → {cout} 个特征图"},
        "title.batch": {"en": "batch {n}", "zh": "批次 {n}"},
        "title.stride": {"en": "stride {value}", "zh": "步幅 {value}"},
        "title.padding": {"en": "padding {value}", "zh": "填充 {value}"},
        "title.dilation": {"en": "dilation {value}", "zh": "膨胀 {value}"},
        "title.output_padding": {"en": "output padding {value}", "zh": "输出填充 {value}"},
        "title.groups": {"en": "{n} groups", "zh": "{n} 组"},
        "title.convention": {"en": "{convention} convention", "zh": "{convention}约定"},
        "axis.positions": {"en": "positions", "zh": "位置"},
        "axis.rows": {"en": "rows", "zh": "行"},
        "axis.columns": {"en": "columns", "zh": "列"},
        "axis.slices": {"en": "slices", "zh": "层"},
        "axis.position": {"en": "position", "zh": "位置"},
        "axis.row": {"en": "row", "zh": "行"},
        "axis.column": {"en": "column", "zh": "列"},
        "axis.slice": {"en": "slice", "zh": "层"},
        # the convolution sheet
        "conv.correlation": {"en": "correlation", "zh": "互相关"},
        "conv.convolution": {"en": "convolution", "zh": "卷积"},
        "conv.prose_correlation": {
            "en": "Convention: **correlation** (PyTorch's `{kind}`{expansion}). The kernel is "
            "*not* flipped:",
            "zh": "约定：**互相关**（PyTorch 的 `{kind}`{expansion}）。卷积核*不*翻转：",
        },
        "conv.classic_expansion": {
            "en": "; the classic expansion\n$Z_{00} = A_{00}K_{00} + A_{01}K_{01} + \\dots$",
            "zh": "；经典展开式\n$Z_{00} = A_{00}K_{00} + A_{01}K_{01} + \\dots$",
        },
        "conv.prose_convolution": {
            "en": "Convention: **convolution** ({source}).\nThe kernel *is* flipped:",
            "zh": "约定：**卷积**（{source}）。\n卷积核*要*翻转：",
        },
        "conv.source_transposed": {
            "en": "the adjoint of MATLAB's true convolution",
            "zh": "MATLAB 真卷积的伴随",
        },
        "conv.source_matlab": {
            "en": "MATLAB's `{call}`, Bouvrie's notes",
            "zh": "MATLAB 的 `{call}`，Bouvrie 的笔记",
        },
        "conv.source_general": {
            "en": "as in MATLAB's true convolution and Bouvrie's notes",
            "zh": "与 MATLAB 的真卷积及 Bouvrie 的笔记相同",
        },
        "conv.note.scatter": {
            "en": "Each input element is scattered into the outputs it reaches; products that "
            "would land outside the output (in the cropped padding) are left out.",
            "zh": "每个输入元素被分散到它所能到达的输出上；落在输出之外（被裁掉的填充部分）的乘积略去。",
        },
        "conv.note.padding": {
            "en": "The input is zero-padded by {padding} on each side: products whose $A$ index "
            "falls outside the input read a zero and are left out.",
            "zh": "输入的每一边补 {padding} 个零：$A$ 的下标落在输入之外的乘积读到零，略去。",
        },
        "conv.note.maps": {
            "en": "Each output map sums this over the {cin} input maps.",
            "zh": "每个输出特征图把上式对 {cin} 个输入特征图求和。",
        },
        "conv.note.groups": {
            "en": "Each output map sums this over the {cin} input map(s) of its group ({groups} "
            "groups of {cin} input and {cout} output maps).",
            "zh": "每个输出特征图把上式对其所在组的 {cin} 个输入特征图求和（共 {groups} 组，"
            "每组 {cin} 个输入、{cout} 个输出特征图）。",
        },
        "conv.groups": {
            "en": "Groups: an output map sees only the input maps of its group, so the kernel "
            "maps linking\n{rows}\nform blocks:",
            "zh": "分组：一个输出特征图只看到本组的输入特征图，所以连接\n{rows}\n的卷积核构成分块：",
        },
        "conv.groups_rows": {
            "en": "output maps (rows) to input maps (columns)",
            "zh": "输出特征图（行）与输入特征图（列）",
        },
        "conv.groups_rows_t": {
            "en": "input maps (rows) to output maps (columns)",
            "zh": "输入特征图（行）与输出特征图（列）",
        },
        "conv.unread.one": {
            "en": "Input {axis} {at} is read by no output: $\\partial E/\\partial A$ is exactly "
            "$0$ there.",
            "zh": "输入的第 {at} {axis}不被任何输出读取：那里 $\\partial E/\\partial A$ 恰好为 $0$。",
        },
        "conv.unread.many": {
            "en": "Input {axis} {at} are read by no output: $\\partial E/\\partial A$ is exactly "
            "$0$ there.",
            "zh": "输入的第 {at} {axis}不被任何输出读取：那里 $\\partial E/\\partial A$ 恰好为 $0$。",
        },
        "conv.unwritten.one": {
            "en": "Output {axis} {at} receives no product: $Z = b$ there, and the deltas there "
            "reach neither $A$ nor $K$.",
            "zh": "输出的第 {at} {axis}没有收到任何乘积：那里 $Z = b$，那里的误差项既不传到 $A$ 也不传到 $K$。",
        },
        "conv.unwritten.many": {
            "en": "Output {axis} {at} receive no product: $Z = b$ there, and the deltas there "
            "reach neither $A$ nor $K$.",
            "zh": "输出的第 {at} {axis}没有收到任何乘积：那里 $Z = b$，那里的误差项既不传到 $A$ 也不传到 $K$。",
        },
        "conv.delta.as_is": {
            "en": "The input-gradient formula reads the delta as it is:",
            "zh": "输入梯度公式按原样读取误差项：",
        },
        "conv.delta.bordered": {
            "en": "The input-gradient formula reads the delta bordered by the layer's padding:",
            "zh": "输入梯度公式读取以层的填充补边后的误差项：",
        },
        "conv.delta.reads": {
            "en": "The input-gradient formula reads the delta {parts}:",
            "zh": "输入梯度公式读取的误差项是{parts}：",
        },
        "conv.delta.sep": {"en": ", ", "zh": "，"},
        "conv.delta.inserted": {
            "en": "with $s-1$ zeros inserted between neighbouring entries (the stride)",
            "zh": "在相邻元素之间插入 $s-1$ 个零（步幅）",
        },
        "conv.delta.reach": {
            "en": "bordered by $d(k-1)$ zeros (the kernel reach) on each side",
            "zh": "每边补 $d(k-1)$ 个零（卷积核的覆盖范围）",
        },
        "conv.delta.trailing": {
            "en": "plus $a = (\\text{size} + 2P - d(k-1) - 1) \\bmod s = {a}$ more at the end",
            "zh": "末尾再补 $a = (\\text{size} + 2P - d(k-1) - 1) \\bmod s = {a}$ 个",
        },
        "conv.group.first_out": {
            "en": "{o0} is the first output map of input map $c$'s group",
            "zh": "{o0} 是输入特征图 $c$ 所在组的第一个输出特征图",
        },
        "conv.group.o_runs": {
            "en": ", and $o$ runs over the {n} output maps of that group",
            "zh": "，$o$ 取遍该组的 {n} 个输出特征图",
        },
        "conv.group.first_in": {
            "en": "{c0} is the first input map of output map $m$'s group",
            "zh": "{c0} 是输出特征图 $m$ 所在组的第一个输入特征图",
        },
        "conv.group.g_many": {
            "en": ", and $G(c)$ is the set of the {n} output maps of input map $c$'s group.",
            "zh": "，$G(c)$ 是输入特征图 $c$ 所在组的 {n} 个输出特征图的集合。",
        },
        "conv.group.g_one": {
            "en": ", and $G(c)$ holds the one output map of input map $c$'s group.",
            "zh": "，$G(c)$ 只含输入特征图 $c$ 所在组的一个输出特征图。",
        },
        "conv.colon": {"en": ":", "zh": "："},
        "conv.colon_stop": {"en": ".", "zh": "。"},
        "conv.contributions": {
            "en": "Which element of $A$ each kernel element multiplies, to produce which output "
            "element:",
            "zh": "每个卷积核元素乘以 $A$ 的哪个元素，得到哪个输出元素：",
        },
        "conv.kernel.heading": {"en": "Kernel gradient", "zh": "卷积核梯度"},
        "conv.bias.heading": {"en": "Bias gradient", "zh": "偏置梯度"},
        "conv.input.heading": {"en": "Input gradient", "zh": "输入梯度"},
        "conv.chain": {
            "en": "By the chain rule, $\\partial E/\\partial x = \\sum_{u} D_{u}\\, "
            "\\partial Z_{u}/\\partial x$, summed over\nthe outputs that contain $x$; each "
            "derivative below was computed by SymPy from\nthe forward expressions.",
            "zh": "由链式法则，$\\partial E/\\partial x = \\sum_{u} D_{u}\\, "
            "\\partial Z_{u}/\\partial x$，对含有 $x$ 的\n输出求和；下面每个导数都由 SymPy "
            "从前向表达式\n算出。",
        },
        "conv.bias_one": {
            "en": "Every output contains $b$ with coefficient 1, so the bias gradient is the\n"
            "sum of the deltas",
            "zh": "每个输出都以系数 1 含有 $b$，所以偏置梯度是\n所有误差项之和",
        },
        "conv.bias_many": {
            "en": "Every output of map $m$ contains $b^{(m)}$ with coefficient 1, so the bias "
            "gradient is the\nsum of that map's deltas",
            "zh": "特征图 $m$ 的每个输出都以系数 1 含有 $b^{(m)}$，所以偏置梯度是\n该特征图所有误差项之和",
        },
        "conv.bias_batch": {"en": " over the whole batch", "zh": "（对整个批次）"},
        "conv.input.matrix": {
            "en": "Every input element's derivative, computed by SymPy from the forward "
            "expressions, in the\nmatrix they form:",
            "zh": "每个输入元素的导数（由 SymPy 从前向表达式算出），\n排成它们构成的矩阵：",
        },
        "conv.window.note": {
            "en": "The closed form reads the padded delta $\\tilde{D}$ through the kernel, "
            "flipped as the story above says;\nthe kernel slides over $\\tilde{D}$ one position "
            "per input element:",
            "zh": "闭式公式通过卷积核读取补零后的误差项 $\\tilde{D}$，卷积核按上面推导所说的方式翻转；\n"
            "卷积核在 $\\tilde{D}$ 上滑动，每个输入元素对应一个位置：",
        },
        "conv.window.example": {
            "en": "For {a} the kernel covers the window of $\\tilde{D}$ starting at position "
            "$({at})$; multiplying element\nby element and adding up every entry gives the "
            "derived expansion (proved equal):",
            "zh": "对 {a}，卷积核覆盖 $\\tilde{D}$ 中从位置 $({at})$ 开始的窗口；逐元素相乘\n"
            "再把所有元素相加，就得到推导出的展开式（已证明相等）：",
        },
        "conv.closed_intro_summary": {
            "en": "Each closed form was built from array operators independently of the "
            "derivation and proved equal\nto it element by element, exactly; the other "
            "convention's formulas must fail:",
            "zh": "每个闭式公式都由数组运算独立于推导构造，并逐元素精确证明与推导相等；\n"
            "另一约定的公式必须不成立：",
        },
        "conv.closed_intro": {
            "en": "Each closed form below was built from array operators (`rot180`, which "
            "reverses every\naxis; MATLAB's true convolution `{conv}`; zero padding) "
            "independently of the derivation, and compared with the\nderived elements one by "
            "one as expanded polynomials.",
            "zh": "下面每个闭式公式都由数组运算（`rot180`，把每个轴反过来；\nMATLAB 的真卷积 "
            "`{conv}`；补零）独立于推导构造，并与\n推导出的元素逐一作为展开的多项式比较。",
        },
        "conv.legend": {
            "en": "Notation: $X \\star_{s,d} Y$ is the valid cross-correlation\n"
            "$(X \\star_{s,d} Y)_u = \\sum_p X_{su + dp}\\, Y_p$ (plain $\\star$ when $s = d = 1$);\n"
            "$\\operatorname{pad}_{a,b}$ adds $a$ zeros before and $b$ after each axis "
            "(one number: both sides);\n"
            "$\\operatorname{ins}_s$ inserts $s-1$ zeros between neighbouring entries;\n"
            "$\\operatorname{crop}_{a,b}$ removes $a$ entries before and $b$ after.",
            "zh": "记号：$X \\star_{s,d} Y$ 是 valid 互相关\n"
            "$(X \\star_{s,d} Y)_u = \\sum_p X_{su + dp}\\, Y_p$（$s = d = 1$ 时简写为 $\\star$）；\n"
            "$\\operatorname{pad}_{a,b}$ 在每个轴前面补 $a$ 个零、后面补 $b$ 个（只写一个数：两边相同）；\n"
            "$\\operatorname{ins}_s$ 在相邻元素之间插入 $s-1$ 个零；\n"
            "$\\operatorname{crop}_{a,b}$ 去掉前面 $a$ 个、后面 $b$ 个元素。",
        },
        "conv.classic_remark": {
            "en": "The classic lecture notes (“CNN: derivatives of the kernel and the bias”) state "
            "this formula "
            "beside a correlation-style\nexpansion (they call the output $B$: "
            "$B_{00} = A_{00}K_{00} + A_{01}K_{01} + \\dots$); it belongs to the convolution\n"
            "convention.",
            "zh": "经典讲义（《CNN 卷积神经网络——kernel、偏置值导数》）在一个互相关形式的展开式旁边"
            "给出了这个公式\n"
            "（输出记作 $B$：$B_{00} = A_{00}K_{00} + A_{01}K_{01} + \\dots$）；它属于卷积约定。",
        },
        "conv.verdict": {
            "en": "every gradient above was derived by the chain rule, the closed\nforms of the "
            "{convention} convention were proved equal to it exactly, and the numbers agree.",
            "zh": "上面每个梯度都由链式法则推导，{convention}约定的闭式公式\n都被精确证明与之相等，"
            "数值检验也一致。",
        },
        "closed.user": {
            "en": "Your formula for $\\partial E/\\partial {of}$.",
            "zh": "您给出的 $\\partial E/\\partial {of}$ 公式。",
        },
        "closed.either": {
            "en": "$\\partial E/\\partial {of}$, either convention.",
            "zh": "$\\partial E/\\partial {of}$，两种约定皆同。",
        },
        "closed.own": {
            "en": "$\\partial E/\\partial {of}$, {convention} convention.",
            "zh": "$\\partial E/\\partial {of}$，{convention}约定。",
        },
        "closed.other": {
            "en": "The {convention} convention's formula for $\\partial E/\\partial {of}$.",
            "zh": "{convention}约定下 $\\partial E/\\partial {of}$ 的公式。",
        },
    }
)

register(
    {
        "worked.heading": {"en": "Worked instance", "zh": "具体实例"},
        "worked.intro": {
            "en": "One element of each, as SymPy derived it from the forward expressions by the "
            "chain rule\n(`--detail full` lists every element):",
            "zh": "每种各取一个元素，均由 SymPy 从前向表达式按链式法则推导\n"
            "（`--detail full` 列出全部元素）：",
        },
    }
)
