"""Element-wise activations: SymPy's derivative, the notes' form of it (σ′ = σ(1 − σ),
tanh′ = 1 − tanh²) built on its own and proved equal, f′(0) as in PyTorch, refuted
mistakes, PyTorch autograd, JSON, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import sympy
from click.testing import CliRunner

import symderiv
from symderiv.cli import cli
from symderiv.exceptions import SpecError
from symderiv.layers.activation_sheet import form_latex

from .expansions import assert_close, evaluate_text


def S(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


A0, D0 = S("A[0,0,0,0]"), S("D[0,0,0,0]")
KINDS = ("sigmoid", "tanh", "relu", "leaky_relu", "identity", "activation")


@pytest.fixture(scope="module")
def derived() -> dict[str, symderiv.Derivation]:
    return {k: symderiv.layer(k, input=(2, 2)).derive() for k in KINDS}


def _check(d, expected: bool):
    return next(c for c in d.closed_forms if c.expected is expected)


# ---- exact expansions -------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "forward", "gradient"),
    [
        (
            "sigmoid",
            "1/(1 + exp(-A[0,0,0,0]))",
            "D[0,0,0,0]*exp(-A[0,0,0,0])/(1 + exp(-A[0,0,0,0]))**2",
        ),
        ("tanh", "tanh(A[0,0,0,0])", "D[0,0,0,0]*(1 - tanh(A[0,0,0,0])**2)"),
        (
            "relu",
            "Piecewise((A[0,0,0,0], A[0,0,0,0] > 0), (0, True))",
            "D[0,0,0,0]*Piecewise((1, A[0,0,0,0] > 0), (0, True))",
        ),
        (
            "leaky_relu",
            "Piecewise((A[0,0,0,0], A[0,0,0,0] > 0), (A[0,0,0,0]/100, True))",
            "D[0,0,0,0]*Piecewise((1, A[0,0,0,0] > 0), (1/100, True))",
        ),
        ("identity", "A[0,0,0,0]", "D[0,0,0,0]"),
        (
            "activation",
            "f(A[0,0,0,0])",
            "D[0,0,0,0]*Derivative(f(A[0,0,0,0]), A[0,0,0,0])",
        ),
    ],
)
def test_forward_and_gradient_expansions(derived, kind, forward, gradient):
    doc = json.loads(derived[kind].to_json())
    assert doc["forward"][0]["expansion"] == forward
    assert doc["gradients"][0]["expansion"] == gradient
    assert ("terms" in doc["gradients"][0]) is (kind == "identity")
    assert len(doc["gradients"]) == 4
    assert [g["index"] for g in doc["gradients"]] == [
        [0, 0, 0, 0],
        [0, 0, 0, 1],
        [0, 0, 1, 0],
        [0, 0, 1, 1],
    ]


def test_each_gradient_element_depends_on_its_own_input_only(derived):
    g = derived["sigmoid"].gradient("A", (0, 0, 1, 0))
    assert g.expr.free_symbols == {S("A[0,0,1,0]"), S("D[0,0,1,0]")}
    assert [c.output for c in g.contributions] == [(0, 0, 1, 0)]


def test_relu_derivative_at_zero_is_zero_and_leaky_relu_s_is_its_slope(derived):
    relu = derived["relu"].gradient("A", (0, 0, 0, 0)).expr
    assert relu.subs(A0, 0) == 0
    assert relu.subs(A0, sympy.Rational(1, 3)) == D0
    leaky = derived["leaky_relu"].gradient("A", (0, 0, 0, 0)).expr
    assert leaky.subs(A0, 0) == D0 / 100
    assert leaky.subs(A0, -1) == D0 / 100
    md = derived["relu"].to_markdown()
    assert "SymPy's derivative of the Piecewise is $`0`$" in md
    assert "would give $`\\tfrac{1}{2}`$ there" in md
    assert "is $`\\alpha = \\frac{1}{100}`$" in derived["leaky_relu"].to_markdown()


# ---- the notes' forms ----------------------------------------------------------


def test_the_notes_forms_print_exactly():
    assert form_latex(symderiv.sigmoid()) == r"\sigma'(a) = \sigma(a) \left(1 - \sigma(a)\right)"
    assert form_latex(symderiv.tanh()) == r"\tanh'(a) = 1 - \tanh(a)^{2}"
    # the cases are mathematics only (no "for", no "otherwise"): the same in every language
    assert form_latex(symderiv.leaky_relu(negative_slope="0.2")) == (
        r"\operatorname{lrelu}'(a) = \begin{cases} 1 & a > 0 \\ \frac{1}{5} & a \leq 0 \end{cases}"
    )


def _sheet_forms(d) -> list[dict]:
    from symderiv.render.sheet import SheetView

    sections = d.layer.sheet(SheetView(d))["sections"]
    return next(s for s in sections if s["kind"] == "closed_forms")["forms"]


@pytest.mark.parametrize(
    ("kind", "right", "wrong"),
    [
        (
            "sigmoid",
            (
                "D .* sigmoid'(A)",
                r"\frac{\partial E}{\partial A} = D \odot \sigma'\left(A\right), \qquad "
                r"\sigma'(a) = \sigma(a) \left(1 - \sigma(a)\right)",
            ),
            ("D .* sigmoid(A)", r"\frac{\partial E}{\partial A} = D \odot \sigma\left(A\right)"),
        ),
        (
            "tanh",
            (
                "D .* tanh'(A)",
                r"\frac{\partial E}{\partial A} = D \odot \tanh'\left(A\right), \qquad "
                r"\tanh'(a) = 1 - \tanh(a)^{2}",
            ),
            (
                "D .* (1 - tanh)(A)",
                r"\frac{\partial E}{\partial A} = D \odot \left(1 - \tanh\right)\left(A\right)",
            ),
        ),
        (
            "activation",
            ("D .* f'(A)", r"\frac{\partial E}{\partial A} = D \odot f'\left(A\right)"),
            ("D", r"\frac{\partial E}{\partial A} = D"),
        ),
    ],
)
def test_closed_forms_print_exactly(derived, kind, right, wrong):
    forms = _sheet_forms(derived[kind])
    assert [(f["text"], f["latex"]) for f in forms] == [right, wrong]


def test_sigmoid_form_is_built_on_its_own_and_proved_by_cancel(derived):
    d = derived["sigmoid"]
    claim = d.layer.claims()[0]
    sigma = 1 / (1 + sympy.exp(-A0))
    built = claim.formula.evaluate({"A": d.tensor("A").array(), "D": d.tensor("D").array()})
    assert built[0, 0, 0, 0] == D0 * sigma * (1 - sigma)
    derived_expr = d.gradient("A", (0, 0, 0, 0)).expr
    assert derived_expr != built[0, 0, 0, 0]
    assert sympy.expand(derived_expr - built[0, 0, 0, 0]) != 0  # expand alone cannot tell
    check = _check(d, True)
    assert (check.holds, check.decided_by, check.checked) == (True, "cancel", 4)


@pytest.mark.parametrize(
    ("kind", "method"),
    [
        ("tanh", "expand"),
        ("relu", "expand"),
        ("leaky_relu", "expand"),
        ("identity", "expand"),
        ("activation", "expand"),
    ],
)
def test_the_right_form_holds_at_every_element(derived, kind, method):
    c = _check(derived[kind], True)
    assert (c.holds, c.decided_by, c.checked, c.undecided) == (True, method, 4, 0)
    assert derived[kind].verified


@pytest.mark.parametrize(
    ("kind", "stated_in", "method", "closed"),
    [
        (
            "sigmoid",
            "sigma' = sigma: the function in place of its derivative",
            "counterexample",
            D0 / (1 + sympy.exp(-A0)),
        ),
        (
            "tanh",
            "tanh' = 1 - tanh: the square forgotten",
            "counterexample",
            D0 * (1 - sympy.tanh(A0)),
        ),
        ("relu", "f' = 1: the delta passed back ungated", "counterexample", D0),
        (
            "leaky_relu",
            "relu': the negative slope forgotten",
            "counterexample",
            D0 * sympy.Piecewise((1, A0 > 0), (0, True)),
        ),
        ("identity", "f' = f: the function in place of its derivative", "expand", A0 * D0),
        ("activation", "f' forgotten", "counterexample", D0),
    ],
)
def test_the_known_mistake_is_refuted_at_every_element(derived, kind, stated_in, method, closed):
    c = _check(derived[kind], False)
    assert (c.stated_in, c.holds, c.failures, c.checked, c.undecided) == (stated_in, False, 4, 4, 0)
    assert c.decided_by == method
    assert c.first_failure is not None
    assert c.first_failure.index == (0, 0, 0, 0)
    assert sympy.simplify(c.first_failure.closed - closed) == 0


def test_leaky_relu_with_slope_zero_is_a_relu_and_says_so():
    d = symderiv.leaky_relu(input=2, negative_slope=0).derive()
    assert d.verified
    wrong = _check(d, False)
    assert (wrong.stated_in, wrong.failures, wrong.checked) == (
        "f' = 1: the delta passed back ungated",
        2,
        2,
    )


# ---- numbers -----------------------------------------------------------------

SHAPES = [((2, 2), 1, 1), ((3,), 2, 2), ((2, 1, 2), 1, 2)]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("input", "channels", "batch"), SHAPES)
def test_agrees_with_pytorch_autograd(kind, input, channels, batch):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    spec = symderiv.layer(kind, input=input, in_channels=channels, batch=batch)
    d = spec.derive()
    shape = (batch, channels, *input)
    rng = np.random.default_rng(len(kind) * 100 + sum(shape))
    arrays = {"A": rng.uniform(-3, 3, shape), "D": rng.uniform(-2, 2, shape)}
    A = torch.tensor(arrays["A"], dtype=torch.float64, requires_grad=True)
    torch_f = {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": F.relu,
        "leaky_relu": lambda x: F.leaky_relu(x, 0.01),
        "identity": lambda x: x * 1,
        "activation": torch.sin,  # the stand-in for the unspecified f
    }[kind]
    Z = torch_f(A)
    Z.backward(torch.tensor(arrays["D"], dtype=torch.float64))
    functions = {"f": sympy.sin} if kind == "activation" else None
    assert_close(d.forward, Z.detach().numpy(), arrays, functions)
    assert_close(d.gradients_of("A"), A.grad.numpy(), arrays, functions)


@pytest.mark.parametrize(
    ("kind", "slope"), [("relu", 0.0), ("leaky_relu", 0.01), ("leaky_relu", 0.2)]
)
def test_relu_gradients_at_exactly_zero_agree_with_pytorch(kind, slope):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    spec = (
        symderiv.relu(input=(2, 2))
        if kind == "relu"
        else symderiv.leaky_relu(input=(2, 2), negative_slope=slope)
    )
    d = spec.derive()
    arrays = {
        "A": np.array([[[[0.0, 0.0], [1.5, -0.5]]]]),
        "D": np.array([[[[0.7, -1.3], [0.4, 2.0]]]]),
    }
    A = torch.tensor(arrays["A"], dtype=torch.float64, requires_grad=True)
    out = F.relu(A) if kind == "relu" else F.leaky_relu(A, slope)
    out.backward(torch.tensor(arrays["D"], dtype=torch.float64))
    grads = [
        g.expr.subs(
            {
                S(f"A[0,0,{i},{j}]"): sympy.nsimplify(arrays["A"][0, 0, i, j])
                for i in range(2)
                for j in range(2)
            }
        )
        for g in d.gradients_of("A")
    ]
    values = [
        float(
            g.subs(
                {S(f"D[0,0,{i},{j}]"): arrays["D"][0, 0, i, j] for i in range(2) for j in range(2)}
            )
        )
        for g in grads
    ]
    assert values == pytest.approx(A.grad.numpy().ravel().tolist(), rel=1e-15, abs=0)
    assert values[0] == (0.0 if kind == "relu" else slope * 0.7)


def test_json_expansions_evaluate_to_the_reference(derived):
    for kind, d in derived.items():
        spec = d.layer
        arrays = spec.random_values(3)
        expected = spec.reference(arrays)
        doc = json.loads(d.to_json())
        functions = {"f": sympy.sin} if kind == "activation" else None
        for e in doc["forward"] + doc["gradients"]:
            letter = "Z" if e in doc["forward"] else "A"
            value = evaluate_text(e["expansion"], arrays, functions)
            assert value == pytest.approx(
                expected[letter][tuple(e["index"])], rel=1e-12, abs=1e-12
            ), kind


def test_json_layer_blocks(derived):
    blocks = {k: json.loads(d.to_json())["layer"] for k, d in derived.items()}
    assert blocks == {
        "sigmoid": {"kind": "sigmoid"},
        "tanh": {"kind": "tanh"},
        "relu": {"kind": "relu"},
        "leaky_relu": {"kind": "leaky_relu", "negative_slope": "0.01"},
        "identity": {"kind": "identity"},
        "activation": {"kind": "activation", "function": "f", "numeric_stand_in": "sin"},
    }
    doc = json.loads(derived["sigmoid"].to_json())
    assert doc["tensors"] == {
        "A": {"role": "input", "shape": [1, 1, 2, 2]},
        "D": {"role": "delta", "shape": [1, 1, 2, 2]},
    }
    assert doc["closed_forms"][0]["decided_by"] == "cancel"
    assert doc["closed_forms"][1]["decided_by"] == "counterexample"


# ---- the command line and the API -------------------------------------------


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


SLOPE_RULE = "expected a number, such as 0.01 (a decimal, or a ratio such as 1/3)"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["leaky_relu", "--slope", "abc"], f"--slope 'abc': {SLOPE_RULE}"),
        (["leaky_relu", "--slope", "nan"], f"--slope 'nan': {SLOPE_RULE}"),
        (["leaky_relu", "--slope", "inf"], f"--slope 'inf': {SLOPE_RULE}"),
        (["leaky_relu", "--slope", "1/0"], "--slope '1/0': the denominator must not be 0"),
        (
            ["leaky_relu", "--slope", "1e999"],
            "--slope '1e999': the exponent must be between -20 and 20",
        ),
        (["leaky_relu", "--slope", "0.0１"], f"--slope '0.0１': {SLOPE_RULE}"),
        (
            ["sigmoid", "--slope", "0.1"],
            "--slope '0.1': sigmoid has no such option; it takes --input, --in-channels, --batch",
        ),
        (
            ["relu", "--kernel", "2"],
            "--kernel '2': relu has no such option; it takes --input, --in-channels, --batch",
        ),
        (
            ["tanh", "--input", "2x2x2x2"],
            "--input '2x2x2x2': expected 1 to 3 sizes joined by 'x', such as '3x3'",
        ),
        (["tanh", "--input", "0x2"], "--input '0x2': every size must be at least 1"),
        (
            ["identity", "--in-channels", "0"],
            "--in-channels '0': expected a positive integer, such as 2",
        ),
        (["activation", "--batch", "two"], "--batch 'two': expected a positive integer, such as 2"),
    ],
)
def test_bad_input_is_one_line_exit_2_nothing_written(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["derive", *args], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr == f"symderiv: error: {message}\n"
    assert result.stdout == ""
    assert _files(tmp_path) == []


@pytest.mark.parametrize(
    ("slope", "exact", "label"),
    [
        ("0.01", sympy.Rational(1, 100), "leaky_relu_2_slope0p01"),
        ("1e-2", sympy.Rational(1, 100), "leaky_relu_2_slope0p01"),
        ("-2.5", sympy.Rational(-5, 2), "leaky_relu_2_slopem2p5"),
        ("1/3", sympy.Rational(1, 3), "leaky_relu_2_slope1_3"),
    ],
)
def test_slopes_are_exact_rationals(tmp_path, monkeypatch, slope, exact, label):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli,
        ["derive", "leaky_relu", "--input", "2", "--slope", slope, "--format", "json", "-o", "-"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["gradients"][0]["expansion"] == (
        f"D[0,0,0]*Piecewise((1, A[0,0,0] > 0), ({sympy.sstr(exact)}, True))"
    )
    assert symderiv.leaky_relu(input=2, negative_slope=slope).label() == label
    assert result.stderr.endswith(f"symderiv: {label}: verified\n")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: symderiv.leaky_relu(negative_slope=float("nan")),
            "negative_slope nan: expected a finite number",
        ),
        (
            lambda: symderiv.leaky_relu(negative_slope="abc"),
            "negative_slope 'abc': expected a number, such as 0.01",
        ),
        (
            lambda: symderiv.leaky_relu(negative_slope=True),
            "negative_slope True: expected a number, such as 0.01",
        ),
        (lambda: symderiv.sigmoid(input=(0, 2)), r"input \(0, 2\): every size must be at least 1"),
        (
            lambda: symderiv.tanh(input=(2, 2, 2, 2)),
            r"input \(2, 2, 2, 2\): expected 1 or 2 or 3 sizes",
        ),
        (lambda: symderiv.relu(in_channels=0), "in_channels 0: expected a positive integer"),
        (
            lambda: symderiv.ActivationSpec("sigmoid", negative_slope=sympy.Rational(1, 2)),
            "negative_slope 1/2: only leaky_relu has one, not sigmoid",
        ),
        (
            lambda: symderiv.ActivationSpec("softplus"),
            "function 'softplus': expected one of sigmoid, tanh, relu, leaky_relu, identity, activation",
        ),
    ],
)
def test_api_refuses_bad_values(call, message):
    with pytest.raises(SpecError, match=f"^{message}$"):
        call()


def test_api_takes_floats_as_their_shortest_decimal():
    assert symderiv.leaky_relu(negative_slope=0.01).negative_slope == sympy.Rational(1, 100)
    assert symderiv.leaky_relu(negative_slope=0.1 + 0.2).negative_slope == sympy.Rational(
        30000000000000004, 10**17
    )
    assert symderiv.sigmoid(input="2x3").input == (2, 3)
    assert symderiv.sigmoid(input=4).input == (4,)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("input", "channels", "batch"), [((2, 2), 1, 1), ((3,), 2, 2)])
def test_predicted_terms_cover_the_work_done(kind, input, channels, batch):
    spec = symderiv.layer(kind, input=input, in_channels=channels, batch=batch)
    d = spec.derive()
    tensors = {t.letter: t for t in d.tensors}

    def size(expr: sympy.Expr) -> int:
        return len(sympy.Add.make_args(expr))

    forward = sum(size(e.expr) for e in d.forward)
    gradients = sum(size(g.expr) for g in d.gradients)
    closed = sum(size(v) for claim in spec.claims() for v in spec.evaluate(claim, tensors).values())
    symbols = sum(len(t.elements) for t in d.tensors)
    assert spec.predicted_terms() >= forward + gradients + closed + symbols


def test_the_sheets_show_sympy_s_derivative_and_the_notes_form(derived):
    md = derived["sigmoid"].to_markdown()
    assert (
        "\\frac{d}{da}\\, \\sigma(a) &= \\frac{e^{- a}}{\\left(1 + e^{- a}\\right)^{2}} \\\\\n"
        "\\sigma'(a) &= \\sigma(a) \\left(1 - \\sigma(a)\\right)"
    ) in md
    assert (
        "\\frac{\\partial E}{\\partial A_{00}} &= \\frac{D_{00} e^{- A_{00}}}{\\left(1 + e^{- A_{00}}\\right)^{2}}"
        in md
    )
    md = derived["activation"].to_markdown()
    assert "\\frac{d}{da}\\, f(a) &= f'(a)" in md
    assert "\\frac{\\partial E}{\\partial A_{00}} &= D_{00} f'{\\left(A_{00} \\right)}" in md
    assert "For the numeric check alone, $`f = \\sin`$ stands in for it." in md


def test_gallery_file_names_are_the_labels_whole():
    # a dot in a label would be taken for a suffix (leaky_relu_2x2_slope0.01 -> slope0.tex)
    from symderiv.gallery import GALLERY, gallery_files

    mine = [
        s for s in GALLERY if s.kind in (*KINDS, "linear", "squared_error", "softmax_cross_entropy")
    ]
    assert [s.label() for s in mine] == [
        "linear_in3_out2",
        "sigmoid_2x2",
        "tanh_2x2",
        "relu_2x2",
        "leaky_relu_2x2_slope0p01",
        "squared_error_3",
        "softmax_cross_entropy_3",
    ]
    for spec in mine:
        names = sorted(p.name for p in gallery_files(spec, Path("out"), pdf=False))
        assert names == [f"{spec.label()}.{ext}" for ext in ("json", "md", "tex")]
