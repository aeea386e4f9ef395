"""A network's layers and shapes as a figure: one box per layer, in order, with arrows.

:func:`network` takes plain data, a list of ``(layer name, kind, output shape)``
tuples, so that a network (or a handout) can draw itself without this module
knowing how it was built.  Names are the user's text: they are wrapped to fit a
box and escaped by each renderer, never interpreted.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..exceptions import SpecError, SpecTypeError, quoted
from .messages import text
from .model import Arrow, Box, Figure, Label, Text

__all__ = ["network"]

PER_ROW = 4
BOX_WIDTH = 4.0  # units
GAP = 1.2
LINE = 0.55  # units per line of text
CHARS = 18  # characters per line of a name or kind
MAX_LINES = 3
UNIT = 0.8


def _wrap(text: str) -> tuple[str, ...]:
    """At most MAX_LINES lines of at most CHARS characters, broken at spaces (a longer
    word is cut); what does not fit ends with an ellipsis."""
    pieces = [w[i : i + CHARS] for w in text.split() for i in range(0, len(w), CHARS)]
    lines: list[str] = []
    for piece in pieces:
        if lines and len(lines[-1]) + 1 + len(piece) <= CHARS:
            lines[-1] += " " + piece
        else:
            lines.append(piece)
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] = lines[-1][: CHARS - 1] + "…"
    return tuple(lines) or ("",)


def _is_loss(kind: str) -> bool:
    return kind in ("squared_error", "softmax_cross_entropy") or "loss" in kind.lower()


def _check(layers: object) -> list[tuple[str, str, tuple[int, ...]]]:
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
        raise SpecTypeError(
            f"layers {quoted(layers)}: expected a list of (name, kind, shape) tuples"
        )
    if not layers:
        raise SpecError("layers []: expected at least one (name, kind, shape) tuple")
    out = []
    for k, item in enumerate(layers):
        if (
            not isinstance(item, (tuple, list))
            or len(item) != 3
            or not isinstance(item[0], str)
            or not isinstance(item[1], str)
            or not isinstance(item[2], (tuple, list))
        ):
            raise SpecTypeError(
                f"layers[{k}] {quoted(item)}: expected (name, kind, shape), such as "
                "('conv1', 'conv2d', (1, 1, 3, 3))"
            )
        shape = tuple(item[2])
        if not shape or not all(
            isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in shape
        ):
            raise SpecError(
                f"layers[{k}] shape {quoted(item[2])}: expected positive integers, such as "
                "(1, 1, 3, 3)"
            )
        out.append((item[0], item[1], shape))
    return out


def network(
    layers: Sequence[tuple[str, str, tuple[int, ...]]],
    caption: str | None = None,
    lang: str = "en",
) -> Figure:
    """The layers in order, left to right and row by row (four to a row), each box
    naming the layer, its kind and its output shape, joined by arrows.

    ``layers`` is a list of ``(name, kind, shape)``; ``caption`` (prose markup) says
    what the network is (default: a sentence in ``lang`` saying what the boxes hold); the
    names are text (escaped by each renderer)."""
    items = _check(layers)
    texts = []
    for name, kind, shape in items:
        lines = [Text(line, math=False, size="small", style="strong") for line in _wrap(name)]
        lines += [Text(line, math=False, size="script", style="muted") for line in _wrap(kind)]
        lines.append(Text("×".join(map(str, shape)), size="script"))
        texts.append(lines)
    height = max(len(t) for t in texts) * LINE + 0.5
    boxes: list[Box] = []
    labels: list[Label] = []
    arrows: list[Arrow] = []
    for k, lines in enumerate(texts):
        row, col = divmod(k, PER_ROW)
        x = col * (BOX_WIDTH + GAP)
        y = row * (height + GAP)
        boxes.append(Box(x, y, BOX_WIDTH, height, "loss" if _is_loss(items[k][1]) else "layer"))
        top = y + (height - len(lines) * LINE) / 2
        for i, t in enumerate(lines):
            labels.append(Label(x + BOX_WIDTH / 2, top + (i + 0.5) * LINE, t))
        if k:
            prow, pcol = divmod(k - 1, PER_ROW)
            px = pcol * (BOX_WIDTH + GAP)
            py = prow * (height + GAP)
            if prow == row:
                arrows.append(Arrow(((px + BOX_WIDTH, py + height / 2), (x, y + height / 2))))
            else:
                mid = py + height + GAP / 2
                arrows.append(
                    Arrow(
                        (
                            (px + BOX_WIDTH / 2, py + height),
                            (px + BOX_WIDTH / 2, mid),
                            (x + BOX_WIDTH / 2, mid),
                            (x + BOX_WIDTH / 2, y),
                        )
                    )
                )
    rows = (len(items) - 1) // PER_ROW + 1
    cols = min(len(items), PER_ROW)
    alt = text(
        "figures.network.alt",
        lang,
        items=" → ".join(
            f"{name} ({kind}, {'×'.join(map(str, shape))})" for name, kind, shape in items
        ),
    )
    return Figure(
        name="network",
        caption=caption if caption is not None else text("figures.network.caption", lang),
        alt=alt,
        unit=UNIT,
        width=cols * BOX_WIDTH + (cols - 1) * GAP,
        height=rows * height + (rows - 1) * GAP,
        boxes=tuple(boxes),
        labels=tuple(labels),
        arrows=tuple(arrows),
    )
