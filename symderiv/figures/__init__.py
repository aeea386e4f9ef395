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

from .conv import kernel_cells, padded_delta, windows
from .model import Arrow, Box, Cell, Figure, Grid, Label, Outline, Text
from .network import network
from .pool import max_switches, pool_windows
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
    "kernel_cells",
    "max_switches",
    "network",
    "padded_delta",
    "pool_windows",
    "render_svg",
    "render_tikz",
    "windows",
]
