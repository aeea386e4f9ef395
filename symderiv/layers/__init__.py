"""Every layer kind symderiv derives, in one registry read by the API and the command line.

Each :class:`Kind` names its command-line options; :func:`layer` builds a layer
of any kind from Python values and :func:`from_options` from the option texts
typed on the command line.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

from ..core.layer import Layer
from ..exceptions import SpecError, SpecTypeError, quoted
from .conv import spec as _conv

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
    try:
        inspect.signature(k.make).bind(*args, **kw)
    except TypeError as exc:
        raise SpecTypeError(f"layer({kind!r}, ...): {exc}") from None
    return k.make(*args, **kw)


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
    return k.from_options(typed)
