"""Every layer kind symderiv derives, in one registry read by the API and the command line.

Each :class:`Kind` names its command-line options; :func:`layer` builds a layer
of any kind from Python values and :func:`from_options` from the option texts
typed on the command line.  A kind's module is imported only when a layer of
that kind is built, so a refused command never waits for SymPy to load.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from importlib import import_module
from typing import Any

from ..core.layer import Layer
from ..exceptions import SpecError, SpecTypeError, quoted
from .conv.spec import CONV_OPTIONS as _CONV_OPTIONS  # no SymPy: cheap to import

__all__ = ["KINDS", "Kind", "from_options", "layer", "option_text"]


@dataclass(frozen=True)
class Kind:
    """One layer kind: its name, what it is, its options, and where its code lives.

    ``make`` is the Python constructor ``module.maker`` (``kind_first``: called with the
    kind's name first, as the convolutions' ``layer``); ``from_options`` is the module's
    parser of option texts, which takes the kind's name first when a module serves several
    kinds."""

    name: str
    summary: str
    options: tuple[str, ...]
    module: str
    maker: str
    kind_first: bool = False

    def _module(self) -> Any:
        return import_module(self.module, __package__)

    @property
    def make(self) -> Callable[..., Layer]:
        """The Python constructor, e.g. ``symderiv.conv2d``."""
        fn = getattr(self._module(), self.maker)
        return partial(fn, self.name) if self.kind_first else fn

    @property
    def from_options(self) -> Callable[[Mapping[str, str]], Layer]:
        """The layer from the command-line option texts given."""
        fn = self._module().from_options
        return partial(fn, self.name) if self.module in _SHARED_MODULES else fn


_POOL_OPTIONS = ("--input", "--kernel", "--stride", "--padding", "--in-channels", "--batch")
_MAP_OPTIONS = ("--input", "--in-channels", "--batch")


_SHARED_MODULES = (".conv.spec", ".pool.spec", ".activation", ".loss")
"""Modules that serve several kinds: their parsers take the kind's name first."""


_WORKED = ("--seed", "--values")
"""Worked numbers (symderiv.worked) on the command line: convolutions and pooling take
them; max pooling's A, which sets its switches, comes from them too."""


def _conv(name: str, summary: str) -> Kind:
    return Kind(name, summary, (*_CONV_OPTIONS, *_WORKED), ".conv.spec", "layer", kind_first=True)


def _pool(name: str, summary: str) -> Kind:
    more = ("--ties",) if "max" in name else ("--input-activation",)
    return Kind(name, summary, (*_POOL_OPTIONS, *_WORKED, *more), ".pool.spec", name)


def _activation(name: str, summary: str) -> Kind:
    options = (*_MAP_OPTIONS, "--slope") if name == "leaky_relu" else _MAP_OPTIONS
    return Kind(name, summary, options, ".activation", name)


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        _conv("conv1d", "1-D convolution"),
        _conv("conv2d", "2-D convolution (default: the classic 4x4 input, 2x2 kernel)"),
        _conv("conv3d", "3-D convolution"),
        _conv("conv_transpose1d", "1-D transposed convolution"),
        _conv("conv_transpose2d", "2-D transposed convolution"),
        _conv("conv_transpose3d", "3-D transposed convolution"),
        _pool("avg_pool1d", "1-D mean pooling"),
        _pool("avg_pool2d", "2-D mean pooling (default: the notes' 4x4 input, 2x2 window)"),
        _pool("avg_pool3d", "3-D mean pooling"),
        _pool("max_pool1d", "1-D max pooling, with switches"),
        _pool("max_pool2d", "2-D max pooling, with switches (default: 4x4 input, 2x2 window)"),
        _pool("max_pool3d", "3-D max pooling, with switches"),
        Kind(
            "subsample2d",
            "Bouvrie's subsampling: beta * down(A) + b, down summing blocks",
            ("--input", "--scale", "--in-channels", "--batch", "--input-activation"),
            ".subsample",
            "subsample2d",
        ),
        Kind(
            "map_combination",
            "Bouvrie's learned map combination: sum_i alpha_ji A_i, alpha = softmax(c)",
            ("--input", "--in-channels", "--out-channels", "--batch"),
            ".combination",
            "map_combination",
        ),
        Kind(
            "linear",
            "fully-connected layer u = Wx + b (default: 3 inputs, 2 outputs)",
            ("--in-features", "--out-features", "--batch", "--input-activation"),
            ".dense",
            "linear",
        ),
        _activation("sigmoid", "logistic sigmoid, element by element (default: 3x3 input)"),
        _activation("tanh", "hyperbolic tangent, element by element (default: 3x3 input)"),
        _activation("relu", "rectified linear unit, element by element (default: 3x3 input)"),
        _activation(
            "leaky_relu", "leaky ReLU with negative slope --slope (default 0.01; 3x3 input)"
        ),
        _activation("identity", "the identity (a linear output layer; default: 3x3 input)"),
        _activation(
            "activation", "an unspecified activation f, f' kept symbolic (default: 3x3 input)"
        ),
        Kind(
            "squared_error",
            "the notes' loss E = 1/2 sum (y - t)^2 (default: 3 features)",
            ("--input", "--batch", "--input-activation"),
            ".loss",
            "squared_error",
        ),
        Kind(
            "softmax_cross_entropy",
            "E = -sum t log softmax(y), given sum_c t = 1 (default: 3 features)",
            ("--input", "--batch"),
            ".loss",
            "softmax_cross_entropy",
        ),
    )
}
"""Every layer kind, by its command-line name."""

def _kind(name: object) -> Kind:
    if not isinstance(name, str):
        raise SpecTypeError(
            f"layer {quoted(name)}: expected the name of a kind, one of {', '.join(KINDS)}"
        )
    if name not in KINDS:
        raise SpecError(f"layer {quoted(name)}: expected one of {', '.join(KINDS)}")
    return KINDS[name]


def layer(kind: str, *args: object, **kw: object) -> Layer:
    """A layer of ``kind`` (a key of :data:`KINDS`) from Python values.

    Arguments the kind's constructor does not take raise
    :class:`~symderiv.exceptions.SpecTypeError` (a :class:`TypeError`); values it
    refuses, :class:`~symderiv.exceptions.SpecError` (a :class:`ValueError`)."""
    k = _kind(kind)
    make = k.make
    try:
        inspect.signature(make).bind(*args, **kw)
    except TypeError as exc:
        raise SpecTypeError(f"layer({kind!r}, ...): {exc}") from None
    return make(*args, **kw)


def from_options(kind: str, typed: Mapping[str, str]) -> Layer:
    """A layer of ``kind`` from the command-line options given, as typed
    (``{"--input": "4x4"}``); an option the kind does not take is an error."""
    k = _kind(kind)
    if not isinstance(typed, Mapping) or not all(
        isinstance(o, str) and isinstance(t, str) for o, t in typed.items()
    ):
        raise SpecTypeError(
            f"options {quoted(typed)}: expected option texts, such as {{'--input': '4x4'}}"
        )
    for option in typed:
        if option not in k.options:
            raise SpecError(
                f"{option} {quoted(typed[option])}: {kind} has no such option; it takes "
                + ", ".join(k.options)
            )
    if "--ties" not in k.options:  # --seed, --values: worked numbers, not the layer's
        typed = {o: t for o, t in typed.items() if o not in _WORKED}
    return k.from_options(typed)


def option_text(value: object) -> str | None:
    """A layer option's value from a TOML file (a network or a handout) as the command
    line would type it: an integer, a float, a text, or a list of integers as a size
    (``[4, 4]`` -> ``4x4``); ``None`` for any other value (a bool, an empty or mixed list)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return value
    if (
        isinstance(value, list)
        and value
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        return "x".join(map(str, value))
    return None
