"""A network as frozen data: its stages in file order, each with its shapes chained from
the network's input, the layer kind's own spec (built with the kind's own option parser),
and the parameters it owns under their network names.

Naming (the issue's): the input is ``x``, the targets ``t``; layer ``l``'s tensors carry
its number (``K1``, ``b1``, ``W5``, ``beta3``); inside residual block ``i`` branch layer
``j``'s carry ``i_j`` (``K3_1``) and the projection shortcut's kernel is ``Ks3`` (no bias).
The sheet prints the number as a superscript in square brackets, ``K^{[1]}``, ``K^{[3.1]}``,
``K^{[3s]}``: square brackets always mean a layer, never a batch or channel index.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from math import prod
from typing import TYPE_CHECKING, Any

from ..core.layer import DEFAULT_MAX_TERMS, Layer

if TYPE_CHECKING:
    from ..layers.loss import LossSpec
    from .model import NetworkDerivation

__all__ = ["Block", "Network", "Op", "Param", "Stage", "Step", "shape_text"]


def shape_text(shape: tuple[int, ...]) -> str:
    """``(1, 2, 4, 4)``."""
    return "(" + ", ".join(map(str, shape)) + ")"


@dataclass(frozen=True)
class Param:
    """One parameter tensor of the network: its network name (``K1``), the letter its
    layer kind calls it (``K``), its role, its shape, and the stage that owns it."""

    name: str
    letter: str
    role: str
    shape: tuple[int, ...]
    stage: str


@dataclass(frozen=True)
class Stage:
    """One layer of the network (or of a residual block's branch).

    ``number`` is ``"1"``, ``"3_2"`` (block 3, branch layer 2) or ``"s3"`` (block 3's
    projection shortcut); ``layer`` is the kind's own spec on this stage's input (None
    for ``flatten``, which only reshapes); ``options`` are the keys as the file gave them.
    """

    number: str
    kind: str
    options: tuple[tuple[str, Any], ...]
    in_shape: tuple[int, ...]
    out_shape: tuple[int, ...]
    layer: Layer | None
    params: tuple[Param, ...] = ()
    bias_free: bool = False  # the projection shortcut: the conv's bias is fixed at 0

    @property
    def label(self) -> str:
        """How the sheet names the stage: ``1``, ``3.2``, ``3s``."""
        return label_of(self.number)

    def stages(self) -> Iterator[Stage]:
        yield self


@dataclass(frozen=True)
class Block:
    """A residual block: z = post(F(x) + shortcut(x)), F the branch's stages.

    ``shortcut`` is ``identity`` or ``projection`` (a 1×1 convolution ``Ks``, no bias,
    strided when the branch shrinks the maps); ``post`` the optional activation after
    the sum, numbered as the block (its output is the block's output)."""

    number: str
    options: tuple[tuple[str, Any], ...]
    in_shape: tuple[int, ...]
    out_shape: tuple[int, ...]
    branch: tuple[Stage, ...]
    shortcut: str
    projection: Stage | None
    post: Stage | None

    kind = "residual"

    @property
    def label(self) -> str:
        return label_of(self.number)

    @property
    def sum_number(self) -> str:
        """Where the two paths add (``3_sum``, shown ``3+``); the block's output when
        there is no post-activation."""
        return f"{self.number}_sum" if self.post is not None else self.number

    @property
    def params(self) -> tuple[Param, ...]:
        out = [p for s in self.branch for p in s.params]
        if self.projection is not None:
            out += self.projection.params
        return tuple(out)

    def stages(self) -> Iterator[Stage]:
        yield from self.branch
        if self.projection is not None:
            yield self.projection
        if self.post is not None:
            yield self.post


Step = Stage | Block


@dataclass(frozen=True)
class Op:
    """One step of the network as a graph: a stage reading one node, or the sum of two
    nodes where a residual block's paths meet.  Nodes are named by the number of the
    stage that makes them (``0`` is x, ``s3`` the projection's output, ``3_sum`` a sum)."""

    stage: Stage | None  # None: the sum of ``inputs``
    inputs: tuple[str, ...]
    output: str


def label_of(number: str) -> str:
    """``3_2`` -> ``3.2``; ``s3`` -> ``3s``; ``3_sum`` -> ``3+``."""
    if number.startswith("s"):
        return number[1:] + "s"
    if number.endswith("_sum"):
        return number[: -len("_sum")] + "+"
    return number.replace("_", ".")


@dataclass(frozen=True, eq=False)
class Network:
    """A network read from a file: its input shape, stages, loss and the seed of the
    sample point that fixes the switches of its ReLUs and max poolings.

    Build one with :func:`symderiv.network`; ``derive()`` derives, proves and checks it.
    """

    name: str
    source: str
    input: tuple[int, ...]
    loss: LossSpec
    convention: str
    steps: tuple[Step, ...]
    document: Mapping[str, Any] = field(repr=False)
    seed: int = 0

    @property
    def output(self) -> tuple[int, ...]:
        """The network's output shape y, (N, features)."""
        return self.steps[-1].out_shape if self.steps else self.input

    def stages(self) -> Iterator[Stage]:
        """Every stage in forward order (a block's branch, projection, post-activation)."""
        for step in self.steps:
            yield from step.stages()

    def plan(self) -> tuple[Op, ...]:
        """The forward pass as a graph, in the order it runs; the backward pass runs it
        in reverse, adding the deltas that reach a node along several paths."""
        ops: list[Op] = []
        node = "0"
        for step in self.steps:
            if isinstance(step, Stage):
                ops.append(Op(step, (node,), step.number))
                node = step.number
                continue
            start, current = node, node
            for stage in step.branch:
                ops.append(Op(stage, (current,), stage.number))
                current = stage.number
            shortcut = start
            if step.projection is not None:
                ops.append(Op(step.projection, (start,), step.projection.number))
                shortcut = step.projection.number
            ops.append(Op(None, (current, shortcut), step.sum_number))
            if step.post is not None:
                ops.append(Op(step.post, (step.sum_number,), step.number))
            node = step.number
        return tuple(ops)

    @property
    def last(self) -> str:
        """The node that is the network's output y."""
        return self.steps[-1].number

    def parameters(self) -> tuple[Param, ...]:
        """Every parameter tensor, in forward order."""
        return tuple(p for s in self.stages() for p in s.params)

    @property
    def kind(self) -> str:
        return "network"

    def label(self) -> str:
        """The file stem of the sheets: ``network_tiny_lenet`` (``_seed3`` for seed 3)."""
        stem = "".join(ch if ch.isalnum() else "_" for ch in self.stem).strip("_") or "network"
        return f"network_{stem}" + (f"_seed{self.seed}" if self.seed else "")

    @property
    def stem(self) -> str:
        """The file's stem, or the name when the network came from a dict."""
        from pathlib import PurePath

        if self.source.endswith(".toml"):
            return PurePath(self.source).stem
        return self.name

    def command(self) -> str:
        """The command line that regenerates the sheets."""
        import shlex

        out = f"symderiv derive network {shlex.quote(self.source)}"
        return out + (f" --seed {self.seed}" if self.seed else "")

    def symbols(self) -> int:
        """Symbols made: x, t and every parameter element."""
        return prod(self.input) + prod(self.output) + sum(prod(p.shape) for p in self.parameters())

    def predicted_work(self) -> dict[str, int]:
        """The work of the derivation by stage, predicted at the sample point before any
        expression is built (see :mod:`.size`)."""
        from .size import predicted_work

        return predicted_work(self)

    def predicted_terms(self) -> int:
        """Everything the derivation builds and visits, predicted (see :mod:`.size`)."""
        return sum(self.predicted_work().values())

    def derive(self, *, max_terms: int = DEFAULT_MAX_TERMS, progress: bool = False) -> (
        NetworkDerivation
    ):
        """Derive the delta recursion and the end-to-end derivative of every parameter,
        prove them equal element by element, and cross-check them numerically.

        Refused with :class:`~symderiv.exceptions.SizeLimitError` before anything is
        built when the predicted work is above ``max_terms``."""
        from .derive import derive

        return derive(self, max_terms=max_terms, progress=progress)
