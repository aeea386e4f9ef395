"""A network's sheet in Chinese, in summary detail, as a fragment, with the figure of its
layers and the story of the delta recursion: the rendered lines in both languages, the
figure's boxes against the derivation's own arrays, the command line's files, and (slow)
the PDFs: xelatex with Chinese text, the summary on 2 pages, a fragment \\input twice."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import symderiv
from symderiv.cli import cli
from symderiv.latex import compile_pdf
from symderiv.network.figure import figure_layers, network_figure
from symderiv.network.render import figure_files
from symderiv.network.sheet import build
from symderiv.network.spec import Block
from symderiv.render.messages import MESSAGES, text
from symderiv.render.options import RenderOptions

from .conftest import ROOT, needs_latex

TINY = ROOT / "examples" / "networks" / "tiny_lenet.toml"
SAMPLES = sorted((ROOT / "examples" / "networks").glob("*.toml"))

needs_xelatex = pytest.mark.skipif(
    shutil.which("xelatex") is None, reason="xelatex (texlive-xetex) is not installed"
)
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None,
    reason="poppler-utils (pdftotext, pdfinfo) is not installed",
)


@pytest.fixture(scope="module")
def tiny():
    return symderiv.network(TINY).derive()


@pytest.fixture(scope="module", params=SAMPLES, ids=[p.stem for p in SAMPLES])
def sample(request):
    return symderiv.network(request.param).derive()


def _zh(**kw):
    return RenderOptions(lang="zh", **kw)


def _pages(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)[1])


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


# ---------------------------------------------------------------------------
# the messages
# ---------------------------------------------------------------------------


def test_the_network_messages_are_registered_in_both_languages(tiny):
    build(tiny)  # the sheet's module registers them
    ids = [m for m in MESSAGES if m.startswith("network.")]
    assert len(ids) > 80
    for msg_id in ids:
        assert MESSAGES[msg_id]["en"].strip(), msg_id
        assert MESSAGES[msg_id]["zh"].strip(), msg_id
    assert text("network.layer.heading", "zh", label="1.2", words="卷积层") == "第 1.2 层：卷积层"


def test_the_templates_have_no_english_left_in_chinese(tiny):
    """Outside math, code, commands and names, the Chinese sheets hold no English words."""
    allowed = {
        "symderiv", "sigmoid", "leaky", "SymPy", "PyTorch", "numpy", "float", "autograd",
        "softmax", "tiny", "LeNet", "gradients", "detail", "full", "JSON", "examples",
        "networks", "toml", "conv", "linear", "flatten", "avg", "pool", "seed", "tanh",
        "ReLU", "relu", "torch", "network", "lenet",  # names: network_tiny_lenet.network.svg
    }
    for options in (_zh(), _zh(detail="summary")):
        for body in (tiny.to_latex(options), tiny.to_markdown(options)):
            body = body.split(r"\begin{document}")[-1].split(r"\makeatother")[-1]
            body = re.sub(r"\$[^$]*\$|\$`[^`]*`\$|\\\[.*?\\\]|```math.*?```", " ", body,
                          flags=re.DOTALL)
            body = re.sub(r"\\begin\{(align\*|tikzpicture|tabular)\}.*?\\end\{\1\}", " ", body,
                          flags=re.DOTALL)
            body = re.sub(r"\\texttt\{[^}]*\}|`[^`]*`|\\[A-Za-z]+|\{[a-z]+\}", " ", body)
            body = re.sub(r"<!--.*?-->|%.*|\]\([^)]*\)|!\[[^\]]*\]", " ", body)
            words = set(re.findall(r"[A-Za-z]{4,}", body)) - allowed
            assert not words, sorted(words)


# ---------------------------------------------------------------------------
# rendered lines, in both languages
# ---------------------------------------------------------------------------


def test_headings_and_table_in_both_languages(tiny):
    en, zh = tiny.to_latex(), tiny.to_latex(_zh())
    assert "\\section{Layer 6: sigmoid}" in en
    assert "\\section{第 6 层：sigmoid 激活}" in zh
    assert "\\section{Layer 3: mean pooling}" in en
    assert "\\section{第 3 层：平均池化}" in zh
    assert "\\section{第 1 层：卷积层}" in zh
    assert "\\section{第 5 层：全连接层}" in zh
    assert "\\section{损失函数：输出处的误差项}" in zh
    assert "\\section{指标形式的误差项递推}" in zh
    md_en, md_zh = tiny.to_markdown(), tiny.to_markdown(_zh())
    assert "| layer | kind | options | output | parameters |\n" in md_en
    assert "| 层 | 类型 | 选项 | 输出 | 参数 |\n" in md_zh
    assert "| 1 | 卷积层（`conv2d`） | `out_channels = 2, kernel = 3` |" in md_zh
    assert "| 2 | sigmoid 激活 |  |" in md_zh  # the code name is not repeated
    assert "| 2 | sigmoid |  |" in md_en
    assert "|  | 损失函数：平方误差 |  | $`E`$ | 目标 $`t`$ (1, 3) |\n" in md_zh
    assert tiny.to_latex(_zh()).count("% xelatex") == 1
    assert "\\title{网络：A tiny LeNet}" in zh


def test_the_verdicts_in_both_languages_from_the_checks(tiny):
    check = tiny.check("W5")
    low, high = check.terms
    size = f"{low:,}" if low == high else f"{low:,} to {high:,}"
    zh_size = f"{low:,}" if low == high else f"{low:,} 到 {high:,}"
    assert check.holds
    assert check.checked == 24
    md_en, md_zh = tiny.to_markdown(), tiny.to_markdown(_zh())
    assert (
        "- $`\\partial E/\\partial W^{[5]}`$: **proved** for all 24 elements: the recursion's "
        "value equals SymPy's end-to-end derivative of $`E`$ (equal canonical forms after "
        f"expansion); the end-to-end expressions have {size} nodes.\n"
    ) in md_en
    assert (
        "- $`\\partial E/\\partial W^{[5]}`$：对全部 24 个元素**已证明**：递推的值等于 SymPy 对 "
        "$`E`$ 的端到端导数（展开后的标准形式相同）；端到端表达式有 "
        f"{zh_size} 个节点。\n"
    ) in md_zh
    summary_en = tiny.to_markdown(RenderOptions(detail="summary"))
    summary_zh = tiny.to_markdown(_zh(detail="summary"))
    line = (
        "**Proved** equal to SymPy's end-to-end derivative: $`\\partial E/\\partial W^{[5]}`$ "
        "(all 24 elements), $`\\partial E/\\partial b^{[5]}`$ (all 3 elements).\n"
    )
    assert line in summary_en
    assert (
        "**已证明**等于 SymPy 的端到端导数：$`\\partial E/\\partial W^{[5]}`$（全部 24 个元素），"
        "$`\\partial E/\\partial b^{[5]}`$（全部 3 个元素）。\n"
    ) in summary_zh


def test_the_mathematics_is_the_same_in_both_languages(sample):
    for detail in ("full", "summary"):
        en = sample.to_latex(RenderOptions(detail=detail))
        zh = sample.to_latex(_zh(detail=detail))
        for pattern in (r"\\\[.*?\\\]", r"\\begin\{align\*\}.*?\\end\{align\*\}"):
            assert re.findall(pattern, en, re.DOTALL) == re.findall(pattern, zh, re.DOTALL)
        assert sorted(re.findall(r"\$[^$]+\$", en)) == sorted(re.findall(r"\$[^$]+\$", zh))


def test_the_notation_relates_z_and_delta_to_a_single_layer_sheets_names(tiny):
    md = tiny.to_markdown()
    assert (
        "A single-layer sheet writes the same tensors without the layer: its input $`A`$ is "
        "$`z^{[l-1]}`$, its output $`Z`$ is $`z^{[l]}`$ and its delta $`D`$ is "
        "$`\\delta^{[l]}`$."
    ) in md
    assert "单层讲义中同样的张量不带层号：输入 $`A`$ 即 $`z^{[l-1]}`$" in tiny.to_markdown(_zh())


def test_the_residual_labels_are_explained_on_the_networks_own_block():
    d = symderiv.network(ROOT / "examples/networks/residual_projection.toml").derive()
    block = next(s for s in d.network.steps if isinstance(s, Block))
    b = block.label
    assert (
        f"(in residual block {b}, $[{b}.1]$ is its branch's\nlayer 1, $[{b}s]$ its projection "
        f"shortcut, $[{b}+]$ where its two paths add)"
    ) in d.to_latex()
    identity = symderiv.network(ROOT / "examples/networks/residual.toml").derive()
    assert "projection shortcut, $[" not in identity.to_latex().split("\\section{Forward")[0]


# ---------------------------------------------------------------------------
# the story
# ---------------------------------------------------------------------------


def test_the_story_tells_the_recursion_before_the_backward_pass(tiny):
    for options in (RenderOptions(), RenderOptions(detail="summary"), _zh()):
        sections = build(tiny, options)["sections"]
        kinds = [s["kind"] for s in sections]
        story = kinds.index("story")
        first_backward = next(
            i for i, s in enumerate(sections)
            if s["kind"] == "network_backward"
            or s["heading"] in (text("network.loss.heading", options.lang),)
        )
        assert kinds.index("network_table") < story < first_backward
    tex = tiny.to_latex()
    for display in (
        r"\[ z^{[l]} = f_{l}\left(z^{[l-1]};\ \theta_{l}\right), \qquad "
        r"\delta^{[l]} = \frac{\partial E}{\partial z^{[l]}} \]",
        r"\[ \delta^{[l-1]}_{i} = \sum_{u} \delta^{[l]}_{u}\, \frac{\partial z^{[l]}_{u}}"
        r"{\partial z^{[l-1]}_{i}}, \qquad \delta^{[l-1]} = \left(\frac{\partial z^{[l]}}"
        r"{\partial z^{[l-1]}}\right)^{\mathsf{T}} \delta^{[l]} \]",
        r"\[ \frac{\partial E}{\partial \theta_{l}} = \sum_{u} \delta^{[l]}_{u}\, "
        r"\frac{\partial z^{[l]}_{u}}{\partial \theta_{l}} = \left(\frac{\partial z^{[l]}}"
        r"{\partial \theta_{l}}\right)^{\mathsf{T}} \delta^{[l]} \]",
    ):
        assert display in tex
    # the recursion's ends, and the sensitivity as layer 2's own rule gives it
    assert r"$\delta^{[6]} = \partial E/\partial z^{[6]}$" in tex
    assert (
        r"the activation's" "\nown step gives it, here for layer 1: "
        r"$\delta^{[1]} = {\delta^{[2]}} \odot \sigma'\left({z^{[1]}}\right)$."
    ) in tex
    layer2 = tex.split("\\section{Layer 2: sigmoid}")[1]
    assert r"\delta^{[1]} &= {\delta^{[2]}} \odot \sigma'\left({z^{[1]}}\right)" in layer2


# ---------------------------------------------------------------------------
# summary detail
# ---------------------------------------------------------------------------


def test_the_summary_keeps_the_rules_one_element_each_and_the_verdicts(tiny):
    full, summary = tiny.to_latex(), tiny.to_latex(RenderOptions(detail="summary"))
    assert "Numeric cross-check" in summary
    assert "delta recursion &" not in summary
    assert "For example the end-to-end derivative" in full
    assert "For example the end-to-end derivative" not in summary
    assert "the first 3 of 24 elements" in full
    # every rule of every layer, each with exactly one element (W5: the first, W5[0,0])
    for rule in (r"\frac{\partial E}{\partial W^{[5]}} &= {\delta^{[5]}}\, {z^{[4]}}^{\mathsf{T}}",
                 r"\delta^{[0]} &= \operatorname{conv2}\left({\delta^{[1]}},\ {K^{[1]}},\ "
                 r"\text{full}\right)"):
        assert rule in summary
        assert rule in full
    assert summary.count(r"\frac{\partial E}{\partial W^{[5]}_{0,0}}") == 1
    assert r"\frac{\partial E}{\partial W^{[5]}_{0,1}}" not in summary
    assert summary.count(r"\delta^{[0]}_{0,0} &=") + summary.count(r"& \delta^{[0]}_{0,0} &=") == 1
    assert r"\delta^{[0]}_{0,1}" not in summary
    error = max(
        [tiny.numeric.loss, *(e for _, e in tiny.numeric.deltas)]
        + [e for _, a, b in tiny.numeric.gradients for e in (a, b)]
    )
    assert f"largest relative difference {error:.1e}\n(tolerance 1e-12); the numbers " in summary
    assert "\\textbf{Proved} equal to SymPy's end-to-end derivative" in summary


def test_the_forward_rules_are_packed_only_in_a_summary(tiny):
    full = build(tiny)["sections"]
    summary = build(tiny, RenderOptions(detail="summary"))["sections"]
    forward_full = next(s for s in full if s["heading"] == "Forward pass")
    forward_summary = next(s for s in summary if s["heading"] == "Forward pass")
    assert len(forward_full["rules"]) == 7  # six layers and the loss
    lines = forward_summary["rules"]
    assert len(lines) == 3
    joined = " & ".join(f"{r['lhs']} &= {r['rhs']}" for r in lines)
    assert joined == " & ".join(f"{r['lhs']} &= {r['rhs']}" for r in forward_full["rules"])


# ---------------------------------------------------------------------------
# the figure
# ---------------------------------------------------------------------------


def _drawn_shapes(d):
    """The output shape of every node the figure draws, read off the derived arrays: the
    input, each op of the plan (a projection shortcut's is in its sum's box)."""
    shapes = [np.shape(d.forward.nodes["0"])]
    for op in d.network.plan():
        if op.stage is not None and op.output.startswith("s"):
            continue
        shapes.append(np.shape(d.forward.definitions[op.output]))
    return shapes


def test_the_figures_boxes_carry_the_derivations_shapes(sample):
    boxes = figure_layers(sample.network)
    assert [shape for _, _, shape in boxes[:-1]] == _drawn_shapes(sample)
    assert boxes[-1][2] == (1,)  # the loss: one number
    fig = network_figure(sample.network)
    shown = [label.text.base for label in fig.labels if label.text.math]
    assert shown == ["×".join(map(str, s)) for _, _, s in boxes]
    assert len(fig.boxes) == len(boxes)
    assert len(fig.arrows) == len(boxes) - 1
    assert [b.style for b in fig.boxes].count("loss") == 1


def test_the_figure_section_and_its_svg_file(tiny):
    sections = build(tiny)["sections"]
    assert [s["kind"] for s in sections][:3] == ["network_table", "figure", "network_layer"]
    assert build(tiny)["tikz"] is True
    for options in (RenderOptions(detail="summary"), RenderOptions(fragment=True),
                    RenderOptions(figures=False)):
        content = build(tiny, options)
        assert "figure" not in [s["kind"] for s in content["sections"]]
        assert content["tikz"] is False
        assert figure_files(tiny, "x", options) == {}
    assert build(tiny, RenderOptions(detail="summary", figures=True))["tikz"] is True
    files = figure_files(tiny, "lecture")
    assert list(files) == ["lecture.network.svg"]
    svg = files["lecture.network.svg"].decode()
    assert svg.startswith("<!-- generated by symderiv")
    assert "<svg" in svg
    for shape in _drawn_shapes(tiny):
        assert "×".join(map(str, shape)) in svg
    md = tiny.to_markdown(RenderOptions(stem="lecture"))
    assert "](lecture.network.svg)\n" in md
    assert "](network_tiny_lenet.network.svg)\n" in tiny.to_markdown()
    assert "\\usepackage{tikz}" in tiny.to_latex()
    assert "\\usepackage{tikz}" not in tiny.to_latex(RenderOptions(figures=False))
    zh = figure_files(tiny, "s", _zh())["s.network.svg"].decode()
    assert "第 1 层" in zh
    assert "输入" in zh


def test_worked_numbers_are_a_layers_not_a_networks(tiny):
    from symderiv.worked.values import from_typed

    worked = from_typed(symderiv.conv2d(), "1", None)
    with pytest.raises(symderiv.SpecError, match=r"^worked numbers: a network's sheet has none"):
        build(tiny, RenderOptions(worked=worked))


def test_the_handouts_entry_points(tiny):
    """What the handout calls: build() with any options gives sections whose kinds have
    both templates, and figure_files() names the files the Markdown links to."""
    for lang in ("en", "zh"):
        for detail in ("full", "summary"):
            content = build(tiny, RenderOptions(lang=lang, detail=detail, stem="h"))
            assert set(content) >= {"title", "title_text", "command", "sections", "tikz"}
            for section in content["sections"]:
                for suffix in ("tex", "md"):
                    assert (ROOT / "templates" / "sections" / f"{section['kind']}.{suffix}.j2").is_file()
    assert build(tiny, _zh(detail="summary"))["command"] == (
        tiny.network.command() + " --lang zh --detail summary"
    )
    assert build(tiny)["command"] == tiny.network.command()


# ---------------------------------------------------------------------------
# the command line
# ---------------------------------------------------------------------------


def test_the_cli_writes_the_svg_beside_the_markdown(tmp_path):
    out = tmp_path / "sheets"
    result = CliRunner().invoke(
        cli, ["derive", "network", str(TINY), "--lang", "zh", "--format", "md,tex", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "network_tiny_lenet.md", "network_tiny_lenet.network.svg", "network_tiny_lenet.tex",
    ]
    md = (out / "network_tiny_lenet.md").read_text()
    assert "](network_tiny_lenet.network.svg)" in md
    assert "## 网络结构一览" in md
    # a file name of one's own: the SVG follows the .md's stem
    one = tmp_path / "mine.md"
    result = CliRunner().invoke(cli, ["derive", "network", str(TINY), "--format", "md", "-o", str(one)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["mine.md", "mine.network.svg"]
    assert "](mine.network.svg)" in one.read_text()


def test_the_cli_without_a_figure_writes_no_svg(tmp_path):
    for extra in (["--no-figures"], ["--detail", "summary"]):
        out = tmp_path / extra[-1].strip("-")
        result = CliRunner().invoke(
            cli, ["derive", "network", str(TINY), "--format", "md,json", "-o", str(out), *extra]
        )
        assert result.exit_code == 0, result.output
        assert sorted(p.name for p in out.iterdir()) == [
            "network_tiny_lenet.json", "network_tiny_lenet.md",
        ]
        assert ".svg" not in (out / "network_tiny_lenet.md").read_text()
    out = tmp_path / "fig"
    result = CliRunner().invoke(cli, ["derive", "network", str(TINY), "--format", "md,json",
                                      "--detail", "summary", "--figures", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "network_tiny_lenet.json", "network_tiny_lenet.md", "network_tiny_lenet.network.svg",
    ]


def test_the_cli_refusals_write_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    cases = [
        (["--lang", "fr"], "--lang 'fr': expected one of en, zh"),
        (["--detail", "short"], "--detail 'short': expected one of full, summary"),
        (["--figures", "--format", "md", "-o", "-"],
         "--figures with --format md --output '-': the Markdown sheet's figure is an SVG file "
         "written beside it; name a file or folder with --output, or pass --no-figures"),
    ]
    for extra, message in cases:
        result = runner.invoke(cli, ["derive", "network", str(TINY), "-o", "out", *extra])
        assert result.exit_code == 2, (extra, result.output)
        assert result.stderr == f"symderiv: error: {message}\n"
        assert list(tmp_path.iterdir()) == []


def test_markdown_to_standard_output_goes_without_its_figure(tmp_path):
    result = CliRunner().invoke(cli, ["derive", "network", str(TINY), "--format", "md", "-o", "-"])
    assert result.exit_code == 0, result.stderr
    assert "network.svg" not in result.stdout
    assert "## The layers at a glance" not in result.stdout


def test_the_cli_fragment(tmp_path):
    out = tmp_path / "f.tex"
    result = CliRunner().invoke(
        cli, ["derive", "network", str(TINY), "--fragment", "--lang", "zh", "--format", "tex",
              "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    tex = out.read_text()
    assert tex.splitlines()[1].startswith("% symderiv derive network ")
    assert tex.splitlines()[1].endswith(" --lang zh --fragment")
    assert "\\begin{document}" not in tex
    assert "\\documentclass" not in tex
    assert "\\begin{tikzpicture}" not in tex  # no figure in a fragment unless asked for


def test_markdown_math_renders_with_katex_in_both_languages(sample):
    from .test_markdown_math import _katex_available, _katex_errors, _snippets

    if not _katex_available():
        pytest.skip("node with katex is not available")
    snippets = []
    for lang in ("en", "zh"):
        for detail in ("full", "summary"):
            snippets += _snippets(sample.to_markdown(RenderOptions(lang=lang, detail=detail)))
    assert len(snippets) > 80
    assert _katex_errors(snippets) == []


# ---------------------------------------------------------------------------
# PDFs (slow)
# ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.latex
@needs_xelatex
@needs_poppler
@pytest.mark.parametrize("detail", ["full", "summary"])
def test_the_chinese_sheet_compiles_with_xelatex_and_reads_chinese(tiny, detail, tmp_path):
    tex = tiny.to_latex(_zh(detail=detail))
    assert r"\usepackage[UTF8,fontset=fandol,scheme=plain]{ctex}" in tex
    build_ = compile_pdf(tex, engine="xelatex")  # refuses any error or overfull box
    words = _pdf_text(build_.pdf, tmp_path)
    for expected in ("网络", "前向传播", "指标形式的误差项递推", "损失函数", "误差项", "灵敏度",
                     "已证明", "数值交叉检验", "结论："):
        assert expected in words, expected
    if detail == "summary":
        assert _pages(build_.pdf, tmp_path) <= 2
        assert "反向传播" in words
    else:
        assert "网络结构一览" in words


@pytest.mark.slow
@pytest.mark.latex
@needs_latex
@needs_poppler
def test_the_english_summary_fits_on_two_pages(tiny, tmp_path):
    build_ = compile_pdf(tiny.to_latex(RenderOptions(detail="summary")))
    assert _pages(build_.pdf, tmp_path) <= 2
    words = _pdf_text(build_.pdf, tmp_path)
    assert "The delta recursion in index form" in words
    assert "The backward pass" in words
    assert "the numbers agree" in words


@pytest.mark.slow
@pytest.mark.latex
@needs_latex
@needs_xelatex
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_fragment_inputs_twice_into_a_document(tiny, lang):
    fragment = tiny.to_latex(RenderOptions(lang=lang, detail="summary", fragment=True,
                                           figures=True))
    assert "\\documentclass" not in fragment
    assert "\\begin{document}" not in fragment
    assert "% Its figures need: \\usepackage{tikz}." in fragment or lang == "zh"
    preamble = (
        "\\documentclass{article}\n"
        "\\usepackage{amsmath,amssymb,array,booktabs,longtable}\n"
        "\\usepackage[a4paper,margin=2cm]{geometry}\n\\usepackage{tikz}\n"
        + ("\\usepackage[UTF8]{ctex}\n" if lang == "zh" else "")
    )
    document = (
        preamble + "\\begin{document}\n\\section{My own notes}\nSome text.\n"
        + fragment + "\n" + fragment + "\n\\end{document}\n"
    )
    pdf = compile_pdf(document, engine="xelatex" if lang == "zh" else "pdflatex").pdf
    assert pdf.startswith(b"%PDF")


@pytest.mark.slow
@pytest.mark.latex
@needs_xelatex
@needs_poppler
def test_the_cli_builds_the_chinese_pdf(tmp_path):
    out = tmp_path / "zh.pdf"
    result = CliRunner().invoke(
        cli, ["derive", "network", str(TINY), "--lang", "zh", "--detail", "summary",
              "--format", "pdf", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert _pages(out.read_bytes(), tmp_path) <= 2
    assert "指标形式的误差项递推" in _pdf_text(out.read_bytes(), tmp_path)
