"""Mean and max pooling: exact expansions, closed forms proved and refuted, PyTorch
autograd, JSON, the command line's bad input, and the predicted size of the work."""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from itertools import product
from pathlib import Path

import numpy as np
import pytest
import sympy
from click.testing import CliRunner

import symderiv
from symderiv.cli import cli
from symderiv.core.model import Derivation, Term
from symderiv.exceptions import SpecError
from symderiv.render.sheet import SheetView

from .evaluation import evaluate, symbol_values

TOL = 1e-12


@functools.cache
def derived(spec: symderiv.Layer) -> Derivation:
    return spec.derive()


def D(*index: int) -> sympy.Symbol:
    return sympy.Symbol(f"D[{','.join(map(str, index))}]", real=True)


def expansion(d: Derivation, index: tuple[int, ...]) -> str:
    doc = json.loads(d.to_json())
    return next(g["expansion"] for g in doc["gradients"] if tuple(g["index"]) == index)


def forms(d: Derivation) -> list[dict]:
    sections = d.layer.sheet(SheetView(d))["sections"]
    return next(s for s in sections if s["kind"] == "closed_forms")["forms"]


# ---------------------------------------------------------------------------
# exact expansions
# ---------------------------------------------------------------------------


def test_mean_pooling_4x4_k2_each_element_gets_a_quarter_of_its_windows_delta():
    d = derived(symderiv.avg_pool2d())
    assert d.layer.label() == "avg_pool2d_4x4_k2x2"
    assert d.gradient("A", (0, 0, 0, 0)).terms == (Term(sympy.Rational(1, 4), (D(0, 0, 0, 0),)),)
    assert expansion(d, (0, 0, 0, 0)) == "D[0,0,0,0]/4"
    assert expansion(d, (0, 0, 3, 2)) == "D[0,0,1,1]/4"
    doc = json.loads(d.to_json())
    assert doc["forward"][1]["expansion"] == (
        "A[0,0,0,2]/4 + A[0,0,0,3]/4 + A[0,0,1,2]/4 + A[0,0,1,3]/4"
    )
    assert d.verified


def test_overlapping_windows_sum_the_deltas_of_every_window_containing_the_element():
    d = derived(symderiv.avg_pool2d(input=(5, 5), kernel=(3, 3), stride=2))
    assert d.layer.output == (2, 2)
    assert expansion(d, (0, 0, 0, 0)) == "D[0,0,0,0]/9"
    assert expansion(d, (0, 0, 0, 2)) == "D[0,0,0,0]/9 + D[0,0,0,1]/9"  # two windows
    assert expansion(d, (0, 0, 2, 2)) == (
        "D[0,0,0,0]/9 + D[0,0,0,1]/9 + D[0,0,1,0]/9 + D[0,0,1,1]/9"
    )
    assert expansion(d, (0, 0, 4, 3)) == "D[0,0,1,1]/9"
    assert d.verified


def test_stride_one_and_zero_padding_counted_in_the_window():
    d = derived(symderiv.avg_pool1d(input=4, kernel=3, stride=1, padding=1))
    assert d.layer.output == (4,)
    # A[0] lies in the windows of outputs 0 (cells -1, 0, 1) and 1 (cells 0, 1, 2);
    # output 0 still divides by 3 although one of its cells is padding.
    assert expansion(d, (0, 0, 0)) == "D[0,0,0]/3 + D[0,0,1]/3"
    doc = json.loads(d.to_json())
    assert doc["forward"][0]["expansion"] == "A[0,0,0]/3 + A[0,0,1]/3"
    assert d.verified


def test_max_pooling_seed_3_switches_and_routing():
    spec = symderiv.max_pool2d(seed=3)
    assert spec.a_values[0, 0].tolist() == [[3, 0, 0, 0], [0, 3, 3, 2], [0, 0, 1, 1], [2, 1, 1, 0]]
    d = derived(spec)
    doc = json.loads(d.to_json())
    assert doc["forward"][0]["expansion"] == (
        "A[0,0,0,0]*s[0,0,0,0,0,0] + A[0,0,0,1]*s[0,0,0,0,0,1] + "
        "A[0,0,1,0]*s[0,0,0,0,1,0] + A[0,0,1,1]*s[0,0,0,0,1,1]"
    )
    symbolic = {g.index: g for g in d.exhibits["symbolic"]}
    assert str(symbolic[(0, 0, 1, 1)].expr) == "D[0,0,0,0]*s[0,0,0,0,1,1]"
    # Window Z00 holds 3 at A00 and A11: first gives it all to A00.
    assert expansion(d, (0, 0, 0, 0)) == "D[0,0,0,0]"
    assert expansion(d, (0, 0, 1, 1)) == "0"
    assert expansion(d, (0, 0, 1, 2)) == "D[0,0,0,1]"
    # Window Z11 holds 1 at A22, A23 and A32.
    assert expansion(d, (0, 0, 2, 2)) == "D[0,0,1,1]"
    assert expansion(d, (0, 0, 2, 3)) == "0"
    assert d.verified

    split = derived(symderiv.max_pool2d(seed=3, ties="split"))
    assert expansion(split, (0, 0, 0, 0)) == "D[0,0,0,0]/2"
    assert expansion(split, (0, 0, 1, 1)) == "D[0,0,0,0]/2"
    assert expansion(split, (0, 0, 2, 2)) == "D[0,0,1,1]/3"
    assert expansion(split, (0, 0, 3, 2)) == "D[0,0,1,1]/3"
    assert expansion(split, (0, 0, 1, 2)) == "D[0,0,0,1]"
    assert split.verified


def test_a_padded_cell_never_wins():
    # All values negative: a padding of zeros would win every border window; -inf never does.
    values = [[-1, -2, -3], [-4, -5, -6], [-7, -8, -9]]
    spec = symderiv.max_pool2d(input=3, kernel=2, stride=2, padding=1, values=values)
    d = derived(spec)
    assert d.layer.output == (2, 2)
    # Window Z00 covers three padded cells and A00; Z01 covers A01, A02 and padding.
    routed = {g.index: str(g.expr) for g in d.gradients}
    winners = {(0, 0): "D[0,0,0,0]", (0, 1): "D[0,0,0,1]", (1, 0): "D[0,0,1,0]"}
    winners[(1, 1)] = "D[0,0,1,1]"
    assert routed == {
        (0, 0, i, j): winners.get((i, j), "0") for i, j in product(range(3), repeat=2)
    }
    assert next(str(e.expr) for e in d.forward) == "A[0,0,0,0]*s[0,0,0,0,1,1]"
    assert spec.reference(spec.random_values(0))["Z"].tolist() == [[[[-1, -2], [-4, -5]]]]
    assert d.verified


# ---------------------------------------------------------------------------
# closed forms: exact LaTeX, proofs and refutations with the first failing element
# ---------------------------------------------------------------------------


def test_the_notes_form_and_its_mistakes():
    d = derived(symderiv.avg_pool2d())
    shown = forms(d)
    assert [f["text"] for f in shown] == [
        "1/4 * up(D, 2)",
        "xcorr(pad(dilate(D, 2), 1), 1/4 * ones(2,2))",
        "1/2 * up(D, 2)",
        "up(D, 2)",
    ]
    assert shown[0]["latex"] == (
        r"\frac{\partial E}{\partial A} = \frac{1}{4}\, D \otimes \mathbf{1}_{2 \times 2}"
    )
    assert shown[1]["latex"] == (
        r"\frac{\partial E}{\partial A} = \operatorname{pad}_{1}\left(\operatorname{ins}_{2}"
        r"\left(D\right)\right) \star \frac{1}{4}\, \mathbf{1}_{2 \times 2}"
    )
    notes, general, by_k, undivided = d.closed_forms
    assert (notes.holds, notes.checked, general.holds) == (True, 16, True)
    assert by_k.stated_in == "divides by k = 2 instead of k² = 4"
    assert undivided.stated_in == "up-samples without dividing by k² = 4"
    for check, closed in ((by_k, D(0, 0, 0, 0) / 2), (undivided, D(0, 0, 0, 0))):
        assert not check.holds
        assert not check.expected
        assert check.failures == 16
        assert check.first_failure.index == (0, 0, 0, 0)
        assert check.first_failure.derived == D(0, 0, 0, 0) / 4
        assert check.first_failure.closed == closed


def test_a_size_that_is_not_a_multiple_of_the_kernel_pads_the_up_sampled_delta():
    d = derived(symderiv.avg_pool2d(input=(5, 4), kernel=2))
    notes = d.closed_forms[0]
    assert notes.formula.text() == "pad(1/4 * up(D, 2), 0, [1,0])"
    assert notes.holds
    assert d.verified
    assert expansion(d, (0, 0, 4, 0)) == "0"


def test_overlapping_windows_refute_the_tiling_form_at_the_first_overlap():
    d = derived(symderiv.avg_pool2d(input=(5, 5), kernel=(3, 3), stride=2))
    general, tiling, by_k, undivided = d.closed_forms
    assert general.holds
    assert general.stated_in == "general"
    assert forms(d)[0]["latex"] == (
        r"\frac{\partial E}{\partial A} = \operatorname{pad}_{2}\left(\operatorname{ins}_{2}"
        r"\left(D\right)\right) \star \frac{1}{9}\, \mathbf{1}_{3 \times 3}"
    )
    assert tiling.formula.text() == "crop(1/9 * up(D, 3), 0, 1)"
    assert (tiling.holds, tiling.failures, tiling.checked) == (False, 9, 25)
    f = tiling.first_failure
    assert f.index == (0, 0, 0, 2)
    assert f.derived == D(0, 0, 0, 0) / 9 + D(0, 0, 0, 1) / 9
    assert f.closed == D(0, 0, 0, 0) / 9
    assert by_k.first_failure.closed == D(0, 0, 0, 0) / 3
    assert undivided.stated_in == "sums the deltas without dividing by k² = 9"


def test_one_dimension_has_no_k_versus_k_squared_mistake():
    d = derived(symderiv.avg_pool1d())
    assert [c.stated_in for c in d.closed_forms] == [
        "notes",
        "general",
        "up-samples without dividing by k = 2",
    ]


def test_max_pooling_routes_to_the_maximum_and_refutes_the_rest():
    d = derived(symderiv.max_pool2d(seed=3))
    route, other, up, mean = d.closed_forms
    assert forms(d)[0]["latex"] == (
        r"\frac{\partial E}{\partial A} = \operatorname{route}_{\text{first}}\left(D;\ A\right)"
    )
    assert route.formula.text() == "route(D, argmax(A), 'first')"
    assert route.holds
    assert route.checked == 16
    assert other.stated_in == "ties split, the other tie rule"
    assert not other.holds
    assert other.failures == 5
    assert other.first_failure.index == (0, 0, 0, 0)
    assert other.first_failure.closed == D(0, 0, 0, 0) / 2
    assert up.stated_in == "up(δ) without switches"
    assert up.first_failure.index == (0, 0, 0, 1)
    assert (up.first_failure.derived, up.first_failure.closed) == (0, D(0, 0, 0, 0))
    assert mean.first_failure.closed == D(0, 0, 0, 0) / 4
    assert d.verified


def test_without_ties_the_other_rule_is_not_offered_as_a_mistake():
    d = derived(symderiv.max_pool1d(input=4, kernel=2, values=[1, 2, 4, 3]))
    assert not d.layer.tied
    assert [c.stated_in for c in d.closed_forms] == [
        "ties first",
        "up(δ) without switches",
        "the mean's gradient, δ/k to every cell",
    ]
    assert "both tie rules route the deltas the same way" in d.to_markdown()


def test_the_sheet_shows_the_switches_and_which_input_gets_which_delta():
    md = derived(symderiv.max_pool2d(seed=3)).to_markdown()
    assert "## Switches at these values" in md
    assert "random integers $`0`$ to $`3`$ from seed $`0`$" not in md
    assert "random integers $`0`$ to $`3`$ from seed $`3`$ (`--seed 3`" in md
    assert "| output | maximum | held by | first (in force) | split would give |" in md
    assert (
        "| $`Z_{00}`$ | $`3`$ | $`A_{00}`$, $`A_{11}`$ | $`D_{00} \\to A_{00}`$ | "
        "$`\\tfrac{1}{2} D_{00} \\to A_{00}`$, $`\\tfrac{1}{2} D_{00} \\to A_{11}`$ |"
    ) in md
    assert "| $`Z_{01}`$ | $`3`$ | $`A_{12}`$ | $`D_{01} \\to A_{12}`$ | (same) |" in md
    assert "2 windows of these values tie" in md
    # the routed gradient as the matrix it forms (full detail: in its own section)
    assert (
        "\\frac{\\partial E}{\\partial A} = \\begin{bmatrix} D_{00} & 0 & 0 & 0 \\\\ 0 & 0 & D_{01} & 0 "
        "\\\\ 0 & 0 & D_{11} & 0 \\\\ D_{10} & 0 & 0 & 0 \\end{bmatrix}"
    ) in md


# ---------------------------------------------------------------------------
# PyTorch autograd (float64) and an independent numpy tie rule
# ---------------------------------------------------------------------------

AVG_CASES = [
    ((8,), (2,), None, 0),
    ((7,), (3,), (2,), 1),
    ((4, 4), (2, 2), None, 0),
    ((5, 5), (3, 3), (2, 2), 0),
    ((4, 4), (3, 3), (1, 1), 1),
    ((5, 6), (2, 3), (1, 2), (1, 1)),
    ((4, 4, 4), (2, 2, 2), None, 0),
    ((3, 4, 3), (3, 2, 2), (1, 2, 1), (1, 1, 0)),
]


def _torch_grad(torch, fn, A: np.ndarray, D: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a = torch.tensor(A, dtype=torch.float64, requires_grad=True)
    z = fn(a)
    z.backward(torch.tensor(D, dtype=torch.float64))
    return z.detach().numpy(), a.grad.numpy()


def _derived_arrays(d: Derivation, values: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    sym = symbol_values(values)
    shapes = {t.letter: t.shape for t in d.tensors}
    return evaluate(d.forward, shapes["D"], sym), evaluate(d.gradients, shapes["A"], sym)


@pytest.mark.parametrize(("size", "kernel", "stride", "padding"), AVG_CASES, ids=str)
def test_mean_pooling_agrees_with_torch(size, kernel, stride, padding):
    torch = pytest.importorskip("torch")
    ndim = len(size)
    spec = symderiv.layer(
        f"avg_pool{ndim}d",
        input=size,
        kernel=kernel,
        stride=stride,
        padding=padding,
        in_channels=2,
        batch=1 if ndim == 3 else 2,
    )
    d = derived(spec)
    assert d.verified
    rng = np.random.default_rng(sum(size) + len(kernel))
    shapes = {t.letter: t.shape for t in d.tensors}
    A, Dv = rng.uniform(-2, 2, shapes["A"]), rng.uniform(-2, 2, shapes["D"])
    pool = getattr(torch.nn.functional, f"avg_pool{ndim}d")
    z_ref, g_ref = _torch_grad(
        torch,
        lambda a: pool(a, kernel, spec.stride, spec.padding, count_include_pad=True),
        A,
        Dv,
    )
    z, g = _derived_arrays(d, {"A": A, "D": Dv})
    assert np.abs(z - z_ref).max() <= TOL
    assert np.abs(g - g_ref).max() <= TOL


MAX_CASES = [
    ((8,), (2,), None, 0, 0),
    ((7,), (3,), (2,), 1, 1),
    ((6,), (3,), (1,), 1, 2),
    ((4, 4), (2, 2), None, 0, 3),
    ((5, 5), (3, 3), (2, 2), 1, 4),
    ((4, 5), (3, 2), (1, 2), (1, 1), 5),
    ((4, 4, 4), (2, 2, 2), None, 0, 6),
    ((3, 4, 3), (2, 3, 2), (1, 1, 2), (1, 1, 0), 7),
]


@pytest.mark.parametrize(("size", "kernel", "stride", "padding", "seed"), MAX_CASES, ids=str)
def test_max_pooling_first_agrees_with_torch_on_tied_integers(size, kernel, stride, padding, seed):
    torch = pytest.importorskip("torch")
    ndim = len(size)
    spec = symderiv.layer(
        f"max_pool{ndim}d",
        input=size,
        kernel=kernel,
        stride=stride,
        padding=padding,
        in_channels=2,
        batch=1 if ndim == 3 else 2,
        seed=seed,
        ties="first",
    )
    assert spec.tied  # small integers: the ties are the point
    d = derived(spec)
    assert d.verified
    A = spec.a_values.astype(float)
    Dv = np.random.default_rng(seed).uniform(-2, 2, d.tensor("D").shape)
    pool = getattr(torch.nn.functional, f"max_pool{ndim}d")
    z_ref, g_ref = _torch_grad(torch, lambda a: pool(a, kernel, spec.stride, spec.padding), A, Dv)
    switches = spec.random_values(0)["s"]
    z, g = _derived_arrays(d, {"A": A, "s": switches, "D": Dv})
    assert np.abs(z - z_ref).max() <= TOL
    assert np.abs(g - g_ref).max() <= TOL


def _split_rule(spec, A: np.ndarray, Dv: np.ndarray) -> np.ndarray:
    """The split tie rule written once more, vectorised: pad with -inf, compare every
    window with its maximum, share the delta by the count of maxima."""
    pads = [(0, 0), (0, 0)] + [(p, p) for p in spec.padding]
    padded = np.pad(A, pads, constant_values=-np.inf)
    grad = np.zeros_like(padded)
    for u in np.ndindex(*spec.output):
        window = (
            slice(None),
            slice(None),
            *tuple(
                slice(s * ui, s * ui + k)
                for s, ui, k in zip(spec.stride, u, spec.kernel, strict=False)
            ),
        )
        block = padded[window]
        axes = tuple(range(2, block.ndim))
        top = block.max(axis=axes, keepdims=True)
        hit = block == top
        share = Dv[(slice(None), slice(None), *u)].reshape(top.shape) / hit.sum(
            axis=axes, keepdims=True
        )
        grad[window] += hit * share
    return grad[
        (
            slice(None),
            slice(None),
            *tuple(slice(p, p + n) for p, n in zip(spec.padding, spec.input, strict=False)),
        )
    ]


@pytest.mark.parametrize(("size", "kernel", "stride", "padding", "seed"), MAX_CASES[1:6], ids=str)
def test_max_pooling_split_agrees_with_an_independent_numpy_rule(
    size, kernel, stride, padding, seed
):
    torch = pytest.importorskip("torch")
    ndim = len(size)
    spec = symderiv.layer(
        f"max_pool{ndim}d",
        input=size,
        kernel=kernel,
        stride=stride,
        padding=padding,
        in_channels=2,
        batch=2,
        seed=seed,
        ties="split",
    )
    d = derived(spec)
    assert d.verified
    A = spec.a_values.astype(float)
    Dv = np.random.default_rng(seed).uniform(-2, 2, d.tensor("D").shape)
    z, g = _derived_arrays(d, {"A": A, "s": spec.random_values(0)["s"], "D": Dv})
    pool = getattr(torch.nn.functional, f"max_pool{ndim}d")
    z_ref, _ = _torch_grad(torch, lambda a: pool(a, kernel, spec.stride, spec.padding), A, Dv)
    assert np.abs(z - z_ref).max() <= TOL
    assert np.abs(g - _split_rule(spec, A, Dv)).max() <= TOL
    # The rule really matters here: some window ties, and first would differ.
    first = derived(
        symderiv.layer(
            f"max_pool{ndim}d",
            input=size,
            kernel=kernel,
            stride=stride,
            padding=padding,
            in_channels=2,
            batch=2,
            seed=seed,
            ties="first",
        )
    )
    assert (
        np.abs(
            _derived_arrays(first, {"A": A, "s": first.layer.random_values(0)["s"], "D": Dv})[1] - g
        ).max()
        > 1e-3
    )


# ---------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------

_NAME = re.compile(r"([A-Za-z]+)\[([0-9,]+)\]")


def _evaluate_expansion(text: str, values: dict[str, float]) -> float:
    """Our own JSON output only: element names become plain symbols, then SymPy parses it."""
    names: dict[str, str] = {}

    def plain(m: re.Match[str]) -> str:
        name = f"{m.group(1)}_{m.group(2).replace(',', '_')}"
        names[name] = m.group(0)
        return name

    expr = sympy.sympify(_NAME.sub(plain, text))
    return float(expr.subs({s: values[names[s.name]] for s in expr.free_symbols}))


def test_json_of_mean_pooling():
    d = derived(symderiv.avg_pool2d(input=(5, 5), kernel=3, stride=2))
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
    assert doc["layer"] == {
        "kind": "avg_pool2d",
        "kernel": [3, 3],
        "stride": [2, 2],
        "padding": [0, 0],
        "count_include_pad": True,
    }
    assert doc["tensors"] == {
        "A": {"role": "input", "shape": [1, 1, 5, 5]},
        "D": {"role": "delta", "shape": [1, 1, 2, 2]},
    }
    assert len(doc["gradients"]) == 25
    assert all(g["of"] == "A" for g in doc["gradients"])
    values = symbol_values(d.layer.random_values(7))
    reference = d.layer.reference(d.layer.random_values(7))
    for g in doc["gradients"]:
        got = _evaluate_expansion(g["expansion"], values)
        assert abs(got - reference["A"][tuple(g["index"])]) <= TOL


def test_json_of_max_pooling_holds_the_values_and_evaluates():
    spec = symderiv.max_pool2d(input=(4, 4), kernel=2, seed=3, ties="split", in_channels=2)
    d = derived(spec)
    doc = json.loads(d.to_json())
    assert doc["layer"] == {
        "kind": "max_pool2d",
        "kernel": [2, 2],
        "stride": [2, 2],
        "padding": [0, 0],
        "ties": "split",
        "seed": 3,
        "values_from": "seed 3",
    }
    assert doc["tensors"]["s"] == {"role": "switch", "shape": [1, 2, 2, 2, 2, 2]}
    assert np.asarray(doc["values"]["A"]).shape == (1, 2, 4, 4)
    assert doc["values"]["A"] == spec.a_values.tolist()
    assert doc["switches"]["ties"] == "split"
    assert doc["switches"]["s"][0][0][0][0] == [["1/2", "0"], ["0", "1/2"]]
    values = symbol_values(
        {
            "A": np.asarray(doc["values"]["A"], dtype=float),
            "D": np.random.default_rng(1).uniform(-1, 1, (1, 2, 2, 2)),
        }
    )
    for index in np.ndindex(1, 2, 2, 2, 2, 2):
        values[f"s[{','.join(map(str, index))}]"] = float(
            sympy.Rational(
                doc["switches"]["s"][index[0]][index[1]][index[2]][index[3]][index[4]][index[5]]
            )
        )
    arrays = {
        "A": np.asarray(doc["values"]["A"], dtype=float),
        "D": np.asarray(
            [
                [
                    [[values[f"D[0,{c},{i},{j}]"] for j in range(2)] for i in range(2)]
                    for c in range(2)
                ]
            ]
        ),
    }
    reference = spec.reference(arrays)
    for e in doc["forward"]:
        assert (
            abs(_evaluate_expansion(e["expansion"], values) - reference["Z"][tuple(e["index"])])
            <= TOL
        )
    for g in doc["gradients"]:
        assert (
            abs(_evaluate_expansion(g["expansion"], values) - reference["A"][tuple(g["index"])])
            <= TOL
        )


# ---------------------------------------------------------------------------
# the command line
# ---------------------------------------------------------------------------


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


FILES = {
    "bad.json": "{'A': [1, 2]}",
    "shape.json": '{"A": [[1, 2], [3, 4]]}',
    "nan.json": '{"A": [[NaN, 1, 2, 3], [1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]]}',
    "inf.json": '{"A": [[1, 1, 2, 3], [1, 2, 3, 4], [1, 2, -Infinity, 4], [1, 2, 3, 4]]}',
    "text.json": '{"A": [[1, "a", 2, 3], [1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]]}',
    "bool.json": '{"A": [[1, true, 2, 3], [1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]]}',
    "ragged.json": '{"A": [[1, 2, 3, 4], [1, 2, 3]]}',
    "list.json": "[[1, 2], [3, 4]]",
    "extra.json": '{"A": [1, 2], "B": 3}',
}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["avg_pool2d", "--padding", "2"],
            "--padding '2': at most half the kernel on every axis (PyTorch's rule); the kernel "
            "is 2x2, so the padding can be at most 1x1",
        ),
        (
            ["avg_pool2d", "--kernel", "5"],
            "--kernel '5': larger than the input '4x4' on axis 0 (the window spans 5, the "
            "padded input has 4); the output would be empty",
        ),
        (
            ["max_pool1d", "--input", "2", "--kernel", "5", "--padding", "1"],
            "--kernel '5': larger than the input '2' on axis 0 (the window spans 5, the padded "
            "input has 4); the output would be empty",
        ),
        (
            ["max_pool1d", "--input", "3", "--kernel", "4", "--padding", "3"],
            "--padding '3': at most half the kernel on every axis (PyTorch's rule); the kernel "
            "is 4, so the padding can be at most 2",
        ),
        (
            ["max_pool2d", "--values", "bad.json"],
            "--values 'bad.json': not JSON (Expecting property name enclosed in double quotes "
            "at line 1 column 2)",
        ),
        (
            ["max_pool2d", "--values", "shape.json"],
            "--values 'shape.json': A has shape 2×2; expected 1×1×4×4 or 4×4",
        ),
        (
            ["max_pool2d", "--values", "nan.json"],
            "--values 'nan.json': A[0,0] is nan; expected a finite number",
        ),
        (
            ["max_pool2d", "--values", "inf.json"],
            "--values 'inf.json': A[2,2] is -inf; expected a finite number",
        ),
        (
            ["max_pool2d", "--values", "text.json"],
            "--values 'text.json': A[0,1] is 'a'; expected a number",
        ),
        (
            ["max_pool2d", "--values", "bool.json"],
            "--values 'bool.json': A[0,1] is True; expected a number",
        ),
        (
            ["max_pool2d", "--values", "ragged.json"],
            "--values 'ragged.json': A is not a regular nested list (the lists differ at A[1])",
        ),
        (
            ["max_pool2d", "--values", "list.json"],
            "--values 'list.json': expected {\"A\": nested list}, found list",
        ),
        (
            ["max_pool2d", "--values", "extra.json"],
            "--values 'extra.json': unexpected key 'B'; expected {\"A\": nested list}, and "
            "\"D\" for the worked numbers",
        ),
        (
            ["max_pool2d", "--values", "missing.json"],
            "--values 'missing.json': cannot read it (No such file or directory)",
        ),
        (
            ["max_pool2d", "--seed", "1", "--values", "shape.json"],
            "--seed '1' and --values 'shape.json': give one or the other",
        ),
        (["max_pool2d", "--ties", "last"], "--ties 'last': expected first or split"),
        (["max_pool2d", "--seed", "-1"], "--seed '-1': expected a non-negative integer, such as 0"),
        (
            ["avg_pool2d", "--ties", "first"],
            "--ties 'first': avg_pool2d has no such option; it takes --input, --kernel, "
            "--stride, --padding, --in-channels, --batch, --seed, --values, --input-activation",
        ),
        (
            ["avg_pool1d", "--stride", "0"],
            "--stride '0': every value must be at least 1",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2_nothing_written(run, tmp_path, args, message):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    before = _files(tmp_path)
    result = run("derive", *args)
    assert result.exit_code == 2
    assert result.stderr == f"symderiv: error: {message}\n"
    assert result.stdout == ""
    assert _files(tmp_path) == before


def test_a_values_file_in_the_full_shape_gives_the_sheet_and_json(run, tmp_path):
    values = [[[[1, 5, 5], [2, 0, 1]], [[0.5, -1, 7], [7, 2, 2]]]]  # (1, 2, 2, 3)
    (tmp_path / "v.json").write_text(json.dumps({"A": values}))
    result = run(
        "derive",
        "max_pool2d",
        "--input",
        "2x3",
        "--kernel",
        "2",
        "--stride",
        "1",
        "--in-channels",
        "2",
        "--values",
        "v.json",
        "--format",
        "json,md",
        "-o",
        "out",
    )
    assert result.exit_code == 0, result.output
    (json_file,) = (tmp_path / "out").glob("*.json")
    assert re.fullmatch(r"max_pool2d_2x3_k2x2_s1x1_c2_v[0-9a-f]{8}_first\.json", json_file.name)
    doc = json.loads(json_file.read_text())
    assert doc["values"] == {"A": values}
    assert doc["layer"]["values_from"] == "v.json"
    assert doc["verified"]
    routed = {tuple(g["index"]): g["expansion"] for g in doc["gradients"]}
    # Map 0: both windows hold 5 at (0,1); the second also at (0,2), after it in row-major order.
    assert routed[(0, 0, 0, 1)] == "D[0,0,0,0] + D[0,0,0,1]"
    assert routed[(0, 0, 0, 2)] == "0"
    # Map 1: 7 at (1,0) in the first window, 7 at (0,2) in the second.
    assert routed[(0, 1, 1, 0)] == "D[0,1,0,0]"
    assert routed[(0, 1, 0, 2)] == "D[0,1,0,1]"
    md = json_file.with_suffix(".md").read_text()
    assert "read from `v.json` (`--values v.json`)" in md
    assert (
        "Regenerate with: symderiv derive max_pool2d --input 2x3 --kernel 2x2 --stride 1x1 "
        "--in-channels 2 --values v.json --ties first" in md
    )


def test_a_single_map_may_be_given_as_its_spatial_shape():
    a = symderiv.max_pool1d(input=4, kernel=2, values=[1, 2, 4, 3])
    b = symderiv.max_pool1d(input=4, kernel=2, values=[[[1, 2, 4, 3]]])
    assert a.values == b.values == (((1, 2, 4, 3),),)
    assert dataclasses.replace(a, ties="split").values == a.values
    with pytest.raises(SpecError, match=r"A has shape 1×4; expected 1×1×4 or 4$"):
        symderiv.max_pool1d(input=4, kernel=2, values=[[1, 2, 4, 3]])


def test_python_api_checks_its_arguments():
    with pytest.raises(SpecError, match="give one or the other"):
        symderiv.max_pool2d(seed=1, values=np.zeros((4, 4)))
    with pytest.raises(SpecError, match=r"^ties 'last': expected first or split$"):
        symderiv.max_pool2d(ties="last")
    with pytest.raises(SpecError, match=r"^seed -1: expected a non-negative integer"):
        symderiv.max_pool2d(seed=-1)
    with pytest.raises(SpecError, match=r"^padding '2x2': at most half the kernel"):
        symderiv.avg_pool2d(padding=2)
    with pytest.raises(
        SpecError, match=r"^input \(4, 4\): a avg_pool1d layer takes 1 value, one per spatial axis$"
    ):
        symderiv.avg_pool1d(input=(4, 4))
    assert symderiv.max_pool2d().seeded == 0
    assert symderiv.avg_pool2d(input=(4, 4), kernel=2, stride=None).stride == (2, 2)
    assert symderiv.layer("avg_pool3d").input == (4, 4, 4)


# ---------------------------------------------------------------------------
# the predicted size of the work
# ---------------------------------------------------------------------------


def _actual_work(d: Derivation) -> int:
    tensors = {t.letter: t for t in d.tensors}
    closed = 0
    for claim in d.layer.claims():
        try:
            values = d.layer.evaluate(claim, tensors)
        except ValueError:
            continue
        closed += sum(len(sympy.Add.make_args(sympy.expand(v))) for v in values.values())
    symbolic = d.exhibits.get("symbolic", ())
    return (
        sum(len(e.terms) for e in d.forward)
        + sum(len(g.terms) for g in d.gradients)
        + sum(len(g.terms) for g in symbolic)
        + closed
        + sum(len(t.elements) for t in d.tensors)
    )


@pytest.mark.parametrize(
    "spec",
    [
        symderiv.avg_pool2d(),
        symderiv.avg_pool2d(input=(5, 5), kernel=3, stride=2),
        symderiv.avg_pool1d(input=7, kernel=3, stride=2, padding=1),
        symderiv.avg_pool2d(input=(4, 4), kernel=3, stride=1, padding=1, batch=2),
        symderiv.max_pool2d(seed=3),
        symderiv.max_pool2d(input=(5, 5), kernel=3, stride=1, padding=1, seed=2, ties="split"),
        symderiv.max_pool3d(),
    ],
    ids=lambda s: s.label(),
)
def test_predicted_terms_cover_the_work(spec):
    d = derived(spec)
    assert d.verified
    actual = _actual_work(d)
    assert spec.predicted_terms() >= actual
    assert spec.predicted_terms() <= 20 * actual  # a prediction, not a wild bound


def test_huge_layers_are_refused_before_anything_is_built():
    from symderiv.exceptions import SizeLimitError

    spec = symderiv.max_pool2d(input=(100_000, 100_000), kernel=2)
    with pytest.raises(SizeLimitError, match=r"the derivation would do [0-9,]+ steps of work"):
        spec.derive()


def test_a_matrix_whose_cells_share_one_coefficient_prints_it_once():
    """Mean pooling's ∂E/∂A is ¼ times the up-sampled delta: the ¼ stands in front of the
    matrix (a fraction in every cell collides with the rows above and below)."""
    import symderiv

    tex = symderiv.avg_pool2d(input=(4, 4), kernel=2).derive().to_latex()
    rows = [
        r"D_{00} & D_{00} & D_{01} & D_{01}",
        r"D_{00} & D_{00} & D_{01} & D_{01}",
        r"D_{10} & D_{10} & D_{11} & D_{11}",
        r"D_{10} & D_{10} & D_{11} & D_{11}",
    ]
    matrix = r"\begin{bmatrix} " + r" \\ ".join(rows) + r" \end{bmatrix}"
    assert rf"\frac{{\partial E}}{{\partial A}} = \frac{{1}}{{4}}\, {matrix}" in tex
    assert r"\frac{1}{4} D_{00} &" not in tex
