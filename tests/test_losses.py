"""Losses: the notes' squared error and the softmax cross-entropy with its side
condition sum_c t = 1: exact expansions, proofs, refuted mistakes, PyTorch autograd,
JSON without a delta, bad input."""

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
from symderiv.layers.loss import ANY_T, GIVEN, NO_CONDITION, SIGN, SIGN_CE

from .expansions import assert_close, evaluate_text


def S(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


@pytest.fixture(scope="module")
def squared() -> symderiv.Derivation:
    return symderiv.squared_error(input=2).derive()


@pytest.fixture(scope="module")
def ce() -> symderiv.Derivation:
    return symderiv.softmax_cross_entropy(input=3).derive()


@pytest.fixture(scope="module")
def ce_batch() -> symderiv.Derivation:
    return symderiv.softmax_cross_entropy(input=2, batch=2).derive()


def _check(d, stated_in: str):
    return next(c for c in d.closed_forms if c.stated_in == stated_in)


# ---- exact expansions -------------------------------------------------------


def test_squared_error_expansions(squared):
    doc = json.loads(squared.to_json())
    assert doc["forward"] == [
        {"of": "E", "index": [], "expansion": "(y[0,0] - t[0,0])**2/2 + (y[0,1] - t[0,1])**2/2"}
    ]
    assert [(g["index"], g["expansion"]) for g in doc["gradients"]] == [
        ([0, 0], "y[0,0] - t[0,0]"),
        ([0, 1], "y[0,1] - t[0,1]"),
    ]
    assert doc["gradients"][1]["terms"] == [
        {"coeff": "1", "factors": ["y[0,1]"]},
        {"coeff": "-1", "factors": ["t[0,1]"]},
    ]


def test_cross_entropy_gradient_is_sympys_derivative_of_the_log_softmax(ce):
    y0, y1, y2 = (S(f"y[0,{c}]") for c in range(3))
    t0, t1, t2 = (S(f"t[0,{c}]") for c in range(3))
    total = sympy.exp(y0) + sympy.exp(y1) + sympy.exp(y2)
    E = -(
        t0 * (y0 - sympy.log(total)) + t1 * (y1 - sympy.log(total)) + t2 * (y2 - sympy.log(total))
    )
    assert ce.forward[0].expr == E
    assert ce.gradient("y", (0, 0)).expr == sympy.diff(E, y0)
    assert json.loads(ce.to_json())["gradients"][0]["expansion"] == (
        "-t[0,0]*(1 - exp(y[0,0])/(exp(y[0,0]) + exp(y[0,1]) + exp(y[0,2]))) "
        "+ t[0,1]*exp(y[0,0])/(exp(y[0,0]) + exp(y[0,1]) + exp(y[0,2])) "
        "+ t[0,2]*exp(y[0,0])/(exp(y[0,0]) + exp(y[0,1]) + exp(y[0,2]))"
    )


# ---- proofs --------------------------------------------------------------------


def test_squared_error_closed_forms(squared):
    assert [(c.formula.text(), c.holds, c.failures) for c in squared.closed_forms] == [
        ("y - t", True, 0),
        ("t - y", False, 2),
        ("2 * (y - t)", False, 2),
    ]
    sign = _check(squared, SIGN).first_failure
    assert sign is not None
    assert sign.index == (0, 0)
    assert sign.closed == S("t[0,0]") - S("y[0,0]")
    assert squared.verified


def test_cross_entropy_holds_given_the_side_condition_and_fails_without_it(ce, ce_batch):
    for d, n in ((ce, 3), (ce_batch, 4)):
        given = _check(d, GIVEN)
        assert (given.holds, given.checked, given.undecided) == (True, n, 0)
        assert _check(d, ANY_T).holds
        free = _check(d, NO_CONDITION)
        assert (free.holds, free.expected, free.failures, free.decided_by) == (
            False,
            False,
            n,
            "counterexample",
        )
        assert free.first_failure is not None
        assert free.first_failure.index == (0, 0)
        sign = _check(d, SIGN_CE)
        assert (sign.holds, sign.failures) == (False, n)
        assert d.verified


def test_the_side_condition_substitutes_the_last_target_of_each_sample(ce_batch):
    claim = next(c for c in ce_batch.layer.claims() if c.stated_in == GIVEN)
    assert claim.given == (
        (S("t[0,1]"), 1 - S("t[0,0]")),
        (S("t[1,1]"), 1 - S("t[1,0]")),
    )
    # substituted into SymPy's own derivative, it is softmax(y) - t exactly
    g = ce_batch.gradient("y", (1, 1)).expr.xreplace(dict(claim.given))
    softmax = sympy.exp(S("y[1,1]")) / (sympy.exp(S("y[1,0]")) + sympy.exp(S("y[1,1]")))
    assert sympy.simplify(g - (softmax - (1 - S("t[1,0]")))) == 0


def _sheet_forms(d) -> list[tuple[str, str]]:
    from symderiv.render.sheet import SheetView

    sections = d.layer.sheet(SheetView(d))["sections"]
    forms = next(s for s in sections if s["kind"] == "closed_forms")["forms"]
    return [(f["text"], f["latex"]) for f in forms]


def test_closed_forms_print_exactly(squared, ce):
    assert _sheet_forms(squared) == [
        ("y - t", r"\frac{\partial E}{\partial y} = y - t"),
        ("t - y", r"\frac{\partial E}{\partial y} = t - y"),
        ("2 * (y - t)", r"\frac{\partial E}{\partial y} = 2\, \left(y - t\right)"),
    ]
    assert _sheet_forms(ce) == [
        (
            "1/(sum(exp(y))) * exp(y) - t",
            r"\frac{\partial E}{\partial y} = \operatorname{softmax}(y) - t",
        ),
        (
            "sum(t) * (1/(sum(exp(y))) * exp(y)) - t",
            r"\frac{\partial E}{\partial y} = \operatorname{softmax}(y) \sum_{c} t_{c} - t",
        ),
        (
            "1/(sum(exp(y))) * exp(y) - t",
            r"\frac{\partial E}{\partial y} = \operatorname{softmax}(y) - t",
        ),
        (
            "t - (1/(sum(exp(y))) * exp(y))",
            r"\frac{\partial E}{\partial y} = t - \operatorname{softmax}(y)",
        ),
    ]


def test_the_sheet_states_the_side_condition(ce):
    md = ce.to_markdown()
    assert (
        "Side condition: each target is a probability distribution, $`\\sum_c t_{c} = 1`$. "
        "The proof of $`\\operatorname{softmax}(y) - t`$ uses it by substituting "
        "$`t_{2} = 1 - t_{0} - t_{1}`$ into both sides"
    ) in md
    assert "**$`\\partial E/\\partial y`$ given the side condition $`\\sum_c t_{c} = 1`$.**" in md
    assert "so there is no delta above it" in md  # the notation box


# ---- numbers -----------------------------------------------------------------


@pytest.mark.parametrize(("features", "batch"), [(2, 1), (3, 2), (4, 3)])
def test_squared_error_agrees_with_pytorch(features, batch):
    torch = pytest.importorskip("torch")
    d = symderiv.squared_error(input=features, batch=batch).derive()
    rng = np.random.default_rng(features * 10 + batch)
    arrays = {
        "y": rng.uniform(-3, 3, (batch, features)),
        "t": rng.uniform(-3, 3, (batch, features)),
    }
    y = torch.tensor(arrays["y"], dtype=torch.float64, requires_grad=True)
    t = torch.tensor(arrays["t"], dtype=torch.float64)
    E = torch.nn.functional.mse_loss(y, t, reduction="sum") / 2
    E.backward()
    assert_close(d.forward, E.detach().numpy(), arrays)
    assert_close(d.gradients_of("y"), y.grad.numpy(), arrays)


@pytest.mark.parametrize(("features", "batch"), [(2, 1), (3, 2), (5, 2)])
@pytest.mark.parametrize("targets", ["distributions", "any"])
def test_cross_entropy_agrees_with_pytorch(features, batch, targets):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    d = symderiv.softmax_cross_entropy(input=features, batch=batch).derive()
    rng = np.random.default_rng(features * 10 + batch)
    raw = rng.uniform(0.05, 1.0, (batch, features))
    t_values = raw / raw.sum(axis=1, keepdims=True) if targets == "distributions" else 2 * raw
    arrays = {"y": rng.uniform(-4, 4, (batch, features)), "t": t_values}
    y = torch.tensor(arrays["y"], dtype=torch.float64, requires_grad=True)
    t = torch.tensor(arrays["t"], dtype=torch.float64)
    E = -(t * F.log_softmax(y, dim=1)).sum()
    E.backward()
    # the derivation holds for any t: it is SymPy's derivative, before any side condition
    assert_close(d.forward, E.detach().numpy(), arrays)
    assert_close(d.gradients_of("y"), y.grad.numpy(), arrays)
    if targets == "distributions":  # PyTorch's own loss with probability targets agrees
        y2 = torch.tensor(arrays["y"], dtype=torch.float64, requires_grad=True)
        F.cross_entropy(y2, t, reduction="sum").backward()
        assert_close(d.gradients_of("y"), y2.grad.numpy(), arrays)
        p = torch.softmax(y2.detach(), dim=1).numpy()
        assert np.allclose(y2.grad.numpy(), p - arrays["t"], rtol=0, atol=1e-14)


def test_json_has_no_delta_and_its_expansions_evaluate(squared, ce_batch):
    for d in (squared, ce_batch):
        doc = json.loads(d.to_json())
        assert doc["tensors"] == {
            "y": {"role": "prediction", "shape": list(d.layer.shape)},
            "t": {"role": "target", "shape": list(d.layer.shape)},
        }
        assert "terms" not in doc["forward"][0]
        assert ("terms" in doc["gradients"][0]) is (d is squared)
        spec = d.layer
        arrays = spec.random_values(5)
        expected = spec.reference(arrays)
        assert evaluate_text(doc["forward"][0]["expansion"], arrays) == pytest.approx(
            float(expected["E"]), rel=1e-12
        )
        for g in doc["gradients"]:
            value = evaluate_text(g["expansion"], arrays)
            assert value == pytest.approx(expected["y"][tuple(g["index"])], rel=1e-12, abs=1e-12)
    assert json.loads(ce_batch.to_json())["layer"] == {
        "kind": "softmax_cross_entropy",
        "features": 2,
        "side_condition": "sum_c t[n,c] = 1",
    }


# ---- the command line and the API -------------------------------------------


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["squared_error", "--input", "2x2"], "--input '2x2': expected an integer, such as '4'"),
        (["squared_error", "--input", "0"], "--input '0': every size must be at least 1"),
        (
            ["softmax_cross_entropy", "--input", "1"],
            "--input '1': a softmax needs at least 2 features (over one it is the constant 1)",
        ),
        (
            ["squared_error", "--in-channels", "2"],
            "--in-channels '2': squared_error has no such option; it takes --input, --batch, "
            "--input-activation",
        ),
        (
            ["softmax_cross_entropy", "--slope", "0.1"],
            "--slope '0.1': softmax_cross_entropy has no such option; it takes --input, --batch",
        ),
        (["squared_error", "--batch", "0"], "--batch '0': expected a positive integer, such as 2"),
    ],
)
def test_bad_input_is_one_line_exit_2_nothing_written(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["derive", *args], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr == f"symderiv: error: {message}\n"
    assert result.stdout == ""
    assert _files(tmp_path) == []


def test_api_refuses_bad_values():
    with pytest.raises(SpecError, match=r"^input 0: expected a positive integer$"):
        symderiv.squared_error(input=0)
    with pytest.raises(SpecError, match=r"^features 1: a softmax needs at least 2 features"):
        symderiv.softmax_cross_entropy(input=1)
    with pytest.raises(SpecError, match=r"^loss 'hinge': expected one of squared_error, "):
        symderiv.LossSpec("hinge")
    assert symderiv.squared_error(input="4").features == 4
    assert symderiv.layer("softmax_cross_entropy", input=5, batch=2).label() == (
        "softmax_cross_entropy_5_n2"
    )


@pytest.mark.parametrize("kind", ["squared_error", "softmax_cross_entropy"])
@pytest.mark.parametrize(("features", "batch"), [(2, 1), (4, 3)])
def test_predicted_terms_cover_the_work_done(kind, features, batch):
    spec = symderiv.layer(kind, input=features, batch=batch)
    d = spec.derive()
    tensors = {t.letter: t for t in d.tensors}

    def size(expr: sympy.Expr) -> int:
        return (
            sum(len(sympy.Add.make_args(a)) for a in sympy.preorder_traversal(expr) if a.is_Add)
            or 1
        )

    forward = size(d.forward[0].expr)
    gradients = sum(size(g.expr) for g in d.gradients)
    closed = sum(size(v) for claim in spec.claims() for v in spec.evaluate(claim, tensors).values())
    symbols = sum(len(t.elements) for t in d.tensors)
    assert spec.predicted_terms() >= forward + gradients + closed + symbols
