"""The layer protocol: what the pipeline needs from every kind of layer.

A layer is a frozen description (its sizes and options, checked on
construction) that knows how to build its own forward pass and closed forms,
and how to compute its gradients independently with numpy.  The pipeline
(:mod:`symderiv.core.pipeline`) does the rest the same way for every kind:
symbols, the chain rule, the exact proofs, the numeric cross-check.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import sympy

    from ..formulas.bind import Scope
    from ..formulas.nodes import Formula
    from .model import Derivation, Element, GradientElement
    from .symbols import Notation, SymbolTensor

__all__ = ["DEFAULT_MAX_TERMS", "Claim", "Layer"]

DEFAULT_MAX_TERMS = 3_000_000


@dataclass(frozen=True)
class Claim:
    """A closed form claimed to give the gradient of ``of``.

    ``stated_in`` names where the formula belongs (a convention, ``both``, or
    for a formula that is a known mistake, what the mistake is); ``expected``
    says whether the layer's verdict needs it to hold.  A formula that is not
    expected to hold is reported with its first failing element, never hidden.
    """

    of: str
    formula: Formula
    stated_in: str
    expected: bool = True
    #: A side condition as substitutions (``t[0,2] -> 1 - t[0,0] - t[0,1]`` for
    #: sum_c t = 1), applied to both the derived element and the closed form
    #: before they are compared; empty when the claim holds unconditionally.
    given: tuple[tuple[sympy.Symbol, sympy.Expr], ...] = ()


class Layer(ABC):
    """One kind of layer, described by its sizes and options.

    Subclasses are frozen dataclasses; every field is checked on construction
    and a :class:`~symderiv.exceptions.SpecError` names the rule that is broken.
    """

    #: The letter whose elements the chain rule multiplies by (``D`` = dE/dZ);
    #: ``None`` for a loss, whose single forward element is E itself.
    delta: str | None = "D"

    @property
    @abstractmethod
    def kind(self) -> str:
        """The command-line name of the layer kind, e.g. ``conv2d``."""

    @abstractmethod
    def label(self) -> str:
        """A file-name stem naming the layer, e.g. ``conv2d_4x4_k2x2_correlation``."""

    @abstractmethod
    def describe(self) -> dict[str, Any]:
        """The ``layer`` block of the JSON document."""

    @abstractmethod
    def tensors(self) -> dict[str, tuple[str, tuple[int, ...]]]:
        """Every symbolic tensor, in sheet order: letter -> (role, PyTorch-layout shape)."""

    @abstractmethod
    def wrt(self) -> tuple[str, ...]:
        """The letters whose gradient is derived, in sheet order."""

    @abstractmethod
    def predicted_terms(self) -> int:
        """The work the whole derivation does, predicted from the sizes without building
        anything: symbols made (one per tensor element), terms built by the forward pass,
        the chain rule and the closed forms, array cells filled and products visited by
        the operators, and what the sheets render.  It must never be below the steps
        :mod:`symderiv.core.work` counts when the derivation runs (the size limit
        ``max_terms`` is compared with it)."""

    @abstractmethod
    def forward(self, tensors: Mapping[str, SymbolTensor]) -> tuple[Element, ...]:
        """Every output element as an expression (a loss: the one element E)."""

    @abstractmethod
    def claims(self) -> tuple[Claim, ...]:
        """The closed forms to prove (and the known mistakes to refute)."""

    @abstractmethod
    def evaluate(
        self, claim: Claim, tensors: Mapping[str, SymbolTensor]
    ) -> dict[tuple[int, ...], sympy.Expr]:
        """The claim's value at every element of ``claim.of``, keyed by full index.

        The layer owns its batch, channel and group sums.  Raises ``ValueError``
        when the formula's maps do not have the gradient's shape."""

    @abstractmethod
    def random_values(self, seed: int) -> dict[str, np.ndarray]:
        """Random float64 values for every tensor (reproducible from ``seed``)."""

    @abstractmethod
    def reference(self, arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The forward output and every gradient of :meth:`wrt`, computed with plain
        numpy loops that share no code with the symbolic pipeline."""

    def notation(self) -> Notation:
        """How this layer's element indices are shown (by default: every axis of size
        one hidden, the trailing spatial axes as a subscript)."""
        from .symbols import Notation

        return Notation.for_shapes({k: v[1] for k, v in self.tensors().items()}, 0)

    def exhibits(
        self,
        tensors: Mapping[str, SymbolTensor],
        gradients: tuple[GradientElement, ...],
    ) -> dict[str, Any]:
        """Extra records the sheet shows beside the elements (regroupings, switches, …)."""
        return {}

    def stand_ins(self) -> dict[str, sympy.Lambda]:
        """Concrete functions, by name, for the undefined functions of the forward pass
        (an unspecified activation f), used only where numbers are needed: the numeric
        check.  Proofs never use them; they hold for every f."""
        return {}

    def substitutions(self) -> dict[sympy.Symbol, sympy.Expr]:
        """Values given to auxiliary symbols after the chain rule (max pooling's switches)."""
        return {}

    @abstractmethod
    def sheet(self, view: Any) -> dict[str, Any]:
        """What the sheet shows for this layer: its title, command and sections, read
        through ``view`` (a :class:`~symderiv.render.sheet.SheetView`)."""

    def scope(self, of: str) -> Scope:
        """What a user's formula for dE/d``of`` may use: each map's name and shape
        (one map pair, as in the notes) and the gradient's shape per map."""
        from ..exceptions import SpecError

        raise SpecError(f"{self.kind}: checking formulas is not available for this kind yet")

    def input_stage(
        self, tensors: Mapping[str, SymbolTensor]
    ) -> tuple[str, tuple[Element, ...]] | None:
        """When the layer's input is an activation of a pre-activation (``A = f(z)``,
        element by element): the letter of z and the elements ``A[i] = f(z[i])``, from
        which the pipeline derives dE/dz by the chain rule through f, with the derived
        dE/dA as the gradient that reaches them.  None (the default): the input is the
        layer's own."""
        return None

    def condition(self) -> tuple[str, tuple[tuple[sympy.Symbol, sympy.Expr], ...]] | None:
        """What a user's formula is compared under, as a short text and substitutions
        applied to both sides (``A = σ(z)`` for an activated input, ``Σ_c t = 1`` for the
        cross-entropy); None (the default): nothing."""
        return None

    def json_extras(self, derivation: Derivation) -> dict[str, Any]:
        """Keys the JSON document adds for this kind (e.g. max pooling's values)."""
        return {}

    def derive(
        self,
        *,
        max_terms: int = DEFAULT_MAX_TERMS,
        progress: bool = False,
        claims: Sequence[tuple[str, str]] = (),
    ) -> Derivation:
        """Derive, prove and cross-check every gradient of this layer; ``claims`` are
        (of, formula) pairs of the user's own, shown on the sheet with their verdicts.

        ``max_terms`` (a positive int) bounds :meth:`predicted_terms`; a layer above it is
        refused with :class:`~symderiv.exceptions.SizeLimitError` before anything is built,
        and a ``max_terms`` that is not a positive int raises
        :class:`~symderiv.exceptions.SpecTypeError` or :class:`~symderiv.exceptions.SpecError`."""
        from .pipeline import derive

        return derive(self, max_terms=max_terms, progress=progress, claims=claims)
