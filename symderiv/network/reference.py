"""The numeric reference: the network's forward and backward passes in float64, each
stage computed by its layer kind's own plain-loop numpy reference (which shares no code
with the symbolic side), composed along the network's graph.

Max pooling and ReLU are evaluated on the actual values here (the maximum of each
window, the sign of each input), independently of the switches the symbolic side fixes
from the same sample point, so the two agree only if the switches are right.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .spec import Network, Stage

__all__ = ["Pass", "run"]


@dataclass(frozen=True, eq=False)
class Pass:
    """Every node's value (``0`` is x), E, every node's delta dE/dnode, and every
    parameter's gradient, all float64."""

    values: dict[str, np.ndarray]
    loss: float
    deltas: dict[str, np.ndarray]
    gradients: dict[str, np.ndarray]


def _local(
    stage: Stage,
    z_in: np.ndarray,
    params: Mapping[str, np.ndarray],
    delta: np.ndarray | None,
) -> dict[str, np.ndarray]:
    """The arrays the layer kind's reference reads, in its own letters and layout."""
    layer = stage.layer
    assert layer is not None
    shapes = {letter: shape for letter, (_, shape) in layer.tensors().items()}
    arrays = {"A": np.asarray(z_in, dtype=float).reshape(shapes["A"])}
    for p in stage.params:
        arrays[p.letter] = np.asarray(params[p.name], dtype=float)
    if stage.bias_free:
        arrays["b"] = np.zeros(shapes["b"])
    if "s" in shapes:
        arrays["s"] = np.zeros(shapes["s"])
    if delta is None:
        arrays["D"] = np.zeros(shapes["D"])
    else:
        arrays["D"] = np.asarray(delta, dtype=float).reshape(shapes["D"])
    return arrays


def run(network: Network, arrays: Mapping[str, np.ndarray]) -> Pass:
    """Both passes at the values ``arrays`` (x, t and every parameter, by name)."""
    values: dict[str, np.ndarray] = {"0": np.asarray(arrays["x"], dtype=float)}
    plan = network.plan()
    for op in plan:
        if op.stage is None:
            values[op.output] = values[op.inputs[0]] + values[op.inputs[1]]
            continue
        stage, z_in = op.stage, values[op.inputs[0]]
        if stage.layer is None:  # flatten
            values[op.output] = z_in.reshape(stage.out_shape)
            continue
        ref = stage.layer.reference(_local(stage, z_in, arrays, None))
        values[op.output] = np.asarray(ref["Z"], dtype=float).reshape(stage.out_shape)
    y = values[network.last]
    loss_ref = network.loss.reference({"y": y, "t": np.asarray(arrays["t"], dtype=float)})
    deltas: dict[str, np.ndarray] = {network.last: np.asarray(loss_ref["y"], dtype=float)}
    gradients: dict[str, np.ndarray] = {}
    for op in reversed(plan):
        delta = deltas[op.output]
        if op.stage is None:
            parts = [(node, delta) for node in op.inputs]
        elif op.stage.layer is None:
            parts = [(op.inputs[0], delta.reshape(op.stage.in_shape))]
        else:
            stage = op.stage
            assert stage.layer is not None
            ref = stage.layer.reference(_local(stage, values[op.inputs[0]], arrays, delta))
            for p in stage.params:
                gradients[p.name] = np.asarray(ref[p.letter], dtype=float).reshape(p.shape)
            parts = [(op.inputs[0], np.asarray(ref["A"], dtype=float).reshape(stage.in_shape))]
        for node, part in parts:
            deltas[node] = deltas[node] + part if node in deltas else part
    return Pass(values=values, loss=float(loss_ref["E"]), deltas=deltas, gradients=gradients)
