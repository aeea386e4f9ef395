"""Layer specifications: what a convolution layer is, checked before anything is built.

A :class:`ConvSpec` is a frozen description of one layer in PyTorch's layout:
input ``A`` (N, C_in, *spatial), kernel ``K`` (C_out, C_in/groups, *kernel),
bias ``b`` (C_out), output ``Z`` and delta ``D = dE/dZ`` (N, C_out, *out).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from math import prod
from typing import TYPE_CHECKING, Any

from ...core import work
from ...core.layer import Claim, Layer
from ...exceptions import SpecError, SpecTypeError, quoted
from ...sizes import (
    MAX_DIGITS,
    conv_output_size,
    linked_pairs,
    number,
    parse_size,
    transposed_output_size,
)
from .._input import InputActivated, activation_text, input_activation

if TYPE_CHECKING:
    import numpy as np
    import sympy

    from ...core.model import Element, GradientElement
    from ...core.symbols import Notation, SymbolTensor
    from ...formulas.bind import Scope
    from ...render.sheet import SheetView

__all__ = [
    "CONVENTIONS",
    "LAYER_KINDS",
    "ConvSpec",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "from_options",
    "layer",
]

CONVENTIONS = ("correlation", "convolution")
"""``correlation``: Z[u] = sum_p A[u+p] K[p] (PyTorch).
``convolution``: Z[u] = sum_p A[u+p] K[k-1-p] (MATLAB ``conv2``, Bouvrie)."""

_LIMIT = 10**MAX_DIGITS


def _integer(value: object) -> int | None:
    """``value`` as a Python int when it is an integer (an int, or a numpy integer), not a
    bool; else None."""
    if isinstance(value, bool):
        return None
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        return None


def _axes(value: object, name: str, ndim: int, minimum: int) -> tuple[int, ...]:
    """Normalise an int-or-sequence parameter to one value per spatial axis.

    A size is an integer or a list/tuple of them: a dict, a set, a string or any other
    iterable is refused (a dict would give its keys, a set no order)."""
    one = _integer(value)
    if one is not None:
        values: tuple[int, ...] = (one,) * ndim
    elif isinstance(value, (tuple, list, range)):
        items = [_integer(v) for v in value]
        if any(v is None for v in items):
            raise _fail(
                name, value, f"expected {ndim} integers, one per spatial axis", SpecTypeError
            )
        if len(items) != ndim:
            raise _fail(name, value, f"expected {ndim} integers, one per spatial axis")
        values = tuple(v for v in items if v is not None)
    else:
        what = f"an integer or {ndim} integers" if ndim > 1 else "an integer"
        raise _fail(name, value, f"expected {what}, not a {type(value).__name__}", SpecTypeError)
    for v in values:
        if v < minimum:
            raise _fail(name, value, f"every value must be at least {minimum}")
        if v >= _LIMIT:
            raise _fail(name, value, f"every value must have at most {MAX_DIGITS} digits")
    return values


def _fail(field: str, value: object, rule: str, kind: type[SpecError] = SpecError) -> SpecError:
    """``field value: rule``, remembering the field and the rule."""
    return kind(f"{field} {quoted(value)}: {rule}", field=field, rule=rule)


def _text(values: tuple[int, ...]) -> str:
    return "x".join(map(str, values))


def count_text(text: str, option: str) -> int:
    """A positive integer typed on the command line."""
    if not re.fullmatch(r"\s*[0-9]+\s*", text) or number(text, option) < 1:
        raise SpecError(f"{option} {quoted(text)}: expected a positive integer, such as 2")
    return int(text)


def _count(value: object, name: str) -> int:
    v = _integer(value)
    if v is None:
        raise _fail(name, value, "expected a positive integer", SpecTypeError)
    if v < 1:
        raise _fail(name, value, "expected a positive integer")
    if v >= _LIMIT:
        raise _fail(name, value, f"expected a positive integer of at most {MAX_DIGITS} digits")
    return v


@dataclass(frozen=True)
class ConvSpec(InputActivated, Layer):
    """A convolution layer: sizes, channels and the convention of its forward pass.

    Build one with :func:`conv2d` (or :func:`conv1d`, :func:`conv3d`,
    :func:`conv_transpose1d` … :func:`conv_transpose3d`, or :func:`layer`);
    every field is checked on construction and :class:`SpecError` names the
    rule that is broken.  ``transposed=True`` makes it PyTorch's
    ``conv_transpose``: K is then (C_in, C_out/groups, *kernel).
    """

    input: tuple[int, ...]
    kernel: tuple[int, ...]
    in_channels: int = 1
    out_channels: int = 1
    batch: int = 1
    convention: str = "correlation"
    stride: tuple[int, ...] = field(default=())
    padding: tuple[int, ...] = field(default=())
    dilation: tuple[int, ...] = field(default=())
    groups: int = 1
    transposed: bool = False
    output_padding: tuple[int, ...] = field(default=())
    input_activation: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "input_activation", input_activation(self.input_activation))
        if not isinstance(self.input, (tuple, list, range)) or len(self.input) not in (1, 2, 3):
            raise _fail("input", self.input, "expected 1, 2 or 3 spatial sizes", SpecTypeError)
        ndim = len(self.input)
        object.__setattr__(self, "input", _axes(self.input, "input", ndim, 1))
        object.__setattr__(self, "kernel", _axes(self.kernel, "kernel", ndim, 1))
        for name, neutral, minimum in (
            ("stride", 1, 1),
            ("padding", 0, 0),
            ("dilation", 1, 1),
            ("output_padding", 0, 0),
        ):
            value = getattr(self, name)
            value = neutral if isinstance(value, tuple) and value == () else value
            object.__setattr__(self, name, _axes(value, name, ndim, minimum))
        for name in ("in_channels", "out_channels", "batch", "groups"):
            object.__setattr__(self, name, _count(getattr(self, name), name))
        if not isinstance(self.convention, str):
            raise _fail(
                "convention",
                self.convention,
                f"expected one of {', '.join(CONVENTIONS)}",
                SpecTypeError,
            )
        if self.convention not in CONVENTIONS:
            raise _fail("convention", self.convention, f"expected one of {', '.join(CONVENTIONS)}")
        for channels, name in (
            (self.in_channels, "in_channels"),
            (self.out_channels, "out_channels"),
        ):
            if channels % self.groups:
                raise _fail(
                    name,
                    channels,
                    f"not divisible by groups {self.groups}; "
                    "channels must split evenly into groups",
                )
        if not isinstance(self.transposed, bool):
            raise _fail("transposed", self.transposed, "expected True or False", SpecTypeError)
        if self.transposed:
            self._check_transposed()
        else:
            self._check_direct()

    def _check_direct(self) -> None:
        if any(self.output_padding):
            raise _fail(
                "output_padding",
                _text(self.output_padding),
                "only a transposed convolution has an output padding",
            )
        for axis, (h, p, d, k) in enumerate(
            zip(self.input, self.padding, self.dilation, self.kernel, strict=True)
        ):
            reach = d * (k - 1) + 1
            if reach > h + 2 * p:
                raise _fail(
                    "kernel",
                    _text(self.kernel),
                    f"larger than the input {_text(self.input)!r} on axis {axis} (the kernel "
                    f"spans {reach}, the padded input has {h + 2 * p}); the output would be empty",
                )

    def _check_transposed(self) -> None:
        for axis, (op, s, d) in enumerate(
            zip(self.output_padding, self.stride, self.dilation, strict=True)
        ):
            if op >= s and op >= d:
                raise _fail(
                    "output_padding",
                    _text(self.output_padding),
                    f"must be smaller than the stride ({s}) or the dilation ({d}) on axis {axis}",
                )
        for axis, size in enumerate(self.output):
            if size < 1:
                raise _fail(
                    "padding",
                    _text(self.padding),
                    f"the transposed convolution's output would have size {size} on axis "
                    f"{axis}; Ho = (H-1)s - 2p + d(k-1) + output_padding + 1 must be at least 1",
                )

    # ---- derived sizes -------------------------------------------------
    @property
    def ndim(self) -> int:
        """Number of spatial axes (1, 2 or 3)."""
        return len(self.input)

    @property
    def kind(self) -> str:
        """``conv1d`` … ``conv3d``, or ``conv_transpose1d`` … ``conv_transpose3d``."""
        return f"conv_transpose{self.ndim}d" if self.transposed else f"conv{self.ndim}d"

    @property
    def output(self) -> tuple[int, ...]:
        """Spatial output size per axis: Ho = floor((H + 2p - d(k-1) - 1)/s) + 1, or for a
        transposed layer Ho = (H-1)s - 2p + d(k-1) + output_padding + 1."""
        sizes = zip(
            self.input,
            self.kernel,
            self.stride,
            self.padding,
            self.dilation,
            self.output_padding,
            strict=True,
        )
        if self.transposed:
            return tuple(transposed_output_size(*axis) for axis in sizes)
        return tuple(conv_output_size(h, k, s, p, d) for h, k, s, p, d, _ in sizes)

    @property
    def cin_group(self) -> int:
        """Input maps per group."""
        return self.in_channels // self.groups

    @property
    def cout_group(self) -> int:
        """Output maps per group."""
        return self.out_channels // self.groups

    def _axis(self, axis: int) -> tuple[int, int, int, int, int, int]:
        """(input size, output size, kernel size, stride, dilation, padding) of one axis."""
        return (
            self.input[axis],
            self.output[axis],
            self.kernel[axis],
            self.stride[axis],
            self.dilation[axis],
            self.padding[axis],
        )

    def _kernel_range(self, axis: int, x: int) -> range:
        """The kernel indices p that link x (a direct layer's output, a transposed layer's
        input) to a position inside the other side: 0 <= s·x + d·p − pad < size."""
        h, o, k, s, d, pad = self._axis(axis)
        size = o if self.transposed else h
        lo = max(0, -(-(pad - s * x) // d))  # ceil((pad − s·x) / d)
        hi = min(k - 1, (size - 1 + pad - s * x) // d)
        return range(lo, hi + 1)

    def taps(self, axis: int) -> tuple[tuple[int, int, int], ...]:
        """Every (input index, output index, kernel index) linked on one axis.

        Direct layer: output u reads input s·u + d·p − pad.  Transposed layer:
        input i writes output s·i + d·p − pad.  Positions in the padding are left out;
        the kernel indices of each u (or i) are solved for, so the cost is the taps found
        plus one step per index, never the taps that land in the padding.
        """
        h, o, _, s, d, pad = self._axis(axis)
        out: list[tuple[int, int, int]] = []
        if self.transposed:
            for i in range(h):
                out.extend((i, s * i + d * p - pad, p) for p in self._kernel_range(axis, i))
        else:
            for u in range(o):
                out.extend((s * u + d * p - pad, u, p) for p in self._kernel_range(axis, u))
        work.add("geometry", (h if self.transposed else o) + len(out))
        return tuple(out)

    def reads(self, axis: int) -> tuple[tuple[tuple[int, int], ...], ...]:
        """For each output index on one axis, the (kernel index, input index) pairs that
        reach it, kernel index ascending (the order of the forward pass's terms)."""
        per_output: list[list[tuple[int, int]]] = [[] for _ in range(self.output[axis])]
        for i, y, p in self.taps(axis):
            per_output[y].append((p, i))
        work.add("geometry", self.output[axis])
        return tuple(tuple(sorted(pairs)) for pairs in per_output)

    def unread_input(self) -> tuple[tuple[int, ...], ...]:
        """Per axis, the input indices no output depends on (their gradient is exactly 0)."""
        return tuple(
            tuple(sorted(set(range(self.input[a])) - {i for i, _, _ in self.taps(a)}))
            for a in range(self.ndim)
        )

    def unwritten_output(self) -> tuple[tuple[int, ...], ...]:
        """Per axis, the output indices that no product reaches (they hold only the bias)."""
        return tuple(
            tuple(sorted(set(range(self.output[a])) - {y for _, y, _ in self.taps(a)}))
            for a in range(self.ndim)
        )

    @property
    def simple_geometry(self) -> bool:
        """A direct layer with stride 1, no padding and no dilation on every axis
        (any channels, batch or groups): its gradients are plain conv2 forms."""
        n = self.ndim
        return not self.transposed and (self.stride, self.padding, self.dilation) == (
            (1,) * n,
            (0,) * n,
            (1,) * n,
        )

    def trailing(self) -> tuple[int, ...]:
        """Per axis, a = (H + 2p − d(k−1) − 1) mod s: the padded-input rows at the end
        that no output of a direct layer reads."""
        return tuple(
            (h + 2 * p - d * (k - 1) - 1) - (o - 1) * s
            for h, p, d, k, s, o in zip(
                self.input,
                self.padding,
                self.dilation,
                self.kernel,
                self.stride,
                self.output,
                strict=True,
            )
        )

    @property
    def is_plain(self) -> bool:
        """Stride 1, no padding, no dilation, one group, not transposed: the classic layer."""
        return (
            not self.transposed
            and all(s == 1 for s in self.stride)
            and all(p == 0 for p in self.padding)
            and all(d == 1 for d in self.dilation)
            and self.groups == 1
        )

    def shapes(self) -> dict[str, tuple[int, ...]]:
        """Full PyTorch-layout shapes of A, K, b, Z and D."""
        if self.transposed:
            kernel = (self.in_channels, self.cout_group, *self.kernel)
        else:
            kernel = (self.out_channels, self.cin_group, *self.kernel)
        return {
            "A": (self.batch, self.in_channels, *self.input),
            "K": kernel,
            "b": (self.out_channels,),
            "Z": (self.batch, self.out_channels, *self.output),
            "D": (self.batch, self.out_channels, *self.output),
        }

    def tap_count(self, axis: int) -> int:
        """``len(self.taps(axis))``, counted arithmetically in O(log) of the sizes: the
        (x, p) with 0 <= s·x + d·p − pad < m, where x runs over the outputs of a direct
        layer (m = input size) or the inputs of a transposed one (m = output size)."""
        h, o, k, s, d, pad = self._axis(axis)
        n, m = (h, o) if self.transposed else (o, h)
        return linked_pairs(n, k, s, d, pad, pad + m)

    def products(self) -> int:
        """Number of A·K products in the forward pass (taps landing on padding excluded)."""
        per_group = self.cin_group * self.cout_group
        return (
            self.batch * self.groups * per_group * prod(self.tap_count(a) for a in range(self.ndim))
        )

    def predicted_work(self) -> dict[str, int]:
        """The steps every stage of the derivation and its four renderings takes at most,
        by stage (the stages :mod:`symderiv.core.work` counts), from the sizes alone."""
        from .size import predicted_work

        shapes = self.shapes()
        gradients = sum(prod(shapes[x]) for x in ("K", "b", "A"))
        return self._with_z_work(predicted_work(self), gradients)

    def predicted_terms(self) -> int:
        """Everything the derivation builds and visits, predicted from the sizes (never
        below what is really done): symbols, forward and gradient terms, the cells and
        products of the closed forms, the proofs, the numeric check, the sheets."""
        return sum(self.predicted_work().values())

    def nondefault(self) -> list[tuple[str, str, str]]:
        """The settings that differ from a plain layer's, in a fixed order, as
        (option name, short tag, value text): ``("stride", "s", "2x2")``."""
        out = []
        for name, tag, value, neutral in (
            ("in-channels", "c", (self.in_channels,), 1),
            ("out-channels", "m", (self.out_channels,), 1),
            ("batch", "n", (self.batch,), 1),
            ("stride", "s", self.stride, 1),
            ("padding", "p", self.padding, 0),
            ("dilation", "d", self.dilation, 1),
            ("output-padding", "op", self.output_padding, 0),
            ("groups", "g", (self.groups,), 1),
        ):
            if any(v != neutral for v in value):
                out.append((name, tag, _text(value)))
        return out

    def label(self) -> str:
        """A file-name stem that names the layer, e.g. ``conv2d_4x4_k2x2_correlation``
        (``..._input_sigmoid`` when the input is an activation)."""
        parts = [self.kind, _text(self.input), "k" + _text(self.kernel)]
        parts += [tag + value for _, tag, value in self.nondefault()]
        parts.append(self.convention)
        return self._with_z_label("_".join(parts))

    # ---- the layer protocol ---------------------------------------------
    def describe(self) -> dict[str, object]:
        """The ``layer`` block of the JSON document."""
        return self._with_z_describe({
            "kind": self.kind,
            "convention": self.convention,
            "stride": list(self.stride),
            "padding": list(self.padding),
            "dilation": list(self.dilation),
            "groups": self.groups,
            **({"output_padding": list(self.output_padding)} if self.transposed else {}),
        })

    def tensors(self) -> dict[str, tuple[str, tuple[int, ...]]]:
        shapes = self.shapes()
        return self._with_z({letter: (role, shapes[letter]) for letter, role in ROLES.items()})

    def wrt(self) -> tuple[str, ...]:
        return self._with_z_wrt(("K", "b", "A"))

    def notation(self) -> Notation:
        from ...core.symbols import Notation

        return self._with_z_notation(Notation.for_shapes(self.shapes(), self.ndim))

    def forward(self, tensors: Mapping[str, SymbolTensor]) -> tuple[Element, ...]:
        from .forward import build_forward

        return build_forward(self, tensors["A"], tensors["K"], tensors["b"])

    def claims(self) -> tuple[Claim, ...]:
        from .closed_forms import claims

        return self._with_z_claims(claims(self))

    def evaluate(
        self, claim: Claim, tensors: Mapping[str, SymbolTensor]
    ) -> dict[tuple[int, ...], sympy.Expr]:
        from .closed_forms import evaluate_claim

        return evaluate_claim(self, claim, tensors)

    def random_values(self, seed: int) -> dict[str, np.ndarray]:
        """Uniform values in [-1, 1) for A, K, b and D, drawn in that order."""
        import numpy as np

        rng = np.random.default_rng(seed)
        shapes = self.shapes()
        values = {letter: rng.uniform(-1.0, 1.0, shapes[letter]) for letter in ("A", "K", "b", "D")}
        return self._with_z_values(values, seed)

    def reference(self, arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        from . import reference

        Z = reference.forward(self, arrays["A"], arrays["K"], arrays["b"])
        dA, dK, db = reference.backward(self, arrays["A"], arrays["K"], arrays["D"])
        out = {"Z": Z, "K": dK, "b": db, "A": dA}
        return self._with_z_reference(out, arrays)

    def exhibits(
        self, tensors: Mapping[str, SymbolTensor], gradients: tuple[GradientElement, ...]
    ) -> dict[str, object]:
        from .exhibits import delta_maps, regroup_kernel

        return {
            "regroupings": regroup_kernel(gradients, tensors["K"]),
            "delta_maps": delta_maps(self, tensors["D"]),
        }

    def scope(self, of: str) -> Scope:
        """One map pair: dE/dK reads A and D, dE/dA reads D and K, dE/db reads D; with an
        activated input, every formula may also read z and A, and dE/dz reads D, K."""
        from ...formulas.bind import Scope

        maps = {"A": self.input, "K": self.kernel, "D": self.output}
        uses = {"K": ("A", "D"), "b": ("D",), "A": ("D", "K"), "z": ("D", "K")}[of]
        target = {"K": self.kernel, "b": (), "A": self.input, "z": self.input}[of]
        channels: dict[str, Any] = {}
        if self.groups == 1 and not self.transposed:  # K_{c,m}: another map pair's kernel
            channels = {
                "indexed": {"K": ("m", "c"), "D": ("m",), "A": ("c",), "z": ("c",)},
                "counts": {"m": self.out_channels, "c": self.in_channels},
            }
        scope = Scope(maps={x: maps[x] for x in uses}, target=target, of=of, **channels)
        return self._with_z_scope(scope, self.input)

    def sheet(self, view: SheetView) -> dict[str, Any]:
        from .sheet import conv_sheet

        return self._with_z_sheet(view, conv_sheet)


ROLES = {"A": "input", "K": "kernel", "b": "bias", "D": "delta"}


Size = int | str | Sequence[int]

_KEYWORDS = (
    "in_channels",
    "out_channels",
    "batch",
    "convention",
    "stride",
    "padding",
    "dilation",
    "groups",
    "output_padding",
    "input_activation",
)
"""The keywords every convolution constructor takes besides ``input`` and ``kernel``."""


def _make(kind: str, input: object, kernel: object, kw: dict[str, object]) -> ConvSpec:
    ndim, transposed, default_input, default_kernel = LAYER_KINDS[kind]
    if "transposed" in kw:  # the kind says it; a keyword may only agree
        value = kw.pop("transposed")
        if not isinstance(value, bool):
            raise _fail("transposed", value, "expected True or False", SpecTypeError)
        if value is not transposed:
            other = f"conv{ndim}d" if transposed else f"conv_transpose{ndim}d"
            raise SpecTypeError(
                f"{kind}(transposed={value!r}): the kind says whether a layer is transposed; "
                f"use {other}"
            )
    unknown = [name for name in kw if name not in _KEYWORDS]
    if unknown:
        raise SpecTypeError(
            f"{kind}({unknown[0]}=...): no such keyword; {kind} takes input, kernel, "
            + ", ".join(_KEYWORDS)
        )
    sizes = {}
    for name, value, default in (
        ("input", input, default_input),
        ("kernel", kernel, default_kernel),
    ):
        if value is None:
            value = default
        elif isinstance(value, str):
            value = parse_size(value, name, ndim)
        sizes[name] = _axes(value, name, ndim, 1)
    optional = ("stride", "padding", "dilation", "output_padding")  # None: the neutral value
    options = {name: v for name, v in kw.items() if not (v is None and name in optional)}
    return ConvSpec(
        input=sizes["input"],
        kernel=sizes["kernel"],
        transposed=transposed,
        **options,  # type: ignore[arg-type]
    )


LAYER_KINDS: dict[str, tuple[int, bool, tuple[int, ...], tuple[int, ...]]] = {
    # kind: (spatial axes, transposed, default input, default kernel)
    "conv1d": (1, False, (8,), (3,)),
    "conv2d": (2, False, (4, 4), (2, 2)),  # the classic example of the lecture notes
    "conv3d": (3, False, (3, 3, 3), (2, 2, 2)),
    "conv_transpose1d": (1, True, (4,), (3,)),
    "conv_transpose2d": (2, True, (3, 3), (2, 2)),
    "conv_transpose3d": (3, True, (2, 2, 2), (2, 2, 2)),
}
"""Every layer kind symderiv derives, with the sizes used when none are given."""


def layer(
    kind: str, input: Size | None = None, kernel: Size | None = None, **kw: object
) -> ConvSpec:
    """A layer of ``kind``, a key of :data:`LAYER_KINDS` (keywords: see :class:`ConvSpec`).

    Every argument is checked: a wrong type or an unknown keyword raises
    :class:`~symderiv.exceptions.SpecTypeError`, a wrong value
    :class:`~symderiv.exceptions.SpecError`, each quoting the value."""
    if not isinstance(kind, str) or kind not in LAYER_KINDS:
        raise _fail(
            "layer",
            kind,
            f"expected one of {', '.join(LAYER_KINDS)}",
            SpecError if isinstance(kind, str) else SpecTypeError,
        )
    return _make(kind, input, kernel, kw)


def conv1d(input: Size | None = None, kernel: Size | None = None, **kw: object) -> ConvSpec:
    """A 1-D convolution layer (default: length-8 input, length-3 kernel)."""
    return layer("conv1d", input, kernel, **kw)


def conv2d(input: Size | None = None, kernel: Size | None = None, **kw: object) -> ConvSpec:
    """A 2-D convolution layer; the defaults are the classic 4×4 input, 2×2 kernel example.

    >>> conv2d(input=(4, 4), kernel=(2, 2)).output
    (3, 3)
    """
    return layer("conv2d", input, kernel, **kw)


def conv3d(input: Size | None = None, kernel: Size | None = None, **kw: object) -> ConvSpec:
    """A 3-D convolution layer (default: 3×3×3 input, 2×2×2 kernel)."""
    return layer("conv3d", input, kernel, **kw)


def conv_transpose1d(
    input: Size | None = None, kernel: Size | None = None, **kw: object
) -> ConvSpec:
    """A 1-D transposed convolution layer (PyTorch's ``conv_transpose1d``)."""
    return layer("conv_transpose1d", input, kernel, **kw)


def conv_transpose2d(
    input: Size | None = None, kernel: Size | None = None, **kw: object
) -> ConvSpec:
    """A 2-D transposed convolution layer (PyTorch's ``conv_transpose2d``)."""
    return layer("conv_transpose2d", input, kernel, **kw)


def conv_transpose3d(
    input: Size | None = None, kernel: Size | None = None, **kw: object
) -> ConvSpec:
    """A 3-D transposed convolution layer (PyTorch's ``conv_transpose3d``)."""
    return layer("conv_transpose3d", input, kernel, **kw)


CONV_OPTIONS = (
    "--input",
    "--kernel",
    "--in-channels",
    "--out-channels",
    "--batch",
    "--stride",
    "--padding",
    "--dilation",
    "--groups",
    "--output-padding",
    "--convention",
    "--input-activation",
)
"""The command-line options of every convolution kind."""


def from_options(kind: str, typed: Mapping[str, str]) -> ConvSpec:
    """A convolution layer from the options as typed on the command line (only the
    given ones; an empty text is an error, not a default); errors quote the option and
    its text as typed."""
    ndim, transposed, input_size, kernel_size = LAYER_KINDS[kind]
    for option, text in typed.items():
        if not text.strip():
            raise SpecError(f"{option} {quoted(text)}: empty; give a value or leave the option out")
    activated = activation_text(typed)
    convention_typed = typed.get("--convention", "correlation")
    convention = convention_typed.lower()  # CORRELATION is accepted as correlation
    output_padding = typed.get("--output-padding")
    if output_padding is not None and not transposed and re.search(r"[1-9]", output_padding):
        raise SpecError(
            f"--output-padding {quoted(output_padding)}: only transposed layers "
            "(conv_transpose1d/2d/3d) have an output padding"
        )
    default_input, default_kernel = _text(input_size), _text(kernel_size)
    input_ = typed.get("--input", default_input)
    kernel = typed.get("--kernel", default_kernel)
    stride, padding, dilation = (typed.get(o) for o in ("--stride", "--padding", "--dilation"))
    shown = {
        "input": ("--input", input_),
        "kernel": ("--kernel", kernel),
        "in_channels": ("--in-channels", typed.get("--in-channels", "1")),
        "out_channels": ("--out-channels", typed.get("--out-channels", "1")),
        "batch": ("--batch", typed.get("--batch", "1")),
        "stride": ("--stride", "1" if stride is None else stride),
        "padding": ("--padding", "0" if padding is None else padding),
        "dilation": ("--dilation", "1" if dilation is None else dilation),
        "groups": ("--groups", typed.get("--groups", "1")),
        "output_padding": ("--output-padding", "0" if output_padding is None else output_padding),
        "convention": ("--convention", convention_typed),
    }
    try:
        return ConvSpec(
            input=parse_size(input_, "--input", ndim),
            kernel=parse_size(kernel, "--kernel", ndim),
            in_channels=count_text(shown["in_channels"][1], "--in-channels"),
            out_channels=count_text(shown["out_channels"][1], "--out-channels"),
            batch=count_text(shown["batch"][1], "--batch"),
            convention=convention,
            stride=() if stride is None else parse_size(stride, "--stride", ndim),
            padding=() if padding is None else parse_size(padding, "--padding", ndim, minimum=0),
            dilation=() if dilation is None else parse_size(dilation, "--dilation", ndim),
            groups=count_text(shown["groups"][1], "--groups"),
            transposed=transposed,
            output_padding=(
                ()
                if output_padding is None
                else parse_size(output_padding, "--output-padding", ndim, minimum=0)
            ),
            input_activation=activated,
        )
    except SpecError as exc:  # quote the option as it was typed
        if exc.field not in shown or exc.rule is None:
            raise
        option, text = shown[exc.field]
        raise SpecError(f"{option} {quoted(text)}: {exc.rule}") from None
