"""A Jupyter notebook (nbformat 4.5 JSON, written directly) that re-runs the handout.

The notebook holds the handout's text as Markdown cells (math in Jupyter's
``$…$``/``$$…$$``) and, for every item, code cells that build the same layer
with symderiv's Python API, derive it, and show its gradients and closed forms
with their verdicts.  Its cells are never executed here: no outputs, no
execution counts, so the file is the same on every run.
"""

from __future__ import annotations

import json
import pprint
import re
from typing import Any

from ..layers import KINDS
from ..marker import MARKER, package_version
from ..network.render import _plain
from ..render.messages import text
from .assemble import Handout, Part
from .formats import environment, part_sections, shift_headings

__all__ = ["api_call", "render_ipynb", "to_jupyter_markdown"]

NOTEBOOK_HEADER = '{\n "metadata": {\n  "generator": "'
"""How a notebook symderiv writes begins (nbformat allows no key of ours at the top, so
the marker is the first key of the notebook's metadata)."""

_RENAMED = {"slope": "negative_slope"}


def to_jupyter_markdown(markdown: str) -> str:
    """GitHub's math (```` ```math ```` blocks, ``$`…`$``) as Jupyter's (``$$…$$``, ``$…$``)."""
    markdown = re.sub(r"```math\n(.*?)\n```", r"$$\n\1\n$$", markdown, flags=re.DOTALL)
    return re.sub(r"\$`([^`]*)`\$", r"$\1$", markdown)


def _value(text: str) -> object:
    if re.fullmatch(r"[0-9]{1,9}", text.strip()):
        return int(text)
    if re.fullmatch(r"[0-9]{1,9}(?:x[0-9]{1,9})+", text.strip()):
        return tuple(int(v) for v in text.strip().split("x"))
    return text


def api_call(part: Part) -> str:
    """The Python that builds the part's layer: ``symderiv.conv2d(input=(4, 4), ...)``
    when the keyword call is checked to give the very same layer, else
    ``symderiv.layers.from_options(kind, {...})`` with the options as typed."""
    kind = part.layer.kind
    kwargs = {
        _RENAMED.get(o[2:].replace("-", "_"), o[2:].replace("-", "_")): _value(t)
        for o, t in part.options
    }
    try:
        same = KINDS[kind].make(**kwargs) == part.layer
    except Exception:  # the keyword call is refused or not comparable: use the options
        same = False
    if same:
        args = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
        return f"symderiv.{kind}({args})"
    options = ", ".join(f"{o!r}: {t!r}" for o, t in part.options)
    return f"symderiv.layers.from_options({kind!r}, {{{options}}})"


def _lines(source: str) -> list[str]:
    lines = source.split("\n")
    return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def _cell(kind: str, source: str, number: int) -> dict[str, Any]:
    cell: dict[str, Any] = {"cell_type": kind, "id": f"cell-{number:03d}", "metadata": {}}
    if kind == "code":
        cell["execution_count"] = None
        cell["outputs"] = []
    cell["source"] = _lines(source)
    return cell


def network_call(part: Part) -> str:
    """The Python that builds the part's network from the contents of its file (so the
    notebook needs no file beside it): ``symderiv.network({...}, seed=0)``."""
    from ..network.spec import Network

    net = part.layer
    assert isinstance(net, Network)
    contents = pprint.pformat(_plain(dict(net.document)), width=88, sort_dicts=False)
    indented = contents.replace("\n", "\n    ")
    return f"net = symderiv.network(\n    {indented},\n    seed={net.seed},\n)"


def _network_cells(part: Part, lang: str, add: Any) -> None:
    add("markdown", text("handout.notebook_derive_network", lang))
    add("code", f"{network_call(part)}\nd = net.derive()\nprint(d)")
    add("markdown", text("handout.notebook_inspect_network", lang))
    add(
        "code",
        "for c in d.checks:\n"
        '    print(f"dE/d{c.name}: {c.proved} of {c.checked} elements proved '
        '({c.decided_by})")',
    )


def _example(part: Part) -> str:
    """Code that shows one gradient element's exact terms (the first with several)."""
    from ..core.model import Derivation

    d = part.derivation
    assert isinstance(d, Derivation)
    for g in d.gradients:
        if g.polynomial and len(g.terms) > 1:
            return f"d.gradient({g.tensor!r}, {tuple(g.index)!r}).terms"
    g = d.gradients[0]
    return f"d.gradient({g.tensor!r}, {tuple(g.index)!r}).expr"


def render_ipynb(handout: Handout, env: Any = None) -> str:
    """The notebook's JSON text."""
    env = env or environment()
    s = handout.spec
    lang = s.language
    cells: list[dict[str, Any]] = []

    def add(kind: str, source: str) -> None:
        cells.append(_cell(kind, source, len(cells) + 1))

    from .escape import md_text

    head = [f"# {md_text(s.title)}", ""]
    labels = (
        (text("handout.author", lang), s.author),
        (text("handout.course", lang), s.course),
        (text("handout.date", lang), s.date),
    )
    colon = text("handout.colon", lang)
    head += [f"**{label}**{colon}{md_text(value)}  " for label, value in labels if value]
    head += ["", text("handout.notebook_intro", lang)]
    add("markdown", "\n".join(head))
    add("code", "import symderiv")
    for part in handout.parts:
        sections = shift_headings("\n".join(part_sections(env, part, "md")))
        add("markdown", to_jupyter_markdown(f"## {md_text(part.heading)}\n\n{sections}").strip())
        if part.is_network:
            _network_cells(part, lang, add)
            continue
        add("markdown", text("handout.notebook_derive", lang))
        add("code", f"layer = {api_call(part)}\nd = layer.derive()\nprint(d)")
        add("markdown", text("handout.notebook_inspect", lang))
        add("code", _example(part))
        add(
            "code",
            "for c in d.closed_forms:\n"
            '    print(f"dE/d{c.of} = {c.formula.text()}: '
            "{'holds' if c.holds else 'does not hold'} ({c.stated_in})\")",
        )
    notebook = {
        "metadata": {
            "generator": f"{MARKER} {package_version()}",
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
        "cells": cells,
    }
    return json.dumps(notebook, ensure_ascii=False, indent=1) + "\n"
