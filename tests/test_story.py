"""The convolution sheet tells the derivation: notation, index forms, the substitution to each
closed form, matrices, and the padded delta with the flipped kernel over it."""

from __future__ import annotations

import re

import pytest
import sympy

import symderiv
from symderiv.render.sheet import SheetView


def _section(d, kind, **options):
    from symderiv.render.options import RenderOptions

    view = SheetView(d, RenderOptions(**options))
    return [s for s in view.build()["sections"] if s["kind"] == kind]


def test_story_gives_the_index_forms_of_the_classic_layer(classic):
    (story,) = _section(classic, "story")
    math = [m for step in story["steps"] for m in step["math"]]
    assert r"\frac{\partial E}{\partial K_{pq}} = \sum_{u,v} D_{uv}\, A_{u+p,v+q}" in math
    assert r"\frac{\partial E}{\partial A_{ij}} = \sum_{p,q} D_{i-p,j-q}\, K_{pq}" in math
    # the substitution ends in the closed forms that are proved below
    assert any(m.endswith(r"\operatorname{conv2}\left(D,\ K,\ \text{full}\right)") for m in math)
    text = " ".join(step["text"] or "" for step in story["steps"])
    for word in ("*valid*", "*full*", "rot180", "flipped", "padding"):
        assert word in text


def test_story_flips_the_kernel_index_in_the_convolution_convention(classic_convolution):
    (story,) = _section(classic_convolution, "story")
    math = [m for step in story["steps"] for m in step["math"]]
    assert r"\frac{\partial E}{\partial K_{pq}} = \sum_{u,v} D_{uv}\, A_{u-p+1,v-q+1}" in math
    assert r"\frac{\partial E}{\partial A_{ij}} = \sum_{p,q} D_{i+p-1,j+q-1}\, K_{pq}" in math


def _index_form_value(d, of, index):
    """Evaluate the story's index form of dE/dA or dE/dK at one element, independently:
    a strided, padded, dilated 1-D layer, D zero (or not existing) outside its range."""
    s = d.layer
    D = {i: sympy.Symbol(f"D[0,0,{i}]", real=True) for i in range(s.output[0])}
    A = {i: sympy.Symbol(f"A[0,0,{i}]", real=True) for i in range(s.input[0])}
    K = {p: sympy.Symbol(f"K[0,0,{p}]", real=True) for p in range(s.kernel[0])}
    st, dl, pad = s.stride[0], s.dilation[0], s.padding[0]
    if of == "K":
        (p,) = index
        return sympy.Add(*(D[u] * A.get(st * u + dl * p - pad, 0) for u in D))
    (i,) = index
    total = 0
    for p in K:
        t = i + pad - dl * p  # the zero-inserted delta D^ at t
        if t % st == 0 and t // st in D:
            total += D[t // st] * K[p]
    return total


@pytest.mark.parametrize("kwargs", [{"stride": 2, "padding": 1}, {"dilation": 2, "stride": 3}])
def test_the_index_forms_of_a_strided_layer_equal_the_derivation(kwargs):
    d = symderiv.conv1d(input=(8,), kernel=(3,), **kwargs).derive()
    (story,) = _section(d, "story")
    math = " ".join(m for step in story["steps"] for m in step["math"])
    st, dl, pad = d.layer.stride[0], d.layer.dilation[0], d.layer.padding[0]
    tap = f"{st}u" + ("+p" if dl == 1 else f"+{dl}p") + (f"-{pad}" if pad else "")
    assert f"A_{{{tap}}}" in math
    assert r"\hat{D}" in math  # the zero-inserted delta of a strided layer
    for g in d.gradients:
        if g.tensor in ("K", "A"):
            assert sympy.expand(_index_form_value(d, g.tensor, g.index[2:]) - g.expr) == 0


def test_notation_box_defines_e_d_and_both_superscripts(classic):
    (box,) = _section(classic, "notation")
    text = " ".join(box["entries"])
    assert "$E$ is the *loss*" in text
    assert "$D = \\partial E/\\partial Z$" in text
    assert "$Z^{[\\ell-1]}$" in text  # a layer: square brackets, never parentheses
    many = symderiv.conv2d(in_channels=2, out_channels=2).derive()
    (box,) = _section(many, "notation")
    assert "$A^{(n,c)}$" in " ".join(box["entries"])


def test_no_sheet_writes_a_lower_case_z_or_a_layer_in_parentheses(classic):
    for tex in (classic.to_latex(), classic.to_latex(lang="zh"), classic.to_markdown()):
        assert "(l-1)" not in tex
        assert "f'(z" not in tex
        assert re.search(r"\bz_", tex) is None


def test_matrices_of_a_k_z_d_and_the_input_gradient(classic):
    tex = classic.to_latex()
    assert (
        r"A = \begin{bmatrix} A_{00} & A_{01} & A_{02} & A_{03} \\ A_{10} & A_{11} & A_{12} & "
        r"A_{13} \\ A_{20} & A_{21} & A_{22} & A_{23} \\ A_{30} & A_{31} & A_{32} & A_{33} "
        r"\end{bmatrix}"
    ) in tex
    assert r"K = \begin{bmatrix} K_{00} & K_{01} \\ K_{10} & K_{11} \end{bmatrix}" in tex
    assert r"Z = \begin{bmatrix} Z_{00} & Z_{01} & Z_{02}" in tex
    assert r"D = \begin{bmatrix} D_{00} & D_{01} & D_{02}" in tex
    # the input gradient is a matrix of the derived expansions, not a column of 16 lines
    assert r"\frac{\partial E}{\partial A} = \begin{bmatrix} K_{00} D_{00} & " in tex
    assert "\n" + r"\frac{\partial E}{\partial A_{00}} &=" not in tex
    row = r"\begin{array}{l} K_{11} D_{00} + K_{10} D_{01} \\ {}+ K_{01} D_{10} + K_{00} D_{11} \end{array}"
    assert row in tex  # dE/dA_11, laid out in its cell


def test_window_is_the_padded_delta_under_the_flipped_kernel(classic):
    (input_section,) = [
        s for s in _section(classic, "elements") if s["heading"] == "Input gradient"
    ]
    (window,) = [x for x in input_section["after"] if x["kind"] == "window"]
    assert window["kernel"] == r"\operatorname{rot180}(K)"
    assert window["kernel_matrix"] == r"\begin{bmatrix} K_{11} & K_{10} \\ K_{01} & K_{00} \end{bmatrix}"
    assert window["window"] == r"\begin{bmatrix} D_{00} & D_{01} \\ D_{10} & D_{11} \end{bmatrix}"
    assert window["lhs"] == r"\frac{\partial E}{\partial A_{11}}"
    assert window["sum"] == "K_{11} D_{00} + K_{10} D_{01} + K_{01} D_{10} + K_{00} D_{11}"


def test_window_of_the_convolution_convention_keeps_the_kernel(classic_convolution):
    (input_section,) = [
        s for s in _section(classic_convolution, "elements") if s["heading"] == "Input gradient"
    ]
    (window,) = [x for x in input_section["after"] if x["kind"] == "window"]
    assert window["kernel"] == "K"
    assert window["sum"] == "K_{00} D_{00} + K_{01} D_{01} + K_{10} D_{10} + K_{11} D_{11}"


def test_references_cite_the_sources(classic):
    (refs,) = _section(classic, "references")
    text = " ".join(refs["entries"])
    for source in (
        "“CNN: derivatives of the kernel and the bias” (a blog post in\nChinese, 8 July 2016",
        "“Classic convolutional networks: ResNet”",
        "Bouvrie. *Notes on Convolutional Neural Networks.* MIT, 2006",
        "Dumoulin and F. Visin. *A guide to convolution arithmetic for deep learning.*",
        "torch.nn.Conv2d",
    ):
        assert source in text
