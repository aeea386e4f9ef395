"""``symderiv derive network FILE.toml``: the command line's route to a whole network.

It takes the usual ``--format``, ``--output``, ``--force``, ``--max-terms``, ``--lang``,
``--detail``, ``--fragment`` and ``--figures/--no-figures`` (as a layer's sheet does), and
``--seed`` (the sample point that fixes ReLU and max-pooling switches); every layer's
options come from the file.  The figure's SVG file is written beside the Markdown sheet,
all or none with the other files.  Bad input is one line on stderr and exit status 2,
before anything is written; a network that is not verified exits with status 1.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..exceptions import SpecError, quoted

if TYPE_CHECKING:
    from ..render.options import RenderOptions

__all__ = ["derive_network"]


def _write(
    rendered: Mapping[str, bytes],
    fmts: Sequence[str],
    targets: Mapping[str, Path] | None,
    folder: Path | None,
    force: bool,
    extra: Mapping[Path, bytes] | None = None,
) -> None:
    """Every format to its target and the ``extra`` files (the Markdown's figure), all or
    none, or the one format to standard output."""
    from ..exceptions import OutputError
    from ..output import write_files, write_stdout

    if targets is None:
        write_stdout(rendered[fmts[0]])
        return
    if folder is not None:
        try:
            folder.mkdir(exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the folder {str(folder)!r}: {exc.strerror}") from None
    files = {targets[f]: rendered[f] for f in fmts}
    files.update(extra or {})
    for path in write_files(files, force=force):
        click.echo(f"symderiv: wrote {path}", err=True)


def _rendering(rendering: Mapping[str, tuple[object, object]]) -> RenderOptions:
    """--lang, --detail, --fragment and --figures, as typed (value, default), checked."""
    from ..cli import _given, _render_options
    from ..render.options import RenderOptions

    lang, _ = rendering.get("--lang", ("en", "en"))
    detail, _ = rendering.get("--detail", ("full", "full"))
    fragment, _ = rendering.get("--fragment", (False, False))
    figures, _ = rendering.get("--figures", (None, None))
    _given("--lang", str(lang))
    _given("--detail", str(detail))
    checked = _render_options(str(lang), str(detail), bool(fragment))
    return RenderOptions(
        lang=checked.lang,
        detail=checked.detail,
        fragment=checked.fragment,
        figures=figures if isinstance(figures, bool) else None,
    )


def _md_figure(
    options: RenderOptions, targets: Mapping[str, Path] | None, fmts: Sequence[str]
) -> dict[str, Path]:
    """The SVG file to write beside the Markdown sheet, by name (none without a figure or
    a Markdown sheet; see :func:`symderiv.cli.figure_targets`)."""
    from ..cli import figure_targets
    from .figure import FIGURE, wanted

    if "md" not in fmts or not wanted(options):
        return {}
    return figure_targets((FIGURE,), options.figures, targets, "figure is an SVG file")


def _seed(text: str) -> int:
    if not re.fullmatch(r"\s*[0-9]{1,9}\s*", text):
        raise SpecError(f"--seed {quoted(text)}: expected a non-negative integer, such as 0")
    return int(text)


def derive_network(
    layer: str,
    file: str | None,
    typed: Mapping[str, str],
    rendering: Mapping[str, tuple[object, object]],
    formats: str,
    output: str | None,
    force: bool,
    max_terms: str,
    claims: Sequence[str],
    claims_for: Sequence[str],
) -> None:
    """Read, derive, prove, render and write one network (see the module's docstring)."""
    from ..cli import _formats, _given, _targets
    from ..layers.conv.spec import count_text
    from . import network

    if layer != "network":
        raise SpecError(
            f"{quoted(file)}: only `symderiv derive network FILE.toml` takes a file; "
            f"{layer} takes its options"
        )
    if file is None:
        raise SpecError(
            "derive network: give the network's file, such as "
            "`symderiv derive network examples/networks/tiny_lenet.toml`"
        )
    for option, text in typed.items():
        if option != "--seed":
            raise SpecError(
                f"{option} {quoted(text)}: derive network reads every layer's options from "
                f"{file}; it takes --seed, --format, --output, --force, --max-terms, --lang, "
                "--detail, --fragment and --figures/--no-figures"
            )
    options = _rendering(rendering)
    if claims or claims_for:
        raise SpecError(
            "--claim/--for: derive network proves the delta recursion of every layer; check a "
            "formula of your own on one layer with `symderiv check`"
        )
    given: list[tuple[str, str | None]] = [*typed.items(), ("--format", formats)]
    for name, value in (*given, ("--output", output)):
        _given(name, value)
    _given("--max-terms", max_terms)
    fmts = _formats(formats)
    seed = _seed(typed.get("--seed", "0"))
    limit = count_text(max_terms, "--max-terms")
    net = network(file, seed=seed)
    targets, folder = _targets(output, fmts, net.label())
    md_figure = _md_figure(options, targets, fmts)
    if "pdf" in fmts:
        from ..cli import check_pdf_engine

        check_pdf_engine(options.lang)
    if targets is None and fmts == ["pdf"] and sys.stdout is not None and sys.stdout.isatty():
        raise SpecError("--format pdf --output '-': standard output is a terminal; redirect it")
    from ..output import check_targets
    from .derive import check_size

    check_size(net, limit)  # before the files are looked at and the work is done
    if targets is not None:  # before the work
        check_targets(
            [*targets.values(), *md_figure.values()], force=force, folder_exists=folder is None
        )
    derivation = net.derive(max_terms=limit, progress=True)
    stem = targets["md"].stem if targets is not None and "md" in targets else None
    # Markdown without its SVG file beside it (on standard output) has no figure
    md_options = replace(options, stem=stem, figures=options.figures if md_figure else False)
    rendered = {}
    for fmt in fmts:
        if fmt == "tex":
            rendered[fmt] = derivation.to_latex(options).encode()
        elif fmt == "md":
            rendered[fmt] = derivation.to_markdown(md_options).encode()
        elif fmt == "json":
            rendered[fmt] = derivation.to_json().encode()
        else:
            from ..latex import compile_pdf, engine_for

            whole = replace(options, fragment=False)  # the PDF is always a whole document
            tex = derivation.to_latex(whole)
            rendered[fmt] = compile_pdf(tex, progress=True, engine=engine_for(options.lang)).pdf
    extra: dict[Path, bytes] = {}
    if md_figure:  # the SVG file the Markdown sheet links to, written all or none with it
        from .render import figure_files

        svgs = figure_files(derivation, stem, md_options)
        extra = {path: svgs[name] for name, path in md_figure.items()}
    _write(rendered, fmts, targets, folder, force, extra)
    verdict = "verified" if derivation.verified else "NOT VERIFIED"
    click.echo(f"symderiv: {net.label()}: {verdict}", err=True)
    if not derivation.verified:
        sys.exit(1)
