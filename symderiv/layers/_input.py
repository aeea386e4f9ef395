"""The ``input_activation`` option, checked without loading SymPy (a refused command
never waits for it); what an activated input does is :mod:`._activated`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from math import prod
from typing import TYPE_CHECKING, Any, ClassVar

from ..exceptions import SpecError, SpecTypeError

if TYPE_CHECKING:
    import numpy as np
    import sympy

    from ..core.layer import Claim
    from ..core.model import Element
    from ..core.symbols import Notation, SymbolTensor
    from ..formulas.bind import Scope
    from ..render.sheet import SheetView
    from ._activated import InputActivation

__all__ = ["INPUT_ACTIVATIONS", "InputActivated", "activation_text", "input_activation"]

INPUT_ACTIVATIONS = ("sigmoid", "tanh", "relu", "f")
"""The functions an activated input can have; ``f`` is left unspecified."""


def input_activation(value: object) -> str | None:
    """``value`` checked: None, or one of :data:`INPUT_ACTIVATIONS`."""
    if value is None:
        return None
    rule = "expected one of " + ", ".join(INPUT_ACTIVATIONS)
    if not isinstance(value, str):
        raise SpecTypeError(
            f"input_activation {value!r}: {rule}", field="input_activation", rule=rule
        )
    if value not in INPUT_ACTIVATIONS:
        raise SpecError(f"input_activation {value!r}: {rule}", field="input_activation", rule=rule)
    return value


def activation_text(typed: Mapping[str, str]) -> str | None:
    """``--input-activation`` as typed (case-insensitive), checked; None when not given."""
    text = typed.get("--input-activation")
    if text is None:
        return None
    name = text.strip().lower()
    if name not in INPUT_ACTIVATIONS:
        raise SpecError(
            f"--input-activation {text!r}: expected one of " + ", ".join(INPUT_ACTIVATIONS)
        )
    return name


class InputActivated:
    """The parts of the layer protocol an activated input changes, for the kinds whose
    input can be an activation (mixed in before :class:`~symderiv.core.layer.Layer`).
    The layer declares the field ``input_activation`` (None: a plain input) and calls
    the ``_with_z...`` helpers from its own methods; everything heavy is imported only
    when the option is given."""

    input_activation: str | None
    #: The letter of the tensor that is the activation (a loss's prediction is ``y``).
    activated_letter: ClassVar[str] = "A"

    if TYPE_CHECKING:  # provided by the layer

        def tensors(self) -> dict[str, tuple[str, tuple[int, ...]]]: ...

        def wrt(self) -> tuple[str, ...]: ...

    @property
    def activated(self) -> InputActivation | None:
        """The activated input A = f(z), when ``input_activation`` is given."""
        if self.input_activation is None:
            return None
        from ._activated import InputActivation

        return InputActivation(self.input_activation, self.activated_letter)

    def _input_shape(self) -> tuple[int, ...]:
        return self.tensors()[self.activated_letter][1]

    def input_stage(
        self, tensors: Mapping[str, SymbolTensor]
    ) -> tuple[str, tuple[Element, ...]] | None:
        """The elements A[i] = f(z[i]) of an activated input (else None)."""
        act = self.activated
        return None if act is None else act.stage(tensors)

    def condition(self) -> tuple[str, tuple[tuple[sympy.Symbol, sympy.Expr], ...]] | None:
        """A = f(z) for an activated input (else None)."""
        act = self.activated
        return None if act is None else act.condition(self._input_shape())

    def stand_ins(self) -> dict[str, sympy.Lambda]:
        """f = sin for the numeric check of an unspecified activated input."""
        act = self.activated
        return {} if act is None else act.stand_ins()

    # ---- helpers the layer's own methods call ------------------------------
    def _with_z(
        self, tensors: dict[str, tuple[str, tuple[int, ...]]]
    ) -> dict[str, tuple[str, tuple[int, ...]]]:
        act = self.activated
        return tensors if act is None else act.tensors(tensors)

    def _with_z_wrt(self, wrt: tuple[str, ...]) -> tuple[str, ...]:
        return wrt if self.input_activation is None else (*wrt, "z")

    def _with_z_label(self, label: str) -> str:
        return label if self.input_activation is None else f"{label}_input_{self.input_activation}"

    def _with_z_describe(self, block: dict[str, Any]) -> dict[str, Any]:
        if self.input_activation is None:
            return block
        return {**block, "input_activation": self.input_activation}

    def _with_z_notation(self, notation: Notation) -> Notation:
        act = self.activated
        return notation if act is None else act.notation(notation)

    def _with_z_claims(self, claims: tuple[Claim, ...]) -> tuple[Claim, ...]:
        act = self.activated
        return claims if act is None else claims + act.claims(claims)

    def _with_z_values(self, values: dict[str, np.ndarray], seed: int) -> dict[str, np.ndarray]:
        act = self.activated
        return values if act is None else act.random_values(values, seed)

    def _with_z_reference(
        self, expected: dict[str, np.ndarray], arrays: Mapping[str, np.ndarray]
    ) -> dict[str, np.ndarray]:
        act = self.activated
        return expected if act is None else act.reference(expected, arrays)

    def _with_z_scope(self, scope: Scope, shape: tuple[int, ...], name: str = "A") -> Scope:
        act = self.activated
        return scope if act is None else act.scope(scope, shape, name)

    def _with_z_work(self, work: dict[str, int], gradients: int) -> dict[str, int]:
        """The predicted work by stage with what z adds (``gradients``: the plain layer's
        gradient elements)."""
        act = self.activated
        if act is None:
            return work
        elements = prod(self._input_shape())
        return act.more_work(work, elements, len(self.wrt()), gradients)

    def _with_z_sheet(
        self, view: SheetView, build: Callable[[Any, SheetView], dict[str, Any]]
    ) -> dict[str, Any]:
        if self.input_activation is None:
            return build(self, view)
        from ._activated import sheet

        return sheet(self, view, build)  # type: ignore[arg-type]
