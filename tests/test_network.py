"""Whole networks: every parameter gradient of every sample network proved equal to the
end-to-end derivative, in agreement with PyTorch autograd and with the numpy reference;
every layer's delta in agreement with autograd's gradient of that layer's output."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

import symderiv
from symderiv.network import prove
from symderiv.network.numeric import Evaluator, point

from .conftest import ROOT

SAMPLES = sorted((ROOT / "examples" / "networks").glob("*.toml"))
NAMES = [p.stem for p in SAMPLES]


@pytest.fixture(scope="module", params=SAMPLES, ids=NAMES)
def derived(request):
    return symderiv.network(request.param).derive()


def test_the_samples_are_the_issues_networks():
    assert {"tiny_lenet", "conv_relu_maxpool", "bouvrie", "residual"} <= set(NAMES)
    lenet = symderiv.network(ROOT / "examples/networks/tiny_lenet.toml")
    assert [s.kind for s in lenet.stages()] == [
        "conv2d", "sigmoid", "avg_pool2d", "flatten", "linear", "sigmoid",
    ]
    assert [p.name for p in lenet.parameters()] == ["K1", "b1", "W5", "b5"]
    assert [s.out_shape for s in lenet.stages()] == [
        (1, 2, 4, 4), (1, 2, 4, 4), (1, 2, 2, 2), (1, 8), (1, 3), (1, 3),
    ]
    residual = symderiv.network(ROOT / "examples/networks/residual.toml")
    assert [p.name for p in residual.parameters()] == ["K1_1", "b1_1", "K1_3", "b1_3", "W3", "b3"]
    projection = symderiv.network(ROOT / "examples/networks/residual_projection.toml")
    assert "Ks1" in [p.name for p in projection.parameters()]
    assert "bs1" not in [p.name for p in projection.parameters()]


def test_every_parameter_gradient_is_proved_end_to_end(derived):
    assert derived.checks  # a network without parameters would prove nothing
    for check in derived.checks:
        p = next(p for p in derived.network.parameters() if p.name == check.name)
        assert check.checked == int(np.prod(p.shape))
        assert (check.proved, check.refuted, check.undecided) == (check.checked, 0, 0), check
    assert derived.verified


def test_both_routes_agree_with_the_numpy_reference(derived):
    n = derived.numeric
    assert n.tolerance == 1e-12
    assert n.loss <= 1e-12
    assert all(err <= 1e-12 for _, err in n.deltas)
    assert all(a <= 1e-12 and b <= 1e-12 for _, a, b in n.gradients)
    assert {name for name, _, _ in n.gradients} == {p.name for p in derived.network.parameters()}


def test_gradients_and_deltas_agree_with_torch_autograd(derived):
    pytest.importorskip("torch")
    from . import network_torch

    arrays = derived.sample.arrays
    loss, nodes, leaves = network_torch.run(derived.network, arrays)
    evaluate = Evaluator(point(arrays))
    assert float(loss.detach()) == pytest.approx(evaluate(derived.forward.loss), abs=1e-12)
    for name, leaf in leaves.items():
        expected = leaf.grad.numpy()
        for route in (derived.backward.gradients[name], derived.end_to_end[name]):
            got = evaluate.array(route)
            assert np.max(np.abs(got - expected)) <= 1e-10, name
    # each layer's delta against autograd's gradient of that layer's output
    assert set(derived.backward.deltas) == set(nodes)
    for node, tensor in nodes.items():
        expected = tensor.grad.numpy()
        got = evaluate.array(derived.backward.deltas[node])
        assert got.shape == expected.shape
        assert np.max(np.abs(got - expected)) <= 1e-10, node


def test_the_sample_point_fixes_the_switches_where_they_hold():
    pytest.importorskip("torch")
    d = symderiv.network(ROOT / "examples/networks/conv_relu_maxpool.toml", seed=3).derive()
    assert d.verified
    kinds = {s.kind for s in d.sample.switches}
    assert kinds == {"relu", "max_pool2d"}
    assert all(s.margin > 1e-9 for s in d.sample.switches)
    relu = next(s for s in d.sample.switches if s.kind == "relu")
    values = d.sample.reference.values["1"]  # the ReLU's input
    assert np.array_equal(relu.pattern, (values > 0).astype(int))
    # a switched-off ReLU input contributes nothing: its delta is exactly 0
    off = np.argwhere(relu.pattern.reshape(values.shape) == 0)
    assert len(off) > 0
    for index in off:
        assert d.backward.deltas["1"][tuple(index)] == 0


def test_the_proof_refutes_a_wrong_gradient_and_never_calls_undecided_proved():
    d = symderiv.network(ROOT / "examples/networks/tiny_lenet.toml").derive()
    decide = prove.Decider(dict(d.backward.given))
    decide.prime(d.forward.loss)
    right = d.backward.gradients["K1"][0, 0, 0, 0]
    e2e = d.end_to_end["K1"][0, 0, 0, 0]
    assert decide(right, e2e).holds is True
    # the delta route with sigma' = sigma (the factor 1 - sigma dropped), a classic
    # mistake: refuted at a point
    one_minus_sigma = {
        a: sympy.Integer(1)
        for a in right.atoms(sympy.Add)
        if len(a.args) == 2 and sympy.Integer(1) in a.args and a.has(sympy.exp)
    }
    assert one_minus_sigma
    wrong = right.xreplace(one_minus_sigma)
    assert wrong != right
    assert decide(wrong, e2e) == prove.Verdict(False, "counterexample")
    # equal, but not in a form the canonical form covers: undecided, never proved
    x = sympy.Symbol("x[0,0,0,0]")
    verdict = decide(sympy.sin(x) ** 2 + sympy.cos(x) ** 2, sympy.Integer(1))
    assert verdict == prove.Verdict(None, "undecided")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_canonical_form_agrees_with_sympys_expand(seed):
    """Equal normal forms exactly when SymPy, after naming the atoms (exp(w) -> Q - 1),
    finds the difference's numerator expands to 0."""
    import random

    rng = random.Random(seed)
    a, b, c = sympy.symbols("a b c")
    atoms = [a, b, c, 1 / (1 + sympy.exp(-a)), sympy.exp(b - c), sympy.Rational(3, 7)]

    def random_expr(depth: int) -> sympy.Expr:
        if depth == 0:
            return rng.choice(atoms)
        op = rng.choice(["add", "mul", "pow"])
        if op == "add":
            return random_expr(depth - 1) + random_expr(depth - 1)
        if op == "mul":
            return random_expr(depth - 1) * random_expr(depth - 1)
        return random_expr(depth - 1) ** rng.choice([2, 3, -1])

    q = {sympy.exp(-a): sympy.Symbol("Q0") - 1, sympy.exp(b - c): sympy.Symbol("Q1") - 1}
    agreed = 0
    for _ in range(30):
        e1 = random_expr(3)
        e2 = sympy.expand(e1, power_exp=False) if rng.random() < 0.5 else random_expr(3)
        normal = prove.Normal()  # atoms named in order of appearance: e1's first
        try:
            same = normal(e1) == normal(e2)
        except prove.Unsupported:
            continue
        difference = sympy.together(sympy.expand(e1.xreplace(q) - e2.xreplace(q)))
        sympy_says = sympy.expand(sympy.numer(difference)) == 0
        if sympy_says:  # complete: what SymPy proves, the normal form proves
            assert same, (e1, e2)
        if same:  # sound: equal forms are equal functions (three points, 50 digits)
            for point in ({a: 0.3, b: -1.7, c: 0.9}, {a: -2.1, b: 0.4, c: 1.3}, {a: 1, b: 2, c: 3}):
                value = (e1 - e2).evalf(50, subs={k: sympy.Rational(str(v)) for k, v in point.items()})
                assert abs(value) < 1e-40, (e1, e2)
            agreed += 1
    assert agreed >= 10  # the test compared equal pairs, not only different ones


VARIANTS = {
    "conv1d_dilated_tanh_batch2": {
        "input": [2, 1, 6],
        "loss": "softmax_cross_entropy",
        "layers": [
            {"kind": "conv1d", "out_channels": 2, "kernel": 3, "dilation": 2},
            {"kind": "tanh"},
            {"kind": "avg_pool1d", "kernel": 2},
            {"kind": "flatten"},
            {"kind": "linear", "out_features": 2},
            {"kind": "identity"},
        ],
    },
    "grouped_strided_padded_convolution_leaky_overlapping_max": {
        "input": [1, 2, 4, 4],
        "loss": "squared_error",
        "convention": "convolution",
        "layers": [
            {"kind": "conv2d", "out_channels": 2, "kernel": 2, "groups": 2, "stride": 2,
             "padding": 1},
            {"kind": "leaky_relu", "slope": 0.1},
            {"kind": "max_pool2d", "kernel": 2, "stride": 1},
            {"kind": "flatten"},
            {"kind": "linear", "out_features": 2},
        ],
    },
    "two_residual_blocks": {
        "input": [1, 1, 3, 3],
        "loss": "squared_error",
        "layers": [
            {"kind": "residual", "branch": [{"kind": "conv2d", "kernel": 3, "padding": 1},
                                            {"kind": "sigmoid"}]},
            {"kind": "residual", "post_activation": "tanh",
             "branch": [{"kind": "conv2d", "kernel": 1}]},
            {"kind": "flatten"},
            {"kind": "linear", "out_features": 1},
        ],
    },
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_other_kinds_and_options_prove_and_agree_with_torch(name):
    pytest.importorskip("torch")
    from . import network_torch

    d = symderiv.network(VARIANTS[name]).derive(max_terms=10**8)
    assert d.verified
    assert all(c.holds for c in d.checks)
    _, nodes, leaves = network_torch.run(d.network, d.sample.arrays)
    evaluate = Evaluator(point(d.sample.arrays))
    for param, leaf in leaves.items():
        for route in (d.backward.gradients[param], d.end_to_end[param]):
            assert np.max(np.abs(evaluate.array(route) - leaf.grad.numpy())) <= 1e-10, param
    for node, tensor in nodes.items():
        got = evaluate.array(d.backward.deltas[node])
        assert np.max(np.abs(got - tensor.grad.numpy())) <= 1e-10, node


def test_the_end_to_end_route_is_sympys_own_diff_of_the_loss():
    """dE/dθ taken through E's tree (each node's partials by sympy.diff) equals a plain
    ``sympy.diff(E, θ)`` of the whole loss, element by element, in the canonical form."""
    d = symderiv.network(ROOT / "examples/networks/tiny_lenet.toml").derive()
    decide = prove.Decider()
    decide.prime(d.forward.loss)
    for name, index in (("b5", (0,)), ("W5", (1, 3)), ("b1", (1,))):
        theta = sympy.Symbol(f"{name}[{','.join(map(str, index))}]")
        plain = sympy.diff(d.forward.loss, theta)
        assert decide(d.end_to_end[name][index], plain).holds is True, name
