"""Every layer kind's sheet tells the story (pooling, subsampling, map combination, linear, the
activations, the losses): the index forms equal the derivation (checked independently here), the
closed forms end the story, notation box and references, matrices; every text in English and
Chinese from the message table; summary detail keeps the story and the verdicts."""

from __future__ import annotations

import re

import numpy as np
import pytest
import sympy

import symderiv
from symderiv.render.options import RenderOptions
from symderiv.render.reasons import reason_text
from symderiv.render.sheet import SheetView, tex_code

# Many PDF builds (pdflatex and xelatex): run with `python -m pytest -m slow`.
pytestmark = pytest.mark.slow

KINDS = [
    symderiv.avg_pool2d(),
    symderiv.avg_pool2d(input=(5, 5), kernel=(3, 3), stride=2),
    symderiv.avg_pool1d(input=7, kernel=3, stride=2, padding=1),
    symderiv.max_pool2d(seed=3),
    symderiv.max_pool2d(seed=3, ties="split"),
    symderiv.max_pool1d(input=6, kernel=2, values=[1, 2, 4, 3, 3, 0]),
    symderiv.subsample2d(input=(4, 4), scale=2, in_channels=2),
    symderiv.map_combination(),
    symderiv.linear(),
    symderiv.linear(in_features=2, out_features=2, batch=2),
    symderiv.sigmoid(input=(2, 2)),
    symderiv.tanh(input=(2, 2)),
    symderiv.relu(input=(2, 2)),
    symderiv.leaky_relu(input=(2, 2), negative_slope="0.01"),
    symderiv.identity(input=(2, 2)),
    symderiv.activation(input=(2, 2)),
    symderiv.squared_error(input=3),
    symderiv.softmax_cross_entropy(input=3),
]

_DERIVED: dict[str, symderiv.Derivation] = {}


def derived(spec: symderiv.Layer) -> symderiv.Derivation:
    if spec.label() not in _DERIVED:
        _DERIVED[spec.label()] = spec.derive()
    return _DERIVED[spec.label()]


def sections(d, **options) -> list[dict]:
    return SheetView(d, RenderOptions(**options)).build()["sections"]


def section(d, kind, **options) -> dict:
    (out,) = [s for s in sections(d, **options) if s["kind"] == kind]
    return out


def story_math(d) -> list[str]:
    return [m for step in section(d, "story")["steps"] for m in step["math"]]


def story_text(d, lang="en") -> str:
    return " ".join(
        (step["text"] or "") + " " + (step["after"] or "")
        for step in section(d, "story", lang=lang)["steps"]
    )


# ---------------------------------------------------------------------------
# every kind: the shape of the sheet
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("spec", KINDS, ids=lambda s: s.label())
def test_every_kind_has_notation_story_verdict_and_references(spec):
    d = derived(spec)
    kinds = [s["kind"] for s in sections(d)]
    assert kinds[:3] == ["notation", "layer", "story"]
    assert kinds[-3:] == ["numeric", "verdict", "references"]
    summary = [s["kind"] for s in sections(d, detail="summary")]
    assert summary[:3] == ["notation", "layer", "story"]
    assert summary[-2:] == ["verdict", "references"]
    assert "numeric" not in summary
    assert "contributions" not in summary
    # the story starts from the chain rule and ends in the proved closed forms
    assert story_math(d)
    own = [f["latex"] for f in section(d, "closed_forms")["forms"] if f["shown_above"]]
    assert own, "the story prints at least one proved closed form"
    math = story_math(d)
    for latex in own:  # whole, or its right-hand side ending an index form
        assert any(latex in m or m.endswith(" = " + latex.split(" = ", 1)[1]) for m in math), latex
    refs = " ".join(section(d, "references")["entries"])
    assert "Bouvrie" in refs


@pytest.mark.parametrize("spec", KINDS, ids=lambda s: s.label())
def test_summary_keeps_one_example_per_gradient_and_every_verdict(spec):
    d = derived(spec)
    full = section(d, "closed_forms")
    short = section(d, "closed_forms", detail="summary")
    assert [f["holds"] for f in short["forms"]] == [c.holds for c in d.closed_forms]
    assert len(short["forms"]) == len(full["forms"])
    # the typewriter copy of each formula is in full detail only
    code = r"\texttt{" + tex_code(d.closed_forms[0].formula.text()) + "}"
    assert code in d.to_latex()
    assert code not in d.to_latex(detail="summary")


# ---------------------------------------------------------------------------
# Chinese: every text from the table, the mathematics the same
# ---------------------------------------------------------------------------

# code, names and the names of the kinds (in titles) are not translated
NAMES = {
    "symderiv", "Bouvrie", "Notes", "Convolutional", "Neural", "Networks", "PyTorch", "SymPy",
    "MATLAB", "JSON", "numpy", "TensorFlow", "Kronecker", "Heaviside", "Piecewise", "ReLU",
    "leaky", "logistic", "Sigmoid", "sigmoid", "tanh", "relu", "identity", "linear", "pool",
    "subsample", "combination", "squared", "error", "cross", "entropy", "softmax", "first",
    "split", "docs", "pytorch", "Python", "argmax",
    "valid",  # MATLAB's name of the correlation mode
    "llll",  # the tensor table's column types
    "ResNet", "CSDN", "zhongkeli",  # in the titles of the Chinese notes and whom they cite
}


def english_words(text: str) -> set[str]:
    body = text.split(r"\begin{document}")[-1].split(r"\makeatother")[-1]
    body = re.sub(r"\$[^$]*\$|\$`[^`]*`\$|\\\[.*?\\\]|```math.*?```", " ", body, flags=re.DOTALL)
    body = re.sub(
        r"\\begin\{(align\*|gather\*|longtable|tikzpicture)\}.*?\\end\{\1\}", " ", body,
        flags=re.DOTALL,
    )
    body = re.sub(r"\]\([^)]*\)", "]", body)  # a link's target (a figure's file name)
    body = re.sub(r"\\label\{[^}]*\}|\\\^\{\}", " ", body)
    body = re.sub(r"\\texttt\{(?:[^{}]|\{\})*\}|`[^`]*`|\\[A-Za-z]+|\{[a-z]+\}", " ", body)
    body = re.sub(r"<!--.*?-->|%.*", " ", body)
    return set(re.findall(r"[A-Za-z]{4,}", body)) - NAMES


@pytest.mark.parametrize("spec", KINDS, ids=lambda s: s.label())
@pytest.mark.parametrize("detail", ["full", "summary"])
def test_a_chinese_sheet_has_no_english_prose_left(spec, detail):
    d = derived(spec)
    for text in (d.to_latex(lang="zh", detail=detail), d.to_markdown(lang="zh", detail=detail)):
        assert english_words(text) == set()
        assert re.search(r"[\u4e00-\u9fff]", text)


def test_the_check_finds_english_prose():
    assert english_words(r"\begin{document} The derivation $x$ 推导") == {"derivation"}


@pytest.mark.parametrize("spec", KINDS, ids=lambda s: s.label())
def test_the_mathematics_is_the_same_in_both_languages(spec):
    d = derived(spec)
    for detail in ("full", "summary"):
        en, zh = d.to_latex(detail=detail), d.to_latex(lang="zh", detail=detail)
        displays = re.compile(r"\\\[.*?\\\]", re.DOTALL)
        assert displays.findall(en) == displays.findall(zh)
        assert story_math(d) == [
            m for step in section(d, "story", lang="zh")["steps"] for m in step["math"]
        ]


def test_failure_reasons_in_the_sheet_s_language():
    for reason, zh in (
        (
            "The formula gives a (3, 2) matrix, the gradient is (2, 3)",
            "公式给出的矩阵形状是 (3, 2)，而梯度的形状是 (2, 3)",
        ),
        (
            "The shapes do not fit: matrix product of (2, 3) and (2, 1)",
            "形状不匹配：(2, 3) 与 (2, 1) 的矩阵乘积",
        ),
        ("down of (5, 5) by blocks of (2, 2): sizes do not divide",
         "把 (5, 5) 按 (2, 2) 的块做 down：尺寸不能整除"),
    ):
        assert reason_text(reason, "en") == reason  # English is the text as raised
        assert reason_text(reason, "zh") == zh
    assert reason_text("something new", "zh") == "something new"
    d = derived(symderiv.linear())
    tex = d.to_latex(lang="zh")
    assert "公式给出的矩阵形状是 (3, 2)，而梯度的形状是 (2, 3)。" in tex


def test_a_piecewise_prints_as_cases_without_words():
    d = derived(symderiv.leaky_relu(input=(2, 2), negative_slope="0.01"))
    tex = d.to_latex(lang="zh")
    assert r"\text{for}" not in tex
    assert r"\text{otherwise}" not in tex
    assert (
        r"\frac{\partial E}{\partial A_{00}} &= D_{00} \left(\begin{cases} 1 & A_{00} > 0 \\ "
        r"\frac{1}{100} & A_{00} \leq 0 \end{cases}\right)"
    ) in tex


# ---------------------------------------------------------------------------
# the index forms, checked against the derivation independently
# ---------------------------------------------------------------------------


def test_mean_pooling_story_substitutes_the_one_window_and_ends_in_up_d():
    d = derived(symderiv.avg_pool2d())
    math = story_math(d)
    assert (
        r"\frac{\partial E}{\partial A_{ij}} = \frac{1}{4} \sum_{p,q=0}^{1} "
        r"\sum_{u,v:\ 2u+p = i,\ 2v+q = j} D_{uv}"
    ) in math
    assert (
        r"\frac{\partial E}{\partial A_{ij}} = \frac{1}{4} D_{\lfloor i/2 \rfloor,\lfloor j/2 \rfloor} "
        r"= \frac{1}{4} \left(D \otimes \mathbf{1}_{2 \times 2}\right)_{ij}"
    ) in math
    D = d.tensor("D").array()[0, 0]
    for g in d.gradients_of("A"):
        i, j = g.index[2:]
        assert sympy.expand(g.expr - D[i // 2, j // 2] / 4) == 0


@pytest.mark.parametrize(
    "spec",
    [
        symderiv.avg_pool1d(input=7, kernel=3, stride=2, padding=1),
        symderiv.avg_pool1d(input=8, kernel=3, stride=1),
        symderiv.avg_pool1d(input=9, kernel=2, stride=3),
    ],
    ids=lambda s: s.label(),
)
def test_mean_pooling_general_index_form_equals_the_derivation(spec):
    d = derived(spec)
    s, k, pad = spec.stride[0], spec.kernel[0], spec.padding[0]
    delta = r"\hat{D}" if s > 1 else "D"
    read = "i" + (f"+{pad}" if pad else "") + "-p"
    assert rf"\frac{{\partial E}}{{\partial A_{{i}}}} = \frac{{1}}{{{k}}} \sum_{{p=0}}^{{{k - 1}}} {delta}_{{{read}}}" in story_math(d)
    D = d.tensor("D").array()[0, 0]
    for g in d.gradients_of("A"):
        (i,) = g.index[2:]
        total = 0
        for p in range(k):
            t = i + pad - p  # the zero-inserted delta at t: D[t/s] when s divides t
            if t % s == 0 and 0 <= t // s < len(D):
                total += D[t // s]
        assert sympy.expand(g.expr - sympy.Rational(1, k) * total) == 0


@pytest.mark.parametrize("ties", ["first", "split"])
def test_max_pooling_routes_each_delta_as_the_story_says(ties):
    d = derived(symderiv.max_pool2d(seed=3, ties=ties))
    a = np.asarray(d.layer.a_values[0, 0], dtype=float)
    D = d.tensor("D").array()[0, 0]
    expected = {pos: sympy.Integer(0) for pos in np.ndindex(*a.shape)}
    for u, v in np.ndindex(2, 2):
        window = a[2 * u : 2 * u + 2, 2 * v : 2 * v + 2]
        top = window.max()
        cells = [(p, q) for p, q in np.ndindex(2, 2) if window[p, q] == top]
        if ties == "first":  # m_uv: the first maximum in row-major order
            cells = cells[:1]
        for p, q in cells:
            expected[(2 * u + p, 2 * v + q)] += D[u, v] / len(cells)
    for g in d.gradients_of("A"):
        assert sympy.expand(g.expr - expected[g.index[2:]]) == 0
    math = story_math(d)
    assert r"\frac{\partial E}{\partial A_{ij}} = \sum_{u,v} D_{uv}\, s^{(u,v)}_{i-2u,j-2v}" in math
    if ties == "first":
        assert r"s^{(u,v)}_{pq} = \bigl[(p,q) = m_{uv}\bigr]" in math
    else:
        assert any(m.startswith(r"s^{(u,v)}_{pq} = \frac{\bigl[A_{2u+p,2v+q} = Z_{uv}\bigr]}{M_{uv}}") for m in math)


def test_linear_story_leaves_one_term_per_weight():
    d = derived(symderiv.linear())
    math = story_math(d)
    assert (
        r"\frac{\partial E}{\partial W_{ji}} = \sum_{k} D_{k}\, "
        r"\frac{\partial Z_{k}}{\partial W_{ji}} = D_{j}\, A_{i}"
    ) in math
    assert r"D_{j}\, A_{i} = \delta_{j}\, x_{i} = \left(\delta x^{\mathsf{T}}\right)_{ji}" in math
    assert r"\frac{\partial E}{\partial A_{i}} = \sum_{j} D_{j}\, W_{ji} = \left(W^{\mathsf{T}} \delta\right)_{i}" in math
    A, D, W = (d.tensor(x).array() for x in ("A", "D", "W"))
    for g in d.gradients_of("W"):
        j, i = g.index
        assert sympy.expand(g.expr - D[0, j] * A[0, i]) == 0
    for g in d.gradients_of("A"):
        _, i = g.index
        assert sympy.expand(g.expr - sum(D[0, j] * W[j, i] for j in range(2))) == 0
    # the matrices: W, b, and x, δ as columns
    layer = section(d, "layer")
    (matrices,) = layer["after"]
    shown = {m["lhs"]: m["matrix"] for line in matrices["lines"] for m in line}
    assert shown["W"] == (
        r"\begin{bmatrix} W_{00} & W_{01} & W_{02} \\ W_{10} & W_{11} & W_{12} \end{bmatrix}"
    )
    assert shown["x"] == r"\begin{bmatrix} A_{0} \\ A_{1} \\ A_{2} \end{bmatrix}"
    assert shown[r"\delta"] == r"\begin{bmatrix} D_{0} \\ D_{1} \end{bmatrix}"


def test_activation_story_is_the_delta_of_the_layer_below():
    d = derived(symderiv.sigmoid(input=(2, 2)))
    math = story_math(d)
    assert (
        r"\frac{\partial E}{\partial A_{u}} = D_{u}\, \sigma'(A_{u}), \qquad "
        r"\frac{\partial E}{\partial A} = D \odot \sigma'(A)"
    ) in math
    assert r"D^{[\ell-1]} = D \odot \sigma'\bigl(Z^{[\ell-1]}\bigr)" in math
    assert "D^{[\\ell-1]} = \\partial E/\\partial A \\odot f'(Z^{[\\ell-1]})" in story_text(d)


def test_cross_entropy_story_splits_off_the_log_sum_exp():
    d = derived(symderiv.softmax_cross_entropy(input=3))
    y, t = d.tensor("y").array()[0], d.tensor("t").array()[0]
    lse = sympy.log(sum(sympy.exp(x) for x in y))
    split = -sum(t[c] * y[c] for c in range(3)) + sum(t) * lse  # the story's first display
    (E,) = d.forward
    assert sympy.expand(E.expr - split) == 0
    for g in d.gradients_of("y"):
        _, j = g.index
        story = -t[j] + sum(t) * sympy.exp(y[j]) / sum(sympy.exp(x) for x in y)
        assert sympy.cancel(sympy.together(g.expr - story)) == 0
    assert (
        r"\frac{\partial E}{\partial y_{j}} = -t_{j} + \Bigl(\sum_{c} t_{c}\Bigr) "
        r"\operatorname{softmax}(y)_{j}"
    ) in story_math(d)


def test_squared_error_story():
    d = derived(symderiv.squared_error(input=3))
    assert (
        r"\frac{\partial E}{\partial y_{c}} = \frac{1}{2} \sum_{k} 2 \left(y_{k} - t_{k}\right) "
        r"\frac{\partial y_{k}}{\partial y_{c}} = y_{c} - t_{c}"
    ) in story_math(d)
    y, t = d.tensor("y").array()[0], d.tensor("t").array()[0]
    for g in d.gradients_of("y"):
        assert sympy.expand(g.expr - (y[g.index[1]] - t[g.index[1]])) == 0


def test_subsampling_story_puts_each_input_in_one_block():
    d = derived(symderiv.subsample2d(input=(4, 4), scale=2, in_channels=2))
    assert (
        r"\frac{\partial E}{\partial A_{ij}} = \beta\, D_{\lfloor i/2 \rfloor,\lfloor j/2 \rfloor} "
        r"= \beta\, \left(D \otimes \mathbf{1}_{2 \times 2}\right)_{ij}"
    ) in story_math(d)
    D, beta = d.tensor("D").array(), d.tensor("beta").array()
    for g in d.gradients_of("A"):
        n, c, i, j = g.index
        assert sympy.expand(g.expr - beta[c] * D[n, c, i // 2, j // 2]) == 0


def test_map_combination_story_goes_through_the_softmax_jacobian():
    d = derived(symderiv.map_combination())
    math = story_math(d)
    assert any(m.startswith(r"\frac{\partial E}{\partial c_{ji}} = \sum_{k}") for m in math)
    text = story_text(d)
    assert r"\partial \alpha_{jk}/\partial c_{ji} = \alpha_{jk}([i = k] - \alpha_{ji})" in text


def test_pooling_shows_a_d_and_the_gradient_as_matrices():
    d = derived(symderiv.avg_pool2d())
    (matrices,) = section(d, "layer")["after"]
    lines = {m["lhs"]: m["matrix"] for line in matrices["lines"] for m in line}
    assert lines["D"] == r"\begin{bmatrix} D_{00} & D_{01} \\ D_{10} & D_{11} \end{bmatrix}"
    assert lines["A"].startswith(r"\begin{bmatrix} A_{00} & A_{01} & A_{02} & A_{03} \\")
    tex = d.to_latex()
    # the ¼ every cell shares stands once in front of the matrix
    assert (
        r"\frac{\partial E}{\partial A} = \frac{1}{4}\, \begin{bmatrix} D_{00} & D_{00} "
        r"& D_{01} & D_{01} \\"
    ) in tex


# ---------------------------------------------------------------------------
# rendered: KaTeX, pdflatex and xelatex, pages
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("spec", KINDS, ids=lambda s: s.label())
def test_markdown_math_renders_with_katex_in_both_languages(spec):
    from .test_markdown_math import _katex_available, _katex_errors, _snippets

    if not _katex_available():
        pytest.skip("node with katex is not available")
    d = derived(spec)
    snippets = []
    for lang in ("en", "zh"):
        for detail in ("full", "summary"):
            snippets += _snippets(d.to_markdown(lang=lang, detail=detail))
    assert len(snippets) > 40
    assert _katex_errors(snippets) == []


def _gallery_kinds() -> list[symderiv.Layer]:
    from symderiv.gallery import GALLERY

    # the layer kinds' sheets (the networks' are checked in test_network_sheet_lang.py)
    layers = [spec for spec in GALLERY if isinstance(spec, symderiv.Layer)]
    return [spec for spec in layers if not spec.kind.startswith("conv")]


@pytest.mark.latex
@pytest.mark.parametrize("spec", _gallery_kinds(), ids=lambda s: s.label())
def test_gallery_sheets_summary_on_two_pages_and_no_heading_ends_a_page(spec, tmp_path):
    """pdflatex (English) and xelatex (Chinese): no error, no overfull box, no missing glyph
    (compile_pdf refuses them); the summary on 2 pages; in full detail no heading ends a page."""
    from symderiv.latex import compile_pdf, latex_available

    from .test_detail_lang_fragment import _page_texts, _pages, assert_no_heading_ends_a_page

    if not latex_available() or not latex_available("xelatex"):
        pytest.skip("pdflatex and xelatex are needed")
    d = derived(spec)
    for lang, engine in (("en", "pdflatex"), ("zh", "xelatex")):
        build = compile_pdf(d.to_latex(lang=lang, detail="summary"), engine=engine)
        assert _pages(build.pdf, tmp_path) <= 2, (lang, spec.label())
    text = " ".join(" ".join(_page_texts(build.pdf, tmp_path)).split())
    assert "指标形式的推导" in text
    assert "参考文献" in text
    tex = d.to_latex()
    # pdftotext prints the typographic apostrophe of a heading ("the notes' route")
    assert_no_heading_ends_a_page(tex.replace("notes' route", "notes’ route"),
                                  compile_pdf(tex).pdf, tmp_path)


def test_the_catalogue_s_fixed_texts_in_both_languages():
    from symderiv import catalogue

    results = list(catalogue.run())
    md = catalogue.render("md", results, lang="zh")
    assert md.splitlines()[1] == "# 已发表的反向传播恒等式及其检验"
    assert "| 恒等式 | 出处 | 对象 | 成立于 |" in md
    assert "Checked by" not in md
    assert "**成立**，在全部 4 个元素上。" in md
    en = catalogue.render("md", results)
    assert "| identity | source | for | holds in |" in en
    assert "**holds**, at all 4 elements." in en
    with pytest.raises(symderiv.SpecError, match="lang 'fr'"):
        catalogue.render("md", results, lang="fr")


@pytest.mark.latex
def test_the_catalogue_compiles_in_both_languages():
    """pdflatex for English and xelatex for Chinese: no error, no overfull box (the
    typewriter quote macro is defined in the catalogue too)."""
    from symderiv import catalogue
    from symderiv.latex import compile_pdf, latex_available

    if not latex_available() or not latex_available("xelatex"):
        pytest.skip("pdflatex and xelatex are needed")
    results = list(catalogue.run())
    for lang, engine in (("en", "pdflatex"), ("zh", "xelatex")):
        tex = catalogue.render("tex", results, lang=lang)
        assert r"\providecommand{\symderivquote}" in tex
        assert compile_pdf(tex, engine=engine).pdf.startswith(b"%PDF")
