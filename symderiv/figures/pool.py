"""Figures of a pooling layer, drawn from the derivation's own data.

* :func:`pool_windows`: the windows over the first input map, each the cells its
  output's forward element reads; windows that do not overlap are outlined on
  one grid beside the output grid, coloured alike; overlapping ones are drawn
  one panel per output, as :func:`~.conv.windows` draws them.
* :func:`max_switches`: the values of A with every window outlined, and the cells
  that receive a window's delta, read off the derived ∂E/∂A (the D factors of its
  terms, with their shares); cells that also hold a tied maximum but receive
  nothing (PyTorch's first-maximum rule) are dashed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sympy

from ..core.model import Derivation
from ..layers.pool.spec import MaxPoolSpec
from .conv import _FIRST, _input_border, _reads, maps_note, windows
from .layout import element_text, map_grid, place, rc, spatial_shape, symbol_index
from .messages import text
from .model import Cell, Figure, Grid, Label, Outline, Text
from .styles import WINDOW_PALETTE
from .text import FRACTIONS

__all__ = ["max_switches", "pool_windows"]

_GAP = 2  # units between the input and the output grid


def _window_cells(d: Derivation) -> dict[tuple[int, ...], tuple[tuple[int, ...], ...]]:
    """Output spatial index -> the first input map's cells its forward element reads."""
    return {e.index[2:]: tuple(_reads(e)) for e in d.forward if e.index[:2] == _FIRST}


def _disjoint(cells: dict[tuple[int, ...], tuple[tuple[int, ...], ...]]) -> bool:
    seen: set[tuple[int, ...]] = set()
    for group in cells.values():
        if seen & set(group):
            return False
        seen |= set(group)
    return True


def _bounding(
    cells: tuple[tuple[int, ...], ...], border: tuple[int, int]
) -> tuple[int, int, int, int]:
    """(row, col, rows, cols) of the rectangle around cells (full indices), in grid
    coordinates (the padding border shifts them)."""
    points = [rc(ix[2:]) for ix in cells]
    r0, r1 = min(p[0] for p in points), max(p[0] for p in points)
    c0, c1 = min(p[1] for p in points), max(p[1] for p in points)
    return r0 + border[0], c0 + border[1], r1 - r0 + 1, c1 - c0 + 1


def _output_grid(
    d: Derivation, colours: dict[tuple[int, ...], int], texts: dict[tuple[int, ...], Text]
) -> Grid:
    Z = next(t for t in d.tensors if t.letter == "D").shape  # Z has D's shape
    one_d = len(Z) == 3

    def cell(index: tuple[int, ...]) -> Cell:
        u = index[2:]
        return Cell(0, 0, f"out{colours[u] % 4}", texts[u])

    return map_grid("Z", _FIRST, spatial_shape(Z), one_d, cell)


def _side_by_side(
    d: Derivation,
    a_grid: Grid,
    windows_of: dict[tuple[int, ...], tuple[tuple[int, ...], ...]],
    texts: dict[tuple[int, ...], Text],
    border: tuple[int, int],
) -> tuple[tuple[Grid, ...], tuple[Outline, ...], tuple[Label, ...], float, float]:
    colours = {u: k for k, u in enumerate(windows_of)}
    z_grid = _output_grid(d, colours, texts)
    top = 1.0
    a_grid = place(a_grid, 0, top)
    z_grid = place(z_grid, a_grid.cols + _GAP, top + (a_grid.rows - z_grid.rows) / 2)
    outlines = tuple(
        Outline(0, *_bounding(cells, border), WINDOW_PALETTE[colours[u] % 4], inset=0.08)
        for u, cells in windows_of.items()
        if cells
    )
    arrow_y = top + a_grid.rows / 2
    labels = (Label(a_grid.cols + _GAP / 2, arrow_y, Text("→", math=False, size="normal")),)
    width = z_grid.x + z_grid.cols
    height = top + max(a_grid.rows, z_grid.rows)
    return (a_grid, z_grid), outlines, labels, width, height


def pool_windows(d: Derivation, lang: str = "en") -> Figure:
    """The pooling windows over the first input map (see the module's docstring);
    captions in ``lang``."""
    A = d.tensor("A")
    one_d = len(A.shape) == 3
    windows_of = _window_cells(d)
    if not _disjoint(windows_of):
        return windows(d, lang=lang)  # a mean pooling's cells carry no kernel element
    border = _input_border(d.layer)
    a_grid = map_grid(
        "A",
        _FIRST,
        spatial_shape(A.shape),
        one_d,
        lambda ix: Cell(0, 0, "plain", element_text(d.notation, "A", ix, maps=False)),
        border=border,
        title=Text("A"),
    )
    texts = {u: element_text(d.notation, "Z", (*_FIRST, *u), maps=False) for u in windows_of}
    grids, outlines, labels, width, height = _side_by_side(d, a_grid, windows_of, texts, border)
    grids = (grids[0], replace(grids[1], title=Text("Z")))
    padding = text("figures.padding_outside", lang) if any(border) else ""
    caption = text("figures.pool.caption", lang, padding=padding) + maps_note(d, lang)
    items = "; ".join(
        text(
            "figures.reads",
            lang,
            out=texts[u].plain(),
            cells=", ".join(element_text(d.notation, "A", ix).plain() for ix in cells),
        )
        for u, cells in windows_of.items()
    )
    alt = text("figures.pool.alt", lang, items=items)
    return Figure(
        name="windows",
        caption=caption,
        alt=alt,
        unit=0.6,
        width=width,
        height=height,
        grids=grids,
        outlines=outlines,
        labels=labels,
    )


def _number(x: Any) -> str:
    """A value as the sheet prints it: an integer as one, anything else as a float."""
    if isinstance(x, int) or (isinstance(x, sympy.Basic) and x.is_Integer):
        return str(int(x))
    value = float(x)
    return str(int(value)) if value.is_integer() else repr(value)


def max_switches(d: Derivation, lang: str = "en") -> Figure:
    """The values of A, the windows, and where each window's delta goes (see the
    module's docstring); captions in ``lang``."""
    layer = d.layer
    if not isinstance(layer, MaxPoolSpec):
        raise ValueError("the switches are drawn for max pooling")
    A = d.tensor("A")
    one_d = len(A.shape) == 3
    windows_of = _window_cells(d)
    received: dict[tuple[int, ...], list[tuple[sympy.Rational, tuple[int, ...]]]] = {}
    for g in d.gradients_of("A"):
        if g.index[:2] != _FIRST:
            continue
        for t in g.terms:  # c·D_u: this cell receives the share c of D_u
            (delta,) = t.factors
            received.setdefault(g.index, []).append((t.coeff, symbol_index(delta)[1]))
    maxima: set[tuple[int, ...]] = set()
    for w in layer.windows:
        if w.output[:2] == _FIRST:
            by_offset = {c.offset: c for c in w.cells}
            maxima |= {by_offset[p].input for p in w.maxima}
    values = layer.a_values

    def cell(index: tuple[int, ...]) -> Cell:
        text = Text(_number(values[index]), size="small")
        if index in received:
            shares = received[index]
            coeff, delta = shares[0]
            prefix = "" if coeff == 1 else FRACTIONS.get((coeff.p, coeff.q), f"{coeff}·")
            note = (
                element_text(
                    d.notation,
                    "D",
                    delta,
                    size="tiny",
                    style="accent",
                    prefix=prefix,
                    maps=False,
                )
                if len(shares) == 1
                else Text(f"{len(shares)} deltas", math=False, size="tiny", style="accent")
            )
            return Cell(0, 0, "win", text, note)
        if index in maxima:
            return Cell(0, 0, "tie", text)
        return Cell(0, 0, "plain", text)

    border = _input_border(layer)
    a_grid = map_grid(
        "A", _FIRST, spatial_shape(A.shape), one_d, cell, border=border, title=Text("A")
    )
    subs = layer.substitutions()
    a_values = {s: values[symbol_index(s)[1]] for s in A.elements}
    z_values = {
        e.index[2:]: e.expr.xreplace(subs).xreplace(a_values)
        for e in d.forward
        if e.index[:2] == _FIRST
    }
    texts = {u: Text(_number(v), size="small") for u, v in z_values.items()}
    grids, outlines, labels, width, height = _side_by_side(d, a_grid, windows_of, texts, border)
    grids = (grids[0], replace(grids[1], title=Text("Z")))
    tied = layer.ties == "first" and any(c.style == "tie" for c in a_grid.cells)
    ties = text("figures.max.ties", lang) if tied else ""
    caption = text("figures.max.caption", lang, ties=ties) + maps_note(d, lang)
    items = "; ".join(
        text(
            "figures.receives",
            lang,
            a=element_text(d.notation, "A", ix).plain(),
            value=_number(values[ix]),
            deltas=" + ".join(
                ("" if c == 1 else f"{c}·") + element_text(d.notation, "D", u).plain()
                for c, u in shares
            ),
        )
        for ix, shares in received.items()
    )
    alt = text("figures.max.alt", lang, items=items)
    return Figure(
        name="switches",
        caption=caption,
        alt=alt,
        unit=0.7,
        width=width,
        height=height,
        grids=grids,
        outlines=outlines,
        labels=labels,
    )
