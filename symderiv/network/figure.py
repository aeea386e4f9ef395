"""A network's figure: its layers and their output shapes as boxes with arrows
(:func:`symderiv.figures.network`), the ``figure`` section of its sheet (TikZ in LaTeX,
a link to an SVG file in Markdown) and that SVG file (:func:`figure_files`).

Default (``figures=None``): on in a whole document in full detail; off in a summary
(which keeps to its two pages) and in a fragment (which must compile with the packages
its comment lists), as for a layer's sheet.  A network always has its figure, so
``figures=True`` is never refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..figures.sheet import figure_entry, figure_file
from ..render.messages import text
from ..render.options import RenderOptions
from .spec import Block, Stage, label_of

if TYPE_CHECKING:
    from ..figures.model import Figure
    from .model import NetworkDerivation
    from .spec import Network

__all__ = ["FIGURE", "figure_files", "figure_layers", "figure_section", "wanted"]

FIGURE = "network"
"""The figure's name: the Markdown sheet ``STEM.md`` links to ``STEM.network.svg``."""


def wanted(options: RenderOptions) -> bool:
    """Whether a network's sheet rendered with ``options`` has its figure."""
    if options.figures is not None:
        return options.figures
    return not options.summary and not options.fragment


def _stage_box(stage: Stage, lang: str) -> tuple[str, str, tuple[int, ...]]:
    return (text("network.figure.layer", lang, label=stage.label), stage.kind, stage.out_shape)


def figure_layers(net: Network, lang: str = "en") -> list[tuple[str, str, tuple[int, ...]]]:
    """The boxes, in forward order: the input, every stage with its output shape (a
    residual block's branch in line, then its sum, which names the shortcut it adds,
    then its post-activation), and the loss (E, one number)."""
    out = [(text("network.figure.input", lang), "x", net.input)]
    for step in net.steps:
        if isinstance(step, Stage):
            out.append(_stage_box(step, lang))
            continue
        assert isinstance(step, Block)
        out += [_stage_box(s, lang) for s in step.branch]
        if step.projection is None:
            shortcut = text("network.figure.identity", lang)
        else:
            shortcut = text("network.figure.projection", lang, label=step.projection.label)
        name = text("network.figure.layer", lang, label=label_of(step.sum_number))
        out.append((name, shortcut, step.out_shape))
        if step.post is not None:
            out.append(_stage_box(step.post, lang))
    out.append((text("network.figure.loss", lang), net.loss.kind, (1,)))
    return out


def network_figure(net: Network, lang: str = "en") -> Figure:
    """The figure of ``net``'s layers, captioned in ``lang``."""
    from ..figures import network

    blocks = any(isinstance(step, Block) for step in net.steps)
    caption = text("network.figure.caption_blocks", lang) if blocks else None
    return network(figure_layers(net, lang), caption=caption, lang=lang)


def figure_section(d: NetworkDerivation, options: RenderOptions) -> dict[str, Any] | None:
    """The ``figure`` section of the sheet ``options`` asks for (None without a figure):
    the TikZ picture, the SVG file the Markdown links to (named after ``options.stem``,
    default the network's label), the caption, alt text and the room it needs."""

    if not wanted(options):
        return None
    fig = network_figure(d.network, options.lang)
    stem = options.stem if options.stem is not None else d.network.label()
    return {
        "kind": "figure",
        "heading": text("network.figure.heading", options.lang),
        "intro": text("network.figure.intro", options.lang),
        "figures": [figure_entry(fig, stem)],
    }


def figure_files(
    d: NetworkDerivation, stem: str | None = None, options: RenderOptions | None = None
) -> dict[str, bytes]:
    """The SVG files the Markdown sheet ``STEM.md`` of ``d`` links to, by file name
    (``STEM.network.svg``; default stem: the network's label): the figure of its layers
    in ``options``' language, or nothing when the sheet ``options`` asks for has no
    figure (default options: full detail, whole document, so the figure is there)."""
    from ..figures.svg import render_svg

    options = options or RenderOptions()
    if not wanted(options):
        return {}
    stem = stem if stem is not None else (options.stem or d.network.label())
    fig = network_figure(d.network, options.lang)
    return {figure_file(stem, fig.name): render_svg(fig).encode()}
