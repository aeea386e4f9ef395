"""Stage 1 of a handout: read and check the handout file (TOML).

Every error is one line naming the file and the field, quoting the value and
saying what would be valid; it is raised before anything is derived or
written.  The file says what a lecturer would say: title, author, course, date,
language, detail, exercises, formats, the sections to show, and the items (a
layer kind with its options, written as on the command line with ``_`` for
``-``; or a network file).
"""

from __future__ import annotations

import datetime as _dt
import re
import sys
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.layer import Layer
from ..exceptions import SpecError, SymderivError, quoted

if TYPE_CHECKING:
    from ..network.spec import Network

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = [
    "DETAILS",
    "EXERCISE_KINDS",
    "FORMATS",
    "LANGUAGES",
    "NETWORK_SECTIONS",
    "SECTION_ORDER",
    "HandoutSpec",
    "LayerItem",
    "NetworkItem",
    "parse_handout",
    "read_handout",
    "section_names",
]

LANGUAGES = ("en", "zh")
DETAILS = ("full", "summary")
FORMATS = ("tex", "pdf", "md", "html", "ipynb", "slides-tex", "slides-pdf")
"""What a handout is built into: the LaTeX article and its PDF, GitHub Markdown, one
self-contained HTML page, a Jupyter notebook, and Beamer slides (source and PDF)."""
DEFAULT_FORMATS = ("tex", "pdf", "md")
SECTION_ORDER = (
    "notation",
    "layer",
    "story",
    "forward",
    "contributions",
    "gradients",
    "switches",
    "matrix_differential",
    "closed_forms",
    "numeric",
    "verdict",
    "references",
)
"""The parts of a derivation sheet a handout can show, in sheet order (see
:func:`section_names` for every name, including section kinds added since)."""
NETWORK_SECTIONS = (
    "network",
    "figure",
    "story",
    "forward",
    "switches",
    "loss",
    "backward",
    "numeric",
)
"""The parts of a network's sheet a handout can show (a network item's ``sections``):
the table of layers, its figure, the recursion told in index form, the forward pass, the
sample point's switches, the delta at the loss, the layers walked backwards, and the
numeric cross-check."""
EXHIBITS = (
    "activation_delta",
    "defs",
    "elements",
    "handout_note",
    "macros",
    "matrices",
    "matrix_rows",
    "padded_delta",
    "regrouping",
    "window",
)
"""Templates in ``templates/sections`` that are not sections of their own: the element
lists (named ``forward`` and ``gradients`` instead), the exhibits shown after them, and
the shared macros."""


def section_names() -> tuple[str, ...]:
    """Every section name a handout file may give: those of :data:`SECTION_ORDER`, then
    any other section kind the sheets' templates have (``templates/sections/KIND.tex.j2``)."""
    from ..render.documents import template_dir

    kinds = {p.name.split(".", 1)[0] for p in (template_dir() / "sections").glob("*.tex.j2")}
    extra = sorted(kinds - set(SECTION_ORDER) - set(EXHIBITS))
    return (*SECTION_ORDER, *extra)


EXERCISE_KINDS = ("terms", "contributions", "expansion", "choice", "closed_form")
"""Exercises made from a derivation: fill in chosen terms of an expansion; which elements
a parameter multiplies; a whole expansion; which formula holds in this convention; a
closed form."""

_TOP_KEYS = (
    "title",
    "author",
    "course",
    "date",
    "language",
    "detail",
    "exercises",
    "formats",
    "sections",
    "name",
    "item",
)
_ITEM_KEYS = ("layer", "network", "title", "sections")
_NETWORK_KEYS = ("network", "title", "sections", "seed")
_MAX_BYTES = 1_000_000
_MAX_TEXT = 200
_MAX_ITEMS = 50
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
# Characters an English (pdflatex, T1 Latin Modern) handout can typeset: Latin letters
# and punctuation, and the symbols the sheets' text already maps to math.
_LATIN_EXTRA = set("‘’“”–—…•€→×−′δσβαΣ∂∘⊙⋆½²ᵀ")


@dataclass(frozen=True)
class LayerItem:
    """One layer of the handout: its kind, the options as the command line types them
    (``("--input", "4x4")``), the layer they describe, and what to show of it."""

    number: int
    kind: str
    options: tuple[tuple[str, str], ...]
    layer: Layer
    title: str | None = None
    sections: tuple[str, ...] | None = None


@dataclass(frozen=True)
class NetworkItem:
    """A whole network, described by its own file (``network = "tiny.toml"``, named
    relative to the handout file), read and checked: ``network`` is what
    ``symderiv derive network FILE`` derives, its switches fixed at ``seed``."""

    number: int
    path: Path
    network: Network
    title: str | None = None
    sections: tuple[str, ...] | None = None
    seed: int = 0


Item = LayerItem | NetworkItem


@dataclass(frozen=True)
class HandoutSpec:
    """A handout file, checked: what to derive and how to present it."""

    source: Path
    name: str
    title: str
    author: str
    course: str
    date: str
    language: str
    detail: str
    exercises: tuple[str, ...]
    formats: tuple[str, ...]
    sections: tuple[str, ...] | None
    items: tuple[Item, ...]

    #: Command-line options that changed the file's settings (``--lang zh``), for the
    #: command line a built file names.
    overrides: tuple[str, ...] = ()

    def with_options(
        self,
        *,
        formats: tuple[str, ...] | None = None,
        name: str | None = None,
        source: Path | None = None,
    ) -> HandoutSpec:
        """The same handout built into other formats, under another name (``--name``), or
        with its file shown under another path in the command it names."""
        from dataclasses import replace

        overrides = list(self.overrides)
        if name is not None and name != self.name:
            if not _NAME.fullmatch(name):
                raise SpecError(
                    f"--name {quoted(name)}: expected a file-name stem of letters, digits, "
                    "'.', '_' and '-' (at most 100), such as 'classic-notes'"
                )
            overrides += ["--name", name]
        return replace(
            self,
            formats=self.formats if formats is None else formats,
            name=self.name if name is None else name,
            source=self.source if source is None else source,
            overrides=tuple(overrides),
        )


class _Reader:
    """Checks one handout file's values; every error names the file and the field."""

    def __init__(self, source: Path) -> None:
        self.source = source

    def fail(self, where: str, message: str) -> SpecError:
        return SpecError(f"{self.source}: {where}: {message}", field=where, rule=message)

    # -- values ----------------------------------------------------------------
    def choice(self, where: str, value: object, allowed: tuple[str, ...]) -> str:
        if not isinstance(value, str) or value not in allowed:
            raise self.fail(where, f"{quoted(value)}: expected one of {', '.join(allowed)}")
        return value

    def string(self, where: str, value: object, language: str, *, required: bool = False) -> str:
        """A user text: one string, or one per language (``{ en = "...", zh = "..." }``),
        of which the handout's language is taken."""
        if isinstance(value, (_dt.date, _dt.datetime)) and where == "date":
            return value.isoformat()
        if isinstance(value, dict):
            unknown = [k for k in value if k not in LANGUAGES]
            if unknown:
                table = ", ".join(f'{lang} = "..."' for lang in LANGUAGES)
                raise self.fail(
                    where,
                    f"{quoted(unknown[0])}: not a language; give one text, or one per "
                    f"language: {{ {table} }}",
                )
            if language not in value:
                raise self.fail(
                    where,
                    f'no text for {language!r}; add {language} = "..." to the table',
                )
            value = value[language]
        if not isinstance(value, str):
            raise self.fail(where, f"{quoted(value)}: expected a string in quotes")
        text = value.strip()
        if required and not text:
            raise self.fail(where, "empty; give a text")
        if len(text) > _MAX_TEXT:
            raise self.fail(
                where, f"{quoted(text)}: {len(text)} characters; at most {_MAX_TEXT} fit a page"
            )
        for ch in text:
            if not ch.isprintable() or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co"):
                raise self.fail(
                    where,
                    f"{quoted(text)}: the character U+{ord(ch):04X} is not printable; "
                    "give one line of printable text",
                )
            if language == "en" and ord(ch) >= 0x250 and ch not in _LATIN_EXTRA:
                raise self.fail(
                    where,
                    f"{quoted(text)}: the character {ch!r} (U+{ord(ch):04X}) cannot be set by "
                    'pdflatex in an English handout; use Latin letters, or language = "zh" '
                    "(xelatex, which sets Chinese and most scripts)",
                )
        return text

    def names(self, where: str, value: object, allowed: tuple[str, ...]) -> tuple[str, ...]:
        if not isinstance(value, list) or not value:
            raise self.fail(
                where, f"{quoted(value)}: expected a list of names, e.g. [{quoted(allowed[0])}]"
            )
        out = []
        for v in value:
            if not isinstance(v, str) or v not in allowed:
                raise self.fail(where, f"{quoted(v)}: expected some of {', '.join(allowed)}")
            if v in out:
                raise self.fail(where, f"{quoted(v)} is given twice")
            out.append(v)
        return tuple(out)

    def option_text(self, where: str, value: object) -> str:
        """An option's value as the command line would type it."""
        from ..layers import option_text

        text = option_text(value)
        if text is not None:
            return text
        if isinstance(value, bool):
            raise self.fail(where, f"{quoted(value)}: expected a number or a text such as '4x4'")
        raise self.fail(
            where, f"{quoted(value)}: expected a number, a size such as '4x4' or [4, 4], or a text"
        )

    # -- the file ----------------------------------------------------------------
    def read(
        self, data: Mapping[str, Any], name: str, language_override: str | None = None
    ) -> HandoutSpec:
        for key in data:
            if key not in _TOP_KEYS:
                raise self.fail(key, f"no such field; a handout file has {', '.join(_TOP_KEYS)}")
        if "title" not in data:
            raise self.fail("title", 'missing; give the handout a title, e.g. title = "..."')
        language = self.choice("language", data.get("language", "en"), LANGUAGES)
        if language_override is not None:
            language = self.choice("--lang", language_override, LANGUAGES)
        title = self.string("title", data["title"], language, required=True)
        author = self.string("author", data.get("author", ""), language)
        course = self.string("course", data.get("course", ""), language)
        date = self.string("date", data.get("date", ""), language)
        detail = self.choice("detail", data.get("detail", "full"), DETAILS)
        exercises = self.exercises(data.get("exercises", False))
        formats = self.names("formats", data.get("formats", list(DEFAULT_FORMATS)), FORMATS)
        sections = None
        if "sections" in data:
            sections = self.names("sections", data["sections"], section_names())
        if "name" in data:
            stem = data["name"]
            if not isinstance(stem, str) or not _NAME.fullmatch(stem):
                raise self.fail(
                    "name",
                    f"{quoted(stem)}: expected a file-name stem of letters, digits, '.', '_' "
                    "and '-' (at most 100), such as 'classic-notes'",
                )
            name = stem
        items = data.get("item")
        if not isinstance(items, list) or not items:
            raise self.fail(
                "item",
                'missing; give at least one [[item]] table, e.g. [[item]] layer = "conv2d"',
            )
        if len(items) > _MAX_ITEMS:
            raise self.fail("item", f"{len(items)} items; at most {_MAX_ITEMS}")
        parsed = tuple(self.item(i, raw, language) for i, raw in enumerate(items, 1))
        return HandoutSpec(
            source=self.source,
            name=name,
            title=title,
            author=author,
            course=course,
            date=date,
            language=language,
            detail=detail,
            exercises=exercises,
            formats=formats,
            sections=sections,
            items=parsed,
            overrides=("--lang", language) if language_override is not None else (),
        )

    def exercises(self, value: object) -> tuple[str, ...]:
        if value is True:
            return EXERCISE_KINDS
        if value is False:
            return ()
        if isinstance(value, list):
            return self.names("exercises", value, EXERCISE_KINDS)
        raise self.fail(
            "exercises",
            f"{quoted(value)}: expected true, false or a list of {', '.join(EXERCISE_KINDS)}",
        )

    def item(self, number: int, raw: object, language: str) -> Item:
        where = f"item {number}"
        if not isinstance(raw, dict):
            raise self.fail(where, f"{quoted(raw)}: expected a table ([[item]])")
        has_layer, has_network = "layer" in raw, "network" in raw
        if has_layer == has_network:
            raise self.fail(
                where,
                'give either layer = "KIND" (e.g. "conv2d") or network = "FILE.toml", not '
                + ("both" if has_layer else "neither"),
            )
        title = (
            self.string(f"{where}: title", raw["title"], language, required=True)
            if "title" in raw
            else None
        )
        if has_network:
            return self.network_item(number, raw, title)
        sections = (
            self.names(f"{where}: sections", raw["sections"], section_names())
            if "sections" in raw
            else None
        )
        return self.layer_item(number, raw, title, sections)

    def network_item(self, number: int, raw: dict[str, Any], title: str | None) -> NetworkItem:
        """``network = "FILE.toml"`` (relative to the handout file), read and checked now,
        so that a bad network file is refused before anything is derived."""
        import os

        from ..network.file import build, read_toml

        where = f"item {number}"
        extra = [k for k in raw if k not in _NETWORK_KEYS]
        if extra:
            raise self.fail(
                f"{where}: {extra[0]}",
                "a network item takes network, title, sections and seed; its layers are in "
                "its own file",
            )
        sections = (
            self.names(f"{where}: sections", raw["sections"], NETWORK_SECTIONS)
            if "sections" in raw
            else None
        )
        seed = raw.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 10**9:
            raise self.fail(
                f"{where}: seed", f"{quoted(seed)}: expected a non-negative integer, such as 0"
            )
        path = raw["network"]
        if (
            not isinstance(path, str)
            or not path.strip().endswith(".toml")
            or any(not ch.isprintable() for ch in path)
        ):
            raise self.fail(
                f"{where}: network",
                f"{quoted(path)}: expected the name of a network file ending in .toml, such "
                "as '../networks/tiny_lenet.toml'",
            )
        joined = self.source.parent / path
        # shown (in the sheet and its command) as a plain relative path: a/b/../c is a/c
        shown = os.path.normpath(joined).replace(os.sep, "/")
        try:
            network = build(read_toml(joined), shown, seed=seed)
        except SymderivError as exc:
            raise self.fail(f"{where}: network", str(exc)) from None
        return NetworkItem(number, joined, network, title, sections, seed)

    def layer_item(
        self,
        number: int,
        raw: dict[str, Any],
        title: str | None,
        sections: tuple[str, ...] | None,
    ) -> LayerItem:
        from ..layers import KINDS, from_options

        kind = raw["layer"]
        where = f"item {number}"
        if not isinstance(kind, str) or kind not in KINDS:
            raise self.fail(
                f"{where}: layer", f"{quoted(kind)}: expected one of {', '.join(KINDS)}"
            )
        allowed = KINDS[kind].options
        typed: dict[str, str] = {}
        for key, value in raw.items():
            if key in _ITEM_KEYS:
                continue
            option = "--" + key.replace("_", "-")
            if not isinstance(key, str) or option not in allowed or "-" in key:
                names = ", ".join(o[2:].replace("-", "_") for o in allowed)
                raise self.fail(
                    f"{where} ({kind}): {key}",
                    f"{kind} has no such option; it takes {names} (and title, sections)",
                )
            text = self.option_text(f"{where} ({kind}): {key}", value)
            if option == "--values":  # a file named relative to the handout file
                text = str(self.source.parent / text)
            typed[option] = text
        try:
            layer = from_options(kind, typed)
        except SymderivError as exc:
            message = re.sub(
                r"--([a-z]+(?:-[a-z]+)*)",
                lambda m: m[1].replace("-", "_"),
                str(exc),
            )
            raise self.fail(f"{where} ({kind})", message) from None
        return LayerItem(number, kind, tuple(typed.items()), layer, title, sections)


def parse_handout(text: str, source: Path, language: str | None = None) -> HandoutSpec:
    """A handout from the text of its file (``source`` names it in errors and resolves
    the files it names); ``language`` overrides the file's (its texts are checked for
    that language's TeX engine)."""
    reader = _Reader(source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{source}: not valid TOML: {exc}") from None
    stem = source.stem if _NAME.fullmatch(source.stem) else "handout"
    return reader.read(data, stem, language)


def read_handout(path: str | Path, language: str | None = None) -> HandoutSpec:
    """Read and check a handout file; :class:`SpecError` names the file and the field.
    ``language`` overrides the file's."""
    source = Path(path)
    try:
        with open(source, "rb") as f:
            data = f.read(_MAX_BYTES + 1)
    except FileNotFoundError:
        raise SpecError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise SpecError(f"{source}: is a folder; name a handout file (.toml)") from None
    except OSError as exc:
        raise SpecError(f"{source}: cannot be read: {exc.strerror}") from None
    if len(data) > _MAX_BYTES:
        raise SpecError(f"{source}: larger than {_MAX_BYTES:,} bytes; a handout file is short")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError(
            f"{source}: not UTF-8 text (byte {exc.start}); save the handout file as UTF-8"
        ) from None
    return parse_handout(text, source, language)
