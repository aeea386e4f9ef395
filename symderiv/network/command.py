"""``symderiv derive network FILE.toml``: the command line's route to a whole network.

It takes the usual ``--format``, ``--output``, ``--force`` and ``--max-terms``, and
``--seed`` (the sample point that fixes ReLU and max-pooling switches); every layer's
options come from the file.  Bad input is one line on stderr and exit status 2, before
anything is written; a network that is not verified exits with status 1.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import click

from ..exceptions import SpecError, quoted

__all__ = ["derive_network"]


def _write(
    rendered: Mapping[str, bytes],
    fmts: Sequence[str],
    targets: Mapping[str, Path] | None,
    folder: Path | None,
    force: bool,
) -> None:
    """Every format to its target (all or none), or the one format to standard output."""
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
    for path in write_files({targets[f]: rendered[f] for f in fmts}, force=force):
        click.echo(f"symderiv: wrote {path}", err=True)


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
                f"{file}; it takes --seed, --format, --output, --force and --max-terms"
            )
    for option, (value, default) in rendering.items():
        if value != default:
            shown = "" if isinstance(value, bool) else f" {quoted(value)}"
            raise SpecError(
                f"{option}{shown}: a network's sheet is in English, in full detail, a whole "
                "document, without figures; leave the option out"
            )
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
    if "pdf" in fmts:
        from ..latex import latex_available

        if not latex_available():
            raise SpecError("--format pdf: pdflatex was not found on PATH; install TeX Live")
    if targets is None and fmts == ["pdf"] and sys.stdout is not None and sys.stdout.isatty():
        raise SpecError("--format pdf --output '-': standard output is a terminal; redirect it")
    from ..output import check_targets
    from .derive import check_size

    check_size(net, limit)  # before the files are looked at and the work is done
    if targets is not None:  # before the work
        check_targets(targets.values(), force=force, folder_exists=folder is None)
    derivation = net.derive(max_terms=limit, progress=True)
    rendered = {}
    for fmt in fmts:
        if fmt == "tex":
            rendered[fmt] = derivation.to_latex().encode()
        elif fmt == "md":
            rendered[fmt] = derivation.to_markdown().encode()
        elif fmt == "json":
            rendered[fmt] = derivation.to_json().encode()
        else:
            from ..latex import compile_pdf

            rendered[fmt] = compile_pdf(derivation.to_latex(), progress=True).pdf
    _write(rendered, fmts, targets, folder, force)
    verdict = "verified" if derivation.verified else "NOT VERIFIED"
    click.echo(f"symderiv: {net.label()}: {verdict}", err=True)
    if not derivation.verified:
        sys.exit(1)
