"""An activated input, A = f(z): dE/dz derived through f, checked, and agreeing with PyTorch."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import sympy
from click.testing import CliRunner

import symderiv
from symderiv.checker import check
from symderiv.cli import cli, render_format
from symderiv.core import work
from symderiv.exceptions import SpecError
from symderiv.layers.loss import LossSpec

torch = pytest.importorskip("torch")
F = torch.nn.functional

TORCH_FN = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "f": torch.sin}

LAYERS = [
    symderiv.conv2d(input=(3, 3), convention="convolution", input_activation="sigmoid"),
    symderiv.conv2d(input=(5, 5), kernel=(3, 3), stride=2, padding=1, input_activation="tanh"),
    symderiv.conv_transpose1d(input=3, kernel=2, stride=2, input_activation="relu"),
    symderiv.linear(in_features=3, out_features=2, batch=2, input_activation="tanh"),
    symderiv.subsample2d(input_activation="f"),
    symderiv.avg_pool2d(input=(5, 5), kernel=(3, 3), stride=2, input_activation="tanh"),
    symderiv.squared_error(input=3, input_activation="relu"),
]


def _torch_forward(layer, t):
    """The layer's output (a loss: E) on torch tensors, with its input f(z)."""
    fn = TORCH_FN[layer.input_activation]
    if layer.kind == "squared_error":
        return 0.5 * ((fn(t["z"]) - t["t"]) ** 2).sum()
    A = fn(t["z"])
    if layer.kind == "linear":
        return F.linear(A, t["W"], t["b"])
    if layer.kind == "subsample2d":
        n, c, h, w = A.shape
        sh, sw = layer.scale
        blocks = A.reshape(n, c, h // sh, sh, w // sw, sw).sum((3, 5))
        return t["beta"][:, None, None] * blocks + t["b"][:, None, None]
    if layer.kind.startswith("avg_pool"):
        return F.avg_pool2d(A, layer.kernel, layer.stride, layer.padding)
    K = t["K"]
    if layer.convention == "convolution":
        K = K.flip(tuple(range(2, K.dim())))
    if layer.transposed:
        conv = {1: F.conv_transpose1d, 2: F.conv_transpose2d}[layer.ndim]
        return conv(A, K, t["b"], stride=layer.stride, padding=layer.padding)
    conv = {1: F.conv1d, 2: F.conv2d}[layer.ndim]
    return conv(A, K, t["b"], stride=layer.stride, padding=layer.padding)


@pytest.fixture(scope="module", params=LAYERS, ids=lambda layer: layer.label())
def derived(request):
    layer = request.param
    return layer, layer.derive()


def test_the_derivation_is_verified_and_dE_dz_agrees_with_torch_autograd(derived):
    layer, d = derived
    assert d.verified
    assert layer.wrt()[-1] == "z"
    arrays = layer.random_values(7)
    # the numeric check's A is f(z), not a value of its own
    fn = {"sigmoid": lambda v: 1 / (1 + np.exp(-v)), "tanh": np.tanh,
          "relu": lambda v: np.maximum(v, 0.0), "f": np.sin}[layer.input_activation]
    assert np.allclose(arrays[layer.activated_letter], fn(arrays["z"]), rtol=0, atol=1e-15)
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in arrays.items()}
    out = _torch_forward(layer, t)
    (out if layer.delta is None else (out * t["D"].detach()).sum()).backward()
    expected = t["z"].grad.numpy()
    point = {s: float(arrays[x.letter].ravel()[i]) for x in d.tensors for i, s in enumerate(x.elements)}
    x = sympy.Symbol("x")
    stand_in = {sympy.Function("f"): sympy.Lambda(x, sympy.sin(x))}
    for g in d.gradients_of("z"):
        value = float(g.expr.subs(stand_in).doit().xreplace(point))
        assert math.isclose(value, expected[g.index], rel_tol=0, abs_tol=1e-12), g


def test_dE_dz_is_derived_through_f_not_typed_in(derived):
    layer, d = derived
    for g in d.gradients_of("z"):
        a = d.gradient(layer.activated_letter, g.index)
        z = sympy.Symbol(f"z[{','.join(map(str, g.index))}]", real=True)
        f = layer.activated.apply(z)
        assert sympy.simplify(g.expr - a.expr * sympy.diff(f, z)) == 0
    forms = {(c.of, c.stated_in): c.holds for c in d.closed_forms if c.of == "z"}
    assert forms == {("z", "the chain rule through f"): True, ("z", "the factor f'(z) forgotten"): False}


def test_the_prediction_of_the_work_is_never_below_the_work_done():
    layer = symderiv.conv2d(input=(3, 3), in_channels=2, input_activation="relu")
    with work.counting() as counted:
        d = layer.derive()
        for fmt in ("tex", "md", "json"):
            render_format(d, fmt)
    predicted = layer.predicted_work()
    assert {s: n for s, n in counted.items() if n > predicted[s]} == {}


CONV = symderiv.conv2d(convention="convolution", input_activation="sigmoid")


@pytest.fixture(scope="module")
def conv():
    return CONV.derive()


@pytest.mark.parametrize(
    ("formula", "of"),
    [
        ("δ^{l+1} * rot180(w) ∘ σ′(z^l)", "z"),  # the CNN notes' delta recursion, in full
        ("delta * rot180(w) .* sigma'(u)", "z"),  # Bouvrie's u for z
        ("conv2(D, rot180(K), 'full') .* x .* (1 - x)", "z"),  # sigma' = x(1 - x)
        ("conv2(rot180(sigma(z)), δ, 'valid')", "K"),  # the notes' sigma(ROT180(z)), commuted
        ("conv2(D, rot180(K), 'full')", "A"),
    ],
)
def test_formulas_with_z_and_sigma_hold(conv, formula, of):
    r = check(CONV, formula, of, derivation=conv)
    assert (r.holds, r.checked, r.given) == (True, 4 if of == "K" else 16, "A = sigma(z)")


def test_a_missing_sigma_prime_is_diagnosed_and_its_repair_proved(conv):
    r = check(CONV, "δ^{l+1} * rot180(w)", "z", derivation=conv)
    assert not r.holds
    assert (r.diagnosis, r.repair) == (
        "a missing σ′ (f′(z))",
        "conv2(D, rot180(K), 'full') .* sigma'(z)",
    )
    assert check(CONV, r.repair, "z", derivation=conv).holds


def test_a_sigma_prime_given_for_the_layers_own_input_gradient_is_one_too_many(conv):
    r = check(CONV, "delta * rot180(w) .* sigma'(z)", "A", derivation=conv)
    assert (r.holds, r.diagnosis, r.repair) == (
        False,
        "a σ′ too many (dE/dA has no factor f′(z); dE/dz has)",
        "conv2(D, rot180(K), 'full')",
    )


@pytest.mark.parametrize(
    ("layer", "formula", "repair"),
    [
        (symderiv.linear(input_activation="tanh"), "W^T @ delta", "(W^T @ delta) .* tanh'(z)"),
        (symderiv.subsample2d(input_activation="relu"), "beta * up(delta, 2)",
         "(beta * up(D, 2)) .* relu'(z)"),
        (symderiv.squared_error(input_activation="f"), "y - t", "(y - t) .* f'(z)"),
    ],
)
def test_the_missing_f_prime_on_other_kinds(layer, formula, repair):
    r = check(layer, formula, "z")
    assert (r.holds, r.repair) == (False, repair)
    assert r.diagnosis.startswith("a missing ")
    assert check(layer, repair, "z").holds


def test_without_the_option_nothing_changes():
    plain, activated = symderiv.conv2d(), symderiv.conv2d(input_activation="sigmoid")
    assert plain.label() == "conv2d_4x4_k2x2_correlation"
    assert activated.label() == "conv2d_4x4_k2x2_correlation_input_sigmoid"
    assert list(plain.tensors()) == ["A", "K", "b", "D"]
    assert list(activated.tensors()) == ["z", "A", "K", "b", "D"]
    assert plain.wrt() == ("K", "b", "A")
    assert plain.condition() is None
    assert plain.input_stage({}) is None
    assert "input_activation" not in plain.describe()
    assert activated.describe()["input_activation"] == "sigmoid"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: symderiv.conv2d(input_activation="gelu"),
         "input_activation 'gelu': expected one of sigmoid, tanh, relu, f"),
        (lambda: symderiv.linear(input_activation=1),
         "input_activation 1: expected one of sigmoid, tanh, relu, f"),
        (lambda: LossSpec("softmax_cross_entropy", 3, 1, "tanh"),
         "input_activation 'tanh': only squared_error takes an input activation (the "
         "cross-entropy's y is the softmax's own argument)"),
    ],
)
def test_bad_activations_are_refused(make, message):
    with pytest.raises(SpecError) as err:
        make()
    assert str(err.value) == message


def test_check_on_the_command_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = ["check", "conv2d", "δ^{l+1} * rot180(w) ∘ σ′(z^l)", "--for", "z", "--input", "3x3",
            "--convention", "convolution", "--input-activation", "sigmoid"]
    r = CliRunner().invoke(cli, args)
    assert (r.exit_code, r.stdout) == (
        0,
        "conv2d_3x3_k2x2_convolution_input_sigmoid: dE/dz = δ^{l+1} * rot180(w) ∘ σ′(z^l)\n"
        "  read as conv2(D, rot180(K), 'full') .* sigma'(z) (one map pair; the layer sums the "
        "rest)\n"
        "  compared given A = sigma(z)\n"
        "  holds: proved equal to the derivation at all 9 elements\n",
    )
    r = CliRunner().invoke(cli, [*args[:2], "δ * rot180(w)", *args[3:], "--format", "json"])
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert (doc["diagnosis"], doc["given"]) == ("a missing σ′ (f′(z))", "A = sigma(z)")
    r = CliRunner().invoke(cli, [*args[:-1], "GELU"])
    assert (r.exit_code, r.stderr) == (
        2,
        "symderiv: error: --input-activation 'GELU': expected one of sigmoid, tanh, relu, f\n",
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("layer", "formula", "holds", "diagnosis", "repair"),
    [
        (symderiv.sigmoid(), "delta .* sigma'(z)", True, None, None),
        (symderiv.sigmoid(), "D .* sigma(A) .* (1 - sigma(A))", True, None, None),
        (symderiv.tanh(), "delta .* (1 - tanh(z) .* tanh(z))", True, None, None),
        (symderiv.leaky_relu(), "D .* leaky_relu'(A)", True, None, None),
        (symderiv.sigmoid(), "delta", False, "a missing σ′ (f′(z))", "D .* sigma'(A)"),
        (symderiv.relu(), "D", False, "a missing relu′ (f′(z))", "D .* relu'(A)"),
        (symderiv.activation(), "D .* f(z)", False,
         "the function in place of its derivative (f where f′ is needed)", "D .* f'(A)"),
    ],
)  # fmt: skip
def test_the_activation_kinds_take_formulas_in_z(layer, formula, holds, diagnosis, repair):
    r = check(layer, formula, "A")
    assert (r.holds, r.diagnosis, r.repair) == (holds, diagnosis, repair)


@pytest.mark.latex
def test_an_activated_sheet_compiles_cleanly():
    import shutil

    if not shutil.which("pdflatex"):
        pytest.skip("pdflatex is not installed")
    from symderiv.latex import compile_pdf

    d = symderiv.linear(input_activation="relu").derive(claims=[("z", "W^T @ delta")])
    md = d.to_markdown()
    assert "## Pre-activation gradient" in md
    assert "**A known mistake: the factor $`\\operatorname{relu}'(z)`$ forgotten.**" in md
    assert "**Your formula for $`\\partial E/\\partial z`$.**" in md
    assert json.loads(d.to_json())["layer"]["input_activation"] == "relu"
    assert compile_pdf(d.to_latex()).pdf.startswith(b"%PDF")


def test_for_z_without_an_activated_input_says_what_to_give():
    with pytest.raises(SpecError) as err:
        check(symderiv.conv2d(), "D * K", "z")
    assert str(err.value) == (
        "--for 'z': conv2d has gradients of K, b, A; dE/dz needs an activated input "
        "(--input-activation, or input_activation= in Python)"
    )


def test_worked_numbers_are_refused_for_an_activated_input(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(cli, ["derive", "conv2d", "--input-activation", "relu", "--seed", "1"])
    assert (r.exit_code, r.stderr) == (
        2,
        "symderiv: error: --seed '1': a layer with --input-activation has no worked numbers "
        "(its dE/dz holds f'(z), not a polynomial in the values)\n",
    )
    assert list(tmp_path.iterdir()) == []
