"""Handouts rendered: the content comes from the derivations, the exercises' answers from
the derived and proved data, user text prints literally in every format, the Markdown's and
HTML's math passes KaTeX in strict mode, the notebook is valid and re-runs the derivation,
and users' templates run sandboxed."""

from __future__ import annotations

import html as html_lib
import io
import json
import re
import shutil
import subprocess
from contextlib import redirect_stdout
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from symderiv.cli import cli
from symderiv.exceptions import LatexBuildError, SpecError
from symderiv.handout.assemble import Handout, assemble
from symderiv.handout.escape import html_text, md_text, tex_text
from symderiv.handout.file import parse_handout
from symderiv.handout.formats import render_md, render_tex
from symderiv.handout.html import Katex, find_katex, markdown_to_html
from symderiv.handout.notebook import render_ipynb
from symderiv.handout.slides import render_slides
from symderiv.render.options import RenderOptions
from symderiv.render.sheet import SheetView, prose_md

from .conftest import ROOT

INJECTION = r"100% of \input{/etc/passwd} & more_ <script>"
KATEX_CHECK = ROOT / "tests" / "tools" / "katex_check.js"

CLASSIC = f"""
title = '{INJECTION}'
author = '{INJECTION}'
course = '{INJECTION}'
date = '{INJECTION}'
exercises = true

[[item]]
layer = "conv2d"

[[item]]
layer = "avg_pool2d"
title = '{INJECTION}'

[[item]]
layer = "linear"
"""


@cache
def _handout(language: str = "en", detail: str = "full", text: str = CLASSIC) -> Handout:
    if language == "zh":
        text = "language = 'zh'\n" + text.replace("title = '", "title = '卷积 ", 1)
    text = f"detail = '{detail}'\n" + text
    return assemble(parse_handout(text, Path("/nowhere/classic.toml")))


def _katex() -> Katex | None:
    found = find_katex()
    return found if found is not None and found.prerender else None


needs_katex = pytest.mark.skipif(_katex() is None, reason="node with katex is not available")


# --------------------------------------------------------------------------- user text


def test_user_text_is_escaped_for_each_format():
    assert tex_text(INJECTION) == (
        r"100\% of \textbackslash{}input\{/etc/passwd\} \& more\_ \textless{}script\textgreater{}"
    )
    assert md_text(INJECTION) == r"100% of \\input\{/etc/passwd\} \& more\_ \<script\>"
    assert html_text(INJECTION) == r"100% of \input{/etc/passwd} &amp; more_ &lt;script&gt;"
    # TeX's ligatures are broken, so what is typed is what prints
    assert tex_text("a--b ''c'' !` <<") == (
        r"a-{}-{}b \textquotesingle{}\textquotesingle{}c\textquotesingle{}\textquotesingle{} "
        r"!{}\textasciigrave{} \textless{}\textless{}"
    )


@pytest.mark.parametrize("document", ["handout", "exercises", "key"])
def test_user_text_never_reaches_latex_or_markdown_raw(document):
    h = _handout()
    tex = render_tex(h, document)
    md = render_md(h, document)
    assert INJECTION not in tex
    assert r"\input{" not in tex
    assert tex.count(tex_text(INJECTION)) >= 4  # title (page and PDF info), author, course, date
    assert "<script>" not in md
    assert md.count(md_text(INJECTION)) >= 4


def test_user_text_in_the_slides_and_notebook():
    h = _handout()
    slides = render_slides(h)
    assert r"\input{" not in slides
    assert tex_text(INJECTION) in slides
    notebook = json.loads(render_ipynb(h))
    assert md_text(INJECTION) in "".join(notebook["cells"][0]["source"])


# --------------------------------------------------------------------------- content


def test_each_item_shows_its_sheets_sections_in_order():
    h = _handout()
    conv, pool, dense = h.parts
    sheet = SheetView(conv.derivation, RenderOptions()).build()
    # the sheet's sections, its references gathered at the end of the handout
    kinds = [s["kind"] for s in sheet["sections"] if s["kind"] != "references"]
    assert [s["kind"] for s in conv.sections] == kinds
    ids = [s["id"] for s in conv.sections]
    assert ids[ids.index("layer") :] == [
        "layer",
        "story",
        "forward",
        "figure",  # each figure directly after the text it illustrates
        "contributions",
        "figure",
        "gradients",
        "gradients",
        "gradients",
        "figure",
        "closed_forms",
        "numeric",
        "verdict",
    ]
    dense_ids = [s["id"] for s in dense.sections]
    assert (
        dense_ids.index("forward")
        < dense_ids.index("gradients")
        < dense_ids.index("matrix_differential")
        < dense_ids.index("closed_forms")
    )
    assert conv.heading == "conv2d: 4×4 input, 2×2 kernel, correlation convention"
    assert pool.heading == INJECTION
    md = render_md(h)
    # the sheets' headings are one level below the item's
    assert "\n## conv2d: 4×4 input, 2×2 kernel, correlation convention\n" in md
    assert "\n### Kernel gradient\n" in md
    tex = render_tex(h)
    assert r"\handoutpart{conv2d: 4$\times$4 input,{} 2$\times$2 kernel,{} correlation" in tex
    assert r"\let\section\subsection" in tex  # the sheets' sections are the item's subsections
    pool_tex = tex.split(r"\handoutpart{")[2]
    # every forward element of the pooling sheet (an align* row each)
    assert len(re.findall(r"^Z_\{\d\d\} &= ", pool_tex, re.M)) == 4


def test_sections_can_be_chosen_and_the_cross_reference_follows():
    text = CLASSIC.replace("exercises = true", "sections = ['layer', 'gradients']")
    h = _handout(text=text)
    assert {s["id"] for p in h.parts for s in p.sections} == {"layer", "gradients"}
    tex = render_tex(h)
    assert r"\ref{" not in tex  # no closed forms: the layer no longer points there
    assert "Numeric cross-check" not in tex


def test_labels_and_links_are_per_item():
    text = CLASSIC + '\n[[item]]\nlayer = "conv2d"\nconvention = "convolution"\n'
    h = _handout(text=text)
    tex = render_tex(h)
    assert r"\label{p1:sec:closed:conv2d_4x4_k2x2_correlation}" in tex
    assert r"\label{p4:sec:closed:conv2d_4x4_k2x2_convolution}" in tex
    assert r"\ref{p4:sec:closed:conv2d_4x4_k2x2_convolution}" in tex
    md = render_md(h)
    assert "(#closed-forms-proved)" in md
    assert "(#closed-forms-proved-3)" in md  # the fourth item's own section
    assert md.count("\n### Closed forms, proved\n") == 4


def test_summary_keeps_one_example_element_per_gradient():
    h = _handout(detail="summary")
    for part in h.parts:
        elements = [s for s in part.sections if s["kind"] == "elements"]
        for s in elements:  # at most one element of each tensor in a list
            shown = [e["lhs"] for e in s["equations"]]
            assert len(shown) == len({re.sub(r"_\{\d+\}", "", lhs) for lhs in shown}), shown
    assert "Numeric cross-check" not in render_tex(h).split(r"\handoutpart{")[1]


def test_a_sheet_without_a_summary_of_its_own_is_cut_to_one_example():
    """Where a kind's sheet lists every element even at summary detail, the handout keeps
    the element with the most terms and says how many it leaves out."""
    from symderiv.handout.assemble import _lhs_tensors, _summarize

    d = _handout().parts[0].derivation  # the classic convolution
    view = SheetView(d, RenderOptions())
    lhs = _lhs_tensors(view)
    kernel = {
        "kind": "elements",
        "equations": [view.equation(g) for g in d.gradients_of("K")],
        "after": [],
    }
    inputs = {
        "kind": "elements",
        "equations": [view.equation(g) for g in d.gradients_of("A")],
        "after": [{"kind": "activation_delta", "index": "ij"}],
    }
    mixed = {
        "kind": "elements",
        "equations": [view.equation(d.gradients[0]), view.equation(d.gradients[-1])],
        "after": [],
    }
    cut = _summarize(inputs, lhs, "en")
    assert [e["lhs"] for e in cut["equations"]] == [r"\frac{\partial E}{\partial A_{11}}"]
    assert cut["after"] == [
        {
            "kind": "handout_note",
            "text": "… and 15 more elements of the same form (the full version lists them all).",
        },
        {"kind": "activation_delta", "index": "ij"},
    ]
    assert len(_summarize(kernel, lhs, "en")["equations"]) == 1
    assert _summarize(mixed, lhs, "en") == mixed  # one example per gradient: kept


# --------------------------------------------------------------------------- exercises


def _products(latex: str) -> set[frozenset[str]]:
    """The monomials of a printed sum: each a set of factors such as 'A_{01}'."""
    terms = re.split(r"\s[+-]\s", latex)
    out = set()
    for t in terms:
        factors = re.findall(r"[A-Z]_\{\d+\}", t)
        if factors:
            out.add(frozenset(factors))
    return out


def test_exercises_are_numbered_through_the_handout_and_the_key_matches():
    h = _handout()
    numbers = [e.number for e in h.exercises]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) >= 10
    exercises_md = render_md(h, "exercises")
    key_md = render_md(h, "key")
    assert re.findall(r"### Exercise (\d+)", exercises_md) == [str(n) for n in numbers]
    assert re.findall(r"### Answer (\d+)", key_md) == [str(n) for n in numbers]
    exercises_tex = render_tex(h, "exercises")
    assert re.findall(r"\\handoutexercise\{Exercise (\d+)\}", exercises_tex) == [
        str(n) for n in numbers
    ]


def test_the_classic_exercises_and_their_answers():
    """The answers, checked against the lecture notes' own transcription: K01 multiplies
    A01, A02, A03, A11, A12, A13, A21, A22, A23 into B00 … B22, and
    K'01 = A01·D00 + A02·D01 + A03·D02 + A11·D10 + A12·D11 + A13·D12 + A21·D20 + A22·D21
    + A23·D22 (the notes call the output B; symderiv calls it Z)."""
    conv = _handout().parts[0]
    by_kind = {e.kind: e for e in conv.exercises}
    assert list(by_kind) == ["terms", "contributions", "expansion", "choice", "closed_form"]

    terms = by_kind["terms"]
    assert terms.question is not None
    assert terms.question[0] == r"\frac{\partial E}{\partial K_{01}}"
    asked = " ".join(terms.question[1])
    assert asked.count(r"\boxed{\phantom{") == 3
    assert terms.answer == "(a) $A_{02} D_{01}$, (b) $A_{12} D_{11}$, (c) $A_{22} D_{21}$"
    notes = [
        "A01",
        "D00",
        "A02",
        "D01",
        "A03",
        "D02",
        "A11",
        "D10",
        "A12",
        "D11",
        "A13",
        "D12",
        "A21",
        "D20",
        "A22",
        "D21",
        "A23",
        "D22",
    ]
    expected = {
        frozenset({f"A_{{{a[1:]}}}", f"D_{{{d[1:]}}}"})
        for a, d in zip(notes[::2], notes[1::2], strict=False)
    }
    assert terms.answer_math is not None
    assert _products(" ".join(terms.answer_math[1])) == expected
    blanks = re.sub(r"\\phantom\{(?:[^{}]|\{[^{}]*\})*\}", "", asked)
    assert _products(blanks) == expected - {
        frozenset({"A_{02}", "D_{01}"}),
        frozenset({"A_{12}", "D_{11}"}),
        frozenset({"A_{22}", "D_{21}"}),
    }

    contributions = by_kind["contributions"]
    assert r"$K_{01}$ multiply" in contributions.prompt
    assert contributions.answer_math is not None
    pairs = re.findall(r"(A_\{\d\d\}) \\to (Z_\{\d\d\})", " ".join(contributions.answer_math[1]))
    a = ["01", "02", "03", "11", "12", "13", "21", "22", "23"]
    z = ["00", "01", "02", "10", "11", "12", "20", "21", "22"]
    assert pairs == [(f"A_{{{i}}}", f"Z_{{{o}}}") for i, o in zip(a, z, strict=False)]

    expansion = by_kind["expansion"]
    assert expansion.answer_math is not None
    assert expansion.answer_math[0] == r"\frac{\partial E}{\partial A_{11}}"
    # dE/dA11 = sum over the outputs that read A11: D_uv K_{1-u,1-v}
    assert _products(" ".join(expansion.answer_math[1])) == {
        frozenset({"D_{00}", "K_{11}"}),
        frozenset({"D_{01}", "K_{10}"}),
        frozenset({"D_{10}", "K_{01}"}),
        frozenset({"D_{11}", "K_{00}"}),
    }

    choice = by_kind["choice"]
    assert "the correlation convention" in choice.prompt
    verdicts = dict(zip(choice.choices, choice.holds, strict=False))
    valid = (
        r"\operatorname{conv2}\left(A,\ \operatorname{rot180}\left(D\right),\ \text{valid}\right)"
    )
    assert verdicts == {valid: True, r"\operatorname{rot180}\left(" + valid + r"\right)": False}
    assert set(choice.verdicts) == {
        "holds: proved equal to the derivation at all 4 elements",
        "does not hold: it differs from the derivation at 4 of 4 elements",
    }

    closed = by_kind["closed_form"]
    assert closed.answer_math == (
        r"\frac{\partial E}{\partial A}",
        (r"\operatorname{conv2}\left(D,\ K,\ \text{full}\right)",),
    )


def test_the_answers_follow_the_convention():
    text = 'title = "T"\nexercises = ["choice"]\n[[item]]\nlayer = "conv2d"\nconvention = "convolution"\n'
    (part,) = assemble(parse_handout(text, Path("t.toml"))).parts
    (choice,) = part.exercises
    holds = [c for c, h in zip(choice.choices, choice.holds, strict=False) if h]
    assert holds == [
        r"\operatorname{rot180}\left(\operatorname{conv2}\left(A,\ \operatorname{rot180}"
        r"\left(D\right),\ \text{valid}\right)\right)"
    ]


def test_exercise_kinds_can_be_chosen():
    text = 'title = "T"\nexercises = ["expansion"]\n[[item]]\nlayer = "max_pool2d"\nseed = 3\n'
    (part,) = assemble(parse_handout(text, Path("t.toml"))).parts
    assert [e.kind for e in part.exercises] == ["expansion"]


# --------------------------------------------------------------------------- KaTeX


def _katex_errors(snippets: list[list[object]]) -> list[str]:
    out = subprocess.run(
        ["node", str(KATEX_CHECK)],
        input=json.dumps(snippets),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def _snippets(markdown: str) -> list[list[object]]:
    display = [[True, m] for m in re.findall(r"```math\n(.*?)\n```", markdown, re.DOTALL)]
    inline = [[False, m] for m in re.findall(r"\$`([^`]*)`\$", markdown)]
    return display + inline


@needs_katex
@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("document", ["handout", "exercises", "key"])
def test_every_math_fragment_of_the_markdown_passes_katex_strict(language, document):
    md = render_md(_handout(language), document)
    snippets = _snippets(md)
    assert len(snippets) > 15
    assert _katex_errors(snippets) == []


@needs_katex
def test_katex_refuses_a_broken_fragment():
    katex = _katex()
    assert katex is not None
    with pytest.raises(LatexBuildError, match=r"KaTeX cannot typeset a formula: .*\\frac\{1\}\{"):
        markdown_to_html("```math\n\\frac{1}{\n```\n", katex)


@needs_katex
@pytest.mark.parametrize("document", ["handout", "exercises", "key"])
def test_html_is_self_contained_with_the_math_typeset(tmp_path, document):
    result = CliRunner().invoke(
        cli,
        ["handout", str(_classic_file(tmp_path)), "--format", "html", "-o", str(tmp_path / "o")],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    suffix = "" if document == "handout" else f"-{document}"
    page = (tmp_path / "o" / f"classic{suffix}.html").read_text(encoding="utf-8")
    assert page.startswith("<!-- generated by symderiv ")
    assert "<!DOCTYPE html>" in page
    assert "<script" not in page  # typeset at build time: no script at all
    assert "$`" not in page
    assert "```" not in page
    assert page.count('class="katex"') > 15
    assert "<math" in page  # MathML for screen readers
    for url in re.findall(r"url\(([^)]*)\)", page):
        assert url.startswith("data:"), url[:60]
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", page)
    assert html_text(INJECTION) in page
    assert "<script>" not in page
    # links to sections point to anchors that exist
    for anchor in re.findall(r'href="#([^"]+)"', page):
        assert f'id="{anchor}"' in page


def _classic_file(tmp_path: Path) -> Path:
    path = tmp_path / "classic.toml"
    path.write_text(CLASSIC, encoding="utf-8")
    return path


def test_html_without_node_embeds_katex_and_typesets_when_opened(tmp_path):
    dist = tmp_path / "katex" / "dist"
    (dist / "fonts").mkdir(parents=True)
    (dist / "katex.min.css").write_text(
        "@font-face{font-family:KaTeX_Main;src:url(fonts/KaTeX_Main-Regular.woff2) "
        'format("woff2"),url(fonts/KaTeX_Main-Regular.woff) format("woff")}'
    )
    (dist / "fonts" / "KaTeX_Main-Regular.woff2").write_bytes(b"wOF2")
    (dist / "katex.min.js").write_text("var katex={render:function(){}};")
    katex = Katex(dist=dist, version="0.16.0", node=None)
    body = markdown_to_html("Text $`a_{1} < b`$.\n\n```math\nx^2\n```\n", katex)
    assert body == (
        '<p>Text <span class="math">a_{1} &lt; b</span>.</p>\n'
        '<div class="display"><div class="math">x^2</div></div>\n'
    )
    assert katex.stylesheet() == (
        "@font-face{font-family:KaTeX_Main;src:url(data:font/woff2;base64,d09GMg==) "
        'format("woff2")}'
    )


def test_the_markdown_converter_reads_what_the_templates_write():
    katex = Katex(dist=Path("/none"), version="0", node=None)
    md = (
        "# Title \\<x\\>\n\n**Author:** A\\. B\\\nnext line\n\n"
        "| a | b |\n|---|---|\n| $`x`$ | `c'd` |\n\n- one\n- *two*\n\n"
        "See [Closed forms](#closed-forms).\n\n## Closed forms\n"
    )
    assert markdown_to_html(md, katex) == (
        '<h1 id="title-x">Title &lt;x&gt;</h1>\n'
        "<p><strong>Author:</strong> A. B<br>\nnext line</p>\n"
        "<table>\n<thead><tr><th>a</th><th>b</th></tr></thead>\n<tbody>\n"
        '<tr><td><span class="math">x</span></td><td><code>c&#x27;d</code></td></tr>\n'
        "</tbody>\n</table>\n"
        "<ul>\n<li>one</li>\n<li><em>two</em></li>\n</ul>\n"
        '<p>See <a href="#closed-forms">Closed forms</a>.</p>\n'
        '<h2 id="closed-forms">Closed forms</h2>\n'
    )


# --------------------------------------------------------------------------- notebook


def test_the_notebook_is_valid_and_reruns_the_derivations():
    h = _handout()
    text = render_ipynb(h)
    assert text.startswith('{\n "metadata": {\n  "generator": "generated by symderiv ')
    notebook = json.loads(text)
    nbformat = pytest.importorskip("nbformat")
    nbformat.validate(nbformat.reads(text, as_version=4))
    code = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    assert "layer = symderiv.conv2d()\nd = layer.derive()\nprint(d)" in code
    assert "layer = symderiv.linear()\nd = layer.derive()\nprint(d)" in code
    namespace: dict[str, object] = {}
    shown = io.StringIO()
    with redirect_stdout(shown):
        for source in code:
            exec(compile(source, "<notebook>", "exec"), namespace)  # our own generated code
    printed = shown.getvalue()
    assert "conv2d_4x4_k2x2_correlation: verified" in printed
    assert "dE/dK = conv2(A, rot180(D), 'valid'): holds (correlation)" in printed
    assert "linear_in3_out2: verified" in printed
    markdown = "".join(
        "".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown"
    )
    assert "```math" not in markdown
    assert "$`" not in markdown
    assert "$$\n\\begin{aligned}" in markdown


def test_the_notebook_uses_keywords_only_when_they_build_the_same_layer():
    text = (
        'title = "T"\n[[item]]\nlayer = "conv2d"\ninput = "5x4"\nkernel = 3\nstride = "2x1"\n'
        '[[item]]\nlayer = "leaky_relu"\nslope = "0.2"\n'
    )
    h = assemble(parse_handout(text, Path("t.toml")))
    from symderiv.handout.notebook import api_call

    assert api_call(h.parts[0]) == "symderiv.conv2d(input=(5, 4), kernel=3, stride=(2, 1))"
    assert api_call(h.parts[1]) == "symderiv.leaky_relu(negative_slope='0.2')"


# --------------------------------------------------------------------------- templates


def _templates(tmp_path: Path, name: str, body: str) -> Path:
    folder = tmp_path / "templates"
    (folder / Path(name).parent).mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(body, encoding="utf-8")
    return folder


def _handout_run(tmp_path: Path, templates: Path, fmt: str = "md"):
    out = tmp_path / "out"
    return out, CliRunner().invoke(
        cli,
        [
            "handout",
            str(_classic_file(tmp_path)),
            "--format",
            fmt,
            "-o",
            str(out),
            "--templates",
            str(templates),
        ],
        catch_exceptions=False,
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "\\VAR{''.__class__.__mro__}",
            "template handout.md.j2 line 1: access to attribute '__class__' of 'str' object "
            "is unsafe.",
        ),
        (
            "x\n\\VAR{meta.title.__class__.__base__.__subclasses__()}",
            "template handout.md.j2 line 2: access to attribute '__class__' of 'str' object "
            "is unsafe.",
        ),
        ("\\VAR{no_such_name}", "template handout.md.j2 line 1: 'no_such_name' is undefined"),
        (
            "\\BLOCK{for}",
            "template handout/handout.md.j2 line 1: Expected an expression, got 'end of statement block'",
        ),
        (
            "\\BLOCK{include 'missing.j2'}",
            "template 'missing.j2': not found in the templates folders",
        ),
    ],
    ids=["mro", "subclasses", "undefined", "syntax", "missing"],
)
def test_user_templates_are_sandboxed_and_strict(tmp_path, body, message):
    templates = _templates(tmp_path, "handout/handout.md.j2", body)
    out, result = _handout_run(tmp_path, templates)
    assert result.exit_code == 2
    assert result.output == f"symderiv: error: {message}\n"
    assert not out.exists()


def test_a_user_template_replaces_symderivs_and_gets_escaped_text(tmp_path):
    templates = _templates(
        tmp_path,
        "handout/handout.md.j2",
        "<!-- \\VAR{marker} mine -->\n# \\VAR{meta.title}\n\\BLOCK{for p in parts}* \\VAR{p.heading}\n\\BLOCK{endfor}",
    )
    out, result = _handout_run(tmp_path, templates)
    assert result.exit_code == 0, result.output
    assert (out / "classic.md").read_text() == (
        "<!-- generated by symderiv mine -->\n"
        f"# {md_text(INJECTION)}\n"
        "* conv2d: 4×4 input, 2×2 kernel, correlation convention\n"
        f"* {md_text(INJECTION)}\n"
        "* linear: 3 → 2 features\n"
    )


def test_a_templates_option_that_is_not_a_folder_is_refused(tmp_path):
    out, result = _handout_run(tmp_path, tmp_path / "nope")
    assert result.exit_code == 2
    assert "--templates" in result.output
    assert "not a folder" in result.output
    assert not out.exists()


def test_html_needs_katex_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, **kw: None)
    monkeypatch.setenv("NODE_PATH", str(tmp_path))
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli, ["handout", str(_classic_file(tmp_path)), "--format", "html", "-o", str(out)]
    )
    assert result.exit_code == 2
    assert result.output == (
        "symderiv: error: --format html: KaTeX was not found; install Node.js and the npm "
        "package katex (npm install katex, with NODE_PATH naming its node_modules folder)\n"
    )
    assert not out.exists()


def test_spec_errors_are_one_line():
    with pytest.raises(SpecError):
        parse_handout("title = 'x'\n", Path("t.toml"))


def test_figures_are_embedded_in_the_html():
    """The slot for the figures issue: the SVG files a sheet's Markdown links to go inside
    the page as data URIs (no file beside it, no network)."""
    katex = Katex(dist=Path("/none"), version="0", node=None)
    body = markdown_to_html(
        "![cells of $A$ \\<K\\>](n.item1.kernel.svg) ![elsewhere](other.svg)\n",
        katex,
        {"n.item1.kernel.svg": b"<svg/>"},
    )
    assert body == (
        '<p><img alt="cells of $A$ &lt;K&gt;" src="data:image/svg+xml;base64,PHN2Zy8+"> '
        '<img alt="elsewhere" src="other.svg"></p>\n'
    )


@pytest.mark.parametrize("detail", ["full", "summary"])
def test_the_converter_leaves_no_markdown_in_any_sheets_html(detail):
    """Every section template's Markdown, for every kind of layer, becomes HTML: no
    Markdown syntax is left in the page's text."""
    kinds = [
        "conv2d",
        "conv1d",
        "conv_transpose2d",
        "avg_pool2d",
        "max_pool2d",
        "subsample2d",
        "map_combination",
        "linear",
        "sigmoid",
        "relu",
        "squared_error",
        "softmax_cross_entropy",
    ]
    text = f"title = 'T'\ndetail = '{detail}'\nexercises = true\n" + "".join(
        f"[[item]]\nlayer = '{k}'\n" for k in kinds
    )
    h = assemble(parse_handout(text, Path("t.toml")))
    katex = Katex(dist=Path("/none"), version="0", node=None)
    for document in ("handout", "exercises", "key"):
        body = markdown_to_html(render_md(h, document), katex)
        plain = re.sub(
            r'<span class="math">.*?</span>|<div class="math">.*?</div>', "", body, flags=re.S
        )
        plain = re.sub(r"<code>.*?</code>", "", plain, flags=re.S)
        plain = html_lib.unescape(re.sub(r"<[^>]+>", "", plain))
        for line in plain.splitlines():
            assert not re.match(r"\s*(?:#|>|\||```|- |\d+\. )", line), line
            for markup in ("**", "$`", "]("):
                assert markup not in line, line
        # an h2 per item, and the references after them in the handout itself
        assert body.count("<h2") == len(kinds) + (document == "handout")


def test_notation_and_references_are_stated_once():
    h = _handout()
    shown = [e for p in h.parts for s in p.sections if s["id"] == "notation" for e in s["entries"]]
    assert shown
    assert len(shown) == len(set(shown))
    assert not any(s["id"] == "references" for p in h.parts for s in p.sections)
    assert len(h.references) == len(set(h.references)) >= 3
    md = render_md(h)
    assert md.count("\n## References\n") == 1
    assert md.rindex("\n## ") == md.index("\n## References\n")  # the last section
    for reference in h.references:
        assert md.count(prose_md(reference)) == 1
    tex = render_tex(h)
    assert tex.count(r"\begin{enumerate}") == 1
    assert "{\\let\\section\\handoutsection\n" in tex  # a section of the handout, not of an item
    assert "References" not in render_md(h, "exercises")


# --------------------------------------------------------------------------- answerable


def _exercises_of(text: str, language: str = "en"):
    return assemble(parse_handout(text, Path("t.toml"), language)).exercises


def test_max_pooling_questions_give_the_values_and_the_tie_rule():
    """The switches depend on A's values and the tie rule: every question states both, so
    the answer (D₀₀ for A₀₀ = 3, the first maximum of its window) can be worked out."""
    import numpy as np

    from symderiv.layers import from_options

    exercises = _exercises_of(
        'title = "T"\nexercises = true\n[[item]]\nlayer = "max_pool2d"\nseed = 3\n'
    )
    values = np.asarray(from_options("max_pool2d", {"--seed": "3"}).a_values).reshape(4, 4)
    rows = r" \\ ".join(" & ".join(str(int(v)) for v in row) for row in values)
    given = (
        rf"Here $A = \begin{{bmatrix}} {rows} \end{{bmatrix}}$, and a window whose maximum is "
        "tied sends its delta to the first of its maxima in row-major order (PyTorch's "
        "rule).\n"
    )
    assert [e.kind for e in exercises] == ["expansion", "choice"]
    assert all(e.prompt.startswith(given) for e in exercises)
    expansion, choice = exercises
    assert expansion.prompt.endswith(r"Give $\partial E/\partial A_{00}$ in the layer's elements.")
    assert expansion.answer_math == (r"\frac{\partial E}{\partial A_{00}}", ("D_{00}",))
    # the notation of the formulas to choose from is stated with them
    assert r"$\operatorname{route}_{\text{split}}$ shares $D_u$ equally" in choice.prompt


def test_the_zh_given_values_name_the_tie_rule():
    (first, *_) = _exercises_of(
        'title = "T"\nexercises = true\n[[item]]\nlayer = "max_pool2d"\nseed = 3\nties = "split"\n',
        "zh",
    )
    assert (
        "；若一个窗口的最大值不唯一，其误差项传给所有最大值，平均分配。\n"
        in first.prompt
    )


def test_no_closed_form_question_answers_the_choice_before_it():
    exercises = _exercises_of('title = "T"\nexercises = true\n[[item]]\nlayer = "avg_pool2d"\n')
    kinds = [e.kind for e in exercises]
    assert "choice" in kinds
    assert "closed_form" not in kinds  # pooling has one gradient, A: the choice asked it


def test_choices_leave_out_the_matrix_differential_and_say_why_a_shape_fails():
    exercises = _exercises_of('title = "T"\nexercises = ["choice"]\n[[item]]\nlayer = "linear"\n')
    (choice,) = exercises
    assert choice.choices == (r"\delta\, x^{\mathsf{T}}", r"x\, \delta^{\mathsf{T}}")
    assert choice.verdicts == (
        "holds: proved equal to the derivation at all 6 elements",
        "does not hold: the formula gives a (3, 2) matrix, the gradient is (2, 3)",
    )
    (zh,) = _exercises_of('title = "T"\nexercises = ["choice"]\n[[item]]\nlayer = "linear"\n', "zh")
    assert zh.verdicts[1] == "不成立：公式给出的矩阵形状是 (3, 2)，而梯度的形状是 (2, 3)"
