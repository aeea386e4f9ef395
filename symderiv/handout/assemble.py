"""Stage 2 of a handout: derive every item and gather what the handout shows.

Each item is derived, proved and cross-checked by the same pipeline as
``symderiv derive``; its content is the layer's own sheet
(:meth:`~symderiv.core.layer.Layer.sheet`, read through a
:class:`~symderiv.render.sheet.SheetView`), with the sections the handout file
asks for, at the detail it asks for.  The exercises are made from the same
derivations (:mod:`symderiv.handout.exercises`).  Nothing here formats text:
the renderers in :mod:`symderiv.handout.formats` read these records.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core.layer import DEFAULT_MAX_TERMS, Layer
from ..core.pipeline import check_size
from ..render.messages import text
from .exercises import Exercise, make_exercises
from .file import HandoutSpec, NetworkItem

if TYPE_CHECKING:
    from ..core.model import Derivation
    from ..network.model import NetworkDerivation
    from ..network.spec import Network
    from ..render.options import RenderOptions
    from ..render.sheet import SheetView

__all__ = ["Handout", "Part", "assemble", "figure_files", "section_id"]


@dataclass(frozen=True)
class Part:
    """One item of the handout: its derivation, heading, sheet sections and exercises."""

    number: int
    heading: str
    #: the item's layer, or its whole network (:attr:`is_network`)
    layer: Layer | Network
    derivation: Derivation | NetworkDerivation
    sheet: dict[str, Any]
    sections: tuple[dict[str, Any], ...]
    exercises: tuple[Exercise, ...]
    options: tuple[tuple[str, str], ...]
    lang: str = "en"
    detail: str = "full"
    #: the stem the part's figures are named after (``NAME.item1.kernel.svg``)
    stem: str = ""

    @property
    def verified(self) -> bool:
        return self.derivation.verified

    @property
    def is_network(self) -> bool:
        """Is the item a whole network (``network = "FILE.toml"``)?"""
        from ..network.model import NetworkDerivation

        return isinstance(self.derivation, NetworkDerivation)


@dataclass(frozen=True)
class Handout:
    """A whole handout, derived: the file's settings and one part per item."""

    spec: HandoutSpec
    parts: tuple[Part, ...]
    command: str
    #: the items' references, each once, in the order they are first cited: one list at
    #: the end of the handout
    references: tuple[str, ...] = ()

    @property
    def exercises(self) -> tuple[Exercise, ...]:
        return tuple(e for p in self.parts for e in p.exercises)

    @property
    def verified(self) -> bool:
        return all(p.verified for p in self.parts)


def _lhs_tensors(view: SheetView) -> dict[str, str]:
    """The left-hand side the sheet prints for every element -> its tensor letter
    (``forward`` for the forward pass's elements)."""
    d = view.d
    out = {view.lhs(e): "forward" for e in d.forward}
    out.update({view.lhs(g): g.tensor for g in d.gradients})
    return out


def section_id(section: dict[str, Any], lhs: dict[str, str]) -> str:
    """The name a handout file uses for a sheet section (see ``section_names``): its kind,
    except that an element list is ``forward`` (the forward pass) or ``gradients``."""
    kind = str(section["kind"])
    if kind != "elements":
        return kind
    equations = section.get("equations") or []
    if equations and all(lhs.get(e.get("lhs")) == "forward" for e in equations):
        return "forward"
    return "gradients"


def _summarize(section: dict[str, Any], lhs: dict[str, str], language: str) -> dict[str, Any]:
    """A section at summary detail, where the sheet did not make it one already: a list of
    elements of one tensor keeps one example (the element with the most terms, where the
    pattern shows), a contribution table its first row.  (A list that already holds one
    example per gradient, as the sheets' own summaries give, is kept.)"""
    out = dict(section)
    equations = section.get("equations") or []
    tensors = {lhs.get(e.get("lhs")) for e in equations}
    one_tensor = len(tensors) == 1 and None not in tensors  # a list of derived elements
    if section["kind"] == "elements" and len(equations) > 1 and one_tensor:
        example = max(equations, key=lambda e: len(str(e.get("text", "")).split(" + ")))
        out["equations"] = [example]
        note = text("handout.summary_more", language, count=len(equations) - 1)
        out["after"] = [{"kind": "handout_note", "text": note}, *section.get("after", [])]
    elif section["kind"] == "contributions" and len(section["rows"]) > 1:
        more = len(section["rows"]) - 1
        out["rows"] = section["rows"][:1]
        out["intro"] = section["intro"] + " " + text("handout.summary_more", language, count=more)
    return out


def _without_cross_ref(section: dict[str, Any]) -> dict[str, Any]:
    """A layer section that no longer points to the closed forms (they are not shown)."""
    if section.get("cross_ref"):
        return {**section, "cross_ref": False}
    return section


def _view(d: Derivation, options: RenderOptions) -> SheetView:
    """The sheet view of one part; its Markdown links to the SVG files named after the
    options' ``stem`` (``NAME.item1.windows.svg``), which :func:`figure_files` makes."""
    from ..render.sheet import SheetView

    return SheetView(d, options)


def figure_files(part: Part) -> dict[str, bytes]:
    """The SVG files the part's Markdown links to (by file name), where sheets have
    figures; else none."""
    from ..core.model import Derivation

    d = part.derivation
    if not isinstance(d, Derivation):
        from ..network.render import figure_files as network_figures
        from ..render.options import RenderOptions

        options = RenderOptions(lang=part.lang, detail=part.detail, stem=part.stem, handout=True)
        return dict(network_figures(d, part.stem, options))
    from ..figures.sheet import companion_files

    return dict(companion_files(d, stem=part.stem))


def network_section_id(section: dict[str, Any]) -> str:
    """The name a handout file uses for a section of a network's sheet
    (:data:`~symderiv.handout.file.NETWORK_SECTIONS`): the ``id`` the sheet gives it."""
    return str(section["id"])


def _network_part(
    item: NetworkItem, spec: HandoutSpec, number: int, max_terms: int, progress: bool
) -> Part:
    """A whole network's part: its sheet (in the handout's language and detail), the
    sections the item asks for, and the exercises made from its delta recursion."""
    from ..network.sheet import build
    from ..render.options import RenderOptions
    from .network_exercises import make_network_exercises

    d = item.network.derive(max_terms=max_terms, progress=progress)
    stem = f"{spec.name}.item{item.number}"
    sheet = build(
        d, RenderOptions(lang=spec.language, detail=spec.detail, stem=stem, handout=True)
    )
    wanted = item.sections
    sections = []
    for section in sheet["sections"]:
        sid = network_section_id(section)
        if wanted is None or sid in wanted:
            sections.append({**section, "id": sid})
    exercises = make_network_exercises(
        d, spec.exercises, spec.language, part=item.number, start=number + 1
    )
    return Part(
        number=item.number,
        heading=item.title or sheet["title_text"],
        layer=item.network,
        derivation=d,
        sheet=sheet,
        sections=tuple(sections),
        exercises=exercises,
        options=(),
        lang=spec.language,
        detail=spec.detail,
        stem=stem,
    )


def _command(spec: HandoutSpec) -> str:
    """The command that rebuilds the handout (control characters of a file name shown
    as escapes: the line goes into comments)."""
    words = [shlex.quote(w) for w in (str(spec.source), *spec.overrides)]
    shown = " ".join(words)
    shown = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in shown)
    return f"symderiv handout {shown}"


def assemble(
    spec: HandoutSpec, *, max_terms: int = DEFAULT_MAX_TERMS, progress: bool = False
) -> Handout:
    """Derive every item of ``spec`` (each refused at once when over ``max_terms``) and
    gather the sections and exercises the handout shows."""
    from ..network.derive import check_size as check_network_size
    from ..render.options import RenderOptions

    for item in spec.items:  # every size checked before any work
        if isinstance(item, NetworkItem):
            check_network_size(item.network, max_terms)
        else:
            check_size(item.layer, max_terms)
    parts = []
    number = 0
    notations: list[str] = []
    references: list[str] = []
    for item in spec.items:
        if isinstance(item, NetworkItem):
            part = _network_part(item, spec, number, max_terms, progress)
            number += len(part.exercises)
            parts.append(part)
            continue
        layer = item.layer
        d = layer.derive(max_terms=max_terms, progress=progress)
        stem = f"{spec.name}.item{item.number}"
        options = RenderOptions(lang=spec.language, detail=spec.detail, stem=stem, handout=True)
        view = _view(d, options)
        sheet = view.build()
        wanted = item.sections or spec.sections
        lhs = _lhs_tensors(view)
        sections = []
        for section in sheet["sections"]:
            sid = section_id(section, lhs)
            if wanted is not None and sid not in wanted:
                continue
            if sid == "notation" and "entries" in section:  # each convention stated once
                entries = [e for e in section["entries"] if e not in notations]
                if not entries:
                    continue
                notations += entries
                section = {**section, "entries": entries}
            if sid == "references":  # one list at the end of the handout
                references += [r for r in section["entries"] if r not in references]
                continue
            summary = spec.detail == "summary"
            shown = _summarize(section, lhs, spec.language) if summary else section
            sections.append({**shown, "id": sid})
        if not any(s["id"] == "closed_forms" for s in sections):
            sections = [_without_cross_ref(s) for s in sections]
        exercises = make_exercises(
            view, sheet, spec.exercises, spec.language, part=item.number, start=number + 1
        )
        number += len(exercises)
        parts.append(
            Part(
                number=item.number,
                heading=item.title or sheet["title_text"],
                layer=layer,
                derivation=d,
                sheet=sheet,
                sections=tuple(sections),
                exercises=exercises,
                options=item.options,
                lang=spec.language,
                detail=spec.detail,
                stem=stem,
            )
        )
    return Handout(
        spec=spec, parts=tuple(parts), command=_command(spec), references=tuple(references)
    )
