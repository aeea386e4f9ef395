"""The figures' fixed texts (captions, alt texts, the section's heading) in every language,
registered in the one table of :mod:`symderiv.render.messages`."""

from __future__ import annotations

from ..render.messages import register, text

__all__ = ["text"]

register(
    {
        "figures.heading": {"en": "Figures", "zh": "图示"},
        "figures.intro": {
            "en": "Pictures of the index sets above, drawn from the derivation's own data: "
            "every shaded cell is a factor\nof a term of the forward pass or of a gradient.",
            "zh": "上面各下标集合的图示，直接取自推导本身的数据：\n每个着色的格子都是前向传播或"
            "某个梯度中一项的因子。",
        },
        "figures.caption": {"en": "**{lead}** {caption}", "zh": "**{lead}**{caption}"},
        "figures.lead.forward": {
            "en": "The forward pass above, drawn.",
            "zh": "图：上面的前向传播。",
        },
        "figures.lead.layer": {"en": "The definition above, drawn.", "zh": "图：上面的定义。"},
        "figures.lead.contributions": {
            "en": "The contribution table above, drawn.",
            "zh": "图：上面的贡献表。",
        },
        "figures.lead.kernel": {
            "en": "The kernel gradient above, drawn.",
            "zh": "图：上面的卷积核梯度。",
        },
        "figures.lead.padded": {
            "en": "The padded delta above, drawn.",
            "zh": "图：上面补零的误差项。",
        },
        "figures.lead.inserted": {
            "en": "The zero-inserted, padded delta above, drawn.",
            "zh": "图：上面插零并补零的误差项。",
        },
        "figures.lead.story": {"en": "The index form above, drawn.", "zh": "图：上面的指标形式。"},
        "figures.lead.switches": {"en": "The switches above, drawn.", "zh": "图：上面的开关。"},
        "figures.lead.sheet": {"en": "The derivation above, drawn.", "zh": "图：上面的推导。"},
        "figures.drawn": {
            "en": " Drawn from the derivation's own data: what is shaded is read off the terms "
            "of the derived\nforward pass and gradients.",
            "zh": "此图直接取自推导本身的数据：着色的内容读自推导出的前向传播与梯度的各项。",
        },
        "figures.maps": {
            "en": " The figures draw the first map of each tensor (batch 0, channel 0).",
            "zh": "图中只画出每个张量的第一张图（批次 0、通道 0）。",
        },
        "figures.padding": {
            "en": " with its padding (light grey)",
            "zh": "（浅灰色格子是填充）",
        },
        "figures.padding_outside": {
            "en": " (its padding light grey)",
            "zh": "（浅灰色格子是填充）",
        },
        "figures.windows.caption": {
            "en": "Each panel shows the input $A${padding} and, shaded, the cells that the "
            "output named above it reads{labels}{count}.",
            "zh": "每幅小图画出输入 $A${padding}；着色的格子是图上方所标输出读取的元素{labels}"
            "{count}。",
        },
        "figures.windows.labels": {
            "en": ",\neach labelled with the kernel element it is multiplied by",
            "zh": "，\n每格标出与它相乘的卷积核元素",
        },
        "figures.windows.count": {
            "en": " ({shown} of the {total} outputs)",
            "zh": "（共 {total} 个输出中的 {shown} 个）",
        },
        "figures.windows.alt": {
            "en": "The input grid with the window each output reads: {items}",
            "zh": "输入网格与每个输出读取的窗口：{items}",
        },
        "figures.reads": {"en": "{out} reads {cells}", "zh": "{out} 读取 {cells}"},
        "figures.kernel.caption": {
            "en": "For each kernel element (named above its panel): the cells of $A$ it "
            "multiplies, as the contribution table\nlists them, each with (in red) the delta of "
            "the output the product reaches. $\\partial E/\\partial {k}$ is\nthe sum of these "
            "products, $A$ times $D$.",
            "zh": "每幅小图对应一个卷积核元素（标在图上方）：着色的是它所乘的 $A$ 的元素，\n"
            "与贡献表所列相同，红字是该乘积所到达的输出的误差项。$\\partial E/\\partial {k}$ "
            "就是\n这些乘积（$A$ 乘 $D$）之和。",
        },
        "figures.kernel.alt": {
            "en": "Cells of A each kernel element multiplies: {items}",
            "zh": "每个卷积核元素所乘的 A 的元素：{items}",
        },
        "figures.multiplies": {"en": "{k} multiplies {cells}", "zh": "{k} 乘 {cells}"},
        "figures.into": {"en": "{a} (into {z})", "zh": "{a}（进入 {z}）"},
        "figures.padded.caption": {
            "en": "The delta as the input gradient reads it: {stride}bordered with zeros. The "
            "dashed window is\n{kernel} (its elements in red) placed for the input element "
            "named above the panel; the shaded deltas\nare the ones its gradient multiplies."
            "{convention}",
            "zh": "输入梯度所读取的误差项：{stride}四周补零。虚线窗口是{kernel}（其元素为红字），"
            "\n放在图上方所标输入元素的位置；着色的误差项就是该梯度所乘的那些。{convention}",
        },
        "figures.padded.stride": {
            "en": "zeros inserted between its entries (the stride) and ",
            "zh": "元素之间插入零（步幅），并",
        },
        "figures.padded.flipped": {"en": "the flipped kernel", "zh": "翻转后的卷积核"},
        "figures.padded.unflipped": {"en": "the kernel", "zh": "卷积核"},
        "figures.padded.convolution": {
            "en": " The convolution convention's forward pass flips the kernel already, so here "
            "it slides unflipped.",
            "zh": "卷积约定的前向传播已经翻转了卷积核，所以这里滑动的是未翻转的核。",
        },
        "figures.padded.alt": {
            "en": "The padded delta with the sliding kernel: {items}",
            "zh": "补零的误差项与滑动的卷积核：{items}",
        },
        "figures.pool.caption": {
            "en": "The pooling windows over the input $A${padding}: each outline holds the cells "
            "one output reads, and the output\nof the same colour on the right is computed from "
            "them.",
            "zh": "输入 $A${padding} 上的池化窗口：每个框内是一个输出读取的格子，\n右边同色的输出"
            "由它们算出。",
        },
        "figures.pool.alt": {"en": "Pooling windows: {items}", "zh": "池化窗口：{items}"},
        "figures.max.caption": {
            "en": "The values of $A$ with the pooling windows outlined, and the maxima $Z$ on "
            "the right. The darker cells\nreceive their window's delta (named in red), read off "
            "the derived $\\partial E/\\partial A${ties}.",
            "zh": "$A$ 的取值，框出池化窗口，右边是最大值 $Z$。深色格子接收其窗口的误差项（红字），"
            "\n取自推导出的 $\\partial E/\\partial A${ties}。",
        },
        "figures.max.ties": {
            "en": "; a cell framed in orange holds a tied\nmaximum that receives nothing under "
            "the first-maximum rule",
            "zh": "；橙框的格子也是并列的最大值，\n但按“取第一个最大值”的规则不接收任何误差项",
        },
        "figures.max.alt": {"en": "Max pooling: {items}", "zh": "最大池化：{items}"},
        "figures.receives": {
            "en": "{a} = {value} receives {deltas}",
            "zh": "{a} = {value} 接收 {deltas}",
        },
        "figures.network.caption": {
            "en": "The layers in order, each with its kind and the shape of its output.",
            "zh": "按顺序排列的各层，标出每层的类型与输出形状。",
        },
        "figures.network.alt": {"en": "Network: {items}", "zh": "网络：{items}"},
        "figures.fragment_packages": {
            "en": "Its figures need: \\usepackage{tikz}.",
            "zh": "其中的图示需要：\\usepackage{tikz}。",
        },
    }
)
