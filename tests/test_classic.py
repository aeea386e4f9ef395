"""The classic example, checked against a transcription of the lecture notes it came from.

Transcribed from the Chinese lecture notes "CNN 卷积神经网络--kernel、偏置值导数" (2016):
eqs. (7)-(15) give the forward pass B = A ⋆ K of a 4×4 input and a 2×2 kernel, and
the notes then expand the four kernel derivatives K'00 … K'11 and regroup them as
a sum of D_uv times 2×2 patches of A.  The notes call the output B; we call it Z.
"""

from __future__ import annotations

import pytest
import sympy

from symderiv.render.printing import SheetTextPrinter

NOTES_FORWARD = """
B00=A00∗K00+A01∗K01+A10∗K10+A11∗K11
B01=A01∗K00+A02∗K01+A11∗K10+A12∗K11
B02=A02∗K00+A03∗K01+A12∗K10+A13∗K11
B10=A10∗K00+A11∗K01+A20∗K10+A21∗K11
B11=A11∗K00+A12∗K01+A21∗K10+A22∗K11
B12=A12∗K00+A13∗K01+A22∗K10+A23∗K11
B20=A20∗K00+A21∗K01+A30∗K10+A31∗K11
B21=A21∗K00+A22∗K01+A31∗K10+A32∗K11
B22=A22∗K00+A23∗K01+A32∗K10+A33∗K11
"""

NOTES_KERNEL = """
K00=A00∗D00+A01∗D01+A02∗D02+A10∗D10+A11∗D11+A12∗D12+A20∗D20+A21∗D21+A22∗D22
K01=A01∗D00+A02∗D01+A03∗D02+A11∗D10+A12∗D11+A13∗D12+A21∗D20+A22∗D21+A23∗D22
K10=A10∗D00+A11∗D01+A12∗D02+A20∗D10+A21∗D11+A22∗D12+A30∗D20+A31∗D21+A32∗D22
K11=A11∗D00+A12∗D01+A13∗D02+A21∗D10+A22∗D11+A23∗D12+A31∗D20+A32∗D21+A33∗D22
"""

# D_uv ∗ (2×2 patch of A), in the notes' order.
NOTES_REGROUPING = [
    ("D00", [["A00", "A01"], ["A10", "A11"]]),
    ("D01", [["A01", "A02"], ["A11", "A12"]]),
    ("D02", [["A02", "A03"], ["A12", "A13"]]),
    ("D10", [["A10", "A11"], ["A20", "A21"]]),
    ("D11", [["A11", "A12"], ["A21", "A22"]]),
    ("D12", [["A12", "A13"], ["A22", "A23"]]),
    ("D20", [["A20", "A21"], ["A30", "A31"]]),
    ("D21", [["A21", "A22"], ["A31", "A32"]]),
    ("D22", [["A22", "A23"], ["A32", "A33"]]),
]


def _lines(block: str) -> dict[str, str]:
    out = {}
    for line in block.strip().splitlines():
        lhs, rhs = line.split("=")
        out[lhs] = rhs.replace("∗", "·").replace("+", " + ")
    return out


@pytest.mark.parametrize(("name", "expansion"), sorted(_lines(NOTES_FORWARD).items()))
def test_forward_pass_matches_notes(classic, name, expansion):
    u, v = int(name[1]), int(name[2])
    element = next(e for e in classic.forward if e.index == (0, 0, u, v))
    text = SheetTextPrinter(classic.notation).sum(element.terms)
    assert text == expansion + " + b"


@pytest.mark.parametrize(("name", "expansion"), sorted(_lines(NOTES_KERNEL).items()))
def test_kernel_expansions_match_notes(classic, name, expansion):
    p, q = int(name[1]), int(name[2])
    g = classic.gradient("K", (0, 0, p, q))
    assert SheetTextPrinter(classic.notation).sum(g.terms) == expansion
    assert len(g.contributions) == 9


def test_regrouping_matches_notes(classic):
    printer = SheetTextPrinter(classic.notation)
    (regrouping,) = classic.regroupings
    got = [
        (printer._print(t.delta), [[printer._print(x) for x in row] for row in t.patch])
        for t in regrouping.terms
    ]
    assert got == NOTES_REGROUPING


def test_contribution_table_of_K00_is_the_notes_list(classic):
    # "K00 与 A00,A01,A02,A10,A11,A12,A20,A21,A22 做乘积分别生成 B00,B01,…,B22"
    printer = SheetTextPrinter(classic.notation)
    g = classic.gradient("K", (0, 0, 0, 0))
    assert [printer._print(c.derivative) for c in g.contributions] == [
        "A00",
        "A01",
        "A02",
        "A10",
        "A11",
        "A12",
        "A20",
        "A21",
        "A22",
    ]
    assert [c.output[2:] for c in g.contributions] == [
        (0, 0),
        (0, 1),
        (0, 2),
        (1, 0),
        (1, 1),
        (1, 2),
        (2, 0),
        (2, 1),
        (2, 2),
    ]


def test_bias_is_sum_of_deltas(classic):
    (g,) = classic.gradients_of("b")
    printer = SheetTextPrinter(classic.notation)
    assert printer.sum(g.terms) == "D00 + D01 + D02 + D10 + D11 + D12 + D20 + D21 + D22"


def test_input_gradient_elements(classic):
    printer = SheetTextPrinter(classic.notation)
    assert printer.sum(classic.gradient("A", (0, 0, 0, 0)).terms) == "K00·D00"
    assert printer.sum(classic.gradient("A", (0, 0, 1, 1)).terms) == (
        "K11·D00 + K10·D01 + K01·D10 + K00·D11"
    )
    assert printer.sum(classic.gradient("A", (0, 0, 3, 3)).terms) == "K11·D22"


def test_padded_delta_of_the_resnet_notes():
    # "梯度矩阵会进行填充为": a 2×2 delta bordered by one ring of zeros (2×2 kernel).
    import symderiv

    d = symderiv.conv2d(input=(3, 3), kernel=(2, 2)).derive()
    (m,) = d.delta_maps
    D = sympy.Symbol
    z = 0
    assert m.rows == (
        (z, z, z, z),
        (z, D("D[0,0,0,0]", real=True), D("D[0,0,0,1]", real=True), z),
        (z, D("D[0,0,1,0]", real=True), D("D[0,0,1,1]", real=True), z),
        (z, z, z, z),
    )


def test_convolution_convention_flips_the_kernel(classic_convolution):
    printer = SheetTextPrinter(classic_convolution.notation)
    z00 = classic_convolution.forward[0]
    assert printer.sum(z00.terms) == "A00·K11 + A01·K10 + A10·K01 + A11·K00 + b"
    # dE/dK00 now collects the bottom-right patches: rot180 of the correlation's.
    assert printer.sum(classic_convolution.gradient("K", (0, 0, 0, 0)).terms) == (
        "A11·D00 + A12·D01 + A13·D02 + A21·D10 + A22·D11 + A23·D12 + A31·D20 + A32·D21 + A33·D22"
    )
