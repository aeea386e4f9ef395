"""Element-wise activations: sigmoid, tanh, relu, leaky_relu, identity, and an
unspecified f.  Z = f(A) on any shape, ∂E/∂A = D ∘ f′(A).

Tensors in PyTorch's layout: the input ``A`` (N, C, *input), its output ``Z``
and the delta ``D = dE/dZ`` of the same shape.  The forward pass is built from
SymPy's own functions (σ(a) = 1/(1 + exp(−a)), tanh, and ReLU as
``Piecewise((a, a > 0), (α·a, True))``, so f′(0) = α, 0 for ReLU, as in
PyTorch), SymPy differentiates it, and the derivative in the form the notes use
(σ′ = σ(1 − σ), tanh′ = 1 − tanh²) is built independently, as a ``Lambda``
applied element by element, and proved equal to SymPy's.  The unspecified f
keeps f′ symbolic; its numeric check alone uses a stand-in, f = sin.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import product
from math import prod
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy

from ..core.layer import Claim, Layer
from ..core.model import Element, Term
from ..core.symbols import Notation, SymbolTensor
from ..formulas.nodes import Apply, Formula, Hadamard, Var
from ._checks import (
    count,
    count_text,
    decimal_text,
    fail,
    number,
    number_text,
    quoting,
    sizes,
    sizes_text,
)

if TYPE_CHECKING:
    from ..core.model import GradientElement
    from ..formulas.bind import Scope
    from ..render.sheet import SheetView

__all__ = [
    "ACTIVATIONS",
    "ActivationSpec",
    "activation",
    "from_options",
    "identity",
    "leaky_relu",
    "options",
    "relu",
    "sigmoid",
    "tanh",
]

_a = sympy.Symbol("a", real=True)  # the argument of the scalar functions
_F = sympy.Symbol("F")  # stands for f(a) in the notes' forms of f′
_f = sympy.Function("f")  # the unspecified activation
_ONE = sympy.Integer(1)
NOTES = "the notes"
DEFAULT_SLOPE = sympy.Rational(1, 100)  # PyTorch's negative_slope


@dataclass(frozen=True)
class Mistake:
    """A known wrong formula for ∂E/∂A: what it claims, as text, and how to build it."""

    stated_in: str
    heading: str
    build: Callable[[sympy.Rational], Formula]


@dataclass(frozen=True)
class Function:
    """One activation: its names, its forward expression in SymPy's own functions,
    the notes' form of its derivative (in ``a`` and ``F`` = f(a)), and a known mistake."""

    kind: str
    text: str  # the name in formula text
    tex: str  # the name in LaTeX
    pytorch: str
    summary: str
    forward: Callable[[sympy.Expr, sympy.Rational], sympy.Expr]
    form: Callable[[sympy.Rational], sympy.Expr]
    mistake: Mistake
    reference: Callable[[float, float], tuple[float, float]] = field(repr=False)
    words: str = ""


def _sigma(x: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-x))


def _relu_forward(x: sympy.Expr, slope: sympy.Rational) -> sympy.Expr:
    return sympy.Piecewise((x, x > 0), (slope * x, True))


def _step(slope: sympy.Rational) -> sympy.Expr:
    return sympy.Piecewise((_ONE, _a > 0), (slope, True))


def _apply(
    text: str, tex: str, body: sympy.Expr, forward: Callable[[sympy.Expr], sympy.Expr]
) -> Apply:
    """A formula node applying ``body`` (in a and F = f(a)) element by element to A."""
    return Apply(text, tex, sympy.Lambda(_a, body.subs(_F, forward(_a))), Var("A"))


def _sigmoid_ref(a: float, slope: float) -> tuple[float, float]:
    s = 1.0 / (1.0 + math.exp(-a))
    return s, s * (1.0 - s)


def _tanh_ref(a: float, slope: float) -> tuple[float, float]:
    t = math.tanh(a)
    return t, 1.0 - t * t


def _relu_ref(a: float, slope: float) -> tuple[float, float]:
    return (a, 1.0) if a > 0 else (slope * a, slope)


def _identity_ref(a: float, slope: float) -> tuple[float, float]:
    return a, 1.0


def _unspecified_ref(a: float, slope: float) -> tuple[float, float]:
    return math.sin(a), math.cos(a)  # the stand-in f = sin (see ActivationSpec.stand_ins)


ACTIVATIONS: dict[str, Function] = {
    fn.kind: fn
    for fn in (
        Function(
            kind="sigmoid",
            text="sigmoid",
            tex=r"\sigma",
            pytorch="torch.sigmoid",
            summary="logistic sigmoid, element by element (default: 3x3 input)",
            forward=lambda x, s: _sigma(x),
            form=lambda s: _F * (1 - _F),
            mistake=Mistake(
                "sigma' = sigma: the function in place of its derivative",
                r"A known mistake: $\sigma' = \sigma$, the function in place of its derivative.",
                lambda s: Hadamard(Var("D"), _apply("sigmoid", r"\sigma", _F, _sigma)),
            ),
            reference=_sigmoid_ref,
            words="The logistic sigmoid",
        ),
        Function(
            kind="tanh",
            text="tanh",
            tex=r"\tanh",
            pytorch="torch.tanh",
            summary="hyperbolic tangent, element by element (default: 3x3 input)",
            forward=lambda x, s: sympy.tanh(x),
            form=lambda s: 1 - _F**2,
            mistake=Mistake(
                "tanh' = 1 - tanh: the square forgotten",
                r"A known mistake: $\tanh' = 1 - \tanh$, the square forgotten.",
                lambda s: Hadamard(
                    Var("D"), _apply("(1 - tanh)", r"\left(1 - \tanh\right)", 1 - _F, sympy.tanh)
                ),
            ),
            reference=_tanh_ref,
            words="The hyperbolic tangent",
        ),
        Function(
            kind="relu",
            text="relu",
            tex=r"\operatorname{relu}",
            pytorch="torch.relu",
            summary="rectified linear unit, element by element (default: 3x3 input)",
            forward=lambda x, s: _relu_forward(x, sympy.Integer(0)),
            form=lambda s: _step(sympy.Integer(0)),
            mistake=Mistake(
                "f' = 1: the delta passed back ungated",
                r"A known mistake: $\partial E/\partial A = D$, the delta passed back ungated "
                r"(as if $\operatorname{relu}' = 1$).",
                lambda s: Var("D"),
            ),
            reference=_relu_ref,
            words="The rectified linear unit",
        ),
        Function(
            kind="leaky_relu",
            text="leaky_relu",
            tex=r"\operatorname{lrelu}",
            pytorch="torch.nn.functional.leaky_relu",
            summary="leaky ReLU with negative slope --slope (default 0.01; 3x3 input)",
            forward=_relu_forward,
            form=_step,
            mistake=Mistake(
                "relu': the negative slope forgotten",
                r"A known mistake: the ReLU's derivative, the negative slope $\alpha$ forgotten.",
                lambda s: Hadamard(
                    Var("D"),
                    Apply(
                        "relu'",
                        r"\operatorname{relu}'",
                        sympy.Lambda(_a, _step(sympy.Integer(0))),
                        Var("A"),
                    ),
                ),
            ),
            reference=_relu_ref,
            words="The leaky rectified linear unit",
        ),
        Function(
            kind="identity",
            text="id",
            tex=r"\operatorname{id}",
            pytorch="torch.nn.Identity",
            summary="the identity (a linear output layer; default: 3x3 input)",
            forward=lambda x, s: x,
            form=lambda s: _ONE,
            mistake=Mistake(
                "f' = f: the function in place of its derivative",
                r"A known mistake: $\operatorname{id}' = \operatorname{id}$, the function in "
                r"place of its derivative.",
                lambda s: Hadamard(Var("D"), Var("A")),
            ),
            reference=_identity_ref,
            words="The identity",
        ),
        Function(
            kind="activation",
            text="f",
            tex="f",
            pytorch="any differentiable element-wise function",
            summary="an unspecified activation f, f' kept symbolic (default: 3x3 input)",
            forward=lambda x, s: _f(x),
            form=lambda s: sympy.Derivative(_f(_a), _a),
            mistake=Mistake(
                "f' forgotten",
                r"A known mistake: $\partial E/\partial A = D$, the factor $f'(A)$ forgotten.",
                lambda s: Var("D"),
            ),
            reference=_unspecified_ref,
            words="An unspecified differentiable function $f$",
        ),
    )
}
"""Every activation kind, by its command-line name."""


@dataclass(frozen=True)
class ActivationSpec(Layer):
    """An element-wise activation Z = f(A) of one of the :data:`ACTIVATIONS`.

    Build one with :func:`sigmoid`, :func:`tanh`, :func:`relu`,
    :func:`leaky_relu`, :func:`identity` or :func:`activation`; every field is
    checked on construction.  ``negative_slope`` (an exact rational) belongs to
    ``leaky_relu`` alone.
    """

    function: str
    input: tuple[int, ...] = (3, 3)
    in_channels: int = 1
    batch: int = 1
    negative_slope: sympy.Rational | None = None

    def __post_init__(self) -> None:
        if self.function not in ACTIVATIONS:
            raise fail("function", self.function, f"expected one of {', '.join(ACTIVATIONS)}")
        object.__setattr__(self, "input", sizes(self.input, "input"))
        count(self.in_channels, "in_channels")
        count(self.batch, "batch")
        if self.function == "leaky_relu":
            slope = DEFAULT_SLOPE if self.negative_slope is None else self.negative_slope
            object.__setattr__(self, "negative_slope", number(slope, "negative_slope"))
        elif self.negative_slope is not None:
            raise fail(
                "negative_slope", self.negative_slope, f"only leaky_relu has one, not {self.kind}"
            )

    @property
    def fn(self) -> Function:
        return ACTIVATIONS[self.function]

    @property
    def slope(self) -> sympy.Rational:
        """α of leaky_relu (0 for relu and every other kind, where it is unused)."""
        return sympy.Integer(0) if self.negative_slope is None else self.negative_slope

    def _f(self, x: sympy.Expr) -> sympy.Expr:
        return self.fn.forward(x, self.slope)

    # ---- the layer protocol ---------------------------------------------
    @property
    def kind(self) -> str:
        return self.function

    def label(self) -> str:
        """``sigmoid_3x3``, ``leaky_relu_2x2_c2_n4_slope0p01``."""
        parts = [self.kind, "x".join(map(str, self.input))]
        if self.in_channels > 1:
            parts.append(f"c{self.in_channels}")
        if self.batch > 1:
            parts.append(f"n{self.batch}")
        if self.negative_slope is not None:
            # no dot in a file stem (Path.with_suffix would cut it): 0.01 -> 0p01, -2.5 -> m2p5
            text = decimal_text(self.negative_slope)
            parts.append("slope" + text.replace("-", "m").replace(".", "p").replace("/", "_"))
        return "_".join(parts)

    def describe(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        if self.negative_slope is not None:
            out["negative_slope"] = decimal_text(self.negative_slope)
        if self.function == "activation":
            out["function"] = "f"
            out["numeric_stand_in"] = "sin"
        return out

    @property
    def shape(self) -> tuple[int, ...]:
        return (self.batch, self.in_channels, *self.input)

    def tensors(self) -> dict[str, tuple[str, tuple[int, ...]]]:
        return {"A": ("input", self.shape), "D": ("delta", self.shape)}

    def wrt(self) -> tuple[str, ...]:
        return ("A",)

    def notation(self) -> Notation:
        spatial = len(self.input)
        shapes = {"A": self.shape, "D": self.shape, "Z": self.shape}
        return Notation.for_shapes(shapes, dict.fromkeys(shapes, spatial))

    def predicted_terms(self) -> int:
        """One forward and one gradient expression per element; each of the two claims
        builds f′ and a product per element; one symbol each in A and D."""
        elements = prod(self.shape)
        return elements * (1 + 1 + 2 * 2 + 2)

    def forward(self, tensors: Mapping[str, SymbolTensor]) -> tuple[Element, ...]:
        A = tensors["A"]
        out = []
        for index, a in zip(A.indices(), A.elements, strict=True):
            if self.function == "identity":
                out.append(Element("Z", index, (Term(_ONE, (a,)),), a))
            else:
                out.append(Element("Z", index, (), self._f(a), polynomial=False))
        return tuple(out)

    def derivative_formula(self) -> Apply:
        """f′ in the notes' form, as a function applied element by element to A."""
        fn = self.fn
        return _apply(fn.text + "'", fn.tex + "'", fn.form(self.slope), self._f)

    def claims(self) -> tuple[Claim, ...]:
        wrong = self.fn.mistake
        if self.function == "leaky_relu" and self.slope == 0:
            wrong = ACTIVATIONS["relu"].mistake  # relu' is this layer's own derivative
        return (
            Claim("A", Hadamard(Var("D"), self.derivative_formula()), NOTES),
            Claim("A", wrong.build(self.slope), wrong.stated_in, expected=False),
        )

    def evaluate(
        self, claim: Claim, tensors: Mapping[str, SymbolTensor]
    ) -> dict[tuple[int, ...], sympy.Expr]:
        """Element-wise formulas on the whole tensor at once."""
        value = claim.formula.evaluate({"A": tensors["A"].array(), "D": tensors["D"].array()})
        if value.shape != self.shape:
            raise ValueError(
                f"The formula gives a {value.shape} tensor, the gradient is {self.shape}"
            )
        return {index: value[index] for index in np.ndindex(self.shape)}

    def scope(self, of: str) -> Scope:
        """The whole tensors (an element-wise formula needs no map pair): A, also called
        z or u (the activation's argument, the notes' pre-activation), and D; the function
        by its own name, f, or sigma, with its derivative (``delta .* sigma'(z)``)."""
        from ..formulas.bind import Scope

        fn = self.fn
        function = sympy.Lambda(_a, self._f(_a))
        derivative = self.derivative_formula().fn
        own = () if self.function == "activation" else (self.function,)
        names = dict.fromkeys(("f", "sigma", fn.text, *own))
        return Scope(
            maps={"A": self.shape, "D": self.shape},
            target=self.shape,
            of=of,
            functions=dict.fromkeys(names, (fn.tex, function, derivative)),
            aliases={"z": "A", "u": "A", "x": "A", "delta": "D", "d": "D"},
            hint=f"z = u = x = A, delta = δ = D; {fn.text}(z), {fn.text}'(z)",
        )

    def random_values(self, seed: int) -> dict[str, np.ndarray]:
        """A uniform in [-2, 2) (both sides of a ReLU's kink), D uniform in [-1, 1)."""
        rng = np.random.default_rng(seed)
        return {"A": rng.uniform(-2.0, 2.0, self.shape), "D": rng.uniform(-1.0, 1.0, self.shape)}

    def stand_ins(self) -> dict[str, sympy.Lambda]:
        """The unspecified f is sin in the numeric check (and only there)."""
        x = sympy.Dummy("x")
        return {"f": sympy.Lambda(x, sympy.sin(x))} if self.function == "activation" else {}

    def reference(self, arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """f and f′ of every element with Python's math, the textbook derivatives."""
        A, D = arrays["A"], arrays["D"]
        Z, dA = np.zeros(self.shape), np.zeros(self.shape)
        slope = float(self.slope)
        for index in product(*(range(n) for n in self.shape)):
            value, derivative = self.fn.reference(float(A[index]), slope)
            Z[index] = value
            dA[index] = D[index] * derivative
        return {"Z": Z, "A": dA}

    def exhibits(
        self, tensors: Mapping[str, SymbolTensor], gradients: tuple[GradientElement, ...]
    ) -> dict[str, Any]:
        """SymPy's derivative of the scalar function, for the sheet."""
        return {"sympy_derivative": sympy.diff(self._f(_a), _a)}

    def sheet(self, view: SheetView) -> dict[str, Any]:
        from .activation_sheet import activation_sheet

        return activation_sheet(self, view)


Size = int | tuple[int, ...]


def sigmoid(input: Size = (3, 3), in_channels: int = 1, batch: int = 1) -> ActivationSpec:
    """The logistic sigmoid σ(a) = 1/(1 + e^(−a)), element by element (``torch.sigmoid``)."""
    return ActivationSpec("sigmoid", input, in_channels, batch)  # type: ignore[arg-type]


def tanh(input: Size = (3, 3), in_channels: int = 1, batch: int = 1) -> ActivationSpec:
    """The hyperbolic tangent, element by element (``torch.tanh``)."""
    return ActivationSpec("tanh", input, in_channels, batch)  # type: ignore[arg-type]


def relu(input: Size = (3, 3), in_channels: int = 1, batch: int = 1) -> ActivationSpec:
    """max(0, a) element by element, with PyTorch's relu′(0) = 0 (``torch.relu``)."""
    return ActivationSpec("relu", input, in_channels, batch)  # type: ignore[arg-type]


def leaky_relu(
    input: Size = (3, 3),
    in_channels: int = 1,
    batch: int = 1,
    negative_slope: object = 0.01,
) -> ActivationSpec:
    """a for a > 0, else α·a (``F.leaky_relu``); ``negative_slope`` α is kept exact
    (0.01 is 1/100; also a Fraction, a SymPy Rational or a text such as ``"1/3"``)."""
    return ActivationSpec(
        "leaky_relu",
        input,  # type: ignore[arg-type]
        in_channels,
        batch,
        number(negative_slope, "negative_slope"),
    )


def identity(input: Size = (3, 3), in_channels: int = 1, batch: int = 1) -> ActivationSpec:
    """The identity, a linear output (``torch.nn.Identity``)."""
    return ActivationSpec("identity", input, in_channels, batch)  # type: ignore[arg-type]


def activation(input: Size = (3, 3), in_channels: int = 1, batch: int = 1) -> ActivationSpec:
    """An unspecified differentiable f, element by element: ∂E/∂A = D ∘ f′(A) with f′
    kept symbolic (the numeric check alone uses f = sin)."""
    return ActivationSpec("activation", input, in_channels, batch)  # type: ignore[arg-type]


def options(kind: str) -> tuple[str, ...]:
    """The command-line options of an activation kind."""
    base = ("--input", "--in-channels", "--batch")
    return (*base, "--slope") if kind == "leaky_relu" else base


def from_options(kind: str, typed: Mapping[str, str]) -> ActivationSpec:
    """An activation from the options as typed on the command line (only those given)."""
    shown = {
        "input": ("--input", typed.get("--input", "3x3")),
        "in_channels": ("--in-channels", typed.get("--in-channels", "1")),
        "batch": ("--batch", typed.get("--batch", "1")),
        "negative_slope": ("--slope", typed.get("--slope", "0.01")),
    }
    return quoting(
        shown,
        lambda: ActivationSpec(
            kind,
            sizes_text(shown["input"][1], "--input"),
            count_text(shown["in_channels"][1], "--in-channels"),
            count_text(shown["batch"][1], "--batch"),
            number_text(shown["negative_slope"][1], "--slope") if kind == "leaky_relu" else None,
        ),
    )
