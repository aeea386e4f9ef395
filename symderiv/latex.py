"""Compile a generated sheet to PDF, safely and reproducibly.

pdflatex runs in a fresh temporary folder (a failed ``-halt-on-error`` run
deletes the PDF in its folder, so nothing is ever built in place), without
shell escape, with ``openin_any=p``/``openout_any=p`` so it reads and writes
nothing outside that folder, under a time limit, and with
``SOURCE_DATE_EPOCH`` fixed so the same ``.tex`` gives a byte-identical PDF.
The log is then read: any error or overfull box is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .exceptions import LatexBuildError

__all__ = ["PdfBuild", "compile_pdf", "latex_available", "log_problems"]

SOURCE_DATE_EPOCH = "946684800"  # 2000-01-01: any fixed value makes the PDF reproducible
_OVERFULL = re.compile(r"^Overfull \\[hv]box .*$", re.MULTILINE)
_ERROR = re.compile(r"^! .*$", re.MULTILINE)
_RERUN = re.compile(r"Rerun to get|Rerun LaTeX|Label\(s\) may have changed")


@dataclass(frozen=True)
class PdfBuild:
    """A compiled PDF, pdflatex's last log, and how many runs it took."""

    pdf: bytes
    log: str
    runs: int


def latex_available() -> bool:
    """Is ``pdflatex`` on the PATH?"""
    return shutil.which("pdflatex") is not None


def log_problems(log: str) -> list[str]:
    """Errors and overfull boxes reported in a pdflatex log."""
    return _ERROR.findall(log) + _OVERFULL.findall(log)


def _failure(log: str, stdout: str) -> str:
    """One line saying why pdflatex stopped."""
    capacity = re.search(r"TeX capacity exceeded, sorry \[([^\]]*)\]", log)
    if capacity:
        return (
            f"the sheet is too large for pdflatex (TeX capacity exceeded: {capacity.group(1)}); "
            "the .tex and .md sheets are not affected (--format tex,md)"
        )
    errors = _ERROR.findall(log)
    where = re.search(r"^l\.(\d+)", log, re.MULTILINE)
    if errors:
        line = f" at line {where.group(1)} of the generated .tex" if where else ""
        return f"pdflatex failed{line}: {errors[0][2:].strip()}"
    tail = " ".join(stdout.split())[-200:]
    return f"pdflatex failed: {tail}"


def compile_pdf(
    tex: str, *, timeout: float = 120.0, max_runs: int = 4, progress: bool = False
) -> PdfBuild:
    """Run pdflatex until cross-references settle; raise :class:`LatexBuildError`
    if it fails or its log shows errors or overfull boxes.  With ``progress``,
    each run is announced on stderr."""
    if not latex_available():
        raise LatexBuildError(
            "pdflatex was not found on PATH: install TeX Live (Debian: texlive-latex-base "
            "texlive-latex-recommended) to build PDFs"
        )
    env = dict(os.environ)
    env.update(
        SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH,
        FORCE_SOURCE_DATE="1",
        openin_any="p",
        openout_any="p",
        shell_escape="f",
        TEXMFOUTPUT="",
    )
    with tempfile.TemporaryDirectory(prefix="symderiv-tex-") as tmp:
        folder = Path(tmp)
        (folder / "sheet.tex").write_text(tex, encoding="utf-8")
        cmd = [
            "pdflatex",
            "-no-shell-escape",
            "-interaction=nonstopmode",
            "-halt-on-error",
            "-file-line-error",
            "sheet.tex",
        ]
        log = ""
        runs = 0
        previous_aux = None
        while runs < max_runs:
            runs += 1
            if progress:
                print(f"symderiv: pdflatex run {runs} ...", file=sys.stderr, flush=True)
            try:
                proc = subprocess.run(
                    cmd,
                    cwd=folder,
                    env=env,
                    capture_output=True,
                    timeout=timeout,
                    stdin=subprocess.DEVNULL,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                raise LatexBuildError(f"pdflatex took longer than {timeout:.0f} s") from None
            log_path = folder / "sheet.log"
            log = log_path.read_text(encoding="latin-1") if log_path.exists() else ""
            if proc.returncode != 0:
                raise LatexBuildError(_failure(log, proc.stdout.decode("latin-1")))
            aux = (folder / "sheet.aux").read_bytes() if (folder / "sheet.aux").exists() else b""
            if not _RERUN.search(log) and aux == previous_aux:
                break
            previous_aux = aux
        problems = log_problems(log)
        if problems:
            raise LatexBuildError(
                f"pdflatex reported {len(problems)} problem(s), first: {problems[0]}"
            )
        return PdfBuild(pdf=(folder / "sheet.pdf").read_bytes(), log=log, runs=runs)
