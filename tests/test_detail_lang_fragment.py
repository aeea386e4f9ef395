"""--detail summary fits the default on 2 pages; in full detail no heading ends a page;
--lang zh compiles with xelatex and shows Chinese; a --fragment \\inputs into a document."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import symderiv
from symderiv.cli import cli
from symderiv.latex import compile_pdf

from .conftest import needs_latex

# Many PDF builds (pdflatex and xelatex): run with `python -m pytest -m slow`.
pytestmark = pytest.mark.slow

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
    reason="poppler-utils (pdftotext, pdfinfo) is not installed",
)
needs_xelatex = pytest.mark.skipif(
    shutil.which("xelatex") is None, reason="xelatex (texlive-xetex) is not installed"
)


def _pages(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)[1])


def _page_texts(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def _headings(tex: str) -> list[str]:
    """The plain text of every \\section heading of a sheet, with its number."""
    out = []
    for body in re.findall(r"\\section\*?\{(.*)\}", tex):
        body = re.sub(r"\}?\\label\{[^}]*$", "", body)
        out.append(re.sub(r"\$[^$]*\$", "", body).strip())
    return out


def _lines(page: str) -> list[str]:
    return [" ".join(line.split()) for line in page.splitlines() if line.strip()]


def assert_no_heading_ends_a_page(tex: str, pdf: bytes, tmp_path: Path) -> None:
    pages = _page_texts(pdf, tmp_path)
    headings = _headings(tex)
    assert headings
    found = 0
    for number, page in enumerate(pages, 1):
        lines = _lines(page)
        body = lines[:-1] if lines and lines[-1] == str(number) else lines  # the folio
        for k, line in enumerate(body):
            line = re.sub(r"^\d+ ", "", line)  # pdftotext: the number on the line or before
            if line in headings:
                found += 1
                assert k + 1 < len(body), f"heading {line!r} ends page {number}"
    assert found >= len(headings), (found, headings)


@pytest.mark.latex
@needs_latex
@needs_poppler
def test_the_default_sheet_in_summary_fits_on_two_pages(tmp_path):
    runner = CliRunner()
    out = tmp_path / "summary.pdf"
    result = runner.invoke(cli, ["derive", "--detail", "summary", "--format", "pdf", "-o", str(out)])
    assert result.exit_code == 0, result.output
    pdf = out.read_bytes()
    assert _pages(pdf, tmp_path) <= 2
    text = " ".join(" ".join(_page_texts(pdf, tmp_path)).split())
    # the story, one example element per gradient, the verdicts; no numeric section
    assert "The derivation in index form" in text
    assert "Worked instance" in text
    assert "Numeric cross-check" not in text
    assert "conv2(A, rot180(D), 'valid')" not in text  # no typewriter copies
    assert "holds at all 16 elements" in text
    assert "does not hold at 4 of 4 elements. The first is K" in text


@pytest.mark.latex
@needs_latex
@needs_poppler
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"convention": "convolution"},
        {"input": (6, 6), "kernel": (3, 3), "stride": 2, "padding": 1},
        {"input": (3, 3), "in_channels": 2, "out_channels": 2},
    ],
)
def test_in_full_detail_no_heading_ends_a_page(kwargs, tmp_path):
    d = symderiv.conv2d(**kwargs).derive()
    tex = d.to_latex()
    build = compile_pdf(tex)
    assert_no_heading_ends_a_page(tex, build.pdf, tmp_path)


@pytest.mark.latex
@needs_xelatex
@needs_poppler
@pytest.mark.parametrize("detail", ["full", "summary"])
def test_chinese_sheet_compiles_with_xelatex_and_shows_chinese(classic, detail, tmp_path):
    tex = classic.to_latex(lang="zh", detail=detail)
    assert r"\usepackage[UTF8,fontset=fandol,scheme=plain]{ctex}" in tex
    assert r"\pdfobjcompresslevel" not in tex  # pdfTeX only
    build = compile_pdf(tex, engine="xelatex")
    text = " ".join(" ".join(_page_texts(build.pdf, tmp_path)).split())
    for words in ("指标形式的推导", "卷积核", "成立", "不成立", "参考文献", "结论："):
        assert words in text
    # the mathematics is the same as in English
    en = classic.to_latex(detail=detail)
    assert re.findall(r"\\\[.*?\\\]", en, re.DOTALL) == re.findall(r"\\\[.*?\\\]", tex, re.DOTALL)
    if detail == "full":
        assert_no_heading_ends_a_page(tex, build.pdf, tmp_path)
    else:
        assert _pages(build.pdf, tmp_path) <= 2


def test_every_template_speaks_both_languages(classic):
    """No English words are left in the Chinese sheet's text outside math, code and names."""
    for tex in (classic.to_latex(lang="zh"), classic.to_markdown(lang="zh")):
        body = tex.split(r"\begin{document}")[-1].split(r"\makeatother")[-1]
        body = re.sub(r"\$[^$]*\$|\$`[^`]*`\$|\\\[.*?\\\]|```math.*?```", " ", body, flags=re.DOTALL)
        body = re.sub(
            r"\\begin\{(align\*|gather\*|tikzpicture)\}.*?\\end\{\1\}", " ", body, flags=re.DOTALL
        )
        body = re.sub(r"\\texttt\{[^}]*\}|`[^`]*`|\\[A-Za-z]+|\{[a-z]+\}", " ", body)
        body = re.sub(r"<!--.*?-->|%.*|\]\([^)]*\)", " ", body)  # comments, link targets
        words = set(re.findall(r"[A-Za-z]{4,}", body)) - {
            "symderiv", "conv", "Bouvrie", "Notes", "Convolutional", "Neural", "Networks",
            "Dumoulin", "Visin", "guide", "convolution", "arithmetic", "deep", "learning",
            "arXiv", "PyTorch", "MATLAB", "SymPy", "docs", "pytorch", "valid", "full",
            "layout", "document", "enumerate", "center", "tabular", "toprule", "midrule",
            "bottomrule", "longtable", "minipage", "linewidth", "fbox", "textbf", "emph",
            "symderivneed", "baselineskip", "section", "label", "closed", "correlation",
            "detail", "input", "kernel", "llll",
            "ResNet", "CSDN", "zhongkeli",  # the Chinese notes' titles and whom they cite
        }
        assert not words, sorted(words)


@pytest.mark.latex
@needs_latex
def test_a_fragment_inputs_into_a_minimal_document(classic, tmp_path):
    fragment = classic.to_latex(fragment=True)
    assert r"\documentclass" not in fragment
    assert r"\begin{document}" not in fragment
    assert r"\usepackage" not in fragment.replace("% It needs: \\usepackage", "")
    document = (
        "\\documentclass{article}\n"
        "\\usepackage{amsmath,amssymb,array,booktabs,longtable}\n"
        "\\usepackage[a4paper,margin=2cm]{geometry}\n"
        "\\setcounter{MaxMatrixCols}{40}\n"
        "\\allowdisplaybreaks\n"
        "\\begin{document}\n"
        "\\section{My own notes}\nSome text of the lecturer's.\n"
        "\\input{" + "{}" + "}\n"
    )
    # the fragment is \input twice: its labels and macros must not clash
    body = fragment + "\n" + classic.to_latex(fragment=True).replace(
        "conv2d_4x4_k2x2_correlation", "second"
    )
    document = document.replace("\\input{{}}\n", body) + "\\end{document}\n"
    build = compile_pdf(document)
    assert build.pdf.startswith(b"%PDF")


def test_the_cli_refuses_a_language_or_detail_it_does_not_know(tmp_path):
    runner = CliRunner()
    for option, value, message in (
        ("--lang", "fr", "symderiv: error: --lang 'fr': expected one of en, zh\n"),
        ("--detail", "brief", "symderiv: error: --detail 'brief': expected one of full, summary\n"),
        ("--lang", "", "symderiv: error: --lang '': empty; give a value or leave the option out\n"),
    ):
        result = runner.invoke(cli, ["derive", option, value, "-o", str(tmp_path / "x")])
        assert result.exit_code == 2
        assert result.output == message
        assert not (tmp_path / "x").exists()


def test_the_api_refuses_a_language_it_does_not_know(classic):
    with pytest.raises(symderiv.SpecError, match=r"^lang 'fr': expected one of en, zh$"):
        classic.to_latex(lang="fr")
    with pytest.raises(symderiv.SpecError, match=r"^detail 'x': expected one of full, summary$"):
        classic.to_markdown(detail="x")


def test_fragment_on_the_command_line(tmp_path):
    out = tmp_path / "f.tex"
    result = CliRunner().invoke(cli, ["derive", "--fragment", "--format", "tex", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.startswith("% generated by symderiv")
    assert "--fragment" in text.splitlines()[1]
    assert r"\begin{document}" not in text
