"""symderiv.check: a user's formula against the derived gradient, with a proved diagnosis."""

from __future__ import annotations

import json

import pytest

import symderiv
from symderiv.checker import check
from symderiv.formulas.bind import FormulaError


@pytest.fixture(scope="module")
def classic():
    return symderiv.conv2d()


@pytest.mark.parametrize(
    ("formula", "of", "checked"),
    [
        ("conv2(A, rot180(D), 'valid')", "K", 4),
        ("conv2(x, rot180(δ), 'valid')", "K", 4),
        ("xcorr(A, D)", "K", 4),
        ("xcorr(x, delta, 'valid')", "K", 4),
        ("sum(D)", "b", 1),
        ("conv2(D, K, 'full')", "A", 16),
        ("D * K", "A", 16),  # the notes' '*': 'full' is the mode that gives 4x4
        ("xcorr(pad(D, 1), rot180(K))", "A", 16),
        ("conv2(D, rot180(rot180(w)), 'full')", "A", 16),
    ],
)
def test_formulas_that_hold_on_the_classic_correlation_layer(classic, formula, of, checked):
    r = check(classic, formula, of)
    assert (r.holds, r.checked, r.failures, r.first_failure, r.diagnosis) == (
        True, checked, 0, None, None
    )


def test_the_notes_kernel_formula_is_refuted_with_terms_and_the_convention_diagnosis(classic):
    r = check(classic, "rot180(conv2(x, rot180(δ), 'valid'))", "K")
    assert (r.holds, r.checked, r.failures) == (False, 4, 4)
    f = r.first_failure
    assert f.index == (0, 0, 0, 0)
    assert [str(t.expr()) for t in f.missing][:2] == ["A[0,0,0,0]*D[0,0,0,0]", "A[0,0,0,1]*D[0,0,0,1]"]
    assert [str(t.expr()) for t in f.extra][:2] == ["A[0,0,1,1]*D[0,0,0,0]", "A[0,0,1,2]*D[0,0,0,1]"]
    assert len(f.missing) == len(f.extra) == 9
    assert r.diagnosis == (
        "the other convention: it holds for a true-convolution forward pass "
        "(MATLAB conv2, Bouvrie), not for this correlation layer"
    )
    assert check(symderiv.conv2d(convention="convolution"), r.text, "K").holds


@pytest.mark.parametrize(
    ("formula", "of", "diagnosis", "repair"),
    [
        ("conv2(A, D, 'valid')", "K", "a rot180 missing around D", "conv2(A, rot180(D), 'valid')"),
        (
            "conv2(A, rot180(rot180(D)), 'valid')",
            "K",
            "a rot180 too many (drop the rot180 of rot180(D))",
            "conv2(A, rot180(D), 'valid')",
        ),
        (
            "transpose(conv2(A, rot180(D), 'valid'))",
            "K",
            "a transpose too many",
            "conv2(A, rot180(D), 'valid')",
        ),
    ],
)
def test_each_usual_mistake_gets_its_diagnosis_and_a_proved_repair(classic, formula, of, diagnosis, repair):
    r = check(classic, formula, of)
    assert not r.holds
    assert (r.diagnosis, r.repair) == (diagnosis, repair)
    assert check(classic, repair, of).holds


def test_a_missing_zero_insertion_is_found_although_it_changes_the_shape():
    layer = symderiv.conv1d(input=7, kernel=3, stride=2)  # Ho = 3, no unread trailing input
    r = check(layer, "conv(D, K, 'full')", "A")
    assert (r.holds, r.checked, r.failures, r.first_failure) == (False, 7, 7, None)
    assert r.diagnosis == (
        "a missing zero insertion for the stride (dilate(D, 2)); as written, it gives a 5 map, "
        "but dE/dA is 7 per map (at column 1)"
    )
    assert r.repair == "conv(dilate(D, 2), K, 'full')"
    assert check(layer, "conv(dilate(D, 2), K, 'full')", "A").holds


def test_valid_for_full_is_diagnosed(classic):
    r = check(classic, "conv2(D, K, 'valid')", "A")
    assert (r.holds, r.repair) == (False, "conv2(D, K, 'full')")
    assert r.diagnosis == (
        "'valid' where 'full' is needed; as written, it gives a 2×2 map, but dE/dA is 4×4 per "
        "map (at column 1)"
    )


@pytest.mark.parametrize(
    ("formula", "of", "message"),
    [
        (
            "conv2(D, K, 'valid')",
            "K",
            "formula \"conv2(D, K, 'valid')\": unknown name 'K'; a formula for dE/dK may use A, D "
            "(x = A, w = k = K, delta = δ = D) (at column 10)",
        ),
        (
            "conv2(D, D, 'full')",
            "A",
            "formula \"conv2(D, D, 'full')\": it gives a 5×5 map, but dE/dA is 4×4 per map "
            "(at column 1)",
        ),
        (
            "__import__('os')",
            "K",
            "formula \"__import__('os')\": unknown function '__import__'; the functions are rot180, "
            "conv2, xcorr, pad, dilate, crop, up, down, sum, transpose, softmax (at column 1)",
        ),
        (
            "D * K",
            "K",
            "formula 'D * K': unknown name 'K'; a formula for dE/dK may use A, D "
            "(x = A, w = k = K, delta = δ = D) (at column 5)",
        ),
        (
            "D * D",
            "A",
            "formula 'D * D': '*' of a 3×3 map and a 3×3 map gives the 4×4 gradient with neither "
            "'valid' nor 'full'; write conv2(X, Y, 'valid') or conv2(X, Y, 'full') (at column 3)",
        ),
    ],
)
def test_formulas_that_cannot_be_evaluated_say_why(classic, formula, of, message):
    with pytest.raises(FormulaError) as err:
        check(classic, formula, of)
    assert str(err.value) == message


def test_an_ambiguous_star_asks_for_conv2():
    layer = symderiv.conv2d(input=(3, 3), kernel=(1, 1))
    with pytest.raises(FormulaError, match="with both 'valid' and 'full'; write conv2"):
        check(layer, "D * K", "A")


def test_a_sheet_shows_the_users_formulas_with_their_verdicts_without_deciding_its_own():
    d = symderiv.conv2d().derive(
        claims=[("K", "rot180(conv2(x, rot180(δ), 'valid'))"), ("A", "D * K")]
    )
    assert d.verified  # the user's refuted formula does not make the layer unverified
    mine = [c for c in d.closed_forms if c.stated_in == "your formula"]
    assert [(c.of, c.formula.text(), c.holds) for c in mine] == [
        ("K", "rot180(conv2(A, rot180(D), 'valid'))", False),
        ("A", "conv2(D, K, 'full')", True),
    ]
    md = d.to_markdown()
    assert "**Your formula for $`\\partial E/\\partial K`$.**" in md
    assert md.count("(it coincides with this convention's formula here)") == 0
    doc = json.loads(d.to_json())
    assert [c["stated_in"] for c in doc["closed_forms"]][-2:] == ["your formula", "your formula"]


def test_a_bad_claim_is_refused_before_any_work():
    with pytest.raises(FormulaError, match="unknown name 'K'"):
        symderiv.conv2d().derive(claims=[("K", "conv2(D, K, 'valid')")])


@pytest.mark.parametrize(
    ("layer", "formula", "of", "holds", "repair"),
    [
        (symderiv.subsample2d(), "beta * up(delta, 2)", "A", True, None),
        (symderiv.subsample2d(), "sum(δ .* down(x, 2))", "beta", True, None),
        (symderiv.subsample2d(), "sum(D)", "b", True, None),
        (symderiv.subsample2d(), "up(delta, 2)", "A", False, "beta * up(D, 2)"),
        (symderiv.avg_pool2d(), "up(delta, 2) / 4", "A", True, None),
        (symderiv.avg_pool2d(), "up(delta, 2)", "A", False, "1/4 * up(D, 2)"),
        (symderiv.avg_pool2d(), "up(delta, 2) / 2", "A", False, "1/4 * up(D, 2)"),
        (symderiv.linear(), "delta @ x^T", "W", True, None),
        (symderiv.linear(), "W^T @ delta", "A", True, None),
        (symderiv.linear(), "delta", "b", True, None),
        (symderiv.linear(in_features=2, out_features=2), "x @ delta^T", "W", False,
         "(x @ delta^T)^T"),
    ],
)
def test_subsampling_and_fully_connected_formulas(layer, formula, of, holds, repair):
    r = check(layer, formula, of)
    assert (r.holds, r.repair) == (holds, repair)


@pytest.mark.parametrize(
    ("formula", "at"), [("sum(pad(D, 3000))", "a 6003×6003 map"), ("sum(up(D, 10000))", "a 30000×30000 map")]
)
def test_a_formula_too_large_to_evaluate_is_refused_when_bound(classic, formula, at):
    # pad(D, 3000) once took half a minute and 2 GB, up(D, 10000) more memory than there is
    from symderiv.formulas.bind import bind

    with pytest.raises(FormulaError) as err:
        bind(formula, classic.scope("b"))
    assert str(err.value) == (
        f"formula {formula!r}: {at}, more than the 1,000,000 elements symderiv evaluates "
        "(at column 5)"
    )


def test_a_repair_on_a_stride_or_kernel_that_differs_per_axis_names_every_axis():
    # the message once said dilate(D, 2) for a 2x1 stride (and pad(D, 1) for a 2x3 kernel)
    from symderiv.checker import _per_axis

    strided = symderiv.conv2d(input=(5, 5), kernel=(3, 3), stride=(2, 1))
    r = check(strided, "conv2(D, K, 'full')", "A")
    assert r.diagnosis.startswith(
        "a missing zero insertion for the stride (D zero-inserted by 2×1); as written,"
    )
    assert _per_axis("pad(D, {})", "D padded by {} zeros", (1, 2)) == "D padded by 1×2 zeros"
    assert _per_axis("pad(D, {})", "D padded by {} zeros", (2, 2)) == "pad(D, 2)"


def test_a_negative_number_divides_and_the_window_mean_is_only_tried_for_mean_pooling(classic):
    assert check(classic, "sum(D) / -1 * -1", "b").holds
    r = check(classic, "4 * conv2(D, K, 'full')", "A")
    assert not r.holds
    assert r.diagnosis is None  # not "a missing 1/4": a convolution is no mean over its window
    assert check(symderiv.conv2d(input=(3, 3), kernel=(3, 3)), "sum(D)", "b").to_text().endswith(
        "holds: proved equal to the derivation at its one element\n"
    )


@pytest.mark.parametrize(
    ("layer", "formula", "of", "diagnosis", "repair"),
    [
        (symderiv.conv2d(), "xcorr(D, rot180(K))", "A",
         "a missing zero padding of D (pad(D, 1)); as written, it gives a 2×2 map, but dE/dA "
         "is 4×4 per map (at column 1)", "conv2(pad(D, 1), rot180(rot180(K)), 'valid')"),
        (symderiv.conv2d(input=(6, 6), kernel=(2, 2), stride=2), "xcorr(dilate(D, 2), rot180(K))",
         "A", "a missing zero padding of dilate(D, 2) (pad(dilate(D, 2), 1)); as written, it "
         "gives a 4×4 map, but dE/dA is 6×6 per map (at column 1)",
         "conv2(pad(dilate(D, 2), 1), rot180(rot180(K)), 'valid')"),
        (symderiv.conv2d(), "conv2(A, rot180(D), 'full')", "K",
         "'full' where 'valid' is needed; as written, it gives a 6×6 map, but dE/dK is 2×2 per "
         "map (at column 1)", "conv2(A, rot180(D), 'valid')"),
        (symderiv.conv2d(), "conv2(rot180(D), rot180(K), 'full')", "A",
         "a rot180 missing around the whole formula",
         "rot180(conv2(rot180(D), rot180(K), 'full'))"),
        (symderiv.avg_pool2d(), "up(delta, 2)", "A", "a missing 1/4", "1/4 * up(D, 2)"),
        (symderiv.avg_pool2d(), "up(delta, 2) / 2", "A",
         "divided by 2 where the window has 4 cells (1/k, not 1/k²)", "1/4 * up(D, 2)"),
        (symderiv.subsample2d(), "up(delta, 2)", "A", "a missing factor beta", "beta * up(D, 2)"),
        (symderiv.map_combination(), "delta", "A", "a missing factor alpha", "alpha * delta"),
        (symderiv.linear(in_features=2, out_features=2), "x @ delta^T", "W",
         "transposed (rows and columns swapped)", "(x @ delta^T)^T"),
        (symderiv.squared_error(), "t - y", "y", "the sign flipped", "-1 * (t - y)"),
    ],
)  # fmt: skip
def test_every_usual_mistake_gets_exactly_its_diagnosis(layer, formula, of, diagnosis, repair):
    r = check(layer, formula, of)
    assert (r.holds, r.diagnosis, r.repair) == (False, diagnosis, repair)
    assert check(layer, repair, of).holds  # the repair pastes back and holds
