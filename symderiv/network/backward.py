"""The delta recursion, backwards through the network as the lecture notes teach it.

δ at the output comes from the loss's own closed form (y − t for the squared error,
softmax(y) − t given Σ_c t = 1 for the cross-entropy); each stage then passes its delta
back by its layer kind's own closed form for dE/dA (the full convolution with the
flipped kernel, up-sampling divided by k², routing to the switches, β·up, Wᵀδ, f′ ∘ δ),
and gives its parameters' gradients by its closed forms for them (x ⋆ δ, Σ δ, δ xᵀ, …).
These are the formulas each kind's own sheet proves for a single layer; here they are
evaluated on the kind's own symbols (the layer's numbers filled in, for the sheet) and
then on the network's expressions.  Where a residual block's two paths meet, the deltas
that reach a node along both are added.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import sympy

from ..core import work
from ..core.layer import Claim, Layer
from ..core.symbols import make_tensor
from .forward import Forward, local, node_symbols
from .spec import Network, Op
from .values import Sample

__all__ = ["Backward", "Rule", "StageBackward", "closed_form", "run"]


@dataclass(frozen=True, eq=False)
class Rule:
    """One closed form of the recursion: the kind's claim for dE/d``of`` (its own letter),
    its value at every element in the kind's own symbols (``local``, keyed by the full
    index in the kind's layout), and the same in the network's terms (``value``, in the
    network's shape of ``target``: a node's delta or a parameter)."""

    of: str
    target: str
    claim: Claim | None
    local: dict[tuple[int, ...], sympy.Expr]
    value: np.ndarray
    named: np.ndarray  # the layer's numbers filled in, in the network's names, target's shape


@dataclass(frozen=True, eq=False)
class StageBackward:
    """What one step of the backward pass did: the rules it used, the delta it read."""

    op: Op
    rules: tuple[Rule, ...]


@dataclass(frozen=True, eq=False)
class Backward:
    """Every node's delta (``0``: dE/dx), every parameter's gradient by the recursion,
    the loss's rule for δ at the output, the side condition it needs (substitutions, empty
    for the squared error), the steps in the order they ran (output first), and every
    node's delta written one layer at a time (``recursion``: in the next node's delta
    ``delta5[…]``, the forward values ``z4[…]`` and the parameters)."""

    deltas: dict[str, np.ndarray]
    gradients: dict[str, np.ndarray]
    loss_rule: Rule
    given: tuple[tuple[sympy.Symbol, sympy.Expr], ...]
    steps: tuple[StageBackward, ...]
    recursion: dict[str, np.ndarray]


def closed_form(layer: Layer, of: str) -> Claim:
    """The kind's own closed form for dE/d``of``: its first claim that must hold."""
    for claim in layer.claims():
        if claim.of == of and claim.expected:
            return claim
    raise ValueError(f"{layer.kind} has no closed form for {of!r}")


def _array(values: list[sympy.Expr], shape: tuple[int, ...]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out.reshape(shape)


def _sorted(values: Mapping[tuple[int, ...], sympy.Expr]) -> list[sympy.Expr]:
    return [values[k] for k in sorted(values)]


def _loss_rule(
    network: Network, y: np.ndarray, t: np.ndarray
) -> tuple[Rule, tuple[tuple[sympy.Symbol, sympy.Expr], ...]]:
    loss = network.loss
    tensors = {
        "y": make_tensor("y", "prediction", loss.shape),
        "t": make_tensor("t", "target", loss.shape),
    }
    claim = closed_form(loss, "y")
    values = loss.evaluate(claim, tensors)
    mapping = dict(zip(tensors["y"].elements, y.ravel().tolist(), strict=True))
    mapping.update(zip(tensors["t"].elements, t.ravel().tolist(), strict=True))
    value = _array([v.xreplace(mapping) for v in _sorted(values)], loss.shape)
    names = dict(mapping)
    names.update(
        zip(
            tensors["y"].elements,
            node_symbols("z", network.last, loss.shape).ravel().tolist(),
            strict=True,
        )
    )
    named = _array([v.xreplace(names) for v in _sorted(values)], loss.shape)
    given = tuple((a.xreplace(mapping), b.xreplace(mapping)) for a, b in claim.given)
    return Rule("y", network.last, claim, values, value, named), given


def run(
    network: Network, params: Mapping[str, np.ndarray], forward: Forward, sample: Sample
) -> Backward:
    """The recursion, from the loss back to x."""
    loss_rule, given = _loss_rule(network, forward.nodes[network.last], params["t"])
    deltas: dict[str, np.ndarray] = {network.last: loss_rule.value}
    recursion: dict[str, np.ndarray] = {network.last: loss_rule.named}
    gradients: dict[str, np.ndarray] = {}
    steps: list[StageBackward] = []
    built = 0

    def add(node: str, part: np.ndarray, named: np.ndarray) -> None:
        deltas[node] = deltas[node] + part if node in deltas else part
        recursion[node] = recursion[node] + named if node in recursion else named

    for op in reversed(network.plan()):
        delta = deltas[op.output]
        mine = node_symbols("delta", op.output, delta.shape)
        if op.stage is None:  # the sum of a residual block: its delta reaches both paths
            for node in op.inputs:
                add(node, delta, mine)
            steps.append(StageBackward(op, ()))
            continue
        stage = op.stage
        if stage.layer is None:  # flatten: the same elements, in the input's shape
            add(op.inputs[0], delta.reshape(stage.in_shape), mine.reshape(stage.in_shape))
            steps.append(StageBackward(op, ()))
            continue
        view = local(
            op,
            forward.nodes[op.inputs[0]],
            sample.reference.values[op.inputs[0]],
            params,
            delta,
        )
        layer = view.layer
        assert isinstance(layer, Layer)
        rules = []
        for of, target, shape in (
            *((p.letter, p.name, p.shape) for p in stage.params),
            ("A", op.inputs[0], stage.in_shape),
        ):
            claim = closed_form(layer, of)
            values = layer.evaluate(claim, view.tensors)
            value = _array([view.substitute(v) for v in _sorted(values)], shape)
            named = _array([view.named(v) for v in _sorted(values)], shape)
            built += len(values)
            rules.append(Rule(of, target, claim, values, value, named))
            if of == "A":
                add(op.inputs[0], value, named)
            else:
                gradients[target] = value
        steps.append(StageBackward(op, tuple(rules)))
    work.add("network delta recursion", built + 1)
    return Backward(deltas, gradients, loss_rule, given, tuple(steps), recursion)
