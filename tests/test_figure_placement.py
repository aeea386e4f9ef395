"""Each figure sits beside the text it illustrates: directly after the forward pass, the
contribution table, the padded-delta exhibit or the switches, in both languages and
both formats, captioned with the words that name that text; set in place in LaTeX
(never floated), its page the text's page or the next."""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache

import pytest

import symderiv
from symderiv.figures import render_tikz
from symderiv.figures.sheet import PLACES, figure_file, sheet_figures
from symderiv.render.options import RenderOptions
from symderiv.render.sheet import SheetView

from .conftest import needs_latex

LAYERS = {
    "conv2d": lambda: symderiv.conv2d(),
    "conv1d": lambda: symderiv.conv1d(input=8, kernel=3, stride=3),
    "conv_transpose2d": lambda: symderiv.conv_transpose2d(),
    "avg_pool2d": lambda: symderiv.avg_pool2d(),
    "max_pool2d": lambda: symderiv.max_pool2d(),
}


@cache
def derived(name: str) -> symderiv.Derivation:
    return LAYERS[name]().derive()


# name -> figure -> (heading of the section it follows, the last text before it, the
# caption's opening words), per language
EN = {
    "conv2d": {
        "windows": (
            "Forward pass",
            r"Z_{22} &= A_{22} K_{00} + A_{23} K_{01} + A_{32} K_{10} + A_{33} K_{11} + b",
            r"\textbf{The forward pass above, drawn.} Each panel shows the input $A$ and, "
            "shaded, the cells that the output named above it reads,",
        ),
        "kernel-cells": (
            "Contribution table",
            r"K_{11} & $A_{11} \to Z_{00}$",
            r"\textbf{The contribution table above, drawn.} For each kernel element (named "
            "above its panel): the cells of $A$ it multiplies, as the contribution table",
        ),
        "padded-delta": (
            "Input gradient",
            r"\[ \tilde{D} = \begin{bmatrix} 0 & 0 & 0 & 0 & 0 \\ 0 & D_{00}",
            r"\textbf{The padded delta above, drawn.} The delta as the input gradient reads "
            "it: bordered with zeros. The dashed window is",
        ),
    },
    "conv1d": {
        "windows": (
            "Forward pass",
            r"Z_{1} &= A_{3} K_{0} + A_{4} K_{1} + A_{5} K_{2} + b",
            r"\textbf{The forward pass above, drawn.} Each panel shows the input $A$ and, "
            "shaded, the cells that the output named above it reads,",
        ),
        "kernel-cells": (
            "Contribution table",
            r"K_{2} & $A_{2} \to Z_{0}$, $A_{5} \to Z_{1}$",
            r"\textbf{The contribution table above, drawn.} For each kernel element (named "
            "above its panel): the cells of $A$ it multiplies, as the contribution table",
        ),
        "padded-delta": (
            "Input gradient",
            r"\[ \tilde{D} = \begin{bmatrix} 0 & 0 & D_{0} & 0 & 0 & D_{1} & 0 & 0 & 0 & 0 "
            r"\end{bmatrix} \]",
            r"\textbf{The zero-inserted, padded delta above, drawn.} The delta as the input "
            "gradient reads it: zeros inserted between its entries",
        ),
    },
    "conv_transpose2d": {
        "windows": (
            "Forward pass",
            r"Z_{33} &= A_{22} K_{11} + b",
            r"\textbf{The forward pass above, drawn.} Each panel shows the input $A$ and, "
            "shaded, the cells that the output named above it reads,",
        ),
        "kernel-cells": (
            "Contribution table",
            r"K_{11} & $A_{00} \to Z_{11}$",
            r"\textbf{The contribution table above, drawn.} For each kernel element (named "
            "above its panel): the cells of $A$ it multiplies, as the contribution table",
        ),
    },
    "avg_pool2d": {
        "windows": (
            "Forward pass",
            r"Z_{11} &= \frac{1}{4} A_{22} + \frac{1}{4} A_{23} + \frac{1}{4} A_{32} + "
            r"\frac{1}{4} A_{33}",
            r"\textbf{The forward pass above, drawn.} The pooling windows over the input $A$: "
            "each outline holds the cells one output reads, and the output",
        ),
    },
    "max_pool2d": {
        "switches": (
            "Switches at these values",
            "1 window of these values ties: the last column shows what \\texttt{-{}-ties "
            "split} would route there\ninstead (the closed forms below refute it against this "
            "derivation).",
            r"\textbf{The switches above, drawn.} The values of $A$ with the pooling windows "
            "outlined, and the maxima $Z$ on the right. The darker cells",
        ),
    },
}
ZH_HEADINGS = {
    "Forward pass": "前向传播",
    "Contribution table": "贡献表",
    "Input gradient": "输入梯度",
    "Switches at these values": "这些数值下的开关",
}
ZH_LEADS = {
    "windows": r"\textbf{图：上面的前向传播。}",
    "kernel-cells": r"\textbf{图：上面的贡献表。}",
    "padded-delta": r"\textbf{图：上面补零的误差项。}",
    "switches": r"\textbf{图：上面的开关。}",
}
ZH_CAPTIONS = {
    "windows": "每幅小图画出输入 $A$；着色的格子是图上方所标输出读取的元素",
    "pool": "输入 $A$ 上的池化窗口：每个框内是一个输出读取的格子，",
    "kernel-cells": "每幅小图对应一个卷积核元素（标在图上方）：着色的是它所乘的 $A$ 的元素，",
    "padded-delta": "输入梯度所读取的误差项：四周补零。",
    "inserted": "输入梯度所读取的误差项：元素之间插入零（步幅），并四周补零。",
    "switches": "$A$ 的取值，框出池化窗口，右边是最大值 $Z$。深色格子接收其窗口的误差项（红字），",
}
# the last text before each figure in the Chinese sheet, where it is prose
ZH_BEFORE = {
    ("max_pool2d", "switches"): "这些数值中有 1 个窗口出现并列：最后一列给出 \\texttt{-{}-ties split} "
    "会怎样分配",
}


def expected(name: str, lang: str) -> dict[str, tuple[str, str, str]]:
    if lang == "en":
        return EN[name]
    out = {}
    for fig, (heading, before, _caption) in EN[name].items():
        lead = ZH_LEADS[fig]
        key = fig
        if name == "conv1d" and fig == "padded-delta":
            lead, key = r"\textbf{图：上面插零并补零的误差项。}", "inserted"
        elif name == "avg_pool2d":
            key = "pool"
        out[fig] = (ZH_HEADINGS[heading], ZH_BEFORE.get((name, fig), before),
                    lead + ZH_CAPTIONS[key])
    return out


def _section_span(text: str, start: str, next_start: str) -> tuple[int, int]:
    """Where the section starting at ``start`` begins and the next one begins."""
    begin = text.index(start)
    end = text.find(next_start, begin + len(start))
    return begin, len(text) if end < 0 else end


CASES = [(name, lang) for name in LAYERS for lang in ("en", "zh")]


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_each_tikz_picture_follows_the_text_it_illustrates(name, lang):
    d = derived(name)
    tex = d.to_latex(lang=lang)
    figures = {f.name: f for f in sheet_figures(d, lang)}
    assert set(figures) == set(EN[name])
    assert tex.count(r"\begin{tikzpicture}") == len(figures)
    for fig, (heading, before, caption) in expected(name, lang).items():
        begin, end = _section_span(tex, rf"\section{{{heading}}}", r"\section")
        tikz = render_tikz(figures[fig])
        at = tex.index(tikz)
        assert begin < at < end, (fig, heading)
        # the picture comes after the section's last text, right after its own \symderivneed
        assert begin < tex.rindex(before, 0, at) < at
        need = f"{figures[fig].height * figures[fig].unit + 2.5:.1f}cm"
        head = f"\\symderivneed{{{need}}}\n\n\\noindent\\begin{{minipage}}{{\\linewidth}}\n"
        assert tex[: at].endswith(head + "\\centering\n")
        # its caption opens with the words that name that text
        assert tex[at + len(tikz) :].startswith(
            "\n\\par\\smallskip\n\\raggedright\\small " + caption
        )
        # and the next section's heading follows the figure: nothing else comes between
        rest = tex[tex.index("\\end{minipage}\n", at) :]
        assert rest.startswith("\\end{minipage}\n\n\\symderivneed{7\\baselineskip}\n\\section")
    assert r"\begin{figure}" not in tex  # set in place: nothing floats


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_each_markdown_image_follows_the_text_it_illustrates(name, lang):
    d = derived(name)
    md = d.to_markdown(lang=lang)
    stem = d.layer.label()
    assert md.count("](" + stem + ".") == len(EN[name])
    for fig, (heading, _before, caption) in expected(name, lang).items():
        begin, end = _section_span(md, f"\n## {heading}\n", "\n## ")
        link = f"]({figure_file(stem, fig)})\n\n"
        at = md.index(link)
        assert begin < at < end, (fig, heading)
        # the caption, in Markdown: **bold** and $`math`$
        md_caption = re.sub(r"\\textbf\{(.*?)\}", r"**\1**", caption)
        md_caption = re.sub(r"\$([^$]*)\$", r"$`\1`$", md_caption)
        assert md[at + len(link) :].startswith(md_caption)
        # the image is the last thing in its section: the next heading follows the caption
        assert md.index("\n\n", at + len(link)) in (end - 1, end)


def test_the_figure_sections_in_the_sheets_order():
    """The data: one heading-less ``figure`` section per figure, after the section it
    illustrates, naming that section's role."""
    sheet = SheetView(derived("conv2d"), RenderOptions()).build()
    shown = [
        (s["kind"], s.get("illustrates"), [f["name"] for f in s.get("figures", ())])
        for s in sheet["sections"]
    ]
    assert shown == [
        ("notation", None, []),
        ("layer", None, []),
        ("story", None, []),
        ("elements", None, []),
        ("figure", "forward", ["windows"]),
        ("contributions", None, []),
        ("figure", "contributions", ["kernel-cells"]),
        ("elements", None, []),
        ("elements", None, []),
        ("elements", None, []),
        ("figure", "padded", ["padded-delta"]),
        ("closed_forms", None, []),
        ("numeric", None, []),
        ("verdict", None, []),
        ("references", None, []),
    ]
    for s in sheet["sections"]:
        if s["kind"] == "figure":
            assert s["heading"] is None
            assert s["intro"] is None
    # the first caption alone says where the pictures come from
    captions = [s["figures"][0]["caption"] for s in sheet["sections"] if s["kind"] == "figure"]
    drawn = " Drawn from the derivation's own data: what is shaded is read off the terms"
    assert [drawn in c for c in captions] == [True, False, False]
    assert sheet["tikz"] is True


def test_a_summary_with_figures_puts_them_beside_the_definition_story_and_worked_instance():
    d = derived("conv2d")
    sheet = SheetView(d, RenderOptions(detail="summary", figures=True)).build()
    kinds = [(s["kind"], s.get("illustrates")) for s in sheet["sections"]]
    assert kinds == [
        ("notation", None),
        ("layer", None),
        ("figure", "layer"),
        ("story", None),
        ("figure", "story"),
        ("elements", None),  # the worked instance, with the padded delta under the kernel
        ("figure", "padded"),
        ("closed_forms", None),
        ("verdict", None),
        ("references", None),
    ]
    leads = [s["figures"][0]["caption"].split("**")[1] for s in sheet["sections"]
             if s["kind"] == "figure"]
    assert leads == [
        "The definition above, drawn.",
        "The index form above, drawn.",
        "The padded delta above, drawn.",
    ]
    tex = d.to_latex(detail="summary", figures=True)
    worked = tex.index(r"\section{Worked instance}")
    window = tex.index(r"\[ \tilde{D} = \begin{bmatrix}", worked)  # the window exhibit
    assert worked < window < tex.index(render_tikz(sheet_figures(d)[2])) < tex.index(
        r"\section{Closed forms, proved}"
    )


def test_every_figure_has_a_place_and_every_place_a_caption_in_both_languages():
    from symderiv.figures.sheet import _LEADS
    from symderiv.render.messages import text

    assert set(PLACES) == {"windows", "kernel-cells", "padded-delta", "switches"}
    for roles in PLACES.values():
        for role in roles:
            for lang in ("en", "zh"):
                assert text(_LEADS[role], lang).strip()


def test_the_padded_delta_is_printed_once_beside_the_flipped_kernel():
    tex = derived("conv2d").to_latex()
    begin, end = _section_span(tex, r"\section{Input gradient}", r"\section")
    body = tex[begin:end]
    assert body.count(r"\tilde{D} = \begin{bmatrix}") == 1
    assert (
        r"\[ \operatorname{rot180}(K) = \begin{bmatrix} K_{11} & K_{10} \\ K_{01} & K_{00} "
        r"\end{bmatrix} \]"
    ) in body.splitlines()
    # a summary has no padded-delta exhibit: its window shows the padded delta itself
    summary = derived("conv2d").to_latex(detail="summary")
    assert r"\[ \tilde{D} = \begin{bmatrix} 0 & 0 & 0 & 0 & 0 \\ " in summary
    assert r", \qquad \operatorname{rot180}(K) = \begin{bmatrix}" in summary


# --------------------------------------------------------------------------- PDF pages


def _pages(pdf: bytes, tmp_path) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True,
                         text=True).stdout
    return ["".join(page.split()) for page in out.split("\f")[:-1]]


def _page_of(pages: list[str], words: str) -> int:
    """The first page that holds ``words`` (spaces aside)."""
    words = "".join(words.split())
    found = [k for k, page in enumerate(pages) if words in page]
    assert found, words
    return found[0]


# the text each figure illustrates (as pdftotext gives it) and its caption's first words
PAGE_CASES = {
    ("conv2d", "en"): [
        ("Z22 = A22 K00", "The forward pass above, drawn."),
        ("Which element of A each kernel element multiplies", "The contribution table above"),
        ("The input-gradient formula reads the delta bordered", "The padded delta above"),
    ],
    ("conv1d", "zh"): [
        ("每个输出元素，构造为表达式", "图：上面的前向传播。"),
        ("输入梯度公式读取的误差项是在相邻元素之间插入", "图：上面插零并补零的误差项。"),
    ],
    ("conv_transpose2d", "en"): [
        ("Every output element, built as an expression", "The forward pass above, drawn."),
    ],
    ("avg_pool2d", "zh"): [("每个输出元素，构造为表达式", "图：上面的前向传播。")],
    ("max_pool2d", "en"): [("Window by window: its maximum", "The switches above, drawn.")],
    ("max_pool2d", "zh"): [("逐个窗口列出", "图：上面的开关。")],
}


@pytest.mark.slow
@pytest.mark.latex
@needs_latex
@pytest.mark.parametrize(("name", "lang"), list(PAGE_CASES))
def test_a_figure_is_on_its_texts_page_or_the_next_and_no_heading_ends_a_page(
    name, lang, tmp_path
):
    from symderiv.latex import compile_pdf, latex_available

    from .test_detail_lang_fragment import assert_no_heading_ends_a_page

    engine = "xelatex" if lang == "zh" else "pdflatex"
    if not latex_available(engine):
        pytest.skip(f"{engine} is not installed")
    tex = derived(name).to_latex(lang=lang)
    build = compile_pdf(tex, engine=engine)  # raises on an error or an overfull box
    pages = _pages(build.pdf, tmp_path)
    for text, lead in PAGE_CASES[(name, lang)]:
        assert _page_of(pages, lead) - _page_of(pages, text) in (0, 1), (text, lead)
    assert_no_heading_ends_a_page(tex, build.pdf, tmp_path)


# --------------------------------------------------------------------------- Chinese Markdown


def test_a_line_break_between_chinese_characters_shows_no_space_in_markdown():
    from symderiv.render.sheet import prose_md

    assert prose_md("残差（红字），\n取自 $x$\nand\nso 中\nx") == "残差（红字），取自 $`x`$ and so 中 x"
    md = derived("max_pool2d").to_markdown(lang="zh")
    assert "深色格子接收其窗口的误差项（红字），取自推导出的 $`\\partial E/\\partial A`$；" in md
    assert "同样的链式法则把每个误差项送到其窗口的最大值处" in md


def test_a_figure_whose_text_is_not_shown_goes_before_the_closed_forms():
    from symderiv.figures.sheet import placed_figures

    view = SheetView(derived("conv2d"), RenderOptions())
    kept = [s for s in view.layer.sheet(view)["sections"]
            if s["kind"] in ("notation", "closed_forms", "verdict")]
    placed = placed_figures(view, kept)
    assert [(s["kind"], s.get("illustrates")) for s in placed] == [
        ("notation", None),
        ("figure", "sheet"),
        ("figure", "sheet"),
        ("figure", "sheet"),
        ("closed_forms", None),
        ("verdict", None),
    ]
    assert placed[1]["figures"][0]["caption"].startswith(
        "**The derivation above, drawn.** Each panel shows the input $A$"
    )
