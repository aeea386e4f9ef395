"""The figures of a derivation sheet: which a layer gets, where each goes, and the SVG
files a Markdown sheet links to.

The sheet builder calls :func:`add_figures`, which puts each figure in a ``figure``
section of its own directly after the section whose text it illustrates (the forward
pass, the contribution table, the padded delta, the switches: see :data:`PLACES`),
captioned with the words that name that text.  A figure section holds its figure
twice, drawn from the same description: as a TikZ picture for the LaTeX sheet (set in
place, never floated away from its text), and as the name of an SVG file for the
Markdown sheet, which :func:`companion_files` renders (the command line writes them
beside the ``.md``, all or none with the sheet).

Default (``figures=None``): on for convolution and pooling layers with one or two
spatial axes whose grids are small enough to read, that is when every grid drawn
(the input with its padding and, for a direct convolution, the delta as the input
gradient reads it, H + 2P + d(k−1)) has at most :data:`MAX_SIDE` cells per axis
in 2-D, :data:`MAX_LENGTH` in 1-D.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..core.layer import Layer
from ..exceptions import SpecError
from .messages import text
from .model import Figure

if TYPE_CHECKING:
    from ..core.model import Derivation
    from ..render.sheet import SheetView

__all__ = [
    "MAX_LENGTH",
    "MAX_SIDE",
    "PLACES",
    "add_figures",
    "companion_files",
    "default_figures",
    "figure_entry",
    "figure_file",
    "figure_names",
    "placed_figures",
    "sheet_figures",
    "supports_figures",
]

MAX_SIDE = 12
"""A 2-D layer gets figures by default when every grid drawn is at most this many cells
on each side."""
MAX_LENGTH = 24
"""A 1-D layer gets figures by default when every grid drawn is at most this long."""

_CONV = ("conv1d", "conv2d", "conv_transpose1d", "conv_transpose2d")
_POOL = ("avg_pool1d", "avg_pool2d", "max_pool1d", "max_pool2d")


def supports_figures(layer: Layer) -> bool:
    """Does symderiv draw figures of this layer (a 1-D or 2-D convolution or pooling)?"""
    return layer.kind in _CONV + _POOL


def _grid_sides(layer: Any) -> list[int]:
    """The longest side of every grid the layer's figures draw, per axis."""
    sides = [h + 2 * p for h, p in zip(layer.input, layer.padding, strict=True)]
    if layer.kind in ("conv1d", "conv2d"):
        sides += [
            h + 2 * p + d * (k - 1)
            for h, p, d, k in zip(
                layer.input, layer.padding, layer.dilation, layer.kernel, strict=True
            )
        ]
    if getattr(layer, "transposed", False):
        sides += list(layer.output)
    return sides


def default_figures(layer: Layer) -> bool:
    """Figures by default: a 1-D or 2-D convolution or pooling layer whose grids are at
    most 12 cells a side (1-D: 24 long)."""
    if not supports_figures(layer):
        return False
    limit = MAX_LENGTH if len(getattr(layer, "input", ())) == 1 else MAX_SIDE
    return max(_grid_sides(layer)) <= limit


def wanted(
    layer: Layer, figures: bool | None, summary: bool = False, fragment: bool = False
) -> bool:
    """Whether a sheet gets figures: ``figures`` when given, else the default (none in a
    summary, which keeps to its two pages, nor in a fragment, which must compile with the
    packages its comment lists).  Asking for figures of a layer symderiv does not draw is
    an error."""
    if figures is None:
        return not summary and not fragment and default_figures(layer)
    if figures and not supports_figures(layer):
        raise SpecError(
            f"--figures: {layer.kind} has no figures; symderiv draws them for 1-D and 2-D "
            "convolution and pooling layers (conv1d, conv2d, conv_transpose1d, "
            "conv_transpose2d, avg_pool1d/2d, max_pool1d/2d)"
        )
    return bool(figures)


def _builder_names(layer: Layer) -> tuple[str, ...]:
    """The figure builders a sheet of this layer uses, by name (importing nothing heavy:
    a layer over the size limit is named before it is refused)."""
    if layer.kind in ("conv1d", "conv2d"):
        return ("windows", "kernel_cells", "padded_delta")
    if layer.kind in ("conv_transpose1d", "conv_transpose2d"):
        return ("windows", "kernel_cells")
    if layer.kind.startswith("avg_pool"):
        return ("pool_windows",)
    if layer.kind.startswith("max_pool"):
        return ("max_switches",)
    return ()


def _builders(layer: Layer) -> tuple[Callable[..., Figure], ...]:
    from . import conv, pool

    modules = {"windows": conv, "kernel_cells": conv, "padded_delta": conv}
    modules |= {"pool_windows": pool, "max_switches": pool}
    return tuple(getattr(modules[name], name) for name in _builder_names(layer))


_NAMES = {
    "windows": "windows",
    "kernel_cells": "kernel-cells",
    "padded_delta": "padded-delta",
    "pool_windows": "windows",
    "max_switches": "switches",
}


def figure_names(layer: Layer) -> tuple[str, ...]:
    """The names of the figures a sheet of this layer shows (without building them)."""
    return tuple(_NAMES[name] for name in _builder_names(layer))


def sheet_figures(d: Derivation, lang: str = "en") -> tuple[Figure, ...]:
    """The figures of a derivation's sheet, in order, captioned in ``lang``."""
    return tuple(build(d, lang=lang) for build in _builders(d.layer))


def figure_file(stem: str, name: str) -> str:
    """The SVG file a Markdown sheet ``STEM.md`` links to: ``STEM.NAME.svg``, e.g.
    ``conv2d_4x4_k2x2_correlation.windows.svg``."""
    return f"{stem}.{name}.svg"


def companion_files(
    d: Derivation,
    figures: bool | None = None,
    stem: str | None = None,
    summary: bool = False,
    lang: str = "en",
) -> dict[str, bytes]:
    """The SVG files the Markdown sheet of ``d`` (``STEM.md``; default: the layer's label;
    ``summary``: in summary detail; ``lang``: its language, for the SVGs' titles) links
    to, by file name; none when the sheet has no figures."""
    from .svg import render_svg

    if not wanted(d.layer, figures, summary):
        return {}
    stem = d.layer.label() if stem is None else stem
    return {figure_file(stem, f.name): render_svg(f).encode() for f in sheet_figures(d, lang)}


_MD_SPECIALS = "\\`*_[]<>!#|$"


def _md_escape(text: str) -> str:
    """Plain text for a Markdown image's alt text: every character Markdown could read
    as markup backslash-escaped (so ``A_0`` stays ``A_0``)."""
    return "".join("\\" + ch if ch in _MD_SPECIALS else ch for ch in text)


def figure_entry(fig: Figure, stem: str) -> dict[str, Any]:
    """A figure as a ``figure`` section draws it: its TikZ, its SVG file's name (after
    ``stem``), its caption and alt text, and the room it needs on the page."""
    from .tikz import render_tikz

    return {
        "name": fig.name,
        "tikz": render_tikz(fig),
        "file": figure_file(stem, fig.name),
        "caption": fig.caption,
        "alt": _md_escape(fig.alt),
        "need": f"{fig.height * fig.unit + 2.5:.1f}cm",
    }


def figure_section(d: Derivation, stem: str | None = None, lang: str = "en") -> dict[str, Any]:
    """The ``figure`` section: heading, intro (prose) and each figure's TikZ picture, SVG
    file name (``STEM.NAME.svg``; default stem: the layer's label), caption (prose), alt
    text and the height it needs (with its caption), in ``lang``."""
    stem = d.layer.label() if stem is None else stem
    return {
        "kind": "figure",
        "heading": text("figures.heading", lang),
        "intro": text("figures.intro", lang),
        "figures": [figure_entry(f, stem) for f in sheet_figures(d, lang)],
    }


PLACES: dict[str, tuple[str, ...]] = {
    "windows": ("forward", "layer"),
    "kernel-cells": ("contributions", "kernel", "story"),
    "padded-delta": ("padded", "story"),
    "switches": ("switches", "forward"),
}
"""Where each figure goes, by name: directly after the first section present (in the
sheet's order of preference) that plays the role named: ``forward`` (the forward pass's
element list), ``layer`` (the definition), ``contributions`` (the contribution table),
``kernel`` (the kernel gradient's elements), ``padded`` (the section whose exhibits show
the padded or zero-inserted delta: the input gradient; in a summary the worked
instance), ``story`` (the index form), ``switches`` (max pooling's switches and delta
routing).  A figure none of whose sections is present goes before the closed forms."""

_LEADS = {
    "forward": "figures.lead.forward",
    "layer": "figures.lead.layer",
    "contributions": "figures.lead.contributions",
    "kernel": "figures.lead.kernel",
    "padded": "figures.lead.padded",
    "inserted": "figures.lead.inserted",
    "story": "figures.lead.story",
    "switches": "figures.lead.switches",
    "sheet": "figures.lead.sheet",
}
"""The caption's first words, naming the text the figure illustrates (by its role)."""

_PADDED_EXHIBITS = ("padded_delta", "window")


def _roles(view: SheetView, section: dict[str, Any]) -> set[str]:
    """The roles (see :data:`PLACES`) a sheet section plays."""
    kind = section["kind"]
    if kind in ("layer", "story", "contributions", "switches"):
        return {kind}
    if kind != "elements":
        return set()
    roles = set()
    if any(x.get("kind") in _PADDED_EXHIBITS for x in section.get("after") or ()):
        roles.add("padded")
    lhs = {e["lhs"] for e in section.get("equations") or ()}
    d = view.d
    if lhs and lhs <= {view.lhs(e) for e in d.forward}:
        roles.add("forward")
    if lhs and lhs <= {view.lhs(g) for g in d.gradients_of("K")}:
        roles.add("kernel")
    return roles


def _lead(view: SheetView, role: str) -> str:
    """The caption's first words: what the figure draws, named as the text above names it."""
    strided = role == "padded" and any(s > 1 for s in getattr(view.d.layer, "stride", ()))
    return view._(_LEADS["inserted" if strided else role])


def placed_figures(
    view: SheetView, sections: list[dict[str, Any]], stem: str | None = None
) -> list[dict[str, Any]]:
    """``sections`` with each of the sheet's figures in a ``figure`` section of its own
    (no heading: it continues the section it illustrates) directly after that section
    (see :data:`PLACES`), its caption opening with the words that name that text; the
    first figure's caption also says the figures are drawn from the derivation's data."""
    d = view.d
    stem = d.layer.label() if stem is None else stem
    roles = [_roles(view, s) for s in sections]
    kinds = [s["kind"] for s in sections]
    fallback = kinds.index("closed_forms") - 1 if "closed_forms" in kinds else len(sections) - 1
    after: dict[int, list[dict[str, Any]]] = {}
    for k, fig in enumerate(sheet_figures(d, view.lang)):
        place = next(
            ((i, role) for role in PLACES[fig.name] for i, r in enumerate(roles) if role in r),
            (fallback, "sheet"),
        )
        entry = figure_entry(fig, stem)
        lead = _lead(view, place[1])
        entry["caption"] = view._("figures.caption", lead=lead, caption=fig.caption)
        if k == 0:
            entry["caption"] += view._("figures.drawn")
        after.setdefault(place[0], []).append(
            {
                "kind": "figure",
                "heading": None,
                "intro": None,
                "illustrates": place[1],
                "figures": [entry],
            }
        )
    out: list[dict[str, Any]] = list(after.get(-1, []))  # before every section (no sheet has)
    for i, section in enumerate(sections):
        out += [section, *after.get(i, [])]
    return out


def add_figures(
    view: SheetView, content: dict[str, Any], figures: bool | None, stem: str | None = None
) -> None:
    """Put each of the sheet's figures directly after the section it illustrates (see
    :func:`placed_figures`; its SVG files named after ``stem``), and tell the skeleton
    whether to load TikZ."""
    d = view.d
    content["tikz"] = False
    if not wanted(d.layer, figures, view.summary, view.options.fragment):
        return
    sections: list[dict[str, Any]] = content["sections"]
    placed = placed_figures(view, sections, stem)
    if len(placed) == len(sections):
        return
    content["sections"] = placed
    content["tikz"] = True
