"""The formula language's newer words: softmax, max pooling's switches s, map subscripts
(K_{c,m}, x_k) and sum_k, each with the mistakes it lets the checker diagnose."""

from __future__ import annotations

import re

import pytest

import symderiv
from symderiv.checker import check
from symderiv.formulas.bind import FormulaError, bind
from symderiv.formulas.parse import FormulaSyntaxError, Name, parse


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("x_k", Name(0, "x", None, "k")),
        ("K_{c,m}", Name(0, "K", None, "c,m")),
        ("K_{M−1−m, C-1-c}", Name(0, "K", None, "M-1-m,C-1-c")),
        ("δ_j^{l+1}", Name(0, "delta", "l+1", "j")),
        ("x_", Name(0, "x_")),  # no subscript: a name of its own (refused when bound)
    ],
)
def test_subscripts_parse_into_the_name(text, tree):
    assert parse(text) == tree


@pytest.mark.parametrize(
    ("text", "problem", "column"),
    [
        ("K_{}", "an empty map index in K_{}", 3),
        ("K_{c,,m}", "an empty map index in K_{c,,m}", 3),
        ("K_{c", "a subscript opened at column 3 must close with '}'", 5),
        ("K_{c*m}", "a subscript holds map indices such as c,m or M-1-m", 5),
    ],
)
def test_bad_subscripts_point_at_the_column(text, problem, column):
    with pytest.raises(FormulaSyntaxError) as err:
        parse(text)
    assert str(err.value).split("\n")[0] == f"formula {text!r}: {problem} at column {column}"


# ---- softmax ---------------------------------------------------------------------------

CE = symderiv.softmax_cross_entropy()


@pytest.mark.parametrize("formula", ["softmax(y) - t", "sum(t) * softmax(y) - t"])
def test_the_cross_entropy_gradient_holds_given_the_targets_sum_to_one(formula):
    r = check(CE, formula, "y")
    assert (r.holds, r.checked, r.given) == (True, 3, "sum_c t[n,c] = 1")


@pytest.mark.parametrize(
    ("formula", "diagnosis", "repair"),
    [
        ("y - t", "a missing softmax (y where softmax(y) is needed)", "softmax(y) - t"),
        ("t - softmax(y)", "the sign flipped", "-1 * (t - softmax(y))"),
    ],
)
def test_cross_entropy_mistakes(formula, diagnosis, repair):
    r = check(CE, formula, "y")
    assert (r.holds, r.diagnosis, r.repair) == (False, diagnosis, repair)
    assert check(CE, repair, "y").holds


def test_softmax_takes_a_row():
    with pytest.raises(FormulaError, match="softmax\\(\\) takes one sample's row"):
        check(symderiv.conv2d(), "softmax(D)", "b")


# ---- max pooling's switches ---------------------------------------------------------------


@pytest.mark.parametrize("ties", ["first", "split"])
def test_max_pooling_routes_the_delta_through_the_switch_map(ties):
    layer = symderiv.max_pool2d(seed=3, ties=ties)  # ties in the values: first and split differ
    assert check(layer, "up(delta, 2) .* s", "A").holds
    r = check(layer, "up(delta, 2)", "A")
    assert (r.holds, r.diagnosis, r.repair) == (
        False,
        "a missing switch mask (the delta goes to each window's maximum only)",
        "up(D, 2) .* s",
    )


def test_the_switch_map_needs_windows_that_tile_the_input():
    layer = symderiv.max_pool2d(input=(5, 5), kernel=(3, 3), stride=2)
    with pytest.raises(FormulaError, match="the switch map s needs windows that tile the input"):
        check(layer, "s", "A")


def test_the_switch_map_is_found_from_the_values_not_from_the_switches():
    # the first of two tied maxima takes the delta under 'first', half of it under 'split'
    first = symderiv.max_pool2d(input=(2, 2), kernel=(2, 2), values=[[1, 1], [0, 0]])
    split = symderiv.max_pool2d(input=(2, 2), kernel=(2, 2), values=[[1, 1], [0, 0]], ties="split")
    assert check(first, "up(D, 2) .* s", "A").holds
    assert check(split, "up(D, 2) .* s", "A").holds
    r = check(first, "up(D, 2) / 2 .* s", "A")
    assert r.first_failure.index == (0, 0, 0, 0)


# ---- channel subscripts --------------------------------------------------------------------

SQUARE = symderiv.conv2d(in_channels=2, out_channels=2)
WIDE = symderiv.conv2d(in_channels=2, out_channels=3)


def test_the_pairs_own_indices_are_the_plain_names():
    for layer in (SQUARE, WIDE):
        assert check(layer, "xcorr(pad(D_{m}, 1), rot180(K_{m,c}))", "A").holds
        assert check(layer, "xcorr(A_{c}, D_{m})", "K").holds


@pytest.mark.parametrize(
    ("layer", "formula", "diagnosis"),
    [
        (SQUARE, "xcorr(pad(D, 1), rot180(K_{c,m}))",
         "a missing channel transpose (K_{c,m} where K_{m,c} is needed)"),
        (WIDE, "xcorr(pad(D, 1), rot180(K_{c,m}))",
         "a missing channel transpose (K_{c,m} where K_{m,c} is needed)"),
        (WIDE, "xcorr(pad(D, 1), rot180(K_{M-1-m,C-1-c}))",
         "a flip across channels (K_{M-1-m,C-1-c} where K_{m,c} is needed: flip only the "
         "spatial axes)"),
        (SQUARE, "xcorr(A, D_{M-1-m})", "a flip across channels (D_{M-1-m} where D_{m} is needed)"),
        (WIDE, "xcorr(pad(D, 1), rot180(K_{0,c}))", "the wrong map (K_{0,c} where K_{m,c} is needed)"),
    ],
)
def test_channel_mistakes_are_diagnosed(layer, formula, diagnosis):
    of = "K" if "A," in formula else "A"
    r = check(layer, formula, of)
    assert (r.holds, r.diagnosis) == (False, diagnosis)
    assert check(layer, r.repair, of).holds


def test_a_transposed_pair_outside_the_kernel_says_which_map_it_reads():
    r = check(WIDE, "xcorr(pad(D, 1), rot180(K_{c,m}))", "A", diagnose=False)
    assert not r.holds
    assert r.reason == "K_{c,m} at m = 2, c = 0 reads the map (0, 2) of K, which has 3×2 maps"
    assert "  " + r.reason + "\n" in r.to_text()


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("K_{q,c}", "K_{q,c}: map index 'q'; use m, c, a number, or a reversed index such as "
         "M-1-m"),
        ("K_{c}", "K_{c}: K takes 2 map indices (m,c)"),
        ("K_{C-1-m,c}", "K_{C-1-m,c}: map index 'C-1-m'; use m, c, a number, or a reversed "
         "index such as M-1-m"),
    ],
)
def test_bad_map_indices_are_refused(formula, message):
    with pytest.raises(FormulaError) as err:
        check(SQUARE, formula, "A")
    assert str(err.value) == f"formula {formula!r}: {message} (at column 1)"


def test_layers_without_maps_take_no_subscripts():
    with pytest.raises(FormulaError, match=re.escape("D_{m}: D takes no map subscript on")):
        check(symderiv.avg_pool2d(), "up(D_{m}, 2) / 4", "A")


# ---- map combination: sum_k ---------------------------------------------------------------

COMBINE = symderiv.map_combination()


def test_bouvries_map_combination_gradient_holds():
    r = check(COMBINE, "alpha * (sum(delta .* x) - sum_k(alpha_k * sum(delta .* x_k)))", "c")
    assert (r.holds, r.checked) == (True, 4)
    assert r.formula.text() == (
        "alpha * (sum(delta .* x) - sum_k(alpha_{k} * sum(delta .* x_{k})))"
    )
    assert check(COMBINE, "α_i * (sum(δ .* x_i) - sum_k(α_k * sum(δ_j .* x_k)))", "c").holds
    assert check(COMBINE, "alpha * delta", "A").holds


def test_the_softmax_jacobian_forgotten_does_not_hold():
    r = check(COMBINE, "sum(delta .* x)", "c")
    assert (r.holds, r.failures, r.first_failure.index) == (False, 4, (0, 0))


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("x_k", "x_{k}: k is bound by sum_k(...) only"),
        ("sum_k(sum_k(x_k))", "sum_k() inside sum_k()"),
    ],
)
def test_sum_k_binds_k(formula, message):
    with pytest.raises(FormulaError, match=re.escape(message)):
        check(COMBINE, formula, "A")


@pytest.mark.parametrize(
    "formula",
    [
        "K_{__class__,c}",
        "x_k.__class__",
        "sum_k(" * 60 + "x_k" + ")" * 60,
        "softmax(" * 60 + "y" + ")" * 60,
        "K_{" + "m," * 1000 + "c}",
        "sum_k(lambda)",
    ],
    ids=range(6),
)
def test_hostile_subscripts_and_sums_are_refused_in_one_error(formula, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises((FormulaError, FormulaSyntaxError)) as err:
        check(COMBINE if "x_k" in formula or "lambda" in formula else SQUARE, formula, "A")
    assert str(err.value).startswith("formula ")
    assert list(tmp_path.iterdir()) == []


def test_sums_written_out_are_bounded():
    formula = "+".join(["sum_k(x_k)"] * 126)  # 1,511 characters
    layer = symderiv.map_combination(in_channels=8, out_channels=1)
    with pytest.raises(FormulaError, match="writes out more than 1,000 terms in this formula"):
        bind(formula, layer.scope("A"))  # eight input maps: 1,008 terms
