"""The formula language's own grammar: what parses, into what, and what is refused."""

from __future__ import annotations

from fractions import Fraction

import pytest

from symderiv.formulas.parse import (
    MAX_DEPTH,
    BinOp,
    Call,
    FormulaSyntaxError,
    Name,
    Neg,
    Num,
    Str,
    Transposed,
    parse,
)


def test_the_notes_kernel_formula():
    assert parse("rot180(conv2(x, rot180(δ), 'valid'))") == Call(
        0,
        "rot180",
        (Call(7, "conv2", (Name(13, "x"), Call(16, "rot180", (Name(23, "delta"),)), Str(27, "valid"))),),
    )


def test_the_notes_delta_recursion_with_layer_superscripts_and_a_prime():
    tree = parse("δ^{l+1} * rot180(w) ∘ σ′(z^l)")
    assert tree == BinOp(
        20,
        "∘",
        BinOp(8, "*", Name(0, "delta", "l+1"), Call(10, "rot180", (Name(17, "w"),))),
        Call(22, "sigma", (Name(25, "z", "l"),), primes=1),
    )


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("delta @ x^T", BinOp(6, "@", Name(0, "delta"), Transposed(9, Name(8, "x")))),
        ("A .* B", BinOp(2, "∘", Name(0, "A"), Name(5, "B"))),
        ("A ⊙ B", BinOp(2, "∘", Name(0, "A"), Name(4, "B"))),
        ("0.25 * X", BinOp(5, "*", Num(0, Fraction(1, 4)), Name(7, "X"))),
        ("X / 4", BinOp(2, "/", Name(0, "X"), Num(4, Fraction(4)))),
        ("-A - B", BinOp(3, "-", Neg(0, Name(1, "A")), Name(5, "B"))),
        ("a + b * c", BinOp(2, "+", Name(0, "a"), BinOp(6, "*", Name(4, "b"), Name(8, "c")))),
        ("f'(z)", Call(0, "f", (Name(3, "z"),), primes=1)),
        ('conv2(A, K, "FULL")', Call(0, "conv2", (Name(6, "A"), Name(9, "K"), Str(12, "full")))),
    ],
)
def test_operators_and_precedence(text, tree):
    assert parse(text) == tree


@pytest.mark.parametrize(
    ("text", "problem", "column"),
    [
        ("rot180(D", "expected ',' or ')' to close rot180(, found the end", 9),
        ("__import__('os').system('touch x')", "unexpected '.' (FULL STOP)", 17),
        ("A.shape", "unexpected '.' (FULL STOP)", 2),
        ("lambda x: x", "unexpected ':' (COLON)", 9),
        ("f'{A}'", "a quoted word that is never closed", 6),
        ('"{A}"', "a quoted word may hold only letters, not '{A}'", 1),
        ("A\x00", "unexpected character '\\x00'", 2),
        ("x ☃ y", "unexpected '☃' (SNOWMAN)", 3),
        ("conv2(A,,B)", "unexpected ','", 9),
        ("", "an empty formula", 1),
        ("A ^ +", "expected T or a layer index after '^'", 5),
        ("'valid", "a quoted word that is never closed", 1),
    ],
)
def test_syntax_errors_quote_the_formula_and_point_at_the_column(text, problem, column):
    with pytest.raises(FormulaSyntaxError) as err:
        parse(text)
    first, *pointer = str(err.value).split("\n")
    assert first == f"formula {text!r}: {problem} at column {column}"
    if text.isprintable():
        assert pointer == ["  " + text, "  " + " " * (column - 1) + "^"]
    else:  # never echo control characters to a terminal
        assert pointer == []


def test_nesting_and_length_are_limited_before_any_recursion():
    with pytest.raises(FormulaSyntaxError, match=f"more than {MAX_DEPTH} levels of nesting"):
        parse("(" * 60 + "A" + ")" * 60)
    with pytest.raises(FormulaSyntaxError, match="a formula of 100,000 characters"):
        parse("A+" * 50_000)
    with pytest.raises(FormulaSyntaxError, match="a formula of 20,000 characters"):
        parse("(" * 10_000 + ")" * 10_000)
    assert parse("(" * 40 + "A" + ")" * 40) == Name(40, "A")


@pytest.mark.parametrize(
    ("text", "column", "shown"),
    [("y^2 - t", 3, "^2"), ("sum(D^{2})", 7, "^{2}"), ("D^(1)", 3, "^(1)")],
)
def test_a_number_as_superscript_is_a_power_and_refused_not_taken_for_a_layer(text, column, shown):
    # y^2 once read as y with a layer index 2, so "y^2 - t" was proved to "hold" as y - t
    with pytest.raises(FormulaSyntaxError) as err:
        parse(text)
    assert str(err.value).split("\n")[0] == (
        f"formula {text!r}: a power such as {shown} is not in the formula language (a "
        f"superscript names a layer, such as l or {{l+1}}) at column {column}"
    )
    assert parse("z^L") == Name(0, "z", "L")
    assert parse("δ^{l-1}") == Name(0, "delta", "l-1")
