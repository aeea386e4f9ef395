"""A network's derivation as data: what each stage computed, how each parameter gradient
was decided, and the numeric agreement.  The renderers only read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..render.options import RenderOptions
    from .backward import Backward
    from .forward import Forward
    from .prove import Verdict
    from .spec import Network
    from .values import Sample

__all__ = ["NetworkDerivation", "Numeric", "ParamCheck", "delta_name"]


def delta_name(node: str) -> str:
    """The JSON name of a node's delta: ``delta1``, ``delta3_2``, ``delta3_sum``,
    ``delta_s3`` (the projection shortcut's output), ``delta0`` (dE/dx)."""
    return f"delta{node}" if node[0].isdigit() else f"delta_{node}"


@dataclass(frozen=True)
class ParamCheck:
    """Every element of one parameter's gradient, the delta route against the end-to-end
    derivative: how many were proved, refuted or left undecided, how (``expand``: equal
    canonical forms), the first element that was not proved, and the size of the
    end-to-end expressions (nodes of SymPy's expression tree, least and most)."""

    name: str
    checked: int
    proved: int
    refuted: int
    undecided: int
    decided_by: str
    first_open: tuple[int, ...] | None
    terms: tuple[int, int]

    @property
    def holds(self) -> bool:
        return self.proved == self.checked and self.checked > 0


@dataclass(frozen=True)
class Numeric:
    """The largest |derived − reference| / max(1, |reference|) at the sample point: the
    loss, every node's delta, and every parameter's gradient by both routes."""

    seed: int
    tolerance: float
    loss: float
    deltas: tuple[tuple[str, float], ...]
    gradients: tuple[tuple[str, float, float], ...]  # (name, delta route, end to end)

    @property
    def passed(self) -> bool:
        errors = [self.loss, *(e for _, e in self.deltas)]
        errors += [e for _, a, b in self.gradients for e in (a, b)]
        return all(e <= self.tolerance for e in errors)


@dataclass(frozen=True, eq=False, repr=False)
class NetworkDerivation:
    """Everything derived, proved and checked about one network."""

    network: Network
    sample: Sample
    forward: Forward
    backward: Backward
    end_to_end: dict[str, np.ndarray]
    verdicts: dict[str, tuple[Verdict, ...]]
    checks: tuple[ParamCheck, ...]
    numeric: Numeric
    times: dict[str, float] = field(default_factory=dict)

    @property
    def verified(self) -> bool:
        """Every parameter gradient element proved equal by the two routes, and the
        numbers agree with the reference."""
        return all(c.holds for c in self.checks) and self.numeric.passed

    def check(self, name: str) -> ParamCheck:
        for c in self.checks:
            if c.name == name:
                return c
        raise KeyError(name)

    def __repr__(self) -> str:
        verdict = "verified" if self.verified else "NOT verified"
        total = sum(c.checked for c in self.checks)
        return f"<NetworkDerivation {self.network.label()}: {verdict}, {total} gradient elements>"

    def __str__(self) -> str:
        from .render import summary

        return summary(self)

    def to_latex(self, options: RenderOptions | None = None) -> str:
        """The standalone LaTeX sheet."""
        from .render import render_tex

        return render_tex(self, options)

    def to_markdown(self, options: RenderOptions | None = None) -> str:
        """The GitHub Markdown sheet."""
        from .render import render_md

        return render_md(self, options)

    def to_json(self) -> str:
        """The ``symderiv/1`` JSON document (``layer.kind`` is ``network``)."""
        from .render import render_json

        return render_json(self)
