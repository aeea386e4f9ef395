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
        "axis.position": {"en": "position", "zh": "位置"},
        "axis.row": {"en": "row", "zh": "行"},
        "axis.column": {"en": "column", "zh": "列"},
        "axis.slice": {"en": "slice", "zh": "层"},
        "sheet.known_mistake": {"en": "A known mistake: {what}.", "zh": "一个已知的错误：{what}。"},
    }
)

register(
    {
        "heading.forward_alpha": {"en": "Forward pass in c", "zh": "以 c 表示的前向传播"},
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
        "story.what.linear": {"en": "the weights, the bias and the input", "zh": "权重、偏置和输入"},
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
            "en": "Here $x$ is the {inputs} as a column and $u$ its {outputs}; $W$ is {shape},\n"
            "output by input (PyTorch's layout).",
            "zh": "这里 $x$ 是{inputs}（列向量），$u$ 是它的{outputs}；$W$ 是 {shape}，\n"
            "按输出乘输入排列（PyTorch 的布局）。",
        },
        "dense.note_batch": {
            "en": "Here $x$ is one sample's {inputs} as a column and $u$ its {outputs}; $W$ is "
            "{shape},\noutput by input (PyTorch's layout), shared by the {n} samples of the batch.",
            "zh": "这里 $x$ 是一个样本的{inputs}（列向量），$u$ 是它的{outputs}；$W$ 是 {shape}，\n"
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
            "$\\partial Z_{k}/\\partial W_{ji}$ 等于 {a}，\n否则为 $0$，所以求和只剩一项，即该输出的残差乘以输入：",
        },
        "dense.story.outer": {
            "en": "Entry $(j, i)$ of a column times a row is the product of entry $j$ and entry "
            "$i$: the gradient is the\nouter product of the delta column with the input row, "
            "the notes' $\\delta x^{\\mathsf{T}}$:",
            "zh": "列向量乘以行向量的第 $(j, i)$ 个元素，就是第 $j$ 个与第 $i$ 个元素之积：梯度是残差列向量\n"
            "与输入行向量的外积，即讲义的 $\\delta x^{\\mathsf{T}}$：",
        },
        "dense.story.bias": {
            "en": "**Bias.** {b} appears in output {z} alone, with coefficient 1: its gradient "
            "is that output's delta,\nso the bias gradient is the sensitivity itself:",
            "zh": "**偏置。** {b} 只以系数 1 出现在输出 {z} 中：它的梯度就是该输出的残差，\n"
            "所以偏置梯度就是灵敏度本身：",
        },
        "dense.story.input": {
            "en": "**Input.** {a} appears in every output {z}, multiplied by {w}; the sum over "
            "$j$ runs down column $i$\nof $W$, so it is row $i$ of the transpose times the "
            "delta:",
            "zh": "**输入。** {a} 出现在每个输出 {z} 中，乘以 {w}；对 $j$ 的求和沿 $W$ 的第 $i$ 列进行，\n"
            "所以它是转置矩阵的第 $i$ 行乘以残差：",
        },
        "dense.story.input_after": {
            "en": "The transpose $W^{\\mathsf{T}}$ carries the delta back to the layer below "
            "(and the notes' next step\nmultiplies it by $f'$ of that layer, element by element):",
            "zh": "转置 $W^{\\mathsf{T}}$ 把残差传回下一层（讲义的下一步再逐元素乘以\n该层的 $f'$）：",
        },
        "dense.contributions": {
            "en": "Which input each weight multiplies, to produce which output element:",
            "zh": "每个权重乘以哪个输入，得到哪个输出元素：",
        },
        "dense.bias_one": {
            "en": "Every output $j$ contains $b_{j}$ with coefficient 1, so the bias gradient is "
            "the delta itself:",
            "zh": "每个输出 $j$ 都以系数 1 含有 $b_{j}$，所以偏置梯度就是残差本身：",
        },
        "dense.bias_batch": {
            "en": "Every output $j$ contains $b_{j}$ with coefficient 1, so the bias gradient is "
            "the delta, summed over the batch:",
            "zh": "每个输出 $j$ 都以系数 1 含有 $b_{j}$，所以偏置梯度是残差对批次的和：",
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
            "zh": "这里 $x$ 是 {n} 个输入，$\\delta$ 是它的 {m} 个残差，都写成列向量。",
        },
        "dense.diff.here_batch": {
            "en": "Here ${x}$ is each sample's {n} inputs and ${delta}$ its {m} deltas, as "
            "columns.",
            "zh": "这里 ${x}$ 是每个样本的 {n} 个输入，${delta}$ 是它的 {m} 个残差，都写成列向量。",
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
            "zh": "$\\partial E/\\partial x$，传回下一层：$W^{\\mathsf{T}}\\delta$。",
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
            "en": "Lecture notes (in Chinese), in `../shared/seeds/`: `002_eef32237e2018532.txt` "
            "(the fully-connected\nlayer, the sensitivity $\\delta = \\partial E/\\partial b$) "
            "and `001_c79401278e41df6f.txt` (the matrix differential,\nJacobian layout).",
            "zh": "中文讲义，见 `../shared/seeds/` 中的 `002_eef32237e2018532.txt` （全连接层，\n"
            "灵敏度 $\\delta = \\partial E/\\partial b$）与 `001_c79401278e41df6f.txt` （矩阵微分，\n雅可比布局）。",
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
            "each output is the function\nof the input at the same position.",
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
            "见下面的导数）。单元激活处残差通过，其余处被截断：",
        },
        "act.story.form.leaky_relu": {
            "en": "The derivative is a step: 1 where the input is positive, the slope $\\alpha$ "
            "elsewhere (at $a = 0$\ntoo, as PyTorch chooses). The delta passes whole where the "
            "unit was active and scaled by $\\alpha$\nelsewhere:",
            "zh": "导数是一个阶跃：输入为正处为 1，其余为斜率 $\\alpha$（在 $a = 0$ 处也是，\n"
            "与 PyTorch 的选择相同）。单元激活处残差完整通过，其余处乘以 $\\alpha$：",
        },
        "act.story.form.identity": {
            "en": "The derivative is 1 everywhere: the delta passes through unchanged (a linear "
            "output layer):",
            "zh": "导数处处为 1：残差原样通过（线性输出层）：",
        },
        "act.story.form.activation": {
            "en": "For any differentiable $f$ the gradient is the delta times $f'$ at the input, "
            "element by element:",
            "zh": "对任何可微的 $f$，梯度都是残差逐元素乘以 $f'$ 在输入处的值：",
        },
        "act.story.delta": {
            "en": "Placed after a layer $\\ell-1$ whose output is $Z^{[\\ell-1]}$, this layer's "
            "input is $A = Z^{[\\ell-1]}$, and\nits $\\partial E/\\partial A$ is that layer's "
            "delta. This is the step the other sheets write as\n"
            "$D^{[\\ell-1]} = \\partial E/\\partial A \\odot f'(Z^{[\\ell-1]})$, with their "
            "$\\partial E/\\partial A$ being this sheet's $D$:",
            "zh": "放在输出为 $Z^{[\\ell-1]}$ 的第 $\\ell-1$ 层之后时，本层的输入是 $A = Z^{[\\ell-1]}$，\n"
            "它的 $\\partial E/\\partial A$ 就是那一层的残差。其他讲义把这一步写成\n"
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
            "这也是 PyTorch 的选择（它的反向传播在 $0$ 处不传残差）；而 SymPy 对 $\\max(0, a)$ 求导\n"
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
            "zh": "$\\partial E/\\partial A = D$，残差未经门控就传回（仿佛 "
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
            "en": "Lecture notes (in Chinese), in `../shared/seeds/`: `001_c79401278e41df6f.txt` "
            "(the activation $\\sigma$\nand the factor $\\sigma'$ it puts into every delta).",
            "zh": "中文讲义，见 `../shared/seeds/` 中的 `001_c79401278e41df6f.txt` （激活函数 $\\sigma$\n"
            "及它在每个残差中带来的因子 $\\sigma'$）。",
        },
    }
)
