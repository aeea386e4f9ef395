"""Figures of a convolution (and of any layer whose forward pass reads windows of A),
drawn from the derivation's own data.

* :func:`windows`: for chosen outputs, the cells of A each reads (the A factors of
  that forward element's terms), each labelled with the factor it is multiplied by.
* :func:`kernel_cells`: for each kernel element K_pq, the cells of A it multiplies
  (its contributions: ∂Z/∂K_pq), each with the delta of the output it reaches.
* :func:`padded_delta`: the delta as the input gradient reads it (zero-inserted for a
  stride, bordered with zeros: the derivation's delta map), with the flipped kernel
  over it for chosen inputs; the cells highlighted are the D factors of dE/dA's terms.

Each builder draws the first map (batch 0, channel 0, kernel map (0, 0)) of a 1-D
or 2-D layer.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product
from typing import Any

import sympy

from ..core.model import Derivation, Element
from ..layers.conv.spec import ConvSpec
from .layout import (
    Panel,
    arrange,
    element_text,
    map_grid,
    pick,
    place,
    rc,
    spatial_shape,
    symbol_index,
)
from .messages import text
from .model import Cell, Figure, Grid, Label, Outline, Text

__all__ = ["kernel_cells", "maps_note", "padded_delta", "windows"]

_FIRST = (0, 0)


def _letter(symbol: sympy.Basic) -> str:
    return symbol_index(symbol)[0]


def _input_border(layer: Any) -> tuple[int, int]:
    """The zero (or −∞) padding drawn around the input: a direct layer's own padding."""
    padding = tuple(getattr(layer, "padding", ()) or ())
    if getattr(layer, "transposed", False) or not padding:
        return (0, 0)
    return (0, padding[0]) if len(padding) == 1 else (padding[0], padding[1])


def maps_note(d: Derivation, lang: str = "en") -> str:
    """What the figures leave out when the layer has more than one map (prose)."""
    shapes = {t.letter: t.shape for t in d.tensors}
    many: list[str] = [
        x for x in ("A", "D") if x in shapes and (shapes[x][0] > 1 or shapes[x][1] > 1)
    ]
    if "K" in shapes and (shapes["K"][0] > 1 or shapes["K"][1] > 1):
        many.append("K")
    if not many:
        return ""
    return text("figures.maps", lang)


def _reads(e: Element, letter: str = "A") -> dict[tuple[int, ...], tuple[sympy.Rational, Any]]:
    """The ``letter`` elements of the first map that a forward element reads, each with
    the term's coefficient and its other factor (``None`` when there is none)."""
    out: dict[tuple[int, ...], tuple[sympy.Rational, Any]] = {}
    for t in e.terms:
        inputs = [f for f in t.factors if _letter(f) == letter]
        if len(inputs) != 1:
            continue  # the bias term, or no input
        index = symbol_index(inputs[0])[1]
        if index[:2] != _FIRST:
            continue
        rest = [f for f in t.factors if f is not inputs[0]]
        out[index] = (t.coeff, rest[0] if len(rest) == 1 else None)
    return out


def _small_multiples(
    name: str,
    caption: str,
    alt: str,
    unit: float,
    panels: Sequence[Panel],
    outlines: Sequence[Sequence[Outline]] = (),
) -> Figure:
    corners, width, height = arrange(panels, unit)
    grids: list[Grid] = []
    placed: list[Outline] = []
    labels: list[Label] = []
    for k, (panel, (x, y)) in enumerate(zip(panels, corners, strict=True)):
        first = len(grids)
        grids += [place(g, x, y) for g in panel.grids]
        labels += [Label(lb.x + x, lb.y + y, lb.text, lb.anchor) for lb in panel.labels]
        if outlines:
            placed += [
                Outline(first + o.grid, o.row, o.col, o.rows, o.cols, o.style) for o in outlines[k]
            ]
    return Figure(
        name=name,
        caption=caption,
        alt=alt,
        unit=unit,
        width=width,
        height=height,
        grids=tuple(grids),
        outlines=tuple(placed),
        labels=tuple(labels),
    )


def windows(
    d: Derivation, outputs: Sequence[tuple[int, ...]] | None = None, lang: str = "en"
) -> Figure:
    """For each chosen output (spatial indices of the first output map; default: all,
    or nine picked evenly), the input grid with the cells that output reads, each
    labelled with what it is multiplied by (K_pq for a convolution); captions in
    ``lang``."""
    A = d.tensor("A")
    one_d = len(A.shape) == 3
    shape = spatial_shape(A.shape)
    forward = {e.index[2:]: e for e in d.forward if e.index[:2] == _FIRST}
    chosen = pick(list(forward)) if outputs is None else tuple(map(tuple, outputs))
    border = _input_border(d.layer)
    panels = []
    for u in chosen:
        e = forward[u]
        reads = _reads(e)

        def cell(index: tuple[int, ...], reads: dict = reads) -> Cell:
            if index not in reads:
                return Cell(0, 0)
            _, partner = reads[index]
            label = None if partner is None else _symbol_text(d, partner, "tiny")
            return Cell(0, 0, "read", label)

        grid = map_grid(
            "A",
            _FIRST,
            shape,
            one_d,
            cell,
            border=border,
            title=element_text(d.notation, e.tensor, e.index),
        )
        panels.append(Panel((grid,), grid.cols, grid.rows))
    labelled = any(c.text is not None for p in panels for g in p.grids for c in g.cells)
    caption = text(
        "figures.windows.caption",
        lang,
        padding=text("figures.padding", lang) if any(border) else "",
        labels=text("figures.windows.labels", lang) if labelled else "",
        count=text("figures.windows.count", lang, shown=len(chosen), total=len(forward))
        if len(chosen) < len(forward)
        else "",
    ) + maps_note(d, lang)
    items = "; ".join(
        text(
            "figures.reads",
            lang,
            out=element_text(d.notation, forward[u].tensor, forward[u].index).plain(),
            cells=", ".join(element_text(d.notation, "A", ix).plain() for ix in _reads(forward[u])),
        )
        for u in chosen
    )
    alt = text("figures.windows.alt", lang, items=items)
    return _small_multiples("windows", caption, alt, 0.55, panels)


def _symbol_text(d: Derivation, symbol: Any, size: str, style: str = "plain") -> Text:
    letter, index = symbol_index(symbol)
    return element_text(d.notation, letter, index, size=size, style=style, maps=False)


def kernel_cells(
    d: Derivation, kernel: Sequence[tuple[int, ...]] | None = None, lang: str = "en"
) -> Figure:
    """For each chosen element K_pq of the first kernel map (default: all, or nine), the
    input grid with the cells K_pq multiplies, read off its contributions (∂Z/∂K_pq),
    each with the delta of the output it reaches: ∂E/∂K_pq is the sum of their products;
    captions in ``lang``."""
    A = d.tensor("A")
    one_d = len(A.shape) == 3
    shape = spatial_shape(A.shape)
    grads = {g.index[2:]: g for g in d.gradients_of("K") if g.index[:2] == _FIRST}
    chosen = pick(list(grads)) if kernel is None else tuple(map(tuple, kernel))
    panels = []
    alt_parts = []
    for p in chosen:
        g = grads[p]
        cells: dict[tuple[int, ...], tuple[int, ...]] = {}
        for c in g.contributions:
            (a,) = sorted(c.derivative.free_symbols, key=str)  # dZ/dK = one element of A
            index = symbol_index(a)[1]
            if index[:2] == _FIRST:
                cells[index] = c.output

        def cell(index: tuple[int, ...], cells: dict = cells) -> Cell:
            if index not in cells:
                return Cell(0, 0)
            return Cell(
                0,
                0,
                "read",
                text=element_text(d.notation, "A", index, maps=False),
                note=element_text(
                    d.notation, "D", cells[index], size="tiny", style="accent", maps=False
                ),
            )

        grid = map_grid(
            "A", _FIRST, shape, one_d, cell, title=element_text(d.notation, "K", g.index)
        )
        panels.append(Panel((grid,), grid.cols, grid.rows))
        alt_parts.append(
            text(
                "figures.multiplies",
                lang,
                k=element_text(d.notation, "K", g.index).plain(),
                cells=", ".join(
                    text(
                        "figures.into",
                        lang,
                        a=element_text(d.notation, "A", a).plain(),
                        z=element_text(d.notation, "Z", o).plain(),
                    )
                    for a, o in cells.items()
                ),
            )
        )
    k = "K_{p}" if one_d else "K_{pq}"
    caption = text("figures.kernel.caption", lang, k=k) + maps_note(d, lang)
    alt = text("figures.kernel.alt", lang, items="; ".join(alt_parts))
    return _small_multiples("kernel-cells", caption, alt, 0.7, panels)


def _kernel_layout(layer: ConvSpec) -> dict[tuple[int, ...], tuple[int, ...]]:
    """Offset in the sliding window -> the kernel index there: rot180 of the dilated
    kernel for the correlation convention, the dilated kernel itself for the
    convolution convention (whose forward pass already flips it)."""
    out = {}
    for p in product(*(range(k) for k in layer.kernel)):
        if layer.convention == "correlation":
            offset = tuple(
                dd * (k - 1 - q) for dd, k, q in zip(layer.dilation, layer.kernel, p, strict=True)
            )
        else:
            offset = tuple(dd * q for dd, q in zip(layer.dilation, p, strict=True))
        out[offset] = p
    return out


def padded_delta(
    d: Derivation, inputs: Sequence[tuple[int, ...]] | None = None, lang: str = "en"
) -> Figure:
    """The first delta map as the input gradient reads it (the derivation's zero-inserted,
    zero-bordered delta map), once per chosen input element A_ij (default: the first,
    the middle and the last), with the flipped kernel placed where it computes
    ∂E/∂A_ij; shaded: the deltas that ∂E/∂A_ij's terms multiply, each with its kernel
    element."""
    layer = d.layer
    if not isinstance(layer, ConvSpec) or layer.transposed or not d.delta_maps:
        raise ValueError("the padded delta is drawn for direct 1-D and 2-D convolutions")
    dmap = next(m for m in d.delta_maps if m.delta_map == _FIRST)
    rows = dmap.rows
    one_d = len(layer.input) == 1
    where: dict[tuple[int, ...], tuple[int, int]] = {}  # D index -> (row, col) in the grid
    for r, row in enumerate(rows):
        for c, x in enumerate(row):
            if x != 0:
                where[symbol_index(x)[1]] = (r, c)
    A_grads = {g.index[2:]: g for g in d.gradients_of("A") if g.index[:2] == _FIRST}
    if inputs is None:
        everything = list(A_grads)
        middle = (
            everything[len(everything) // 2] if one_d else tuple((n - 1) // 2 for n in layer.input)
        )
        chosen = tuple(dict.fromkeys((everything[0], middle, everything[-1])))
    else:
        chosen = tuple(map(tuple, inputs))
    layout = _kernel_layout(layer)
    reach = [dd * (k - 1) + 1 for dd, k in zip(layer.dilation, layer.kernel, strict=True)]
    panels = []
    outlines = []
    alt_parts = []
    for i in chosen:
        g = A_grads[i]
        kernel_at: dict[tuple[int, int], tuple[int, ...]] = {}  # from dE/dA_i's terms
        for t in g.terms:
            deltas = [f for f in t.factors if _letter(f) == "D"]
            kernels = [f for f in t.factors if _letter(f) == "K"]
            dix, kix = symbol_index(deltas[0])[1], symbol_index(kernels[0])[1]
            if dix[:2] == _FIRST and kix[:2] == _FIRST:
                kernel_at[where[dix]] = kix
        origin = tuple(x + p for x, p in zip(i, layer.padding, strict=True))
        o_rc = rc(origin)
        # the flipped kernel's elements over the window (its zeros included)
        slide: dict[tuple[int, int], tuple[int, ...]] = {}
        for offset, p in layout.items():
            r, c = rc(tuple(o + q for o, q in zip(origin, offset, strict=True)))
            slide[(r, c)] = (*_FIRST, *p)
        for at, kix in kernel_at.items():  # the data and the picture must agree
            if slide.get(at) != kix:
                raise AssertionError(f"the sliding kernel disagrees with dE/dA{i} at {at}")
        cells = []
        for r, row in enumerate(rows):
            for c, x in enumerate(row):
                note = (
                    element_text(
                        d.notation, "K", slide[(r, c)], size="tiny", style="accent", maps=False
                    )
                    if (r, c) in slide
                    else None
                )
                if x == 0:
                    cells.append(Cell(r, c, "zero", Text("0", size="script", style="muted"), note))
                else:
                    dix = symbol_index(x)[1]
                    style = "read" if (r, c) in kernel_at else "plain"
                    cells.append(
                        Cell(
                            r,
                            c,
                            style,
                            element_text(d.notation, "D", dix, maps=False),
                            note,
                            element=dix,
                        )
                    )
        title = Text("∂E/∂A", sub=element_text(d.notation, "A", (*_FIRST, *i)).sub)
        grid = Grid(0, 0, len(rows), len(rows[0]), "D", tuple(cells), title)
        panels.append(Panel((grid,), grid.cols, grid.rows))
        h, w = (1, reach[0]) if one_d else (reach[0], reach[1])
        outlines.append((Outline(0, o_rc[0], o_rc[1], h, w, "kernel"),))
        alt_parts.append(
            title.plain()
            + " = "
            + " + ".join(
                f"{element_text(d.notation, 'D', symbol_index(rows[r][c])[1]).plain()}·"
                f"{element_text(d.notation, 'K', k).plain()}"
                for (r, c), k in sorted(kernel_at.items())
            )
        )
    correlation = layer.convention == "correlation"
    caption = text(
        "figures.padded.caption",
        lang,
        stride=text("figures.padded.stride", lang) if any(s > 1 for s in layer.stride) else "",
        kernel=text("figures.padded.flipped" if correlation else "figures.padded.unflipped", lang),
        convention="" if correlation else text("figures.padded.convolution", lang),
    ) + maps_note(d, lang)
    alt = text("figures.padded.alt", lang, items="; ".join(alt_parts))
    return _small_multiples("padded-delta", caption, alt, 0.7, panels, outlines)
