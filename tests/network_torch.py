"""The sample networks rebuilt with torch.nn.functional, for the autograd cross-checks.

Only the network's description (kinds and options) is read from symderiv; the forward
pass below is PyTorch's own, in float64, with every node's output kept so that autograd's
gradient with respect to it (its delta) can be compared with the delta recursion.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def run(network, arrays: Mapping[str, np.ndarray]):
    """(E, {node: output tensor with retained grad}, {param: leaf tensor}) after backward."""
    import torch
    import torch.nn.functional as F

    leaves = {
        name: torch.tensor(np.asarray(value, dtype=float), dtype=torch.float64, requires_grad=True)
        for name, value in arrays.items()
        if name not in ("x", "t")
    }
    x = torch.tensor(np.asarray(arrays["x"], dtype=float), dtype=torch.float64, requires_grad=True)
    t = torch.tensor(np.asarray(arrays["t"], dtype=float), dtype=torch.float64)
    nodes = {"0": x}

    def conv(stage, z):
        layer = stage.layer
        kernel = leaves[f"K{stage.number}"]
        if layer.convention == "convolution":  # MATLAB's conv2: correlate with the flipped kernel
            kernel = torch.flip(kernel, dims=tuple(range(2, kernel.dim())))
        bias = None if stage.bias_free else leaves[f"b{stage.number}"]
        fn = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[layer.ndim]
        return fn(z, kernel, bias, layer.stride, layer.padding, layer.dilation, layer.groups)

    def apply(stage, z):
        kind, layer = stage.kind, stage.layer
        if kind.startswith("conv"):
            return conv(stage, z)
        if kind == "flatten":
            return torch.flatten(z, 1)
        if kind == "linear":
            return F.linear(z, leaves[f"W{stage.number}"], leaves[f"b{stage.number}"])
        if kind == "sigmoid":
            return torch.sigmoid(z)
        if kind == "tanh":
            return torch.tanh(z)
        if kind == "relu":
            return torch.relu(z)
        if kind == "leaky_relu":
            return F.leaky_relu(z, float(layer.slope))
        if kind == "identity":
            return z
        if kind.startswith("avg_pool"):
            fn = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}[layer.ndim]
            return fn(z, layer.kernel, layer.stride, layer.padding, count_include_pad=True)
        if kind.startswith("max_pool"):
            fn = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}[layer.ndim]
            return fn(z, layer.kernel, layer.stride, layer.padding)
        if kind == "subsample2d":
            sh, sw = layer.scale
            beta = leaves[f"beta{stage.number}"].view(1, -1, 1, 1)
            b = leaves[f"b{stage.number}"].view(1, -1, 1, 1)
            return beta * F.avg_pool2d(z, (sh, sw)) * (sh * sw) + b
        raise AssertionError(kind)

    for op in network.plan():
        if op.stage is None:
            out = nodes[op.inputs[0]] + nodes[op.inputs[1]]
        else:
            out = apply(op.stage, nodes[op.inputs[0]])
        out.retain_grad()
        nodes[op.output] = out
    y = nodes[network.last]
    if network.loss.cross_entropy:
        loss = F.cross_entropy(y, t, reduction="sum")
    else:
        loss = 0.5 * ((y - t) ** 2).sum()
    loss.backward()
    return loss, nodes, leaves
