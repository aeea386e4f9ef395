"""The fully-connected layer u = Wx + b: exact expansions, the notes' closed forms and
matrix-differential route, refuted mistakes, PyTorch autograd, JSON, bad input.

What the tests transcribe from the notes (seed 002, fully connected layers; seed 001,
matrix differential): u = W x + b, the sensitivity δ = ∂E/∂u = ∂E/∂b, ∂E/∂W = δ xᵀ,
and in the Jacobian layout D_X f = ∂f/∂Xᵀ, df = tr(D_X f · dX).
"""

from __future__ import annotations

import json
from itertools import product
from pathlib import Path

import numpy as np
import pytest
import sympy
from click.testing import CliRunner

import symderiv
from symderiv.cli import cli
from symderiv.core.model import Term
from symderiv.core.symbols import make_tensor
from symderiv.exceptions import SpecError
from symderiv.layers.dense import MATRIX_ROUTE, differential

from .conftest import needs_latex
from .expansions import assert_close, evaluate_text


def S(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


@pytest.fixture(scope="module")
def default() -> symderiv.Derivation:
    return symderiv.linear().derive()


@pytest.fixture(scope="module")
def square_batch() -> symderiv.Derivation:
    return symderiv.linear(in_features=2, out_features=2, batch=2).derive()


# ---- exact expansions -------------------------------------------------------


def test_weight_gradient_is_input_times_delta(default):
    g = default.gradient("W", (0, 1))
    assert g.terms == (Term(sympy.Integer(1), (S("A[0,1]"), S("D[0,0]"))),)
    assert json.loads(default.to_json())["gradients"][1]["expansion"] == "A[0,1]*D[0,0]"
    assert str(default).splitlines()[2] == "  dE/dW01 = A1·D0"
    assert [c.output for c in g.contributions] == [(0, 0)]


def test_every_expansion_of_the_default_layer(default):
    doc = json.loads(default.to_json())
    assert [e["expansion"] for e in doc["forward"]] == [
        "A[0,0]*W[0,0] + A[0,1]*W[0,1] + A[0,2]*W[0,2] + b[0]",
        "A[0,0]*W[1,0] + A[0,1]*W[1,1] + A[0,2]*W[1,2] + b[1]",
    ]
    assert {(tuple(g["index"]), g["of"]): g["expansion"] for g in doc["gradients"]} == {
        ((0, 0), "W"): "A[0,0]*D[0,0]",
        ((0, 1), "W"): "A[0,1]*D[0,0]",
        ((0, 2), "W"): "A[0,2]*D[0,0]",
        ((1, 0), "W"): "A[0,0]*D[0,1]",
        ((1, 1), "W"): "A[0,1]*D[0,1]",
        ((1, 2), "W"): "A[0,2]*D[0,1]",
        ((0,), "b"): "D[0,0]",
        ((1,), "b"): "D[0,1]",
        # SymPy's str() orders a product's factors alphabetically
        ((0, 0), "A"): "D[0,0]*W[0,0] + D[0,1]*W[1,0]",
        ((0, 1), "A"): "D[0,0]*W[0,1] + D[0,1]*W[1,1]",
        ((0, 2), "A"): "D[0,0]*W[0,2] + D[0,1]*W[1,2]",
    }
    # the terms keep the sheet's order, weight before delta
    assert [t["factors"] for t in doc["gradients"][-1]["terms"]] == [
        ["W[0,2]", "D[0,0]"],
        ["W[1,2]", "D[0,1]"],
    ]


def test_a_batch_sums_the_weight_and_bias_gradients_over_samples(square_batch):
    d = square_batch
    assert d.gradient("W", (1, 0)).expr == S("A[0,0]") * S("D[0,1]") + S("A[1,0]") * S("D[1,1]")
    assert d.gradient("b", (1,)).expr == S("D[0,1]") + S("D[1,1]")
    # the input gradient stays per sample
    assert d.gradient("A", (1, 0)).expr == S("W[0,0]") * S("D[1,0]") + S("W[1,0]") * S("D[1,1]")


# ---- closed forms and the matrix route --------------------------------------


def _form(d, of: str, stated_in: str):
    return next(c for c in d.closed_forms if c.of == of and c.stated_in == stated_in)


def _sheet_forms(d) -> dict[str, str]:
    from symderiv.render.sheet import SheetView

    sections = d.layer.sheet(SheetView(d))["sections"]
    forms = next(s for s in sections if s["kind"] == "closed_forms")["forms"]
    return {f["text"]: f["latex"] for f in forms}


def test_closed_forms_print_as_the_notes_write_them(default, square_batch):
    assert _sheet_forms(default) == {
        "delta @ x^T": r"\frac{\partial E}{\partial W} = \delta\, x^{\mathsf{T}}",
        "M^T": r"\frac{\partial E}{\partial W} = M^{\mathsf{T}}",
        "delta": r"\frac{\partial E}{\partial b} = \delta",
        "W^T @ delta": r"\frac{\partial E}{\partial x} = W^{\mathsf{T}}\, \delta",
        "x @ delta^T": r"\frac{\partial E}{\partial W} = x\, \delta^{\mathsf{T}}",
        "W @ delta": r"\frac{\partial E}{\partial x} = W\, \delta",
    }
    batch = _sheet_forms(square_batch)
    assert batch["delta @ x^T"] == (
        r"\frac{\partial E}{\partial W} = \sum_{n} {\delta^{(n)}}\, {x^{(n)}}^{\mathsf{T}}"
    )
    assert (
        batch["W^T @ delta"]
        == r"\frac{\partial E}{\partial x^{(n)}} = W^{\mathsf{T}}\, {\delta^{(n)}}"
    )


@pytest.mark.parametrize("sizes", [(3, 2, 1), (2, 2, 2), (1, 4, 3)])
def test_the_notes_closed_forms_hold_and_are_proved(sizes):
    i, o, n = sizes
    d = symderiv.linear(in_features=i, out_features=o, batch=n).derive()
    assert d.verified
    for of, count in (("W", i * o), ("b", o), ("A", n * i)):
        c = _form(d, of, "the notes")
        assert (c.holds, c.checked, c.decided_by) == (True, count, "expand")
    assert _form(d, "W", MATRIX_ROUTE).holds


def test_matrix_differential_reads_off_delta_x_transposed():
    spec = symderiv.linear(in_features=3, out_features=2, batch=1)
    A = make_tensor("A", "input", (1, 3)).array()
    D = make_tensor("D", "delta", (1, 2)).array()
    dW, terms, M = differential(A, D, (2, 3))
    assert dW[1, 2] == S("dW[1,2]")
    # dE = δᵀ dW x, term by term, ordered by dW index
    assert [sympy.Mul(*t.factors) for t in terms] == [
        S(f"A[0,{i}]") * S(f"D[0,{j}]") * S(f"dW[{j},{i}]") for j, i in product(range(2), range(3))
    ]
    # M (3×2) with dE = tr(M dW): M[i, j] is the coefficient of dW[j, i]
    assert M.shape == (3, 2)
    assert M[2, 1] == S("A[0,2]") * S("D[0,1]")
    # ∂E/∂W = Mᵀ equals the chain rule's elements, element by element
    d = spec.derive()
    for j, i in product(range(2), range(3)):
        assert sympy.expand(M[i, j] - d.gradient("W", (j, i)).expr) == 0
    # and dE is the whole differential: Σ (∂E/∂W_ji) dW_ji
    dE = sympy.Add(*(t.expr() for t in terms))
    total = sympy.Add(*(g.expr * dW[g.index] for g in d.gradients_of("W")))
    assert sympy.expand(dE - total) == 0


def test_matrix_route_with_a_batch_is_proved_against_the_elements(square_batch):
    c = _form(square_batch, "W", MATRIX_ROUTE)
    assert (c.holds, c.checked, c.failures) == (True, 4, 0)
    M = square_batch.exhibits["differential"]["M"]
    assert M[0, 1] == S("A[0,0]") * S("D[0,1]") + S("A[1,0]") * S("D[1,1]")
    assert square_batch.exhibits["differential"]["M_is_x_delta_t"] is True


def test_the_sheet_shows_both_routes_with_the_matrices_filled_in(default):
    md = default.to_markdown()
    assert (
        r"\mathrm{d}E &= A_{0} D_{0}\, \mathrm{d}W_{00} + A_{1} D_{0}\, \mathrm{d}W_{01} "
        r"+ A_{2} D_{0}\, \mathrm{d}W_{02}"
    ) in md
    assert (
        r"\mathrm{d}E &= \operatorname{tr}\left(\delta^{\mathsf{T}}\, \mathrm{d}W\, x\right) = "
        r"\operatorname{tr}\left(x\, \delta^{\mathsf{T}}\, \mathrm{d}W\right)"
    ) in md
    assert (
        r"M &= x\, \delta^{\mathsf{T}} = \begin{bmatrix} A_{0} D_{0} & A_{0} D_{1} \\ "
        r"A_{1} D_{0} & A_{1} D_{1} \\ A_{2} D_{0} & A_{2} D_{1} \end{bmatrix}"
    ) in md
    assert (
        r"\frac{\partial E}{\partial W} &= M^{\mathsf{T}} = \delta\, x^{\mathsf{T}} = "
        r"\begin{bmatrix} A_{0} D_{0} & A_{1} D_{0} & A_{2} D_{0} \\ "
        r"A_{0} D_{1} & A_{1} D_{1} & A_{2} D_{1} \end{bmatrix}"
    ) in md
    assert "**Proved:** $`M^{\\mathsf{T}}`$, read off the differential, equals" in md
    assert "at all 6 elements" in md
    # and the chain rule's elements too, as the matrix they form (entry (j, i) for W_ji)
    assert (
        r"\frac{\partial E}{\partial W} = \begin{bmatrix} A_{0} D_{0} & A_{1} D_{0} & "
        r"A_{2} D_{0} \\ A_{0} D_{1} & A_{1} D_{1} & A_{2} D_{1} \end{bmatrix}"
    ) in md


def test_wide_matrices_are_described_not_printed():
    d = symderiv.linear(in_features=12, out_features=9).derive()
    md = d.to_markdown()
    assert "(too wide to print here; the expansion above holds it)" in md
    assert r"M &= x\, \delta^{\mathsf{T}}" + "\n" in md


# ---- refuted mistakes --------------------------------------------------------


def test_the_transpose_is_refuted_element_by_element_when_the_shapes_agree(square_batch):
    c = _form(square_batch, "W", "x delta^T: the transpose of the gradient")
    assert (c.holds, c.expected, c.failures, c.checked) == (False, False, 2, 4)
    f = c.first_failure
    assert f is not None
    assert f.index == (0, 1)
    assert f.derived == S("A[0,1]") * S("D[0,0]") + S("A[1,1]") * S("D[1,0]")
    assert f.closed == S("A[0,0]") * S("D[0,1]") + S("A[1,0]") * S("D[1,1]")
    w = _form(square_batch, "A", "W delta: the transpose of W forgotten")
    assert w.first_failure is not None
    assert w.first_failure.index == (0, 0)
    assert w.first_failure.closed == S("W[0,0]") * S("D[0,0]") + S("W[0,1]") * S("D[0,1]")


def test_the_transpose_has_the_wrong_shape_when_in_differs_from_out(default):
    c = _form(default, "W", "x delta^T: the transpose of the gradient")
    assert c.first_failure is not None
    assert c.first_failure.reason == "The formula gives a (3, 2) matrix, the gradient is (2, 3)"
    w = _form(default, "A", "W delta: the transpose of W forgotten")
    assert w.first_failure is not None
    assert w.first_failure.reason == "The shapes do not fit: matrix product of (2, 3) and (2, 1)"
    assert default.verified  # known mistakes are reported, not required


# ---- numbers -----------------------------------------------------------------


@pytest.mark.parametrize("sizes", [(3, 2, 1), (2, 2, 2), (4, 3, 3)])
def test_agrees_with_pytorch_autograd(sizes):
    torch = pytest.importorskip("torch")
    i, o, n = sizes
    spec = symderiv.linear(in_features=i, out_features=o, batch=n)
    d = spec.derive()
    rng = np.random.default_rng(1000 * i + 10 * o + n)
    arrays = {
        "A": rng.uniform(-2, 2, (n, i)),
        "W": rng.uniform(-2, 2, (o, i)),
        "b": rng.uniform(-2, 2, (o,)),
        "D": rng.uniform(-2, 2, (n, o)),
    }
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=k != "D") for k, v in arrays.items()}
    Z = torch.nn.functional.linear(t["A"], t["W"], t["b"])
    Z.backward(t["D"])
    assert_close(d.forward, Z.detach().numpy(), arrays)
    for letter in ("W", "b", "A"):
        assert_close(d.gradients_of(letter), t[letter].grad.numpy(), arrays)


def test_json_document(default):
    doc = json.loads(default.to_json())
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
    assert doc["layer"] == {"kind": "linear", "in_features": 3, "out_features": 2}
    assert doc["tensors"] == {
        "A": {"role": "input", "shape": [1, 3]},
        "W": {"role": "weight", "shape": [2, 3]},
        "b": {"role": "bias", "shape": [2]},
        "D": {"role": "delta", "shape": [1, 2]},
    }
    assert [g["of"] for g in doc["gradients"]] == ["W"] * 6 + ["b"] * 2 + ["A"] * 3
    assert all("terms" in g for g in doc["gradients"])
    assert [(c["of"], c["formula"], c["stated_in"], c["holds"]) for c in doc["closed_forms"]] == [
        ("W", "delta @ x^T", "the notes", True),
        ("W", "M^T", "matrix differential", True),
        ("b", "delta", "the notes", True),
        ("A", "W^T @ delta", "the notes", True),
        ("W", "x @ delta^T", "x delta^T: the transpose of the gradient", False),
        ("A", "W @ delta", "W delta: the transpose of W forgotten", False),
    ]
    assert doc["verified"] is True


def test_json_expansions_evaluate_to_the_reference(square_batch):
    spec = square_batch.layer
    arrays = spec.random_values(7)
    expected = spec.reference(arrays)
    doc = json.loads(square_batch.to_json())
    for e in doc["forward"] + doc["gradients"]:
        letter = "Z" if e in doc["forward"] else e["of"]
        value = evaluate_text(e["expansion"], arrays)
        assert value == pytest.approx(expected[letter][tuple(e["index"])], rel=1e-12, abs=1e-12)


# ---- the command line and the API -------------------------------------------


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--in-features", "0"], "--in-features '0': expected a positive integer, such as 2"),
        (["--out-features", "abc"], "--out-features 'abc': expected a positive integer, such as 2"),
        (["--batch", "-1"], "--batch '-1': expected a positive integer, such as 2"),
        (
            ["--kernel", "3"],
            "--kernel '3': linear has no such option; it takes --in-features, --out-features, "
            "--batch, --input-activation",
        ),
        (
            ["--input", "3"],
            "--input '3': linear has no such option; it takes --in-features, --out-features, "
            "--batch, --input-activation",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2_nothing_written(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["derive", "linear", *args], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr == f"symderiv: error: {message}\n"
    assert result.stdout == ""
    assert _files(tmp_path) == []


def test_command_line_writes_the_sheet(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli,
        ["derive", "linear", "--in-features", "2", "--batch", "2", "--format", "json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    assert _files(tmp_path) == ["output/linear_in2_out2_n2.json"]
    assert result.stderr.endswith("symderiv: linear_in2_out2_n2: verified\n")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"in_features": 0}, "in_features 0: expected a positive integer"),
        ({"out_features": True}, "out_features True: expected a positive integer"),
        ({"batch": 1.5}, "batch 1.5: expected a positive integer"),
    ],
)
def test_api_refuses_bad_values(kwargs, message):
    with pytest.raises(SpecError, match=f"^{message}$"):
        symderiv.linear(**kwargs)


def test_api_and_registry_build_the_same_layer():
    assert symderiv.layer("linear", in_features=4) == symderiv.linear(in_features=4)
    assert symderiv.KINDS["linear"].options == (
        "--in-features", "--out-features", "--batch", "--input-activation"
    )


@pytest.mark.parametrize("sizes", [(3, 2, 1), (2, 5, 3), (6, 1, 2)])
def test_predicted_terms_cover_the_work_done(sizes):
    i, o, n = sizes
    spec = symderiv.linear(in_features=i, out_features=o, batch=n)
    d = spec.derive()
    tensors = {t.letter: t for t in d.tensors}
    forward = sum(len(e.terms) for e in d.forward)
    gradients = sum(len(g.terms) for g in d.gradients)
    closed = 0
    for claim in spec.claims():
        try:
            values = spec.evaluate(claim, tensors)
        except ValueError:
            continue
        closed += sum(len(sympy.Add.make_args(sympy.expand(v))) for v in values.values())
    differential_work = 2 * len(d.exhibits["differential"]["terms"])
    symbols = sum(len(t.elements) for t in d.tensors) + o * i
    actual = forward + gradients + closed + differential_work + symbols
    assert spec.predicted_terms() >= actual


@needs_latex
@pytest.mark.latex
def test_the_gallery_sheet_builds_a_clean_pdf(default):
    from symderiv.latex import compile_pdf

    build = compile_pdf(default.to_latex())
    assert build.pdf.startswith(b"%PDF")
