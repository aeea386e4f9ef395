"""Layer specifications: sizes, validation messages and the predicted size of a derivation."""

from __future__ import annotations

import itertools

import pytest
import sympy

import symderiv
from symderiv.core.pipeline import check_size
from symderiv.exceptions import SizeLimitError, SpecError
from symderiv.sizes import parse_size


@pytest.mark.parametrize(
    ("text", "ndim", "expected"),
    [
        ("4x4", 2, (4, 4)),
        ("4", 2, (4, 4)),
        ("3X5", 2, (3, 5)),
        (" 2x3x4 ", 3, (2, 3, 4)),
        ("7", 1, (7,)),
    ],
)
def test_parse_size(text, ndim, expected):
    assert parse_size(text, "--input", ndim) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "4x",
            "--input '4x': expected 2 integers joined by 'x' (or one for every axis), such as '4x4'",
        ),
        (
            "x4",
            "--input 'x4': expected 2 integers joined by 'x' (or one for every axis), such as '4x4'",
        ),
        ("0x4", "--input '0x4': every size must be at least 1"),
        ("-3x4", "--input '-3x4': every size must be at least 1"),
        (
            "4x4x4",
            "--input '4x4x4': a 2-D layer takes 2 values; "
            + "expected 2 integers joined by 'x' (or one for every axis), such as '4x4'",
        ),
        (
            "four",
            "--input 'four': expected 2 integers joined by 'x' (or one for every axis), such as '4x4'",
        ),
    ],
)
def test_parse_size_errors_quote_the_input(text, message):
    with pytest.raises(SpecError) as err:
        parse_size(text, "--input", 2)
    assert str(err.value) == message


def test_output_size_rule():
    assert symderiv.conv2d(input=(4, 4), kernel=(2, 2)).output == (3, 3)
    assert symderiv.conv2d(
        input=(7, 8), kernel=(3, 2), stride=(2, 3), padding=(1, 0), dilation=(2, 1)
    ).output == (3, 3)
    assert symderiv.conv1d(input=10, kernel=3, stride=3, padding=2, dilation=2).output == (4,)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kernel": (5, 5)}, "kernel '5x5': larger than the input '4x4' on axis 0"),
        ({"convention": "matlab"}, "convention 'matlab': expected one of correlation, convolution"),
        ({"in_channels": 3, "groups": 2}, "in_channels 3: not divisible by groups 2"),
        ({"out_channels": 0}, "out_channels 0: expected a positive integer"),
        ({"stride": 0}, "stride 0: every value must be at least 1"),
        ({"padding": -1}, "padding -1: every value must be at least 0"),
    ],
)
def test_spec_errors(kwargs, message):
    with pytest.raises(SpecError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        symderiv.conv2d(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"in_channels": 2, "out_channels": 3, "batch": 2},
        {"input": (5, 6), "kernel": (3, 2), "stride": 2, "padding": 1},
        {"input": (6, 6), "kernel": (2, 3), "dilation": 2, "padding": (2, 0)},
        {"in_channels": 4, "out_channels": 2, "groups": 2},
    ],
)
def test_predicted_terms_count_what_is_built(kwargs):
    from symderiv.core import work
    from symderiv.layers.conv.closed_forms import claims, evaluate_claim

    spec = symderiv.conv2d(**kwargs)
    with work.counting() as counted:
        d = spec.derive()
    products = sum(len(e.terms) - 1 for e in d.forward)  # every forward term but the bias
    assert products == spec.products()
    tensors = {t.letter: t for t in d.tensors}
    closed = sum(
        len(sympy.Add.make_args(sympy.expand(value)))
        for claim in claims(spec)
        for value in evaluate_claim(spec, claim, tensors).values()
        if value != 0
    )
    built = sum(len(e.terms) for e in d.forward) + sum(len(g.terms) for g in d.gradients)
    symbols = sum(len(t.elements) for t in d.tensors)
    predicted = spec.predicted_work()
    assert spec.predicted_terms() == sum(predicted.values())
    assert spec.predicted_terms() >= built + closed + symbols
    assert counted["symbols"] == predicted["symbols"] == symbols
    for stage, steps in counted.items():
        assert steps <= predicted[stage], stage


def test_size_limit_refuses_with_the_number():
    spec = symderiv.conv2d(input=(64, 64), kernel=(5, 5), in_channels=8, out_channels=8)
    with pytest.raises(SizeLimitError) as err:
        check_size(spec)
    assert str(err.value) == (
        "conv2d_64x64_k5x5_c8_m8_correlation: the derivation would do 327,316,921 steps of "
        "work (symbols, terms, array cells, products visited), more than the limit of 3,000,000; "
        "raise it with --max-terms 327316921 (or max_terms=327316921 in Python) if you have the "
        "time and memory"
    )


def test_python_api_takes_size_strings_through_the_same_grammar():
    assert symderiv.conv2d(input="5x5", kernel="3").kernel == (3, 3)
    with pytest.raises(SpecError, match=r"^input '5x': expected 2 integers joined by 'x'"):
        symderiv.conv2d(input="5x")


def test_missing_gradient_element_says_what_index_is_needed(classic):
    with pytest.raises(
        KeyError, match=r"no gradient element K\[0, 1\]: K has shape \(1, 1, 2, 2\)"
    ):
        classic.gradient("K", (0, 1))


@pytest.mark.parametrize("transposed", [False, True])
def test_tap_count_is_the_number_of_taps(transposed):
    make = symderiv.conv_transpose1d if transposed else symderiv.conv1d
    checked = 0
    for h, k, s, p, d, op in itertools.product(
        range(1, 7),
        range(1, 4),
        range(1, 4),
        range(3),
        range(1, 3),
        range(3) if transposed else (0,),
    ):
        kw = {"output_padding": op} if transposed else {}
        try:
            spec = make(input=h, kernel=k, stride=s, padding=p, dilation=d, **kw)
        except SpecError:
            continue
        assert spec.tap_count(0) == len(spec.taps(0)), spec.label()
        checked += 1
    assert checked > 250


def test_absurd_sizes_are_refused_without_building_anything():
    # Priced in O(log) of the sizes: a 10**12 input or a 2,000,000-tap kernel is refused
    # at once, with the number, whatever the size.
    spec = symderiv.conv1d(input=10**12, kernel=3)
    with pytest.raises(SizeLimitError, match=r"would do 362,999,999,999,706 steps of work"):
        check_size(spec)
    with pytest.raises(SizeLimitError, match=r"would do 142,000,580,000,142 steps of work"):
        check_size(symderiv.conv1d(input=3_000_000, kernel=2_000_000))
