"""A :class:`~.model.Figure` as standalone SVG text.

Deterministic (the same figure gives the same bytes), self-contained (no
external fonts, images, scripts or links: the generic ``serif`` family), on a
white background so that it reads in a dark-themed viewer too.  It draws what
:mod:`.tikz` draws, at the same size: one unit is ``Figure.unit`` centimetres.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from ..marker import MARKER, package_version
from .model import NOTE_INSET, SIZES, TEXT_WITH_NOTE, Figure, Text
from .styles import (
    ARROW_STYLES,
    BOX_STYLES,
    CELL_STYLES,
    OUTLINE_STYLES,
    TEXT_COLOURS,
    CellStyle,
    LineStyle,
    hex_colour,
)
from .text import unicode_base

__all__ = ["render_svg"]

PX_PER_CM = 96 / 2.54
PX_PER_PT = 96 / 72
MARGIN = 0.3  # units of white around the drawing
_ARROW = (6.0, 4.0)  # arrow head length and width, px


def _n(x: float) -> str:
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class _Canvas:
    def __init__(self, fig: Figure) -> None:
        self.k = fig.unit * PX_PER_CM  # px per unit
        self.lines: list[str] = []

    def px(self, units: float) -> str:
        return _n((units + MARGIN) * self.k)

    def size(self, units: float) -> str:
        return _n(units * self.k)


def _stroke(colour: str, width: float, dashed: bool) -> str:
    dash = ' stroke-dasharray="2.67 2"' if dashed else ""
    return f'stroke="{colour}" stroke-width="{_n(width * PX_PER_PT)}"{dash}'


def _cell_attrs(s: CellStyle) -> str:
    fill = hex_colour(s.fill) if s.fill is not None else "none"
    return f'fill="{fill}" ' + _stroke(hex_colour(s.border), s.width, s.dashed)


def _line_attrs(s: LineStyle) -> str:
    return 'fill="none" ' + _stroke(hex_colour(s.colour), s.width, s.dashed)


def _text(c: _Canvas, x: float, y: float, t: Text, anchor: str = "center") -> str:
    """``t`` placed as TikZ places a node with that anchor (inner sep 0)."""
    fs = SIZES[t.size] * PX_PER_PT
    horizontal = {"west": "start", "east": "end", "south east": "end"}.get(anchor, "middle")
    # baseline: centred text sits 0.35 em below the point; text above a point (south)
    # 0.2 em above it; text below a point (north) 0.75 em below it
    shift = {"south": -0.2, "south east": -0.2, "north": 0.75}.get(anchor, 0.35) * fs
    base = escape(unicode_base(t))
    italic = t.math and any(ch.isascii() and ch.isalpha() for ch in t.base)
    style = ' font-style="italic"' if italic else ""
    colour = hex_colour(TEXT_COLOURS[t.style])
    body = f"<tspan{style}>{base}</tspan>" if italic else base
    small = _n(fs * 0.7)
    up = fs * 0.35
    down = fs * 0.2
    if t.sup:
        body += f'<tspan dy="{_n(-up)}" font-size="{small}">{escape(t.sup)}</tspan>'
    if t.sub:
        dy = up + down if t.sup else down
        body += f'<tspan dy="{_n(dy)}" font-size="{small}">{escape(t.sub)}</tspan>'
    yy = float(c.px(y)) + shift
    return (
        f'<text x="{c.px(x)}" y="{_n(yy)}" font-size="{_n(fs)}" fill="{colour}" '
        f'text-anchor="{horizontal}">{body}</text>'
    )


DISPLAY = 2.0
"""How many screen pixels an SVG figure gives each unit of its drawing."""


def render_svg(fig: Figure, *, header: bool = True) -> str:
    """The figure as an SVG document (with symderiv's header comment unless ``header``
    is false); ends with a newline."""
    c = _Canvas(fig)
    width = _n((fig.width + 2 * MARGIN) * c.k)
    height = _n((fig.height + 2 * MARGIN) * c.k)
    out = []
    if header:
        out.append(f"<!-- {MARKER} {package_version()}; do not edit -->")
    # shown at DISPLAY times the drawing's size: at 1 px per unit the labels of a cell
    # (K₀₀, a red D₀₁) are 5 px tall on a screen, too small to read
    shown_w = _n(float(width) * DISPLAY)
    shown_h = _n(float(height) * DISPLAY)
    out.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{shown_w}" height="{shown_h}" '
        f'viewBox="0 0 {width} {height}" font-family="serif">'
    )
    out.append(f"<title>{escape(fig.alt)}</title>")
    arrow_styles = sorted({a.style for a in fig.arrows})
    if arrow_styles:
        out.append("<defs>")
        length, wide = _ARROW
        for name in arrow_styles:
            colour = hex_colour(ARROW_STYLES[name].colour)
            out.append(
                f'<marker id="head-{name}" viewBox="0 0 {_n(length)} {_n(wide)}" '
                f'refX="{_n(length)}" refY="{_n(wide / 2)}" markerUnits="userSpaceOnUse" '
                f'markerWidth="{_n(length)}" markerHeight="{_n(wide)}" orient="auto">'
                f'<path d="M0,0 L{_n(length)},{_n(wide / 2)} L0,{_n(wide)} '
                f'L{_n(length * 0.3)},{_n(wide / 2)} z" fill="{colour}"/></marker>'
            )
        out.append("</defs>")
    out.append(f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>')
    for grid in fig.grids:
        for cell in grid.cells:
            x, y = grid.x + cell.col, grid.y + cell.row
            out.append(
                f'<rect x="{c.px(x)}" y="{c.px(y)}" width="{c.size(1)}" height="{c.size(1)}" '
                f"{_cell_attrs(CELL_STYLES[cell.style])}/>"
            )
        for cell in grid.cells:
            x, y = grid.x + cell.col, grid.y + cell.row
            if cell.text is not None:
                middle = TEXT_WITH_NOTE if cell.note is not None else 0.5
                out.append(_text(c, x + 0.5, y + middle, cell.text))
            if cell.note is not None:
                out.append(
                    _text(c, x + 1 - NOTE_INSET, y + 1 - NOTE_INSET, cell.note, "south east")
                )
        if grid.title is not None:
            out.append(_text(c, grid.x + grid.cols / 2, grid.y - 0.25, grid.title, "south"))
    for o in fig.outlines:
        grid = fig.grids[o.grid]
        out.append(
            f'<rect x="{c.px(grid.x + o.col + o.inset)}" y="{c.px(grid.y + o.row + o.inset)}" '
            f'width="{c.size(o.cols - 2 * o.inset)}" height="{c.size(o.rows - 2 * o.inset)}" '
            f"{_line_attrs(OUTLINE_STYLES[o.style])}/>"
        )
    for b in fig.boxes:
        out.append(
            f'<rect x="{c.px(b.x)}" y="{c.px(b.y)}" width="{c.size(b.width)}" '
            f'height="{c.size(b.height)}" rx="{_n(2 * PX_PER_PT)}" '
            f"{_cell_attrs(BOX_STYLES[b.style])}/>"
        )
    for a in fig.arrows:
        points = " ".join(f"{c.px(x)},{c.px(y)}" for x, y in a.points)
        out.append(
            f'<polyline points="{points}" {_line_attrs(ARROW_STYLES[a.style])} '
            f'marker-end="url(#head-{a.style})"/>'
        )
    out += [_text(c, label.x, label.y, label.text, label.anchor) for label in fig.labels]
    out.append("</svg>")
    return "\n".join(out) + "\n"
