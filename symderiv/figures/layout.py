"""Shared pieces of the figure builders: one map as a grid, element labels, panels
laid out in rows that fit the page, and picking a few elements of many."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import product

from ..core.symbols import Notation, parse_name
from .model import Cell, Grid, Label, Text

__all__ = [
    "MAX_PANELS",
    "MAX_WIDTH_CM",
    "Panel",
    "arrange",
    "element_text",
    "map_grid",
    "pick",
    "spatial_shape",
    "symbol_index",
]

MAX_WIDTH_CM = 16.0
"""The widest a figure is drawn (the sheets' text is 17 cm wide)."""

MAX_PANELS = 9
"""Small multiples show at most this many panels (picked evenly)."""

GAP = 1  # units between panels, and the title row above each


def symbol_index(symbol: object) -> tuple[str, tuple[int, ...]]:
    """(letter, full index) of one of symderiv's element symbols."""
    return parse_name(str(symbol))


def spatial_shape(shape: tuple[int, ...]) -> tuple[int, int]:
    """(rows, cols) of one map of a PyTorch-layout shape (N, C, *spatial), 1-D as one row."""
    spatial = shape[2:]
    if len(spatial) == 1:
        return 1, spatial[0]
    if len(spatial) == 2:
        return spatial[0], spatial[1]
    raise ValueError(f"a figure draws 1-D and 2-D maps, not shape {shape}")


def rc(spatial: tuple[int, ...]) -> tuple[int, int]:
    """(row, col) of a 1-D or 2-D spatial index."""
    return (0, spatial[0]) if len(spatial) == 1 else (spatial[0], spatial[1])


def element_text(
    notation: Notation,
    letter: str,
    index: tuple[int, ...],
    *,
    size: str = "script",
    style: str = "plain",
    prefix: str = "",
    maps: bool = True,
) -> Text:
    """``A_{01}`` (with the shown batch/channel indices as a superscript, unless ``maps``
    is false: inside a cell of a map's grid the map is known), as the sheet prints the
    element; ``prefix`` goes before the letter (``½``)."""
    sup, sub = notation.split(letter, index)
    return Text(
        base=prefix + letter,
        sub=notation.subscript(sub),
        sup="(" + ",".join(map(str, sup)) + ")" if sup and maps else "",
        size=size,
        style=style,
    )


def map_grid(
    letter: str,
    lead: tuple[int, ...],
    shape: tuple[int, int],
    one_d: bool,
    cell: Callable[[tuple[int, ...]], Cell],
    *,
    border: tuple[int, int] = (0, 0),
    title: Text | None = None,
) -> Grid:
    """The map ``letter[lead]`` as a grid, each cell made by ``cell(full index)`` (row and
    column are set here); with ``border`` (rows, columns) padding cells (style ``pad``)
    around it."""
    rows, cols = shape
    b_rows, b_cols = border
    cells = []
    for r, c in product(range(rows + 2 * b_rows), range(cols + 2 * b_cols)):
        i, j = r - b_rows, c - b_cols
        if 0 <= i < rows and 0 <= j < cols:
            spatial = (j,) if one_d else (i, j)
            made = cell((*lead, *spatial))
            cells.append(replace(made, row=r, col=c, element=(*lead, *spatial)))
        else:
            cells.append(Cell(r, c, "pad"))
    return Grid(0, 0, rows + 2 * b_rows, cols + 2 * b_cols, letter, tuple(cells), title)


@dataclass(frozen=True)
class Panel:
    """One panel of small multiples: its grids (placed relative to the panel's corner),
    and its size in units."""

    grids: tuple[Grid, ...]
    width: float
    height: float
    labels: tuple[Label, ...] = ()


def arrange(
    panels: Sequence[Panel], unit: float, *, gap: float = GAP, top: float = GAP
) -> tuple[tuple[tuple[float, float], ...], float, float]:
    """Place panels left to right, wrapping to a new row before the page width; each
    panel has ``top`` units above it (its title).  Returns every panel's corner and the
    total width and height."""
    limit = MAX_WIDTH_CM / unit
    corners: list[tuple[float, float]] = []
    x = y = 0.0
    row_height = 0.0
    width = 0.0
    for p in panels:
        if corners and x > 0 and x + p.width > limit:
            x = 0.0
            y += row_height + gap
            row_height = 0.0
        corners.append((x, y + top))
        width = max(width, x + p.width)
        row_height = max(row_height, p.height + top)
        x += p.width + gap
    return tuple(corners), width, y + row_height


def place(grid: Grid, x: float, y: float) -> Grid:
    """The grid moved by (x, y)."""
    return replace(grid, x=grid.x + x, y=grid.y + y)


def pick(
    indices: Sequence[tuple[int, ...]], limit: int = MAX_PANELS
) -> tuple[tuple[int, ...], ...]:
    """At most ``limit`` of the (spatial) indices, keeping the first, the last and evenly
    spaced ones between: per axis the first, middle and last when there are too many."""
    items = list(indices)
    if len(items) <= limit:
        return tuple(items)
    ndim = len(items[0])
    per_axis = [sorted({ix[a] for ix in items}) for a in range(ndim)]
    if ndim >= 2:
        keep = [sorted({v[0], v[(len(v) - 1) // 2], v[-1]}) for v in per_axis]
        chosen = {ix for ix in items if all(ix[a] in keep[a] for a in range(ndim))}
        return tuple(ix for ix in items if ix in chosen)[:limit]
    n = len(items)
    positions = sorted({round(k * (n - 1) / (limit - 1)) for k in range(limit)})
    return tuple(items[p] for p in positions)
