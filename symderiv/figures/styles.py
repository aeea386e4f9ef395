"""The look of every style a figure names, once, for both renderers.

Colours are RGB triples (0–255) that the TikZ renderer writes as
``{rgb,255:red,R;green,G;blue,B}`` and the SVG renderer as ``#rrggbb``, so the
two pictures match.  They stay tellable apart when printed in grey: a read cell
is light, a winner darker, a zero cell is a pale grey with a grey ``0``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "ARROW_STYLES",
    "BOX_STYLES",
    "CELL_STYLES",
    "OUTLINE_STYLES",
    "RGB",
    "TEXT_COLOURS",
    "WINDOW_PALETTE",
    "hex_colour",
]

RGB = tuple[int, int, int]

BLACK: RGB = (0, 0, 0)
GRID: RGB = (128, 128, 128)
WHITE: RGB = (255, 255, 255)
BLUE: RGB = (38, 84, 166)
RED: RGB = (179, 36, 36)
GREEN: RGB = (30, 122, 60)
ORANGE: RGB = (196, 107, 0)


@dataclass(frozen=True)
class CellStyle:
    """A cell's fill, border colour and width (points), and whether the border is dashed."""

    fill: RGB | None
    border: RGB = GRID
    width: float = 0.4
    dashed: bool = False


@dataclass(frozen=True)
class LineStyle:
    """A line's colour, width in points, and dash."""

    colour: RGB
    width: float
    dashed: bool = False


CELL_STYLES: dict[str, CellStyle] = {
    "plain": CellStyle(WHITE),
    "read": CellStyle((204, 217, 242)),  # read by the window / multiplied by the kernel element
    "zero": CellStyle((235, 235, 235)),  # a zero of the padding or of a zero insertion
    "pad": CellStyle((247, 247, 247), (190, 190, 190)),  # the input's padding (outside it)
    "win": CellStyle((250, 206, 150)),  # a max-pooling window's maximum, receiving its delta
    "tie": CellStyle((253, 236, 212), ORANGE, 0.8),  # also the maximum, receiving nothing
    "out0": CellStyle((204, 217, 242)),  # the output cells of a pooling picture, by window
    "out1": CellStyle((250, 214, 204)),
    "out2": CellStyle((208, 235, 214)),
    "out3": CellStyle((247, 229, 191)),
}

WINDOW_PALETTE = ("window0", "window1", "window2", "window3")
"""Outline styles cycled through when several windows share one grid."""

OUTLINE_STYLES: dict[str, LineStyle] = {
    "window": LineStyle(BLUE, 1.4),
    "kernel": LineStyle(RED, 1.4, dashed=True),
    "window0": LineStyle(BLUE, 1.4),
    "window1": LineStyle(RED, 1.4, dashed=True),
    "window2": LineStyle(GREEN, 1.4),
    "window3": LineStyle(ORANGE, 1.4, dashed=True),
}

ARROW_STYLES: dict[str, LineStyle] = {
    "plain": LineStyle(BLACK, 0.6),
    "accent": LineStyle(RED, 0.8),
}

BOX_STYLES: dict[str, CellStyle] = {
    "layer": CellStyle((236, 241, 250), BLUE, 0.8),
    "loss": CellStyle((250, 236, 236), RED, 0.8),
}

TEXT_COLOURS: dict[str, RGB] = {
    "plain": BLACK,
    "muted": GRID,
    "accent": RED,
    "strong": BLUE,
}


def hex_colour(rgb: RGB) -> str:
    """``#rrggbb``."""
    return "#" + "".join(f"{c:02x}" for c in rgb)
