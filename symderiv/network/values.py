"""The sample point and the switches it fixes.

ReLU and max pooling are not differentiable everywhere.  symderiv fixes their switches
(each ReLU input's sign, each max-pool window's argmax) from the values the network takes
at a sample point drawn from ``seed``; on the open region around that point where every
switch keeps its value the network is smooth, and there the derivative, the delta
recursion and the proofs are exact.  A switch closer than :data:`MARGIN` to its kink at
the sample point is refused (another seed gives another point).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import product
from typing import Any

import numpy as np

from ..exceptions import SpecError
from ..layers.pool.spec import MaxPoolSpec
from .reference import Pass, run
from .spec import Network, Stage

__all__ = ["MARGIN", "Sample", "Switch", "draw", "sample"]

MARGIN = 1e-9
"""The least distance from a kink (a ReLU input from 0, a window's maximum from its
runner-up) that fixes a switch."""


@dataclass(frozen=True, eq=False)
class Switch:
    """The switches of one stage: for a ReLU, 1 where its input is positive (``pattern``,
    in the stage's input shape); for max pooling, the flat input position of each
    window's maximum (in the output's shape).  ``margin`` is the least distance from a
    kink: from 0 for a ReLU input, from the maximum to the largest smaller value of its
    window for max pooling (a window whose maximum several cells hold exactly, such as
    ReLU outputs switched off, all 0, is checked by the forward pass: those cells must be
    the same expression, so the first one, PyTorch's choice, changes no derivative)."""

    stage: str
    kind: str
    pattern: np.ndarray
    margin: float


@dataclass(frozen=True, eq=False)
class Sample:
    """The values drawn from ``seed`` (x, t and every parameter, by name), the reference
    passes at them, and the switches they fix."""

    seed: int
    arrays: dict[str, np.ndarray]
    reference: Pass
    switches: tuple[Switch, ...]

    def input_of(self, network: Network, stage: Stage) -> np.ndarray:
        """The values of a stage's input at the sample point."""
        for op in network.plan():
            if op.stage is stage:
                return self.reference.values[op.inputs[0]]
        raise KeyError(stage.number)


def draw(network: Network, seed: int) -> dict[str, np.ndarray]:
    """x and every parameter uniform in [-1, 1), drawn in that order; then t: uniform in
    [0, 1) for the squared error, a probability distribution per sample (positive,
    normalised) for the cross-entropy, which the side condition sum_c t = 1 needs."""
    rng = np.random.default_rng(seed)
    arrays = {"x": rng.uniform(-1.0, 1.0, network.input)}
    for p in network.parameters():
        arrays[p.name] = rng.uniform(-1.0, 1.0, p.shape)
    shape = network.output
    if network.loss.cross_entropy:
        raw = rng.uniform(0.1, 1.0, shape)
        arrays["t"] = raw / raw.sum(axis=1, keepdims=True)
    else:
        arrays["t"] = rng.uniform(0.0, 1.0, shape)
    return arrays


def resolved(stage: Stage, z_in: np.ndarray) -> Any:
    """The stage's layer with its switches fixed by its input's values (max pooling
    takes them as its values; every other kind is returned as it is)."""
    layer = stage.layer
    if isinstance(layer, MaxPoolSpec):
        shape = layer.shapes()["A"]
        values = np.asarray(z_in, dtype=float).reshape(shape).tolist()
        return replace(layer, seed=None, values=values, source="the sample point")
    return layer


def _switch(stage: Stage, z_in: np.ndarray) -> Switch | None:
    layer = stage.layer
    if stage.kind in ("relu", "leaky_relu"):
        values = np.asarray(z_in, dtype=float)
        return Switch(stage.number, stage.kind, (values > 0).astype(int),
                      float(np.min(np.abs(values))))
    if not isinstance(layer, MaxPoolSpec):
        return None
    fixed = resolved(stage, z_in)
    flat_in = layer.shapes()["A"]
    argmax = np.zeros(layer.shapes()["Z"], dtype=int)
    margin = float("inf")
    for w in fixed.windows:
        inside = [c.value for c in w.cells if c.value is not None]
        below = [v for v in inside if v != w.maximum]  # exact ties: see forward.check_ties
        if below:
            margin = min(margin, float(w.maximum - max(below)))
        cell = next(c for c in w.cells if c.offset == w.maxima[0])
        assert cell.input is not None
        argmax[w.output] = int(np.ravel_multi_index(cell.input, flat_in))
    return Switch(stage.number, stage.kind, argmax, margin)


def sample(network: Network) -> Sample:
    """The sample point of ``network.seed``, its reference passes and its switches;
    refused when a switch sits within :data:`MARGIN` of its kink."""
    arrays = draw(network, network.seed)
    ref = run(network, arrays)
    switches = []
    for op in network.plan():
        if op.stage is None or op.stage.layer is None:
            continue
        found = _switch(op.stage, ref.values[op.inputs[0]])
        if found is None:
            continue
        if found.margin < MARGIN:
            what = "an input of" if found.kind in ("relu", "leaky_relu") else "a window of"
            raise SpecError(
                f"seed {network.seed}: at its sample point {what} layer "
                f"{op.stage.label} ({found.kind}) is within {MARGIN:g} of its kink, where "
                "the switch is not defined; choose another --seed"
            )
        switches.append(found)
    return Sample(seed=network.seed, arrays=arrays, reference=ref, switches=tuple(switches))


def cells(shape: tuple[int, ...]) -> product:
    """Every index of a shape, row-major."""
    return product(*(range(n) for n in shape))
