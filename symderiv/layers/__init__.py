"""Every layer kind symderiv derives, in one registry read by the API and the command line.

Each :class:`Kind` names its command-line options; :func:`layer` builds a layer
of any kind from Python values and :func:`from_options` from the option texts
typed on the command line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

from ..core.layer import Layer
from ..exceptions import SpecError
from . import activation as _activation
from . import combination as _combination
from . import dense as _dense
from . import loss as _loss
from . import subsample as _subsample
from .conv import spec as _conv
from .pool import spec as _pool

__all__ = ["KINDS", "Kind", "from_options", "layer"]


@dataclass(frozen=True)
class Kind:
    """One layer kind: its name, what it is, its options, and how to build it."""

    name: str
    summary: str
    options: tuple[str, ...]
    make: Callable[..., Layer]
    from_options: Callable[[Mapping[str, str]], Layer]


def _conv_kind(name: str, summary: str) -> Kind:
    return Kind(
        name=name,
        summary=summary,
        options=_conv.CONV_OPTIONS,
        make=partial(_conv.layer, name),
        from_options=partial(_conv.from_options, name),
    )


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        _conv_kind("conv1d", "1-D convolution"),
        _conv_kind("conv2d", "2-D convolution (default: the classic 4x4 input, 2x2 kernel)"),
        _conv_kind("conv3d", "3-D convolution"),
        _conv_kind("conv_transpose1d", "1-D transposed convolution"),
        _conv_kind("conv_transpose2d", "2-D transposed convolution"),
        _conv_kind("conv_transpose3d", "3-D transposed convolution"),
        # Bouvrie's subsampling and learned map combination.
        Kind(
            name="subsample2d",
            summary="Bouvrie's subsampling: beta * down(A) + b, down summing blocks",
            options=_subsample.SUBSAMPLE_OPTIONS,
            make=_subsample.subsample2d,
            from_options=_subsample.from_options,
        ),
        Kind(
            name="map_combination",
            summary="Bouvrie's learned map combination: sum_i alpha_ji A_i, alpha = softmax(c)",
            options=_combination.MAP_COMBINATION_OPTIONS,
            make=_combination.map_combination,
            from_options=_combination.from_options,
        ),
        # dense, activation and loss kinds
        Kind(
            "linear",
            "fully-connected layer u = Wx + b (default: 3 inputs, 2 outputs)",
            _dense.LINEAR_OPTIONS,
            _dense.linear,
            _dense.from_options,
        ),
        *(
            Kind(
                name,
                fn.summary,
                _activation.options(name),
                getattr(_activation, name),
                partial(_activation.from_options, name),
            )
            for name, fn in _activation.ACTIVATIONS.items()
        ),
        Kind(
            "squared_error",
            "the notes' loss E = 1/2 sum (y - t)^2 (default: 3 features)",
            _loss.LOSS_OPTIONS,
            _loss.squared_error,
            partial(_loss.from_options, "squared_error"),
        ),
        Kind(
            "softmax_cross_entropy",
            "E = -sum t log softmax(y), given sum_c t = 1 (default: 3 features)",
            _loss.LOSS_OPTIONS,
            _loss.softmax_cross_entropy,
            partial(_loss.from_options, "softmax_cross_entropy"),
        ),
        *(
            Kind(
                name=name,
                summary=summary,
                options=_pool.MAX_POOL_OPTIONS if name.startswith("max") else _pool.POOL_OPTIONS,
                make=_pool.MAKERS[name],
                from_options=partial(_pool.from_options, name),
            )
            for name, summary in (
                ("avg_pool1d", "1-D mean pooling"),
                ("avg_pool2d", "2-D mean pooling (default: the notes' 4x4 input, 2x2 window)"),
                ("avg_pool3d", "3-D mean pooling"),
                ("max_pool1d", "1-D max pooling, with switches"),
                ("max_pool2d", "2-D max pooling, with switches (default: 4x4 input, 2x2 window)"),
                ("max_pool3d", "3-D max pooling, with switches"),
            )
        ),
    )
}
"""Every layer kind, by its command-line name."""


def _kind(name: object) -> Kind:
    if not isinstance(name, str) or name not in KINDS:
        raise SpecError(f"layer {name!r}: expected one of {', '.join(KINDS)}")
    return KINDS[name]


def layer(kind: str, *args: object, **kw: object) -> Layer:
    """A layer of ``kind`` (a key of :data:`KINDS`) from Python values."""
    return _kind(kind).make(*args, **kw)


def from_options(kind: str, typed: Mapping[str, str]) -> Layer:
    """A layer of ``kind`` from the command-line options given, as typed
    (``{"--input": "4x4"}``); an option the kind does not take is an error."""
    k = _kind(kind)
    for option in typed:
        if option not in k.options:
            raise SpecError(
                f"{option} {typed[option]!r}: {kind} has no such option; it takes "
                + ", ".join(k.options)
            )
    return k.from_options(typed)
