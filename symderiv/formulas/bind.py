"""Bind a parsed formula to a layer: names to tensors, ``*`` to an operator, shapes checked.

A formula is written for one map (pair), as in the notes.  The layer says
which maps a formula for a gradient may use and their shapes
(:class:`Scope`); binding turns the syntax tree of :mod:`.parse` into the
same formula nodes the closed forms are built from, so a user's formula is
evaluated and printed exactly like symderiv's own.  The notes' ``*`` is a
scalar product when one side is a number or a per-map scalar (β), and
otherwise MATLAB's ``conv2`` in whichever mode gives the gradient's shape; a
formula where both modes would fit is refused as ambiguous.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

import sympy

from ..exceptions import SymderivError
from ..sizes import conv_output_size
from .nodes import (
    Apply,
    Conv,
    Crop,
    Down,
    Formula,
    Hadamard,
    MatMul,
    Number,
    Pad,
    Rot180,
    Scale,
    Softmax,
    Sum,
    SumAll,
    SumOver,
    Transpose,
    Up,
    Var,
    ZeroInsert,
)
from .parse import BinOp, Call, Name, Neg, Node, Num, Str, Transposed, parse

__all__ = [
    "ALIASES",
    "MAX_ELEMENTS",
    "FormulaError",
    "Scope",
    "TargetShapeError",
    "base_name",
    "bind",
    "map_index",
    "shape_of",
]

ALIASES = {"x": "A", "w": "K", "k": "K", "delta": "D", "d": "D"}
"""The notes' names for a layer's tensors."""

Shape = tuple[int, ...]

MAX_ELEMENTS = 1_000_000
"""The most elements any map inside a formula may have (each is a SymPy expression)."""

MAX_WRITTEN = 1_000
"""The most terms the ``sum_k(...)`` of one formula may write out, one per map."""


class FormulaError(SymderivError, ValueError):
    """A formula that parses but cannot be evaluated on this layer (unknown name,
    shapes that do not fit); the message quotes the formula and the part at fault."""


class TargetShapeError(FormulaError):
    """A well-formed formula whose value has another shape than the gradient's;
    ``formula`` is what it was bound to (the checker may still diagnose it)."""

    def __init__(self, message: str, formula: Formula) -> None:
        super().__init__(message)
        self.formula = formula


@dataclass(frozen=True)
class Scope:
    """What a formula for one gradient may use.

    ``maps`` gives each tensor's per-map shape (a per-map scalar such as β has
    shape ``()``), ``target`` the gradient's per-map shape, ``functions``
    element-wise functions by name (``sigma``, ``f``) with their derivatives.

    Map subscripts: ``indexed`` gives the names that take one (``K``: ``("m", "c")``,
    the map pair the formula is written for), ``counts`` how many maps each index
    letter runs over, and ``sums`` the letters ``sum_k(...)`` may bind (a formula
    reads another map as ``K_{c,m}``, reversed as ``K_{M-1-m,C-1-c}``, or ``x_k``
    inside ``sum_k``).
    """

    maps: Mapping[str, Shape]
    target: Shape
    of: str
    functions: Mapping[str, tuple[str, sympy.Lambda, sympy.Lambda]] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=lambda: dict(ALIASES))
    hint: str = "x = A, w = k = K, delta = δ = D"
    indexed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    counts: Mapping[str, int] = field(default_factory=dict)
    sums: tuple[str, ...] = ()


_REVERSED = re.compile(r"([A-Z])-1-([a-z])")


def _reversed(part: str, letters: list[str]) -> bool:
    """Is ``part`` a reversed index such as ``M-1-m`` (M the count of m)?"""
    match = _REVERSED.fullmatch(part)
    if match is None:
        return False
    return match.group(2) in letters and match.group(1) == match.group(2).upper()


def base_name(name: str) -> str:
    """The tensor a (possibly subscripted) variable reads: ``K`` of ``K_{c,m}``."""
    return name.split("_{", 1)[0]


def map_index(
    name: str, values: Mapping[str, int], counts: Mapping[str, int]
) -> tuple[str, tuple[int, ...]] | None:
    """``("K", (1, 0))`` for the variable ``K_{c,m}`` at c = 1, m = 0 (``M-1-m`` counts
    from the end; a number is itself); None for a variable without a subscript."""
    if "_{" not in name:
        return None
    base, _, rest = name.partition("_{")
    out = []
    for part in rest.rstrip("}").split(","):
        reversed_ = _REVERSED.fullmatch(part)
        if reversed_:
            letter = reversed_.group(2)
            out.append(counts[letter] - 1 - values[letter])
        elif part.isdigit():
            out.append(int(part))
        else:
            out.append(values[part])
    return base, tuple(out)


def _number(value: Fraction) -> Number:
    return Number(sympy.Rational(value.numerator, value.denominator))


class _Binder:
    def __init__(self, text: str, scope: Scope) -> None:
        self.text = text
        self.scope = scope
        self.bound: dict[str, str] = {}  # the letters of the sum_k(...) being bound
        self.written = 0  # terms the sum_k(...) of the formula write out

    def fail(self, node: Node, problem: str) -> FormulaError:
        return FormulaError(f"formula {self.text!r}: {problem} (at column {node.column + 1})")

    # -- shapes ------------------------------------------------------------
    def shape(self, f: Formula, node: Node) -> Shape:
        """``f``'s shape; a map of more than :data:`MAX_ELEMENTS` elements (``pad(D, 5000)``)
        is refused here, before evaluating it would build it symbol by symbol."""
        try:
            shape = shape_of(f, self.scope.maps)
        except ValueError as exc:
            raise self.fail(node, str(exc)) from None
        if math.prod(shape) > MAX_ELEMENTS:
            raise self.fail(
                node,
                f"a {_shape(shape)} map, more than the {MAX_ELEMENTS:,} elements symderiv "
                "evaluates",
            )
        return shape

    # -- binding -----------------------------------------------------------
    def bind(self, node: Node) -> Formula:
        if isinstance(node, Num):
            return _number(node.value)
        if isinstance(node, Str):
            raise self.fail(node, f"the word {node.value!r} is only a conv2/xcorr mode")
        if isinstance(node, Name):
            return self.name(node)
        if isinstance(node, Neg):
            if isinstance(node.arg, Num):  # a negative number, not -1 times a map
                return _number(-node.arg.value)
            return Scale(Number(sympy.Integer(-1)), self.bind(node.arg))
        if isinstance(node, Transposed):
            inner = self.bind(node.arg)
            self.shape(Transpose(inner), node)
            return Transpose(inner)
        if isinstance(node, BinOp):
            return self.binop(node)
        if isinstance(node, Call):
            return self.call(node)
        raise self.fail(node, "an expression symderiv cannot read")

    def name(self, node: Name) -> Var:
        name = self.scope.aliases.get(node.name, node.name)
        if node.sub is not None and name in self.scope.maps:
            return self.subscripted(node, name)
        if name in self.scope.maps:
            return Var(name)
        if node.name in self.scope.functions or name in ("rot180", "conv2", "xcorr"):
            raise self.fail(node, f"{node.name} is a function; apply it, as in {node.name}(X)")
        usable = ", ".join(sorted(self.scope.maps))
        raise self.fail(
            node,
            f"unknown name {node.name!r}; a formula for dE/d{self.scope.of} may use {usable} "
            f"({self.scope.hint})",
        )

    def subscripted(self, node: Name, name: str) -> Var:
        """``K_{c,m}``: the map of K at other indices than the pair's own (m, c)."""
        default = self.scope.indexed.get(name)
        shown = f"{node.name}_{{{node.sub}}}"
        if default is None:
            raise self.fail(node, f"{shown}: {node.name} takes no map subscript on this layer")
        parts = (node.sub or "").split(",")
        if len(parts) != len(default):
            raise self.fail(
                node,
                f"{shown}: {node.name} takes {len(default)} map "
                f"{'index' if len(default) == 1 else 'indices'} ({','.join(default)})",
            )
        letters = [x for x in self.scope.counts if x not in self.scope.sums]
        resolved = []
        for part in parts:
            if part in self.bound:
                resolved.append(self.bound[part])
            elif part in letters or part.isdigit() or _reversed(part, letters):
                resolved.append(part)
            elif part in self.scope.sums:
                raise self.fail(node, f"{shown}: {part} is bound by sum_{part}(...) only")
            else:
                usable = ", ".join(letters)
                example = f"{letters[0].upper()}-1-{letters[0]}" if letters else "M-1-m"
                raise self.fail(
                    node,
                    f"{shown}: map index {part!r}; use {usable}, a number, or a reversed "
                    f"index such as {example}",
                )
        if tuple(resolved) == default:
            return Var(name)
        return Var(f"{name}_{{{','.join(resolved)}}}")

    def binop(self, node: BinOp) -> Formula:
        left, right = self.bind(node.left), self.bind(node.right)
        ls, rs = self.shape(left, node.left), self.shape(right, node.right)
        if node.op in ("+", "-"):
            out: Formula = Sum(left, right, 1 if node.op == "+" else -1)
        elif node.op == "∘":
            out = Hadamard(left, right)
        elif node.op == "@":
            out = MatMul(left, right)
        elif node.op == "/":
            if not isinstance(right, Number) or right.value == 0:
                raise self.fail(node, "only division by a non-zero number is supported")
            out = Scale(Number(1 / sympy.Rational(right.value)), left)
        elif ls == () or rs == ():
            out = Scale(left, right) if ls == () else Scale(right, left)
        else:
            out = self.star(node, left, right, ls, rs)
        self.shape(out, node)
        return out

    def star(self, node: BinOp, left: Formula, right: Formula, ls: Shape, rs: Shape) -> Formula:
        """The notes' ``X * Y``: conv2 in the mode that gives the gradient's shape."""
        if len(ls) != len(rs):
            raise self.fail(node, f"'*' of a {_shape(ls)} map and a {_shape(rs)} map")
        fits = []
        for mode in ("valid", "full"):
            try:
                if shape_of(Conv(left, right, mode, len(ls)), self.scope.maps) == self.scope.target:
                    fits.append(mode)
            except ValueError:
                continue
        if len(fits) != 1:
            which = "both 'valid' and 'full'" if fits else "neither 'valid' nor 'full'"
            raise self.fail(
                node,
                f"'*' of a {_shape(ls)} map and a {_shape(rs)} map gives the "
                f"{_shape(self.scope.target)} gradient with {which}; write conv2(X, Y, 'valid') "
                "or conv2(X, Y, 'full')",
            )
        return Conv(left, right, fits[0], len(ls))

    def args(self, node: Call, count: tuple[int, ...]) -> list[Node]:
        if len(node.args) not in count:
            want = " or ".join(map(str, count))
            raise self.fail(node, f"{node.name}() takes {want} arguments, not {len(node.args)}")
        return list(node.args)

    def integer(self, node: Node, what: str, minimum: int) -> int:
        if not isinstance(node, Num) or node.value.denominator != 1 or node.value < minimum:
            raise self.fail(node, f"{what} must be an integer of at least {minimum}")
        if node.value > 10_000:
            raise self.fail(node, f"{what} of {node.value} is beyond what symderiv evaluates")
        return int(node.value)

    def mode(self, node: Node, allowed: tuple[str, ...]) -> str:
        if not isinstance(node, Str) or node.value not in allowed:
            raise self.fail(node, "the mode must be " + " or ".join(f"'{m}'" for m in allowed))
        return node.value

    def call(self, node: Call) -> Formula:
        name = node.name
        if node.primes or name in self.scope.functions:
            return self.function(node)
        if name.startswith("sum_") and name[4:] in self.scope.sums:
            return self.sum_over(node, name[4:])
        if name == "rot180":
            (x,) = self.args(node, (1,))
            return Rot180(self.bind(x))
        if name in ("conv2", "conv", "convn", "xcorr"):
            x, y, *rest = self.args(node, (2, 3))
            modes = ("valid", "full") if name == "xcorr" else ("valid", "full", "same")
            mode = self.mode(rest[0], modes) if rest else ("valid" if name == "xcorr" else "full")
            bx, by = self.bind(x), self.bind(y)
            sx, sy = self.shape(bx, x), self.shape(by, y)
            if len(sx) != len(sy) or not sx:
                raise self.fail(node, f"{name} of a {_shape(sx)} and a {_shape(sy)} map")
            if name == "xcorr":  # xcorr(X, Y) = conv2(X, rot180(Y))
                by = Rot180(by)
            out: Formula = Conv(bx, by, mode, len(sx))
            self.shape(out, node)
            return out
        if name in ("pad", "dilate", "crop", "up", "down"):
            x, n = self.args(node, (2,))
            inner = self.bind(x)
            nd = len(self.shape(inner, x))
            if nd == 0:
                raise self.fail(node, f"{name}() of a scalar")
            minimum = 0 if name in ("pad", "crop") else 1
            amount = (self.integer(n, f"the amount of {name}()", minimum),) * nd
            built: Formula = {
                "pad": lambda: Pad(inner, amount, amount),
                "crop": lambda: Crop(inner, amount, amount),
                "dilate": lambda: ZeroInsert(inner, amount),
                "up": lambda: Up(inner, amount),
                "down": lambda: Down(inner, amount),
            }[name]()
            self.shape(built, node)
            return built
        if name == "sum":
            (x,) = self.args(node, (1,))
            inner = self.bind(x)
            return SumAll(inner, max(1, len(self.shape(inner, x))))
        if name == "transpose":
            (x,) = self.args(node, (1,))
            inner = self.bind(x)
            self.shape(Transpose(inner), node)
            return Transpose(inner)
        if name == "softmax":
            (x,) = self.args(node, (1,))
            inner = self.bind(x)
            if len(self.shape(inner, x)) != 1:
                raise self.fail(node, "softmax() takes one sample's row (a vector), such as y")
            return Softmax(inner)
        known = "rot180, conv2, xcorr, pad, dilate, crop, up, down, sum, transpose, softmax"
        known += "".join(f", sum_{x}" for x in self.scope.sums)
        if self.scope.functions:
            known += ", " + ", ".join(sorted(self.scope.functions))
        raise self.fail(node, f"unknown function {name!r}; the functions are {known}")

    def sum_over(self, node: Call, letter: str) -> Formula:
        """``sum_k(F)``: F for every map k, added (written out when bound)."""
        (x,) = self.args(node, (1,))
        if letter in self.bound:
            raise self.fail(node, f"sum_{letter}() inside sum_{letter}()")
        self.written += self.scope.counts[letter]
        if self.written > MAX_WRITTEN:
            raise self.fail(
                node,
                f"sum_{letter}() writes out more than {MAX_WRITTEN:,} terms in this formula",
            )
        self.bound[letter] = letter
        template = self.bind(x)
        terms = []
        for k in range(self.scope.counts[letter]):
            self.bound[letter] = str(k)
            terms.append(self.bind(x))
        del self.bound[letter]
        shape = self.shape(template, x)
        for term in terms:
            self.shape(term, x)
        out = SumOver(letter, template, tuple(terms))
        if shape != shape_of(out, self.scope.maps):
            raise self.fail(node, f"sum_{letter}() of maps of different shapes")
        return out

    def function(self, node: Call) -> Formula:
        name = "sigma" if node.name in ("sigma", "σ") else node.name
        if name not in self.scope.functions:
            raise self.fail(node, f"{node.name}() is not this layer's activation")
        if node.primes > 1:
            raise self.fail(node, "only first derivatives (one prime) are supported")
        (x,) = self.args(node, (1,))
        tex, fn, derivative = self.scope.functions[name]
        if node.primes:
            return Apply(f"{node.name}'", tex + "'", derivative, self.bind(x))
        return Apply(node.name, tex, fn, self.bind(x))


def _shape(s: Shape) -> str:
    return "×".join(map(str, s)) if s else "scalar"


def shape_of(f: Formula, maps: Mapping[str, Shape]) -> Shape:
    """The shape a formula's value has, or ``ValueError`` saying why it has none."""
    if isinstance(f, Var):
        return tuple(maps[base_name(f.name)])
    if isinstance(f, SumOver):
        shapes = {shape_of(t, maps) for t in f.terms} or {shape_of(f.template, maps)}
        if len(shapes) != 1:
            raise ValueError(f"sum_{f.index}() of maps of different shapes")
        return shapes.pop()
    if isinstance(f, Number):
        return ()
    if isinstance(f, Rot180 | Apply | Softmax):
        return shape_of(f.arg, maps)
    if isinstance(f, Conv):
        x, y = shape_of(f.x, maps), shape_of(f.y, maps)
        if len(x) != len(y):
            raise ValueError(f"conv2 of a {_shape(x)} and a {_shape(y)} map")
        if f.mode == "full":
            return tuple(a + b - 1 for a, b in zip(x, y, strict=True))
        if f.mode == "same":
            return x
        if any(b > a for a, b in zip(x, y, strict=True)):
            raise ValueError(
                f"conv2(…, 'valid') of a {_shape(x)} map with a larger {_shape(y)} map"
            )
        return tuple(conv_output_size(a, b) for a, b in zip(x, y, strict=True))
    if isinstance(f, Pad):
        s = shape_of(f.arg, maps)
        return tuple(n + a + b for n, a, b in zip(s, f.before, f.after, strict=True))
    if isinstance(f, Crop):
        s = shape_of(f.arg, maps)
        out = tuple(n - a - b for n, a, b in zip(s, f.before, f.after, strict=True))
        if any(n < 1 for n in out):
            raise ValueError(f"crop of a {_shape(s)} map leaves nothing")
        return out
    if isinstance(f, ZeroInsert):
        return tuple((n - 1) * s + 1 for n, s in zip(shape_of(f.arg, maps), f.step, strict=True))
    if isinstance(f, Up):
        return tuple(n * s for n, s in zip(shape_of(f.arg, maps), f.factor, strict=True))
    if isinstance(f, Down):
        s = shape_of(f.arg, maps)
        if any(n % k for n, k in zip(s, f.factor, strict=True)):
            raise ValueError(f"down() of a {_shape(s)} map by {_shape(f.factor)} blocks")
        return tuple(n // k for n, k in zip(s, f.factor, strict=True))
    if isinstance(f, SumAll):
        shape_of(f.arg, maps)
        return ()
    if isinstance(f, Scale):
        if shape_of(f.factor, maps) != ():
            raise ValueError("a scale factor must be a number or a per-map scalar")
        return shape_of(f.arg, maps)
    if isinstance(f, Sum):
        x, y = shape_of(f.x, maps), shape_of(f.y, maps)
        if x != y and () not in (x, y):  # a scalar is added to every entry
            raise ValueError(f"'+' of a {_shape(x)} map and a {_shape(y)} map")
        return x or y
    if isinstance(f, Hadamard):
        x, y = shape_of(f.x, maps), shape_of(f.y, maps)
        if x != y:
            op = "∘" if isinstance(f, Hadamard) else "+"
            raise ValueError(f"'{op}' of a {_shape(x)} map and a {_shape(y)} map")
        return x
    if isinstance(f, MatMul):
        x, y = shape_of(f.x, maps), shape_of(f.y, maps)
        if len(x) != 2 or len(y) != 2 or x[1] != y[0]:
            raise ValueError(f"'@' of a {_shape(x)} and a {_shape(y)} matrix")
        return (x[0], y[1])
    if isinstance(f, Transpose):
        s = shape_of(f.arg, maps)
        if len(s) != 2:
            raise ValueError(f"transpose of a {_shape(s)} map (only matrices)")
        return (s[1], s[0])
    raise ValueError(f"no shape rule for {type(f).__name__}")


def bind(text: str, scope: Scope) -> Formula:
    """Parse ``text`` and bind it to ``scope``; the result has the gradient's shape."""
    tree = parse(text)
    binder = _Binder(text, scope)
    formula = binder.bind(tree)
    got = binder.shape(formula, tree)
    if got != tuple(scope.target):
        problem = binder.fail(
            tree,
            f"it gives a {_shape(got)} map, but dE/d{scope.of} is {_shape(scope.target)} per map",
        )
        raise TargetShapeError(str(problem), formula)
    return formula
