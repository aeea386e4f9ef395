"""Losses: the notes' squared error and the softmax cross-entropy.

Tensors in PyTorch's layout: the prediction ``y`` and the target ``t``, both
(N, F).  A loss has no delta: its forward pass is the single element E, which
the chain rule differentiates directly.

    squared_error:          E = ½ Σ_n Σ_c (y[n,c] − t[n,c])²,           ∂E/∂y = y − t
    softmax_cross_entropy:  E = −Σ_n Σ_c t[n,c] · log softmax(y[n])_c,   ∂E/∂y = softmax(y) − t

with log softmax(y)_c = y_c − log Σ_k exp(y_k) (PyTorch's ``log_softmax``).  The
cross-entropy's gradient is softmax(y) − t only given the side condition
Σ_c t[n,c] = 1 for every sample (each target a probability distribution); the
proof substitutes t[n,F−1] = 1 − Σ_{c<F−1} t[n,c].  For any t it is
softmax(y)·Σ_c t[n,c] − t, which is proved too, without the condition.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy

from ..core.layer import Claim, Layer
from ..core.model import Element
from ..core.symbols import Notation, SymbolTensor, element_name, make_tensor
from ..formulas.nodes import Apply, Formula, Number, Scale, Sum, SumAll, Var
from ._checks import count, count_text, fail, quoting, sizes_text
from ._input import InputActivated, activation_text, input_activation

if TYPE_CHECKING:
    from ..core.model import GradientElement
    from ..formulas.bind import Scope
    from ..render.sheet import SheetView

__all__ = [
    "LOSSES",
    "LOSS_OPTIONS",
    "LossSpec",
    "from_options",
    "softmax_cross_entropy",
    "squared_error",
]

LOSSES = ("squared_error", "softmax_cross_entropy")
LOSS_OPTIONS = ("--input", "--batch")
"""The command-line options of every loss kind (squared_error: and --input-activation)."""

NOTES = "the notes"
GIVEN = "given sum_c t[n,c] = 1"
ANY_T = "any t"
NO_CONDITION = "without the side condition sum_c t[n,c] = 1"
SIGN = "sign flipped: t - y"
SIGN_CE = "sign flipped: t - softmax(y)"
NO_HALF = "the 1/2 of E forgotten: 2(y - t)"

_s = sympy.Dummy("s")
_EXP = Apply("exp", r"\exp", sympy.Lambda(_s, sympy.exp(_s)), Var("y"))
SOFTMAX: Formula = Scale(Apply("1/", "1/", sympy.Lambda(_s, 1 / _s), SumAll(_EXP, 1)), _EXP)
"""softmax(y) = exp(y) / sum(exp(y)), one sample's row, from formula nodes."""


@dataclass(frozen=True)
class LossSpec(InputActivated, Layer):
    """A loss E(y, t) over a batch of ``features``-long predictions and targets.

    Build one with :func:`squared_error` or :func:`softmax_cross_entropy`.
    """

    loss: str
    features: int = 3
    batch: int = 1
    input_activation: str | None = None

    delta = None  # E itself is the one forward element
    activated_letter = "y"  # an activated input: the prediction y = f(z)

    def __post_init__(self) -> None:
        if self.loss not in LOSSES:
            raise fail("loss", self.loss, f"expected one of {', '.join(LOSSES)}")
        object.__setattr__(self, "input_activation", input_activation(self.input_activation))
        if self.input_activation is not None and self.loss != "squared_error":
            raise fail(
                "input_activation",
                self.input_activation,
                "only squared_error takes an input activation (the cross-entropy's y is the "
                "softmax's own argument)",
            )
        count(self.features, "features")
        count(self.batch, "batch")
        if self.loss == "softmax_cross_entropy" and self.features < 2:
            raise fail(
                "features",
                self.features,
                "a softmax needs at least 2 features (over one it is the constant 1)",
            )

    @property
    def cross_entropy(self) -> bool:
        return self.loss == "softmax_cross_entropy"

    # ---- the layer protocol ---------------------------------------------
    @property
    def kind(self) -> str:
        return self.loss

    def label(self) -> str:
        """``squared_error_3``, ``softmax_cross_entropy_4_n2``."""
        label = f"{self.kind}_{self.features}" + (f"_n{self.batch}" if self.batch > 1 else "")
        return self._with_z_label(label)

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "features": self.features}
        if self.cross_entropy:
            out["side_condition"] = "sum_c t[n,c] = 1"
        return self._with_z_describe(out)

    @property
    def shape(self) -> tuple[int, int]:
        return (self.batch, self.features)

    def tensors(self) -> dict[str, tuple[str, tuple[int, ...]]]:
        return self._with_z({"y": ("prediction", self.shape), "t": ("target", self.shape)})

    def wrt(self) -> tuple[str, ...]:
        return self._with_z_wrt(("y",))

    def notation(self) -> Notation:
        notation = Notation.for_shapes({"y": self.shape, "t": self.shape}, {"y": 1, "t": 1})
        return self._with_z_notation(notation)

    def condition(self) -> tuple[str, tuple[tuple[sympy.Symbol, sympy.Expr], ...]] | None:
        """The cross-entropy's side condition Σ_c t = 1; an activated input's y = f(z)."""
        if not self.cross_entropy:
            return super().condition()
        t = [
            [sympy.Symbol(element_name("t", (n, c)), real=True) for c in range(self.features)]
            for n in range(self.batch)
        ]
        last = self.features - 1
        pairs = tuple((row[last], 1 - sympy.Add(*row[:last])) for row in t)
        return "sum_c t[n,c] = 1", pairs

    def predicted_terms(self) -> int:
        """E's parts (each log-sum-exp holds F exponentials), one gradient expression
        per element with up to F parts, and every claim's parts per element."""
        elements = self.batch * self.features
        if self.cross_entropy:
            forward = elements * (self.features + 2)
            gradients = elements * (self.features + 2)
            closed = 4 * elements * (2 * self.features + 4)
        else:
            forward = elements * 2
            gradients = elements * 2
            closed = 3 * elements * 3
        total = forward + gradients + closed + 2 * elements
        return sum(self._with_z_work({"plain layer": total}, elements).values())

    def forward(self, tensors: Mapping[str, SymbolTensor]) -> tuple[Element, ...]:
        """E as one element, in the notes' factored form (not expanded)."""
        y, t = tensors["y"], tensors["t"]
        parts = []
        for n in range(self.batch):
            if self.cross_entropy:
                lse = sympy.log(sympy.Add(*(sympy.exp(y[(n, k)]) for k in range(self.features))))
                parts += [-t[(n, c)] * (y[(n, c)] - lse) for c in range(self.features)]
            else:
                half = sympy.Rational(1, 2)
                parts += [half * (y[(n, c)] - t[(n, c)]) ** 2 for c in range(self.features)]
        return (Element("E", (), (), sympy.Add(*parts), polynomial=False),)

    def side_condition(self, t: SymbolTensor) -> tuple[tuple[sympy.Symbol, sympy.Expr], ...]:
        """Σ_c t[n,c] = 1 as substitutions: t[n,F−1] = 1 − Σ_{c<F−1} t[n,c]."""
        last = self.features - 1
        return tuple(
            (t[(n, last)], 1 - sympy.Add(*(t[(n, c)] for c in range(last))))
            for n in range(self.batch)
        )

    def claims(self) -> tuple[Claim, ...]:
        y, t = Var("y"), Var("t")
        if not self.cross_entropy:
            return self._with_z_claims((
                Claim("y", Sum(y, t, -1), NOTES),
                Claim("y", Sum(t, y, -1), SIGN, expected=False),
                Claim("y", Scale(Number(sympy.Integer(2)), Sum(y, t, -1)), NO_HALF, expected=False),
            ))
        given = self.side_condition(make_tensor("t", "target", self.shape))
        return (
            Claim("y", Sum(SOFTMAX, t, -1), GIVEN, given=given),
            Claim("y", Sum(Scale(SumAll(t, 1), SOFTMAX), t, -1), ANY_T),
            Claim("y", Sum(SOFTMAX, t, -1), NO_CONDITION, expected=False),
            Claim("y", Sum(t, SOFTMAX, -1), SIGN_CE, expected=False, given=given),
        )

    def evaluate(
        self, claim: Claim, tensors: Mapping[str, SymbolTensor]
    ) -> dict[tuple[int, ...], sympy.Expr]:
        """Per sample: y[n] and t[n] as rows."""
        y, t = tensors["y"].array(), tensors["t"].array()
        used = {node.name for node in claim.formula.walk() if isinstance(node, Var)}
        z = tensors["z"].array() if "z" in used else None  # an activated input's z
        out: dict[tuple[int, ...], sympy.Expr] = {}
        for n in range(self.batch):
            env = {"y": y[n], "t": t[n]}
            value = claim.formula.evaluate(env if z is None else {**env, "z": z[n]})
            if value.shape != (self.features,):
                raise ValueError(
                    f"The formula gives a {value.shape} row, the gradient is ({self.features},)"
                )
            for c in range(self.features):
                out[(n, c)] = value[c]
        return out

    def scope(self, of: str) -> Scope:
        """One sample's y and t as rows (``softmax(y) - t`` for the cross-entropy, checked
        given Σ_c t = 1; with an activated input, z and f(z) too)."""
        from ..formulas.bind import Scope

        shape = (self.features,)
        scope = Scope(maps={"y": shape, "t": shape}, target=shape, of=of, aliases={}, hint="y, t")
        return self._with_z_scope(scope, shape, "y")

    def random_values(self, seed: int) -> dict[str, np.ndarray]:
        """y uniform in [-2, 2); t uniform in [-1, 1) for the squared error, and for the
        cross-entropy a probability distribution per sample (uniform, normalised)."""
        rng = np.random.default_rng(seed)
        y = rng.uniform(-2.0, 2.0, self.shape)
        if not self.cross_entropy:
            values = {"y": y, "t": rng.uniform(-1.0, 1.0, self.shape)}
            return self._with_z_values(values, seed)
        raw = rng.uniform(0.1, 1.0, self.shape)
        return {"y": y, "t": raw / raw.sum(axis=1, keepdims=True)}

    def reference(self, arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The textbook loops: E and ∂E/∂y, for any t (no side condition assumed)."""
        y, t = arrays["y"], arrays["t"]
        E = 0.0
        dy = np.zeros(self.shape)
        for n in range(self.batch):
            if self.cross_entropy:
                top = max(y[n])
                total = sum(math.exp(v - top) for v in y[n])
                lse = top + math.log(total)
                p = [math.exp(v - lse) for v in y[n]]
                for c in range(self.features):
                    E -= t[n, c] * (y[n, c] - lse)
                    for k in range(self.features):  # d(-t_k log p_k)/dy_c
                        dy[n, c] += t[n, k] * (p[c] - (1.0 if k == c else 0.0))
            else:
                for c in range(self.features):
                    E += 0.5 * (y[n, c] - t[n, c]) ** 2
                    dy[n, c] = y[n, c] - t[n, c]
        return self._with_z_reference({"E": np.array(E), "y": dy}, arrays)

    def exhibits(
        self, tensors: Mapping[str, SymbolTensor], gradients: tuple[GradientElement, ...]
    ) -> dict[str, Any]:
        return {}

    def sheet(self, view: SheetView) -> dict[str, Any]:
        from .loss_sheet import loss_sheet

        return self._with_z_sheet(view, loss_sheet)


def squared_error(
    input: int = 3, batch: int = 1, input_activation: str | None = None
) -> LossSpec:
    """The notes' loss E = ½ Σ (y − t)² over ``batch`` samples of ``input`` features
    (PyTorch: ``F.mse_loss(y, t, reduction='sum') / 2``); ``input_activation``: the
    prediction is y = f(z), and dE/dz, the notes' δ^L = f′(u^L) ∘ (y − t), is derived too."""
    return LossSpec("squared_error", _features(input), batch, input_activation)


def softmax_cross_entropy(input: int = 3, batch: int = 1) -> LossSpec:
    """E = −Σ t · log softmax(y) over ``batch`` samples of ``input`` features, each target a
    probability distribution (PyTorch: ``F.cross_entropy(y, t, reduction='sum')``)."""
    return LossSpec("softmax_cross_entropy", _features(input), batch)


def _features(value: object) -> int:
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    if isinstance(value, str):
        return sizes_text(value, "input", 1)[0]
    return count(value, "input")


def from_options(kind: str, typed: Mapping[str, str]) -> LossSpec:
    """A loss from the options as typed on the command line (only those given)."""
    shown = {
        "features": ("--input", typed.get("--input", "3")),
        "batch": ("--batch", typed.get("--batch", "1")),
    }
    activated = activation_text(typed)
    return quoting(
        shown,
        lambda: LossSpec(
            kind,
            sizes_text(shown["features"][1], "--input", 1)[0],
            count_text(shown["batch"][1], "--batch"),
            activated,
        ),
    )
