"""An activated input: a layer whose input is an activation A = f(z) of a pre-activation z.

The notes write a layer's backward pass in the pre-activation: δ^l = ∂E/∂z^l with
a^l = σ(z^l), so "δ^l = δ^{l+1} * rot180(w) ∘ σ′(z^l)" is a statement about
∂E/∂z, not about the layer's own ∂E/∂A.  ``input_activation=`` (on the command
line ``--input-activation sigmoid|tanh|relu|f``) on the kinds whose input can be
an activation (the convolutions, mean pooling, subsampling, linear, the squared
error) makes the input A = f(z), element by element:

* z (same shape as A; Bouvrie's u) joins the tensors, and dE/dz joins the
  gradients, derived by the pipeline by the chain rule through f from the derived
  dE/dA (:meth:`Layer.input_stage`); f is SymPy's own function (σ(a) =
  1/(1 + exp(−a)), tanh, relu as a Piecewise) or an unspecified f;
* its closed form, the layer's own input-gradient form ∘ f′(z), and the known
  mistake without f′ join the claims;
* a formula may use z (alias u), f(z), f′(z) (spelled f, sigma/σ or the
  function's own name, with ' or ′), and compares with the derivation given
  A = f(z) (:meth:`Layer.condition`);
* the numeric check draws z and sets A = f(z); the reference multiplies its dE/dA
  by f′(z) computed with Python's math.

Without the option nothing of this exists, so every other sheet is unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy

from ..core.layer import Claim, Layer
from ..core.model import Element
from ..core.symbols import Notation, element_name
from ..formulas.nodes import Apply, Hadamard, Var

if TYPE_CHECKING:
    from ..core.model import ClosedFormCheck, GradientElement
    from ..core.symbols import SymbolTensor
    from ..formulas.bind import Scope
    from ..render.sheet import SheetView

__all__ = ["CHAIN", "MISSING", "PRE", "InputActivation", "sheet"]

PRE = "z"
"""The letter of the pre-activation (the notes' z^l, Bouvrie's u^l)."""

MISSING = "the factor f'(z) forgotten"
"""``stated_in`` of the known mistake: the layer's input gradient given for dE/dz."""

CHAIN = "the chain rule through f"
"""``stated_in`` of dE/dz's own closed form."""

_a = sympy.Symbol("a", real=True)
_f = sympy.Function("f")
_TEXT = {"sigmoid": "sigma", "tanh": "tanh", "relu": "relu", "f": "f"}
_TEX = {"sigmoid": r"\sigma", "tanh": r"\tanh", "relu": r"\operatorname{relu}", "f": "f"}
_WORDS = {
    "sigmoid": r"the logistic sigmoid $\sigma(a) = 1/(1 + e^{-a})$",
    "tanh": r"the hyperbolic tangent",
    "relu": r"the rectified linear unit $\operatorname{relu}(a) = \max(0, a)$",
    "f": r"an unspecified differentiable $f$",
}


def _sigma(x: sympy.Expr) -> sympy.Expr:
    return 1 / (1 + sympy.exp(-x))


def _relu(x: sympy.Expr) -> sympy.Expr:
    return sympy.Piecewise((x, x > 0), (0, True))


_FORWARD: dict[str, Callable[[sympy.Expr], sympy.Expr]] = {
    "sigmoid": _sigma,
    "tanh": sympy.tanh,
    "relu": _relu,
    "f": _f,
}

# f′ in the notes' form, built on its own (not by differentiating the forward pass):
# σ′ = σ(1 − σ), tanh′ = 1 − tanh², relu′ = [a > 0] (0 at 0, as PyTorch), f′ symbolic.
_DERIVATIVE: dict[str, sympy.Expr] = {
    "sigmoid": _sigma(_a) * (1 - _sigma(_a)),
    "tanh": 1 - sympy.tanh(_a) ** 2,
    "relu": sympy.Piecewise((1, _a > 0), (0, True)),
    "f": sympy.Derivative(_f(_a), _a),
}


def _reference(name: str, a: float) -> tuple[float, float]:
    """f(a) and f′(a) with Python's math, the textbook derivatives (f = sin stands in
    for the unspecified f)."""
    if name == "sigmoid":
        s = 1.0 / (1.0 + math.exp(-a))
        return s, s * (1.0 - s)
    if name == "tanh":
        t = math.tanh(a)
        return t, 1.0 - t * t
    if name == "relu":
        return (a, 1.0) if a > 0 else (0.0, 0.0)
    return math.sin(a), math.cos(a)


@dataclass(frozen=True)
class InputActivation:
    """One layer's activated input: the function ``name`` and the letter of the input
    it produces (``A``, or ``y`` for a loss)."""

    name: str
    input: str = "A"

    @property
    def text(self) -> str:
        """The function's name in formula text: ``sigma``, ``tanh``, ``relu``, ``f``."""
        return _TEXT[self.name]

    @property
    def tex(self) -> str:
        return _TEX[self.name]

    def apply(self, x: sympy.Expr) -> sympy.Expr:
        """f(x) in SymPy's own functions."""
        return _FORWARD[self.name](x)

    def function(self) -> sympy.Lambda:
        return sympy.Lambda(_a, self.apply(_a))

    def derivative(self) -> sympy.Lambda:
        """f′ in the notes' form, as a function of one argument."""
        return sympy.Lambda(_a, _DERIVATIVE[self.name])

    def prime(self, arg: str = PRE) -> Apply:
        """f′ applied element by element to ``arg``, as a formula node."""
        return Apply(f"{self.text}'", self.tex + "'", self.derivative(), Var(arg))

    def names(self) -> tuple[str, ...]:
        """The names a formula may call the function by."""
        return tuple(dict.fromkeys(("f", "sigma", self.text, self.name)))

    def functions(self) -> dict[str, tuple[str, sympy.Lambda, sympy.Lambda]]:
        """The :class:`~symderiv.formulas.bind.Scope` functions: name -> (LaTeX name,
        f, f′)."""
        return {n: (self.tex, self.function(), self.derivative()) for n in self.names()}

    # ---- the layer protocol's parts ------------------------------------
    def stage(self, tensors: Mapping[str, SymbolTensor]) -> tuple[str, tuple[Element, ...]]:
        """The elements ``A[i] = f(z[i])`` (see :meth:`Layer.input_stage`)."""
        z = tensors[PRE]
        return PRE, tuple(
            Element(self.input, index, (), self.apply(zi), polynomial=False)
            for index, zi in zip(z.indices(), z.elements, strict=True)
        )

    def condition(
        self, shape: tuple[int, ...]
    ) -> tuple[str, tuple[tuple[sympy.Symbol, sympy.Expr], ...]]:
        """``A = f(z)`` as substitutions, one per element."""
        pairs = []
        for index in np.ndindex(*shape):
            a = sympy.Symbol(element_name(self.input, index), real=True)
            z = sympy.Symbol(element_name(PRE, index), real=True)
            pairs.append((a, self.apply(z)))
        return f"{self.input} = {self.text}(z)", tuple(pairs)

    def claims(self, base: tuple[Claim, ...]) -> tuple[Claim, ...]:
        """dE/dz = (the layer's own input-gradient form) ∘ f′(z), and the mistake that
        leaves f′ out."""
        form = next(c.formula for c in base if c.of == self.input and c.expected)
        return (
            Claim(PRE, Hadamard(form, self.prime()), CHAIN),
            Claim(PRE, form, MISSING, expected=False),
        )

    def tensors(
        self, tensors: dict[str, tuple[str, tuple[int, ...]]]
    ) -> dict[str, tuple[str, tuple[int, ...]]]:
        """The layer's tensors with z just before its input."""
        out: dict[str, tuple[str, tuple[int, ...]]] = {}
        for letter, value in tensors.items():
            if letter == self.input:
                out[PRE] = ("pre-activation", value[1])
                out[letter] = (f"input, {self.name}(z)", value[1])
            else:
                out[letter] = value
        return out

    def notation(self, notation: Notation) -> Notation:
        """z shown as the input is."""
        shown = {**notation.shown, PRE: notation.shown[self.input]}
        spatial = {**notation.spatial, PRE: notation.spatial[self.input]}
        return replace(notation, shown=shown, spatial=spatial)

    def random_values(self, values: dict[str, np.ndarray], seed: int) -> dict[str, np.ndarray]:
        """z uniform in [−2, 2) (both sides of a ReLU's kink; drawn on its own, so the
        other values are those of the plain layer), and A = f(z)."""
        shape = np.shape(values[self.input])
        z = np.random.default_rng([seed, 1]).uniform(-2.0, 2.0, shape)
        a = np.vectorize(lambda v: _reference(self.name, float(v))[0], otypes=[float])(z)
        return {**values, PRE: z, self.input: a}

    def reference(
        self, expected: dict[str, np.ndarray], arrays: Mapping[str, np.ndarray]
    ) -> dict[str, np.ndarray]:
        """dE/dz = dE/dA · f′(z), element by element with Python's math."""
        z = np.asarray(arrays[PRE], dtype=float)
        dA = np.asarray(expected[self.input], dtype=float)
        dz = np.zeros(z.shape)
        for index in np.ndindex(*z.shape):
            dz[index] = dA[index] * _reference(self.name, float(z[index]))[1]
        return {**expected, PRE: dz}

    def stand_ins(self) -> dict[str, sympy.Lambda]:
        """The unspecified f is sin in the numeric check (and only there)."""
        x = sympy.Dummy("x")
        return {"f": sympy.Lambda(x, sympy.sin(x))} if self.name == "f" else {}

    def scope(self, scope: Scope, shape: tuple[int, ...], input_name: str = "A") -> Scope:
        """A layer's scope with z (alias u) and its input, and the function f, f′."""
        maps = {**scope.maps, PRE: shape, input_name: shape}
        aliases = {**scope.aliases, "u": PRE}
        hint = scope.hint + (f", z = u, {self.input} = {self.text}(z)" if scope.hint else "")
        return replace(scope, maps=maps, aliases=aliases, functions=self.functions(), hint=hint)

    def more_work(
        self, work: dict[str, int], elements: int, wrt: int, gradients: int
    ) -> dict[str, int]:
        """A layer's predicted work by stage (:mod:`symderiv.core.work`; a layer that
        predicts a total only passes one entry) with what z adds, never below what is
        done: its symbols and array, the stage's elements and their derivatives, two more
        closed forms of the input gradient's price and f′ per element, the numeric check,
        the reference and the sheets' passes (every gradient once more, z's per tensor)."""
        out = dict(work)
        total = sum(work.values())
        staged = len(work) > 1
        more = {
            "symbols": elements,
            "chain rule": 12 * elements,
            "operators": (work.get("operators", 0) if staged else total) + 4 * elements,
            "arrays": work.get("arrays", 0) + 4 * elements,
            "closed forms": work.get("closed forms", 0) + 4 * elements,
            "proofs": work.get("proofs", 0) + 4 * elements,
            "numeric": gradients + (wrt + 24) * elements,
            "exhibits": 2 * elements,
            "reference": 4 * elements,
            "render": total // 4 + 40 * (wrt + 2) * elements,
        }
        for stage, steps in more.items():
            out[stage] = out.get(stage, 0) + steps
        return out


# ---- the sheet ---------------------------------------------------------------------

_LATEX = {"delta": r"\delta", "beta": r"\beta", "alpha": r"\alpha"}


def _z_latex(c: ClosedFormCheck, tex: str) -> str:
    names = {v.name: _LATEX.get(v.name, v.name) for v in c.formula.walk() if isinstance(v, Var)}
    return rf"\frac{{\partial E}}{{\partial z}} = {c.formula.latex(names)}"


def _z_heading(c: ClosedFormCheck, act: InputActivation) -> str:
    from ..core.pipeline import USER_CLAIM

    if c.stated_in == USER_CLAIM:
        return r"Your formula for $\partial E/\partial z$."
    if c.expected:
        return rf"$\partial E/\partial z$, by the chain rule through ${act.tex}$."
    return rf"A known mistake: the factor ${act.tex}'(z)$ forgotten."


def _z_equation(view: SheetView, g: GradientElement, a: str) -> dict[str, Any]:
    """dE/dz_u = f′(z_u) (dE/dA_u): SymPy's derivative of f, then the terms of the input
    gradient above in rows that fit the page."""
    from ..render.printing import split_rows, term_width
    from ..render.sheet import FIRST_ROW_BUDGET, ROW_BUDGET

    upstream = view.d.gradient(a, g.index)
    if not g.contributions or g.expr == 0 or not upstream.polynomial:
        return view.equation(g)
    derivative = view.p._print(g.contributions[0].derivative)
    reserve = view.reserve(PRE, g.index)
    parts = [view.p.term(t) for t in upstream.terms]
    first = FIRST_ROW_BUDGET - reserve - term_width(derivative) - 3.0
    rows = split_rows(parts, ROW_BUDGET - reserve, max(first, 8.0))
    if len(parts) == 1:
        rows = [rf"{derivative}\, {rows[0]}"]
    else:
        rows[0] = rf"{derivative} \bigl({rows[0]}"
        rows[-1] = rf"{rows[-1]}\bigr)"
    return {"lhs": view.lhs(g), "rows": rows, "text": view.t._print(g.expr)}


def sheet(
    layer: Layer,
    view: SheetView,
    build: Callable[[Any, SheetView], dict[str, Any]],
) -> dict[str, Any]:
    """The layer's sheet (built by ``build``), with an activated input's parts added: the
    definition A = f(z), the gradient dE/dz and its closed forms, and the option in the
    command.  Without an activated input: ``build(layer, view)`` unchanged."""
    act: InputActivation | None = getattr(layer, "activated", None)
    if act is None:
        return build(layer, view)
    from ..render.sheet import SheetView as View

    d = view.d
    plain = replace(d, closed_forms=tuple(c for c in d.closed_forms if c.of != PRE))
    content = build(layer, View(plain))
    a = act.input
    note = (
        rf"The input is an activation: ${a} = {act.tex}(z)$ element by element, with "
        + _WORDS[act.name]
        + r", of the pre-activation $z$ (the notes' $z^{l}$, Bouvrie's $u^{l}$). "
        + rf"The gradient $\partial E/\partial z$ is derived from $\partial E/\partial {a}$ "
        + rf"by the chain rule through ${act.tex}$."
    )
    chain = (
        f"By the chain rule through ${act.tex}$, $\\partial E/\\partial z_{{u}} = "
        f"\\partial E/\\partial {a}_{{u}}\\, \\partial {a}_{{u}}/\\partial z_{{u}}$: each "
        f"${a}_{{u}} = {act.tex}(z_{{u}})$\ndepends on one $z_{{u}}$ only. SymPy "
        f"differentiated ${act.tex}$ and multiplied by the gradient of ${a}$ above."
    )
    gradient = {
        "kind": "elements",
        "heading": "Pre-activation gradient",
        "intro": chain,
        "intro_md": chain,
        "layout": "block",
        "equations": [_z_equation(view, g, a) for g in d.gradients_of(PRE)],
        "after": [],
    }
    sections = []
    for section in content["sections"]:
        if section["kind"] == "layer":
            section = {**section, "notes": [*section["notes"], note]}
        if section["kind"] == "closed_forms":
            sections.append(gradient)
            own = iter(section["forms"])
            forms = [
                view.closed_form(c, _z_latex(c, act.tex), _z_heading(c, act))
                if c.of == PRE
                else next(own)
                for c in d.closed_forms
            ]
            decided = {c.decided_by for c in d.closed_forms if c.of == PRE and c.holds}
            how = (
                "as rational functions of their exponentials (SymPy's `cancel`)"
                if "cancel" in decided
                else "after expansion"
            )
            intro = (
                f"{section['intro']}\nThe forms of $\\partial E/\\partial z$ hold "
                f"${act.tex}'(z)$; they were compared {how}."
            )
            section = {**section, "intro": intro, "forms": forms}
        if section["kind"] == "numeric":
            sampling = (
                f"{section['sampling']}; $z$ in $[-2, 2)$, ${a} = {act.tex}(z)$"
                + (r", $f = \sin$" if act.name == "f" else "")
            )
            section = {**section, "sampling": sampling}
        sections.append(section)
    title_text = f"{content['title_text']}, input {a} = {act.name}(z)"
    return {
        **content,
        "title": content["title"] + rf", input ${a} = {act.tex}(z)$",
        "title_text": title_text,
        "command": content["command"] + f" --input-activation {act.name}",
        "sections": sections,
    }
