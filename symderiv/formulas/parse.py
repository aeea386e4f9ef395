"""The formula language users type, read by our own small grammar (never ``eval``).

A hand-written tokenizer and recursive-descent parser turn text such as
``rot180(conv2(x, rot180(δ), 'valid'))`` or ``beta * up(delta, 2) ∘ σ'(z)``
into an immutable syntax tree whose nodes remember their column, so every
error can point at the place it is about.  Nothing here knows a layer: what a
name means and which operator ``*`` is (a scalar product or the notes'
convolution) is decided later, when the tree is bound to a layer.

Grammar (lowest precedence first)::

    formula  := sum
    sum      := product (("+" | "-") product)*
    product  := unary (("*" | "/" | "@" | ".*" | "∘" | "⊙") unary)*
    unary    := "-" unary | postfix
    postfix  := primary ("^T" | "^" super)*
    primary  := NUMBER | STRING | NAME [sub] [prime] ["(" args ")"] | "(" formula ")"
    args     := formula ("," formula)*
    sub      := "_" LETTERS | "_{" index ("," index)* "}"   (which map: x_i, K_{c,m})
    index    := LETTER | LETTER "-1-" LETTER | NUMBER          (m, or M-1-m: reversed)
    super    := NAME | "{" tokens "}" | "(" tokens ")"    (a layer index such as l+1; a
                                                          number alone would be a power: refused)

A superscript other than ``T`` names a layer (``δ^{l+1}``, ``z^l``) and is kept,
not evaluated.  A subscript names which map of a tensor a formula reads (``x_k``,
``K_{c,m}``); what its letters mean is decided when the formula is bound to a
layer.  Limits: 2,000 characters and 50 levels of nesting.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from fractions import Fraction

from ..exceptions import SymderivError

__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "BinOp",
    "Call",
    "FormulaSyntaxError",
    "Name",
    "Neg",
    "Node",
    "Num",
    "Str",
    "Transposed",
    "parse",
]

MAX_LENGTH = 2_000
MAX_DEPTH = 50

# Spellings that mean the same token.
_OPERATORS = {
    "+": "+",
    "-": "-",
    "−": "-",
    "*": "*",
    "×": "*",
    "/": "/",
    "@": "@",
    ".*": "∘",
    "∘": "∘",
    "⊙": "∘",
    "(": "(",
    ")": ")",
    ",": ",",
    "^": "^",
    "{": "{",
    "}": "}",
}
_PRIMES = ("'", "′")
_GREEK = {"δ": "delta", "σ": "sigma", "β": "beta", "α": "alpha"}


class FormulaSyntaxError(SymderivError, ValueError):
    """A formula that does not parse; the message quotes it and points at the column."""

    def __init__(self, formula: str, column: int, problem: str) -> None:
        shown = formula if len(formula) <= 120 else formula[:117] + "..."
        message = f"formula {shown!r}: {problem} at column {column + 1}"
        if shown.isprintable() and len(formula) <= 120:  # point at it, under the formula
            message += f"\n  {shown}\n  {' ' * column}^"
        super().__init__(message)
        self.formula = formula
        self.column = column
        self.problem = problem


@dataclass(frozen=True)
class Token:
    kind: str  # "num", "name", "str", "op", "prime", "end"
    text: str
    column: int


# ---- syntax tree -----------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """A node of the syntax tree; ``column`` is where it starts in the formula."""

    column: int


@dataclass(frozen=True)
class Num(Node):
    value: Fraction


@dataclass(frozen=True)
class Str(Node):
    value: str


@dataclass(frozen=True)
class Name(Node):
    """A name, as typed but with Greek letters spelled out (``δ`` → ``delta``);
    ``layer`` is its superscript (``l+1``) when it has one, ``sub`` its map subscript
    (``c,m`` of ``K_{c,m}``, ``k`` of ``x_k``)."""

    name: str
    layer: str | None = None
    sub: str | None = None


@dataclass(frozen=True)
class Call(Node):
    """``name(args)``; ``primes`` counts the derivative marks (``sigma'(z)`` → 1)."""

    name: str
    args: tuple[Node, ...]
    primes: int = 0


@dataclass(frozen=True)
class BinOp(Node):
    """``left op right`` with ``op`` one of ``+ - * / @ ∘``."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Neg(Node):
    arg: Node


@dataclass(frozen=True)
class Transposed(Node):
    arg: Node


# ---- tokenizer --------------------------------------------------------------------


def _is_name_start(ch: str) -> bool:
    return (ch.isascii() and (ch.isalpha() or ch == "_")) or ch in _GREEK


def _is_name_char(ch: str) -> bool:
    return (ch.isascii() and (ch.isalnum() or ch == "_")) or ch in _GREEK


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens; unknown characters are syntax errors."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in " \t":
            i += 1
            continue
        if (ch.isascii() and ch.isdigit()) or (ch == "." and i + 1 < n and text[i + 1].isdigit()):
            start = i
            while i < n and text[i].isascii() and text[i].isdigit():
                i += 1
            if i < n and text[i] == "." and i + 1 < n and text[i + 1].isdigit():
                i += 1
                while i < n and text[i].isascii() and text[i].isdigit():
                    i += 1
            if i - start > 30:
                raise FormulaSyntaxError(text, start, "a number of more than 30 digits")
            tokens.append(Token("num", text[start:i], start))
            continue
        if _is_name_start(ch):
            start = i
            while i < n and _is_name_char(text[i]):
                i += 1
            tokens.append(Token("name", text[start:i], start))
            # a prime right after a name is a derivative mark: sigma'(z)
            while i < n and text[i] in _PRIMES:
                tokens.append(Token("prime", text[i], i))
                i += 1
            continue
        if ch in ("'", '"'):
            end = text.find(ch, i + 1)
            if end < 0:
                raise FormulaSyntaxError(text, i, "a quoted word that is never closed")
            word = text[i + 1 : end]
            if not word.isascii() or not word.isalpha():
                raise FormulaSyntaxError(
                    text, i, f"a quoted word may hold only letters, not {word!r}"
                )
            tokens.append(Token("str", word, i))
            i = end + 1
            continue
        two = text[i : i + 2]
        if two == ".*":
            tokens.append(Token("op", "∘", i))
            i += 2
            continue
        if ch in _OPERATORS:
            tokens.append(Token("op", _OPERATORS[ch], i))
            i += 1
            continue
        name = unicodedata.name(ch, "") if ch.isprintable() else ""
        what = f"{ch!r} ({name})" if name else f"character {ch!r}"
        raise FormulaSyntaxError(text, i, f"unexpected {what}")
    tokens.append(Token("end", "", n))
    return tokens


# ---- parser -----------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0
        self.depth = 0

    # helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def error(self, problem: str, token: Token | None = None) -> FormulaSyntaxError:
        return FormulaSyntaxError(self.text, (token or self.tok).column, problem)

    def take(self) -> Token:
        token = self.tok
        self.pos += 1
        return token

    def at(self, kind: str, text: str | None = None) -> bool:
        return self.tok.kind == kind and (text is None or self.tok.text == text)

    def expect(self, text: str, what: str) -> Token:
        if not self.at("op", text):
            found = "the end" if self.tok.kind == "end" else repr(self.tok.text)
            raise self.error(f"expected {what}, found {found}")
        return self.take()

    def nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"more than {MAX_DEPTH} levels of nesting")

    # grammar
    def formula(self) -> Node:
        node = self.sum()
        if not self.at("end"):
            raise self.error(f"unexpected {self.tok.text!r}")
        return node

    def sum(self) -> Node:
        node = self.product()
        while self.at("op", "+") or self.at("op", "-"):
            op = self.take()
            node = BinOp(op.column, op.text, node, self.product())
        return node

    def product(self) -> Node:
        node = self.unary()
        while self.tok.kind == "op" and self.tok.text in ("*", "/", "@", "∘"):
            op = self.take()
            node = BinOp(op.column, op.text, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.at("op", "-"):
            op = self.take()
            self.nest()
            node = Neg(op.column, self.unary())
            self.depth -= 1
            return node
        return self.postfix()

    def postfix(self) -> Node:
        node = self.primary()
        while self.at("op", "^"):
            caret = self.take()
            if self.at("name", "T"):
                self.take()
                node = Transposed(caret.column, node)
                continue
            layer = self.superscript()
            if not isinstance(node, Name) or node.layer is not None:
                raise self.error("a layer superscript belongs right after a name", caret)
            node = Name(node.column, node.name, layer, node.sub)
        return node

    def superscript(self) -> str:
        """``l``, ``L``, ``{l+1}`` or ``(l-1)``: kept as text.  A bare number is refused:
        ``y^2`` reads as a power, which the language does not have, so taking it for a
        layer index would silently check ``y`` in its place."""
        if self.at("num"):
            raise self.error(
                f"a power such as ^{self.tok.text} is not in the formula language (a superscript "
                "names a layer, such as l or {l+1})"
            )
        if self.at("name"):
            return self.take().text
        for open_, close in (("{", "}"), ("(", ")")):
            if self.at("op", open_):
                start = self.take()
                parts, named = [], False
                while not self.at("op", close):
                    if self.tok.kind == "end" or self.at("op", open_):
                        raise self.error(
                            f"a superscript opened at column {start.column + 1} "
                            f"must close with {close!r}"
                        )
                    sign = self.at("op", "+") or self.at("op", "-")
                    if not (self.tok.kind in ("name", "num") or sign):
                        raise self.error("a superscript holds a layer index such as l+1")
                    named = named or self.at("name")
                    parts.append(self.take().text)
                self.take()
                if not parts:
                    raise self.error("an empty superscript", start)
                if not named:
                    raise self.error(
                        f"a power such as ^{open_}{''.join(parts)}{close} is not in the formula "
                        "language (a superscript names a layer, such as l or {l+1})",
                        start,
                    )
                return "".join(parts)
        raise self.error("expected T or a layer index after '^'")

    def subscript(self, name: Token) -> str:
        """``{c,m}`` or ``{M-1-m,C-1-c}`` after ``K_``: map indices, kept as text."""
        start = self.take()
        parts: list[str] = []
        while not self.at("op", "}"):
            if self.tok.kind == "end":
                raise self.error(
                    f"a subscript opened at column {start.column + 1} must close with '}}'"
                )
            if not (self.tok.kind in ("name", "num") or self.at("op", "-") or self.at("op", ",")):
                raise self.error("a subscript holds map indices such as c,m or M-1-m")
            parts.append(self.take().text)
        self.take()
        text = "".join(parts)
        if not text or any(not p for p in text.split(",")):
            raise self.error(f"an empty map index in {name.text}{{{text}}}", start)
        return text

    def primary(self) -> Node:
        token = self.tok
        if token.kind == "num":
            self.take()
            return Num(token.column, Fraction(token.text))
        if token.kind == "str":
            self.take()
            return Str(token.column, token.text.lower())
        if token.kind == "name":
            self.take()
            name = "".join(_GREEK.get(ch, ch) for ch in token.text)
            sub = None
            if name.endswith("_") and self.at("op", "{"):  # K_{c,m}
                name, sub = name[:-1], self.subscript(token)
            elif "_" in name.strip("_") and not self.at("op", "(") and not self.at("prime"):
                base, _, rest = name.partition("_")  # x_k
                if base and rest.isalnum():
                    name, sub = base, rest
            primes = 0
            while self.at("prime"):
                self.take()
                primes += 1
            if self.at("op", "("):
                self.take()
                self.nest()
                args = [self.sum()]
                while self.at("op", ","):
                    self.take()
                    args.append(self.sum())
                self.expect(")", f"',' or ')' to close {token.text}(")
                self.depth -= 1
                return Call(token.column, name, tuple(args), primes)
            if primes:
                raise self.error(f"{token.text}' must be applied, as in {token.text}'(z)")
            return Name(token.column, name, None, sub)
        if self.at("op", "("):
            self.take()
            self.nest()
            node = self.sum()
            self.expect(")", "')'")
            self.depth -= 1
            return node
        if token.kind == "end":
            raise self.error("the formula ends too early")
        if token.kind == "prime":
            raise self.error("a prime belongs right after a function name, as in sigma'(z)")
        raise self.error(f"unexpected {token.text!r}")


def parse(text: str) -> Node:
    """Parse one formula; raise :class:`FormulaSyntaxError` pointing at the fault."""
    if not isinstance(text, str):
        raise FormulaSyntaxError(repr(text), 0, "a formula must be text")
    if len(text) > MAX_LENGTH:
        raise FormulaSyntaxError(
            text[:60] + "...", 0, f"a formula of {len(text):,} characters (at most {MAX_LENGTH:,})"
        )
    if not text.strip():
        raise FormulaSyntaxError(text, 0, "an empty formula")
    return _Parser(text).formula()
