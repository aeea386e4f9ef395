"""Bouvrie's subsampling layer and learned map combination: exact expansions, exact
closed forms (and the refuted mistakes with their first failing element), PyTorch
autograd, the JSON document, the command line, the sheets and the size prediction."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import numpy as np
import pytest
import sympy
from click.testing import CliRunner

import symderiv
from symderiv.cli import cli
from symderiv.core.model import Derivation, Element, Term
from symderiv.core.symbols import make_tensor
from symderiv.exceptions import SpecError
from symderiv.layers.combination import MapCombination
from symderiv.layers.combination_sheet import Display as _Display
from symderiv.render.printing import SheetTextPrinter
from symderiv.render.sheet import SheetView

from .conftest import needs_latex

TOL = 1e-12


def sym(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


@functools.cache
def derive(layer: symderiv.Layer) -> Derivation:
    return layer.derive()


def text(d: Derivation, e: Element) -> str:
    return SheetTextPrinter(d.notation).sum(e.terms)


def sheet_section(d: Derivation, kind: str, heading: str | None = None) -> dict:
    for s in SheetView(d).build()["sections"]:
        if s["kind"] == kind and (heading is None or s["heading"] == heading):
            return s
    raise KeyError(kind)


def verdicts(d: Derivation) -> list[tuple]:
    return [
        (
            c.of,
            c.stated_in,
            c.holds,
            c.checked,
            c.failures,
            None if c.first_failure is None else c.first_failure.index,
        )
        for c in d.closed_forms
    ]


# ---------------------------------------------------------------------------
# numbers: the derived elements at given values, and how large their sums are
# ---------------------------------------------------------------------------


def values_of(arrays: dict[str, np.ndarray]) -> dict[sympy.Symbol, sympy.Float]:
    return {
        sym(f"{x}[{','.join(map(str, i))}]"): sympy.Float(float(a[i]), 30)
        for x, a in arrays.items()
        for i in np.ndindex(a.shape)
    }


def value_and_size(e: Element, point: dict) -> tuple[float, float]:
    """The element's value and max(1, Σ|part|) over its top-level sum."""
    parts = [t.expr() for t in e.terms] if e.polynomial else sympy.Add.make_args(e.expr)
    numbers = [float(sympy.sympify(p).xreplace(point).evalf(30)) for p in parts]
    return sum(numbers), max(1.0, sum(abs(v) for v in numbers))


def assert_agrees(elements, expected: np.ndarray, point: dict) -> None:
    assert len(elements) == expected.size
    for e in elements:
        value, size = value_and_size(e, point)
        assert abs(value - expected[e.index]) <= TOL * size, (e.tensor, e.index)


# ===========================================================================
# subsample2d
# ===========================================================================

SUB = symderiv.subsample2d()
SUB_WIDE = symderiv.subsample2d(input=(4, 6), scale=(2, 3), in_channels=2, batch=2)


def test_subsample_forward_and_gradients_are_the_notes_expansions():
    d = derive(SUB)
    assert [text(d, e) for e in d.forward] == [
        "β·A00 + β·A01 + β·A10 + β·A11 + b",
        "β·A02 + β·A03 + β·A12 + β·A13 + b",
        "β·A20 + β·A21 + β·A30 + β·A31 + b",
        "β·A22 + β·A23 + β·A32 + β·A33 + b",
    ]
    assert [text(d, g) for g in d.gradients_of("b")] == ["D00 + D01 + D10 + D11"]
    assert [text(d, g) for g in d.gradients_of("beta")] == [
        "A00·D00 + A01·D00 + A10·D00 + A11·D00 + A02·D01 + A03·D01 + A12·D01 + A13·D01"
        " + A20·D10 + A21·D10 + A30·D10 + A31·D10 + A22·D11 + A23·D11 + A32·D11 + A33·D11"
    ]
    assert [text(d, g) for g in d.gradients_of("A")] == [
        "β·D00", "β·D00", "β·D01", "β·D01",
        "β·D00", "β·D00", "β·D01", "β·D01",
        "β·D10", "β·D10", "β·D11", "β·D11",
        "β·D10", "β·D10", "β·D11", "β·D11",
    ]  # fmt: skip
    g = d.gradient("beta", (0,))
    assert g.terms[4] == Term(sympy.Integer(1), (sym("A[0,0,0,2]"), sym("D[0,0,0,1]")))
    assert d.gradient("A", (0, 0, 3, 1)).terms == (
        Term(sympy.Integer(1), (sym("beta[0]"), sym("D[0,0,1,0]"))),
    )


def test_subsample_with_maps_batch_and_unequal_blocks():
    d = derive(SUB_WIDE)
    assert SUB_WIDE.output == (2, 2)
    assert text(d, d.forward[5]) == (  # Z[0,1,0,1]: rows 0-1, columns 3-5 of map 1
        "β^(1)·A^(0,1)_03 + β^(1)·A^(0,1)_04 + β^(1)·A^(0,1)_05 + β^(1)·A^(0,1)_13"
        " + β^(1)·A^(0,1)_14 + β^(1)·A^(0,1)_15 + b^(1)"
    )
    assert text(d, d.gradient("b", (1,))) == (
        "D^(0,1)_00 + D^(0,1)_01 + D^(0,1)_10 + D^(0,1)_11"
        " + D^(1,1)_00 + D^(1,1)_01 + D^(1,1)_10 + D^(1,1)_11"
    )
    assert text(d, d.gradient("A", (1, 0, 1, 4))) == "β^(0)·D^(1,0)_01"
    beta = d.gradient("beta", (1,))
    assert len(beta.terms) == 2 * 4 * 6  # every input of map 1, in both batch elements
    assert beta.terms[0].factors == (sym("A[0,1,0,0]"), sym("D[0,1,0,0]"))
    assert beta.terms[-1].factors == (sym("A[1,1,3,5]"), sym("D[1,1,1,1]"))


def test_subsample_closed_forms_proved_and_mistakes_refuted():
    d = derive(SUB)
    assert verdicts(d) == [
        ("b", "Bouvrie", True, 1, 0, None),
        ("beta", "Bouvrie", True, 1, 0, None),
        ("A", "Bouvrie", True, 16, 0, None),
        ("A", "up-samples the delta without beta", False, 16, 16, (0, 0, 0, 0)),
        (
            "A",
            "divides by 4, as mean pooling does (down sums, it does not average)",
            False,
            16,
            16,
            (0, 0, 0, 0),
        ),
    ]
    assert d.verified
    beta, delta = sym("beta[0]"), sym("D[0,0,0,0]")
    no_beta, mean = d.closed_forms[3].first_failure, d.closed_forms[4].first_failure
    assert (no_beta.derived, no_beta.closed) == (beta * delta, delta)
    assert (mean.derived, mean.closed) == (beta * delta, beta * delta / 4)
    assert [c.formula.text() for c in d.closed_forms] == [
        "sum(D)",
        "sum(D .* down(A, 2))",
        "beta * up(D, 2)",
        "up(D, 2)",
        "1/4 * (beta * up(D, 2))",
    ]


SUB_LATEX = [
    r"\frac{\partial E}{\partial b} = \sum_{u,v} D_{uv}",
    r"\frac{\partial E}{\partial \beta} = \sum_{u,v} \left(D \odot "
    r"\operatorname{down}_{2}\left(A\right)\right)_{uv}",
    r"\frac{\partial E}{\partial A} = \beta\, D \otimes \mathbf{1}_{2 \times 2}",
    r"\frac{\partial E}{\partial A} = D \otimes \mathbf{1}_{2 \times 2}",
    r"\frac{\partial E}{\partial A} = \frac{1}{4}\, \left(\beta\, D \otimes "
    r"\mathbf{1}_{2 \times 2}\right)",
]
SUB_WIDE_LATEX = [
    r"\frac{\partial E}{\partial b^{(j)}} = \sum_{n} \sum_{u,v} D^{(n,j)}_{uv}",
    r"\frac{\partial E}{\partial \beta^{(j)}} = \sum_{n} \sum_{u,v} \left(D^{(n,j)} \odot "
    r"\operatorname{down}_{(2,3)}\left(A^{(n,j)}\right)\right)_{uv}",
    r"\frac{\partial E}{\partial A^{(n,j)}} = \beta^{(j)}\, D^{(n,j)} \otimes "
    r"\mathbf{1}_{2 \times 3}",
    r"\frac{\partial E}{\partial A^{(n,j)}} = D^{(n,j)} \otimes \mathbf{1}_{2 \times 3}",
    r"\frac{\partial E}{\partial A^{(n,j)}} = \frac{1}{6}\, \left(\beta^{(j)}\, D^{(n,j)} "
    r"\otimes \mathbf{1}_{2 \times 3}\right)",
]


@pytest.mark.parametrize(("layer", "latex"), [(SUB, SUB_LATEX), (SUB_WIDE, SUB_WIDE_LATEX)])
def test_subsample_closed_forms_print_as_the_notes_write_them(layer, latex):
    forms = sheet_section(derive(layer), "closed_forms")["forms"]
    assert [f["latex"] for f in forms] == latex
    assert forms[3]["failure"]["derived"] != forms[3]["failure"]["closed"]


SUB_TORCH = [
    SUB,
    SUB_WIDE,
    symderiv.subsample2d(input=(6, 6), scale=3, batch=3),
    symderiv.subsample2d(input=(3, 2), scale=1, in_channels=2),
]


@pytest.mark.parametrize("layer", SUB_TORCH, ids=lambda s: s.label())
def test_subsample_agrees_with_torch_autograd(layer):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(sum(map(ord, layer.label())))
    arrays = {x: rng.uniform(-2.0, 2.0, shape) for x, (_, shape) in layer.tensors().items()}
    a, beta, b = (
        torch.tensor(arrays[x], dtype=torch.float64, requires_grad=True) for x in ("A", "beta", "b")
    )
    n, c = a.shape[:2]
    (sh, sw), (ho, wo) = layer.scale, layer.output
    blocks = a.reshape(n, c, ho, sh, wo, sw).sum((3, 5))
    z = beta[:, None, None] * blocks + b[:, None, None]
    z.backward(torch.tensor(arrays["D"], dtype=torch.float64))
    d = derive(layer)
    point = values_of(arrays)
    assert_agrees(d.forward, z.detach().numpy(), point)
    for letter, tensor in (("b", b), ("beta", beta), ("A", a)):
        assert_agrees(d.gradients_of(letter), tensor.grad.numpy(), point)


# ===========================================================================
# map_combination
# ===========================================================================

MIX = symderiv.map_combination()
MIX_ONE = symderiv.map_combination(input=(1, 1), in_channels=2, out_channels=1)


def test_map_combination_expansions_are_exact():
    d = derive(MIX_ONE)
    doc = json.loads(d.to_json())
    assert [f["expansion"] for f in doc["forward"]] == [
        "A[0,0,0,0]*exp(c[0,0])/(exp(c[0,0]) + exp(c[0,1]))"
        " + A[0,1,0,0]*exp(c[0,1])/(exp(c[0,0]) + exp(c[0,1]))"
    ]
    assert [(g["of"], g["index"], g["expansion"]) for g in doc["gradients"]] == [
        ("alpha", [0, 0], "A[0,0,0,0]*D[0,0,0,0]"),
        ("alpha", [0, 1], "A[0,1,0,0]*D[0,0,0,0]"),
        (
            "c",
            [0, 0],
            "D[0,0,0,0]*(A[0,0,0,0]*exp(c[0,0])/(exp(c[0,0]) + exp(c[0,1]))"
            " - A[0,0,0,0]*exp(2*c[0,0])/(exp(c[0,0]) + exp(c[0,1]))**2"
            " - A[0,1,0,0]*exp(c[0,0])*exp(c[0,1])/(exp(c[0,0]) + exp(c[0,1]))**2)",
        ),
        (
            "c",
            [0, 1],
            "D[0,0,0,0]*(A[0,1,0,0]*exp(c[0,1])/(exp(c[0,0]) + exp(c[0,1]))"
            " - A[0,1,0,0]*exp(2*c[0,1])/(exp(c[0,0]) + exp(c[0,1]))**2"
            " - A[0,0,0,0]*exp(c[0,0])*exp(c[0,1])/(exp(c[0,0]) + exp(c[0,1]))**2)",
        ),
        ("A", [0, 0, 0, 0], "D[0,0,0,0]*exp(c[0,0])/(exp(c[0,0]) + exp(c[0,1]))"),
        ("A", [0, 1, 0, 0], "D[0,0,0,0]*exp(c[0,1])/(exp(c[0,0]) + exp(c[0,1]))"),
    ]
    # Polynomial only where it is one: α's gradient has terms, c's and A's do not.
    assert [("terms" in g) for g in doc["gradients"]] == [True, True, False, False, False, False]
    # At c = 0 both weights are 1/2, so dE/dc_00 = D (A_0/2 - A_0/4 - A_1/4).
    c00, c01 = sym("c[0,0]"), sym("c[0,1]")
    at_zero = d.gradient("c", (0, 0)).expr.subs({c00: 0, c01: 0})
    quarter = sym("D[0,0,0,0]") * (sym("A[0,0,0,0]") - sym("A[0,1,0,0]")) / 4
    assert at_zero != 0
    assert sympy.expand(at_zero - quarter) == 0


def test_map_combination_alpha_form_and_defaults():
    d = derive(MIX)
    t = SheetTextPrinter(d.notation)
    assert [t.sum(e.terms) for e in d.exhibits["alpha_forward"][:2]] == [
        "α00·A^(0)_00 + α01·A^(1)_00",
        "α00·A^(0)_01 + α01·A^(1)_01",
    ]
    assert text(d, d.gradient("alpha", (0, 1))) == (
        "A^(1)_00·D^(0)_00 + A^(1)_01·D^(0)_01 + A^(1)_10·D^(0)_10 + A^(1)_11·D^(0)_11"
    )
    assert str(d.gradient("A", (0, 1, 1, 0)).expr) == (
        "D[0,0,1,0]*exp(c[0,1])/(exp(c[0,0]) + exp(c[0,1]))"
        " + D[0,1,1,0]*exp(c[1,1])/(exp(c[1,0]) + exp(c[1,1]))"
    )
    assert all(not e.polynomial and e.terms == () for e in d.forward)
    assert [g.tensor for g in d.gradients] == ["alpha"] * 4 + ["c"] * 4 + ["A"] * 8


def test_map_combination_closed_forms_proved_and_mistakes_refuted():
    d = derive(MIX)
    assert verdicts(d) == [
        ("alpha", "Bouvrie", True, 4, 0, None),
        ("c", "Bouvrie", True, 4, 0, None),
        (
            "c",
            "forgets the softmax Jacobian (takes dE/dc to be dE/dalpha)",
            False,
            4,
            4,
            (0, 0),
        ),
        ("c", "keeps only the diagonal of the softmax Jacobian", False, 4, 4, (0, 0)),
        ("A", "Bouvrie", True, 8, 0, None),
    ]
    assert [c.decided_by for c in d.closed_forms] == [
        "expand",
        "expand",
        "counterexample",
        "counterexample",
        "expand",
    ]
    assert d.verified
    g00 = sum(sym(f"A[0,0,{u},{v}]") * sym(f"D[0,0,{u},{v}]") for u in (0, 1) for v in (0, 1))
    e0, e1 = sympy.exp(sym("c[0,0]")), sympy.exp(sym("c[0,1]"))
    forgets, diagonal = d.closed_forms[2].first_failure, d.closed_forms[3].first_failure
    assert forgets.closed == g00
    assert sympy.simplify(diagonal.closed - e0 / (e0 + e1) * g00) == 0
    assert forgets.derived == d.gradient("c", (0, 0)).expr


MIX_LATEX = [
    r"\frac{\partial E}{\partial \alpha_{ji}} = \sum_{u,v} \left(D^{(j)} \odot A^{(i)}\right)_{uv}",
    r"\frac{\partial E}{\partial c_{ji}} = \alpha_{ji}\, \left(\frac{\partial E}{\partial "
    r"\alpha_{ji}} - \sum_{u} \left(\alpha_{j\cdot} \odot \frac{\partial E}{\partial "
    r"\alpha_{j\cdot}}\right)_{u}\right)",
    r"\frac{\partial E}{\partial c_{ji}} = \frac{\partial E}{\partial \alpha_{ji}}",
    r"\frac{\partial E}{\partial c_{ji}} = \alpha_{ji}\, \frac{\partial E}{\partial \alpha_{ji}}",
    r"\frac{\partial E}{\partial A^{(i)}} = \sum_{j} \alpha_{ji}\, D^{(j)}",
]


def test_map_combination_sheet_shows_alpha_as_the_notes_do():
    d = derive(MIX)
    forms = sheet_section(d, "closed_forms")["forms"]
    assert [f["latex"] for f in forms] == MIX_LATEX
    assert [f["text"] for f in forms] == [
        "sum(D .* A)",
        "alpha_ji * (dE/dalpha_ji - sum(alpha_j .* dE/dalpha_j))",
        "dE/dalpha_ji",
        "alpha_ji * dE/dalpha_ji",
        "alpha_ji * D",
    ]
    layer = sheet_section(d, "layer")
    assert layer["definition"] == (
        r"Z^{(j)} = \sum_{i} \alpha_{ji}\, A^{(i)}, \qquad "
        r"\alpha_{ji} = \frac{e^{c_{ji}}}{\sum_{k} e^{c_{jk}}}"
    )
    one = derive(MIX_ONE)
    c_rows = [
        e["rows"] for e in sheet_section(one, "elements", "Gradient with respect to c")["equations"]
    ]
    assert c_rows == [
        [
            r"D_{00} \left(A^{(0)}_{00} \alpha_{00} - A^{(0)}_{00} \alpha_{00}^{2} - "
            r"A^{(1)}_{00} \alpha_{00} \alpha_{01}\right)"
        ],
        [
            r"D_{00} \left(A^{(1)}_{00} \alpha_{01} - A^{(1)}_{00} \alpha_{01}^{2} - "
            r"A^{(0)}_{00} \alpha_{00} \alpha_{01}\right)"
        ],
    ]
    forward_c = sheet_section(one, "elements", "Forward pass in c")["equations"]
    assert forward_c[0]["rows"] == [
        r"\frac{A^{(0)}_{00} e^{c_{00}}}{S_{0}} + \frac{A^{(1)}_{00} e^{c_{01}}}{S_{0}}"
    ]


@pytest.mark.parametrize("layer", [MIX, MIX_ONE], ids=lambda s: s.label())
def test_the_sheet_shows_each_gradient_exactly_in_alpha(layer):
    """Writing exp(c_jk) = α_jk S_j is a renaming: substituting back gives the derivation."""
    d = derive(layer)
    show = _Display(SheetView(d))
    c, alpha = d.tensor("c"), d.tensor("alpha")
    n_out, n_in = c.shape
    back = {}
    for j in range(n_out):
        total = sympy.Add(*(sympy.exp(c[(j, k)]) for k in range(n_in)))
        back[show.S[j]] = total
        back.update({alpha[(j, i)]: sympy.exp(c[(j, i)]) / total for i in range(n_in)})
    for g in d.gradients_of("c") + d.gradients_of("A"):
        shown = show.in_alpha(g.expr)
        assert not shown.has(sympy.exp)
        assert not any(s in shown.free_symbols for s in show.S)
        assert sympy.cancel(sympy.together(shown.xreplace(back) - g.expr)) == 0


def test_one_input_map_has_weight_one_and_no_c_gradient():
    d = derive(symderiv.map_combination(input=(1, 2), in_channels=1, out_channels=2))
    assert d.verified
    assert [str(e.expr) for e in d.forward] == ["A[0,0,0,0]", "A[0,0,0,1]"] * 2
    assert [g.expr for g in d.gradients_of("c")] == [0, 0]
    assert text(d, d.gradient("A", (0, 0, 0, 1))) == "D^(0)_01 + D^(1)_01"


MIX_TORCH = [
    MIX,
    MIX_ONE,
    symderiv.map_combination(input=(1, 1), in_channels=3, out_channels=2, batch=2),
    symderiv.map_combination(input=(1, 2), in_channels=1, out_channels=2),
]


@pytest.mark.parametrize("layer", MIX_TORCH, ids=lambda s: s.label())
def test_map_combination_agrees_with_torch_autograd(layer):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(sum(map(ord, layer.label())))
    shapes = layer.shapes()
    arrays = {x: rng.uniform(-2.0, 2.0, shapes[x]) for x in ("A", "c", "D")}
    a, c = (torch.tensor(arrays[x], dtype=torch.float64, requires_grad=True) for x in ("A", "c"))
    alpha = torch.softmax(c, dim=1)
    alpha.retain_grad()
    z = torch.einsum("ji,nihw->njhw", alpha, a)
    z.backward(torch.tensor(arrays["D"], dtype=torch.float64))
    d = derive(layer)
    point = values_of(arrays)
    assert_agrees(d.forward, z.detach().numpy(), point)
    assert_agrees(d.gradients_of("c"), c.grad.numpy(), point)
    assert_agrees(d.gradients_of("A"), a.grad.numpy(), point)
    # dE/dalpha is derived from the α form: evaluate it at α = softmax(c).
    alpha_point = {**point, **values_of({"alpha": alpha.detach().numpy()})}
    assert_agrees(d.gradients_of("alpha"), alpha.grad.numpy(), alpha_point)


def test_sparsity_penalty_gradient_is_zero_and_the_sheet_says_so():
    d = derive(MIX)
    assert d.exhibits["sparsity_gradient_is_zero"] is True
    # independently: Σ_i |α_0i| with α a softmax is 1 for every c
    c = make_tensor("c", "c", (1, 3))
    alpha = MapCombination.alphas(c)[0]
    assert sympy.simplify(sum(sympy.Abs(x) for x in alpha)) == 1
    assert "its gradient with respect to $`c`$ is identically zero" in d.to_markdown()


# ===========================================================================
# both kinds: JSON, command line, Python API, sheets, size prediction
# ===========================================================================


def _evaluate_expansion(expansion: str, arrays: dict[str, np.ndarray]) -> tuple[float, float]:
    """sympify the expansion after renaming X[i,j] to plain symbols (tests only): its
    value, and max(1, Σ|part|) over its top-level sum."""
    names: dict[str, str] = {}

    def rename(m: re.Match) -> str:
        plain = f"{m.group(1)}_{m.group(2).replace(',', '_')}"
        names[plain] = m.group(0)
        return plain

    expr = sympy.sympify(re.sub(r"([A-Za-z]+)\[([0-9,]+)\]", rename, expansion))
    point = {}
    for s in expr.free_symbols:
        letter, index = re.match(r"([A-Za-z]+)\[([0-9,]+)\]", names[s.name]).groups()
        point[s] = float(arrays[letter][tuple(int(i) for i in index.split(","))])
    parts = [float(p.evalf(30, subs=point)) for p in sympy.Add.make_args(expr)]
    return sum(parts), max(1.0, sum(abs(p) for p in parts))


@pytest.mark.parametrize(
    ("layer", "describe", "tensors", "order"),
    [
        (
            SUB_WIDE,
            {"kind": "subsample2d", "scale": [2, 3], "down": "block sum"},
            {
                "A": {"role": "input", "shape": [2, 2, 4, 6]},
                "beta": {"role": "multiplicative bias", "shape": [2]},
                "b": {"role": "additive bias", "shape": [2]},
                "D": {"role": "delta", "shape": [2, 2, 2, 2]},
            },
            ["b"] * 2 + ["beta"] * 2 + ["A"] * 96,
        ),
        (
            MIX,
            {"kind": "map_combination", "alpha": "softmax(c, dim=1)"},
            {
                "A": {"role": "input maps", "shape": [1, 2, 2, 2]},
                "c": {"role": "combination parameters", "shape": [2, 2]},
                "alpha": {"role": "weights, softmax of c", "shape": [2, 2]},
                "D": {"role": "delta", "shape": [1, 2, 2, 2]},
            },
            ["alpha"] * 4 + ["c"] * 4 + ["A"] * 8,
        ),
    ],
    ids=["subsample2d", "map_combination"],
)
def test_json_document_and_its_expansions_evaluate(layer, describe, tensors, order):
    d = derive(layer)
    doc = json.loads(d.to_json())
    assert list(doc) == [
        "format",
        "generator",
        "layer",
        "tensors",
        "forward",
        "gradients",
        "closed_forms",
        "numeric_check",
        "verified",
    ]
    assert doc["layer"] == describe
    assert doc["tensors"] == tensors
    assert [g["of"] for g in doc["gradients"]] == order
    assert doc["verified"] is True
    assert set(doc["numeric_check"]["max_abs_error"]) == {"Z", *dict.fromkeys(order)}
    arrays = layer.random_values(3)
    reference = layer.reference(arrays)
    if isinstance(layer, MapCombination):
        reference.update(layer.alpha_form().reference(layer.alpha_form().random_values(3)))
    for record in doc["forward"] + doc["gradients"]:
        letter = "Z" if record in doc["forward"] else record["of"]
        got, size = _evaluate_expansion(record["expansion"], arrays)
        want = reference[letter][tuple(record["index"])]
        assert abs(got - want) <= TOL * size, record["expansion"]


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str):
        return CliRunner().invoke(cli, ["derive", *args], catch_exceptions=False)

    return invoke


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["subsample2d", "--scale", "3"],
            "--scale '3': does not divide the input '4x4' (4 rows are not a multiple of 3)",
        ),
        (
            ["subsample2d", "--input", "4x6", "--scale", "2x4"],
            "--scale '2x4': does not divide the input '4x6' (6 columns are not a multiple of 4)",
        ),
        (
            ["subsample2d", "--input", "1x4", "--scale", "2x1"],
            "--scale '2x1': does not divide the input '1x4' (1 row is not a multiple of 2)",
        ),
        (["subsample2d", "--scale", "0"], "--scale '0': every value must be at least 1"),
        (
            ["subsample2d", "--kernel", "2"],
            "--kernel '2': subsample2d has no such option; it takes --input, --scale, "
            "--in-channels, --batch, --input-activation",
        ),
        (
            ["subsample2d", "--in-channels", "0"],
            "--in-channels '0': expected a positive integer, such as 2",
        ),
        (
            ["map_combination", "--in-channels", "0"],
            "--in-channels '0': expected a positive integer, such as 2",
        ),
        (
            ["map_combination", "--scale", "2"],
            "--scale '2': map_combination has no such option; it takes --input, "
            "--in-channels, --out-channels, --batch",
        ),
        (
            ["map_combination", "--input", "2x2x2"],
            "--input '2x2x2': a 2-D layer takes 2 values; expected 2 integers joined by 'x' "
            "(or one for every axis), such as '4x4'",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2_nothing_written(run, tmp_path, args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr == f"symderiv: error: {message}\n"
    assert result.stdout == ""
    assert list(Path(tmp_path).rglob("*")) == []


def test_command_line_derives_both_kinds(run, tmp_path):
    result = run("subsample2d", "--input", "6x4", "--scale", "3x2", "--format", "json", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["tensors"]["D"]["shape"] == [1, 1, 2, 2]
    assert result.stderr == "symderiv: subsample2d_6x4_scale3x2: verified\n"
    result = run("map_combination", "--input", "1", "--out-channels", "1", "--format", "md")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "output" / "map_combination_1x1_c2_m1.md").is_file()


@pytest.mark.parametrize(
    ("make", "kwargs", "message"),
    [
        (symderiv.subsample2d, {"scale": 3}, "scale 3: does not divide the input '4x4' "
         "(4 rows are not a multiple of 3)"),
        (symderiv.subsample2d, {"scale": (2,)}, "scale (2,): expected 2 integers, one per "
         "spatial axis"),
        (symderiv.subsample2d, {"batch": True}, "batch True: expected a positive integer"),
        (symderiv.map_combination, {"out_channels": 0}, "out_channels 0: expected a positive "
         "integer"),
        (symderiv.map_combination, {"input": "2y2"}, "input '2y2': expected 2 integers joined by "
         "'x' (or one for every axis), such as '4x4'"),
    ],
)  # fmt: skip
def test_python_api_errors_quote_the_value(make, kwargs, message):
    with pytest.raises(SpecError) as info:
        make(**kwargs)
    assert str(info.value) == message


def test_python_api_and_registry():
    assert symderiv.layer("subsample2d", input="6x6", scale=3) == symderiv.subsample2d(6, 3)
    assert symderiv.subsample2d().label() == "subsample2d_4x4_scale2x2"
    assert SUB_WIDE.label() == "subsample2d_4x6_scale2x3_c2_n2"
    assert symderiv.map_combination(batch=2).label() == "map_combination_2x2_c2_m2_n2"
    assert symderiv.KINDS["subsample2d"].options == (
        "--input",
        "--scale",
        "--in-channels",
        "--batch",
        "--input-activation",
    )
    assert symderiv.KINDS["map_combination"].options == (
        "--input",
        "--in-channels",
        "--out-channels",
        "--batch",
    )


def _count(expr: sympy.Expr) -> int:
    return 0 if expr == 0 else len(sympy.Add.make_args(sympy.expand_mul(expr)))


def _built(layer: symderiv.Layer, d: Derivation, forward, gradients) -> int:
    """Terms actually built: forward, gradients, every claim's closed-form values, symbols."""
    tensors = {
        letter: make_tensor(letter, role, shape)
        for letter, (role, shape) in layer.tensors().items()
    }
    closed = sum(
        _count(v) for claim in layer.claims() for v in layer.evaluate(claim, tensors).values()
    )
    elements = sum(len(e.terms) if e.polynomial else _count(e.expr) for e in (*forward, *gradients))
    return elements + closed + sum(len(t.elements) for t in tensors.values())


@pytest.mark.parametrize("layer", [SUB, SUB_WIDE], ids=lambda s: s.label())
def test_subsample_predicts_exactly_what_it_builds(layer):
    d = derive(layer)
    assert layer.predicted_terms() == _built(layer, d, d.forward, d.gradients)


@pytest.mark.parametrize("layer", [MIX, MIX_ONE, MIX_TORCH[2]], ids=lambda s: s.label())
def test_map_combination_prediction_is_never_below_what_it_builds(layer):
    d = derive(layer)
    main = _built(layer, d, d.forward, d.gradients_of("c") + d.gradients_of("A"))
    alpha = layer.alpha_form()
    sub = _built(alpha, d, d.exhibits["alpha_forward"], d.gradients_of("alpha"))
    assert sub == alpha.predicted_terms()
    assert main + sub <= layer.predicted_terms()


def test_absurd_sizes_are_refused_before_building():
    layer = symderiv.map_combination(input=(8, 8), in_channels=4, out_channels=4, batch=2)
    with pytest.raises(symderiv.SizeLimitError, match="would do 530,480 steps of work"):
        layer.derive(max_terms=300_000)


@pytest.mark.parametrize("layer", [SUB_WIDE, MIX], ids=lambda s: s.label())
def test_markdown_math_renders_with_katex(layer):
    from .test_markdown_math import _katex_available, _katex_errors, _snippets

    if not _katex_available():
        pytest.skip("node with katex is not available")
    assert _katex_errors(_snippets(derive(layer).to_markdown())) == []


@pytest.mark.latex
@needs_latex
@pytest.mark.parametrize("layer", [SUB_WIDE, MIX], ids=lambda s: s.label())
def test_sheets_compile_without_errors_or_overfull_boxes(layer):
    from symderiv.latex import compile_pdf, log_problems

    build = compile_pdf(derive(layer).to_latex())
    assert build.pdf.startswith(b"%PDF")
    assert log_problems(build.log) == []
