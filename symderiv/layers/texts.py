# ruff: noqa: E501  (a Chinese character counts as two columns; a text reads best whole)
"""The messages of the sheets of the fully-connected layer, the activations, the losses and
Bouvrie's two layers, in every language (see :mod:`symderiv.render.messages`)."""

from __future__ import annotations

from ..render.messages import register

__all__: list[str] = []

# ---------------------------------------------------------------------------
# shared by these sheets
# ---------------------------------------------------------------------------

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
