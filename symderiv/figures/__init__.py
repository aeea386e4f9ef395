"""Figures drawn from a derivation's own data, rendered as TikZ and as SVG.

A builder reads a :class:`~symderiv.core.model.Derivation` (or, for a network,
plain ``(name, kind, shape)`` tuples) and returns a :class:`Figure`, a frozen
description of grids, cells, outlines, arrows, boxes and labels; the two
renderers draw the same description:

>>> import symderiv
>>> from symderiv.figures import kernel_cells, render_svg, render_tikz
>>> fig = kernel_cells(symderiv.conv2d().derive())
>>> render_tikz(fig).startswith(r"\\begin{tikzpicture}")
True
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .model import Arrow, Box, Cell, Figure, Grid, Label, Outline, Text

if TYPE_CHECKING:
    from .conv import kernel_cells, padded_delta, windows
    from .network_figure import network
    from .pool import max_switches, pool_windows
    from .sheet import companion_files
    from .svg import render_svg
    from .tikz import render_tikz

__all__ = [
    "Arrow",
    "Box",
    "Cell",
    "Figure",
    "Grid",
    "Label",
    "Outline",
    "Text",
    "companion_files",
    "kernel_cells",
    "max_switches",
    "network",
    "padded_delta",
    "pool_windows",
    "render_svg",
    "render_tikz",
    "windows",
]

_LAZY = {
    "kernel_cells": ".conv",
    "padded_delta": ".conv",
    "windows": ".conv",
    "network": ".network_figure",  # not ".network": the submodule would shadow the function
    "max_switches": ".pool",
    "pool_windows": ".pool",
    "companion_files": ".sheet",
    "render_svg": ".svg",
    "render_tikz": ".tikz",
}
"""The builders and renderers load SymPy (through the printers): imported when first
used, so that the command line can ask which figures a layer has without loading it."""


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
