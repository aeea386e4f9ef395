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
from ..render.messages import register
from . import texts as texts  # registers the messages shared with the other sheets

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
                out[letter] = ("activated input", value[1])
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

register(
    {
        "role.pre_activation": {"en": "pre-activation", "zh": "预激活值"},
        "role.activated_input": {"en": "input, f(z)", "zh": "输入，f(z)"},
        "activated.words.sigmoid": {
            "en": "the logistic sigmoid $\\sigma(a) = 1/(1 + e^{-a})$",
            "zh": "logistic sigmoid 函数 $\\sigma(a) = 1/(1 + e^{-a})$",
        },
        "activated.words.tanh": {"en": "the hyperbolic tangent", "zh": "双曲正切函数"},
        "activated.words.relu": {
            "en": "the rectified linear unit $\\operatorname{relu}(a) = \\max(0, a)$",
            "zh": "线性整流函数 $\\operatorname{relu}(a) = \\max(0, a)$",
        },
        "activated.words.f": {
            "en": "an unspecified differentiable $f$",
            "zh": "一个未指定的可微函数 $f$",
        },
        "activated.note": {
            "en": "The input is an activation: ${a} = {tex}(z)$ element by element, with "
            "{words}, of the pre-activation $z$ (the notes' $z^{l}$, Bouvrie's $u^{l}$). "
            "The gradient $\\partial E/\\partial z$ is derived from $\\partial E/\\partial {a}$ "
            "by the chain rule through ${tex}$.",
            "zh": "输入是一个激活值：逐元素 ${a} = {tex}(z)$，其中 {words}，作用于预激活值 $z$"
            "（讲义中的 $z^{l}$，Bouvrie 的 $u^{l}$）。梯度 $\\partial E/\\partial z$ 由 "
            "$\\partial E/\\partial {a}$ 经 ${tex}$ 的链式法则推导得到。",
        },
        "activated.heading": {"en": "Pre-activation gradient", "zh": "预激活值的梯度"},
        "activated.chain": {
            "en": "By the chain rule through ${tex}$, $\\partial E/\\partial z_{u} = "
            "\\partial E/\\partial {a}_{u}\\, \\partial {a}_{u}/\\partial z_{u}$: each "
            "${a}_{u} = {tex}(z_{u})$\ndepends on one $z_{u}$ only. SymPy differentiated "
            "${tex}$ and multiplied by the gradient of ${a}$ above.",
            "zh": "由经过 ${tex}$ 的链式法则，$\\partial E/\\partial z_{u} = "
            "\\partial E/\\partial {a}_{u}\\, \\partial {a}_{u}/\\partial z_{u}$：每个 "
            "${a}_{u} = {tex}(z_{u})$\n只依赖于一个 $z_{u}$。SymPy 对 ${tex}$ 求导，再乘以上面 "
            "${a}$ 的梯度。",
        },
        "activated.form": {
            "en": "$\\partial E/\\partial z$, by the chain rule through ${tex}$.",
            "zh": "$\\partial E/\\partial z$，由经过 ${tex}$ 的链式法则得到。",
        },
        "activated.missing": {
            "en": "the factor ${tex}'(z)$ forgotten",
            "zh": "漏掉了因子 ${tex}'(z)$",
        },
        "activated.compared": {
            "en": "The forms of $\\partial E/\\partial z$ hold ${tex}'(z)$; they were compared "
            "{how}.",
            "zh": "$\\partial E/\\partial z$ 的公式含有 ${tex}'(z)$；它们{how}比较。",
        },
        "activated.how.cancel": {
            "en": "as rational functions of their exponentials (SymPy's `cancel`)",
            "zh": "作为其指数函数的有理函数（SymPy 的 `cancel`）进行",
        },
        "activated.how.expand": {"en": "after expansion", "zh": "在展开之后进行"},
        "activated.sampling": {
            "en": "{sampling}; $z$ in $[-2, 2)$, ${a} = {tex}(z)$",
            "zh": "{sampling}；$z$ 取自 $[-2, 2)$，${a} = {tex}(z)$",
        },
        "activated.stand_in": {"en": ", $f = \\sin$", "zh": "，$f = \\sin$"},
        "activated.title": {
            "en": "{title}, input {a} = {name}(z)",
            "zh": "{title}，输入 {a} = {name}(z)",
        },
    }
)


def _z_latex(c: ClosedFormCheck) -> str:
    names = {v.name: _LATEX.get(v.name, v.name) for v in c.formula.walk() if isinstance(v, Var)}
    return rf"\frac{{\partial E}}{{\partial z}} = {c.formula.latex(names)}"


def _z_heading(view: SheetView, c: ClosedFormCheck, act: InputActivation) -> str:
    from ..core.pipeline import USER_CLAIM

    if c.stated_in == USER_CLAIM:
        return view._("closed.user", of="z")
    if c.expected:
        return view._("activated.form", tex=act.tex)
    return view._("sheet.known_mistake", what=view._("activated.missing", tex=act.tex))


_LATEX = {"delta": r"\delta", "beta": r"\beta", "alpha": r"\alpha"}


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


def _gradient_section(view: SheetView, act: InputActivation) -> dict[str, Any]:
    """dE/dz element by element (in summary detail: one example, as every sheet does)."""
    _, a = view._, act.input
    elements = list(view.d.gradients_of(PRE))
    shown = elements
    if view.summary and len(elements) > 1:
        shown = [g for g in elements if g is view.example(elements)]
    intro = _("activated.chain", tex=act.tex, a=a)
    if len(shown) < len(elements):
        intro += "\n" + _("elements.example", n=len(elements))
    return {
        "kind": "elements",
        "heading": _("activated.heading"),
        "intro": intro,
        "intro_md": intro,
        "layout": "block",
        "equations": [_z_equation(view, g, a) for g in shown],
        "after": [],
    }


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
    from ..render.sheet import tex_text

    _, d, a = view._, view.d, act.input
    plain = replace(d, closed_forms=tuple(c for c in d.closed_forms if c.of != PRE))
    content = build(layer, View(plain, view.options))
    words = {
        "sigmoid": _("activated.words.sigmoid"),
        "tanh": _("activated.words.tanh"),
        "relu": _("activated.words.relu"),
        "f": _("activated.words.f"),
    }[act.name]
    note = _("activated.note", a=a, tex=act.tex, words=words)
    sections = []
    for section in content["sections"]:
        if section["kind"] == "layer":
            section = {**section, "notes": [*section["notes"], note]}
        if section["kind"] == "closed_forms":
            sections.append(_gradient_section(view, act))
            own = iter(section["forms"])
            forms = [
                view.closed_form(c, _z_latex(c), _z_heading(view, c, act))
                if c.of == PRE
                else next(own)
                for c in d.closed_forms
            ]
            decided = {c.decided_by for c in d.closed_forms if c.of == PRE and c.holds}
            how = _("activated.how.cancel") if "cancel" in decided else _(
                "activated.how.expand"
            )
            compared = _("activated.compared", tex=act.tex, how=how)
            section = {**section, "intro": f"{section['intro']}\n{compared}", "forms": forms}
        if section["kind"] == "numeric":
            sampling = _("activated.sampling", sampling=section["sampling"], a=a, tex=act.tex)
            if act.name == "f":
                sampling += _("activated.stand_in")
            section = {**section, "sampling": sampling}
        sections.append(section)
    title_text = _("activated.title", title=content["title_text"], a=a, name=act.name)
    return {
        **content,
        "title": tex_text(title_text),
        "title_text": title_text,
        "command": content["command"] + f" --input-activation {act.name}",
        "sections": sections,
    }
