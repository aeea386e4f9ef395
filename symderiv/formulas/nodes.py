"""Closed-form formulas as small expression trees.

A formula is data: it evaluates on symbolic arrays (through
:mod:`symderiv.operators`), prints as MATLAB-like text
(``conv2(A, rot180(D), 'valid')``) and prints as LaTeX.  The same tree is
what a future parser of user-typed formulas will produce.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import sympy

from . import operators as ops

__all__ = [
    "CONV_NAMES",
    "Apply",
    "Conv",
    "Crop",
    "Down",
    "Formula",
    "Hadamard",
    "MatMul",
    "Number",
    "Pad",
    "Rot180",
    "Scale",
    "Softmax",
    "Sum",
    "SumAll",
    "SumOver",
    "Transpose",
    "Up",
    "Var",
    "Xcorr",
    "ZeroInsert",
]

CONV_NAMES = {1: "conv", 2: "conv2", 3: "convn"}
_SUM_INDICES = {1: "u", 2: "u,v", 3: "t,u,v"}


def _tuple_text(values: tuple[int, ...]) -> str:
    return str(values[0]) if len(set(values)) == 1 else "[" + ",".join(map(str, values)) + "]"


def _tuple_latex(values: tuple[int, ...]) -> str:
    return str(values[0]) if len(set(values)) == 1 else "(" + ",".join(map(str, values)) + ")"


class Formula:
    """Base class of formula nodes."""

    def evaluate(self, env: Mapping[str, np.ndarray]) -> np.ndarray:
        """The formula's value on symbolic arrays bound to its variables."""
        raise NotImplementedError

    def text(self) -> str:
        """MATLAB-like text, e.g. ``conv2(A, rot180(D), 'valid')``."""
        raise NotImplementedError

    def latex(self, names: Mapping[str, str]) -> str:
        """LaTeX, with each variable printed as ``names[var]`` (e.g. ``A^{(n,c)}``)."""
        raise NotImplementedError

    def __str__(self) -> str:
        return self.text()

    def children(self) -> tuple[Formula, ...]:
        """The sub-formulas (arguments) of this node."""
        return tuple(v for v in vars(self).values() if isinstance(v, Formula))

    def walk(self) -> tuple[Formula, ...]:
        """This node and every node below it."""
        return (self, *(n for c in self.children() for n in c.walk()))


@dataclass(frozen=True)
class Var(Formula):
    """A tensor slice bound by the caller: ``A``, ``K`` or ``D``."""

    name: str

    def evaluate(self, env: Mapping[str, np.ndarray]) -> np.ndarray:
        return env[self.name]

    def text(self) -> str:
        return self.name

    def latex(self, names: Mapping[str, str]) -> str:
        return names.get(self.name, self.name)


@dataclass(frozen=True)
class Rot180(Formula):
    arg: Formula

    def evaluate(self, env: Mapping[str, np.ndarray]) -> np.ndarray:
        return ops.rot180(self.arg.evaluate(env))

    def text(self) -> str:
        return f"rot180({self.arg.text()})"

    def latex(self, names: Mapping[str, str]) -> str:
        return rf"\operatorname{{rot180}}\left({self.arg.latex(names)}\right)"


@dataclass(frozen=True)
class Conv(Formula):
    """MATLAB's true convolution, ``conv2(x, y, mode)`` (``conv``/``convn`` in 1-D/3-D)."""

    x: Formula
    y: Formula
    mode: str
    ndim: int = 2

    def evaluate(self, env: Mapping[str, np.ndarray]) -> np.ndarray:
        return ops.conv(self.x.evaluate(env), self.y.evaluate(env), self.mode)

    def text(self) -> str:
        return f"{CONV_NAMES[self.ndim]}({self.x.text()}, {self.y.text()}, '{self.mode}')"

    def latex(self, names: Mapping[str, str]) -> str:
        return (
            rf"\operatorname{{{CONV_NAMES[self.ndim]}}}\left({self.x.latex(names)},\ "
            rf"{self.y.latex(names)},\ \text{{{self.mode}}}\right)"
        )


@dataclass(frozen=True)
class Xcorr(Formula):
    """Valid cross-correlation with stride and dilation, ``x ⋆ y``."""

    x: Formula
    y: Formula
    stride: tuple[int, ...]
    dilation: tuple[int, ...]

    def evaluate(self, env: Mapping[str, np.ndarray]) -> np.ndarray:
        return ops.xcorr(self.x.evaluate(env), self.y.evaluate(env), self.stride, self.dilation)

    def _plain(self) -> bool:
        return all(v == 1 for v in self.stride + self.dilation)

    def text(self) -> str:
        if self._plain():
            return f"xcorr({self.x.text()}, {self.y.text()})"
        return (
            f"xcorr({self.x.text()}, {self.y.text()}, stride={_tuple_text(self.stride)}, "
            f"dilation={_tuple_text(self.dilation)})"
        )

    def latex(self, names: Mapping[str, str]) -> str:
        star = (
            r"\star"
            if self._plain()
            else (rf"\star_{{s={_tuple_latex(self.stride)},\,d={_tuple_latex(self.dilation)}}}")
        )
        return rf"{self.x.latex(names)} {star} {self.y.latex(names)}"


@dataclass(frozen=True)
class Pad(Formula):
    """Zero padding, ``before`` ahead and ``after`` behind each axis."""

    arg: Formula
    before: tuple[int, ...]
    after: tuple[int, ...]

    def evaluate(self, env: Mapping[str, np.ndarray]) -> np.ndarray:
        return ops.pad(self.arg.evaluate(env), self.before, self.after)

    def text(self) -> str:
        if self.before == self.after:
            return f"pad({self.arg.text()}, {_tuple_text(self.before)})"
        return f"pad({self.arg.text()}, {_tuple_text(self.before)}, {_tuple_text(self.after)})"

    def latex(self, names: Mapping[str, str]) -> str:
        amount = _tuple_latex(self.before)
        if self.before != self.after:
            amount += "," + _tuple_latex(self.after)
        return rf"\operatorname{{pad}}_{{{amount}}}\left({self.arg.latex(names)}\right)"


@dataclass(frozen=True)
class ZeroInsert(Formula):
    """``step - 1`` zeros between neighbouring entries (a stride or dilation)."""

    arg: Formula
    step: tuple[int, ...]

    def evaluate(self, env: Mapping[str, np.ndarray]) -> np.ndarray:
        return ops.zero_insert(self.arg.evaluate(env), self.step)

    def text(self) -> str:
        return f"dilate({self.arg.text()}, {_tuple_text(self.step)})"  # as users write it

    def latex(self, names: Mapping[str, str]) -> str:
        step = _tuple_latex(self.step)
        return rf"\operatorname{{ins}}_{{{step}}}\left({self.arg.latex(names)}\right)"


@dataclass(frozen=True)
class Crop(Formula):
    """Remove ``before``/``after`` entries at the ends of each axis."""

    arg: Formula
    before: tuple[int, ...]
    after: tuple[int, ...]

    def evaluate(self, env: Mapping[str, np.ndarray]) -> np.ndarray:
        return ops.crop(self.arg.evaluate(env), self.before, self.after)

    def text(self) -> str:
        return f"crop({self.arg.text()}, {_tuple_text(self.before)}, {_tuple_text(self.after)})"

    def latex(self, names: Mapping[str, str]) -> str:
        amount = _tuple_latex(self.before) + "," + _tuple_latex(self.after)
        return rf"\operatorname{{crop}}_{{{amount}}}\left({self.arg.latex(names)}\right)"


@dataclass(frozen=True)
class SumAll(Formula):
    """The sum of every entry of a map."""

    arg: Formula
    ndim: int = 2

    def evaluate(self, env: Mapping[str, np.ndarray]) -> np.ndarray:
        out = np.empty((), dtype=object)
        out[()] = ops.sum_all(self.arg.evaluate(env))
        return out

    def text(self) -> str:
        return f"sum({self.arg.text()})"

    def latex(self, names: Mapping[str, str]) -> str:
        idx = _SUM_INDICES[self.ndim]
        if isinstance(self.arg, Var):
            return rf"\sum_{{{idx}}} {self.arg.latex(names)}_{{{idx.replace(',', '')}}}"
        return rf"\sum_{{{idx}}} \left({self.arg.latex(names)}\right)_{{{idx.replace(',', '')}}}"


def _factor_latex(values: tuple[int, ...]) -> str:
    return r" \times ".join(map(str, values))


@dataclass(frozen=True)
class Up(Formula):
    """Up-sampling, the Kronecker product with a block of ones (the notes' ``up``)."""

    arg: Formula
    factor: tuple[int, ...]

    def evaluate(self, env: Mapping[str, np.ndarray]) -> np.ndarray:
        return ops.up(self.arg.evaluate(env), self.factor)

    def text(self) -> str:
        return f"up({self.arg.text()}, {_tuple_text(self.factor)})"

    def latex(self, names: Mapping[str, str]) -> str:
        return rf"{_wrap(self.arg, names)} \otimes \mathbf{{1}}_{{{_factor_latex(self.factor)}}}"


@dataclass(frozen=True)
class Down(Formula):
    """Block sums over ``factor`` blocks (Bouvrie's ``down``)."""

    arg: Formula
    factor: tuple[int, ...]

    def evaluate(self, env: Mapping[str, np.ndarray]) -> np.ndarray:
        return ops.down(self.arg.evaluate(env), self.factor)

    def text(self) -> str:
        return f"down({self.arg.text()}, {_tuple_text(self.factor)})"

    def latex(self, names: Mapping[str, str]) -> str:
        factor = _tuple_latex(self.factor)
        return rf"\operatorname{{down}}_{{{factor}}}\left({self.arg.latex(names)}\right)"


@dataclass(frozen=True)
class Scale(Formula):
    """A scalar times a map: a number (``Number``) or a per-map scalar (``Var``)."""

    factor: Formula
    arg: Formula

    def evaluate(self, env: Mapping[str, np.ndarray]) -> np.ndarray:
        c = self.factor.evaluate(env)
        return ops.scale(c[()] if isinstance(c, np.ndarray) else c, self.arg.evaluate(env))

    def text(self) -> str:
        return f"{self.factor.text()} * {_wrap_text(self.arg)}"

    def latex(self, names: Mapping[str, str]) -> str:
        return rf"{self.factor.latex(names)}\, {_wrap(self.arg, names)}"


@dataclass(frozen=True)
class Number(Formula):
    """An exact rational constant (a leaf)."""

    value: sympy.Rational

    def evaluate(self, env: Mapping[str, np.ndarray]) -> np.ndarray:
        out = np.empty((), dtype=object)
        out[()] = sympy.Rational(self.value)
        return out

    def text(self) -> str:
        return str(sympy.Rational(self.value))

    def latex(self, names: Mapping[str, str]) -> str:
        v = sympy.Rational(self.value)
        if v.q == 1:
            return str(v.p)
        sign = "-" if v < 0 else ""
        return rf"{sign}\frac{{{abs(v.p)}}}{{{v.q}}}"


@dataclass(frozen=True)
class Hadamard(Formula):
    """The element-wise product, ``X .* Y`` (``X ⊙ Y``)."""

    x: Formula
    y: Formula

    def evaluate(self, env: Mapping[str, np.ndarray]) -> np.ndarray:
        return ops.hadamard(self.x.evaluate(env), self.y.evaluate(env))

    def text(self) -> str:
        return f"{_wrap_text(self.x)} .* {_wrap_text(self.y)}"

    def latex(self, names: Mapping[str, str]) -> str:
        return rf"{_wrap(self.x, names)} \odot {_wrap(self.y, names)}"


@dataclass(frozen=True)
class Sum(Formula):
    """``X + Y`` or, with ``sign=-1``, ``X - Y``, for maps of one shape."""

    x: Formula
    y: Formula
    sign: int = 1

    def evaluate(self, env: Mapping[str, np.ndarray]) -> np.ndarray:
        return ops.add(self.x.evaluate(env), self.y.evaluate(env), self.sign)

    def text(self) -> str:
        return f"{self.x.text()} {'+' if self.sign > 0 else '-'} {_wrap_text(self.y)}"

    def latex(self, names: Mapping[str, str]) -> str:
        op = "+" if self.sign > 0 else "-"
        return rf"{self.x.latex(names)} {op} {_wrap(self.y, names)}"


@dataclass(frozen=True)
class MatMul(Formula):
    """The matrix product ``X @ Y``."""

    x: Formula
    y: Formula

    def evaluate(self, env: Mapping[str, np.ndarray]) -> np.ndarray:
        return ops.matmul(self.x.evaluate(env), self.y.evaluate(env))

    def text(self) -> str:
        return f"{_wrap_text(self.x)} @ {_wrap_text(self.y)}"

    def latex(self, names: Mapping[str, str]) -> str:
        return rf"{_wrap(self.x, names)}\, {_wrap(self.y, names)}"


@dataclass(frozen=True)
class Transpose(Formula):
    """Rows and columns swapped, ``X^T``."""

    arg: Formula

    def evaluate(self, env: Mapping[str, np.ndarray]) -> np.ndarray:
        return ops.transpose(self.arg.evaluate(env))

    def text(self) -> str:
        return f"{_wrap_text(self.arg)}^T"

    def latex(self, names: Mapping[str, str]) -> str:
        return rf"{_wrap(self.arg, names)}^{{\mathsf{{T}}}}"


@dataclass(frozen=True)
class Apply(Formula):
    """A scalar function applied element-wise: ``sigma'(A)``.

    ``name`` is its text name, ``tex`` its LaTeX name and ``fn`` the function as a
    SymPy ``Lambda`` (built by symderiv, never from user text)."""

    name: str
    tex: str
    fn: sympy.Lambda
    arg: Formula

    def evaluate(self, env: Mapping[str, np.ndarray]) -> np.ndarray:
        return ops.apply(self.fn, self.arg.evaluate(env))

    def text(self) -> str:
        return f"{self.name}({self.arg.text()})"

    def latex(self, names: Mapping[str, str]) -> str:
        return rf"{self.tex}\left({self.arg.latex(names)}\right)"


@dataclass(frozen=True)
class Softmax(Formula):
    """exp(x) / Σ exp(x) over one sample's row: ``softmax(y)``."""

    arg: Formula

    def evaluate(self, env: Mapping[str, np.ndarray]) -> np.ndarray:
        return ops.softmax(self.arg.evaluate(env))

    def text(self) -> str:
        return f"softmax({self.arg.text()})"

    def latex(self, names: Mapping[str, str]) -> str:
        return rf"\operatorname{{softmax}}\left({self.arg.latex(names)}\right)"


@dataclass(frozen=True)
class SumOver(Formula):
    """``sum_k(F)``: F for every map k, added; ``template`` is F with k as a letter (how it
    prints), ``terms`` F for k = 0, 1, … (how it evaluates)."""

    index: str
    template: Formula
    terms: tuple[Formula, ...]

    def evaluate(self, env: Mapping[str, np.ndarray]) -> np.ndarray:
        values = [t.evaluate(env) for t in self.terms]
        out = values[0]
        for v in values[1:]:
            out = ops.add(out, v)
        return out

    def children(self) -> tuple[Formula, ...]:
        return self.terms

    def text(self) -> str:
        return f"sum_{self.index}({self.template.text()})"

    def latex(self, names: Mapping[str, str]) -> str:
        return rf"\sum_{{{self.index}}} \left({self.template.latex(names)}\right)"


_ATOMS = (
    Var,
    Rot180,
    Conv,
    Up,
    Down,
    SumAll,
    Apply,
    Number,
    Transpose,
    ZeroInsert,
    Pad,
    Crop,
    Softmax,
    SumOver,
)


def _wrap(f: Formula, names: Mapping[str, str]) -> str:
    """LaTeX of an operand, in parentheses unless it is an atom."""
    body = f.latex(names)
    return body if isinstance(f, _ATOMS) else rf"\left({body}\right)"


def _wrap_text(f: Formula) -> str:
    """Text of an operand, in parentheses unless it is an atom."""
    return f.text() if isinstance(f, _ATOMS) else f"({f.text()})"
