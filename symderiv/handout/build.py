"""Stage 4 of a handout: every file it is built into, rendered in memory.

The files are named from the handout's ``name`` (the file's stem by default):
``NAME.tex``, ``NAME.pdf``, ``NAME.md``, ``NAME.html``, ``NAME.ipynb``,
``NAME-slides.tex``, ``NAME-slides.pdf``, and with exercises
``NAME-exercises.*`` and ``NAME-key.*`` in each of tex, pdf, md and html.
PDFs are built with ``latexmk`` (:func:`symderiv.latex.compile_document`:
pdflatex for English, xelatex for Chinese) in a temporary folder; nothing is
returned unless every file was made, so the caller writes all of them or none
(:func:`symderiv.output.write_files`) and a failed build leaves the old files
as they were.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..exceptions import SpecError
from .escape import comment_text, html_text
from .file import HandoutSpec

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

    from .assemble import Handout
    from .html import Katex

__all__ = ["build_files", "check_tools", "target_names"]

_EXERCISE_FORMATS = ("tex", "pdf", "md", "html")


def target_names(spec: HandoutSpec) -> dict[tuple[str, str], str]:
    """(format, document) -> file name, for every file the handout is built into."""
    names: dict[tuple[str, str], str] = {}
    documents = ["handout"]
    if spec.exercises:
        documents += ["exercises", "key"]
    for fmt in spec.formats:
        if fmt == "slides-tex":
            names[(fmt, "slides")] = f"{spec.name}-slides.tex"
        elif fmt == "slides-pdf":
            names[(fmt, "slides")] = f"{spec.name}-slides.pdf"
        elif fmt == "ipynb":
            names[(fmt, "handout")] = f"{spec.name}.ipynb"
        else:
            for document in documents:
                if document != "handout" and fmt not in _EXERCISE_FORMATS:
                    continue
                suffix = "" if document == "handout" else f"-{document}"
                names[(fmt, document)] = f"{spec.name}{suffix}.{fmt}"
    return names


def check_tools(spec: HandoutSpec) -> Katex | None:
    """Refuse at once, before any work, a format whose tools are not installed; return
    KaTeX when HTML is asked for."""
    from ..latex import latexmk_available

    engine = "xelatex" if spec.language == "zh" else "pdflatex"
    if any(f in spec.formats for f in ("pdf", "slides-pdf")) and not latexmk_available(engine):
        package = (
            "texlive-xetex texlive-lang-chinese" if engine == "xelatex" else "texlive-latex-base"
        )
        raise SpecError(
            f"--format pdf: latexmk and {engine} were not found on PATH; install TeX Live "
            f"(Debian: latexmk {package} texlive-latex-extra)"
        )
    if "html" in spec.formats:
        from .html import require_katex

        return require_katex()
    return None


def _html(
    handout: Handout,
    markdown: str,
    katex: Katex,
    env: SandboxedEnvironment,
    document: str,
    images: dict[str, bytes],
) -> str:
    from .formats import _context, render
    from .html import markdown_to_html, page_script

    context = _context(handout, document, html_text, "html")
    context["command"] = comment_text(handout.command)
    title = handout.spec.title
    if document != "handout":
        from ..render.messages import text

        lang = handout.spec.language
        title += ": " + (
            text("handout.exercises_title", lang)
            if document == "exercises"
            else text("handout.key_title", lang)
        )
    context["meta"]["title"] = html_text(title)
    return render(
        env,
        "handout/page.html.j2",
        body=markdown_to_html(markdown, katex, images),
        katex_css=katex.stylesheet(),
        katex_version=html_text(katex.version),
        script=page_script(katex),
        **context,
    )


def build_files(
    handout: Handout,
    folder: Path,
    *,
    env: SandboxedEnvironment | None = None,
    katex: Katex | None = None,
    progress: bool = False,
) -> dict[Path, bytes]:
    """Every file of the handout, rendered (and compiled) in memory: path -> bytes."""
    from ..latex import compile_document
    from .assemble import figure_files
    from .formats import environment, render_md, render_tex
    from .notebook import render_ipynb
    from .slides import render_slides

    env = env or environment()
    spec = handout.spec
    engine = "xelatex" if spec.language == "zh" else "pdflatex"
    names = target_names(spec)
    # the figures' SVG files (where sheets have figures): beside the Markdown, inside the HTML
    figures: dict[str, bytes] = {}
    if any(fmt in ("md", "html") for fmt, _ in names):
        for part in handout.parts:
            figures.update(figure_files(part))
    tex: dict[str, str] = {}
    md: dict[str, str] = {}
    files: dict[Path, bytes] = {}
    for (fmt, document), name in names.items():
        if fmt in ("tex", "pdf") and document not in tex:
            tex[document] = render_tex(handout, document, env)
        if fmt in ("md", "html") and document not in md:
            md[document] = render_md(handout, document, env)
        if fmt == "tex":
            data = tex[document]
        elif fmt == "md":
            data = md[document]
        elif fmt == "html":
            if katex is None:
                from .html import require_katex

                katex = require_katex()
            data = _html(handout, md[document], katex, env, document, figures)
        elif fmt == "ipynb":
            data = render_ipynb(handout, env)
        elif fmt in ("slides-tex", "slides-pdf"):
            if "slides" not in tex:
                tex["slides"] = render_slides(handout, env)
            data = tex["slides"]
        else:
            data = ""
        if fmt in ("pdf", "slides-pdf"):
            source = tex["slides"] if fmt == "slides-pdf" else tex[document]
            if progress:
                print(f"symderiv: building {name}", file=sys.stderr, flush=True)
            files[folder / name] = compile_document(source, engine=engine).pdf
        else:
            files[folder / name] = data.encode("utf-8")
    if "md" in spec.formats:
        files.update({folder / name: data for name, data in figures.items()})
    return files
