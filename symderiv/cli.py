"""Stage 7: the command line, ``symderiv derive LAYER ...`` and ``symderiv gallery``.

Every error is one line on stderr, ``symderiv: error: ...``, quoting the
input, with exit status 2; nothing is written unless everything could be.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from .core.layer import DEFAULT_MAX_TERMS
from .core.pipeline import check_size, user_claims
from .exceptions import OutputError, SpecError, SymderivError, quoted
from .layers import KINDS, from_options
from .layers.conv.spec import CONVENTIONS, count_text
from .output import check_targets, write_files, write_stdout
from .render.messages import LANGUAGES

if TYPE_CHECKING:
    from .core.layer import Layer
    from .core.model import Derivation
    from .render.options import RenderOptions
    from .worked.values import WorkedValues

__all__ = ["cli", "main"]

FORMATS = ("tex", "md", "json", "pdf")
DEFAULT_FORMATS = "tex,md,json"


def _formats(text: str) -> list[str]:
    names = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in names if f not in FORMATS]
    if bad or not names:
        raise SpecError(
            f"--format {quoted(text)}: expected a comma-separated list of {', '.join(FORMATS)}"
        )
    return list(dict.fromkeys(names))


def _given(option: str, text: str | None) -> None:
    """An option given an empty text is an error, never taken as "not given"."""
    if text is not None and not text.strip():
        raise SpecError(f"{option} {quoted(text)}: empty; give a value or leave the option out")


def _limits(near: Path) -> tuple[int, int]:
    """(NAME_MAX, PATH_MAX) in bytes for the file system around ``near``."""
    for where in (near, *near.parents, Path(".")):
        try:
            return os.pathconf(where, "PC_NAME_MAX"), os.pathconf(where, "PC_PATH_MAX")
        except (OSError, ValueError):
            continue
    return 255, 4096


def _check_length(path: Path, option: str, typed: str | None) -> None:
    """Refuse a path whose name (any part) or whole is longer than the file system takes,
    before anything touches it (the system would say "File name too long")."""
    name_max, path_max = _limits(path.parent)
    for part in path.parts:
        size = len(os.fsencode(part))
        if size > name_max:
            where = f"{option} {quoted(typed)}: " if typed is not None else ""
            origin = "" if typed is not None else " (made from the layer's settings)"
            raise SpecError(
                f"{where}the file name {quoted(part)}{origin} is {size:,} bytes long; a name "
                f"may have at most {name_max}"
                + ("" if typed is not None else ": name the output with --output")
            )
    size = len(os.fsencode(os.path.abspath(path)))
    if size >= path_max:
        raise SpecError(
            f"{option} {quoted(typed if typed is not None else str(path))}: the path is "
            f"{size:,} bytes long; a path may have at most {path_max - 1}"
        )


def _kind(path: Path) -> str:
    """``folder``, ``file``, ``missing``, or why the path cannot be looked at."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return "missing"
    except NotADirectoryError:
        return "missing"  # a part of it is a file: _folder_problem names that part
    except OSError as exc:
        return exc.strerror or "cannot be read"
    return "folder" if stat.S_ISDIR(info.st_mode) else "file"


def _folder_problem(folder: Path) -> str | None:
    """Why files cannot be written into ``folder`` (None when it is a folder): the first
    part of it that is a file, or the folder that does not exist."""
    for part in (*reversed(folder.parents), folder):
        kind = _kind(part)
        if kind == "folder":
            continue
        if kind == "file":
            return f"{str(part)!r} is a file, not a folder"
        if kind == "missing":
            return f"{str(folder)!r} does not exist"
        return f"{str(part)!r} cannot be reached: {kind}"
    return None


def render_format(
    derivation: Derivation,
    fmt: str,
    lang: str = "en",
    detail: str = "full",
    fragment: bool = False,
    *,
    figures: bool | None = None,
    stem: str | None = None,
    worked: WorkedValues | None = None,
) -> bytes:
    """One format of a derivation, as the bytes to write (``lang``, ``detail`` and
    ``fragment`` as for :meth:`Derivation.to_latex`; the PDF is always a whole document;
    ``figures``: see :func:`symderiv.figures.sheet.wanted`; ``stem``: the Markdown file's
    stem, which names its SVG figures; ``worked``: the worked numbers' values)."""
    from .latex import compile_pdf, engine_for

    if fmt == "tex":
        tex = derivation.to_latex(lang, detail, fragment, figures=figures, worked=worked)
        return tex.encode()
    if fmt == "md":
        md = derivation.to_markdown(lang, detail, figures=figures, stem=stem, worked=worked)
        return md.encode()
    if fmt == "json":
        return derivation.to_json().encode()
    tex = derivation.to_latex(lang, detail, figures=figures, worked=worked)
    return compile_pdf(tex, progress=True, engine=engine_for(lang)).pdf


def _render_options(lang: str, detail: str, fragment: bool) -> RenderOptions:
    """--lang, --detail and --fragment checked, quoting the option as typed."""
    from .render.options import DETAILS, RenderOptions

    if lang not in LANGUAGES:
        raise SpecError(f"--lang {quoted(lang)}: expected one of {', '.join(LANGUAGES)}")
    if detail not in DETAILS:
        raise SpecError(f"--detail {quoted(detail)}: expected one of {', '.join(DETAILS)}")
    return RenderOptions(lang=lang, detail=detail, fragment=fragment)


class _Group(click.Group):
    """A command group whose every error is one line on stderr and exit status 2."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> NoReturn:
        try:
            result = super().main(
                args=args, prog_name=prog_name or "symderiv", standalone_mode=False, **extra
            )
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
            sys.exit(0)
        except click.exceptions.Exit as exc:
            sys.exit(int(exc.exit_code))
        except click.exceptions.Abort:
            click.echo("symderiv: aborted", err=True)
            sys.exit(1)
        except click.ClickException as exc:
            click.echo(f"symderiv: error: {exc.format_message()}", err=True)
            sys.exit(2)
        except SymderivError as exc:
            click.echo(f"symderiv: error: {exc}", err=True)
            sys.exit(2)
        sys.exit(int(result) if isinstance(result, int) else 0)


@click.group(name="symderiv", cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="symderiv", prog_name="symderiv")
def cli() -> None:
    """Derive, prove and typeset the backpropagation formulas of convolution layers.

    \b
    symderiv derive conv2d             the classic 4x4 input, 2x2 kernel example
    symderiv derive conv2d --help      every option of a derivation
    symderiv gallery                   regenerate the sheets in output/
    symderiv handout FILE.toml         a lecture handout (PDF, slides, HTML, ...)
    """


@cli.command()
@click.argument("layer", metavar="LAYER", default="conv2d")
@click.argument("file", metavar="[FILE.toml]", required=False)
@click.option("--input", "input_", metavar="HxW", help="Input size (conv2d default 4x4).")
@click.option("--kernel", metavar="KHxKW", help="Kernel size (conv2d default 2x2).")
@click.option("--in-channels", default=None, metavar="C", help="Input maps (default 1).")
@click.option("--out-channels", default=None, metavar="M", help="Output maps (default 1).")
@click.option("--batch", default=None, metavar="N", help="Batch size (default 1).")
@click.option("--stride", default=None, metavar="S", help="Stride, one value or per axis (2x1).")
@click.option("--padding", default=None, metavar="P", help="Zero padding per side (1 or 1x0).")
@click.option("--dilation", default=None, metavar="D", help="Kernel dilation (2 or 2x1).")
@click.option("--groups", default=None, metavar="G", help="Channel groups (default 1).")
@click.option(
    "--output-padding",
    default=None,
    metavar="OP",
    help="Transposed layers: extra output rows/columns at the end (smaller than stride or "
    "dilation).",
)
@click.option("--scale", default=None, metavar="N", help="subsample2d: block size (2 or 2x2).")
@click.option(
    "--in-features", default=None, metavar="F", help="linear: input features (default 3)."
)
@click.option(
    "--out-features", default=None, metavar="F", help="linear: output features (default 2)."
)
@click.option("--slope", default=None, metavar="ALPHA", help="leaky_relu: negative slope.")
@click.option(
    "--seed",
    default=None,
    metavar="N",
    help="Worked numbers: carry small integers (-3..3, from seed N) through the sheet. "
    "max_pool: also draws A's values (0..3), which set the switches. network: the sample "
    "point's seed.",
)
@click.option(
    "--values",
    default=None,
    metavar="FILE.json",
    help='Worked numbers from a file, {"A": nested list, "K": ..., "b": ..., "D": ...} '
    "(full shape, or without leading 1s); max_pool: A sets the switches.",
)
@click.option(
    "--ties",
    default=None,
    metavar="first|split",
    help="max_pool: a tied maximum takes the whole delta (first, PyTorch) or shares it (split).",
)
@click.option(
    "--convention",
    default=None,
    metavar="|".join(CONVENTIONS),
    help="correlation (default): PyTorch's forward pass; convolution: MATLAB conv2 / Bouvrie.",
)
@click.option(
    "--input-activation",
    default=None,
    metavar="sigmoid|tanh|relu|f",
    help="The layer's input is an activation A = f(z): derive dE/dz too (convolutions, "
    "avg_pool, subsample2d, linear, squared_error).",
)
@click.option(
    "--format",
    "formats",
    default=DEFAULT_FORMATS,
    show_default=True,
    metavar="LIST",
    help="Comma-separated: tex, md, json, pdf (pdf needs pdflatex).",
)
@click.option(
    "--output",
    "-o",
    default=None,
    metavar="PATH",
    help="Folder for several formats, file for one, '-' for standard output "
    "(default: output/ in the current folder).",
)
@click.option("--force", is_flag=True, help="Overwrite files that symderiv did not write.")
@click.option(
    "--lang",
    default="en",
    show_default=True,
    metavar="en|zh",
    help="The sheet's language: en (PDF by pdflatex) or zh (Chinese; PDF by xelatex with ctex).",
)
@click.option(
    "--detail",
    default="full",
    show_default=True,
    metavar="full|summary",
    help="full: every element, the numeric check, each formula's code; summary: the story, "
    "one example element per gradient and the verdicts.",
)
@click.option(
    "--fragment",
    is_flag=True,
    help="Write the .tex without preamble, to \\input into your own notes (needs amsmath, "
    "amssymb, array, booktabs, longtable; ctex for zh).",
)
@click.option(
    "--figures/--no-figures",
    "figures",
    default=None,
    help="Draw the layer's figures: TikZ in the LaTeX sheet, SVG files beside the Markdown "
    "sheet. Default: on for 1-D and 2-D convolution and pooling layers whose grids are at "
    "most 12 cells a side (1-D: 24).",
)
@click.option(
    "--max-terms",
    default=str(DEFAULT_MAX_TERMS),
    show_default=True,
    metavar="T",
    help="Refuse derivations whose predicted work (symbols made, terms built, array cells "
    "and products visited) is larger than this.",
)
@click.option(
    "--claim",
    "claims",
    multiple=True,
    metavar="FORMULA",
    help="A formula of yours to prove on the sheet too (repeatable; each with a --for).",
)
@click.option(
    "--for",
    "claims_for",
    multiple=True,
    metavar="TENSOR",
    help="The gradient each --claim gives: K, b, A (or the kind's own letters).",
)
def derive(
    layer: str,
    file: str | None,
    formats: str,
    output: str | None,
    force: bool,
    lang: str,
    detail: str,
    fragment: bool,
    figures: bool | None,
    max_terms: str,
    claims: tuple[str, ...],
    claims_for: tuple[str, ...],
    **options: str | None,
) -> None:
    """Derive, prove and write the backpropagation sheet of one LAYER.

    With no options: the classic example (conv2d, 4x4 input, 2x2 kernel, correlation),
    written as .tex, .md and .json into output/.  Each kind takes only its own options
    (listed below); an option it does not take is refused.  `derive network FILE.toml`
    derives a whole network described in a TOML file (see the README).
    """
    typed = {
        "--" + name.rstrip("_").replace("_", "-"): value
        for name, value in options.items()
        if value is not None
    }
    if layer == "network" or file is not None:
        from .network.command import derive_network

        not_yet: dict[str, tuple[object, object]] = {
            "--lang": (lang, "en"),
            "--detail": (detail, "full"),
        }
        not_yet["--fragment"] = (fragment, False)
        not_yet["--figures"] = (figures, None)
        derive_network(
            layer, file, typed, not_yet, formats, output, force, max_terms, claims, claims_for
        )
        return
    if layer not in KINDS:
        raise SpecError(f"layer {quoted(layer)}: expected one of {', '.join(KINDS)}")
    for option, text in (*typed.items(), ("--format", formats), ("--output", output)):
        _given(option, text)
    _given("--max-terms", max_terms)
    _given("--lang", lang)
    _given("--detail", detail)
    fmts = _formats(formats)
    rendering = _render_options(lang, detail, fragment)
    spec = from_options(layer, typed)
    if len(claims) != len(claims_for):
        raise SpecError(
            f"--claim given {len(claims)} time(s) and --for {len(claims_for)}: give each "
            "--claim FORMULA its --for TENSOR"
        )
    paired = tuple(zip(claims_for, claims, strict=True))
    if paired:  # a formula that cannot be read is refused before any work
        user_claims(spec, paired)
    limit = count_text(max_terms, "--max-terms")
    targets, folder = _targets(output, fmts, spec.label())
    md_figures = _md_figures(spec, figures, targets, fmts, rendering.summary)
    if "pdf" in fmts:
        check_pdf_engine(rendering.lang)
    if targets is None and fmts == ["pdf"] and sys.stdout is not None and sys.stdout.isatty():
        raise SpecError("--format pdf --output '-': standard output is a terminal; redirect it")
    check_size(spec, limit)
    worked = None
    if "--seed" in typed or "--values" in typed:  # worked numbers (they load numpy and SymPy)
        from .worked.values import from_typed

        worked = from_typed(spec, typed.get("--seed"), typed.get("--values"))
    if targets is not None:  # before the (possibly long) work
        check_targets(
            [*targets.values(), *md_figures.values()],
            force=force,
            folder_exists=folder is None,
        )
    derivation = spec.derive(max_terms=limit, progress=True, claims=paired)
    # Markdown without its SVG files beside it (on standard output) has no figures
    md_figures_on = figures if md_figures else False
    md_stem = targets["md"].stem if targets is not None and "md" in targets else None
    rendered = {
        fmt: render_format(
            derivation,
            fmt,
            rendering.lang,
            rendering.detail,
            rendering.fragment,
            figures=md_figures_on if fmt == "md" else figures,
            stem=md_stem,
            worked=worked,
        )
        for fmt in fmts
    }
    if targets is None:
        write_stdout(rendered[fmts[0]])
    else:
        files = {targets[f]: rendered[f] for f in fmts}
        if md_figures:  # the SVG files the Markdown sheet links to, written all or none with it
            from .figures.sheet import companion_files

            svgs = companion_files(
                derivation, figures, md_stem, rendering.summary, rendering.lang
            )
            files.update({path: svgs[name] for name, path in md_figures.items()})
        if folder is not None:
            try:
                folder.mkdir(exist_ok=True)
            except OSError as exc:
                raise OutputError(
                    f"cannot create the folder {str(folder)!r}: {exc.strerror}"
                ) from None
        written = write_files(files, force=force)
        for path in written:
            click.echo(f"symderiv: wrote {path}", err=True)
    verdict = "verified" if derivation.verified else "NOT VERIFIED"
    click.echo(f"symderiv: {spec.label()}: {verdict}", err=True)
    if not derivation.verified:
        sys.exit(1)


def figure_targets(
    figures: tuple[str, ...],
    asked: bool | None,
    targets: Mapping[str, Path] | None,
    are: str = "figures are SVG files",
) -> dict[str, Path]:
    """Where the SVG files of ``figures`` (a sheet's figure names) go: beside the Markdown
    sheet ``targets["md"]``, by file name.  Markdown on standard output (``targets`` None)
    cannot link to files: it goes without them, and ``--figures`` (``asked``) asked for
    there is an error saying that the sheet's ``are`` written beside it."""
    from .figures.sheet import figure_file

    if targets is None:
        if asked:
            raise SpecError(
                f"--figures with --format md --output '-': the Markdown sheet's {are} "
                "written beside it; name a file or folder with --output, or pass "
                "--no-figures"
            )
        return {}
    folder, stem = targets["md"].parent, targets["md"].stem
    names = [figure_file(stem, name) for name in figures]
    for name in names:
        _check_length(folder / name, "--output", None)
    return {name: folder / name for name in names}


def _md_figures(
    spec: Layer,
    figures: bool | None,
    targets: dict[str, Path] | None,
    fmts: Sequence[str],
    summary: bool,
) -> dict[str, Path]:
    """The SVG files to write beside the Markdown sheet, by name (none without figures or
    without a Markdown sheet)."""
    from .figures.sheet import figure_names, wanted

    if not wanted(spec, figures, summary) or "md" not in fmts:
        return {}
    return figure_targets(tuple(figure_names(spec)), figures, targets)


def check_pdf_engine(lang: str) -> None:
    """Refuse ``--format pdf`` at once when the language's TeX engine is missing."""
    from .latex import engine_for, latex_available

    engine = engine_for(lang)
    if not latex_available(engine):
        need = "TeX Live" if engine == "pdflatex" else "texlive-xetex and texlive-lang-chinese"
        raise SpecError(f"--format pdf: {engine} was not found on PATH; install {need}")


def _targets(
    output: str | None, fmts: Sequence[str], stem: str
) -> tuple[dict[str, Path] | None, Path | None]:
    """Where each format goes (``None`` for standard output), and a folder to create.

    Only looks at the file system, never changes it; every name is checked for length
    first, so nothing is created for a run that cannot write its files."""
    if output == "-":
        if len(fmts) != 1:
            raise SpecError(
                f"--output '-' with --format {','.join(fmts)!r}: standard output takes one format"
            )
        return None, None
    if output is None:
        folder = Path("output")
        targets = {f: folder / f"{stem}.{f}" for f in fmts}
        for target in targets.values():
            _check_length(target, "--output", None)
        problem = None if _kind(folder) == "missing" else _folder_problem(folder)
        if problem is not None:
            raise SpecError(f"no --output given, and {problem}; name one with --output")
        return targets, None if _kind(folder) == "folder" else folder
    path = Path(output)
    _check_length(path, "--output", output)
    kind = _kind(path)
    # a trailing separator names a folder even for one format, as cp and rsync read it
    named_folder = output.endswith(("/", os.sep))
    if len(fmts) == 1 and kind != "folder" and not named_folder:
        problem = _folder_problem(path.parent)
        if problem is not None:
            raise SpecError(f"--output {quoted(output)}: {problem}")
        return {fmts[0]: path}, None
    if kind == "file":
        raise SpecError(
            f"--output {quoted(output)} is a file, but {len(fmts)} formats were asked for: "
            "name a folder"
        )
    if kind == "missing":
        if path.suffix.lstrip(".").lower() in FORMATS:
            raise SpecError(
                f"--output {quoted(output)} looks like a file name, but {len(fmts)} formats "
                "were asked for: name a folder, or ask for one --format"
            )
        problem = _folder_problem(path.parent)
        if problem is not None:
            raise SpecError(f"--output {quoted(output)}: {problem}")
    elif kind != "folder":
        raise SpecError(f"--output {quoted(output)}: cannot be reached: {kind}")
    targets = {f: path / f"{stem}.{f}" for f in fmts}
    for target in targets.values():
        _check_length(target, "--output", output)
    return targets, None if kind == "folder" else path


@cli.command()
@click.option(
    "--output",
    "-o",
    default="output",
    show_default=True,
    metavar="DIR",
    help="Folder of the gallery.",
)
@click.option("--no-pdf", is_flag=True, help="Skip compiling the PDFs.")
@click.option("--force", is_flag=True, help="Overwrite files that symderiv did not write.")
def gallery(output: str, no_pdf: bool, force: bool) -> None:
    """Regenerate the gallery of example sheets (tex, md, json and pdf) and the example
    handouts (examples/handouts: the classic notes in English and Chinese)."""
    from .gallery import (
        GALLERY,
        catalogue_files,
        gallery_files,
        gallery_names,
        handout_files,
        handout_specs,
    )
    from .handout.build import check_tools, target_names

    _given("--output", output)
    folder = Path(output)
    _check_length(folder, "--output", output)
    kind = _kind(folder)
    if kind == "file":
        raise SpecError(f"--output {quoted(output)} is a file, not a folder")
    if kind == "missing":  # created with its parents, unless one of them is a file
        for part in reversed(folder.parents):
            if _kind(part) == "file":
                raise SpecError(f"--output {quoted(output)}: {str(part)!r} is a file, not a folder")
    elif kind != "folder":
        raise SpecError(f"--output {quoted(output)}: cannot be reached: {kind}")
    targets = [
        folder / name
        for spec in GALLERY
        for name in gallery_names(spec)
        if not (no_pdf and name.endswith(".pdf"))
    ]
    from .handout.html import find_katex

    html = find_katex() is not None  # the handouts' HTML pages need KaTeX
    if not html:
        click.echo(
            "symderiv: KaTeX (node with the npm package katex) was not found: the handouts' "
            "HTML pages are left out",
            err=True,
        )
    handouts = handout_specs(pdf=not no_pdf, html=html)
    for handout_spec in handouts:  # the tools they need (latexmk, KaTeX) before any work
        check_tools(handout_spec)
        targets += [folder / name for name in target_names(handout_spec).values()]
    for target in targets:
        _check_length(target, "--output", output)
    if kind == "folder":  # before the (long) work, as derive does
        check_targets(targets, force=force)
    files: dict[Path, bytes] = {}
    for i, spec in enumerate(GALLERY, 1):
        click.echo(f"symderiv: [{i}/{len(GALLERY)}] {spec.label()}", err=True)
        files.update(gallery_files(spec, folder, pdf=not no_pdf))
    click.echo("symderiv: the catalogue of published identities", err=True)
    files.update(catalogue_files(folder, pdf=not no_pdf))
    click.echo("symderiv: the handouts (examples/handouts)", err=True)
    files.update(handout_files(folder, pdf=not no_pdf, html=html))
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {str(folder)!r}: {exc.strerror}") from None
    write_files(files, force=force)  # all rendered first: nothing is written on failure
    click.echo(f"symderiv: wrote {len(files)} files into {folder}", err=True)


@cli.command()
@click.argument("file", metavar="FILE.toml")
@click.option(
    "--format",
    "formats",
    default=None,
    metavar="LIST",
    help="Comma-separated: tex, pdf, md, html, ipynb, slides-tex, slides-pdf "
    "(default: the file's formats).",
)
@click.option("--lang", default=None, metavar="en|zh", help="The language (default: the file's).")
@click.option(
    "--name",
    default=None,
    metavar="STEM",
    help="File-name stem of the files (default: the file's name setting, or its stem).",
)
@click.option(
    "--output",
    "-o",
    default=None,
    metavar="DIR",
    help="Folder to write into (default: output/ in the current folder).",
)
@click.option(
    "--templates",
    default=None,
    metavar="DIR",
    help="A folder of your own templates, looked up before symderiv's (sandboxed).",
)
@click.option("--force", is_flag=True, help="Overwrite files that symderiv did not write.")
def handout(
    file: str,
    formats: str | None,
    lang: str | None,
    name: str | None,
    output: str | None,
    templates: str | None,
    force: bool,
) -> None:
    """Build a lecture handout described by FILE.toml (see the README's Handouts section).

    \b
    symderiv handout examples/handouts/classic-notes.toml
    symderiv handout notes.toml --format pdf,slides-pdf --lang zh -o handouts
    """
    from .handout import build_handout_files, read_handout
    from .handout.file import FORMATS, LANGUAGES

    for option, text in (
        ("FILE", file),
        ("--format", formats),
        ("--lang", lang),
        ("--name", name),
        ("--output", output),
        ("--templates", templates),
    ):
        _given(option, text)
    if lang is not None and lang not in LANGUAGES:
        raise SpecError(f"--lang {quoted(lang)}: expected one of {', '.join(LANGUAGES)}")
    spec = read_handout(file, language=lang)
    if formats is not None:
        names = [f.strip().lower() for f in formats.split(",") if f.strip()]
        if not names or any(f not in FORMATS for f in names):
            raise SpecError(
                f"--format {quoted(formats)}: expected a comma-separated list of "
                + ", ".join(FORMATS)
            )
        spec = spec.with_options(formats=tuple(dict.fromkeys(names)))
    if name is not None:
        spec = spec.with_options(name=name)
    folder = Path(output if output is not None else "output")
    _check_length(folder, "--output", output)
    kind = _kind(folder)
    if kind == "file":
        raise SpecError(f"--output {quoted(str(folder))} is a file, not a folder")
    if kind not in ("folder", "missing"):
        raise SpecError(f"--output {quoted(str(folder))}: cannot be reached: {kind}")
    if kind == "missing":
        problem = _folder_problem(folder.parent)
        if problem is not None:
            raise SpecError(f"--output {quoted(str(folder))}: {problem}")
    files = build_handout_files(
        spec,
        folder,
        templates=Path(templates) if templates is not None else None,
        force=force,
        progress=True,
    )
    if kind == "missing":
        try:
            folder.mkdir()
        except OSError as exc:
            raise OutputError(
                f"cannot create the folder {str(folder)!r}: {exc.strerror}"
            ) from None
    for path in write_files(files.files, force=force):
        click.echo(f"symderiv: wrote {path}", err=True)
    verdict = "verified" if files.verified else "NOT VERIFIED"
    click.echo(f"symderiv: {spec.name}: {verdict}", err=True)
    if not files.verified:
        sys.exit(1)


@cli.command()
@click.argument("layer", metavar="LAYER")
@click.argument("formula", metavar="FORMULA")
@click.option(
    "--for",
    "of",
    required=True,
    metavar="TENSOR",
    help="The gradient the formula claims to give: K, b, A (or the kind's own letters).",
)
@click.option(
    "--format",
    "fmt",
    default="text",
    show_default=True,
    metavar="text|json",
    help="The answer as text or as JSON.",
)
@click.option(
    "--max-terms",
    default=str(DEFAULT_MAX_TERMS),
    show_default=True,
    metavar="T",
    help="Refuse derivations predicted to build more terms than this.",
)
def check(
    layer: str, formula: str, of: str, fmt: str, max_terms: str, **options: str | None
) -> None:
    """Check a FORMULA for one gradient of LAYER against the derivation.

    \b
    symderiv check conv2d "conv2(x, rot180(delta), 'valid')" --for K
    symderiv check conv2d "rot180(conv2(x, rot180(δ), 'valid'))" --for K
    symderiv check conv2d "D * K" --for A --input 5x5 --kernel 3x3

    The formula is written for one map (pair), as in the notes: x = A, w = k = K,
    delta = δ = D; rot180, conv2(X, Y, 'valid'|'full'|'same'), xcorr, pad, dilate, crop,
    up, down, sum, transpose or X^T, softmax, .* (∘, ⊙), @, + -, numbers; X * Y is a
    scalar product or the notes' conv2 in the mode that fits; K_{c,m} is another map
    pair's kernel; with --input-activation, z, sigma(z) and sigma'(z) (--for z).  Exit
    status: 0 when it holds, 1 when it does not, 2 for bad input.
    """
    from .checker import check as check_formula

    if fmt not in ("text", "json"):
        raise SpecError(f"--format {fmt!r}: expected text or json")
    typed = {
        "--" + name.rstrip("_").replace("_", "-"): value
        for name, value in options.items()
        if value is not None
    }
    if layer not in KINDS:
        raise SpecError(f"layer {layer!r}: expected one of {', '.join(KINDS)}")
    for option in ("--seed", "--values"):
        if option in typed and "--ties" not in KINDS[layer].options:
            raise SpecError(
                f"{option} {quoted(typed[option])}: worked numbers are for symderiv derive; "
                "check proves a formula for every value"
            )
    spec = from_options(layer, typed)
    check_size(spec, count_text(max_terms, "--max-terms"))
    result = check_formula(spec, formula, of)
    text = (
        json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n"
        if fmt == "json"
        else result.to_text()
    )
    write_stdout(text.encode())
    if not result.holds:
        sys.exit(1)


@cli.command()
@click.option(
    "--format",
    "fmt",
    default="text",
    show_default=True,
    metavar="text|md|tex|json|pdf",
    help="How to print the catalogue (pdf: redirect standard output to a file).",
)
@click.option(
    "--lang",
    default="en",
    show_default=True,
    metavar="en|zh",
    help="The language of its fixed texts: en (PDF by pdflatex) or zh (Chinese; PDF by "
    "xelatex with ctex). The identities, their sources and readings stay as written.",
)
def catalogue(fmt: str, lang: str) -> None:
    """Print the catalogue of published identities, each with its verdict.

    Every formula of the lecture notes and the standard published ones, stated as in the
    source, checked on a representative layer in its own convention and in the other one.

    \b
    symderiv catalogue --format md --lang zh
    symderiv catalogue --format pdf --lang zh > catalogue-zh.pdf
    """
    from .catalogue import render

    _given("--format", fmt)
    _given("--lang", lang)
    if fmt not in ("text", "md", "tex", "json", "pdf"):
        raise SpecError(f"--format {fmt!r}: expected text, md, tex, json or pdf")
    if lang not in LANGUAGES:
        raise SpecError(f"--lang {quoted(lang)}: expected one of {', '.join(LANGUAGES)}")
    if fmt != "pdf":
        write_stdout(render(fmt, lang=lang).encode())
        return
    from .latex import compile_pdf, engine_for

    check_pdf_engine(lang)
    engine = engine_for(lang)
    if sys.stdout is not None and sys.stdout.isatty():
        raise SpecError("--format pdf: standard output is a terminal; redirect it to a file")
    write_stdout(compile_pdf(render("tex", lang=lang), engine=engine).pdf)


def _kinds_epilog() -> str:
    """LAYER: every kind with what it is and its options (from the registry)."""
    lines = ["\b", "LAYER is one of:"]
    for kind in KINDS.values():
        lines.append(f"  {kind.name:<22} {kind.summary}")
        lines.append(f"  {'':<22} {' '.join(kind.options)}")
    lines.append(f"  {'network FILE.toml':<22} a whole network described in a TOML file")
    lines.append(f"  {'':<22} --seed")
    return "\n".join(lines)


derive.epilog = _kinds_epilog()

# check takes every layer option of derive (the same objects, so they cannot drift apart)
_NOT_LAYER = {
    "layer",
    "file",
    "formats",
    "output",
    "force",
    "figures",
    "max_terms",
    "claims",
    "claims_for",
    "lang",
    "detail",
    "fragment",
}
check.params.extend(p for p in derive.params if p.name not in _NOT_LAYER)


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point."""
    cli.main(args=argv)


if __name__ == "__main__":  # pragma: no cover
    main()
