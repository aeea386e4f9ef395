"""Every convolution a real network uses: stride, padding, dilation, groups, 1-D/3-D, transposed."""

from __future__ import annotations

import itertools
import json

import pytest
import sympy
from click.testing import CliRunner

import symderiv
from symderiv.cli import cli
from symderiv.layers.conv.sheet import ConvSheet, definition_latex, size_rules
from symderiv.render.printing import SheetTextPrinter
from symderiv.render.sheet import SheetView


def _formulas(d):
    return [(c.of, c.stated_in, c.holds, c.formula.text()) for c in d.closed_forms]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            symderiv.conv2d(input=(6, 6), kernel=(3, 3), stride=2, padding=1),
            [
                ("K", "correlation", True, "crop(xcorr(pad(A, 1), D, stride=1, dilation=2), 0, 1)"),
                ("b", "both", True, "sum(D)"),
                (
                    "A",
                    "correlation",
                    True,
                    "crop(xcorr(pad(dilate(D, 2), 2, 3), rot180(K)), 1, 1)",
                ),
                (
                    "K",
                    "convolution",
                    False,
                    "rot180(crop(xcorr(pad(A, 1), D, stride=1, dilation=2), 0, 1))",
                ),
                ("A", "convolution", False, "crop(xcorr(pad(dilate(D, 2), 2, 3), K), 1, 1)"),
            ],
        ),
        (
            symderiv.conv2d(input=(5, 5), kernel=(2, 2), dilation=2),
            [
                ("K", "correlation", True, "xcorr(A, D, stride=2, dilation=1)"),
                ("b", "both", True, "sum(D)"),
                ("A", "correlation", True, "xcorr(pad(D, 2), rot180(dilate(K, 2)))"),
                ("K", "convolution", False, "rot180(xcorr(A, D, stride=2, dilation=1))"),
                ("A", "convolution", False, "xcorr(pad(D, 2), dilate(K, 2))"),
            ],
        ),
        (
            symderiv.conv_transpose2d(
                input=(3, 3), kernel=(3, 3), stride=2, padding=1, output_padding=1
            ),
            [
                ("K", "correlation", True, "crop(xcorr(pad(D, 1), A, stride=1, dilation=2), 0, 1)"),
                ("b", "both", True, "sum(D)"),
                ("A", "correlation", True, "xcorr(pad(D, 1), K, stride=2, dilation=1)"),
                (
                    "K",
                    "convolution",
                    False,
                    "rot180(crop(xcorr(pad(D, 1), A, stride=1, dilation=2), 0, 1))",
                ),
                ("A", "convolution", False, "xcorr(pad(D, 1), rot180(K), stride=2, dilation=1)"),
            ],
        ),
    ],
    ids=["strided-padded", "dilated", "transposed"],
)
def test_general_closed_forms_are_proved_and_the_other_convention_refuted(spec, expected):
    d = spec.derive()
    assert _formulas(d) == expected
    assert d.verified


def test_stride_leaves_inputs_unread_and_their_gradient_is_exactly_zero():
    spec = symderiv.conv1d(input=8, kernel=3, stride=3)
    assert spec.output == (2,)
    assert spec.unread_input() == ((6, 7),)
    d = spec.derive()
    for i in range(8):
        g = d.gradient("A", (0, 0, i))
        assert (g.expr == 0) == (i in (6, 7))
        assert (g.terms == ()) == (i in (6, 7))
    assert "Input positions $6, 7$ are read by no output" in d.to_latex()


def test_stride_wider_than_the_kernel_skips_inner_inputs():
    spec = symderiv.conv2d(input=(5, 5), kernel=(1, 1), stride=2)
    assert spec.unread_input() == ((1, 3), (1, 3))
    d = spec.derive()
    assert d.gradient("A", (0, 0, 1, 0)).expr == 0
    assert d.gradient("A", (0, 0, 2, 2)).expr == sympy.Symbol("K[0,0,0,0]", real=True) * (
        sympy.Symbol("D[0,0,1,1]", real=True)
    )


def test_transposed_outputs_no_product_reaches_hold_only_the_bias():
    spec = symderiv.conv_transpose1d(input=3, kernel=1, stride=2)
    assert spec.output == (5,)
    assert spec.unwritten_output() == ((1, 3),)
    d = spec.derive()
    printer = SheetTextPrinter(d.notation)
    assert [printer.sum(e.terms) for e in d.forward] == [
        "A0·K0 + b",
        "b",
        "A1·K0 + b",
        "b",
        "A2·K0 + b",
    ]


def test_groups_link_only_their_own_maps():
    spec = symderiv.conv2d(input=(3, 3), kernel=(2, 2), in_channels=4, out_channels=2, groups=2)
    d = spec.derive()
    assert d.tensor("K").shape == (2, 2, 2, 2)
    z = d.forward[spec.output[0] * spec.output[1]]  # first element of output map 1
    letters = {
        str(f).split("[")[1].split(",")[1]
        for t in z.terms
        for f in t.factors
        if str(f).startswith("A")
    }
    assert letters == {"2", "3"}  # output map 1 reads input maps 2 and 3 only
    assert ConvSheet(d.layer, SheetView(d)).group_blocks() == (
        r"\begin{bmatrix} K^{(0,0)} & K^{(0,1)} & 0 & 0 \\ 0 & 0 & K^{(1,0)} & K^{(1,1)} "
        r"\end{bmatrix}"
    )
    # dE/dA for an input map of group 1 comes from output map 1 only.
    assert {str(t.factors[-1]).split(",")[1] for t in d.gradient("A", (0, 3, 1, 1)).terms} == {"1"}


@pytest.mark.parametrize(
    ("spec", "latex"),
    [
        (symderiv.conv2d(), r"Z_{uv} = \sum_{p,q} A_{u+p,v+q}\, K_{pq} + b"),
        (
            symderiv.conv2d(convention="convolution"),
            r"Z_{uv} = \sum_{p,q} A_{u+p,v+q}\, K_{1-p,1-q} + b",
        ),
        (
            symderiv.conv2d(input=(6, 6), kernel=(3, 3), stride=2, padding=1),
            r"Z_{u,v} = \sum_{p,q} A_{2u+p-1,2v+q-1}\, K_{p,q} + b",
        ),
        (symderiv.conv1d(input=9, kernel=3, dilation=3), r"Z_{u} = \sum_{p} A_{u+3p}\, K_{p} + b"),
        (symderiv.conv3d(), r"Z_{tuv} = \sum_{r,p,q} A_{t+r,u+p,v+q}\, K_{rpq} + b"),
        (
            symderiv.conv_transpose2d(stride=2, padding=1),
            r"Z_{y,x} = \sum_{p,q} \sum_{i,j:\ 2i+p-1=y,\ 2j+q-1=x} A_{i,j}\, K_{p,q} + b",
        ),
    ],
)
def test_definition_has_the_numbers_filled_in(spec, latex):
    assert definition_latex(spec, commas=False) == latex


def test_output_size_rules_with_numbers():
    assert size_rules(
        symderiv.conv2d(input=(7, 6), kernel=(3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2))
    ) == [
        r"H_o = \left\lfloor \frac{H + 2P - d(k-1) - 1}{s} \right\rfloor + 1 = \left\lfloor "
        r"\frac{7 + 2\cdot 1 - 1\cdot(3-1) - 1}{2} \right\rfloor + 1 = 4",
        r"W_o = \left\lfloor \frac{W + 2P - d(k-1) - 1}{s} \right\rfloor + 1 = \left\lfloor "
        r"\frac{6 + 2\cdot 0 - 2\cdot(2-1) - 1}{1} \right\rfloor + 1 = 4",
    ]
    assert size_rules(
        symderiv.conv_transpose1d(input=4, kernel=3, stride=2, padding=1, output_padding=1)
    ) == [
        r"L_o = (L-1)s - 2P + d(k-1) + P_{\text{out}} + 1 = (4-1)\cdot 2 - 2\cdot 1 "
        r"+ 1\cdot(3-1) + 1 + 1 = 8"
    ]


def test_transposed_json_uses_pytorch_layout():
    spec = symderiv.conv_transpose2d(
        input=(2, 2),
        kernel=(2, 2),
        in_channels=2,
        out_channels=4,
        groups=2,
        stride=2,
        output_padding=1,
    )
    doc = json.loads(spec.derive().to_json())
    assert doc["layer"] == {
        "kind": "conv_transpose2d",
        "convention": "correlation",
        "stride": [2, 2],
        "padding": [0, 0],
        "dilation": [1, 1],
        "groups": 2,
        "output_padding": [1, 1],
    }
    assert doc["tensors"]["K"] == {"role": "kernel", "shape": [2, 2, 2, 2]}
    assert doc["tensors"]["D"] == {"role": "delta", "shape": [1, 4, 5, 5]}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["conv_transpose2d", "--stride", "2", "--output-padding", "2"],
            "--output-padding '2': must be smaller than the stride (2) or the dilation (1) "
            "on axis 0",
        ),
        (
            ["conv_transpose1d", "--input", "2", "--kernel", "2", "--padding", "3"],
            "--padding '3': the transposed convolution's output would have size -3 on axis 0; "
            "Ho = (H-1)s - 2p + d(k-1) + output_padding + 1 must be at least 1",
        ),
        (
            ["conv2d", "--output-padding", "1"],
            "--output-padding '1': only transposed layers (conv_transpose1d/2d/3d) have an output "
            "padding",
        ),
        (["conv2d", "--padding", "-1"], "--padding '-1': every value must be at least 0"),
        (
            ["conv2d", "--in-channels", "3", "--groups", "2"],
            "--in-channels '3': not divisible by groups 2; channels must split evenly into groups",
        ),
        (
            ["conv2d", "--stride", "2x"],
            "--stride '2x': expected 2 integers joined by 'x' (or one for every axis), such as '2x2'",
        ),
        (
            [
                "conv3d",
                "--input",
                "6x6x6",
                "--kernel",
                "3x3x3",
                "--in-channels",
                "16",
                "--out-channels",
                "16",
            ],
            "conv3d_6x6x6_k3x3x3_c16_m16_correlation: the derivation would do 22,078,668 steps "
            "of work (symbols, terms, array cells, products visited), more than the limit of "
            "3,000,000; raise it with --max-terms 22078668 (or max_terms=22078668 in Python) if "
            "you have the time and memory",
        ),
    ],
)
def test_bad_combinations_name_the_rule(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["derive", *args], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr == f"symderiv: error: {message}\n"
    assert list(tmp_path.iterdir()) == []


def test_transposed_layer_from_the_command_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli,
        [
            "derive",
            "conv_transpose2d",
            "--stride",
            "2",
            "--padding",
            "1",
            "--output-padding",
            "1",
            "--format",
            "json",
            "--output",
            "-",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["layer"]["kind"] == "conv_transpose2d"
    assert doc["verified"] is True
    assert "conv_transpose2d_3x3_k2x2_s2x2_p1x1_op1x1_correlation: verified" in result.stderr


def _grid():
    """A representative slice of the full grid (benchmarks/grid.py runs all of it)."""
    layers = [
        (symderiv.conv1d, 7, 3, False),
        (symderiv.conv2d, (5, 4), (2, 3), False),
        (symderiv.conv3d, (4, 3, 3), (2, 2, 1), False),
        (symderiv.conv_transpose1d, 3, 3, True),
        (symderiv.conv_transpose2d, (3, 2), (2, 2), True),
        (symderiv.conv_transpose3d, (2, 2, 2), (2, 1, 2), True),
    ]
    cases = []
    for (fn, inp, ker, tr), (s, p, d, g, conv) in itertools.product(
        layers,
        [
            (1, 0, 1, 1, "correlation"),
            (2, 1, 1, 2, "convolution"),
            (3, 2, 2, 1, "correlation"),
            (2, 0, 2, 2, "convolution"),
        ],
    ):
        kw = {
            "input": inp,
            "kernel": ker,
            "stride": s,
            "padding": p,
            "dilation": d,
            "groups": g,
            "in_channels": 2,
            "out_channels": 2,
            "convention": conv,
        }
        if tr:
            kw["output_padding"] = 1 if max(s, d) > 1 else 0
        try:
            spec = fn(**kw)
        except symderiv.SpecError:
            continue
        cases.append(pytest.param(spec, id=spec.label()))
    return cases


@pytest.mark.parametrize("spec", _grid())
def test_grid_every_element_proved(spec):
    d = spec.derive()
    own = [c for c in d.closed_forms if c.stated_in in (spec.convention, "both")]
    assert [c.of for c in own] == ["K", "b", "A"]
    assert all(c.holds and c.failures == 0 for c in own)
    other = [c for c in d.closed_forms if c.stated_in not in (spec.convention, "both")]
    if spec.products() == 0:  # the padding crops every product away: all gradients are 0
        assert all(g.expr == 0 for g in d.gradients if g.tensor != "b")
        assert [c.holds for c in other] == [True, True]
    else:
        assert [c.holds for c in other] == [False, False]
    assert d.numeric.passed
    assert len(d.gradients) == sum(len(t.elements) for t in d.tensors if t.letter in "KbA")


def _closed_latex(spec):
    d = spec.derive()
    parts = ConvSheet(spec, SheetView(d))
    return [parts.closed_form_latex(c) for c in d.closed_forms[:3]], parts.group_note()


@pytest.mark.parametrize(
    ("spec", "formulas", "note"),
    [
        (
            symderiv.conv_transpose2d(in_channels=2, out_channels=3),
            [
                r"\frac{\partial E}{\partial K^{(c,o)}} = D^{(o)} \star A^{(c)}",
                r"\frac{\partial E}{\partial b^{(m)}} = \sum_{u,v} D^{(m)}_{uv}",
                r"\frac{\partial E}{\partial A^{(c)}} = \sum_{o} D^{(o)} \star K^{(c,o)}",
            ],
            None,
        ),
        (
            symderiv.conv_transpose2d(in_channels=4, out_channels=4, groups=2, batch=2),
            [
                r"\frac{\partial E}{\partial K^{(c,o)}} = \sum_{n} D^{(n,o_0(c)+o)} \star A^{(n,c)}",
                r"\frac{\partial E}{\partial b^{(m)}} = \sum_{n} \sum_{u,v} D^{(n,m)}_{uv}",
                r"\frac{\partial E}{\partial A^{(n,c)}} = \sum_{o} D^{(n,o_0(c)+o)} \star K^{(c,o)}",
            ],
            r"$o_0(c) = 2\lfloor c/2 \rfloor$ is the first output map of input map $c$'s group, "
            "and $o$ runs over the 2 output maps of that group.",
        ),
        (
            symderiv.conv2d(in_channels=4, out_channels=2, groups=2),
            [
                r"\frac{\partial E}{\partial K^{(m,c)}} = \operatorname{conv2}\left(A^{(c_0(m)+c)},\ "
                r"\operatorname{rot180}\left(D^{(m)}\right),\ \text{valid}\right)",
                r"\frac{\partial E}{\partial b^{(m)}} = \sum_{u,v} D^{(m)}_{uv}",
                r"\frac{\partial E}{\partial A^{(c)}} = \sum_{m \in G(c)} \operatorname{conv2}\left("
                r"D^{(m)},\ K^{(m,c-c_0(m))},\ \text{full}\right)",
            ],
            r"$c_0(m) = 2m$ is the first input map of output map $m$'s group, and $G(c)$ holds the "
            "one output map of input map $c$'s group.",
        ),
    ],
    ids=["transposed-channels", "transposed-grouped", "grouped"],
)
def test_closed_forms_name_the_maps_of_each_layout(spec, formulas, note):
    # Read at K^{(1,2)} of the transposed layer, the formula must use A^{(1)} and D^{(2)}:
    # the layout of K is (input map, output map) there.
    assert _closed_latex(spec) == (formulas, note)


@pytest.mark.parametrize(
    "spec",
    [
        symderiv.conv2d(input=(6, 6), kernel=(3, 3), stride=2, padding=1),
        symderiv.conv2d(input=(5, 5), kernel=(2, 2), dilation=2),
        symderiv.conv1d(input=8, kernel=3),
        symderiv.conv3d(),
        symderiv.conv_transpose2d(),
        symderiv.conv2d(in_channels=4, out_channels=2, groups=2),
        symderiv.conv2d(batch=2),
    ],
    ids=lambda s: s.label(),
)
def test_classic_remarks_only_on_the_classic_sheet(spec):
    for text in (spec.derive().to_latex(), spec.derive().to_markdown()):
        assert "classic expansion" not in text
        assert "lecture notes" not in text
        assert "and refuted" not in text


def test_classic_sheet_keeps_its_remarks(classic):
    tex = classic.to_latex()
    assert "the classic expansion" in tex
    assert "(they call the output $B$: $B_{00} = A_{00}K_{00} + A_{01}K_{01} + \\dots$)" in tex


def test_legend_only_where_its_operators_appear(classic):
    assert "Notation: $X \\star_{s,d} Y$" not in classic.to_latex()
    grouped = symderiv.conv2d(in_channels=4, out_channels=2, groups=2).derive().to_latex()
    assert "Notation: $X \\star_{s,d} Y$" not in grouped
    strided = symderiv.conv2d(stride=2).derive().to_latex()
    assert "Notation: $X \\star_{s,d} Y$" in strided


@pytest.mark.parametrize(
    ("spec", "line"),
    [
        (
            symderiv.conv1d(input=8, kernel=3),
            r"   D^{[\ell-1]}_{i} = \frac{\partial E}{\partial A_{i}}\, f'\bigl(Z^{[\ell-1]}_{i}\bigr). \]",
        ),
        (
            symderiv.conv3d(),
            r"   D^{[\ell-1]}_{hij} = \frac{\partial E}{\partial A_{hij}}\, f'\bigl(Z^{[\ell-1]}_{hij}\bigr). \]",
        ),
    ],
)
def test_previous_layer_delta_has_the_layers_indices(spec, line):
    assert line in spec.derive().to_latex().splitlines()


def test_one_unread_input_is_singular():
    # Ho = floor((6 - 2 - 1)/2) + 1 = 2 windows read 0-2 and 2-4: only 5 is left.
    spec = symderiv.conv1d(input=6, kernel=3, stride=2)
    assert spec.unread_input() == ((5,),)
    assert "Input position $5$ is read by no output" in spec.derive().to_latex()
