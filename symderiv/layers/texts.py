# ruff: noqa: E501  (a Chinese character counts as two columns; a text reads best whole)
"""The messages of the sheets of every layer kind but the convolution's (render/messages.py) and
pooling's (pool/texts.py): the pieces they share, the fully-connected layer, the activations,
the losses and Bouvrie's two layers, in every language (see :mod:`symderiv.render.messages`)."""

from __future__ import annotations

from ..render.messages import register

__all__: list[str] = []

# ---------------------------------------------------------------------------
# shared by these sheets
# ---------------------------------------------------------------------------

register(
    {
        "story.chain": {
            "en": "The loss $E$ depends on {what} only through the outputs $Z$, so by the chain "
            "rule its\nderivative with respect to {x} sums over the outputs:",
            "zh": "损失 $E$ 只通过输出 $Z$ 依赖于{what}，\n所以由链式法则，它对 {x} 的导数是对所有输出求和：",
        },
        "story.any_element": {
            "en": "any one of their elements $x$",
            "zh": "其中任一元素 $x$",
        },
        "story.what.input": {"en": "the input", "zh": "输入"},
        "title.window": {"en": "{size} window", "zh": "{size} 窗口"},
        "title.length_window": {"en": "length-{n} window", "zh": "长度 {n} 的窗口"},
        "title.map_count": {"en": "{n} maps", "zh": "{n} 个特征图"},
        "title.channels": {"en": "{n} channels", "zh": "{n} 个通道"},
        "sheet.known_mistake": {"en": "A known mistake: {what}.", "zh": "一个已知的错误：{what}。"},
    }
)

register(
    {
        "heading.weight_gradient": {"en": "Weight gradient", "zh": "权重梯度"},
        "heading.bias_gradient": {"en": "Bias gradient", "zh": "偏置梯度"},
        "heading.input_gradient": {"en": "Input gradient", "zh": "输入梯度"},
        "heading.gradient": {"en": "Gradient", "zh": "梯度"},
        "heading.derivative": {"en": "The derivative", "zh": "导数"},
        "chain.sum": {
            "en": "By the chain rule, $\\partial E/\\partial x = \\sum_{u} D_{u}\\, "
            "\\partial Z_{u}/\\partial x$, summed over\nthe outputs that contain $x$; each "
            "derivative below was computed by SymPy from the forward expressions.",
            "zh": "由链式法则，$\\partial E/\\partial x = \\sum_{u} D_{u}\\, "
            "\\partial Z_{u}/\\partial x$，对含有 $x$ 的\n输出求和；下面每个导数都由 SymPy 从前向表达式算出。",
        },
        "story.what.linear": {
            "en": "the weights, the bias and the input",
            "zh": "权重、偏置和输入",
        },
        "story.what.subsample": {
            "en": "the two biases and the input",
            "zh": "两个偏置和输入",
        },
        "story.what.combination": {
            "en": "the weights $\\alpha$ (so the parameters $c$) and the input",
            "zh": "权重 $\\alpha$（从而参数 $c$）和输入",
        },
        "sheet.batch_sums": {
            "en": "With a batch, each formula above holds for one sample $n$; the parameters "
            "are shared by the samples,\nso their gradients sum it over $n$, as the closed forms "
            "write out.",
            "zh": "有一个批次时，上面每个公式对一个样本 $n$ 成立；参数由各样本共享，\n"
            "所以它们的梯度对 $n$ 求和，如闭式公式所写。",
        },
        "closed.intro_summary": {
            "en": "Each closed form was built independently of the derivation and proved equal "
            "to it element by element,\nexactly; the known mistakes must fail.",
            "zh": "每个闭式公式都独立于推导构造，并逐元素精确证明与推导相等；\n已知的错误公式必须不成立。",
        },
    }
)

# ---------------------------------------------------------------------------
# the fully-connected layer
# ---------------------------------------------------------------------------

register(
    {
        "title.features_io": {
            "en": "{cin} → {cout} features",
            "zh": "{cin} → {cout} 个特征",
        },
        "dense.intro": {
            "en": "A fully-connected layer (PyTorch's `torch.nn.functional.linear`), in the "
            "notes' form\n$u = Wx + b$ for each sample:",
            "zh": "全连接层（PyTorch 的 `torch.nn.functional.linear`），写成讲义的形式：\n"
            "对每个样本 $u = Wx + b$：",
        },
        "dense.note": {
            "en": "Here $x$ is the {inputs} as a column and $u$ its {outputs}; $W$ is {shape}, "
            "output by input (PyTorch's layout).",
            "zh": "这里 $x$ 是{inputs}（列向量），$u$ 是它的{outputs}；$W$ 是 {shape}，"
            "按输出乘输入排列（PyTorch 的布局）。",
        },
        "dense.note_batch": {
            "en": "Here $x$ is one sample's {inputs} as a column and $u$ its {outputs}; $W$ is "
            "{shape}, output by input (PyTorch's layout), shared by the {n} samples of the batch.",
            "zh": "这里 $x$ 是一个样本的{inputs}（列向量），$u$ 是它的{outputs}；$W$ 是 {shape}，"
            "按输出乘输入排列（PyTorch 的布局），由批次中的 {n} 个样本共享。",
        },
        "count.input_one": {"en": "{n} input", "zh": " {n} 个输入"},
        "count.input_many": {"en": "{n} inputs", "zh": " {n} 个输入"},
        "count.output_one": {"en": "{n} output", "zh": " {n} 个输出"},
        "count.output_many": {"en": "{n} outputs", "zh": " {n} 个输出"},
        "dense.notation": {
            "en": "The notes' names: $x = A$ (the input), $u = Z$ (the output) and the "
            "sensitivity $\\delta = \\partial E/\\partial u = D$,\neach one sample's row of the "
            "tensor written as a column; $W_{ji}$ joins input $i$ to output $j$.",
            "zh": "讲义中的名字：$x = A$（输入）、$u = Z$（输出）和灵敏度 "
            "$\\delta = \\partial E/\\partial u = D$，\n都是张量中一个样本的那一行，写成列向量；"
            "$W_{ji}$ 连接输入 $i$ 与输出 $j$。",
        },
        "dense.matrices": {
            "en": "The same tensors as matrices (one sample's $x$ and $\\delta$ as columns):",
            "zh": "同样的张量写成矩阵（一个样本的 $x$ 与 $\\delta$ 写成列向量）：",
        },
        "dense.story.weight": {
            "en": "**Weight.** {w} appears in output {z} alone, multiplied by {a}: "
            "$\\partial Z_{k}/\\partial W_{ji}$ is {a} when $k = j$\nand $0$ otherwise, so one "
            "term of the sum is left, the delta of that output times the input:",
            "zh": "**权重。** {w} 只出现在输出 {z} 中，乘以 {a}：当 $k = j$ 时 "
            "$\\partial Z_{k}/\\partial W_{ji}$ 等于 {a}，\n否则为 $0$，所以求和只剩一项，即该输出的误差项乘以输入：",
        },
        "dense.story.outer": {
            "en": "Entry $(j, i)$ of a column times a row is the product of entry $j$ and entry "
            "$i$: the gradient is the\nouter product of the delta column with the input row, "
            "the notes' $\\delta x^{\\mathsf{T}}$:",
            "zh": "列向量乘以行向量的第 $(j, i)$ 个元素，就是第 $j$ 个与第 $i$ 个元素之积：梯度是误差项列向量\n"
            "与输入行向量的外积，即讲义的 $\\delta x^{\\mathsf{T}}$：",
        },
        "dense.story.bias": {
            "en": "**Bias.** {b} appears in output {z} alone, with coefficient 1: its gradient "
            "is that output's delta,\nso the bias gradient is the sensitivity itself:",
            "zh": "**偏置。** {b} 只以系数 1 出现在输出 {z} 中：它的梯度就是该输出的误差项，\n"
            "所以偏置梯度就是灵敏度本身：",
        },
        "dense.story.input": {
            "en": "**Input.** {a} appears in every output {z}, multiplied by {w}; the sum over "
            "$j$ runs down column $i$\nof $W$, so it is row $i$ of the transpose times the "
            "delta:",
            "zh": "**输入。** {a} 出现在每个输出 {z} 中，乘以 {w}；对 $j$ 的求和沿 $W$ 的第 $i$ 列进行，\n"
            "所以它是转置矩阵的第 $i$ 行乘以误差项：",
        },
        "dense.story.input_after": {
            "en": "The transpose $W^{\\mathsf{T}}$ carries the delta back to the layer below "
            "(and the notes' next step\nmultiplies it by $f'$ of that layer, element by element):",
            "zh": "转置 $W^{\\mathsf{T}}$ 把误差项传回前一层（讲义的下一步再逐元素乘以\n该层的 $f'$）：",
        },
        "dense.contributions": {
            "en": "Which input each weight multiplies, to produce which output element:",
            "zh": "每个权重乘以哪个输入，得到哪个输出元素：",
        },
        "dense.bias_one": {
            "en": "Every output $j$ contains $b_{j}$ with coefficient 1, so the bias gradient is "
            "the delta itself:",
            "zh": "每个输出 $j$ 都以系数 1 含有 $b_{j}$，所以偏置梯度就是误差项本身：",
        },
        "dense.bias_batch": {
            "en": "Every output $j$ contains $b_{j}$ with coefficient 1, so the bias gradient is "
            "the delta, summed over the batch:",
            "zh": "每个输出 $j$ 都以系数 1 含有 $b_{j}$，所以偏置梯度是误差项对批次的和：",
        },
        "dense.weight_matrix": {
            "en": "The weight gradient as the matrix it forms, entry $(j, i)$ for $W_{ji}$:",
            "zh": "权重梯度排成它构成的矩阵，第 $(j, i)$ 个元素对应 $W_{ji}$：",
        },
        "dense.diff.heading": {
            "en": "The matrix differential (the notes' route)",
            "zh": "矩阵微分（讲义的方法）",
        },
        "dense.diff.intro": {
            "en": "The notes write the differential of a scalar function of a matrix in the "
            "Jacobian layout:\nfor $X$ of size $m \\times n$, "
            "$\\mathrm{D}_X f = \\partial f/\\partial X^{\\mathsf{T}}$ is $n \\times m$ and\n"
            "$\\mathrm{d}f = \\operatorname{tr}(\\mathrm{D}_X f\\, \\mathrm{d}X)$. "
            "So once $\\mathrm{d}E = \\operatorname{tr}(M\\, \\mathrm{d}W)$,\n"
            "$\\partial E/\\partial W = M^{\\mathsf{T}}$. {here}",
            "zh": "讲义用雅可比布局写矩阵的标量函数的微分：\n对 $m \\times n$ 的 $X$，"
            "$\\mathrm{D}_X f = \\partial f/\\partial X^{\\mathsf{T}}$ 是 $n \\times m$ 的，且\n"
            "$\\mathrm{d}f = \\operatorname{tr}(\\mathrm{D}_X f\\, \\mathrm{d}X)$。"
            "所以一旦 $\\mathrm{d}E = \\operatorname{tr}(M\\, \\mathrm{d}W)$，\n就有 "
            "$\\partial E/\\partial W = M^{\\mathsf{T}}$。{here}",
        },
        "dense.diff.here": {
            "en": "Here $x$ is the {n} inputs and $\\delta$ its {m} deltas, as columns.",
            "zh": "这里 $x$ 是 {n} 个输入，$\\delta$ 是它的 {m} 个误差项，都写成列向量。",
        },
        "dense.diff.here_batch": {
            "en": "Here ${x}$ is each sample's {n} inputs and ${delta}$ its {m} deltas, as "
            "columns.",
            "zh": "这里 ${x}$ 是每个样本的 {n} 个输入，${delta}$ 是它的 {m} 个误差项，都写成列向量。",
        },
        "dense.diff.vary": {
            "en": "Vary $W$ alone ($x$ and $b$ held fixed): $\\mathrm{d}u = \\mathrm{d}W\\, x$ "
            "with $\\mathrm{d}W$ a\nmatrix of differentials $\\mathrm{d}W_{ji}$, and "
            "$\\mathrm{d}E = \\sum_j \\delta_j\\, \\mathrm{d}u_j = {forward}${end}",
            "zh": "只让 $W$ 变化（$x$ 与 $b$ 固定）：$\\mathrm{d}u = \\mathrm{d}W\\, x$，其中 "
            "$\\mathrm{d}W$ 是\n由微分 $\\mathrm{d}W_{ji}$ 组成的矩阵，且 "
            "$\\mathrm{d}E = \\sum_j \\delta_j\\, \\mathrm{d}u_j = {forward}${end}",
        },
        "dense.diff.vary_end": {"en": ":", "zh": "："},
        "dense.diff.vary_end_batch": {"en": ", summed over the samples:", "zh": "，对各样本求和："},
        "dense.diff.trace": {
            "en": "A scalar is its own trace, and the trace does not change when its factors "
            "are rotated:",
            "zh": "标量等于它自己的迹，而迹在因子循环轮换时不变：",
        },
        "dense.diff.read": {
            "en": "so $M$ is {shape}; read off $\\mathrm{d}E$ above, $M_{ij}$ is the "
            "coefficient of $\\mathrm{d}W_{ji}${wide}:",
            "zh": "所以 $M$ 是 {shape} 的；从上面的 $\\mathrm{d}E$ 读出，$M_{ij}$ 是 "
            "$\\mathrm{d}W_{ji}$ 的系数{wide}：",
        },
        "dense.diff.wide": {
            "en": " (too wide to print here; the expansion above holds it)",
            "zh": "（太宽，这里不打印；上面的展开式含有它）",
        },
        "dense.diff.layout": {
            "en": "In the Jacobian layout $\\partial E/\\partial W^{\\mathsf{T}} = M$, so the "
            "weight gradient is",
            "zh": "在雅可比布局下 $\\partial E/\\partial W^{\\mathsf{T}} = M$，所以权重梯度是",
        },
        "dense.diff.proved": {
            "en": "**Proved:** $M^{\\mathsf{T}}$, read off the differential, equals the chain "
            "rule's $\\partial E/\\partial W_{ji}$ at all {n} elements (as expanded "
            "polynomials): the two routes agree.",
            "zh": "**已证明：** 从微分读出的 $M^{\\mathsf{T}}$ 在全部 {n} 个元素上都等于链式法则得到的 "
            "$\\partial E/\\partial W_{ji}$（作为展开的多项式）：两种方法一致。",
        },
        "dense.diff.not_proved": {
            "en": "**NOT proved:** $M^{\\mathsf{T}}$ differs from the chain rule's "
            "$\\partial E/\\partial W$ at {n} of {m} elements.",
            "zh": "**未证明：** $M^{\\mathsf{T}}$ 在 {m} 个元素中的 {n} 个上与链式法则得到的 "
            "$\\partial E/\\partial W$ 不同。",
        },
        "dense.closed_intro": {
            "en": "Each closed form below was built from matrix products and transposes of one "
            "sample's columns\n$x$ and $\\delta$ (and $W$), independently of the derivation, "
            "and compared with the\nderived elements one by one as expanded polynomials{batch}",
            "zh": "下面每个闭式公式都由一个样本的列向量 $x$、$\\delta$（以及 $W$）的矩阵乘积与转置\n"
            "独立于推导构造，并与推导出的元素逐一作为展开的多项式比较{batch}",
        },
        "dense.closed_intro_end": {"en": ".", "zh": "。"},
        "dense.closed_intro_batch": {
            "en": ", after summing over the batch where the formula sums.",
            "zh": "；公式求和之处先对批次求和。",
        },
        "dense.heading.w_notes": {
            "en": "$\\partial E/\\partial W$, the notes' form $\\delta x^{\\mathsf{T}}$.",
            "zh": "$\\partial E/\\partial W$，讲义的公式 $\\delta x^{\\mathsf{T}}$。",
        },
        "dense.heading.w_matrix": {
            "en": "$\\partial E/\\partial W$ by the matrix differential: $M$ read off "
            "$\\mathrm{d}E = \\operatorname{tr}(M\\, \\mathrm{d}W)$ ({where}).",
            "zh": "由矩阵微分得到的 $\\partial E/\\partial W$：从 "
            "$\\mathrm{d}E = \\operatorname{tr}(M\\, \\mathrm{d}W)$ 读出 $M$（{where}）。",
        },
        "dense.heading.previous": {"en": "previous section", "zh": "见上一节"},
        "dense.heading.full": {"en": "`--detail full` shows it", "zh": "`--detail full` 给出它"},
        "dense.heading.b_notes": {
            "en": "$\\partial E/\\partial b$: the sensitivity $\\delta$ itself.",
            "zh": "$\\partial E/\\partial b$：就是灵敏度 $\\delta$ 本身。",
        },
        "dense.heading.a_notes": {
            "en": "$\\partial E/\\partial x$, passed back to the layer below: "
            "$W^{\\mathsf{T}}\\delta$.",
            "zh": "$\\partial E/\\partial x$，传回前一层：$W^{\\mathsf{T}}\\delta$。",
        },
        "dense.mistake.transposed": {
            "en": "$x \\delta^{\\mathsf{T}}$, the transpose of the weight gradient",
            "zh": "$x \\delta^{\\mathsf{T}}$，权重梯度的转置",
        },
        "dense.mistake.no_transpose": {
            "en": "$W \\delta$, the transpose of $W$ forgotten",
            "zh": "$W \\delta$，忘了对 $W$ 转置",
        },
        "dense.verdict": {
            "en": "every gradient above was derived by the chain rule, the notes' closed "
            "forms\nand the matrix-differential route were proved equal to it exactly, and the "
            "numbers agree.",
            "zh": "上面每个梯度都由链式法则推导，讲义的闭式公式\n和矩阵微分的方法都被精确证明与之相等，"
            "数值检验也一致。",
        },
        "ref.seeds_dense": {
            "en": "Lecture notes in Chinese: "
            "“Weight updates in a convolutional\nnetwork” (a blog post in Chinese, untitled; named here after its first sentence)"
            ": the fully-connected layer, the\nsensitivity $\\delta = \\partial E/\\partial b$; and "
            "“Classic convolutional networks: ResNet”\n(a blog post in Chinese deriving the convolutional network's formulas)"
            ": the matrix differential, Jacobian layout.",
            "zh": "中文讲义："
            "《卷积神经网络中的权值更新》（博客文章；原文无标题，"
            "取其首句）"
            "：全连接层，灵敏度 $\\delta = \\partial E/\\partial b$；"
            "《经典卷积神经网络-ResNet：卷积神经网络公式推导，"
            "以及经典的ResNet残差网络》（博客文章）"
            "：矩阵微分，雅可比布局。",
        },
    }
)

# ---------------------------------------------------------------------------
# the activations
# ---------------------------------------------------------------------------

register(
    {
        "act.title.unspecified": {"en": "activation f (unspecified)", "zh": "激活函数 f（未指定）"},
        "act.title.slope": {"en": "negative slope {slope}", "zh": "负斜率 {slope}"},
        "act.words.sigmoid": {"en": "The logistic sigmoid", "zh": "Sigmoid（logistic）函数"},
        "act.words.tanh": {"en": "The hyperbolic tangent", "zh": "双曲正切函数"},
        "act.words.relu": {"en": "The rectified linear unit", "zh": "线性整流函数（ReLU）"},
        "act.words.leaky_relu": {
            "en": "The leaky rectified linear unit",
            "zh": "带泄漏的线性整流函数（leaky ReLU）",
        },
        "act.words.identity": {"en": "The identity", "zh": "恒等函数"},
        "act.words.activation": {
            "en": "An unspecified differentiable function $f$",
            "zh": "一个未指定的可微函数 $f$",
        },
        "act.intro": {
            "en": "{words}{slope}, applied to every element of the input{pytorch}:",
            "zh": "{words}{slope}{pytorch}，作用于输入的每个元素：",
        },
        "act.intro.slope": {
            "en": " with negative slope {alpha}",
            "zh": "，负斜率 {alpha}",
        },
        "act.intro.pytorch": {"en": " (PyTorch: `{name}`)", "zh": "（PyTorch 中为 `{name}`）"},
        "act.note.positions": {
            "en": "The subscript $u$ stands for a whole position (batch, channel and place): "
            "each output is the function of the input at the same position.",
            "zh": "下标 $u$ 代表一个完整的位置（批次、通道和位置）：每个输出是同一位置上输入的函数。",
        },
        "act.note.unspecified": {
            "en": "$f$ is left unspecified: SymPy keeps its derivative as $f'$, so every formula "
            "below holds for every differentiable $f$ (a wrong one is refuted by one $f$ for "
            "which it fails). For the numeric check alone, $f = \\sin$ stands in for it.",
            "zh": "$f$ 未指定：SymPy 把它的导数保留为 $f'$，所以下面每个公式对所有可微的 $f$ 都成立"
            "（一个错误的公式只要有一个 $f$ 使它不成立就被驳倒）。仅在数值检验中用 $f = \\sin$ 代替它。",
        },
        "act.story.input": {
            "en": "**Input.** Each output depends on one input only: $Z_{v}$ contains $A_{u}$ "
            "only when $v = u$, and there\n$\\partial Z_{u}/\\partial A_{u} = {fp}$. One term of "
            "the sum is left:",
            "zh": "**输入。** 每个输出只依赖于一个输入：只有当 $v = u$ 时 $Z_{v}$ 才含有 $A_{u}$，"
            "而那里\n$\\partial Z_{u}/\\partial A_{u} = {fp}$。求和只剩一项：",
        },
        "act.story.form.sigmoid": {
            "en": "The notes write the derivative through the function itself: "
            "$1 - \\sigma(a) = e^{-a}/(1 + e^{-a})$, so\nSymPy's $e^{-a}/(1 + e^{-a})^2$ is "
            "$\\sigma(a)\\,(1 - \\sigma(a))$, and the gradient needs only the forward pass's "
            "outputs:",
            "zh": "讲义用函数本身来写导数：$1 - \\sigma(a) = e^{-a}/(1 + e^{-a})$，所以\n"
            "SymPy 给出的 $e^{-a}/(1 + e^{-a})^2$ 就是 $\\sigma(a)\\,(1 - \\sigma(a))$，"
            "梯度只需要前向传播的输出：",
        },
        "act.story.form.tanh": {
            "en": "The notes write the derivative through the function itself: "
            "$\\tanh' = 1/\\cosh^2 = 1 - \\tanh^2$, so the\ngradient needs only the forward "
            "pass's outputs:",
            "zh": "讲义用函数本身来写导数：$\\tanh' = 1/\\cosh^2 = 1 - \\tanh^2$，所以\n"
            "梯度只需要前向传播的输出：",
        },
        "act.story.form.relu": {
            "en": "The derivative is a step: 1 where the input is positive, 0 elsewhere (at "
            "$a = 0$ too, as PyTorch\nchooses; see the derivative below). The delta passes "
            "where the unit was active and stops elsewhere:",
            "zh": "导数是一个阶跃：输入为正处为 1，其余为 0（在 $a = 0$ 处也为 0，与 PyTorch 的选择相同；\n"
            "见下面的导数）。单元激活处误差项通过，其余处被截断：",
        },
        "act.story.form.leaky_relu": {
            "en": "The derivative is a step: 1 where the input is positive, the slope $\\alpha$ "
            "elsewhere (at $a = 0$\ntoo, as PyTorch chooses). The delta passes whole where the "
            "unit was active and scaled by $\\alpha$\nelsewhere:",
            "zh": "导数是一个阶跃：输入为正处为 1，其余为斜率 $\\alpha$（在 $a = 0$ 处也是，\n"
            "与 PyTorch 的选择相同）。单元激活处误差项完整通过，其余处乘以 $\\alpha$：",
        },
        "act.story.form.identity": {
            "en": "The derivative is 1 everywhere: the delta passes through unchanged (a linear "
            "output layer):",
            "zh": "导数处处为 1：误差项原样通过（线性输出层）：",
        },
        "act.story.form.activation": {
            "en": "For any differentiable $f$ the gradient is the delta times $f'$ at the input, "
            "element by element:",
            "zh": "对任何可微的 $f$，梯度都是误差项逐元素乘以 $f'$ 在输入处的值：",
        },
        "act.story.delta": {
            "en": "Placed after a layer $\\ell-1$ whose output is $Z^{[\\ell-1]}$, this layer's "
            "input is $A = Z^{[\\ell-1]}$, and\nits $\\partial E/\\partial A$ is that layer's "
            "delta. This is the step the other sheets write as\n"
            "$D^{[\\ell-1]} = \\partial E/\\partial A \\odot f'(Z^{[\\ell-1]})$, with their "
            "$\\partial E/\\partial A$ being this sheet's $D$:",
            "zh": "放在输出为 $Z^{[\\ell-1]}$ 的第 $\\ell-1$ 层之后时，本层的输入是 $A = Z^{[\\ell-1]}$，\n"
            "它的 $\\partial E/\\partial A$ 就是那一层的误差项。其他讲义把这一步写成\n"
            "$D^{[\\ell-1]} = \\partial E/\\partial A \\odot f'(Z^{[\\ell-1]})$，"
            "那里的 $\\partial E/\\partial A$ 就是本讲义的 $D$：",
        },
        "act.derivative": {
            "en": "SymPy differentiates the scalar function{rest}",
            "zh": "SymPy 对标量函数求导{rest}",
        },
        "act.derivative.unspecified": {
            "en": ", and keeps the derivative of the unspecified $f$ as it is:",
            "zh": "，并把未指定的 $f$ 的导数原样保留：",
        },
        "act.derivative.notes": {
            "en": "; below it, the form the notes use, built on its own\nand proved equal to "
            "SymPy's at every element (next sections).",
            "zh": "；下面是讲义使用的形式，它独立构造，\n并在每个元素上被证明与 SymPy 的结果相等（见后面各节）。",
        },
        "act.derivative.closed": {
            "en": "; below it, the form the closed form uses, built on its own\nand proved equal "
            "to SymPy's at every element (next sections).",
            "zh": "；下面是闭式公式使用的形式，它独立构造，\n并在每个元素上被证明与 SymPy 的结果相等（见后面各节）。",
        },
        "act.zero.relu": {
            "en": "At $a = 0$, where $\\operatorname{relu}$ has no derivative, SymPy's derivative "
            "of the Piecewise is $0$:\nPyTorch's choice too (its backward passes no delta at "
            "$0$); SymPy's derivative of $\\max(0, a)$,\na Heaviside step, would give "
            "$\\tfrac{1}{2}$ there.",
            "zh": "在 $a = 0$ 处 $\\operatorname{relu}$ 不可导，SymPy 对 `Piecewise` 求导得 $0$：\n"
            "这也是 PyTorch 的选择（它的反向传播在 $0$ 处不传误差项）；而 SymPy 对 $\\max(0, a)$ 求导\n"
            "得到的 Heaviside 阶跃在那里会给出 $\\tfrac{1}{2}$。",
        },
        "act.zero.leaky_relu": {
            "en": "At $a = 0$, where it has no derivative, SymPy's derivative of the Piecewise is "
            "{alpha}:\nPyTorch's choice too (its backward multiplies by the slope wherever "
            "$a \\le 0$).",
            "zh": "在 $a = 0$ 处它不可导，SymPy 对 `Piecewise` 求导得 {alpha}：\n"
            "这也是 PyTorch 的选择（它的反向传播在 $a \\le 0$ 处都乘以斜率）。",
        },
        "act.chain": {
            "en": "By the chain rule, $\\partial E/\\partial A_{u} = D_{u}\\, \\partial Z_{u}/"
            "\\partial A_{u}$: each output depends on\none input only. Each derivative below was "
            "computed by SymPy from the forward expressions.",
            "zh": "由链式法则，$\\partial E/\\partial A_{u} = D_{u}\\, \\partial Z_{u}/"
            "\\partial A_{u}$：每个输出只依赖于\n一个输入。下面每个导数都由 SymPy 从前向表达式算出。",
        },
        "act.heading.notes": {
            "en": "$\\partial E/\\partial A$, in the notes' form of the derivative.",
            "zh": "$\\partial E/\\partial A$，用讲义中导数的形式。",
        },
        "act.heading.own": {
            "en": "$\\partial E/\\partial A$, with the derivative built on its own.",
            "zh": "$\\partial E/\\partial A$，导数独立构造。",
        },
        "act.mistake.sigmoid": {
            "en": "$\\sigma' = \\sigma$, the function in place of its derivative",
            "zh": "$\\sigma' = \\sigma$，用函数代替了它的导数",
        },
        "act.mistake.tanh": {
            "en": "$\\tanh' = 1 - \\tanh$, the square forgotten",
            "zh": "$\\tanh' = 1 - \\tanh$，忘了平方",
        },
        "act.mistake.relu": {
            "en": "$\\partial E/\\partial A = D$, the delta passed back ungated (as if "
            "$\\operatorname{relu}' = 1$)",
            "zh": "$\\partial E/\\partial A = D$，误差项未经门控就传回（仿佛 "
            "$\\operatorname{relu}' = 1$）",
        },
        "act.mistake.leaky_relu": {
            "en": "the ReLU's derivative, the negative slope $\\alpha$ forgotten",
            "zh": "用了 ReLU 的导数，忘了负斜率 $\\alpha$",
        },
        "act.mistake.identity": {
            "en": "$\\operatorname{id}' = \\operatorname{id}$, the function in place of its "
            "derivative",
            "zh": "$\\operatorname{id}' = \\operatorname{id}$，用函数代替了它的导数",
        },
        "act.mistake.activation": {
            "en": "$\\partial E/\\partial A = D$, the factor $f'(A)$ forgotten",
            "zh": "$\\partial E/\\partial A = D$，忘了因子 $f'(A)$",
        },
        "act.closed_intro": {
            "en": "Each closed form below applies a derivative built on its own (a function of "
            "$a$,\napplied to every element of $A$) and multiplies by $D$ element by element; "
            "it was compared\nwith the derived elements one by one, {how}.",
            "zh": "下面每个闭式公式都把一个独立构造的导数（$a$ 的函数，\n作用于 $A$ 的每个元素）"
            "与 $D$ 逐元素相乘；它与推导出的元素逐一比较，{how}。",
        },
        "act.how.cancel": {
            "en": "as rational functions of their exponentials (SymPy's `cancel`)",
            "zh": "作为指数的有理函数比较（SymPy 的 `cancel`）",
        },
        "act.how.expand": {
            "en": "exactly (identical expressions after expansion)",
            "zh": "精确比较（展开后表达式相同）",
        },
        "act.legend": {
            "en": "Notation: $\\odot$ is the element-wise product.",
            "zh": "记号：$\\odot$ 是逐元素乘积。",
        },
        "act.sampling": {
            "en": "$A$ uniform in $[-2, 2)$, $D$ in $[-1, 1)${sin}",
            "zh": "$A$ 在 $[-2, 2)$ 上、$D$ 在 $[-1, 1)$ 上均匀分布{sin}",
        },
        "act.sampling.sin": {"en": ", with $f = \\sin$", "zh": "，并取 $f = \\sin$"},
        "act.verdict.notes": {
            "en": "every gradient above was derived by the chain rule, the notes' form of the\n"
            "derivative was proved equal to it exactly, and the numbers agree.",
            "zh": "上面每个梯度都由链式法则推导，讲义中导数的形式\n被精确证明与之相等，数值检验也一致。",
        },
        "act.verdict.closed": {
            "en": "every gradient above was derived by the chain rule, the closed form of the\n"
            "derivative was proved equal to it exactly, and the numbers agree.",
            "zh": "上面每个梯度都由链式法则推导，导数的闭式公式\n被精确证明与之相等，数值检验也一致。",
        },
        "act.gradient_matrix": {
            "en": "The input gradient as the matrix it forms:",
            "zh": "输入梯度排成它构成的矩阵：",
        },
        "ref.seeds_activation": {
            "en": "Lecture notes in Chinese: "
            "“Classic convolutional networks: ResNet”\n(a blog post in Chinese deriving the convolutional network's formulas)"
            ": the activation $\\sigma$ and the factor\n$\\sigma'$ it puts into every delta.",
            "zh": "中文讲义："
            "《经典卷积神经网络-ResNet：卷积神经网络公式推导，"
            "以及经典的ResNet残差网络》（博客文章）"
            "：激活函数 $\\sigma$ 及它在每个误差项中带来的因子 $\\sigma'$。",
        },
    }
)

# ---------------------------------------------------------------------------
# the losses
# ---------------------------------------------------------------------------

register(
    {
        "loss.heading": {"en": "The loss", "zh": "损失函数"},
        "loss.title.features": {"en": "{n} features", "zh": "{n} 个特征"},
        "loss.intro.se": {
            "en": "The squared error, the notes' loss (PyTorch: `F.mse_loss(y, t, "
            "reduction='sum') / 2`):",
            "zh": "平方误差，即讲义中的损失（PyTorch 中为 `F.mse_loss(y, t, reduction='sum') / 2`）：",
        },
        "loss.intro.ce": {
            "en": "The softmax followed by the cross-entropy (PyTorch: `F.cross_entropy(y, t, "
            "reduction='sum')`\nwith probability targets):",
            "zh": "softmax 之后接交叉熵（PyTorch 中为 `F.cross_entropy(y, t, reduction='sum')` ，\n目标为概率分布）：",
        },
        "loss.side": {
            "en": "Side condition: each target is a probability distribution, {sum}{each}. "
            "The proof of $\\operatorname{softmax}(y) - t$ uses it by substituting {last} into "
            "both sides; without it the gradient is "
            "$\\operatorname{softmax}(y) \\sum_c t_{c} - t$ (both proved below).",
            "zh": "附加条件：每个目标都是一个概率分布，{sum}{each}。$\\operatorname{softmax}(y) - t$ 的证明"
            "把 {last} 代入两边来使用它；没有它时梯度是"
            "$\\operatorname{softmax}(y) \\sum_c t_{c} - t$（两者下面都有证明）。",
        },
        "loss.side.each": {"en": " for every sample $n$", "zh": "（对每个样本 $n$）"},
        "loss.notation": {
            "en": "$y$ is the prediction (the output of the last layer) and $t$ the target; the "
            "gradient $\\partial E/\\partial y$\nis the delta the loss hands to the last layer.",
            "zh": "$y$ 是预测（最后一层的输出），$t$ 是目标；梯度 $\\partial E/\\partial y$\n"
            "就是损失交给最后一层的误差项。",
        },
        "loss.matrices": {
            "en": "The prediction and the target as rows{per}:",
            "zh": "预测与目标写成行向量{per}：",
        },
        "loss.matrices.per": {"en": ", sample by sample", "zh": "（逐个样本）"},
        "loss.story.chain": {
            "en": "The squared error is a sum over the features (and samples), and $y_{c}$ enters "
            "it through its own term alone.",
            "zh": "平方误差是对各特征（和样本）的求和，而 $y_{c}$ 只通过它自己那一项进入其中。",
        },
        "loss.story.se": {
            "en": "**Prediction.** Differentiating the square, only the term $k = c$ has "
            "$\\partial y_{k}/\\partial y_{c} = 1$; the $\\tfrac{1}{2}$\ncancels the 2 the square "
            "brings down:",
            "zh": "**预测。** 对平方求导，只有 $k = c$ 那一项有 $\\partial y_{k}/\\partial y_{c} = 1$；"
            "$\\tfrac{1}{2}$\n正好抵消平方求导带来的 2：",
        },
        "loss.story.ce_split": {
            "en": "**Prediction.** Written out with $\\log \\operatorname{softmax}(y)_{c} = y_{c} "
            "- \\log \\sum_{k} e^{y_{k}}$, the loss of one sample\nsplits into a linear part and "
            "a log-sum-exp weighted by the targets' sum:",
            "zh": "**预测。** 用 $\\log \\operatorname{softmax}(y)_{c} = y_{c} - "
            "\\log \\sum_{k} e^{y_{k}}$ 写开，一个样本的损失\n分成一个线性部分和一个以目标之和为权的 log-sum-exp：",
        },
        "loss.story.ce_diff": {
            "en": "The derivative of the log-sum-exp is the softmax, $\\partial \\log \\sum_{k} "
            "e^{y_{k}}/\\partial y_{j} = e^{y_{j}}/\\sum_{k} e^{y_{k}}$, so",
            "zh": "log-sum-exp 的导数就是 softmax，$\\partial \\log \\sum_{k} e^{y_{k}}/\\partial "
            "y_{j} = e^{y_{j}}/\\sum_{k} e^{y_{k}}$，所以",
        },
        "loss.story.ce_given": {
            "en": "A target that is a probability distribution has $\\sum_c t_{c} = 1$, and the "
            "gradient becomes the\nfamous $\\operatorname{softmax}(y) - t$:",
            "zh": "目标是概率分布时 $\\sum_c t_{c} = 1$，梯度就成为\n著名的 $\\operatorname{softmax}(y) - t$：",
        },
        "loss.story.delta": {
            "en": "This gradient is the delta the loss hands down: for the last layer, whose "
            "output $Z$ is $y$,\n$D = \\partial E/\\partial Z = \\partial E/\\partial y$ (the "
            "notes' $\\delta^{L}$; an output activation multiplies in its $f'$\non its own sheet).",
            "zh": "这个梯度就是损失向下传递的误差项：对输出 $Z$ 就是 $y$ 的最后一层，\n"
            "$D = \\partial E/\\partial Z = \\partial E/\\partial y$（讲义中的 $\\delta^{L}$；"
            "输出层的激活函数\n在它自己的讲义中再乘上它的 $f'$）。",
        },
        "loss.story.batch": {
            "en": "With a batch, $E$ sums the samples' losses, and each sample's gradient "
            "involves only its own row.",
            "zh": "有一个批次时，$E$ 是各样本损失之和，每个样本的梯度只涉及它自己的那一行。",
        },
        "loss.forward": {
            "en": "The loss, built as one expression:",
            "zh": "损失，构造为一个表达式：",
        },
        "loss.chain": {
            "en": "SymPy differentiates $E$ directly, $\\partial E/\\partial y_{c}$, for every "
            "element:",
            "zh": "SymPy 对每个元素直接求 $E$ 的导数 $\\partial E/\\partial y_{c}$：",
        },
        "loss.heading.notes": {
            "en": "$\\partial E/\\partial y$, the notes' sensitivity of the output layer.",
            "zh": "$\\partial E/\\partial y$，讲义中输出层的灵敏度。",
        },
        "loss.heading.given": {
            "en": "$\\partial E/\\partial y$ given the side condition $\\sum_c t_{c} = 1$.",
            "zh": "在附加条件 $\\sum_c t_{c} = 1$ 下的 $\\partial E/\\partial y$。",
        },
        "loss.heading.any_t": {
            "en": "$\\partial E/\\partial y$ for any $t$ (no side condition).",
            "zh": "对任意 $t$ 的 $\\partial E/\\partial y$（无附加条件）。",
        },
        "loss.heading.no_condition": {
            "en": "The same formula without the side condition $\\sum_c t_{c} = 1$.",
            "zh": "去掉附加条件 $\\sum_c t_{c} = 1$ 的同一个公式。",
        },
        "loss.mistake.sign": {"en": "the sign flipped", "zh": "符号弄反了"},
        "loss.mistake.no_half": {
            "en": "the $\\tfrac{1}{2}$ of $E$ forgotten",
            "zh": "忘了 $E$ 中的 $\\tfrac{1}{2}$",
        },
        "loss.mistake.sign_ce": {
            "en": "the sign flipped (given $\\sum_c t_{c} = 1$)",
            "zh": "符号弄反了（在 $\\sum_c t_{c} = 1$ 的条件下）",
        },
        "loss.closed_intro": {
            "en": "Each closed form below was built from formula nodes on one sample's rows $y$ "
            "and $t$,\nindependently of the derivation, and compared with the derived elements "
            "one by one,\n{how}.",
            "zh": "下面每个闭式公式都由公式节点在一个样本的行向量 $y$、$t$ 上构造，\n"
            "独立于推导，并与推导出的元素逐一比较，\n{how}。",
        },
        "loss.how.cancel": {
            "en": "as rational functions of the exponentials (SymPy's `cancel`)",
            "zh": "作为指数的有理函数比较（SymPy 的 `cancel`）",
        },
        "loss.how.expand_ce": {
            "en": "as expanded expressions (SymPy's `expand`)",
            "zh": "作为展开的表达式比较（SymPy 的 `expand`）",
        },
        "loss.how.expand": {"en": "as expanded polynomials", "zh": "作为展开的多项式比较"},
        "loss.legend": {
            "en": "Notation: $\\operatorname{softmax}(y)_{c} = e^{y_{c}} / \\sum_k e^{y_{k}}$, "
            "built from formula nodes\n(`1/(sum(exp(y))) * exp(y)`), one sample at a time.",
            "zh": "记号：$\\operatorname{softmax}(y)_{c} = e^{y_{c}} / \\sum_k e^{y_{k}}$，"
            "由公式节点构造\n（`1/(sum(exp(y))) * exp(y)`），每次一个样本。",
        },
        "loss.sampling.ce": {
            "en": "$y$ uniform in $[-2, 2)$, $t$ random, each row summing to 1",
            "zh": "$y$ 在 $[-2, 2)$ 上均匀分布，$t$ 随机，每行之和为 1",
        },
        "loss.sampling.se": {
            "en": "$y$ uniform in $[-2, 2)$, $t$ in $[-1, 1)$",
            "zh": "$y$ 在 $[-2, 2)$ 上、$t$ 在 $[-1, 1)$ 上均匀分布",
        },
        "loss.verdict.ce": {
            "en": "the gradient above was derived by the chain rule, the closed forms were\n"
            "proved equal to it exactly ($\\operatorname{softmax}(y) - t$ given "
            "$\\sum_c t_{c} = 1$), and the numbers agree.",
            "zh": "上面的梯度由链式法则推导，闭式公式\n都被精确证明与之相等（在 $\\sum_c t_{c} = 1$ 下为 "
            "$\\operatorname{softmax}(y) - t$），数值检验也一致。",
        },
        "loss.verdict.se": {
            "en": "the gradient above was derived by the chain rule, the notes' closed form was\n"
            "proved equal to it exactly, and the numbers agree.",
            "zh": "上面的梯度由链式法则推导，讲义的闭式公式\n被精确证明与之相等，数值检验也一致。",
        },
        "ref.seeds_loss": {
            "en": "Lecture notes in Chinese: "
            "“Weight updates in a convolutional\nnetwork” (a blog post in Chinese, untitled; named here after its first sentence)"
            ": the squared-error loss and the\nsensitivity of the last layer.",
            "zh": "中文讲义："
            "《卷积神经网络中的权值更新》（博客文章；原文无标题，"
            "取其首句）"
            "：平方误差损失与最后一层的灵敏度。",
        },
    }
)

# ---------------------------------------------------------------------------
# Bouvrie's subsampling layer
# ---------------------------------------------------------------------------

register(
    {
        "sub.title.blocks": {"en": "{size} blocks", "zh": "{size} 块"},
        "sub.intro": {
            "en": "Bouvrie's subsampling layer: each output map is the block sum of its input "
            "map, scaled by a\n**multiplicative bias** $\\beta$ and shifted by an **additive "
            "bias** $b$. The notes write\n$x_j^\\ell = f(\\beta_j^\\ell "
            "\\operatorname{down}(x_j^{\\ell-1}) + b_j^\\ell)$; here $Z$ is the argument of $f$,\n"
            "and the activation is a layer of its own:",
            "zh": "Bouvrie 的下采样层：每个输出特征图是其输入特征图的分块和，乘以\n**乘性偏置** $\\beta$，"
            "再加上**加性偏置** $b$。讲义写作\n$x_j^\\ell = f(\\beta_j^\\ell "
            "\\operatorname{down}(x_j^{\\ell-1}) + b_j^\\ell)$；这里 $Z$ 是 $f$ 的自变量，\n"
            "激活函数是单独的一层：",
        },
        "sub.note.down": {
            "en": "$\\operatorname{down}$ sums each non-overlapping {block} block of its map, so "
            "every output holds {n} inputs; unlike mean pooling it does not divide by {n}.",
            "zh": "$\\operatorname{down}$ 对特征图中每个互不重叠的 {block} 块求和，所以每个输出含有 {n} "
            "个输入；与平均池化不同，它不除以 {n}。",
        },
        "sub.note.maps": {
            "en": "Each map $j$ has its own $\\beta^{(j)}$ and $b^{(j)}$; maps are not mixed.",
            "zh": "每个特征图 $j$ 有自己的 $\\beta^{(j)}$ 与 $b^{(j)}$；特征图之间不混合。",
        },
        "sub.story.bias": {
            "en": "**Additive bias.** {b} enters every output of its map with coefficient 1, so "
            "its gradient sums the deltas:",
            "zh": "**加性偏置。** {b} 以系数 1 出现在其特征图的每个输出中，所以它的梯度是误差项之和：",
        },
        "sub.story.beta": {
            "en": "**Multiplicative bias.** {beta} multiplies the block sum "
            "{down} in output {z},\nso its gradient weights each block sum by its delta:",
            "zh": "**乘性偏置。** {beta} 在输出 {z} 中乘以分块和 {down}，\n"
            "所以它的梯度用各自的误差项给每个分块和加权：",
        },
        "sub.story.input": {
            "en": "**Input.** {a} lies in exactly one block, the one at {uv}, where it is "
            "multiplied by {beta}:",
            "zh": "**输入。** {a} 恰好落在一个块中，即位于 {uv} 的那个块，在那里它乘以 {beta}：",
        },
        "sub.story.up": {
            "en": "Repeating every delta over its block is the notes' up-sampling "
            "$\\operatorname{up}(D) = D \\otimes \\mathbf{1}$ (the Kronecker\nproduct with a "
            "block of ones); unlike mean pooling nothing is divided:",
            "zh": "把每个误差项在其块上重复，就是讲义中的上采样 "
            "$\\operatorname{up}(D) = D \\otimes \\mathbf{1}$（与全一块的\nKronecker 积）；"
            "与平均池化不同，这里不做除法：",
        },
        "sub.story.below": {
            "en": "When $A$ is the activation of a convolution layer below, $A = f(Z^{[\\ell-1]})$, "
            "that layer's delta is\nthis gradient times $f'$ element by element: the notes' "
            "$\\delta_j^\\ell = \\beta_j^{\\ell+1} (f'(u_j^\\ell) \\circ "
            "\\operatorname{up}(\\delta_j^{\\ell+1}))$, with their $u_j^\\ell$ being "
            "$Z^{[\\ell-1]}$ here:",
            "zh": "若 $A$ 是下面卷积层的激活 $A = f(Z^{[\\ell-1]})$，那一层的误差项就是\n"
            "这个梯度逐元素乘以 $f'$：即讲义的 "
            "$\\delta_j^\\ell = \\beta_j^{\\ell+1} (f'(u_j^\\ell) \\circ "
            "\\operatorname{up}(\\delta_j^{\\ell+1}))$，讲义的 $u_j^\\ell$ 就是这里的 "
            "$Z^{[\\ell-1]}$：",
        },
        "sub.story.maps": {
            "en": "With several maps or a batch, each formula holds map by map; the biases of map "
            "$j$ sum it over the\nbatch, as the closed forms write out.",
            "zh": "有多个特征图或一个批次时，每个公式逐个特征图成立；特征图 $j$ 的偏置\n"
            "对批次求和，如闭式公式所写。",
        },
        "sub.contributions": {
            "en": "The block sum that each multiplicative bias multiplies "
            "($\\partial Z_u/\\partial \\beta$), to produce which output\nelement:",
            "zh": "每个乘性偏置所乘的分块和（$\\partial Z_u/\\partial \\beta$），得到哪个输出元素：",
        },
        "sub.column": {"en": "bias", "zh": "偏置"},
        "sub.heading.bias": {"en": "Additive bias gradient", "zh": "加性偏置梯度"},
        "sub.heading.beta": {"en": "Multiplicative bias gradient", "zh": "乘性偏置梯度"},
        "sub.bias": {
            "en": "Every output{of} contains {b} with coefficient 1, so its gradient is the sum "
            "of\n{whose} deltas{batch} (the notes' "
            "$\\partial E/\\partial b_j = \\sum_{u,v} (\\delta_j)_{uv}$):",
            "zh": "每个输出{of}都以系数 1 含有 {b}，所以它的梯度是{whose}误差项之和{batch}\n"
            "（讲义的 $\\partial E/\\partial b_j = \\sum_{u,v} (\\delta_j)_{uv}$）：",
        },
        "sub.of_map": {"en": " of map $j$", "zh": "（特征图 $j$ 的）"},
        "sub.whose.map": {"en": "that map's", "zh": "该特征图的"},
        "sub.whose.the": {"en": "the", "zh": "所有"},
        "sub.over_batch": {"en": " over the whole batch", "zh": "（对整个批次）"},
        "sub.beta": {
            "en": "Each output{of} contains {beta} times its block sum, so {dbeta} weights each\n"
            "block sum by its delta{batch} (the notes' "
            "$\\partial E/\\partial \\beta_j = \\sum_{u,v} (\\delta_j \\circ d_j)_{uv}$ with\n"
            "$d_j = \\operatorname{down}(x_j^{\\ell-1})$):",
            "zh": "每个输出{of}都含有 {beta} 乘以它的分块和，所以 {dbeta} 用各自的误差项\n"
            "给每个分块和加权{batch}（讲义的 "
            "$\\partial E/\\partial \\beta_j = \\sum_{u,v} (\\delta_j \\circ d_j)_{uv}$，其中\n"
            "$d_j = \\operatorname{down}(x_j^{\\ell-1})$）：",
        },
        "sub.input": {
            "en": "Each input element lies in exactly one block, so its gradient is that block's "
            "delta times {beta};\nthe elements one by one{matrix}",
            "zh": "每个输入元素恰好落在一个块中，所以它的梯度是该块的误差项乘以 {beta}；\n"
            "逐个列出各元素{matrix}",
        },
        "sub.input.list": {"en": ":", "zh": "："},
        "sub.input.only_matrix": {
            "en": "Each input element lies in exactly one block, so its gradient is that block's "
            "delta times {beta};\neach map's gradient as the matrix it forms:",
            "zh": "每个输入元素恰好落在一个块中，所以它的梯度是该块的误差项乘以 {beta}；\n"
            "每个特征图的梯度排成它构成的矩阵：",
        },
        "sub.closed_intro": {
            "en": "Each closed form below was built from array operators ($\\operatorname{down}$, "
            "which sums each block;\n$\\otimes \\mathbf{1}$, the Kronecker product with a block of "
            "ones, the notes' $\\operatorname{up}$;\n$\\odot$, the element-wise product) "
            "independently of the derivation, and compared with the\nderived elements one by "
            "one as expanded polynomials.",
            "zh": "下面每个闭式公式都由数组运算（$\\operatorname{down}$，对每个块求和；\n"
            "$\\otimes \\mathbf{1}$，与全一块的 Kronecker 积，即讲义的 $\\operatorname{up}$；\n"
            "$\\odot$，逐元素乘积）独立于推导构造，并与推导出的元素逐一作为展开的多项式比较。",
        },
        "sheet.notes_formula": {
            "en": "{d}, the notes' formula.",
            "zh": "{d}，讲义的公式。",
        },
        "sheet.known_mistake_for": {
            "en": "A known mistake for {d}: it {what}.",
            "zh": "{d} 的一个已知错误：{what}。",
        },
        "sub.mistake.no_beta": {
            "en": "up-samples the delta without $\\beta$",
            "zh": "对误差项上采样却没有乘 $\\beta$",
        },
        "sub.mistake.divides": {
            "en": "divides by {n}, as mean pooling does ($\\operatorname{down}$ sums, it does "
            "not average)",
            "zh": "像平均池化那样除以 {n}（$\\operatorname{down}$ 是求和，不是求平均）",
        },
        "sheet.verdict_notes": {
            "en": "every gradient above was derived by the chain rule, the notes' closed forms\n"
            "were proved equal to it exactly, and the numbers agree.",
            "zh": "上面每个梯度都由链式法则推导，讲义的闭式公式\n都被精确证明与之相等，数值检验也一致。",
        },
        "ref.seeds_subsample": {
            "en": "Lecture notes in Chinese: "
            "“Weight updates in a convolutional\nnetwork” (a blog post in Chinese, untitled; named here after its first sentence)"
            ": the sampling layer,\n$\\operatorname{down}$, the multiplicative and additive biases, the delta up-sampled to\nthe layer below.",
            "zh": "中文讲义："
            "《卷积神经网络中的权值更新》（博客文章；原文无标题，"
            "取其首句）"
            "：采样层，$\\operatorname{down}$、乘性与加性偏置、"
            "上采样到前一层的误差项。",
        },
        "ref.bouvrie_sub": {
            "en": "J. Bouvrie. *Notes on Convolutional Neural Networks.* MIT, 2006: the sections "
            "on sub-sampling\nlayers and on learning combinations of feature maps.",
            "zh": "J. Bouvrie. *Notes on Convolutional Neural Networks.* MIT, 2006：关于下采样层\n"
            "与学习特征图组合的两节。（英文）",
        },
    }
)

# ---------------------------------------------------------------------------
# Bouvrie's learned combination of feature maps
# ---------------------------------------------------------------------------

register(
    {
        "mix.title": {
            "en": "{size} maps, {cin} → {cout}",
            "zh": "{size} 特征图，{cin} → {cout}",
        },
        "mix.title.in_one": {"en": "1 input map", "zh": "1 个输入特征图"},
        "mix.title.in_many": {"en": "{n} input maps", "zh": "{n} 个输入特征图"},
        "mix.title.out_one": {"en": "1 output map", "zh": "1 个输出特征图"},
        "mix.title.out_many": {"en": "{n} output maps", "zh": "{n} 个输出特征图"},
        "mix.intro": {
            "en": "Bouvrie's learned combination of feature maps: each output map is a weighted "
            "sum of the input\nmaps, with weights that are a softmax of free parameters $c$. The "
            "notes write\n$x_j^\\ell = f(\\sum_i \\alpha_{ij} (x_i^{\\ell-1} * k_i^\\ell) + "
            "b_j^\\ell)$ with $\\alpha_{ij} = e^{c_{ij}}/\\sum_k e^{c_{kj}}$; here\nthe maps "
            "combined are the input $A$ (the convolution, bias and activation are layers of "
            "their\nown), and $c$ and $\\alpha$ are indexed output by input, like a weight, so "
            "the notes' $\\alpha_{ij}$ is $\\alpha_{ji}$ here:",
            "zh": "Bouvrie 的特征图学习组合：每个输出特征图是各输入特征图的加权和，\n"
            "权重是自由参数 $c$ 的 softmax。讲义写作\n"
            "$x_j^\\ell = f(\\sum_i \\alpha_{ij} (x_i^{\\ell-1} * k_i^\\ell) + b_j^\\ell)$，其中 "
            "$\\alpha_{ij} = e^{c_{ij}}/\\sum_k e^{c_{kj}}$；\n这里被组合的特征图就是输入 $A$"
            "（卷积、偏置和激活函数各自是单独的层），\n而 $c$ 与 $\\alpha$ 像权重一样按输出乘输入编号，"
            "所以讲义的 $\\alpha_{ij}$ 在这里是 $\\alpha_{ji}$：",
        },
        "mix.note.convex": {
            "en": "Every {a} > 0 and {sum}: each output map is a convex combination of the input "
            "maps, position by position.",
            "zh": "每个 {a} > 0 且 {sum}：每个输出特征图都是各输入特征图逐位置的凸组合。",
        },
        "mix.note.sparsity": {
            "en": "The notes add a sparsity penalty $\\lambda \\sum_{i,j} |\\alpha_{ij}|$ to the "
            "error. With $\\alpha$ a softmax, $\\sum_i |\\alpha_{ji}| = 1$ for every $c$, so the "
            "penalty is the constant $\\lambda J$ and its gradient with respect to $c$ is "
            "identically zero (SymPy's derivative of $\\sum_i |\\alpha_{0i}|$ with respect to each "
            "$c_{0i}$ cancels to $0$): it cannot make the weights sparse.",
            "zh": "讲义在误差上加了一个稀疏惩罚 $\\lambda \\sum_{i,j} |\\alpha_{ij}|$。由于 $\\alpha$ "
            "是 softmax，对任何 $c$ 都有 $\\sum_i |\\alpha_{ji}| = 1$，所以惩罚是常数 $\\lambda J$，"
            "它对 $c$ 的梯度恒为零（SymPy 求 $\\sum_i |\\alpha_{0i}|$ 对每个 $c_{0i}$ 的导数，"
            "化简后为 $0$）：它不能使权重稀疏。",
        },
        "mix.notation": {
            "en": "$\\alpha$ is not a free parameter: it is computed from $c$, and the gradient "
            "with respect to $c$ goes through it.",
            "zh": "$\\alpha$ 不是自由参数：它由 $c$ 算出，对 $c$ 的梯度要经过它。",
        },
        "mix.story.chain": {
            "en": "The loss $E$ depends on the weights and the input only through the output "
            "maps, so by the chain\nrule its derivative with respect to any one of their "
            "elements $x$ sums over every output map $j$\nand position:",
            "zh": "损失 $E$ 只通过输出特征图依赖于权重和输入，所以由链式法则，\n"
            "它对其中任一元素 $x$ 的导数是对每个输出特征图 $j$ 和每个位置求和：",
        },
        "mix.story.alpha": {
            "en": "**Weights.** $\\alpha_{ji}$ multiplies the whole input map $A^{(i)}$ in output "
            "map $j$ and appears nowhere else:",
            "zh": "**权重。** $\\alpha_{ji}$ 在输出特征图 $j$ 中乘以整个输入特征图 $A^{(i)}$，"
            "别处都不出现：",
        },
        "mix.story.c": {
            "en": "**Parameters.** $c_{ji}$ reaches the loss through every weight of row $j$, "
            "since the softmax's denominator\nholds all of them. The softmax Jacobian is "
            "$\\partial \\alpha_{jk}/\\partial c_{ji} = \\alpha_{jk}([i = k] - \\alpha_{ji})$ "
            "($[\\cdot]$ is 1 when its condition\nholds, else 0), so",
            "zh": "**参数。** $c_{ji}$ 经由第 $j$ 行的每个权重影响损失，因为 softmax 的分母含有它们全部。\n"
            "softmax 的雅可比矩阵是 $\\partial \\alpha_{jk}/\\partial c_{ji} = "
            "\\alpha_{jk}([i = k] - \\alpha_{ji})$（$[\\cdot]$ 在条件成立时为 1，否则为 0），所以",
        },
        "mix.story.input": {
            "en": "**Input.** $A^{(i)}$ reaches every output map $j$, weighted by $\\alpha_{ji}$, "
            "position by position:",
            "zh": "**输入。** $A^{(i)}$ 逐位置地进入每个输出特征图 $j$，权重为 $\\alpha_{ji}$：",
        },
        "mix.story.batch": {
            "en": "With a batch, each formula holds for one sample $n$; the weights are shared, "
            "so their gradients sum it\nover $n$.",
            "zh": "有一个批次时，每个公式对一个样本 $n$ 成立；权重由各样本共享，\n所以它们的梯度对 $n$ 求和。",
        },
        "mix.forward": {
            "en": "Every output element in the weights $\\alpha$ (the form the notes "
            "differentiate):",
            "zh": "用权重 $\\alpha$ 写出的每个输出元素（讲义求导的形式）：",
        },
        "mix.heading.forward_c": {"en": "Forward pass in c", "zh": "以 c 表示的前向传播"},
        "mix.heading.alpha": {
            "en": "Gradient with respect to the weights",
            "zh": "对权重的梯度",
        },
        "mix.heading.c": {"en": "Gradient with respect to c", "zh": "对 c 的梯度"},
        "mix.forward_c": {
            "en": "The same elements with $\\alpha$ written out, the expressions the chain rule "
            "differentiates for $c$\nand $A$ (writing $S_j = \\sum_k e^{c_{jk}}$ for the "
            "denominator of output map $j$):",
            "zh": "把 $\\alpha$ 写开后的同样的元素，即链式法则对 $c$ 和 $A$ 求导的表达式\n"
            "（把输出特征图 $j$ 的分母记作 $S_j = \\sum_k e^{c_{jk}}$）：",
        },
        "mix.alpha_intro": {
            "en": "By the chain rule, $\\partial E/\\partial x = \\sum_{u} D_{u}\\, "
            "\\partial Z_{u}/\\partial x$, summed over\nthe outputs that contain $x$; each "
            "derivative below was computed by SymPy from the forward pass\nin $\\alpha$ (the "
            "notes' $\\partial E/\\partial \\alpha_i = \\sum_{u,v} (\\delta \\circ x_i)_{uv}$):",
            "zh": "由链式法则，$\\partial E/\\partial x = \\sum_{u} D_{u}\\, "
            "\\partial Z_{u}/\\partial x$，对含有 $x$ 的\n输出求和；下面每个导数都由 SymPy 从以 "
            "$\\alpha$ 表示的前向传播算出\n（讲义的 $\\partial E/\\partial \\alpha_i = "
            "\\sum_{u,v} (\\delta \\circ x_i)_{uv}$）：",
        },
        "mix.c_intro": {
            "en": "By the chain rule, $\\partial E/\\partial x = \\sum_{u} D_{u}\\, "
            "\\partial Z_{u}/\\partial x$, summed over\nthe outputs that contain $x$; each "
            "derivative below was computed by SymPy from the forward pass\nin $c$, "
            "differentiating the softmax itself. Each is shown with $e^{c_{jk}}$ written as "
            "$\\alpha_{jk} S_j$,\nwhich is exact and cancels every $S_j$ (the JSON keeps SymPy's "
            "expressions in $\\exp$):",
            "zh": "由链式法则，$\\partial E/\\partial x = \\sum_{u} D_{u}\\, "
            "\\partial Z_{u}/\\partial x$，对含有 $x$ 的\n输出求和；下面每个导数都由 SymPy 从以 $c$ "
            "表示的前向传播算出，对 softmax 本身求导。\n每个都把 $e^{c_{jk}}$ 写成 $\\alpha_{jk} S_j$"
            "（这是精确的，并消去了所有 $S_j$；JSON 文件保留 SymPy 用 $\\exp$ 写的表达式）：",
        },
        "mix.input_intro": {
            "en": "Each input map reaches every output map, weighted by its $\\alpha$ (shown, as "
            "above, with\n$e^{c_{jk}} = \\alpha_{jk} S_j$):",
            "zh": "每个输入特征图都进入每个输出特征图，权重为它的 $\\alpha$（与上面一样，\n写成 "
            "$e^{c_{jk}} = \\alpha_{jk} S_j$）：",
        },
        "mix.worked": {
            "en": "One element of each, as SymPy derived it by the chain rule, the gradients in "
            "$c$ and $A$ with\n$e^{c_{jk}}$ written as $\\alpha_{jk} S_j$, $S_j = \\sum_k e^{c_{jk}}$ "
            "(`--detail full` lists every element):",
            "zh": "每种各取一个元素，均由 SymPy 按链式法则推导；对 $c$ 和 $A$ 的梯度把\n"
            "$e^{c_{jk}}$ 写成 $\\alpha_{jk} S_j$，$S_j = \\sum_k e^{c_{jk}}$"
            "（`--detail full` 列出全部元素）：",
        },
        "mix.closed_intro": {
            "en": "Each closed form below was built from array operators (the element-wise "
            "product $\\odot$, the sum\n$\\sum$ of every entry) with $\\alpha_{ji} = "
            "e^{c_{ji}}/\\sum_k e^{c_{jk}}$ written out in SymPy's `exp`,\nindependently of the "
            "derivation, and compared with the derived elements one by one, exactly: two sides "
            "are\n{methods}.",
            "zh": "下面每个闭式公式都由数组运算（逐元素乘积 $\\odot$、对所有元素的求和\n$\\sum$）"
            "构造，其中 $\\alpha_{ji} = e^{c_{ji}}/\\sum_k e^{c_{jk}}$ 用 SymPy 的 `exp` 写开，\n"
            "独立于推导，并与推导出的元素逐一精确比较：两边\n{methods}。",
        },
        "mix.methods.sep": {"en": "; ", "zh": "；"},
        "mix.decided.expand": {
            "en": "equal when their difference expands to 0",
            "zh": "在差展开为 0 时相等",
        },
        "mix.decided.cancel": {
            "en": "equal when it cancels to 0 as a rational function of the exponentials "
            "(SymPy's `cancel`)",
            "zh": "在差作为指数的有理函数化简为 0 时相等（SymPy 的 `cancel`）",
        },
        "mix.decided.counterexample": {
            "en": "different at a point where the difference is clearly not 0 (evaluated to 30 "
            "digits)",
            "zh": "在某一点上差显然不为 0 时不同（按 30 位有效数字计算）",
        },
        "mix.legend": {
            "en": "Here $\\alpha_{j\\cdot}$ and $\\partial E/\\partial \\alpha_{j\\cdot}$ are row "
            "$j$ (one entry per input map $k$) and\n$\\sum_u$ sums their entries: the notes' "
            "$\\partial E/\\partial c_i = \\alpha_i (\\partial E/\\partial \\alpha_i - "
            "\\sum_k \\alpha_k\\, \\partial E/\\partial \\alpha_k)$\nfor output map $j$, from the "
            "softmax Jacobian $\\partial \\alpha_{jk}/\\partial c_{ji} = "
            "\\alpha_{jk}([i = k] - \\alpha_{ji})$.",
            "zh": "这里 $\\alpha_{j\\cdot}$ 与 $\\partial E/\\partial \\alpha_{j\\cdot}$ 是第 $j$ 行"
            "（每个输入特征图 $k$ 一个元素），\n$\\sum_u$ 对它们的元素求和：即讲义对输出特征图 $j$ 的 "
            "$\\partial E/\\partial c_i = \\alpha_i (\\partial E/\\partial \\alpha_i - "
            "\\sum_k \\alpha_k\\, \\partial E/\\partial \\alpha_k)$，\n它来自 softmax 的雅可比矩阵 "
            "$\\partial \\alpha_{jk}/\\partial c_{ji} = \\alpha_{jk}([i = k] - \\alpha_{ji})$。",
        },
        "mix.mistake.jacobian": {
            "en": "forgets the softmax Jacobian (takes $\\partial E/\\partial c$ to be "
            "$\\partial E/\\partial \\alpha$)",
            "zh": "忘了 softmax 的雅可比矩阵（把 $\\partial E/\\partial c$ 当成 "
            "$\\partial E/\\partial \\alpha$）",
        },
        "mix.mistake.diagonal": {
            "en": "keeps only the diagonal of the softmax Jacobian",
            "zh": "只保留了 softmax 雅可比矩阵的对角线",
        },
        "mix.sampling": {
            "en": "uniform in $[-1, 1)$ for $A$, $c$ and $D$; $\\alpha = "
            "\\operatorname{softmax}(c)$",
            "zh": "$A$、$c$ 与 $D$ 在 $[-1, 1)$ 上均匀分布；$\\alpha = \\operatorname{softmax}(c)$",
        },
    }
)
