"""Every fixed text of a network's sheet, in English and Chinese, registered in the one
table of :mod:`symderiv.render.messages` (ids ``network.*``).

The Chinese follows the lecture notes in ``../shared/seeds/``: 卷积层, 池化, 全连接层,
损失函数, 残差块 (a residual block), and for a layer's delta δ the notes' 误差项 (又称
灵敏度), which leaves 残差 to residual blocks; the layer sheets say 误差项 too.  The
mathematics is the same in both.
"""

from __future__ import annotations

from ..render.messages import register, text

__all__ = ["text"]

register(
    {
        # titles, the kinds in words (plain text: headings become PDF bookmarks)
        "network.title": {"en": "Network: {name}", "zh": "网络：{name}"},
        "network.words.sigmoid": {"en": "sigmoid", "zh": "sigmoid 激活"},
        "network.words.tanh": {"en": "tanh", "zh": "tanh 激活"},
        "network.words.relu": {"en": "ReLU", "zh": "ReLU 激活"},
        "network.words.leaky_relu": {"en": "leaky ReLU", "zh": "leaky ReLU 激活"},
        "network.words.identity": {"en": "identity", "zh": "恒等映射"},
        "network.words.flatten": {"en": "flatten", "zh": "展平"},
        "network.words.linear": {"en": "fully connected", "zh": "全连接层"},
        "network.words.subsample2d": {"en": "subsampling", "zh": "子采样层"},
        "network.words.conv": {"en": "convolution", "zh": "卷积层"},
        "network.words.avg_pool": {"en": "mean pooling", "zh": "平均池化"},
        "network.words.max_pool": {"en": "max pooling", "zh": "最大池化"},
        "network.loss.squared_error": {"en": "squared error", "zh": "平方误差"},
        "network.loss.softmax_cross_entropy": {
            "en": "softmax cross entropy",
            "zh": "softmax 交叉熵",
        },
        # the network table
        "network.table.heading": {"en": "The network", "zh": "网络"},
        "network.table.layer": {"en": "layer", "zh": "层"},
        "network.table.kind": {"en": "kind", "zh": "类型"},
        "network.table.options": {"en": "options", "zh": "选项"},
        "network.table.output": {"en": "output", "zh": "输出"},
        "network.table.parameters": {"en": "parameters", "zh": "参数"},
        "network.table.kind_code": {"en": "{words} (`{kind}`)", "zh": "{words}（`{kind}`）"},
        "network.table.kind_note": {"en": "{kind}, {note}", "zh": "{kind}，{note}"},
        "network.table.input": {"en": "input", "zh": "输入"},
        "network.table.block": {"en": "residual block", "zh": "残差块"},
        "network.table.sum": {"en": "sum of the two paths", "zh": "两条路径之和"},
        "network.table.projection": {"en": "projection shortcut", "zh": "投影捷径"},
        "network.table.post": {"en": "after the sum", "zh": "相加之后"},
        "network.table.loss": {"en": "loss: {loss}", "zh": "损失函数：{loss}"},
        "network.table.target": {"en": "target $t$ {shape}", "zh": "目标 $t$ {shape}"},
        "network.intro": {
            "en": "`{source}`: input $x$ of shape {shape}, {layers} layers, {tensors} "
            "parameter tensors ({elements} elements), loss {loss}{convs}.",
            "zh": "`{source}`：输入 $x$ 的形状为 {shape}，共 {layers} 层、{tensors} "
            "个参数张量（{elements} 个元素），损失函数为{loss}{convs}。",
        },
        "network.intro_handout": {
            "en": "The input $x$ has shape {shape}; {layers} layers, {tensors} parameter tensors "
            "({elements} elements), loss {loss}{convs}.",
            "zh": "输入 $x$ 的形状为 {shape}，共 {layers} 层、{tensors} 个参数张量"
            "（{elements} 个元素），损失函数为{loss}{convs}。",
        },
        "network.intro.convs": {
            "en": ", convolutions in the {convention} convention",
            "zh": "，卷积层采用{convention}约定",
        },
        "network.notation": {
            "en": "Notation: a superscript in square brackets is a layer, $K^{[1]}${blocks}; "
            "the subscript lists an element's zero-based\nindices along every axis longer "
            "than 1 (PyTorch's layout). $z^{[l]}$ is layer $l$'s output ($z^{[0]} = x$) "
            "and\n$\\delta^{[l]} = \\partial E/\\partial z^{[l]}$ its delta: for a layer "
            "followed by its activation, the notes' sensitivity.\nA single-layer sheet "
            "writes the same tensors without the layer: its input $A$ is $z^{[l-1]}$, its "
            "output $Z$ is $z^{[l]}$\nand its delta $D$ is $\\delta^{[l]}$.",
            "zh": "记号：方括号上标表示层，如 $K^{[1]}${blocks}；下标列出元素在每个长度大于 1 "
            "的轴上\n从 0 开始的下标（PyTorch 的布局）。$z^{[l]}$ 是第 $l$ 层的输出"
            "（$z^{[0]} = x$），\n$\\delta^{[l]} = \\partial E/\\partial z^{[l]}$ 是它的"
            "误差项：对后接激活函数的层，它就是讲义中的灵敏度。\n单层讲义中同样的张量不带层号："
            "输入 $A$ 即 $z^{[l-1]}$，输出 $Z$ 即 $z^{[l]}$，\n误差项 $D$ 即 "
            "$\\delta^{[l]}$。",
        },
        "network.notation.block": {
            "en": " (in residual block {b}, $[{b}.1]$ is its branch's\nlayer 1{projection}, "
            "$[{b}+]$ where its two paths add)",
            "zh": "（在残差块 {b} 中，$[{b}.1]$ 是其分支的第 1 层{projection}，\n"
            "$[{b}+]$ 是两条路径相加处）",
        },
        "network.notation.projection": {
            "en": ", $[{b}s]$ its projection shortcut",
            "zh": "，$[{b}s]$ 是其投影捷径",
        },
        # the figure
        "network.figure.heading": {"en": "The layers at a glance", "zh": "网络结构一览"},
        "network.figure.intro": {
            "en": "The network drawn from its own stages: each box is a layer with its kind "
            "and the shape of its output\n(PyTorch's layout), in the order the forward pass "
            "runs.",
            "zh": "由网络自身的各层画出：每个方框是一层，标出其类型与输出形状（PyTorch 的布局），\n"
            "按前向传播的顺序排列。",
        },
        "network.figure.caption_blocks": {
            "en": "The layers in order, each with its kind and the shape of its output; a "
            "residual block's branch is drawn\nin line, and its sum box adds the shortcut "
            "(the block's input, or its projection) to the branch's output.",
            "zh": "按顺序排列的各层，标出每层的类型与输出形状；残差块的分支画在主线上，\n"
            "相加的方框把捷径（块的输入或其投影）加到分支的输出上。",
        },
        "network.figure.input": {"en": "input", "zh": "输入"},
        "network.figure.layer": {"en": "layer {label}", "zh": "第 {label} 层"},
        "network.figure.loss": {"en": "loss E", "zh": "损失函数 E"},
        "network.figure.identity": {"en": "+ identity shortcut", "zh": "+ 恒等捷径"},
        "network.figure.projection": {"en": "+ projection {label}", "zh": "+ 投影捷径 {label}"},
        # the forward pass
        "network.forward.heading": {"en": "Forward pass", "zh": "前向传播"},
        "network.forward.intro": {
            "en": "Each layer's output is built by its layer kind's own forward pass (the one "
            "its single-layer sheet derives),\non the previous output: $z^{[0]} = x$, and "
            "$y = {last}$ is the network's output.",
            "zh": "每层的输出由该层类型自己的前向传播（即其单层讲义所推导的那一个）\n作用于前一层的"
            "输出得到：$z^{[0]} = x$，$y = {last}$ 是网络的输出。",
        },
        "network.forward.first": {
            "en": "The first element of each layer's output, written out element by element:",
            "zh": "各层输出的第一个元素，逐元素写出：",
        },
        "network.forward.size": {
            "en": "Written out in $x$, $t$ and the parameters, the loss $E$ is one expression "
            "of {size} nodes (SymPy's expression\ntree): its derivative with respect to each "
            "parameter element is the end-to-end route the recursion is\nproved against.",
            "zh": "用 $x$、$t$ 和各参数完整写出，损失函数 $E$ 是一个含 {size} 个节点的表达式"
            "（SymPy 的表达式树）：\n它对每个参数元素的导数就是端到端的路线，"
            "递推的结果要与之对照证明。",
        },
        # the switches
        "network.switches.heading": {
            "en": "The sample point and its switches",
            "zh": "样本点及其开关",
        },
        "network.switches.intro": {
            "en": "ReLU and max pooling are not differentiable everywhere. symderiv fixes their "
            "switches (the sign of each ReLU\ninput, the cell of each window that holds its "
            "maximum) at a sample point drawn from seed {seed} (`--seed`), the\nsame point as "
            "the numeric check's. On the open region around it where every switch keeps its "
            "value the\nnetwork is smooth, and there every formula and proof below is exact; "
            "PyTorch's autograd computes the same\nderivative there. A switch within "
            "$10^{-9}$ of its kink is refused (another seed gives another point); a\nwindow "
            "whose maximum several cells hold with one and the same expression (ReLU outputs "
            "switched off,\nall 0) takes the first, as PyTorch does, which changes no "
            "derivative.",
            "zh": "ReLU 和最大池化并非处处可导。symderiv 在由种子 {seed}（`--seed`）抽取的样本点上"
            "固定它们的开关\n（每个 ReLU 输入的符号、每个窗口中取得最大值的格子），与数值检验"
            "用的是同一个点。\n在该点周围每个开关都保持不变的开区域内网络是光滑的，下面每个公式"
            "和证明在那里都是精确的；\nPyTorch 的 autograd 在那里算出的也是同一个导数。离折点不到 "
            "$10^{-9}$ 的开关会被拒绝（换一个种子即换一个点）；\n若一个窗口的最大值由几个格子以"
            "同一个表达式取得（ReLU 输出被截断，全为 0），\n则像 PyTorch 那样取第一个，这不改变"
            "任何导数。",
        },
        "network.switch.relu": {
            "en": "At the sample point {on} of the {n} inputs ${inp}$ are positive (the nearest "
            "to 0 is {margin}\naway): there the ReLU passes its delta, elsewhere none.",
            "zh": "在样本点上，输入 ${inp}$ 的 {n} 个元素中有 {on} 个为正（离 0 最近的相距 "
            "{margin}）：\nReLU 在那里传递误差项，其余位置不传。",
        },
        "network.switch.max": {
            "en": "At the sample point each window's maximum is one cell of ${inp}$ (ahead of "
            "the window's next value by\nat least {margin}); each delta goes to that cell.",
            "zh": "在样本点上，每个窗口的最大值是 ${inp}$ 的一个格子（领先窗口中次大值至少 "
            "{margin}）；\n每个误差项都传到那个格子。",
        },
        # the story
        "network.story.heading": {
            "en": "The delta recursion in index form",
            "zh": "指标形式的误差项递推",
        },
        "network.story.layer": {
            "en": "Layer $l$ computes its output from the previous one and its own parameters "
            "$\\theta_l$ (none for an\nactivation, pooling or flatten); the loss $E$ depends "
            "on $z^{[l-1]}$ and $\\theta_l$ only through $z^{[l]}$, whose delta is:",
            "zh": "第 $l$ 层由前一层的输出和它自己的参数 $\\theta_l$ 算出输出（激活、池化和展平"
            "没有参数）；\n损失函数 $E$ 只通过 $z^{[l]}$ 依赖于 $z^{[l-1]}$ 和 $\\theta_l$，"
            "这个输出的误差项是：",
        },
        "network.story.chain": {
            "en": "By the chain rule (a sum over the elements $u$ of $z^{[l]}$) the delta "
            "passes down one layer at a time,\nand each parameter's gradient comes from its "
            "own layer's delta:",
            "zh": "由链式法则（对 $z^{[l]}$ 的元素 $u$ 求和），误差项逐层向下传递，\n"
            "每个参数的梯度则由它所在层的误差项得到：",
        },
        "network.story.local": {
            "en": "The Jacobians $\\partial z^{[l]}/\\partial z^{[l-1]}$ and "
            "$\\partial z^{[l]}/\\partial \\theta_l$ belong to layer $l$ alone, and the "
            "layers\nabove reach them only through $\\delta^{[l]}$: each step is what the "
            "layer kind's single-layer sheet derives\n(with $A = z^{[l-1]}$, $Z = z^{[l]}$, "
            "$D = \\delta^{[l]}$), its closed forms for its input's and parameters' "
            "gradients,\nand needs nothing else of the network. The recursion starts at the "
            "loss, "
            "$\\delta^{[{last}]} = \\partial E/\\partial z^{[{last}]}$,\nand ends at "
            "$\\delta^{[0]} = \\partial E/\\partial x$.",
            "zh": "雅可比矩阵 $\\partial z^{[l]}/\\partial z^{[l-1]}$ 和 "
            "$\\partial z^{[l]}/\\partial \\theta_l$ 只属于第 $l$ 层，\n上面各层只通过 "
            "$\\delta^{[l]}$ 影响它们：每一步就是该层类型的单层讲义所推导的内容\n（其中 "
            "$A = z^{[l-1]}$、$Z = z^{[l]}$、$D = \\delta^{[l]}$），即它对输入和参数梯度的"
            "闭式公式，\n不需要网络的其余部分。递推从损失函数开始，"
            "$\\delta^{[{last}]} = \\partial E/\\partial z^{[{last}]}$，\n到 "
            "$\\delta^{[0]} = \\partial E/\\partial x$ 结束。",
        },
        "network.story.sensitivity": {
            "en": "The notes call the delta of a layer's pre-activation (its output before the "
            "activation function) its\n*sensitivity*, and fold the activation's derivative "
            "into the step. Here an activation is a layer of its own,\nso the notes' "
            "sensitivity of a layer is the delta of its output just before the activation; "
            "the activation's\nown step gives it, here for layer {label}: ${rule}$.",
            "zh": "讲义把一层预激活值（激活函数之前的输出）的误差项称为它的*灵敏度*，并把激活函数的"
            "导数\n并入这一步。这里激活函数自成一层，所以讲义中一层的灵敏度就是它在激活函数之前"
            "的输出的误差项，\n由激活层自己的那一步给出，本网络中第 {label} 层的是 ${rule}$。",
        },
        "network.story.sensitivity_none": {
            "en": "The notes call the delta of a layer's pre-activation (its output before the "
            "activation function) its\n*sensitivity*; here an activation is a layer of its "
            "own, and this network has none after a layer with\nparameters, so each delta "
            "above is the notes' sensitivity of its layer.",
            "zh": "讲义把一层预激活值（激活函数之前的输出）的误差项称为它的*灵敏度*；这里激活函数"
            "自成一层，\n而本网络中带参数的层之后都没有激活层，所以上面每个误差项就是讲义中该层的"
            "灵敏度。",
        },
        "network.story.paths": {
            "en": "Where a node feeds two paths (a residual block's input), $E$ depends on it "
            "through both, and the chain\nrule sums over every element that reads it: its "
            "delta is the sum of the two paths' parts.",
            "zh": "若一个节点同时送入两条路径（残差块的输入），$E$ 通过两条路径都依赖于它，\n"
            "链式法则对读取它的每个元素求和：它的误差项是两条路径各自部分之和。",
        },
        # the loss
        "network.loss.heading": {
            "en": "The loss: the delta at the output",
            "zh": "损失函数：输出处的误差项",
        },
        "network.loss.intro": {
            "en": "The backward pass starts at the loss: the delta of the output, $\\partial "
            "E/\\partial {last}$, is the loss's\nown closed form{note}",
            "zh": "反向传播从损失函数开始：输出的误差项 $\\partial E/\\partial {last}$ "
            "就是损失函数自己的\n闭式公式{note}",
        },
        "network.loss.cross_entropy": {
            "en": ", given that each target is a probability\ndistribution, $\\sum_c t_{c} = 1$ "
            "(the proofs substitute it into both sides; the end-to-end derivative itself\n"
            "holds for any $t$).",
            "zh": "，前提是每个目标都是一个概率\n分布，$\\sum_c t_{c} = 1$（证明把它代入两边；"
            "端到端导数本身\n对任何 $t$ 都成立）。",
        },
        "network.loss.squared": {
            "en": " ($E = \\frac{1}{2}\\sum (y - t)^2$, so no factor 2).",
            "zh": "（$E = \\frac{1}{2}\\sum (y - t)^2$，所以没有因子 2）。",
        },
        "network.loss.filled": {
            "en": "Element by element, {shown}:",
            "zh": "逐元素写出，{shown}：",
        },
        # how many elements are shown
        "network.shown.one": {"en": "its one element", "zh": "它唯一的元素"},
        "network.shown.both": {"en": "both elements", "zh": "两个元素"},
        "network.shown.all": {"en": "all {n} elements", "zh": "全部 {n} 个元素"},
        "network.shown.first": {
            "en": "the first {shown} of {n} elements",
            "zh": "{n} 个元素中的前 {shown} 个",
        },
        # summary detail
        "network.backward.heading": {"en": "The backward pass", "zh": "反向传播"},
        "network.backward.title": {"en": "{title}.", "zh": "{title}。"},
        "network.backward.intro": {
            "en": "From the loss down; each closed form is followed by its first element, "
            "written out.",
            "zh": "从损失函数往下；每个闭式公式后面是逐元素写出的第一个元素。",
        },
        "network.layer.intro_summary": {
            "en": "`{kind}`, from ${delta}$:",
            "zh": "`{kind}`，由 ${delta}$ 得到：",
        },
        "network.verdict.summary": {
            "en": "**Proved** equal to SymPy's end-to-end derivative: {items}.",
            "zh": "**已证明**等于 SymPy 的端到端导数：{items}。",
        },
        "network.verdict.item": {
            "en": "$\\partial E/\\partial {name}$ ({what})",
            "zh": "$\\partial E/\\partial {name}$（{what}）",
        },
        "network.flatten.summary": {
            "en": "Flattening only renumbers the elements (row-major, as `torch.flatten(x, 1)`): "
            "${lhs} = {rhs}$,\nback to {shape}.",
            "zh": "展平只是给元素重新编号（按行优先，与 `torch.flatten(x, 1)` 相同）："
            "${lhs} = {rhs}$，\n变形回 {shape}。",
        },
        "network.switches.summary": {
            "en": "ReLU and max pooling are not differentiable everywhere: symderiv fixes their "
            "switches at a sample point\n(seed {seed}, `--seed`), and every formula and proof "
            "below is exact on the open region around it where no\nswitch changes.",
            "zh": "ReLU 和最大池化并非处处可导：symderiv 在一个样本点（种子 {seed}，`--seed`）上"
            "固定它们的开关，\n下面每个公式和证明在该点周围所有开关都不变的开区域内都是精确的。",
        },
        # a layer of the backward pass
        "network.layer.heading": {"en": "Layer {label}: {words}", "zh": "第 {label} 层：{words}"},
        "network.layer.intro": {
            "en": "The delta of this layer's output, ${delta}$, is known. The closed forms of "
            "its kind, `{kind}` (each proved on\nits single-layer sheet), give {params}the "
            "delta of its input:",
            "zh": "本层输出的误差项 ${delta}$ 已知。其类型 `{kind}` 的闭式公式（各自已在"
            "其单层讲义中证明）\n给出{params}其输入的误差项：",
        },
        "network.layer.params": {
            "en": "its parameters' gradients and ",
            "zh": "其参数的梯度以及",
        },
        "network.flatten.intro": {
            "en": "Flattening only renumbers the elements (row-major, as `torch.flatten(x, 1)`), "
            "so the delta is reshaped\nback to {shape}:",
            "zh": "展平只是给元素重新编号（按行优先，与 `torch.flatten(x, 1)` 相同），\n"
            "所以误差项被变形回 {shape}：",
        },
        "network.group.delta": {
            "en": "The delta passed back, ${delta}$",
            "zh": "传回的误差项 ${delta}$",
        },
        "network.group.gradient": {
            "en": "$\\partial E/\\partial {name}$",
            "zh": "$\\partial E/\\partial {name}$ ",
        },
        "network.group.filled": {
            "en": "{what}{note}, written out element by element, {shown}:",
            "zh": "{what}{note}，逐元素写出，{shown}：",
        },
        "network.sums.columns": {
            "en": " (for every sample, $x$ and $\\delta$ as columns)",
            "zh": "（对每个样本，$x$ 与 $\\delta$ 写成列向量）",
        },
        "network.sums.K": {
            "en": " (for every map pair $(o, c)$, summed over the batch)",
            "zh": "（对每一对特征图 $(o, c)$，对批次求和）",
        },
        "network.sums.b": {
            "en": " (summed over the batch and every position)",
            "zh": "（对批次和所有位置求和）",
        },
        "network.sums.beta": {
            "en": " (for every map, summed over the batch)",
            "zh": "（对每个特征图，对批次求和）",
        },
        "network.sums.W": {
            "en": " (summed over the batch, $x$ and $\\delta$ of each sample as columns)",
            "zh": "（对批次求和，每个样本的 $x$ 与 $\\delta$ 写成列向量）",
        },
        "network.sums.A": {
            "en": " (for every input map, summed over the output maps it feeds)",
            "zh": "（对每个输入特征图，对它送入的输出特征图求和）",
        },
        "network.example": {
            "en": "For example the end-to-end derivative of the first element of ${name}$ as "
            "SymPy gives it, with\neach forward value written as its $z$ ($\\sigma$ is the "
            "sigmoid):",
            "zh": "例如 SymPy 给出的 ${name}$ 第一个元素的端到端导数，\n其中每个前向值都写成它的 "
            "$z$（$\\sigma$ 是 sigmoid 函数）：",
        },
        "network.example.too_long_handout": {
            "en": " The first element's is too long to print here.",
            "zh": "第一个元素的导数太长，这里不打印。",
        },
        "network.example.too_long": {
            "en": " The first element's is too long to print here; every element's is in the "
            "JSON (`gradients`).",
            "zh": "第一个元素的导数太长，这里不打印；每个元素的都在 JSON 中（`gradients`）。",
        },
        # the verdicts
        "network.verdict.proved": {
            "en": "$\\partial E/\\partial {name}$: **proved** for {what}: the recursion's value "
            "equals SymPy's end-to-end\nderivative of $E$ ({how}); the end-to-end expressions "
            "have {size} nodes.",
            "zh": "$\\partial E/\\partial {name}$：对{what}**已证明**：递推的值等于 SymPy 对 $E$ "
            "的\n端到端导数（{how}）；端到端表达式有 {size} 个节点。",
        },
        "network.verdict.one": {"en": "its one element", "zh": "它唯一的元素"},
        "network.verdict.all": {"en": "all {n} elements", "zh": "全部 {n} 个元素"},
        "network.verdict.identical": {
            "en": "the very same expression",
            "zh": "完全相同的表达式",
        },
        "network.verdict.canonical": {
            "en": "equal canonical forms after expansion",
            "zh": "展开后的标准形式相同",
        },
        "network.verdict.range": {"en": "{low} to {high}", "zh": "{low} 到 {high}"},
        "network.verdict.open": {
            "en": "$\\partial E/\\partial {name}$: **NOT proved**: {parts} (first: `{first}`); "
            "the two\nroutes agree numerically to {numeric}.",
            "zh": "$\\partial E/\\partial {name}$：**未证明**：{parts}（第一个：`{first}`）；"
            "两条\n路线在数值上相差 {numeric} 以内。",
        },
        "network.verdict.proved_of": {
            "en": "{proved} of {checked} elements proved",
            "zh": "{checked} 个元素中 {proved} 个已证明",
        },
        "network.verdict.refuted": {"en": "{n} refuted", "zh": "{n} 个被否定"},
        "network.verdict.undecided": {"en": "{n} undecided", "zh": "{n} 个未判定"},
        "network.verdict.sep": {"en": ", ", "zh": "，"},
        # a residual block's sum, and a node that feeds two paths
        "network.sum.heading": {
            "en": "Layer {label}: where the two paths add",
            "zh": "第 {label} 层：两条路径相加处",
        },
        "network.sum.intro": {
            "en": "The block adds its two paths, ${out} = {a} + {b}$, so the sum's delta "
            "reaches both\nunchanged. Where the two paths left the same node, their deltas "
            "are added there:\n$\\partial E/\\partial x = \\partial E/\\partial y + "
            "J_F^{\\mathsf{T}}\\, \\partial E/\\partial y$ for $y = F(x) + x$.",
            "zh": "残差块把两条路径相加，${out} = {a} + {b}$，所以和的误差项原样传到两条路径。\n"
            "两条路径从同一节点出发之处，它们的误差项在那里相加：\n"
            "$\\partial E/\\partial x = \\partial E/\\partial y + "
            "J_F^{\\mathsf{T}}\\, \\partial E/\\partial y$，其中 $y = F(x) + x$。",
        },
        "network.joins": {
            "en": "${node}$ also feeds the block's other path, so its delta ${delta}$ is this "
            "layer's part above plus\n{parts}: $\\partial E/\\partial x = J_F^{\\mathsf{T}}\\, "
            "\\partial E/\\partial y + \\partial E/\\partial y$ for $y = F(x) + x$.",
            "zh": "${node}$ 还送入残差块的另一条路径，所以它的误差项 ${delta}$ 是上面本层的部分"
            "加上\n{parts}：$\\partial E/\\partial x = J_F^{\\mathsf{T}}\\, "
            "\\partial E/\\partial y + \\partial E/\\partial y$，其中 $y = F(x) + x$。",
        },
        "network.joins.identity": {
            "en": "${delta}$ through the identity shortcut",
            "zh": "经恒等捷径传来的 ${delta}$",
        },
        "network.joins.layer": {
            "en": "layer {label}'s part (in its own section)",
            "zh": "第 {label} 层的部分（见其自己的一节）",
        },
        "network.joins.and": {"en": " and ", "zh": "与"},
        # the numeric check
        "network.numeric.intro": {
            "en": "The derived expressions evaluated in float64 at the sample point (seed "
            "{seed}: $x$ and every parameter\nuniform in $[-1, 1)$, $t$ {target}), against a "
            "numpy reference that composes the layer kinds' own\nplain-loop references; "
            "largest $|\\text{derived} - \\text{reference}| / \\max(1, "
            "|\\text{reference}|)$ (tolerance {tolerance}):",
            "zh": "在样本点上以 float64 计算推导出的表达式（种子 {seed}：$x$ 与每个参数\n在 "
            "$[-1, 1)$ 上均匀分布，$t$ {target}），与由各层类型自己的逐元素循环参考实现\n"
            "组合而成的 numpy 参考实现比较。下表列出\n"
            "$|\\text{derived} - \\text{reference}| / \\max(1, |\\text{reference}|)$ "
            "的最大值（容差 {tolerance}）：",
        },
        "network.numeric.uniform": {"en": "uniform in $[0, 1)$", "zh": "在 $[0, 1)$ 上均匀分布"},
        "network.numeric.distribution": {
            "en": "a probability distribution per sample",
            "zh": "每个样本是一个概率分布",
        },
        "network.numeric.recursion": {"en": "delta recursion", "zh": "误差项递推"},
        "network.numeric.end_to_end": {"en": "end to end", "zh": "端到端"},
        "network.numeric.numbers": {
            "en": "The numbers **{verdict}**.",
            "zh": "数值**{verdict}**。",
        },
        "network.numeric.line": {
            "en": "At the sample point (seed {seed}), every delta and both routes to every "
            "gradient against a numpy\nreference (the layer kinds' own plain-loop references "
            "composed): largest relative difference {error}\n(tolerance {tolerance}); the "
            "numbers **{verdict}**.",
            "zh": "在样本点（种子 {seed}）上，每个误差项以及每个梯度的两条路线与 numpy 参考实现"
            "\n（由各层类型自己的逐元素循环参考实现组合而成）比较：最大相对差 {error}"
            "（容差 {tolerance}）；\n数值**{verdict}**。",
        },
        "network.numeric.verdict_summary": {
            "en": "every parameter gradient proved equal to SymPy's end-to-end derivative, and "
            "the numbers agree.",
            "zh": "每个参数梯度都已证明等于 SymPy 的端到端导数，数值检验也一致。",
        },
        "network.numeric.verdict": {
            "en": "every parameter gradient of the delta recursion was proved equal, element "
            "by element,\nto SymPy's derivative of the loss, and the numbers agree.",
            "zh": "误差项递推给出的每个参数梯度都被逐元素证明等于\nSymPy 对损失函数的导数，"
            "数值检验也一致。",
        },
    }
)
