"""What deriving a network costs, predicted from its sizes before anything is built.

A network's expressions grow with every layer.  For every element of every layer's
output the prediction follows, from the layer before, at most how many nodes it has as a
tree (t), how many terms its top sum has (n), how many nodes the layer makes for it (d,
its share of the forward pass as a DAG) and how many parameter elements it depends on
(p).  The layer kinds' own plain-loop numpy references do the arithmetic: run on those
counts with every weight 1 (a convolution then adds up the counts of the inputs it
reads, max pooling keeps the largest), and at the sample point a ReLU that is switched
off gives 0, a single node.  With T the loss's tree size, D the forward pass's nodes and
C = Σ d·p over every element (the nodes that contain each parameter, summed over the
parameters):

    chain rule    each node's partials once (≤ 2D) and, per parameter element θ, the
                  nodes that contain θ: ≤ C + 2D + P
    proofs        a budget of PROOF_FACTOR·(C + D) steps, enforced: past it what is left
                  is undecided (never proved)
    numeric       every node evaluated once: ≤ 2·(C + D)
    render        the JSON's expansions (text of at most RENDER_FACTOR·P·T nodes) and
                  the sheets: ≤ RENDER_FACTOR·(P + 1)·T + 4·(C + D)

plus each layer kind's own predicted work (its forward pass, closed forms and reference
are what the network uses of it) and the symbols made.  The kinds' predictions and the
symbols come first, arithmetic on the sizes alone: a network too large for them is
refused at once, before the sample point is computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .spec import Network, Stage
    from .values import Sample

__all__ = ["PROOF_FACTOR", "RENDER_FACTOR", "Counts", "counts", "first_work", "predicted_work"]

PROOF_FACTOR = 16
RENDER_FACTOR = 2


@dataclass(frozen=True)
class Counts:
    """T (the loss's tree), D (the forward pass's nodes), C (Σ d·p) and P (parameter
    elements), at most."""

    tree: int
    dag: int
    chain: int
    params: int

    @property
    def proof_budget(self) -> int:
        """The steps the proofs may take (enforced)."""
        return PROOF_FACTOR * (self.chain + self.dag)


def first_work(network: Network) -> dict[str, int]:
    """What is known from the sizes alone: the symbols made and the layer kinds' own
    predicted work (their forward passes, closed forms and references)."""
    stages = list(network.stages())
    local = sum(
        prod(shape)
        for s in stages
        if s.layer is not None
        for _, shape in s.layer.tensors().values()
    )
    nodes = sum(prod(s.out_shape) for s in stages) + sum(
        prod(step.out_shape) for step in network.steps if step.kind == "residual"
    )
    return {
        "symbols": network.symbols() + 3 * local + 6 * (nodes + prod(network.input)),
        # each kind's forward pass, closed forms and reference: the reference runs a few
        # times (the sample point, the numeric check, these counts)
        "layers": 3 * sum(s.layer.predicted_terms() for s in stages if s.layer is not None),
        "network forward": nodes + 1,
        "network delta recursion": local + 1,
    }


def _local_shape(stage: Stage, letter: str) -> tuple[int, ...]:
    assert stage.layer is not None
    return stage.layer.tensors()[letter][1]


def _sums(stage: Stage, values: np.ndarray) -> np.ndarray:
    """Σ over the inputs each output element reads of ``values`` (every weight 1, no
    bias), by the kind's own reference; max pooling: the largest instead."""
    layer = stage.layer
    assert layer is not None
    arrays = {"A": np.asarray(values, dtype=float).reshape(_local_shape(stage, "A"))}
    for letter, (_, shape) in layer.tensors().items():
        if letter in ("K", "W", "beta"):
            arrays[letter] = np.ones(shape)
        elif letter in ("b", "D", "s"):
            arrays[letter] = np.zeros(shape)
    out = np.asarray(layer.reference(arrays)["Z"], dtype=float)
    if stage.kind.startswith("avg_pool"):
        out = out * prod(layer.kernel)  # type: ignore[attr-defined]
    return np.rint(out).reshape(stage.out_shape)


def _own(stage: Stage) -> int:
    """Parameter elements one output element of the stage reads itself."""
    if stage.kind.startswith("conv"):
        layer: Any = stage.layer
        return layer.cin_group * prod(layer.kernel) + (0 if stage.bias_free else 1)
    if stage.kind == "linear":
        return stage.in_shape[1] + 1
    if stage.kind == "subsample2d":
        return 2
    return 0


def counts(network: Network, sample: Sample) -> Counts:
    """T, D, C and P of the network at its sample point (see the module's docstring)."""
    x = np.ones(network.input)
    nodes: dict[str, tuple[np.ndarray, ...]] = {"0": (x, x, np.zeros(network.input))}
    params_before = 0
    dag = 0
    chain = 0
    for op in network.plan():
        if op.stage is None:
            (ta, na, pa), (tb, nb, pb) = nodes[op.inputs[0]], nodes[op.inputs[1]]
            t, n, p = 1 + ta + tb, na + nb, np.minimum(pa + pb, params_before)
            d = 1 + n
        else:
            stage = op.stage
            t_in, n_in, p_in = nodes[op.inputs[0]]
            kind = stage.kind
            if stage.layer is None or kind == "identity":  # flatten: the same elements
                t, n, p = (a.reshape(stage.out_shape) for a in (t_in, n_in, p_in))
                d = np.zeros(stage.out_shape)
            elif kind in ("relu", "leaky_relu"):
                on = sample.reference.values[op.inputs[0]] > 0
                off = 0 if kind == "relu" else 2  # α·u: the number and a Mul
                t, n = np.where(on, t_in, t_in + off if off else 1), np.where(on, n_in, 1)
                p, d = np.where(on | bool(off), p_in, 0), np.ones(stage.out_shape)
            elif kind == "sigmoid":  # 1/(1 + exp(-u)): the negated sum writes each term
                t, n, p = t_in + 2 * n_in + 5, np.ones(stage.out_shape), p_in
                d = 2 * n_in + 5
            elif kind == "tanh":
                t, n, p, d = t_in + 1, np.ones(stage.out_shape), p_in, np.ones(stage.out_shape)
            elif kind.startswith("max_pool"):
                t, n, p = _sums(stage, t_in), _sums(stage, n_in), _sums(stage, p_in)
                d = np.ones(stage.out_shape)
            elif kind.startswith("avg_pool"):  # 1/k² times each input, distributed
                t = 1 + _sums(stage, t_in + 2 * n_in + 2)
                n, p = _sums(stage, n_in), np.minimum(_sums(stage, p_in), params_before)
                d = 1 + _sums(stage, 2 * n_in + 2)
            else:  # a weight times each input, and the bias
                reads = _sums(stage, np.ones(stage.in_shape))
                t, n = 2 + _sums(stage, t_in + 2), reads + 1
                p = np.minimum(_sums(stage, p_in), params_before) + _own(stage)
                d = 2 + 2 * reads
            params_before += sum(prod(q.shape) for q in stage.params)
        nodes[op.output] = (t, n, p)
        dag += int(np.sum(d))
        chain += int(np.sum(d * p))
    t_y = nodes[network.last][0]
    rows, features = network.output
    if network.loss.cross_entropy:  # -t·(y - log(Σ exp(y))) per output
        lse = np.sum(t_y + 3, axis=1, keepdims=True)
        per = t_y + 8 + lse
    else:  # (1/2)·(y - t)^2 per output
        per = t_y + 8
    tree = 1 + int(np.sum(per))
    loss_nodes = 8 * rows * features
    if network.loss.cross_entropy:
        loss_nodes += rows * features * features
    dag += loss_nodes
    chain += loss_nodes * params_before
    return Counts(tree=tree, dag=dag, chain=chain, params=params_before)


def predicted_work(network: Network, sample: Sample | None = None) -> dict[str, int]:
    """The steps of every stage, at most (see the module's docstring); the sample point
    is computed when not given."""
    if sample is None:
        from .values import sample as draw

        sample = draw(network)
    c = counts(network, sample)
    work = first_work(network)
    local = work["network delta recursion"]
    work.update(
        {
            "network chain rule": c.chain + 2 * c.dag + c.params + 1,
            "network proofs": c.proof_budget,
            "network numeric": 2 * (c.chain + c.dag) + 2 * local,
            "network render": RENDER_FACTOR * (c.params + 1) * c.tree + 4 * (c.chain + c.dag),
        }
    )
    return work
