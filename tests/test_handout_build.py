"""Handouts built into PDFs with latexmk: clean logs, the text really on the pages (user
text literally, Chinese too), byte-identical files run to run, a failed build that keeps
the old files, and latexmk run safely."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from symderiv.cli import cli
from symderiv.exceptions import LatexBuildError
from symderiv.handout.html import find_katex
from symderiv.latex import compile_document
from symderiv.output import is_ours

pytestmark = [
    pytest.mark.slow,  # latexmk builds of every document: `python -m pytest -m slow`
    pytest.mark.latex,
    pytest.mark.skipif(
        shutil.which("latexmk") is None
        or shutil.which("xelatex") is None
        or shutil.which("pdftotext") is None,
        reason="latexmk, xelatex and pdftotext (TeX Live, poppler-utils) are needed",
    ),
]

INJECTION = r"100% of \input{/etc/passwd} & more_ <script>"

HANDOUT = f"""
title = '{INJECTION}'
author = '{INJECTION}'
course = '{INJECTION}'
date = '2024-03-01'
exercises = true
formats = {{formats}}

[[item]]
layer = "conv2d"

[[item]]
layer = "max_pool2d"
title = '{INJECTION}'
seed = 3

[[item]]
layer = "linear"
"""
ALL = ["tex", "pdf", "md", "ipynb", "slides-tex", "slides-pdf"]


def _file(folder: Path, formats: list[str], extra: str = "") -> Path:
    path = folder / "notes.toml"
    path.write_text(extra + HANDOUT.replace("{formats}", repr(formats)), encoding="utf-8")
    return path


def _run(*args: str):
    return CliRunner().invoke(cli, ["handout", *args], catch_exceptions=False)


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def _one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("handout")
    formats = ALL + (["html"] if find_katex() is not None else [])
    result = _run(str(_file(folder, formats)), "-o", str(folder / "out"))
    assert result.exit_code == 0, result.output
    return folder


def test_every_file_is_written_and_is_symderivs(built):
    out = built / "out"
    names = sorted(p.name for p in out.iterdir())
    expected = {
        "notes.tex",
        "notes.pdf",
        "notes.md",
        "notes.ipynb",
        "notes-exercises.tex",
        "notes-exercises.pdf",
        "notes-exercises.md",
        "notes-key.tex",
        "notes-key.pdf",
        "notes-key.md",
        "notes-slides.tex",
        "notes-slides.pdf",
        # the figures the Markdown links to: the convolution's three, max pooling's switches
        "notes.item1.kernel-cells.svg",
        "notes.item1.padded-delta.svg",
        "notes.item1.windows.svg",
        "notes.item2.switches.svg",
    }
    if find_katex() is not None:
        expected |= {"notes.html", "notes-exercises.html", "notes-key.html"}
    assert names == sorted(expected)
    for path in out.iterdir():
        assert is_ours(path), path.name  # so the next run may replace it without --force


@pytest.mark.parametrize("stem", ["notes", "notes-exercises", "notes-key", "notes-slides"])
def test_user_text_prints_literally_in_every_pdf(built, stem):
    text = _text(built / "out" / f"{stem}.pdf")
    assert INJECTION in text
    if stem != "notes-slides":
        assert text.count(INJECTION) >= 3  # title, author, course (the slides: title page)
    info = subprocess.run(
        ["pdfinfo", str(built / "out" / f"{stem}.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert f"Title:           {INJECTION}" in info
    assert "CreationDate:    Sat Jan  1 00:00:00 2000 UTC" in info  # SOURCE_DATE_EPOCH
    fonts = subprocess.run(
        ["pdffonts", str(built / "out" / f"{stem}.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "Type 3" not in fonts  # no bitmap fonts


def test_the_handout_pdf_carries_the_derivations(built):
    text = _one_line(_text(built / "out" / "notes.pdf"))
    for phrase in (
        "1 conv2d: 4×4 input, 2×2 kernel, correlation convention",
        "1.4 Contribution table",  # after the layer, the story and the forward pass
        "conv2(A, rot180(D), 'valid'): holds; proved equal to the derivation at all 4 elements",
        "rot180(conv2(A, rot180(D), 'valid')): does not hold",
        "linear: 3 → 2 features",
    ):
        assert phrase in text
    assert text.count("∂E") > 4 + 1 + 16 + 16 + 6 + 2 + 3
    # options print as typed in the handout's T1 fonts (two hyphens, not an en dash)
    assert "(--ties first, PyTorch’s rule)" in text
    assert "–ties" not in text


def test_the_exercises_have_boxes_and_the_key_has_the_answers(built):
    exercises = _one_line(_text(built / "out" / "notes-exercises.pdf"))
    key = _one_line(_text(built / "out" / "notes-key.pdf"))
    assert "Fill in the missing terms of the expansion:" in exercises
    assert "Which elements does K01 multiply in the forward pass" in exercises
    # the blanks are empty: the key's answers are not on the exercise sheet
    assert "A02 D01" not in exercises.replace("A02 D01 +", "")  # (the phantom prints nothing)
    for n in range(1, 11):
        assert f"Exercise {n}" in exercises
        assert f"Answer {n}" in key
    assert "(a) A02 D01 , (b) A12 D11 , (c) A22 D21" in key or "(a) A02 D01, (b) A12 D11" in key
    assert "holds: proved equal to the derivation at all 4 elements" in key


def test_the_slides_build_the_expansion_term_by_term(built):
    text = _text(built / "out" / "notes-slides.pdf")
    pages = ["".join(p.split()) for p in text.split("\f")]
    kernel = [p for p in pages if "∂E/∂K00,termbyterm" in p]
    # one page per overlay: the left side alone, then one more term each time (9 terms)
    assert len(kernel) == 10
    assert [p.count("D") for p in kernel] == list(range(10))
    assert kernel[-1] == (  # two rows: dE/dK00's fraction bar sits between them in the text
        "∂E/∂K00,termbyterm∂E=A00D00+A01D01+A02D02+A10D10∂K00+A11D11+A12D12+A20D20+A21D21+A22D22"
    )
    assert "Which formula holds?" in text
    # the derivation in index form, one step a frame (the chain rule, then each gradient)
    story = [p for p in pages if p.startswith("Thederivationinindexform")]
    assert len(story) >= 4
    assert any("∂E∂Kpq=X" in p.replace(" ", "") or "∂E/∂Kpq" in p or "Kpq" in p for p in story)


def test_regenerating_gives_byte_identical_files_pdfs_included(built, tmp_path):
    first = built / "out"
    again = tmp_path / "again"
    shutil.copytree(first, again)
    before = {p.name: p.read_bytes() for p in again.iterdir()}
    formats = ALL + (["html"] if find_katex() is not None else [])
    result = _run(str(_file(built, formats)), "-o", str(again))  # no --force: they are ours
    assert result.exit_code == 0, result.output
    after = {p.name: p.read_bytes() for p in again.iterdir()}
    assert after == before


def test_a_failed_build_keeps_the_old_files(built, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(built / "out", out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    templates = tmp_path / "templates" / "handout"
    templates.mkdir(parents=True)
    (templates / "handout.tex.j2").write_text(
        "% \\VAR{marker}\n\\documentclass{article}\n\\begin{document}\nx\n\\nosuchmacro\n"
        "\\end{document}\n"
    )
    result = _run(
        str(_file(built, ALL)), "-o", str(out), "--templates", str(tmp_path / "templates")
    )
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "symderiv: error: pdflatex failed at line 5 of the generated .tex: Undefined control "
        "sequence."
    )
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # all or none
    assert not list(out.glob(".*tmp"))


def test_a_chinese_handout_builds_with_xelatex(tmp_path):
    path = tmp_path / "zh.toml"
    path.write_text(
        "title = '卷积层的反向传播 & <script>'\nauthor = '张三'\nlanguage = 'zh'\n"
        "exercises = ['terms', 'choice']\nformats = ['pdf', 'slides-pdf']\n"
        "[[item]]\nlayer = 'conv2d'\ntitle = '卷积层'\n",
        encoding="utf-8",
    )
    result = _run(str(path), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    handout = _one_line(_text(tmp_path / "out" / "zh.pdf"))
    assert "卷积层的反向传播 & <script>" in handout
    assert "张三" in handout
    assert "1 卷积层" in handout
    exercises = _one_line(_text(tmp_path / "out" / "zh-exercises.pdf"))
    assert "练习 1" in exercises
    assert "填写展开式中缺少的项" in exercises
    key = _one_line(_text(tmp_path / "out" / "zh-key.pdf"))
    assert "成立：在全部 4 个元素上证明与推导相等" in key
    slides = _text(tmp_path / "out" / "zh-slides.pdf")
    assert "哪个公式成立？" in slides
    assert is_ours(tmp_path / "out" / "zh.pdf")


# --------------------------------------------------------------------------- latexmk


def test_latexmk_reports_the_first_error_with_its_line():
    with pytest.raises(LatexBuildError) as caught:
        compile_document("\\documentclass{article}\n\\begin{document}\n\\nosuch\n\\end{document}\n")
    assert str(caught.value) == (
        "pdflatex failed at line 3 of the generated .tex: Undefined control sequence."
    )
    with pytest.raises(LatexBuildError, match=r"^xelatex failed at line 3 "):
        compile_document(
            "\\documentclass{article}\n\\begin{document}\n\\nosuch\n\\end{document}\n",
            engine="xelatex",
        )


def test_latexmk_refuses_overfull_boxes_and_undefined_references():
    wide = "\\documentclass{article}\\begin{document}\\mbox{" + "x" * 400 + "}\\end{document}"
    with pytest.raises(LatexBuildError, match=r"first: Overfull \\hbox"):
        compile_document(wide)
    with pytest.raises(LatexBuildError, match=r"Reference `nowhere' on page 1 undefined"):
        compile_document("\\documentclass{article}\\begin{document}\\ref{nowhere}\\end{document}")


def test_latexmk_runs_without_shell_escape_or_writing_outside(tmp_path):
    target = tmp_path / "escaped.txt"
    tex = (
        r"\documentclass{article}\begin{document}"
        rf"\immediate\write18{{touch {target}}}"
        r"\newwrite\out\immediate\openout\out="
        + str(tmp_path / "outside.txt")
        + r"\immediate\write\out{x}\immediate\closeout\out ok\end{document}"
    )
    for engine in ("pdflatex", "xelatex"):
        with contextlib.suppress(LatexBuildError):  # refusing to open the file is fine too
            compile_document(tex, engine=engine)
        assert not target.exists()
        assert not (tmp_path / "outside.txt").exists()


def test_latexmk_reads_no_configuration_file(tmp_path, monkeypatch):
    """-norc: a latexmkrc in the working folder or home is not read (it could run code)."""
    marker = tmp_path / "rc-ran"
    rc = f"system('touch {marker}');\n"
    (tmp_path / "latexmkrc").write_text(rc)
    (tmp_path / ".latexmkrc").write_text(rc)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    compile_document("\\documentclass{article}\\begin{document}ok\\end{document}")
    assert not marker.exists()


def test_latexmk_is_stopped_at_the_time_limit():
    loop = "\\documentclass{article}\\begin{document}\\def\\a{x\\par\\a}\\a\\end{document}"
    with pytest.raises(LatexBuildError, match=r"^latexmk took longer than 2 s$"):
        compile_document(loop, timeout=2)


def test_pdfs_are_reproducible_with_both_engines():
    doc = "\\documentclass{article}\\begin{document}Hello.\\end{document}"
    assert compile_document(doc).pdf == compile_document(doc).pdf
    assert (
        compile_document(doc, engine="xelatex").pdf == compile_document(doc, engine="xelatex").pdf
    )


@pytest.mark.slow
def test_every_kind_builds_into_a_handout_exercises_key_and_slides(tmp_path):
    kinds = [
        ("conv2d", "input = '6x6'\nkernel = '3x3'\nstride = 2\npadding = 1\n"),
        ("conv2d", "in_channels = 2\nout_channels = 2\ninput = '5x5'\n"),
        ("conv1d", "input = 8\nkernel = 3\nstride = 3\n"),
        ("conv3d", "input = '3x3x3'\nkernel = '2x2x2'\n"),
        ("conv_transpose2d", "input = '3x3'\nkernel = '3x3'\nstride = 2\npadding = 1\n"),
        ("avg_pool2d", "input = '5x5'\nkernel = 3\nstride = 2\n"),
        ("max_pool2d", "seed = 3\nties = 'split'\n"),
        ("subsample2d", ""),
        ("map_combination", ""),
        ("linear", ""),
        ("tanh", "input = '2x2'\n"),
        ("leaky_relu", "input = '2x2'\n"),
        ("activation", "input = '2x2'\n"),
        ("squared_error", ""),
        ("softmax_cross_entropy", "batch = 2\n"),
    ]
    path = tmp_path / "every.toml"
    path.write_text(
        "title = 'Every kind'\nexercises = true\nformats = ['pdf', 'slides-pdf']\n"
        + "".join(f"[[item]]\nlayer = '{k}'\n{options}" for k, options in kinds)
    )
    result = _run(str(path), "-o", str(tmp_path / "out"))  # any error or overfull box fails
    assert result.exit_code == 0, result.output
    for stem in ("every", "every-exercises", "every-key", "every-slides"):
        text = _text(tmp_path / "out" / f"{stem}.pdf")
        assert "softmax_cross_entropy" in text.replace("\n", " ") or stem != "every"
    key = _one_line(_text(tmp_path / "out" / "every-key.pdf"))
    assert key.count("Answer ") >= 3 * len(kinds)
