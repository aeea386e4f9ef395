"""A :class:`~.model.Figure` as a TikZ picture (needs only ``\\usepackage{tikz}``).

The picture uses the figure's own coordinates (``x`` = one unit to the right,
``y`` = one unit *down*); every style it uses is defined in the picture's options,
so the text can be pasted into any document that loads TikZ.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import NOTE_INSET, SIZES, TEXT_WITH_NOTE, Cell, Figure, Label, Text
from .styles import (
    ARROW_STYLES,
    BOX_STYLES,
    CELL_STYLES,
    OUTLINE_STYLES,
    RGB,
    TEXT_COLOURS,
    CellStyle,
    LineStyle,
)
from .text import text_latex

__all__ = ["number", "render_tikz"]

_FONTS = {
    "normal": r"\normalsize",
    "small": r"\footnotesize",
    "script": r"\scriptsize",
    "tiny": r"\tiny",
}


def number(x: float) -> str:
    """A coordinate: at most three decimals, no trailing zeros, never ``-0``."""
    text = f"{x:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _colour(rgb: RGB) -> str:
    r, g, b = rgb
    return f"{{rgb,255:red,{r};green,{g};blue,{b}}}"


def _dash(dashed: bool) -> str:
    return ",dash pattern=on 2pt off 1.5pt" if dashed else ""


def _cell_style(s: CellStyle) -> str:
    fill = f"fill={_colour(s.fill)}," if s.fill is not None else ""
    return f"{fill}draw={_colour(s.border)},line width={number(s.width)}pt{_dash(s.dashed)}"


def _line_style(s: LineStyle) -> str:
    return f"draw={_colour(s.colour)},line width={number(s.width)}pt{_dash(s.dashed)}"


def _texts(fig: Figure) -> Iterable[Text]:
    for grid in fig.grids:
        if grid.title is not None:
            yield grid.title
        for cell in grid.cells:
            if cell.text is not None:
                yield cell.text
            if cell.note is not None:
                yield cell.note
    for label in fig.labels:
        yield label.text


def _text_key(t: Text) -> str:
    return f"sd t {t.size} {t.style}"


def _styles(fig: Figure) -> list[str]:
    """The options defining every style the picture uses, in a fixed order."""
    cells = {c.style for g in fig.grids for c in g.cells}
    outlines = {o.style for o in fig.outlines}
    arrows = {a.style for a in fig.arrows}
    boxes = {b.style for b in fig.boxes}
    texts = {(t.size, t.style) for t in _texts(fig)}
    out = []
    out += [f"sd c {k}/.style={{{_cell_style(v)}}}" for k, v in CELL_STYLES.items() if k in cells]
    out += [
        f"sd o {k}/.style={{{_line_style(v)}}}" for k, v in OUTLINE_STYLES.items() if k in outlines
    ]
    out += [f"sd a {k}/.style={{{_line_style(v)}}}" for k, v in ARROW_STYLES.items() if k in arrows]
    out += [
        f"sd b {k}/.style={{{_cell_style(v)},rounded corners=2pt}}"
        for k, v in BOX_STYLES.items()
        if k in boxes
    ]
    for size in SIZES:
        for colour, rgb in TEXT_COLOURS.items():
            if (size, colour) in texts:
                out.append(
                    f"sd t {size} {colour}/.style={{font={_FONTS[size]},"
                    f"text={_colour(rgb)},inner sep=0pt}}"
                )
    return out


def _node(x: float, y: float, t: Text, anchor: str = "center") -> str:
    where = "" if anchor == "center" else f",anchor={anchor}"
    return f"\\node[{_text_key(t)}{where}] at ({number(x)},{number(y)}) {{{text_latex(t)}}};"


def _text_y(cell: Cell) -> float:
    """Where a cell's text is centred, from the cell's top: higher when it has a note."""
    return TEXT_WITH_NOTE if cell.note is not None else 0.5


def _label(label: Label) -> str:
    return _node(label.x, label.y, label.text, label.anchor)


def render_tikz(fig: Figure) -> str:
    """The figure as a ``tikzpicture`` environment (ends with a newline)."""
    u = number(fig.unit)
    options = [f"x={u}cm", f"y=-{u}cm", "line join=round", *_styles(fig)]
    lines = ["\\begin{tikzpicture}[" + ",\n  ".join(options) + "]"]
    for grid in fig.grids:
        for cell in grid.cells:
            x, y = grid.x + cell.col, grid.y + cell.row
            lines.append(
                f"\\filldraw[sd c {cell.style}] ({number(x)},{number(y)}) rectangle ++(1,1);"
            )
        for cell in grid.cells:
            x, y = grid.x + cell.col, grid.y + cell.row
            if cell.text is not None:
                lines.append(_node(x + 0.5, y + _text_y(cell), cell.text))
            if cell.note is not None:
                lines.append(_node(x + 1 - NOTE_INSET, y + 1 - NOTE_INSET, cell.note, "south east"))
        if grid.title is not None:
            lines.append(_node(grid.x + grid.cols / 2, grid.y - 0.25, grid.title, "south"))
    for o in fig.outlines:
        grid = fig.grids[o.grid]
        x, y = grid.x + o.col + o.inset, grid.y + o.row + o.inset
        lines.append(
            f"\\draw[sd o {o.style}] ({number(x)},{number(y)}) rectangle "
            f"++({number(o.cols - 2 * o.inset)},{number(o.rows - 2 * o.inset)});"
        )
    for b in fig.boxes:
        lines.append(
            f"\\filldraw[sd b {b.style}] ({number(b.x)},{number(b.y)}) rectangle "
            f"++({number(b.width)},{number(b.height)});"
        )
    for a in fig.arrows:
        path = " -- ".join(f"({number(x)},{number(y)})" for x, y in a.points)
        lines.append(f"\\draw[sd a {a.style},-stealth] {path};")
    lines += [_label(label) for label in fig.labels]
    lines.append("\\end{tikzpicture}")
    return "\n".join(lines) + "\n"
