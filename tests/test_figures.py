"""Figures drawn from the derivation's own data: what they highlight is checked against
the derived gradients' terms (a different path through the data than the builders read),
against hand transcriptions of the notes, and against PyTorch; the TikZ and SVG texts are
exact, well-formed, deterministic, and compile in a sheet."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from functools import cache
from itertools import product

import pytest

import symderiv
from symderiv.core.symbols import parse_name
from symderiv.exceptions import SpecError, SpecTypeError
from symderiv.figures import (
    Arrow,
    Box,
    Cell,
    Figure,
    Grid,
    Label,
    Outline,
    Text,
    kernel_cells,
    max_switches,
    network,
    padded_delta,
    pool_windows,
    render_svg,
    render_tikz,
    windows,
)
from symderiv.figures.layout import element_text
from symderiv.figures.sheet import (
    companion_files,
    default_figures,
    figure_names,
    sheet_figures,
)

from .conftest import needs_latex

LAYERS = {
    "classic": lambda: symderiv.conv2d(),
    "convolution": lambda: symderiv.conv2d(convention="convolution"),
    "strided": lambda: symderiv.conv2d(input=(6, 6), kernel=(3, 3), stride=2, padding=1),
    "dilated": lambda: symderiv.conv2d(input=(5, 5), kernel=(2, 2), dilation=2),
    "grouped": lambda: symderiv.conv2d(
        input=(3, 3), kernel=(2, 2), in_channels=4, out_channels=2, groups=2
    ),
    "batch": lambda: symderiv.conv2d(
        input=(3, 3), kernel=(2, 2), in_channels=2, out_channels=2, batch=2
    ),
    "conv1d": lambda: symderiv.conv1d(input=8, kernel=3, stride=3),
    "conv1d_padded": lambda: symderiv.conv1d(input=5, kernel=3, padding=1, dilation=2),
    "rect": lambda: symderiv.conv2d(
        input=(4, 5), kernel=(2, 3), stride=(2, 1), padding=(1, 0), convention="convolution"
    ),
    "transposed": lambda: symderiv.conv_transpose2d(
        input=(3, 3), kernel=(3, 3), stride=2, padding=1, output_padding=1
    ),
    "avg": lambda: symderiv.avg_pool2d(),
    "avg_overlap": lambda: symderiv.avg_pool2d(input=(5, 5), kernel=3, stride=2),
    "avg1d": lambda: symderiv.avg_pool1d(input=8, kernel=3, stride=2, padding=1),
    "max_first": lambda: symderiv.max_pool2d(input=(4, 4), kernel=2, seed=3, ties="first"),
    "max_split": lambda: symderiv.max_pool2d(input=(4, 4), kernel=2, seed=3, ties="split"),
}
CONV = [k for k in LAYERS if not k.startswith(("avg", "max"))]
DIRECT = [k for k in CONV if k != "transposed"]


@cache
def derived(name: str) -> symderiv.Derivation:
    return LAYERS[name]().derive()


def _symbols(expr_terms, letter: str) -> set[tuple[int, ...]]:
    return {
        parse_name(str(f))[1]
        for t in expr_terms
        for f in t.factors
        if parse_name(str(f))[0] == letter
    }


def _pairs(terms, a: str, b: str) -> dict[tuple[int, ...], set[tuple[int, ...]]]:
    """For each ``a`` element in the terms, the ``b`` elements it is multiplied by."""
    out: dict[tuple[int, ...], set[tuple[int, ...]]] = {}
    for t in terms:
        names = {parse_name(str(f))[0]: parse_name(str(f))[1] for f in t.factors}
        if a in names and b in names:
            out.setdefault(names[a], set()).add(names[b])
    return out


def _same_text(t: Text | None, d, letter: str, index: tuple[int, ...]) -> bool:
    want = element_text(d.notation, letter, index, maps=False)  # in a map's grid
    return t is not None and (t.base, t.sub, t.sup) == (want.base, want.sub, want.sup)


# --------------------------------------------------------------------------- windows


@pytest.mark.parametrize("name", CONV)
def test_each_window_is_the_inputs_whose_gradient_holds_that_outputs_delta(name):
    """Panel Z_u shades A_i exactly when dE/dA_i has a term D_u·K_p, labelled K_p."""
    d = derived(name)
    D = d.tensor("D")
    for u in product(*(range(n) for n in D.shape[2:])):
        fig = windows(d, outputs=[u])
        delta = (0, 0, *u)
        expected = {}
        for g in d.gradients_of("A"):
            if g.index[:2] != (0, 0):
                continue
            kernels = _pairs(g.terms, "D", "K").get(delta, set())
            if kernels:
                (k,) = kernels
                expected[g.index] = k
        assert set(fig.highlighted(0)) == set(expected), (name, u)
        for cell in fig.grids[0].styled("read"):
            assert _same_text(cell.text, d, "K", expected[cell.element]), (name, u, cell)


def test_the_classic_windows_are_the_notes_forward_equations():
    # B00 = A00K00 + A01K01 + A10K10 + A11K11 (the notes' eq. 7); B12 reads A12, A13, A22, A23
    fig = windows(derived("classic"), outputs=[(0, 0), (1, 2)])
    assert fig.highlighted(0) == ((0, 0, 0, 0), (0, 0, 0, 1), (0, 0, 1, 0), (0, 0, 1, 1))
    assert fig.highlighted(1) == ((0, 0, 1, 2), (0, 0, 1, 3), (0, 0, 2, 2), (0, 0, 2, 3))
    assert [c.text.plain() for c in fig.grids[0].styled("read")] == [
        "K_00",
        "K_01",
        "K_10",
        "K_11",
    ]
    assert [g.title.plain() for g in fig.grids] == ["Z_00", "Z_12"]


def test_many_outputs_are_picked_first_middle_last_per_axis():
    d = symderiv.conv2d(input=(6, 6), kernel=(2, 2)).derive()  # 5×5 outputs
    titles = [g.title.plain() for g in windows(d).grids]
    assert titles == ["Z_00", "Z_02", "Z_04", "Z_20", "Z_22", "Z_24", "Z_40", "Z_42", "Z_44"]


def test_padding_is_drawn_around_the_input_and_never_shaded():
    fig = windows(derived("strided"), outputs=[(0, 0)])
    grid = fig.grids[0]
    assert (grid.rows, grid.cols) == (8, 8)  # 6×6 and a border of 1
    pads = grid.styled("pad")
    assert len(pads) == 8 * 8 - 6 * 6
    assert all(c.element is None for c in pads)
    # Z00 reads A[-1..1, -1..1]: only the four cells inside the input, with K11 K12 K21 K22
    assert fig.highlighted(0) == ((0, 0, 0, 0), (0, 0, 0, 1), (0, 0, 1, 0), (0, 0, 1, 1))
    assert [c.text.plain() for c in grid.styled("read")] == ["K_11", "K_12", "K_21", "K_22"]


# --------------------------------------------------------------------------- kernel cells


@pytest.mark.parametrize("name", CONV)
def test_each_kernel_panel_is_the_a_factors_of_that_kernel_gradient(name):
    """Panel K_p shades exactly the A elements of dE/dK_p's terms (first maps), each with
    the D it is multiplied by there."""
    d = derived(name)
    for g in d.gradients_of("K"):
        if g.index[:2] != (0, 0):
            continue
        fig = kernel_cells(d, kernel=[g.index[2:]])
        pairs = {a: ds for a, ds in _pairs(g.terms, "A", "D").items() if a[:2] == (0, 0)}
        assert set(fig.highlighted(0)) == set(pairs), (name, g.index)
        for cell in fig.grids[0].styled("read"):
            (delta,) = pairs[cell.element]
            assert _same_text(cell.note, d, "D", delta)
            assert _same_text(cell.text, d, "A", cell.element)


def test_the_classic_k01_panel_is_the_notes_expansion():
    # the notes' K'01 = A01·D00 + A02·D01 + A03·D02 + A11·D10 + … + A23·D22
    fig = kernel_cells(derived("classic"), kernel=[(0, 1)])
    assert fig.highlighted(0) == tuple(
        (0, 0, i, j)
        for i, j in ((0, 1), (0, 2), (0, 3), (1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3))
    )
    assert [c.note.plain() for c in fig.grids[0].styled("read")] == [
        f"D_{u}{v}" for u in range(3) for v in range(3)
    ]


# --------------------------------------------------------------------------- padded delta


@pytest.mark.parametrize("name", DIRECT)
def test_the_padded_delta_shades_the_deltas_of_each_input_gradient(name):
    """For every input element: the shaded cells are the D factors of dE/dA_i (first maps),
    the red kernel element in each is the K it is multiplied by, and the grid is the
    derivation's own delta map."""
    d = derived(name)
    rows = next(m for m in d.delta_maps if m.delta_map == (0, 0)).rows
    for g in d.gradients_of("A"):
        if g.index[:2] != (0, 0):
            continue
        fig = padded_delta(d, inputs=[g.index[2:]])
        grid = fig.grids[0]
        pairs = {x: ks for x, ks in _pairs(g.terms, "D", "K").items() if x[:2] == (0, 0)}
        pairs = {x: {k for k in ks if k[:2] == (0, 0)} for x, ks in pairs.items()}
        pairs = {x: ks for x, ks in pairs.items() if ks}
        assert set(fig.highlighted(0)) == set(pairs), (name, g.index)
        for cell in grid.styled("read"):
            (kernel,) = pairs[cell.element]
            assert _same_text(cell.note, d, "K", kernel)
        for cell in grid.cells:
            x = rows[cell.row][cell.col]
            if x == 0:
                assert cell.style == "zero"
                assert cell.text.plain() == "0"
            else:
                assert cell.element == parse_name(str(x))[1]


def test_the_classic_kernel_slides_flipped_and_unflipped_in_the_other_convention():
    cells = ((1, 1), (1, 2), (2, 1), (2, 2))  # D00 D01 D10 D11 in the 5×5 padded delta
    for name, kernels in (
        ("classic", ["K_11", "K_10", "K_01", "K_00"]),
        ("convolution", ["K_00", "K_01", "K_10", "K_11"]),
    ):
        fig = padded_delta(derived(name), inputs=[(1, 1)])
        grid = fig.grids[0]
        assert [(c.row, c.col) for c in grid.styled("read")] == list(cells)
        assert [grid.cell(r, c).note.plain() for r, c in cells] == kernels
        assert fig.outlines == (Outline(0, 1, 1, 2, 2, "kernel"),)


def test_the_strided_delta_has_zeros_inserted_and_the_kernel_outline_covers_its_reach():
    fig = padded_delta(derived("strided"), inputs=[(0, 0)])
    grid = fig.grids[0]
    assert (grid.rows, grid.cols) == (10, 10)  # 3×3 → 5×5 inserted, border 2, trailing 1
    assert len(grid.styled("zero")) == 100 - 9
    assert fig.outlines[0].rows == fig.outlines[0].cols == 3


def test_no_padded_delta_for_a_transposed_layer():
    with pytest.raises(ValueError, match="direct 1-D and 2-D convolutions"):
        padded_delta(derived("transposed"))


# --------------------------------------------------------------------------- pooling


def test_tiling_windows_are_outlined_on_one_grid_beside_the_outputs():
    d = derived("avg")
    fig = pool_windows(d)
    a, z = fig.grids
    assert (a.tensor, z.tensor) == ("A", "Z")
    assert [(o.row, o.col, o.rows, o.cols) for o in fig.outlines] == [
        (0, 0, 2, 2),
        (0, 2, 2, 2),
        (2, 0, 2, 2),
        (2, 2, 2, 2),
    ]
    # each outline holds exactly the inputs whose gradient holds that output's delta
    for o, u in zip(fig.outlines, product(range(2), range(2)), strict=True):
        inside = {
            (0, 0, r, c) for r in range(o.row, o.row + o.rows) for c in range(o.col, o.col + o.cols)
        }
        receives = {g.index for g in d.gradients_of("A") if (0, 0, *u) in _symbols(g.terms, "D")}
        assert inside == receives
    assert [c.style for c in z.cells] == ["out0", "out1", "out2", "out3"]


@pytest.mark.parametrize("name", ["avg_overlap", "avg1d"])
def test_overlapping_pool_windows_are_drawn_one_panel_per_output(name):
    d = derived(name)
    fig = pool_windows(d)
    D = d.tensor("D")
    outputs = list(product(*(range(n) for n in D.shape[2:])))
    assert len(fig.grids) == len(outputs)
    for k, u in enumerate(outputs):
        receives = {g.index for g in d.gradients_of("A") if (0, 0, *u) in _symbols(g.terms, "D")}
        assert set(fig.highlighted(k)) == receives


@pytest.mark.parametrize(
    ("name", "notes"),
    [
        ("max_first", {(0, 0): "D_00", (1, 2): "D_01", (3, 0): "D_10", (2, 2): "D_11"}),
        (
            "max_split",
            {
                (0, 0): "½D_00",
                (1, 1): "½D_00",
                (1, 2): "D_01",
                (3, 0): "D_10",
                (2, 2): "⅓D_11",
                (2, 3): "⅓D_11",
                (3, 2): "⅓D_11",
            },
        ),
    ],
)
def test_max_pool_switches_shade_the_cells_that_receive_a_delta(name, notes):
    """Seed 3 (A = [[3,0,0,0],[0,3,3,2],[0,0,1,1],[2,1,1,0]]): a two-way and a three-way
    tie; the receiving cells are those whose derived gradient is not zero."""
    d = derived(name)
    fig = max_switches(d)
    a = fig.grids[0]
    assert [c.text.plain() for c in a.cells] == list("3000033200112110")
    nonzero = {g.index for g in d.gradients_of("A") if g.terms}
    assert set(fig.highlighted(0, "win")) == nonzero
    shown = {c.element[2:]: c.note.plain() for c in a.styled("win")}
    assert shown == notes
    ties = {c.element[2:] for c in a.styled("tie")}
    assert ties == ({(1, 1), (2, 3), (3, 2)} if name == "max_first" else set())
    assert [c.text.plain() for c in fig.grids[1].cells] == ["3", "3", "2", "1"]


def test_max_pool_winners_are_pytorchs():
    torch = pytest.importorskip("torch")
    d = derived("max_first")
    values = torch.tensor(d.layer.a_values.astype(float)).reshape(1, 1, 4, 4)
    _, indices = torch.nn.functional.max_pool2d(values, 2, return_indices=True)
    winners = {(0, 0, int(i) // 4, int(i) % 4) for i in indices.flatten()}
    assert set(max_switches(d).highlighted(0, "win")) == winners


# --------------------------------------------------------------------------- exact text

HAND = Figure(
    name="hand",
    caption="c",
    alt="A hand-made figure & <all> its parts",
    unit=0.5,
    width=6,
    height=3,
    grids=(
        Grid(
            0,
            1,
            1,
            2,
            "A",
            (
                Cell(
                    0,
                    0,
                    "read",
                    Text("A", sub="0"),
                    Text("D", sub="1", size="tiny", style="accent"),
                ),
                Cell(0, 1, "zero", Text("-3", size="script", style="muted")),
            ),
            Text("K", sub="01", sup="(1)"),
        ),
    ),
    outlines=(Outline(0, 0, 0, 1, 2, "kernel", inset=0.1),),
    arrows=(Arrow(((2.5, 1.5), (4, 1.5), (4, 2.5))),),
    boxes=(Box(4.5, 0, 1.5, 1),),
    labels=(Label(5.25, 0.5, Text("50% & <x>_y", math=False, size="small", style="strong")),),
)

HAND_TIKZ = r"""\begin{tikzpicture}[x=0.5cm,
  y=-0.5cm,
  line join=round,
  sd c read/.style={fill={rgb,255:red,204;green,217;blue,242},draw={rgb,255:red,128;green,128;blue,128},line width=0.4pt},
  sd c zero/.style={fill={rgb,255:red,235;green,235;blue,235},draw={rgb,255:red,128;green,128;blue,128},line width=0.4pt},
  sd o kernel/.style={draw={rgb,255:red,179;green,36;blue,36},line width=1.4pt,dash pattern=on 2pt off 1.5pt},
  sd a plain/.style={draw={rgb,255:red,0;green,0;blue,0},line width=0.6pt},
  sd b layer/.style={fill={rgb,255:red,236;green,241;blue,250},draw={rgb,255:red,38;green,84;blue,166},line width=0.8pt,rounded corners=2pt},
  sd t small strong/.style={font=\footnotesize,text={rgb,255:red,38;green,84;blue,166},inner sep=0pt},
  sd t script plain/.style={font=\scriptsize,text={rgb,255:red,0;green,0;blue,0},inner sep=0pt},
  sd t script muted/.style={font=\scriptsize,text={rgb,255:red,128;green,128;blue,128},inner sep=0pt},
  sd t tiny accent/.style={font=\tiny,text={rgb,255:red,179;green,36;blue,36},inner sep=0pt}]
\filldraw[sd c read] (0,1) rectangle ++(1,1);
\filldraw[sd c zero] (1,1) rectangle ++(1,1);
\node[sd t script plain] at (0.5,1.4) {$A_{0}$};
\node[sd t tiny accent,anchor=south east] at (0.9,1.9) {$D_{1}$};
\node[sd t script muted] at (1.5,1.5) {$-3$};
\node[sd t script plain,anchor=south] at (1,0.75) {$K^{(1)}_{01}$};
\draw[sd o kernel] (0.1,1.1) rectangle ++(1.8,0.8);
\filldraw[sd b layer] (4.5,0) rectangle ++(1.5,1);
\draw[sd a plain,-stealth] (2.5,1.5) -- (4,1.5) -- (4,2.5);
\node[sd t small strong] at (5.25,0.5) {50\% \& \textless{}x\textgreater{}\_y};
\end{tikzpicture}
"""

HAND_SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="249.44" height="136.06" viewBox="0 0 124.72 68.03" font-family="serif">
<title>A hand-made figure &amp; &lt;all&gt; its parts</title>
<defs>
<marker id="head-plain" viewBox="0 0 6 4" refX="6" refY="2" markerUnits="userSpaceOnUse" markerWidth="6" markerHeight="4" orient="auto"><path d="M0,0 L6,2 L0,4 L1.8,2 z" fill="#000000"/></marker>
</defs>
<rect x="0" y="0" width="124.72" height="68.03" fill="#ffffff"/>
<rect x="5.67" y="24.57" width="18.9" height="18.9" fill="#ccd9f2" stroke="#808080" stroke-width="0.53"/>
<rect x="24.57" y="24.57" width="18.9" height="18.9" fill="#ebebeb" stroke="#808080" stroke-width="0.53"/>
<text x="15.12" y="35.4" font-size="9.33" fill="#000000" text-anchor="middle"><tspan font-style="italic">A</tspan><tspan dy="1.87" font-size="6.53">0</tspan></text>
<text x="22.68" y="40.24" font-size="6.67" fill="#b32424" text-anchor="end"><tspan font-style="italic">D</tspan><tspan dy="1.33" font-size="4.67">1</tspan></text>
<text x="34.02" y="37.29" font-size="9.33" fill="#808080" text-anchor="middle">−3</text>
<text x="24.57" y="17.97" font-size="9.33" fill="#000000" text-anchor="middle"><tspan font-style="italic">K</tspan><tspan dy="-3.27" font-size="6.53">(1)</tspan><tspan dy="5.13" font-size="6.53">01</tspan></text>
<rect x="7.56" y="26.46" width="34.02" height="15.12" fill="none" stroke="#b32424" stroke-width="1.87" stroke-dasharray="2.67 2"/>
<rect x="90.71" y="5.67" width="28.35" height="18.9" rx="2.67" fill="#ecf1fa" stroke="#2654a6" stroke-width="1.07"/>
<polyline points="52.91,34.02 81.26,34.02 81.26,52.91" fill="none" stroke="#000000" stroke-width="0.8" marker-end="url(#head-plain)"/>
<text x="104.88" y="18.85" font-size="10.67" fill="#2654a6" text-anchor="middle">50% &amp; &lt;x&gt;_y</text>
</svg>
"""

CONV1D = lambda: symderiv.conv1d(input=3, kernel=2)  # noqa: E731

CONV1D_TIKZ = r"""\begin{tikzpicture}[x=0.7cm,
  y=-0.7cm,
  line join=round,
  sd c plain/.style={fill={rgb,255:red,255;green,255;blue,255},draw={rgb,255:red,128;green,128;blue,128},line width=0.4pt},
  sd c read/.style={fill={rgb,255:red,204;green,217;blue,242},draw={rgb,255:red,128;green,128;blue,128},line width=0.4pt},
  sd t script plain/.style={font=\scriptsize,text={rgb,255:red,0;green,0;blue,0},inner sep=0pt},
  sd t tiny accent/.style={font=\tiny,text={rgb,255:red,179;green,36;blue,36},inner sep=0pt}]
\filldraw[sd c read] (0,1) rectangle ++(1,1);
\filldraw[sd c read] (1,1) rectangle ++(1,1);
\filldraw[sd c plain] (2,1) rectangle ++(1,1);
\node[sd t script plain] at (0.5,1.4) {$A_{0}$};
\node[sd t tiny accent,anchor=south east] at (0.9,1.9) {$D_{0}$};
\node[sd t script plain] at (1.5,1.4) {$A_{1}$};
\node[sd t tiny accent,anchor=south east] at (1.9,1.9) {$D_{1}$};
\node[sd t script plain,anchor=south] at (1.5,0.75) {$K_{0}$};
\filldraw[sd c plain] (4,1) rectangle ++(1,1);
\filldraw[sd c read] (5,1) rectangle ++(1,1);
\filldraw[sd c read] (6,1) rectangle ++(1,1);
\node[sd t script plain] at (5.5,1.4) {$A_{1}$};
\node[sd t tiny accent,anchor=south east] at (5.9,1.9) {$D_{0}$};
\node[sd t script plain] at (6.5,1.4) {$A_{2}$};
\node[sd t tiny accent,anchor=south east] at (6.9,1.9) {$D_{1}$};
\node[sd t script plain,anchor=south] at (5.5,0.75) {$K_{1}$};
\end{tikzpicture}
"""


@pytest.mark.parametrize(
    ("make", "tikz"),
    [(lambda: HAND, HAND_TIKZ), (lambda: kernel_cells(CONV1D().derive()), CONV1D_TIKZ)],
    ids=["hand", "conv1d-kernel-cells"],
)
def test_tikz_text_is_exact(make, tikz):
    assert render_tikz(make()) == tikz


def test_svg_text_is_exact():
    assert render_svg(HAND, header=False) == HAND_SVG
    header = render_svg(HAND).split("\n", 1)[0]
    assert re.fullmatch(r"<!-- generated by symderiv \S+; do not edit -->", header)


def test_conv1d_kernel_cells_svg_draws_what_the_tikz_draws():
    fig = kernel_cells(CONV1D().derive())
    root = ET.fromstring(render_svg(fig, header=False))
    ns = "{http://www.w3.org/2000/svg}"
    cells = [r for r in root.iter(f"{ns}rect") if r.get("stroke") == "#808080"]
    assert [r.get("fill") for r in cells] == [
        "#ccd9f2",
        "#ccd9f2",
        "#ffffff",
        "#ffffff",
        "#ccd9f2",
        "#ccd9f2",
    ]
    texts = ["".join(t.itertext()) for t in root.iter(f"{ns}text")]
    assert texts == ["A0", "D0", "A1", "D1", "K0", "A1", "D0", "A2", "D1", "K1"]


# --------------------------------------------------------------------------- well-formed SVG

_FORBIDDEN = {"image", "script", "foreignObject", "style", "a", "use", "iframe"}


@pytest.mark.parametrize("name", list(LAYERS))
def test_every_svg_is_well_formed_standalone_and_deterministic(name):
    d = derived(name)
    files = companion_files(d, figures=True)
    assert list(files) == [f"{d.layer.label()}.{n}.svg" for n in figure_names(d.layer)]
    again = companion_files(LAYERS[name]().derive(), figures=True)
    assert again == files  # a fresh derivation gives the same bytes
    for data in files.values():
        text = data.decode()
        assert text.startswith("<!-- generated by symderiv ")
        root = ET.fromstring(text)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        tags = {el.tag.split("}")[1] for el in root.iter()}
        assert not tags & _FORBIDDEN
        for el in root.iter():
            for key, value in el.attrib.items():
                assert "href" not in key
                assert "url(" not in value or re.fullmatch(r"url\(#head-\w+\)", value)
        assert "http" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    for fig in sheet_figures(d):
        assert render_tikz(fig) == render_tikz(fig)


# --------------------------------------------------------------------------- network


def test_network_boxes_arrows_and_shapes():
    fig = network(
        [
            ("input", "input", (1, 1, 8, 8)),
            ("conv1", "conv2d", (1, 2, 6, 6)),
            ("pool1", "max_pool2d", (1, 2, 3, 3)),
            ("fc", "linear", (1, 10)),
            ("loss", "softmax_cross_entropy", (1,)),
        ]
    )
    assert len(fig.boxes) == 5
    assert [b.style for b in fig.boxes] == ["layer"] * 4 + ["loss"]
    assert len(fig.arrows) == 4
    assert len(fig.arrows[3].points) == 4  # the fifth box starts a new row
    texts = [label.text.plain() for label in fig.labels]
    assert "1×2×6×6" in texts
    assert "max_pool2d" in texts
    assert fig.width * fig.unit <= 16


INJECTION = r"100% of \input{/etc/passwd} & more_ <script>"


def test_network_names_are_text_in_tikz_and_svg():
    fig = network([(INJECTION, "conv2d", (1, 1, 3, 3)), ("b", "relu", (1, 1, 3, 3))])
    tikz = render_tikz(fig)
    assert r"\input" not in tikz
    assert "\\textbackslash{}input" in tikz
    assert r"100\%" in tikz
    assert r"\&" in tikz
    assert r"more\_" in tikz
    svg = render_svg(fig)
    ET.fromstring(svg)
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert r"\textless{}script\textgreater{}" in tikz


@pytest.mark.parametrize(
    ("layers", "error", "message"),
    [
        ([], SpecError, "layers []: expected at least one (name, kind, shape) tuple"),
        ("conv", SpecTypeError, "layers 'conv': expected a list of (name, kind, shape) tuples"),
        (
            [("a", "conv2d")],
            SpecTypeError,
            "layers[0] ('a', 'conv2d'): expected (name, kind, shape), such as ('conv1', 'conv2d', (1, 1, 3, 3))",
        ),
        (
            [("a", "conv2d", (1, 0))],
            SpecError,
            "layers[0] shape (1, 0): expected positive integers, such as (1, 1, 3, 3)",
        ),
    ],
)
def test_network_refuses_what_is_not_a_list_of_layers(layers, error, message):
    with pytest.raises(error) as info:
        network(layers)
    assert str(info.value) == message


# --------------------------------------------------------------------------- the default


@pytest.mark.parametrize(
    ("layer", "on"),
    [
        (symderiv.conv2d(), True),
        (symderiv.conv2d(input=(10, 10), kernel=(3, 3)), True),  # delta read 10 + 2 = 12
        (symderiv.conv2d(input=(11, 11), kernel=(3, 3)), False),  # 13 cells
        (symderiv.conv2d(input=(6, 6), kernel=(3, 3), dilation=2, padding=1), True),  # 6+2+4
        (symderiv.conv2d(input=(6, 6), kernel=(3, 3), dilation=3, padding=1), False),  # 6+2+6
        (symderiv.conv1d(input=22, kernel=3), True),
        (symderiv.conv1d(input=23, kernel=3), False),
        (symderiv.conv3d(), False),
        (symderiv.conv_transpose2d(), True),
        (symderiv.avg_pool2d(input=(12, 12), kernel=2), True),
        (symderiv.avg_pool2d(input=(13, 13), kernel=2), False),
        (symderiv.max_pool1d(), True),
        (symderiv.linear(), False),
        (symderiv.sigmoid(), False),
    ],
)
def test_figures_are_on_by_default_for_small_1d_and_2d_conv_and_pool_layers(layer, on):
    assert default_figures(layer) is on


# --------------------------------------------------------------------------- in a sheet


def _pdf_text(pdf: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


LEADS = {
    "windows": "The forward pass above, drawn.",
    "kernel-cells": "The contribution table above, drawn.",
    "padded-delta": "The padded delta above, drawn.",
    "switches": "The switches above, drawn.",
}


@pytest.mark.latex
@needs_latex
@pytest.mark.parametrize("name", ["classic", "strided", "conv1d", "transposed", "avg", "max_first"])
def test_the_tikz_compiles_in_the_sheet_without_errors_or_overfull_boxes(name, tmp_path):
    from symderiv.latex import compile_pdf, log_problems

    d = derived(name)
    tex = d.to_latex()
    assert r"\usepackage{tikz}" in tex
    assert tex.count(r"\begin{tikzpicture}") == len(figure_names(d.layer))
    build = compile_pdf(tex)  # raises on any error or overfull box
    assert log_problems(build.log) == []
    text = " ".join(_pdf_text(build.pdf, tmp_path).split())
    # each figure's caption opens with the words naming the text it follows
    leads = [LEADS[n] for n in figure_names(d.layer)]
    if name in ("strided", "conv1d"):  # a stride: the delta is zero-inserted too
        leads[-1] = "The zero-inserted, padded delta above, drawn."
    where = [text.index(lead) for lead in leads]
    assert where == sorted(where)
    assert "Drawn from the derivation" in text


@pytest.mark.latex
@needs_latex
def test_a_network_figure_with_the_injection_compiles_and_prints_literally(tmp_path):
    from symderiv.latex import compile_pdf

    fig = network([(INJECTION, "conv2d", (1, 1, 3, 3))])
    tex = (
        "\\documentclass{article}\n\\usepackage{tikz}\n\\begin{document}\n"
        + render_tikz(fig)
        + "\\end{document}\n"
    )
    text = "".join(_pdf_text(compile_pdf(tex).pdf, tmp_path).split())
    # every character but the underscore, which OT1 draws as a rule (no text to extract)
    assert "100%of\\input{/etc/passwd}&more<script>" in text


def test_sheets_without_figures_load_no_tikz():
    d = derived("classic")
    assert r"\usepackage{tikz}" not in d.to_latex(figures=False)
    assert "tikzpicture" not in d.to_latex(figures=False)
    assert ".svg)" not in d.to_markdown(figures=False)
    assert companion_files(d, figures=False) == {}
    lin = symderiv.linear().derive()
    assert r"\usepackage{tikz}" not in lin.to_latex()
    with pytest.raises(SpecError, match="linear has no figures"):
        lin.to_latex(figures=True)


def test_the_markdown_links_each_svg_with_its_alt_text_escaped():
    d = derived("classic")
    md = d.to_markdown(stem="notes")
    links = re.findall(r"!\[((?:[^\]\\]|\\.)*)\]\(([^)]+)\)", md)
    assert [file for _, file in links] == [
        "notes.windows.svg",
        "notes.kernel-cells.svg",
        "notes.padded-delta.svg",
    ]
    assert links[0][0].startswith(
        r"The input grid with the window each output reads: Z\_00 reads A\_00"
    )
    assert set(companion_files(d, stem="notes")) == {file for _, file in links}


# --------------------------------------------------------------------------- command line


@pytest.fixture
def run(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from symderiv.cli import cli

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return invoke


def _files(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


STEM = "conv2d_4x4_k2x2_correlation"
SVGS = [f"out/{STEM}.{name}.svg" for name in ("kernel-cells", "padded-delta", "windows")]


def test_the_svg_files_are_written_with_the_sheets_and_replaced_in_place(run, tmp_path):
    result = run("derive", "--format", "tex,md", "--output", "out")
    assert result.exit_code == 0, result.output
    assert _files(tmp_path) == sorted([f"out/{STEM}.md", f"out/{STEM}.tex", *SVGS])
    before = {p: (tmp_path / p).read_bytes() for p in _files(tmp_path)}
    assert run("derive", "--format", "tex,md", "--output", "out").exit_code == 0
    assert {p: (tmp_path / p).read_bytes() for p in _files(tmp_path)} == before


def test_a_foreign_file_where_a_figure_goes_stops_the_whole_run(run, tmp_path):
    (tmp_path / "out").mkdir()
    foreign = tmp_path / SVGS[1]
    foreign.write_text("<svg>mine</svg>")
    result = run("derive", "--format", "tex,md", "--output", "out")
    assert result.exit_code == 2
    assert result.stderr == (
        f"symderiv: error: output {SVGS[1]!r} exists and was not written by symderiv; "
        "pass --force to overwrite it\n"
    )
    assert _files(tmp_path) == [SVGS[1]]  # no sheet without its figures
    assert foreign.read_text() == "<svg>mine</svg>"


def test_no_figures_writes_no_svg_and_no_tikz(run, tmp_path):
    assert run("derive", "--no-figures", "--format", "tex,md", "--output", "out").exit_code == 0
    assert _files(tmp_path) == [f"out/{STEM}.md", f"out/{STEM}.tex"]
    assert "tikz" not in (tmp_path / f"out/{STEM}.tex").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["conv3d", "--figures"],
            "--figures: conv3d has no figures; symderiv draws them for 1-D and 2-D convolution "
            "and pooling layers (conv1d, conv2d, conv_transpose1d, conv_transpose2d, "
            "avg_pool1d/2d, max_pool1d/2d)",
        ),
        (
            ["conv2d", "--figures", "--format", "md", "--output", "-"],
            "--figures with --format md --output '-': the Markdown sheet's figures are SVG "
            "files written beside it; name a file or folder with --output, or pass --no-figures",
        ),
    ],
)
def test_figures_that_cannot_be_drawn_are_refused(run, tmp_path, args, message):
    result = run("derive", *args)
    assert result.exit_code == 2
    assert result.stderr == f"symderiv: error: {message}\n"
    assert _files(tmp_path) == []


def test_markdown_on_stdout_goes_without_figures_by_default(run, tmp_path):
    result = run("derive", "--format", "md", "--output", "-")
    assert result.exit_code == 0
    assert "## Figures" not in result.stdout
    assert _files(tmp_path) == []
    tex = run("derive", "--format", "tex", "--output", "-").stdout
    assert tex.count(r"\begin{tikzpicture}") == 3


# --------------------------------------------------------------------------- languages, detail


def test_summaries_and_fragments_have_no_figures_unless_asked():
    d = derived("classic")
    assert "tikzpicture" not in d.to_latex(detail="summary")
    assert ".svg)" not in d.to_markdown(detail="summary")
    fragment = d.to_latex(fragment=True)
    assert "tikzpicture" not in fragment
    asked = d.to_latex(fragment=True, figures=True)
    assert asked.count(r"\begin{tikzpicture}") == 3
    assert "% Its figures need: \\usepackage{tikz}." in asked.splitlines()[:8]


def test_the_chinese_sheet_captions_its_figures_in_chinese():
    d = derived("classic")
    md = d.to_markdown(lang="zh")
    assert "**图：上面的前向传播。**每幅小图画出输入 $`A`$；着色的格子是图上方所标输出读取的元素" in md
    svgs = companion_files(d, lang="zh")
    title = ET.fromstring(svgs[f"{d.layer.label()}.windows.svg"]).find(
        "{http://www.w3.org/2000/svg}title"
    )
    assert title is not None
    assert title.text.startswith("输入网格与每个输出读取的窗口：Z_00 读取 A_00, A_01, A_10, A_11")
    # the picture itself is the same in both languages
    en = render_tikz(kernel_cells(d)).split("\n")
    zh = render_tikz(kernel_cells(d, lang="zh")).split("\n")
    assert en == zh


@pytest.mark.latex
@pytest.mark.skipif(shutil.which("xelatex") is None, reason="xelatex is not installed")
def test_the_chinese_sheet_with_figures_compiles_with_xelatex(tmp_path):
    from symderiv.latex import compile_pdf

    d = derived("max_split")
    build = compile_pdf(d.to_latex(lang="zh"), engine="xelatex")
    text = " ".join(_pdf_text(build.pdf, tmp_path).split())
    assert "图：上面的开关。" in text
    assert "深色格子接收其窗口的误差项" in text.replace(" ", "")
