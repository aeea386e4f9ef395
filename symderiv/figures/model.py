"""A figure as data: grids of cells, outlines, arrows, boxes and labels.

A :class:`Figure` describes a picture once, in its own coordinates (one unit is
one grid cell, x to the right, y *down*, as a matrix is read); the renderers
(:mod:`.tikz` and :mod:`.svg`) only read it and draw the same thing in TikZ and
in SVG.  The builders (:mod:`.conv`, :mod:`.pool`, :mod:`.network`) fill it
from a derivation's own data.

Every cell knows the tensor element it shows (``Grid.tensor`` and
``Cell.element``, the full PyTorch-layout index), so what a figure highlights
can be checked against the derivation it was drawn from.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Arrow",
    "Box",
    "Cell",
    "Figure",
    "Grid",
    "Label",
    "Outline",
    "Text",
]

SIZES = {"normal": 10.0, "small": 8.0, "script": 7.0, "tiny": 5.0}
"""Text sizes in points (the 10 pt article's ``\\normalsize``, ``\\footnotesize``,
``\\scriptsize`` and ``\\tiny``)."""

NOTE_INSET = 0.1
"""How far a cell's note sits from the cell's lower right corner, in units."""

TEXT_WITH_NOTE = 0.4
"""Where a cell's text is centred (from the cell's top, in units) when the cell has a
note; 0.5 (the middle) when it has none."""


@dataclass(frozen=True)
class Text:
    """A short label: ``base`` with an optional subscript and superscript.

    ``math`` text is set as mathematics (single letters in italics, ``∂`` as
    ``\\partial``); other text is set upright as it is, escaped by each renderer.
    ``size`` is a key of :data:`SIZES`; ``style`` a key of the renderers'
    text colours (``plain``, ``muted``, ``accent``, ``strong``).
    """

    base: str
    sub: str = ""
    sup: str = ""
    math: bool = True
    size: str = "script"
    style: str = "plain"

    def plain(self) -> str:
        """The text as one plain line (alt texts, tests): ``A_01``, ``D^(0,1)_10``."""
        out = self.base
        if self.sup:
            out += "^" + self.sup
        if self.sub:
            out += "_" + self.sub
        return out


@dataclass(frozen=True)
class Cell:
    """One cell of a grid at (``row``, ``col``): what it shows and how it is filled.

    ``element`` is the full index of the tensor element the cell shows (``None`` for
    a cell that is no element: a zero of the padding or of a zero insertion, a
    padding cell of the input).  ``style`` names the fill (see
    :data:`symderiv.figures.styles.CELL_STYLES`); ``note`` is a second, smaller
    label in the cell's lower right corner (the text then sits a little higher)."""

    row: int
    col: int
    style: str = "plain"
    text: Text | None = None
    note: Text | None = None
    element: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Grid:
    """A grid of ``rows`` × ``cols`` cells with its top-left corner at (``x``, ``y``).

    ``tensor`` is the letter of the tensor its cells show (``A``, ``D``, …);
    ``cells`` lists every cell, row-major; ``title`` is drawn centred above it."""

    x: float
    y: float
    rows: int
    cols: int
    tensor: str
    cells: tuple[Cell, ...]
    title: Text | None = None

    def cell(self, row: int, col: int) -> Cell:
        """The cell at (row, col)."""
        return self.cells[row * self.cols + col]

    def styled(self, style: str) -> tuple[Cell, ...]:
        """The cells of one style, row-major."""
        return tuple(c for c in self.cells if c.style == style)


@dataclass(frozen=True)
class Outline:
    """A rectangle drawn over cells of ``grids[grid]``: a window, a sliding kernel;
    ``inset`` (units) draws it that far inside the cells' edges, so that the outlines
    of neighbouring windows do not overlap."""

    grid: int
    row: int
    col: int
    rows: int
    cols: int
    style: str = "window"
    inset: float = 0.0


@dataclass(frozen=True)
class Arrow:
    """A polyline from its first point to its last, with an arrow head at the end."""

    points: tuple[tuple[float, float], ...]
    style: str = "plain"


@dataclass(frozen=True)
class Box:
    """A rectangle with rounded corners (a layer of a network)."""

    x: float
    y: float
    width: float
    height: float
    style: str = "layer"


@dataclass(frozen=True)
class Label:
    """Text at (``x``, ``y``); ``anchor`` is ``center``, ``west`` (text starts there),
    ``east`` (text ends there), ``south`` (text sits above the point) or ``north``."""

    x: float
    y: float
    text: Text
    anchor: str = "center"


@dataclass(frozen=True)
class Figure:
    """One picture: what it is called, how large one unit is, and what it holds.

    ``name`` is a short file-name part (``windows``, ``kernel-cells``, …);
    ``caption`` is prose markup for the sheet, ``alt`` a plain-text description for
    Markdown's image link.  ``unit`` is the side of one grid cell in centimetres;
    ``width`` and ``height`` bound everything drawn, in units."""

    name: str
    caption: str
    alt: str
    unit: float
    width: float
    height: float
    grids: tuple[Grid, ...] = ()
    outlines: tuple[Outline, ...] = ()
    arrows: tuple[Arrow, ...] = ()
    boxes: tuple[Box, ...] = ()
    labels: tuple[Label, ...] = ()

    def highlighted(self, grid: int, style: str = "read") -> tuple[tuple[int, ...], ...]:
        """The tensor elements of ``grids[grid]`` drawn in ``style``, row-major."""
        return tuple(c.element for c in self.grids[grid].styled(style) if c.element is not None)
