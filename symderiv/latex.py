"""Compile a generated sheet to PDF, safely and reproducibly.

pdflatex runs in a fresh temporary folder (a failed ``-halt-on-error`` run
deletes the PDF in its folder, so nothing is ever built in place), without
shell escape, with ``openin_any=p``/``openout_any=p`` so it reads and writes
nothing outside that folder, without making TeX files or font metrics on
demand (bitmap fonts only inside that folder: nothing is written under the
user's home), with a minimal environment of its own (so ``TEXINPUTS``,
``TEXMFHOME`` and the like cannot change what it reads), in a process group of
its own that is killed whole when the time limit runs out, and with
``SOURCE_DATE_EPOCH`` fixed so the same ``.tex`` gives a byte-identical PDF.
The log is then read: any error or overfull box is a failure.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .exceptions import LatexBuildError

__all__ = [
    "ENGINES",
    "PdfBuild",
    "compile_document",
    "compile_pdf",
    "engine_for",
    "latex_available",
    "latexmk_available",
    "log_problems",
    "tex_environment",
]

#: the TeX engine of each sheet language: Chinese needs xelatex (ctex with Fandol fonts)
ENGINES = {"en": "pdflatex", "zh": "xelatex"}

SOURCE_DATE_EPOCH = "946684800"  # 2000-01-01: any fixed value makes the PDF reproducible
_DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin"
# kpathsea's switches for making missing files on demand: TeX sources, font metrics,
# Metafont sources and formats are never made; bitmap fonts (mktexpk, Metafont) only
# when asked for, and then only inside the build's own folder.
_MKTEX = ("MKTEXTEX", "MKTEXTFM", "MKTEXMF", "MKTEXFMT")
_OVERFULL = re.compile(r"^Overfull \\[hv]box .*$", re.MULTILINE)
_ERROR = re.compile(r"^! .*$", re.MULTILINE)
# a glyph the font lacks is dropped with only this line in the log (a Chinese character
# in a Latin font, say): a problem, as an overfull box is
_MISSING_CHAR = re.compile(r"^Missing character: .*$", re.MULTILINE)
_FILE_LINE_ERROR = re.compile(r"^\./sheet\.tex:(\d+): (.*)$", re.MULTILINE)
_REFERENCES = re.compile(
    r"^LaTeX Warning: (?:Reference|Citation) .* undefined.*$"
    r"|^LaTeX Warning: Label .* multiply defined.*$"
    r"|^LaTeX Warning: There were (?:undefined references|multiply-defined labels).*$",
    re.MULTILINE,
)
_MISSING_FONT = re.compile(r"!pdfTeX error: .*?\(file ([^)\s]+)\): Font \S+ at \d+ not found")
_RERUN = re.compile(r"Rerun to get|Rerun LaTeX|Label\(s\) may have changed")


@dataclass(frozen=True)
class PdfBuild:
    """A compiled PDF, pdflatex's last log, and how many runs it took."""

    pdf: bytes
    log: str
    runs: int


def engine_for(lang: str) -> str:
    """The TeX engine that builds a sheet in ``lang``."""
    return ENGINES[lang]


def latex_available(engine: str = "pdflatex") -> bool:
    """Is ``engine`` (pdflatex, or xelatex for Chinese) on the PATH?"""
    return shutil.which(engine) is not None


def log_problems(log: str) -> list[str]:
    """Errors, overfull boxes and missing characters reported in a TeX log."""
    return _ERROR.findall(log) + _OVERFULL.findall(log) + _MISSING_CHAR.findall(log)


def _failure(log: str, stdout: str, engine: str = "pdflatex") -> str:
    """One line saying why the TeX engine stopped."""
    capacity = re.search(r"TeX capacity exceeded, sorry \[([^\]]*)\]", log)
    if capacity:
        return (
            f"the sheet is too large for {engine} (TeX capacity exceeded: {capacity.group(1)}); "
            "the .tex and .md sheets are not affected (--format tex,md)"
        )
    font = _MISSING_FONT.search(log) or _MISSING_FONT.search(stdout)
    if font:
        return (
            f"pdflatex needs the bitmap font {font.group(1)!r}, which is not installed, and "
            "font generation is off: install cm-super (Debian: cm-super-minimal), or build "
            "with generate_fonts=True"
        )
    located = _FILE_LINE_ERROR.search(log)
    if located:
        return f"{engine} failed at line {located[1]} of the generated .tex: {located[2].strip()}"
    errors = _ERROR.findall(log)
    where = re.search(r"^l\.(\d+)", log, re.MULTILINE)
    if errors:
        line = f" at line {where.group(1)} of the generated .tex" if where else ""
        return f"{engine} failed{line}: {errors[0][2:].strip()}"
    tail = " ".join(stdout.split())[-200:]
    return f"{engine} failed: {tail}"


def tex_environment(home: Path, *, generate_fonts: bool = False) -> dict[str, str]:
    """The whole environment pdflatex gets: ``PATH`` (to find pdflatex), ``HOME`` and
    every folder TeX may write to (``TEXMFVAR``, ``TEXMFCONFIG``, ``VARTEXFONTS``) inside
    ``home`` (the build folder), ``LANG=C``, no files made on demand (bitmap fonts only
    with ``generate_fonts``), the fixed date, and kpathsea's restrictions; nothing else
    of ``os.environ`` reaches TeX."""
    return {
        "PATH": os.environ.get("PATH") or _DEFAULT_PATH,
        "HOME": str(home),
        "TEXMFVAR": str(home / "texmf-var"),
        "TEXMFCONFIG": str(home / "texmf-config"),
        "VARTEXFONTS": str(home / "texfonts"),
        "LANG": "C",
        **dict.fromkeys(_MKTEX, "0"),
        "MKTEXPK": "1" if generate_fonts else "0",
        "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
        "FORCE_SOURCE_DATE": "1",
        "openin_any": "p",
        "openout_any": "p",
        "shell_escape": "f",
        "TEXMFOUTPUT": "",
        "max_print_line": "10000",  # one message, one log line: read whole by _failure
    }


def _exited(proc: subprocess.Popen[bytes], timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for pdflatex to exit, *without* reaping it: while
    it is an unreaped zombie its process group number cannot be reused, so killing the
    group afterwards can only hit what pdflatex started."""
    if not hasattr(os, "waitid"):  # not on macOS: reap, and accept the tiny race
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True
    deadline = time.monotonic() + timeout
    delay = 0.001
    while os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        time.sleep(min(delay, remaining))
        delay = min(delay * 2, 0.05)
    return True


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill pdflatex and everything it started (its own process group), then reap it."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


#: PDF 1.4 from xdvipdfmx: no object streams, so the document information (symderiv's
#: marker) stays readable and a Chinese sheet can be regenerated in place.
_DRIVER = {"xelatex": ("-output-driver=xdvipdfmx -E -V 4",)}


def compile_pdf(
    tex: str,
    *,
    timeout: float = 120.0,
    max_runs: int = 4,
    progress: bool = False,
    generate_fonts: bool = False,
    engine: str = "pdflatex",
) -> PdfBuild:
    """Run ``engine`` (``pdflatex``, or ``xelatex`` for a Chinese sheet: same switches,
    same sandbox) until cross-references settle; raise :class:`LatexBuildError`
    if it fails, runs longer than ``timeout`` seconds, or its log shows errors or
    overfull boxes.  With ``progress``, each run is announced on stderr.

    Missing TeX files, font metrics and fonts are never made on demand (the
    sheets use only Type 1 fonts TeX Live installs; their typewriter quote is
    OT1's upright ``\\char13``), so a font that is not installed is an error.
    ``generate_fonts=True`` lets mktexpk make a missing *bitmap* font inside the
    build's own temporary folder, with nothing written under ``$HOME``.
    """
    if engine not in ENGINES.values():
        raise ValueError(f"engine {engine!r}: expected one of {', '.join(ENGINES.values())}")
    if not latex_available(engine):
        if engine == "xelatex":
            raise LatexBuildError(
                "xelatex was not found on PATH: install it and the Chinese fonts (Debian: "
                "texlive-xetex texlive-lang-chinese) to build Chinese PDFs"
            )
        raise LatexBuildError(
            "pdflatex was not found on PATH: install TeX Live (Debian: texlive-latex-base "
            "texlive-latex-recommended) to build PDFs"
        )
    with tempfile.TemporaryDirectory(prefix="symderiv-tex-") as tmp:
        folder = Path(tmp)
        env = tex_environment(folder, generate_fonts=generate_fonts)
        (folder / "sheet.tex").write_text(tex, encoding="utf-8")
        cmd = [
            shutil.which(engine, path=env["PATH"]) or engine,
            "-no-shell-escape",
            "-no-mktex=tex",
            "-no-mktex=tfm",
            "-mktex=pk" if generate_fonts else "-no-mktex=pk",
            "-interaction=nonstopmode",
            "-halt-on-error",
            "-file-line-error",
            *_DRIVER.get(engine, ()),
            "sheet.tex",
        ]
        log = ""
        runs = 0
        previous_aux = None
        while runs < max_runs:
            runs += 1
            if progress:
                print(f"symderiv: {engine} run {runs} ...", file=sys.stderr, flush=True)
            returncode, stdout = _run(cmd, folder, env, timeout, engine)
            log_path = folder / "sheet.log"
            log = log_path.read_text(encoding="latin-1") if log_path.exists() else ""
            if returncode != 0:
                raise LatexBuildError(_failure(log, stdout, engine))
            aux = (folder / "sheet.aux").read_bytes() if (folder / "sheet.aux").exists() else b""
            if not _RERUN.search(log) and aux == previous_aux:
                break
            previous_aux = aux
        problems = log_problems(log)
        if problems:
            raise LatexBuildError(
                f"{engine} reported {len(problems)} problem(s), first: {problems[0]}"
            )
        return PdfBuild(pdf=(folder / "sheet.pdf").read_bytes(), log=log, runs=runs)


def _run(
    cmd: list[str], folder: Path, env: dict[str, str], timeout: float, engine: str = "pdflatex"
) -> tuple[int, str]:
    """Run the TeX engine once in a session of its own; its exit status and what it printed.

    Its output goes to an unnamed file, not a pipe, so nothing it leaves running can
    keep us waiting; whatever is left of its process group afterwards is killed.
    """
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(
            cmd,
            cwd=folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            finished = _exited(proc, timeout)
        finally:
            _kill_group(proc)  # on a timeout, an interrupt, or helpers left behind
        if not finished:
            raise LatexBuildError(f"{engine} took longer than {timeout:.0f} s")
        out.seek(0)
        return proc.returncode, out.read().decode("latin-1")


def latexmk_available(engine: str = "pdflatex") -> bool:
    """Are ``latexmk`` and ``engine`` on the PATH?"""
    return shutil.which("latexmk") is not None and shutil.which(engine) is not None


def compile_document(
    tex: str,
    *,
    engine: str = "pdflatex",
    timeout: float = 300.0,
    files: dict[str, bytes] | None = None,
    progress: bool = False,
) -> PdfBuild:
    """Build a document with ``latexmk -norc`` and ``engine`` (pdflatex or xelatex).

    The same guarantees as :func:`compile_pdf`: a fresh temporary folder (``files``,
    name -> bytes, are written beside the document, plain names only), no shell escape,
    ``openin_any=p``/``openout_any=p``, no files made on demand, the minimal environment
    of :func:`tex_environment` with ``SOURCE_DATE_EPOCH`` (byte-identical PDFs), and one
    time limit for the whole latexmk run, whose process group is killed on timeout.
    ``-norc`` keeps every latexmk configuration file (the system's, the user's, the
    folder's) out.  Raises :class:`LatexBuildError` with the first TeX error and its
    line, or the first overfull box, undefined reference or multiply defined label;
    nothing is returned (so nothing can be written) unless the PDF was built cleanly.
    """
    if engine not in ENGINES.values():
        raise ValueError(f"engine {engine!r}: expected one of {', '.join(ENGINES.values())}")
    if not latexmk_available(engine):
        package = "texlive-xetex" if engine == "xelatex" else "texlive-latex-base"
        raise LatexBuildError(
            f"latexmk and {engine} were not found on PATH: install TeX Live (Debian: latexmk "
            f"{package}) to build PDFs"
        )
    with tempfile.TemporaryDirectory(prefix="symderiv-tex-") as tmp:
        folder = Path(tmp)
        env = tex_environment(folder)
        for name, data in (files or {}).items():
            if Path(name).name != name or name.startswith(".") or name == "sheet.tex":
                raise ValueError(f"file name {name!r}: expected a plain name beside the document")
            (folder / name).write_bytes(data)
        (folder / "sheet.tex").write_text(tex, encoding="utf-8")
        flags = (
            "-no-shell-escape -no-mktex=tex -no-mktex=tfm -no-mktex=pk "
            "-interaction=nonstopmode -halt-on-error -file-line-error"
        )
        cmd = [
            shutil.which("latexmk", path=env["PATH"]) or "latexmk",
            "-norc",
            "-pdfxe" if engine == "xelatex" else "-pdf",
            f"-{engine}={engine} {flags} %O %S",
            # PDF 1.4 from xdvipdfmx: no object or cross-reference streams, so the document
            # information stays plain (output.is_ours reads it, as in a pdflatex PDF)
            "-e",
            "$xdvipdfmx = 'xdvipdfmx -E -V 4 -o %D %O %S'",
            "-interaction=nonstopmode",
            "-halt-on-error",
            "-file-line-error",
            "-no-shell-escape",
            "-silent",
            "sheet.tex",
        ]
        if progress:
            print(f"symderiv: latexmk ({engine}) ...", file=sys.stderr, flush=True)
        returncode, stdout = _run(cmd, folder, env, timeout, "latexmk")
        log_path = folder / "sheet.log"
        log = log_path.read_text(encoding="latin-1") if log_path.exists() else ""
        pdf_path = folder / "sheet.pdf"
        if returncode != 0 or not pdf_path.exists():
            raise LatexBuildError(_failure(log, stdout, engine))
        problems = log_problems(log) + _REFERENCES.findall(log)
        if problems:
            raise LatexBuildError(
                f"{engine} reported {len(problems)} problem(s), first: {problems[0]}"
            )
        runs = len(re.findall(rf"^Latexmk: Run number \d+ of rule '{engine}'", stdout, re.M))
        return PdfBuild(pdf=pdf_path.read_bytes(), log=log, runs=max(runs, 1))
