# ruff: noqa: E501  (a Chinese character counts as two columns; a text reads best whole)
"""The pooling sheets' messages, in every language (see :mod:`symderiv.render.messages`)."""

from __future__ import annotations

from ...render.messages import register

__all__: list[str] = []

register(
    {
        # titles
        "pool.title.seed": {"en": "seed {n}", "zh": "种子 {n}"},
        "pool.title.values": {"en": "values from {source}", "zh": "数值来自 {source}"},
        "pool.title.ties": {"en": "ties {ties}", "zh": "并列规则 {ties}"},
        # the layer
        "pool.avg.intro": {
            "en": "Mean pooling (PyTorch's `{kind}` with `count_include_pad=True`): each output "
            "is the mean of a\n{window} of the input, the windows ${stride}$ apart (the stride):",
            "zh": "平均池化（PyTorch 的 `{kind}`，`count_include_pad=True`）：每个输出是输入中一个\n"
            "{window}的平均值，相邻窗口相隔 ${stride}$（步幅）：",
        },
        "pool.max.intro": {
            "en": "Max pooling (PyTorch's `{kind}`): each output is the largest element of a\n"
            "{window} of the input, the windows ${stride}$ apart (the stride). It is written\n"
            "with *switches* $s$, symbols that select the maximum, so that the chain rule can "
            "differentiate it:",
            "zh": "最大池化（PyTorch 的 `{kind}`）：每个输出是输入中一个\n{window}的最大元素，"
            "相邻窗口相隔 ${stride}$（步幅）。\n这里用*开关* $s$（选出最大值的符号）来写它，"
            "使链式法则可以对它求导：",
        },
        "pool.window_length": {"en": "length-{n} window", "zh": "长度为 {n} 的窗口"},
        "pool.window_size": {"en": "{size} window", "zh": "{size} 的窗口"},
        "pool.note.overlap": {
            "en": "The windows overlap (the stride is smaller than the window): an input element "
            "can lie in several windows and then collects a delta from each.",
            "zh": "窗口相互重叠（步幅小于窗口）：一个输入元素可能落在多个窗口中，"
            "于是从每个窗口各收到一个误差项。",
        },
        "pool.note.gaps": {
            "en": "The windows leave gaps (the stride is larger than the window).",
            "zh": "窗口之间留有空隙（步幅大于窗口）。",
        },
        "pool.note.pad_max_one": {
            "en": "The input is bordered by {amount} cell of $-\\infty$ on each side, as in "
            "PyTorch: a padded cell never holds the maximum, and it has no switch in the sum.",
            "zh": "与 PyTorch 相同，输入每一边补 {amount} 个 $-\\infty$：补出的格子永远不是最大值，"
            "求和中也没有它的开关。",
        },
        "pool.note.pad_max_many": {
            "en": "The input is bordered by {amount} cells of $-\\infty$ on each side, as in "
            "PyTorch: a padded cell never holds the maximum, and it has no switch in the sum.",
            "zh": "与 PyTorch 相同，输入每一边补 {amount} 个 $-\\infty$：补出的格子永远不是最大值，"
            "求和中也没有它的开关。",
        },
        "pool.note.pad_avg_one": {
            "en": "The input is bordered by {amount} zero on each side. The padding counts in "
            "the window size, so every output divides by {size} however many of its cells are "
            "padding.",
            "zh": "输入每一边补 {amount} 个零。填充计入窗口大小，所以无论窗口中有多少格是填充，"
            "每个输出都除以 {size}。",
        },
        "pool.note.pad_avg_many": {
            "en": "The input is bordered by {amount} zeros on each side. The padding counts in "
            "the window size, so every output divides by {size} however many of its cells are "
            "padding.",
            "zh": "输入每一边补 {amount} 个零。填充计入窗口大小，所以无论窗口中有多少格是填充，"
            "每个输出都除以 {size}。",
        },
        "pool.note.maps": {
            "en": "Every map is pooled on its own.",
            "zh": "每个特征图各自独立地池化。",
        },
        "pool.unread.one": {
            "en": "Input {axis} {at} is in no window: $\\partial E/\\partial A$ is exactly $0$ "
            "there.",
            "zh": "输入的第 {at} {axis}不在任何窗口中：那里 $\\partial E/\\partial A$ 恰好为 $0$。",
        },
        "pool.unread.many": {
            "en": "Input {axis} {at} are in no window: $\\partial E/\\partial A$ is exactly $0$ "
            "there.",
            "zh": "输入的第 {at} {axis}不在任何窗口中：那里 $\\partial E/\\partial A$ 恰好为 $0$。",
        },
        "pool.notation.switch": {
            "en": "A switch {s} carries its output's position as a superscript "
            "(after the batch and\nchannel, when there are several) and the cell's offset in the "
            "window as its subscript.",
            "zh": "开关 {s} 的上标是它所属输出的位置（有多个批次或通道时写在它们之后），\n"
            "下标是该格在窗口中的偏移。",
        },
        # the story
        "pool.story.avg_input": {
            "en": "**Input.** Output {z} contains {a} with coefficient {coef} exactly when {a} "
            "lies in its window,\nthat is when {cond} for some offset {offsets}; otherwise "
            "$\\partial Z/\\partial A$ is $0$ there. So only those windows count:",
            "zh": "**输入。** 当且仅当 {a} 落在输出 {z} 的窗口中，即对某个偏移 {offsets} 有 {cond} 时，\n"
            "{z} 以系数 {coef} 含有 {a}；否则那里 $\\partial Z/\\partial A$ 为 $0$。所以只有这些窗口起作用：",
        },
        "pool.story.avg_tiles": {
            "en": "The windows tile the input (the stride equals the window and there is no "
            "padding): each input\nelement lies in exactly one window, the one at {u}, at offset "
            "{p}. The sum has a single\nterm ($D$ taken as zero outside its range):",
            "zh": "窗口恰好铺满输入（步幅等于窗口，且没有填充）：每个输入元素恰好落在一个窗口中，\n"
            "即位于 {u} 的那个窗口，偏移为 {p}。求和只剩一项（$D$ 在其范围之外取零）：",
        },
        "pool.story.avg_up": {
            "en": "Repeating every delta over its window's block is the notes' up-sampling, "
            "$\\operatorname{up}(D) = D \\otimes \\mathbf{1}_{k}$\n(the Kronecker product with a "
            "block of ones); the mean divides it by the window size{padded}:",
            "zh": "把每个误差项在其窗口对应的块上重复，就是讲义中的上采样 "
            "$\\operatorname{up}(D) = D \\otimes \\mathbf{1}_{k}$\n（与全一块的 Kronecker 积）；"
            "平均池化再把它除以窗口大小{padded}：",
        },
        "pool.story.avg_up_padded": {
            "en": ", and the input cells past the last whole window, in no window, get $0$ "
            "(zero padding\nto the input's size)",
            "zh": "；最后一个完整窗口之后的输入格不在任何窗口中，得到 $0$\n（补零到输入的尺寸）",
        },
        "pool.story.avg_general": {
            "en": "Solving {cond} for the output gives {solved}: only the offsets for which this is a "
            "whole number\ninside the output's range name a window. Write $\\hat{D}$ for the delta "
            "with $s-1$ zeros inserted\nbetween neighbouring entries and zero outside its range "
            "($\\hat{D}_{su} = D_{u}$); then each offset gives one term:",
            "zh": "由 {cond} 解出输出的下标得 {solved}：只有使它成为输出范围内整数的偏移才对应一个窗口。\n"
            "记 $\\hat{D}$ 为在误差项相邻元素之间插入 $s-1$ 个零、并在其范围之外取零得到的张量\n"
            "（$\\hat{D}_{su} = D_{u}$）；于是每个偏移给出一项：",
        },
        "pool.story.avg_general_s1": {
            "en": "Solving {cond} for the output gives {solved}; taking $D$ as zero outside its range "
            "(near the\nedges fewer windows cover an element), each offset gives one term:",
            "zh": "由 {cond} 解出输出的下标得 {solved}；把 $D$ 在其范围之外取零\n"
            "（靠近边缘时覆盖某个元素的窗口较少），每个偏移给出一项：",
        },
        "pool.story.avg_general_closed": {
            "en": "This is a convolution layer's padded-delta picture with a block of ones "
            "$\\mathbf{1}_{k}$ as the kernel:\nborder the delta with $k-1$ zeros (more at the end "
            "for input cells no window reads), slide the\nblock of ones over it{crop} and divide "
            "by the window size. A block of ones is the same when flipped,\nso nothing is "
            "rotated:",
            "zh": "这就是卷积层中补零误差项的图景，只是卷积核换成了全一块 $\\mathbf{1}_{k}$：\n"
            "在误差项四周补 $k-1$ 个零（末尾为没有窗口读取的输入格再多补一些），让全一块在上面滑动{crop}，\n"
            "再除以窗口大小。全一块翻转后不变，所以不需要旋转：",
        },
        "pool.story.crop": {
            "en": ", crop the layer's padding $P$",
            "zh": "，裁掉层的填充 $P$",
        },
        "pool.story.max_input": {
            "en": "**Input.** Written with switches, each output is the sum of its window's cells, "
            "each times its\nswitch (the definition above). So {a} enters output {z} through the "
            "switch of its cell, the one at\noffset {off}; a switch whose offset lies outside the "
            "window is taken as $0$:",
            "zh": "**输入。** 用开关写出时，每个输出是其窗口中各格与各自开关乘积之和（见上面的定义）。\n"
            "所以 {a} 经由它所在格的开关进入输出 {z}，该格的偏移是 {off}；\n偏移落在窗口之外的开关取 $0$：",
        },
        "pool.story.max_first": {
            "en": "The switches are constants, set by the values of $A$ in the forward pass: "
            "{m} is the offset of\nthe first cell of window {w}, in row-major order, that "
            "holds its maximum {z} (ties: **first**,\nPyTorch's rule), and the switch is 1 "
            "there and 0 elsewhere ($[\\cdot]$ is 1 when its condition holds,\nelse 0):",
            "zh": "开关是常数，由前向传播时 $A$ 的值确定：{m} 是窗口 {w} 中\n"
            "按行优先顺序第一个取到最大值 {z} 的格的偏移（并列规则：**first**，PyTorch 的规则），\n"
            "开关在那里为 1，其余为 0（$[\\cdot]$ 在条件成立时为 1，否则为 0）：",
        },
        "pool.story.max_split": {
            "en": "The switches are constants, set by the values of $A$ in the forward pass: the "
            "cells that hold the\nwindow's maximum {z} share it equally (ties: **split**), "
            "{count} being how many they are\n($[\\cdot]$ is 1 when its condition holds, else 0):",
            "zh": "开关是常数，由前向传播时 $A$ 的值确定：取到窗口最大值 {z} 的各格平分它\n"
            "（并列规则：**split**），{count} 是这些格的个数（$[\\cdot]$ 在条件成立时为 1，否则为 0）：",
        },
        "pool.story.max_route_first": {
            "en": "So each delta goes whole to the input that holds its window's maximum, and "
            "every other input of\nthe window gets nothing from it: the notes' rule, record where "
            "the maximum was in the forward pass\nand pass the delta back there. An input sums "
            "the deltas of the windows it wins:",
            "zh": "所以每个误差项整个传给取到其窗口最大值的输入，窗口中的其他输入从它那里什么也得不到：\n"
            "这就是讲义的规则——前向传播时记下最大值的位置，反向传播时把误差项传回那里。\n"
            "一个输入把它胜出的各窗口的误差项相加：",
        },
        "pool.story.max_route_split": {
            "en": "So each delta is shared equally among the inputs that hold its window's "
            "maximum (the notes' rule,\nrecord where the maximum was and pass the delta back "
            "there, with a tie split). An input sums its\nshares over the windows that contain "
            "it:",
            "zh": "所以每个误差项由取到其窗口最大值的各输入平分（讲义的规则：记下最大值的位置，\n"
            "把误差项传回那里，并列时平分）。一个输入把它在包含它的各窗口中分得的份额相加：",
        },
        # the element sections
        "pool.chain": {
            "en": "By the chain rule, $\\partial E/\\partial x = \\sum_{u} D_{u}\\, "
            "\\partial Z_{u}/\\partial x$, summed over\nthe outputs that contain $x$ (the table "
            "above); each derivative below was computed by SymPy from\nthe forward expressions.",
            "zh": "由链式法则，$\\partial E/\\partial x = \\sum_{u} D_{u}\\, "
            "\\partial Z_{u}/\\partial x$，对含有 $x$ 的\n输出求和（见上表）；下面每个导数都由 SymPy "
            "从前向表达式\n算出。",
        },
        "pool.avg.contributions": {
            "en": "Which outputs each input element enters, and its coefficient "
            "$\\partial Z/\\partial A$ there:",
            "zh": "每个输入元素进入哪些输出，以及它在那里的系数 $\\partial Z/\\partial A$：",
        },
        "pool.max.contributions": {
            "en": "Which outputs each input element enters, and the switch "
            "$\\partial Z/\\partial A$ it is multiplied by there:",
            "zh": "每个输入元素进入哪些输出，以及它在那里所乘的开关 $\\partial Z/\\partial A$：",
        },
        "pool.input.heading": {"en": "Input gradient", "zh": "输入梯度"},
        "pool.input.matrix": {
            "en": "Every input element's derivative, computed by SymPy from the forward "
            "expressions, in the\nmatrix they form:",
            "zh": "每个输入元素的导数（由 SymPy 从前向表达式算出），\n排成它们构成的矩阵：",
        },
        "pool.max.symbolic.heading": {
            "en": "Input gradient, with switches",
            "zh": "输入梯度（含开关）",
        },
        "pool.max.routed.heading": {
            "en": "Input gradient at these values",
            "zh": "这些数值下的输入梯度",
        },
        "pool.max.routed": {
            "en": "With the switches set to their values above, the same chain rule routes each "
            "delta\nto the maximum of its window (SymPy substituted the switches after "
            "differentiating):",
            "zh": "把开关取为上面的值，同样的链式法则把每个误差项\n送到其窗口的最大值处"
            "（SymPy 在求导之后才代入开关）：",
        },
        "pool.layout.tiles": {
            "en": "The notes' form up-samples the delta: every entry repeated over a block of "
            "the window's shape\n(the Kronecker product with a block of ones){padded}:",
            "zh": "讲义的公式对误差项上采样：每个元素在一个窗口形状的块上重复\n"
            "（与全一块的 Kronecker 积）{padded}：",
        },
        "pool.layout.tiles_padded": {
            "en": ", then padded with zeros to the input's size",
            "zh": "，再补零到输入的尺寸",
        },
        "pool.layout.general": {
            "en": "The general form reads the delta {parts}:",
            "zh": "一般公式读取的误差项是{parts}：",
        },
        "pool.layout.sep": {"en": ", ", "zh": "，"},
        "pool.layout.inserted": {
            "en": "with $s-1$ zeros inserted between neighbouring entries (the stride)",
            "zh": "在相邻元素之间插入 $s-1$ 个零（步幅）",
        },
        "pool.layout.bordered": {
            "en": "bordered by $k-1$ zeros on each side",
            "zh": "每边补 $k-1$ 个零",
        },
        "pool.layout.trailing": {
            "en": "plus {a} more at the end (padded-input cells no window reads)",
            "zh": "末尾再补 {a} 个（没有窗口读取的填充后输入格）",
        },
        # closed forms
        "pool.avg.closed_intro": {
            "en": "Each closed form below was built from array operators (up-sampling, zero "
            "insertion, padding,\ncorrelation with a block of ones) independently of the "
            "derivation, and compared with the\nderived elements one by one as expanded "
            "polynomials. Here {size}.",
            "zh": "下面每个闭式公式都由数组运算（上采样、插零、补零、与全一块的互相关）\n"
            "独立于推导构造，并与推导出的元素逐一作为展开的多项式比较。这里{size}。",
        },
        "pool.avg.closed_intro_summary": {
            "en": "Each closed form was built from array operators independently of the "
            "derivation and proved equal\nto it element by element, exactly; the known mistakes "
            "must fail. Here {size}.",
            "zh": "每个闭式公式都由数组运算独立于推导构造，并逐元素精确证明与推导相等；\n"
            "已知的错误公式必须不成立。这里{size}。",
        },
        "pool.size_is": {"en": "the window size is {n}", "zh": "窗口大小为 {n}"},
        "pool.window_size_n": {"en": "the window size {n}", "zh": "窗口大小 {n}"},
        "pool.max.closed_intro": {
            "en": "Each closed form below was built independently of the derivation (the maxima "
            "found again with numpy\nfrom the values of $A$; up-sampling, padding, correlation "
            "with a block of ones), and compared with the\nderived elements one by one as "
            "expanded polynomials.",
            "zh": "下面每个闭式公式都独立于推导构造（最大值由 numpy 根据 $A$ 的值重新找出；\n"
            "上采样、补零、与全一块的互相关），并与推导出的元素逐一作为展开的多项式比较。",
        },
        "pool.max.closed_intro_summary": {
            "en": "Each closed form was built independently of the derivation (the maxima found "
            "again with numpy from\nthe values of $A$) and proved equal to it element by "
            "element, exactly; the other tie rule and the known\nmistakes must fail.",
            "zh": "每个闭式公式都独立于推导构造（最大值由 numpy 根据 $A$ 的值重新找出），\n"
            "并逐元素精确证明与推导相等；另一种并列规则和已知的错误公式必须不成立。",
        },
        "pool.heading.notes": {
            "en": "The notes' form, $\\operatorname{up}(D)$ divided by the window size (the "
            "windows tile the input).",
            "zh": "讲义的公式：$\\operatorname{up}(D)$ 除以窗口大小（窗口恰好铺满输入）。",
        },
        "pool.heading.notes_k": {
            "en": "The notes' form, {form} (the windows tile the input).",
            "zh": "讲义的公式：{form}（窗口恰好铺满输入）。",
        },
        "pool.heading.general": {
            "en": "The general form: each element collects the deltas of every window "
            "containing it.",
            "zh": "一般公式：每个元素收集包含它的所有窗口的误差项。",
        },
        "pool.heading.routed": {
            "en": "Each delta routed to its window's maximum (ties: **{ties}**).",
            "zh": "每个误差项送到其窗口的最大值处（并列规则：**{ties}**）。",
        },
        "pool.heading.other_rule": {
            "en": "The other tie rule, **{other}**, on these tied values.",
            "zh": "另一种并列规则 **{other}**，用于这些并列的数值。",
        },
        "pool.mistake.tiles": {
            "en": "assumes the windows tile the input (stride = kernel, no padding)",
            "zh": "假定窗口恰好铺满输入（步幅 = 窗口，无填充）",
        },
        "pool.mistake.divides_k": {
            "en": "divides by {k} instead of {name}",
            "zh": "除以 {k}，而不是除以 {name}",
        },
        "pool.mistake.up_no_divide": {
            "en": "up-samples without dividing by {name}",
            "zh": "只上采样而不除以 {name}",
        },
        "pool.mistake.sum_no_divide": {
            "en": "sums the deltas without dividing by {name}",
            "zh": "只把误差项相加而不除以 {name}",
        },
        "pool.mistake.no_switches": {
            "en": "$\\operatorname{up}(D)$ without switches",
            "zh": "不用开关的 $\\operatorname{up}(D)$",
        },
        "pool.mistake.mean": {
            "en": "the mean's gradient, {share} to every cell",
            "zh": "平均池化的梯度，每格都给 {share}",
        },
        "pool.mistake.mean_size": {
            "en": "$D$ divided by the window size {n}",
            "zh": "$D$ 除以窗口大小 {n}",
        },
        # the legend
        "pool.legend": {"en": "Notation: {parts}.", "zh": "记号：{parts}。"},
        "pool.legend.sep": {"en": ";\n", "zh": "；\n"},
        "pool.legend.up": {
            "en": "$X \\otimes \\mathbf{1}_{k}$ (the notes' $\\operatorname{up}$) repeats every "
            "entry of $X$ over a block of the window's shape",
            "zh": "$X \\otimes \\mathbf{1}_{k}$（讲义中的 $\\operatorname{up}$）把 $X$ 的每个元素"
            "在一个窗口形状的块上重复",
        },
        "pool.legend.xcorr": {
            "en": "$X \\star Y$ is the valid cross-correlation $(X \\star Y)_u = \\sum_p "
            "X_{u+p}\\, Y_p$,\nand $\\mathbf{1}_{k}$ a block of ones",
            "zh": "$X \\star Y$ 是 valid 互相关 $(X \\star Y)_u = \\sum_p X_{u+p}\\, Y_p$，\n"
            "$\\mathbf{1}_{k}$ 是全一块",
        },
        "pool.legend.pad": {
            "en": "$\\operatorname{pad}_{a,b}$ adds $a$ zeros before and $b$ after each axis "
            "(one number: both sides)",
            "zh": "$\\operatorname{pad}_{a,b}$ 在每个轴前面补 $a$ 个零、后面补 $b$ 个（只写一个数：两边相同）",
        },
        "pool.legend.ins": {
            "en": "$\\operatorname{ins}_s$ inserts $s-1$ zeros between neighbouring entries",
            "zh": "$\\operatorname{ins}_s$ 在相邻元素之间插入 $s-1$ 个零",
        },
        "pool.legend.crop": {
            "en": "$\\operatorname{crop}_{a,b}$ removes $a$ entries before and $b$ after",
            "zh": "$\\operatorname{crop}_{a,b}$ 去掉前面 $a$ 个、后面 $b$ 个元素",
        },
        "pool.legend.route": {
            "en": "$\\operatorname{route}_{\\text{first}}(D; A)$ adds each $D_u$ into the cell "
            "of window $u$ where $A$ is largest,\nthe first such cell in row-major order (found "
            "again here with numpy's `argmax`, independently of the switches);\n"
            "$\\operatorname{route}_{\\text{split}}$ shares $D_u$ equally among the window's "
            "maxima",
            "zh": "$\\operatorname{route}_{\\text{first}}(D; A)$ 把每个 $D_u$ 加到窗口 $u$ 中 $A$ "
            "最大的格上，\n即按行优先顺序的第一个这样的格（这里用 numpy 的 `argmax` 重新找出，与开关无关）；\n"
            "$\\operatorname{route}_{\\text{split}}$ 把 $D_u$ 在窗口的各个最大值之间平分",
        },
        # numeric check and verdicts
        "pool.max.sampling": {
            "en": "$A$ and $s$ as above, $D$ uniform in $[-1, 1)$",
            "zh": "$A$ 与 $s$ 如上，$D$ 在 $[-1, 1)$ 上均匀分布",
        },
        "pool.avg.verdict": {
            "en": "every gradient above was derived by the chain rule, the closed\nforms were "
            "proved equal to it exactly, and the numbers agree.",
            "zh": "上面每个梯度都由链式法则推导，闭式公式\n都被精确证明与之相等，数值检验也一致。",
        },
        "pool.max.verdict": {
            "en": "every gradient above was derived by the chain rule, the routing to\nthe "
            "maxima (ties: {ties}) was proved equal to it exactly, and the numbers agree.",
            "zh": "上面每个梯度都由链式法则推导，送到最大值处的规则\n（并列规则：{ties}）被精确证明与之相等，"
            "数值检验也一致。",
        },
        # the switches
        "pool.switches.heading": {"en": "Switches at these values", "zh": "这些数值下的开关"},
        "pool.switches.intro": {
            "en": "The switches are constants: each is 1 on the cell that holds its window's "
            "maximum and 0 elsewhere,\nso where the maximum is unique $\\partial Z/\\partial A$ "
            "is exactly the switch. At a tie the maximum is not\ndifferentiable, and a tie rule "
            "chooses the subgradient the backward pass uses. {rule}",
            "zh": "开关是常数：在取到窗口最大值的格上为 1，其余为 0，\n所以最大值唯一时 "
            "$\\partial Z/\\partial A$ 恰好就是开关。出现并列时最大值不可导，\n由并列规则选定反向传播"
            "所用的次梯度。{rule}",
        },
        "pool.switches.first": {
            "en": "Rule in force: **first** (`--ties first`, PyTorch's rule): a window's delta "
            "goes whole to the first\ncell that holds the maximum in row-major order (the order "
            "PyTorch scans a window).",
            "zh": "采用的规则：**first**（`--ties first`，PyTorch 的规则）：窗口的误差项整个交给\n"
            "按行优先顺序第一个取到最大值的格（PyTorch 扫描窗口的顺序）。",
        },
        "pool.switches.split": {
            "en": "Rule in force: **split** (`--ties split`): the cells that hold the maximum "
            "share the delta equally,\nas TensorFlow's `reduce_max` does and as SymPy's "
            "$\\operatorname{Heaviside}(0) = 1/2$ gives for two.",
            "zh": "采用的规则：**split**（`--ties split`）：取到最大值的各格平分误差项，\n"
            "与 TensorFlow 的 `reduce_max` 相同，两格并列时也与 SymPy 的 "
            "$\\operatorname{Heaviside}(0) = 1/2$ 一致。",
        },
        "pool.switches.tied_one": {
            "en": "1 window of these values ties: the last column shows what `--ties {other}` "
            "would route there\ninstead (the closed forms below refute it against this "
            "derivation).",
            "zh": "这些数值中有 1 个窗口出现并列：最后一列给出 `--ties {other}` 会怎样分配\n"
            "（下面的闭式公式用本推导驳倒了它）。",
        },
        "pool.switches.tied_many": {
            "en": "{n} windows of these values tie: the last column shows what `--ties {other}` "
            "would route there\ninstead (the closed forms below refute it against this "
            "derivation).",
            "zh": "这些数值中有 {n} 个窗口出现并列：最后一列给出 `--ties {other}` 会怎样分配\n"
            "（下面的闭式公式用本推导驳倒了它）。",
        },
        "pool.switches.untied": {
            "en": "No window holds its maximum more than once, so both tie rules route the "
            "deltas the same way.",
            "zh": "没有哪个窗口的最大值出现不止一次，所以两种并列规则对误差项的分配相同。",
        },
        "pool.switches.source": {
            "en": "The values of $A$ are {source}; the JSON sheet lists them under `values`, in "
            "the form\n`--values` reads, and every switch's value under `switches`.",
            "zh": "$A$ 的值是{source}；JSON 文件在 `values` 下按 `--values` 读取的格式\n"
            "列出它们，并在 `switches` 下列出每个开关的值。",
        },
        "pool.switches.source_short": {
            "en": "The values of $A$ are {source}:",
            "zh": "$A$ 的值是{source}：",
        },
        "pool.source.seed": {
            "en": "random integers $0$ to {high} from seed {seed} (`--seed {n}`, numpy's "
            "`default_rng({n})`)",
            "zh": "由种子 {seed} 生成的 $0$ 到 {high} 的随机整数（`--seed {n}`，numpy 的 "
            "`default_rng({n})`）",
        },
        "pool.source.seed_handout": {
            "en": "random integers $0$ to {high} from seed {seed} (numpy's `default_rng({n})`)",
            "zh": "由种子 {seed} 生成的 $0$ 到 {high} 的随机整数（numpy 的 `default_rng({n})`）",
        },
        "pool.source.given": {"en": "given with the handout", "zh": "随讲义给出的"},
        "pool.source.file": {
            "en": "read from `{file}` (`--values {file}`)",
            "zh": "从 `{file}` 读入的（`--values {file}`）",
        },
        "pool.source.python": {"en": "given in Python", "zh": "在 Python 中给出的"},
        "pool.switches.table": {
            "en": "Window by window: its maximum, the cells that hold it, and which input "
            "receives the window's delta:",
            "zh": "逐个窗口列出：它的最大值、取到最大值的格，以及哪个输入收到该窗口的误差项：",
        },
        "pool.col.output": {"en": "output", "zh": "输出"},
        "pool.col.maximum": {"en": "maximum", "zh": "最大值"},
        "pool.col.held": {"en": "held by", "zh": "所在元素"},
        "pool.col.in_force": {"en": "{ties} (in force)", "zh": "{ties}（采用）"},
        "pool.col.would": {"en": "{other} would give", "zh": "{other} 会给出"},
        # references
        "ref.seeds_pool": {
            "en": "Lecture notes in Chinese: “Weight updates in a convolutional\nnetwork” (a blog "
            "post in Chinese, untitled; named here after its first sentence), on the\nsampling "
            "layer: mean pooling divides the delta by the window size; max pooling passes it\n"
            "back to the recorded maximum.",
            "zh": "中文讲义：《卷积神经网络中的权值更新》（博客文章；原文无标题，"
            "取其首句），"
            "关于采样层：平均池化把误差项除以窗口大小；最大池化把误差项传回记下的最大值位置。",
        },
    }
)
