"""Stage 3 of a handout: render it as LaTeX (article or Beamer) and Markdown.

Every template, symderiv's and the user's (``--templates DIR``, looked up
first), is rendered in Jinja's :class:`~jinja2.sandbox.SandboxedEnvironment`
with :class:`~jinja2.StrictUndefined`: a template can read the data it is
given and call the filters, nothing else (``''.__class__`` is refused), and a
name it misspells is an error, never an empty string.  Any template error is
one line naming the template and its line (exit status 2).

The content of each item is its sheet's sections, rendered by the same
section templates as ``symderiv derive`` (``templates/sections/``); the
handout's own templates are in ``templates/handout/``.  User text (title,
author, course, date, item titles) reaches templates already escaped for the
format being written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from ..exceptions import SpecError
from ..marker import MARKER, package_version
from ..render.documents import ENVIRONMENT_OPTIONS, install_sheet_filters, template_dir
from .assemble import Handout, Part
from .escape import comment_text, html_text, md_text, tex_text
from .exercises import Exercise

__all__ = [
    "DOCUMENTS",
    "environment",
    "render",
    "render_md",
    "render_tex",
    "shift_headings",
    "slug",
]

DOCUMENTS = ("handout", "exercises", "key")
"""The documents a handout makes: the handout itself, the exercises, the answer key."""


@cache
def environment(user_templates: Path | None = None) -> SandboxedEnvironment:
    """The sandboxed environment: the user's templates first, then symderiv's."""
    loaders: list[jinja2.BaseLoader] = []
    if user_templates is not None:
        loaders.append(jinja2.FileSystemLoader(str(user_templates)))
    loaders.append(jinja2.FileSystemLoader(str(template_dir())))
    env = SandboxedEnvironment(loader=jinja2.ChoiceLoader(loaders), **ENVIRONMENT_OPTIONS)
    install_sheet_filters(env)  # the sheets' filters and ``_``, for the section templates
    env.filters["user_tex"] = tex_text
    env.filters["user_md"] = md_text
    env.filters["user_html"] = html_text
    return env


def check_templates(folder: Path) -> Path:
    """A ``--templates`` folder, checked: it must be a folder."""
    if not folder.is_dir():
        raise SpecError(
            f"--templates {str(folder)!r}: not a folder; give a folder of templates named as "
            "symderiv's (handout/handout.tex.j2, sections/layer.md.j2, ...)"
        )
    return folder


def _template_line(exc: BaseException) -> str:
    """Where in a template an error happened: ``name.j2 line N`` (from the traceback
    Jinja rewrites to point into the template)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"{exc.name or exc.filename or 'a template'} line {exc.lineno}"
    tb = exc.__traceback__
    where = ""
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            where = f"{Path(filename).name} line {tb.tb_lineno}"
        tb = tb.tb_next
    return where or "a template"


def render(env: SandboxedEnvironment, name: str, **context: Any) -> str:
    """Render one template; a template error (a syntax error, an unsafe access, an
    undefined name, a missing template) becomes one line: :class:`SpecError`."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateNotFound as exc:
        raise SpecError(f"template {exc.name!r}: not found in the templates folders") from None
    except jinja2.TemplateError as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        raise SpecError(f"template {_template_line(exc)}: {message}") from None
    except Exception as exc:  # a filter given a value it cannot take, in a user template
        message = " ".join(str(exc).split()) or type(exc).__name__
        raise SpecError(f"template {_template_line(exc)}: {message}") from None


# ---------------------------------------------------------------------------- helpers


def slug(heading: str) -> str:
    """GitHub's anchor for a Markdown heading (without the ``-1`` of a repeat)."""
    plain = re.sub(r"\$`([^`]*)`\$", r"\1", heading)
    plain = re.sub(r"[*`\\]", "", plain).strip().lower()
    return re.sub(r"[^\w\- ]", "", plain).replace(" ", "-")


class Anchors:
    """GitHub's anchors of the headings of one Markdown document, repeats numbered."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def add(self, heading: str) -> str:
        base = slug(heading)
        count = self.seen.get(base, 0)
        self.seen[base] = count + 1
        return base if count == 0 else f"{base}-{count}"


def shift_headings(markdown: str, anchors: Anchors | None = None, by: int = 1) -> str:
    """Every ATX heading outside code fences ``by`` levels deeper; with ``anchors``,
    links to the headings of this text (``](#slug)``) point to their numbered anchors."""
    out = []
    fenced = False
    local: dict[str, str] = {}
    for line in markdown.split("\n"):
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"#{1,6} ", line):
            line = "#" * by + line
            if anchors is not None:
                heading = line.lstrip("#").strip()
                local.setdefault(slug(heading), anchors.add(heading))
        out.append(line)
    text = "\n".join(out)
    if local:
        text = re.sub(r"\]\(#([\w-]+)\)", lambda m: f"](#{local.get(m[1], m[1])})", text)
    return text


def _prefix_labels(tex: str, prefix: str) -> str:
    """Labels and references of one part made its own (several parts share a sheet's
    ``sec:closed``), and the sheets' straight quote in code (OT1's ``\\char13``) as the
    handout's fonts have it (T1 Latin Modern, or xelatex's Unicode fonts)."""
    tex = tex.replace(r"\char13{}", r"\textquotesingle{}")
    return re.sub(r"\\(label|ref|pageref)\{", rf"\\\1{{{prefix}", tex)


def _meta(handout: Handout, escape: Callable[[object], str]) -> dict[str, str]:
    s = handout.spec
    return {
        "title": escape(s.title),
        "author": escape(s.author),
        "course": escape(s.course),
        "date": escape(s.date),
    }


def _section_context(part: Part) -> dict[str, Any]:
    sheet = part.sheet
    return {
        "marker": MARKER,
        "version": package_version(),
        "label": part.layer.label(),
        "verified": part.verified,
        "lang": part.lang,
        "detail": part.detail,
        "fragment": False,
        "title": sheet["title"],
        "title_text": sheet["title_text"],
        "command": sheet["command"],
    }


def _context_ids(part: Part) -> tuple[str, ...]:
    """The sections an exercise sheet shows before a part's exercises: what they ask
    about, a layer's definition, or a network's layers and forward pass."""
    return ("network", "forward") if part.is_network else ("layer",)


def part_sections(env: SandboxedEnvironment, part: Part, fmt: str) -> list[str]:
    """The part's sections rendered by the section templates, each ending in a newline."""
    context = _section_context(part)
    return [
        render(env, f"sections/{section['kind']}.{fmt}.j2", section=section, **context)
        for section in part.sections
    ]


def _exercise_view(e: Exercise) -> dict[str, Any]:
    return {
        "number": e.number,
        "kind": e.kind,
        "prompt": e.prompt,
        "question": None
        if e.question is None
        else {"lhs": e.question[0], "rows": list(e.question[1])},
        "choices": [
            {"label": f"({chr(97 + i)})", "latex": c, "holds": h, "verdict": v}
            for i, (c, h, v) in enumerate(zip(e.choices, e.holds, e.verdicts, strict=True))
        ],
        "answer": e.answer,
        "answer_math": None
        if e.answer_math is None
        else {"lhs": e.answer_math[0], "rows": list(e.answer_math[1])},
    }


def _context(
    handout: Handout, document: str, escape: Callable[[object], str], fmt: str
) -> dict[str, Any]:
    s = handout.spec
    return {
        "marker": MARKER,
        "version": package_version(),
        "command": handout.command,
        "document": document,
        "language": s.language,
        "lang": s.language,
        "engine": "xelatex" if s.language == "zh" else "pdflatex",
        "detail": s.detail,
        "meta": _meta(handout, escape),
        "verified": handout.verified,
        "format": fmt,
        # TikZ only when a sheet draws figures (the figures issue's "figure" sections)
        "tikz": any(s["kind"] == "figure" for p in handout.parts for s in p.sections),
    }


# ---------------------------------------------------------------------------- LaTeX


def render_tex(
    handout: Handout, document: str = "handout", env: SandboxedEnvironment | None = None
) -> str:
    """The handout (or its exercises, or its answer key) as a standalone LaTeX article."""
    env = env or environment()
    parts = []
    for part in handout.parts:
        body = ""
        if document == "handout":
            body = "\n".join(part_sections(env, part, "tex"))
        elif part.exercises or document == "exercises":
            # the exercises show the layer they are about
            context_sections = [
                {**s, "cross_ref": False} for s in part.sections if s["id"] in _context_ids(part)
            ]
            if document == "exercises" and context_sections:
                body = "\n".join(
                    render(env, f"sections/{s['kind']}.tex.j2", section=s, **_section_context(part))
                    for s in context_sections
                )
        parts.append(
            {
                "number": part.number,
                "heading": tex_text(part.heading),
                "body": _prefix_labels(body, f"p{part.number}:"),
                "exercises": [_exercise_view(e) for e in part.exercises],
                "verified": part.verified,
            }
        )
    return render(
        env,
        "handout/handout.tex.j2",
        parts=parts,
        references=_references(env, handout, "tex") if document == "handout" else "",
        **_context(handout, document, tex_text, "tex"),
    )


def _references(env: SandboxedEnvironment, handout: Handout, fmt: str) -> str:
    """The items' references as one list (the sheets' own section template), or nothing."""
    if not handout.references:
        return ""
    section = {"kind": "references", "entries": list(handout.references), "id": "references"}
    return render(
        env,
        f"sections/references.{fmt}.j2",
        section=section,
        **_section_context(handout.parts[0]),
    )


# ---------------------------------------------------------------------------- Markdown


def render_md(
    handout: Handout, document: str = "handout", env: SandboxedEnvironment | None = None
) -> str:
    """The handout (or its exercises, or its answer key) as GitHub Markdown."""
    env = env or environment()
    anchors = Anchors()
    anchors.add(handout.spec.title)
    parts = []
    for part in handout.parts:
        heading = md_text(part.heading)
        anchors.add(heading)
        if document == "handout":
            sections = part_sections(env, part, "md")
        elif document == "exercises":
            sections = [
                render(
                    env,
                    f"sections/{s['kind']}.md.j2",
                    section={**s, "cross_ref": False},
                    **_section_context(part),
                )
                for s in part.sections
                if s["id"] in _context_ids(part)
            ]
        else:
            sections = []
        body = shift_headings("\n".join(sections), anchors)
        parts.append(
            {
                "number": part.number,
                "heading": heading,
                "body": body,
                "exercises": [_exercise_view(e) for e in part.exercises],
                "verified": part.verified,
            }
        )
    context = _context(handout, document, md_text, "md")
    context["command"] = comment_text(handout.command)
    references = _references(env, handout, "md") if document == "handout" else ""
    return render(env, "handout/handout.md.j2", parts=parts, references=references, **context)
