"""Pooling layers: what a mean- or max-pooling layer is, checked before anything is built.

Both work on PyTorch's layout: input ``A`` (N, C, *spatial), output ``Z`` and
delta ``D = dE/dZ`` (N, C, *out), each map pooled on its own.

* :class:`AvgPoolSpec` is PyTorch's ``avg_pool1d/2d/3d`` with
  ``count_include_pad=True``: every window is divided by its full size k²,
  padding counting as zeros.
* :class:`MaxPoolSpec` is ``max_pool1d/2d/3d``, written with switches:
  Z_u = sum_{p in window} s_{u,p} A_{s·u+p−P}, where the switch s_{u,p} (a
  symbol ``s[n,c,*u,*p]``) is 1 at the window's maximum and 0 elsewhere.  The
  switches take their values from concrete values of A (a seed or a file)
  after differentiation, under a tie rule: ``first`` (PyTorch: the first
  maximum in row-major window order) or ``split`` (shared equally).  Padding
  is −∞: a padded cell never wins.
"""

from __future__ import annotations

import json
import re
import reprlib
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import product
from math import isfinite, prod
from typing import TYPE_CHECKING, Any, ClassVar, cast

import numpy as np
import sympy

from ...core.layer import Claim, Layer
from ...core.symbols import Notation, element_name
from ...exceptions import SizeLimitError, SpecError
from ...sizes import conv_output_size, parse_size
from .._checks import load_json
from .._input import InputActivated, activation_text, input_activation

if TYPE_CHECKING:
    from ...core.model import Derivation, Element, GradientElement
    from ...core.symbols import SymbolTensor
    from ...formulas.bind import Scope
    from ...render.sheet import SheetView

__all__ = [
    "AVG_KINDS",
    "MAX_KINDS",
    "MAX_POOL_OPTIONS",
    "POOL_OPTIONS",
    "TIES",
    "AvgPoolSpec",
    "MaxPoolSpec",
    "PoolSpec",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "from_options",
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
    "read_values",
]

TIES = ("first", "split")
"""``first``: a tied maximum takes the whole delta at its first position in row-major
window order (PyTorch); ``split``: the tied maxima share it equally (TensorFlow's
``reduce_max``, SymPy's Heaviside(0) = 1/2)."""

SEED_HIGH = 4
"""``--seed`` draws A's values from the integers 0 .. SEED_HIGH − 1 (ties are likely)."""

_MAX_KERNEL_AXIS = 1_000_000
_MAX_DEPTH = 6  # deeper nested lists cannot be A, whatever the layer


def _fail(field: str, value: object, rule: str) -> SpecError:
    """``field value: rule``, remembering the field and the rule (the CLI re-quotes)."""
    return SpecError(f"{field} {value!r}: {rule}", field=field, rule=rule)


def _text(values: Sequence[int]) -> str:
    return "x".join(map(str, values))


def _axes(value: object, name: str, ndim: int, minimum: int) -> tuple[int, ...]:
    """An int-or-sequence parameter as one value per spatial axis."""
    if isinstance(value, bool):
        raise _fail(name, value, f"expected an integer or {ndim} integers")
    if isinstance(value, int):
        values: tuple[Any, ...] = (value,) * ndim
    else:
        try:
            values = tuple(value)  # type: ignore[arg-type]
        except TypeError:
            raise _fail(name, value, f"expected an integer or {ndim} integers") from None
    if len(values) != ndim or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in values
    ):
        raise _fail(name, value, f"expected {ndim} integers, one per spatial axis")
    if any(v < minimum for v in values):
        raise _fail(name, value, f"every value must be at least {minimum}")
    return values


def _count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _fail(name, value, "expected a positive integer")
    return value


@dataclass(frozen=True)
class PoolSpec(Layer):
    """The geometry every pooling layer shares: windows of ``kernel`` cells, ``stride``
    apart (default: the kernel), over the input bordered by ``padding`` cells."""

    input: tuple[int, ...]
    kernel: tuple[int, ...]
    stride: tuple[int, ...] = field(default=())
    padding: tuple[int, ...] = field(default=())
    in_channels: int = 1
    batch: int = 1

    mode: ClassVar[str] = ""

    def __post_init__(self) -> None:
        try:
            ndim = len(self.input)
        except TypeError:
            raise SpecError(f"input {self.input!r}: expected 1, 2 or 3 spatial sizes") from None
        if ndim not in (1, 2, 3):
            raise SpecError(f"input {self.input!r}: expected 1, 2 or 3 spatial sizes")
        object.__setattr__(self, "input", _axes(self.input, "input", ndim, 1))
        object.__setattr__(self, "kernel", _axes(self.kernel, "kernel", ndim, 1))
        stride = self.kernel if self.stride in ((), None) else self.stride
        object.__setattr__(self, "stride", _axes(stride, "stride", ndim, 1))
        padding = 0 if self.padding in ((), None) else self.padding
        object.__setattr__(self, "padding", _axes(padding, "padding", ndim, 0))
        _count(self.in_channels, "in_channels")
        _count(self.batch, "batch")
        for p, k in zip(self.padding, self.kernel, strict=True):
            if 2 * p > k:
                raise _fail(
                    "padding",
                    _text(self.padding),
                    f"at most half the kernel on every axis (PyTorch's rule); the kernel is "
                    f"{_text(self.kernel)}, so the padding can be at most "
                    f"{_text(tuple(kk // 2 for kk in self.kernel))}",
                )
        for axis, (h, k, p) in enumerate(zip(self.input, self.kernel, self.padding, strict=True)):
            if k > h + 2 * p:
                raise _fail(
                    "kernel",
                    _text(self.kernel),
                    f"larger than the input {_text(self.input)!r} on axis {axis} (the window "
                    f"spans {k}, the padded input has {h + 2 * p}); the output would be empty",
                )

    # ---- sizes ----------------------------------------------------------
    @property
    def ndim(self) -> int:
        return len(self.input)

    @property
    def kind(self) -> str:
        return f"{self.mode}_pool{self.ndim}d"

    @property
    def output(self) -> tuple[int, ...]:
        """Ho = floor((H + 2P − k)/s) + 1 on every axis."""
        return tuple(
            conv_output_size(h, k, s, p)
            for h, k, s, p in zip(self.input, self.kernel, self.stride, self.padding, strict=True)
        )

    @property
    def window(self) -> int:
        """The number of cells of a window, k² (the kernel's volume)."""
        return prod(self.kernel)

    @property
    def maps(self) -> int:
        return self.batch * self.in_channels

    def shapes(self) -> dict[str, tuple[int, ...]]:
        """Full PyTorch-layout shapes of A, Z and D."""
        lead = (self.batch, self.in_channels)
        return {"A": (*lead, *self.input), "Z": (*lead, *self.output), "D": (*lead, *self.output)}

    def taps(self, axis: int) -> tuple[tuple[int, int, int], ...]:
        """Every (input index, output index, window offset) on one axis with
        i = s·u + p − P inside the input (cells in the padding are left out)."""
        h, s, pad = self.input[axis], self.stride[axis], self.padding[axis]
        return tuple(
            (s * u + p - pad, u, p)
            for u in range(self.output[axis])
            for p in range(self.kernel[axis])
            if 0 <= s * u + p - pad < h
        )

    def tiling_taps(self, axis: int) -> tuple[tuple[int, int, int], ...]:
        """The taps the notes' up(δ) assumes: windows that tile the input from its
        start, i = k·u + p, no padding."""
        h, k = self.input[axis], self.kernel[axis]
        return tuple(
            (k * u + p, u, p) for u in range(self.output[axis]) for p in range(k) if k * u + p < h
        )

    @property
    def tiles(self) -> bool:
        """Do the windows tile the input as the notes' up(δ)/k² assumes (stride = kernel,
        no padding, or anything that reads exactly the same cells)?"""
        return all(set(self.taps(a)) == set(self.tiling_taps(a)) for a in range(self.ndim))

    def tap_count(self, axis: int) -> int:
        """``len(self.taps(axis))`` counted arithmetically, in O(k)."""
        h, o = self.input[axis], self.output[axis]
        s, pad = self.stride[axis], self.padding[axis]
        total = 0
        for p in range(self.kernel[axis]):
            lo = max(0, -((p - pad) // s))  # ceil((pad − p) / s)
            hi = min(o - 1, (h - 1 + pad - p) // s)
            total += max(0, hi - lo + 1)
        return total

    def products(self) -> int:
        """Cells read by the forward pass (window cells in the padding excluded)."""
        if max(self.kernel) > _MAX_KERNEL_AXIS:
            raise SizeLimitError(
                f"{self.label()}: a window of {max(self.kernel):,} cells on one axis is beyond "
                f"what symderiv derives (at most {_MAX_KERNEL_AXIS:,})"
            )
        return self.maps * prod(self.tap_count(a) for a in range(self.ndim))

    def trailing(self) -> tuple[int, ...]:
        """Per axis, the padded-input cells at the end that no window reads:
        a = (H + 2P − k) − (Ho − 1)s."""
        return tuple(
            (h + 2 * p - k) - (o - 1) * s
            for h, p, k, s, o in zip(
                self.input, self.padding, self.kernel, self.stride, self.output, strict=True
            )
        )

    def unread_input(self) -> tuple[tuple[int, ...], ...]:
        """Per axis, the input indices no window reads (their gradient is exactly 0)."""
        return tuple(
            tuple(sorted(set(range(self.input[a])) - {i for i, _, _ in self.taps(a)}))
            for a in range(self.ndim)
        )

    def nondefault(self) -> list[tuple[str, str, str]]:
        """(option, tag, value text) of each setting that is not the default."""
        out = []
        for name, tag, value, neutral in (
            ("stride", "s", self.stride, self.kernel),
            ("padding", "p", self.padding, (0,) * self.ndim),
            ("in-channels", "c", (self.in_channels,), (1,)),
            ("batch", "n", (self.batch,), (1,)),
        ):
            if value != neutral:
                out.append((name, tag, _text(value)))
        return out

    def label(self) -> str:
        parts = [self.kind, _text(self.input), "k" + _text(self.kernel)]
        parts += [tag + value for _, tag, value in self.nondefault()]
        return "_".join(parts)

    def command(self) -> str:
        """The command line that regenerates this layer's sheet."""
        args = [f"symderiv derive {self.kind}", f"--input {_text(self.input)}"]
        args.append(f"--kernel {_text(self.kernel)}")
        args += [f"--{name} {value}" for name, _, value in self.nondefault()]
        return " ".join(args)

    # ---- the layer protocol (shared parts) ----------------------------------
    def describe(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "kernel": list(self.kernel),
            "stride": list(self.stride),
            "padding": list(self.padding),
        }

    def wrt(self) -> tuple[str, ...]:
        return ("A",)

    def notation(self) -> Notation:
        shapes = {letter: shape for letter, (_, shape) in self.tensors().items()}
        shapes["Z"] = self.shapes()["Z"]
        return Notation.for_shapes(shapes, self.ndim)

    def claims(self) -> tuple[Claim, ...]:
        from .closed_forms import claims

        return claims(self)

    def evaluate(
        self, claim: Claim, tensors: Mapping[str, SymbolTensor]
    ) -> dict[tuple[int, ...], sympy.Expr]:
        from .closed_forms import evaluate_claim

        return evaluate_claim(self, claim, tensors)

    def _closed_budget(self) -> int:
        """Products a closed form may visit, at most: per map, every padded-input
        cell times the window (a correlation with a block of ones), per claim."""
        padded = prod(h + 2 * p for h, p in zip(self.input, self.padding, strict=True))
        return 5 * self.maps * padded * self.window


@dataclass(frozen=True)
class AvgPoolSpec(InputActivated, PoolSpec):
    """Mean pooling, PyTorch's ``avg_pool1d/2d/3d`` with ``count_include_pad=True``.

    Build one with :func:`avg_pool2d` (or :func:`avg_pool1d`, :func:`avg_pool3d`);
    ``input_activation``: the input is A = f(z), and dE/dz is derived too."""

    input_activation: str | None = None

    mode: ClassVar[str] = "avg"

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "input_activation", input_activation(self.input_activation))

    def label(self) -> str:
        return self._with_z_label(super().label())

    def describe(self) -> dict[str, Any]:
        return self._with_z_describe({**super().describe(), "count_include_pad": True})

    def scope(self, of: str) -> Scope:
        """One map: a formula for dE/dA reads that map's D (``up(D, 2) / 4``)."""
        from ...formulas.bind import Scope

        scope = Scope(maps={"D": self.output}, target=self.input, of=of)
        return self._with_z_scope(scope, self.input)

    def tensors(self) -> dict[str, tuple[str, tuple[int, ...]]]:
        shapes = self.shapes()
        return self._with_z({"A": ("input", shapes["A"]), "D": ("delta", shapes["D"])})

    def wrt(self) -> tuple[str, ...]:
        return self._with_z_wrt(("A",))

    def claims(self) -> tuple[Claim, ...]:
        return self._with_z_claims(super().claims())

    def predicted_terms(self) -> int:
        """Forward terms + gradient terms + closed-form terms + symbols."""
        t = self.products()
        symbols = self.maps * (prod(self.input) + prod(self.output))
        total = t + t + self._closed_budget() + symbols
        return sum(self._with_z_work({"plain layer": total}, self.maps * prod(self.input)).values())

    def forward(self, tensors: Mapping[str, SymbolTensor]) -> tuple[Element, ...]:
        from .forward import avg_forward

        return avg_forward(self, tensors["A"])

    def random_values(self, seed: int) -> dict[str, np.ndarray]:
        """Uniform values in [-1, 1) for A and D, drawn in that order."""
        rng = np.random.default_rng(seed)
        shapes = self.shapes()
        return self._with_z_values({x: rng.uniform(-1.0, 1.0, shapes[x]) for x in ("A", "D")}, seed)

    def reference(self, arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        from . import reference

        expected = {
            "Z": reference.avg_forward(self, arrays["A"]),
            "A": reference.avg_backward(self, arrays["D"]),
        }
        return self._with_z_reference(expected, arrays)

    def exhibits(
        self, tensors: Mapping[str, SymbolTensor], gradients: tuple[GradientElement, ...]
    ) -> dict[str, Any]:
        from .closed_forms import delta_layouts

        return {"delta_layouts": delta_layouts(self, tensors["D"])}

    def sheet(self, view: SheetView) -> dict[str, Any]:
        from .sheet import avg_sheet

        return self._with_z_sheet(view, avg_sheet)


@dataclass(frozen=True)
class MaxPoolSpec(PoolSpec):
    """Max pooling, PyTorch's ``max_pool1d/2d/3d``, with switch variables.

    The concrete values of A that set the switches come from ``seed`` (small
    random integers, ties likely; the default is seed 0) or ``values`` (a nested
    list or array in A's full shape, or the spatial shape when there is one map);
    ``source`` names where given values came from (a file name), for the sheet.
    ``ties`` is ``first`` (PyTorch) or ``split``.
    """

    seed: int | None = None
    values: Any = None
    ties: str = "first"
    source: str | None = None

    mode: ClassVar[str] = "max"

    def __post_init__(self) -> None:
        super().__post_init__()
        if not isinstance(self.ties, str) or self.ties not in TIES:
            raise _fail("ties", self.ties, "expected first or split")
        if self.seed is not None and self.values is not None:
            raise SpecError(
                f"seed {self.seed!r} and values {reprlib.repr(self.values)}: give one or the other",
                field="seed",
                rule="give one or the other",
            )
        if self.seed is not None and (
            isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0
        ):
            raise _fail("seed", self.seed, "expected a non-negative integer, such as 0")
        if self.values is not None:
            flat = check_values(self.values, self.shapes()["A"])
            object.__setattr__(self, "values", flat)
        if self.source is not None and not isinstance(self.source, str):
            raise _fail("source", self.source, "expected the name of the values' file")

    # ---- the concrete values and the switches -------------------------------
    @property
    def seeded(self) -> int | None:
        """The seed that gives A's values (0 when neither seed nor values were given)."""
        if self.values is not None:
            return None
        return 0 if self.seed is None else self.seed

    @cached_property
    def a_values(self) -> np.ndarray:
        """A's concrete values, in its full shape (an object array of Python ints/floats)."""
        shape = self.shapes()["A"]
        out = np.empty(prod(shape), dtype=object)
        if self.values is not None:
            out[:] = _flatten(self.values)
        else:
            rng = np.random.default_rng(self.seeded)
            out[:] = rng.integers(0, SEED_HIGH, prod(shape)).tolist()
        return out.reshape(shape)

    @cached_property
    def windows(self) -> tuple[Any, ...]:
        """Every window with its cells, maximum and winners (see :mod:`.switches`)."""
        from .switches import windows

        return windows(self)

    @property
    def tied(self) -> bool:
        """Does any window hold its maximum more than once?"""
        return any(len(w.maxima) > 1 for w in self.windows)

    def switch_values(self, ties: str | None = None) -> dict[tuple[int, ...], sympy.Rational]:
        """Every switch's value under a tie rule (default: the layer's), by full s index."""
        from .switches import switch_values

        return switch_values(self, self.ties if ties is None else ties)

    def label(self) -> str:
        if self.values is not None:
            blob = json.dumps([repr(v) for v in _flatten(self.values)]).encode()
            source = f"v{zlib.crc32(blob):08x}"
        else:
            source = f"seed{self.seeded}"
        return f"{super().label()}_{source}_{self.ties}"

    def command(self) -> str:
        given = (
            f"--seed {self.seeded}"
            if self.values is None
            else f"--values {self.source or 'values.json'}"
        )
        return f"{super().command()} {given} --ties {self.ties}"

    # ---- the layer protocol ----------------------------------------------
    def describe(self) -> dict[str, Any]:
        return {
            **super().describe(),
            "ties": self.ties,
            "seed": self.seeded,
            "values_from": (
                f"seed {self.seeded}" if self.values is None else (self.source or "Python")
            ),
        }

    def scope(self, of: str) -> Scope:
        """One map: D, and where the windows tile the input, the switches as one map of
        the input's shape, ``s`` (1 at each window's maximum, 0 elsewhere; a tied
        maximum's share under ``split``), so the notes' routing reads ``up(D, 2) .* s``."""
        from ...formulas.bind import Scope

        maps = {"D": self.output, **({"s": self.input} if self.tiles else {})}
        hint = "delta = δ = D" + (
            ", s = the switches (1 at each window's maximum)"
            if self.tiles
            else "; the switch map s needs windows that tile the input (stride = kernel, no "
            "padding)"
        )
        return Scope(maps=maps, target=self.input, of=of, hint=hint)

    def tensors(self) -> dict[str, tuple[str, tuple[int, ...]]]:
        shapes = self.shapes()
        switch = (self.batch, self.in_channels, *self.output, *self.kernel)
        return {"A": ("input", shapes["A"]), "s": ("switch", switch), "D": ("delta", shapes["D"])}

    def notation(self) -> Notation:
        shapes = {letter: shape for letter, (_, shape) in self.tensors().items()}
        shapes["Z"] = self.shapes()["Z"]
        return Notation.for_shapes(shapes, dict.fromkeys(shapes, self.ndim))

    def predicted_terms(self) -> int:
        """Forward terms + gradient terms (with switches, then routed) + closed-form
        terms + symbols."""
        t = self.products()
        symbols = self.maps * (
            prod(self.input) + prod(self.output) + prod(self.output) * self.window
        )
        return t + 2 * t + self._closed_budget() + symbols

    def forward(self, tensors: Mapping[str, SymbolTensor]) -> tuple[Element, ...]:
        from .forward import max_forward

        return max_forward(self, tensors["A"], tensors["s"])

    def substitutions(self) -> dict[sympy.Symbol, sympy.Expr]:
        """Every switch symbol with its value under the layer's tie rule."""
        return {
            sympy.Symbol(element_name("s", index), real=True): value
            for index, value in self.switch_values().items()
        }

    def random_values(self, seed: int) -> dict[str, np.ndarray]:
        """A: the concrete values (so the routing is the one on the sheet); s: their
        switches; D: uniform in [-1, 1) from ``seed``."""
        switch_shape = self.tensors()["s"][1]
        s = np.zeros(switch_shape)
        for index, value in self.switch_values().items():
            s[index] = float(value)
        rng = np.random.default_rng(seed)
        return {
            "A": self.a_values.astype(float),
            "s": s,
            "D": rng.uniform(-1.0, 1.0, self.shapes()["D"]),
        }

    def reference(self, arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        from . import reference

        return {
            "Z": reference.max_forward(self, arrays["A"]),
            "A": reference.max_backward(self, arrays["A"], arrays["D"], self.ties),
        }

    def exhibits(
        self, tensors: Mapping[str, SymbolTensor], gradients: tuple[GradientElement, ...]
    ) -> dict[str, Any]:
        from ...core.chain import derive_gradients

        # dE/dA with the switches still symbols: the same chain rule, no values given.
        symbolic = derive_gradients(self.forward(tensors), (tensors["A"],), tensors["D"])
        return {"symbolic": symbolic, "windows": self.windows}

    def sheet(self, view: SheetView) -> dict[str, Any]:
        from .sheet import max_sheet

        return max_sheet(self, view)

    def json_extras(self, derivation: Derivation) -> dict[str, Any]:
        """``values``: A's values (full shape); ``switches``: the tie rule and every
        switch's exact value (as text, e.g. "1/2"), in s's full shape."""
        shape = self.tensors()["s"][1]
        s = np.empty(shape, dtype=object)
        s.fill("0")
        for index, value in self.switch_values().items():
            s[index] = str(value)
        return {
            "values": {"A": self.a_values.tolist()},
            "switches": {"ties": self.ties, "s": s.tolist()},
        }


# ---------------------------------------------------------------------------
# the values of A
# ---------------------------------------------------------------------------


def _nested_shape(x: object, path: tuple[int, ...]) -> tuple[int, ...]:
    if not isinstance(x, (list, tuple)):
        return ()
    if len(path) >= _MAX_DEPTH:
        raise ValueError(f"is nested more than {_MAX_DEPTH} lists deep")
    shapes = [_nested_shape(c, (*path, i)) for i, c in enumerate(x)]
    for i, s in enumerate(shapes):
        if s != shapes[0]:
            where = element_name("A", (*path, i))
            raise ValueError(f"is not a regular nested list (the lists differ at {where})")
    return (len(x), *(shapes[0] if shapes else ()))


def _shape_text(shape: Sequence[int]) -> str:
    return "×".join(map(str, shape)) if shape else "a single number"


def _flatten(nested: object) -> list[Any]:
    if isinstance(nested, (list, tuple)):
        return [x for item in nested for x in _flatten(item)]
    return [nested]


def _nest(flat: Sequence[Any], shape: tuple[int, ...]) -> Any:
    if not shape:
        return flat[0]
    step = len(flat) // shape[0]
    return tuple(_nest(flat[i * step : (i + 1) * step], shape[1:]) for i in range(shape[0]))


def check_values(values: object, shape: tuple[int, ...]) -> Any:
    """A's values as nested tuples of Python ints and floats in its full shape.

    ``values`` is a nested list (or array) in the full shape, or, for a single
    map, in the spatial shape (for 1-D a plain list).  Raises :class:`SpecError`
    (field ``values``) naming what is wrong: the shape, a non-number, NaN or ±inf."""

    def bad(problem: str) -> SpecError:
        return SpecError(f"values {reprlib.repr(values)}: {problem}", field="values", rule=problem)

    if isinstance(values, np.ndarray):
        values = values.tolist()
    try:
        got = _nested_shape(values, ())
    except ValueError as exc:
        raise bad(f"A {exc}") from None
    spatial = shape[2:]
    allowed = [shape] + ([spatial] if shape[:2] == (1, 1) else [])
    if got not in allowed:
        expected = " or ".join(_shape_text(s) for s in allowed)
        raise bad(f"A has shape {_shape_text(got)}; expected {expected}")
    out: list[int | float] = []
    for index in product(*(range(n) for n in got)):
        x: Any = values
        for i in index:
            x = x[i]
        where = element_name("A", index) if index else "A"
        if isinstance(x, (bool, np.bool_)) or not isinstance(
            x, (int, float, np.integer, np.floating)
        ):
            raise bad(f"{where} is {x!r}; expected a number")
        number: int | float = int(x) if isinstance(x, (int, np.integer)) else float(x)
        try:
            finite = isfinite(float(number))
        except OverflowError:
            finite = False
        if not finite:
            raise bad(f"{where} is {number!r}; expected a finite number")
        out.append(number)
    return _nest(out, shape)


def read_values(path_text: str) -> object:
    """The nested list A of a ``--values`` file, ``{"A": nested list}`` (a ``"D"`` beside
    it is for the worked numbers, :mod:`symderiv.worked`); raises
    :class:`SpecError` (one line naming the file) when it cannot be read."""

    def bad(problem: str) -> SpecError:
        return SpecError(f"--values {path_text!r}: {problem}")

    doc = load_json(path_text, bad)
    if not isinstance(doc, dict) or "A" not in doc:
        found = 'an object without "A"' if isinstance(doc, dict) else type(doc).__name__
        raise bad(f'expected {{"A": nested list}}, found {found}')
    extra = sorted(k for k in doc if k not in ("A", "D"))  # D: for the worked numbers
    if extra:
        raise bad(
            f'unexpected key {extra[0]!r}; expected {{"A": nested list}}, and "D" for the '
            "worked numbers"
        )
    return doc["A"]


# ---------------------------------------------------------------------------
# constructors and the command line
# ---------------------------------------------------------------------------

Size = int | str | Sequence[int]

AVG_KINDS: dict[str, tuple[int, tuple[int, ...], tuple[int, ...]]] = {
    # kind: (spatial axes, default input, default kernel)
    "avg_pool1d": (1, (8,), (2,)),
    "avg_pool2d": (2, (4, 4), (2, 2)),  # the notes' example
    "avg_pool3d": (3, (4, 4, 4), (2, 2, 2)),
}
MAX_KINDS = {k.replace("avg", "max"): v for k, v in AVG_KINDS.items()}

POOL_OPTIONS = ("--input", "--kernel", "--stride", "--padding", "--in-channels", "--batch")
MAX_POOL_OPTIONS = (*POOL_OPTIONS, "--seed", "--values", "--ties")


def _size(value: Size | None, name: str, kind: str, default: tuple[int, ...]) -> object:
    ndim = int(kind[-2])
    if value is None:
        return default
    if isinstance(value, str):
        return parse_size(value, name, ndim, minimum=0 if name == "padding" else 1)
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * ndim
    if isinstance(value, (tuple, list)) and len(value) != ndim:
        values = "value" if ndim == 1 else "values"
        raise _fail(name, value, f"a {kind} layer takes {ndim} {values}, one per spatial axis")
    return value


def _build(
    kind: str,
    input: Size | None,
    kernel: Size | None,
    stride: Size | None,
    padding: Size | None,
    **kw: Any,
) -> PoolSpec:
    kinds = AVG_KINDS if kind.startswith("avg") else MAX_KINDS
    _, default_input, default_kernel = kinds[kind]
    cls = AvgPoolSpec if kind.startswith("avg") else MaxPoolSpec
    return cls(
        input=_size(input, "input", kind, default_input),  # type: ignore[arg-type]
        kernel=_size(kernel, "kernel", kind, default_kernel),  # type: ignore[arg-type]
        stride=_size(stride, "stride", kind, ()),  # type: ignore[arg-type]
        padding=_size(padding, "padding", kind, ()),  # type: ignore[arg-type]
        **kw,
    )


def _avg(kind: str) -> Callable[..., AvgPoolSpec]:
    def make(
        input: Size | None = None,
        kernel: Size | None = None,
        stride: Size | None = None,
        padding: Size | None = 0,
        in_channels: int = 1,
        batch: int = 1,
        input_activation: str | None = None,
    ) -> AvgPoolSpec:
        spec = _build(
            kind,
            input,
            kernel,
            stride,
            padding,
            in_channels=in_channels,
            batch=batch,
            input_activation=input_activation,
        )
        return cast(AvgPoolSpec, spec)

    _, default_input, default_kernel = AVG_KINDS[kind]
    make.__name__ = make.__qualname__ = kind
    make.__doc__ = (
        f"Mean pooling, PyTorch's ``{kind}`` with ``count_include_pad=True`` (default: "
        f"input {_text(default_input)}, kernel {_text(default_kernel)}; stride defaults to "
        "the kernel; ``input_activation``: the input is A = f(z), and dE/dz is derived too)."
    )
    return make


def _max(kind: str) -> Callable[..., MaxPoolSpec]:
    def make(
        input: Size | None = None,
        kernel: Size | None = None,
        stride: Size | None = None,
        padding: Size | None = 0,
        in_channels: int = 1,
        batch: int = 1,
        seed: int | None = None,
        values: Any = None,
        ties: str = "first",
        source: str | None = None,
    ) -> MaxPoolSpec:
        spec = _build(
            kind,
            input,
            kernel,
            stride,
            padding,
            in_channels=in_channels,
            batch=batch,
            seed=seed,
            values=values,
            ties=ties,
            source=source,
        )
        return cast(MaxPoolSpec, spec)

    _, default_input, default_kernel = MAX_KINDS[kind]
    make.__name__ = make.__qualname__ = kind
    make.__doc__ = (
        f"Max pooling, PyTorch's ``{kind}``, with switch variables (default: input "
        f"{_text(default_input)}, kernel {_text(default_kernel)}; stride defaults to the "
        "kernel).  A's values come from ``seed`` (random integers 0..3; default 0) or "
        "``values``; ``ties`` is 'first' (PyTorch) or 'split'."
    )
    return make


avg_pool1d = _avg("avg_pool1d")
avg_pool2d = _avg("avg_pool2d")
avg_pool3d = _avg("avg_pool3d")
max_pool1d = _max("max_pool1d")
max_pool2d = _max("max_pool2d")
max_pool3d = _max("max_pool3d")

MAKERS = {
    f.__name__: f for f in (avg_pool1d, avg_pool2d, avg_pool3d, max_pool1d, max_pool2d, max_pool3d)
}


def _seed_text(text: str) -> int:
    if not re.fullmatch(r"\s*[0-9]+\s*", text):
        raise SpecError(f"--seed {text!r}: expected a non-negative integer, such as 0")
    return int(text)


def from_options(kind: str, typed: Mapping[str, str]) -> PoolSpec:
    """A pooling layer from the options as typed on the command line (only the given
    ones); errors quote the option and its text as typed."""
    from ..conv.spec import count_text

    is_max = kind.startswith("max")
    ndim, default_input, default_kernel = (MAX_KINDS if is_max else AVG_KINDS)[kind]
    input_ = typed.get("--input", _text(default_input))
    kernel = typed.get("--kernel", _text(default_kernel))
    stride, padding = typed.get("--stride"), typed.get("--padding")
    shown = {
        "input": ("--input", input_),
        "kernel": ("--kernel", kernel),
        "stride": ("--stride", stride or kernel),
        "padding": ("--padding", padding or "0"),
        "in_channels": ("--in-channels", typed.get("--in-channels", "1")),
        "batch": ("--batch", typed.get("--batch", "1")),
    }
    kw: dict[str, Any] = {}
    if is_max:
        seed, values = typed.get("--seed"), typed.get("--values")
        ties = typed.get("--ties", "first")
        if seed is not None and values is not None:
            raise SpecError(f"--seed {seed!r} and --values {values!r}: give one or the other")
        if ties.strip().lower() not in TIES:
            raise SpecError(f"--ties {ties!r}: expected first or split")
        kw["ties"] = ties.strip().lower()
        if seed is not None:
            kw["seed"] = _seed_text(seed)
        shown["ties"] = ("--ties", ties)
        shown["seed"] = ("--seed", seed or "0")
    else:
        kw["input_activation"] = activation_text(typed)
    try:
        spec = (MaxPoolSpec if is_max else AvgPoolSpec)(
            input=parse_size(input_, "--input", ndim),
            kernel=parse_size(kernel, "--kernel", ndim),
            stride=parse_size(stride, "--stride", ndim) if stride else (),
            padding=parse_size(padding, "--padding", ndim, minimum=0) if padding else (),
            in_channels=count_text(shown["in_channels"][1], "--in-channels"),
            batch=count_text(shown["batch"][1], "--batch"),
            **kw,
        )
    except SpecError as exc:  # quote the option as it was typed
        if exc.field not in shown or exc.rule is None:
            raise
        option, text = shown[exc.field]
        raise SpecError(f"{option} {text!r}: {exc.rule}") from None
    if is_max and typed.get("--values") is not None:
        # Read only once the sizes are known to be valid, so the shape can be checked.
        path = typed["--values"]
        try:
            spec = MaxPoolSpec(
                input=spec.input,
                kernel=spec.kernel,
                stride=spec.stride,
                padding=spec.padding,
                in_channels=spec.in_channels,
                batch=spec.batch,
                values=read_values(path),
                ties=kw["ties"],
                source=path,
            )
        except SpecError as exc:
            if exc.field != "values" or exc.rule is None:
                raise
            raise SpecError(f"--values {path!r}: {exc.rule}") from None
    return spec
