"""The generated LaTeX compiles cleanly with pdflatex, fits the page, and compiles safely."""

from __future__ import annotations

import contextlib
import shutil
import subprocess

import pytest

import symderiv
from symderiv.exceptions import LatexBuildError
from symderiv.latex import compile_pdf, log_problems

from .conftest import needs_latex

pytestmark = [pytest.mark.latex, needs_latex]


def _pdf_text(pdf: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def _assert_pdf_shows(d, pdf: bytes, tmp_path) -> None:
    """The pages carry the sheet: its title and one dE/d... per derived element at least
    (a blank page compiles too)."""
    text = _pdf_text(pdf, tmp_path)
    assert d.spec.kind.replace("_", " ") in text.replace("_", " ")
    assert text.count("∂E") >= len(d.gradients)
    assert "Verdict: every gradient above was derived" in " ".join(text.split())


def test_classic_sheet_compiles_without_errors_or_overfull_boxes(classic, tmp_path):
    build = compile_pdf(classic.to_latex())
    assert log_problems(build.log) == []
    assert build.pdf.startswith(b"%PDF")
    text = _pdf_text(build.pdf, tmp_path)
    for phrase in (
        "Forward pass",
        "Contribution table",
        "Kernel gradient",
        "Bias gradient",
        "Input gradient",
        "Closed forms, proved",
        "does not hold",
        "Numeric cross-check",
        "correlation convention",
    ):
        assert phrase in text
    # The page really carries the expansions (a blank page also compiles with exit 0).
    assert text.count("∂E") >= 4 + 1 + 16


def test_pdf_is_reproducible(classic):
    assert compile_pdf(classic.to_latex()).pdf == compile_pdf(classic.to_latex()).pdf


@pytest.mark.parametrize(
    "kwargs",
    [
        {"input": (12, 12), "kernel": (2, 2), "in_channels": 2, "out_channels": 2},
        {"input": (3, 40), "kernel": (1, 3)},
        {"input": (11, 11), "kernel": (5, 5), "convention": "convolution"},
        {"input": (6, 6), "kernel": (3, 3), "in_channels": 3, "out_channels": 2, "batch": 2},
    ],
    ids=["commas-channels", "long-rows", "5x5-kernel", "batch-channels"],
)
def test_wide_sheets_fit_the_page(kwargs, tmp_path):
    d = symderiv.conv2d(**kwargs).derive()
    build = compile_pdf(d.to_latex())  # raises on any error or overfull box
    _assert_pdf_shows(d, build.pdf, tmp_path)


def test_errors_and_overfull_boxes_are_reported():
    with pytest.raises(LatexBuildError, match="Undefined control sequence"):
        compile_pdf(r"\documentclass{article}\begin{document}\nosuchmacro\end{document}")
    wide = r"\documentclass{article}\begin{document}\mbox{" + "x" * 400 + r"}\end{document}"
    with pytest.raises(LatexBuildError, match=r"Overfull \\hbox"):
        compile_pdf(wide)


def test_compiles_without_shell_escape_or_writing_outside(tmp_path):
    target = tmp_path / "escaped.txt"
    tex = (
        r"\documentclass{article}\begin{document}"
        rf"\immediate\write18{{touch {target}}}"
        r"\newwrite\out\immediate\openout\out="
        + str(tmp_path / "outside.txt")
        + r"\immediate\write\out{x}\immediate\closeout\out ok\end{document}"
    )
    with contextlib.suppress(LatexBuildError):  # refusing to open the file is fine too
        compile_pdf(tex)
    assert not target.exists()
    assert not (tmp_path / "outside.txt").exists()


@pytest.mark.parametrize(
    "spec",
    [
        # A refuted formula's rows sit beside a wide "formula: dE/dK =?" label.
        symderiv.conv1d(input=60, kernel=3),
        # One regrouping patch is wider than the page: the sheet says so instead.
        symderiv.conv2d(input=(1, 40), kernel=(1, 40)),
        # Many maps: long equation lists are split into several align* blocks.
        symderiv.conv2d(in_channels=6, out_channels=6, batch=2),
    ],
    ids=lambda s: s.label(),
)
def test_sheets_a_newcomer_tried_build(spec, tmp_path):
    d = spec.derive()
    build = compile_pdf(d.to_latex())  # raises on any error or overfull box
    _assert_pdf_shows(d, build.pdf, tmp_path)


def test_patch_too_wide_is_said_in_words():
    tex = symderiv.conv2d(input=(1, 40), kernel=(1, 40)).derive().to_latex()
    assert "are too wide to print here" in tex


def test_capacity_exceeded_is_explained():
    with pytest.raises(
        LatexBuildError, match=r"^the sheet is too large for pdflatex \(TeX capacity"
    ):
        compile_pdf(r"\documentclass{article}\begin{document}\def\a{x\a}\a\end{document}")


@pytest.mark.latex
@needs_latex
def test_gallery_pdfs_embed_only_type1_fonts_and_keep_straight_quotes():
    """No bitmap (Type 3) font, so nothing needs generating; quotes copy as straight ones."""
    import subprocess

    from .conftest import ROOT

    for pdf in sorted((ROOT / "output").glob("*.pdf")):
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
        assert "Type 3" not in fonts.stdout, pdf.name
    text = subprocess.run(
        ["pdftotext", str(ROOT / "output" / "conv2d_4x4_k2x2_correlation.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "conv2(A, rot180(D), 'valid'): holds" in text
