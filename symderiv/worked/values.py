"""The small integers a worked example carries: drawn from a seed, or read from a file.

``--seed N``: every tensor of the layer (A, K, b, D, …; not max pooling's switches)
gets integers from −3 to 3, drawn with numpy's ``default_rng(N)`` in the sheet's
tensor order.  Max pooling's A keeps its own values (its ``--seed`` or
``--values`` set the switches, integers 0 to 3 from the same seed).

``--values FILE``: a JSON object whose keys are tensor letters of the layer and whose
values are nested lists of integers, in the tensor's full PyTorch shape or with its
leading axes of size 1 left out (``{"A": [[1, 2], [3, 4]]}`` for a 1×1×2×2 map; a
single number for a tensor of one element).  Letters the file leaves out are drawn
as ``--seed 0`` draws them.  This is max pooling's ``--values`` format, grown: its
``{"A": …}`` files still mean what they meant, and may add ``"D"``.
The file is read with Python's ``json`` module and checked by our own code; nothing
in it is ever evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import product
from math import prod
from typing import Any

import numpy as np
import sympy

from ..core.layer import Layer
from ..core.symbols import element_name
from ..exceptions import SpecError, SpecTypeError, quoted
from ..layers._checks import load_json

__all__ = [
    "HIGH",
    "LOW",
    "WORKED_KINDS",
    "WorkedValues",
    "read_values_file",
    "seed_text",
    "supports_worked",
    "value_letters",
    "worked_values",
]

LOW, HIGH = -3, 3
"""``--seed`` draws integers from LOW to HIGH, both included."""

MAX_DIGITS = 6
"""The most digits a given value may have (a worked example is checked by hand)."""

_MAX_DEPTH = 6
_SAFE_NAME = re.compile(r"[A-Za-z0-9._/+-]{1,200}")
"""A file name the sheet may print (in its text and its command line) as it is."""

WORKED_KINDS = (
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
    "subsample2d",
    "linear",
    "squared_error",
)
"""The kinds whose forward pass and gradients are polynomials: integers go in, exact
rationals come out."""


def supports_worked(layer: Layer) -> bool:
    """Does this layer get worked numbers (its elements are polynomials)?  Not with an
    activated input: dE/dz holds f′(z)."""
    return layer.kind in WORKED_KINDS and getattr(layer, "input_activation", None) is None


def value_letters(layer: Layer) -> tuple[str, ...]:
    """The tensors a worked example gives values to, in sheet order (not switches)."""
    return tuple(x for x, (role, _) in layer.tensors().items() if role != "switch")


@dataclass(frozen=True)
class WorkedValues:
    """Integer values for every tensor of a layer, and where they came from.

    ``values`` holds (letter, object array of Python ints in the tensor's full shape)
    in sheet order; ``source`` says where they came from (``seed 3``, ``file v.json``,
    ``values given``: a file name is shown only when it is plain, letters, digits and
    ``._/+-``); ``option`` is how to ask for them again on the command line
    (``--seed 3``, ``--values v.json``); ``drawn`` lists the letters a file left out
    (drawn as seed 0 draws them)."""

    source: str
    option: str
    values: tuple[tuple[str, np.ndarray], ...]
    drawn: tuple[str, ...] = ()

    def array(self, letter: str) -> np.ndarray:
        """One tensor's values."""
        for x, a in self.values:
            if x == letter:
                return a
        raise KeyError(letter)

    def substitutions(self) -> dict[sympy.Symbol, sympy.Integer]:
        """Every element's symbol with its value."""
        out: dict[sympy.Symbol, sympy.Integer] = {}
        for letter, a in self.values:
            for index in np.ndindex(*a.shape):
                name = element_name(letter, tuple(int(i) for i in index))
                out[sympy.Symbol(name, real=True)] = sympy.Integer(a[index])
        return out


def _unsupported(layer: Layer, option: str, text: str) -> SpecError:
    if getattr(layer, "input_activation", None) is not None:
        return SpecError(
            f"{option} {quoted(text)}: a layer with --input-activation has no worked numbers "
            "(its dE/dz holds f'(z), not a polynomial in the values)"
        )
    return SpecError(
        f"{option} {quoted(text)}: {layer.kind} has no worked numbers (its gradients are not "
        "polynomials in the values); they are given for convolutions, pooling, linear, "
        "subsample2d and squared_error"
    )


def seed_text(text: str, option: str = "--seed") -> int:
    """A seed typed on the command line: a non-negative integer."""
    if not re.fullmatch(r"\s*[0-9]{1,12}\s*", text):
        raise SpecError(f"{option} {quoted(text)}: expected a non-negative integer, such as 0")
    return int(text)


def _drawn(layer: Layer, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    shapes = layer.tensors()
    out = {}
    for letter in value_letters(layer):
        shape = shapes[letter][1]
        drawn = rng.integers(LOW, HIGH + 1, prod(shape)).tolist()
        a = np.empty(prod(shape), dtype=object)
        a[:] = [int(v) for v in drawn]
        out[letter] = a.reshape(shape)
    return out


def _nested_shape(x: object, depth: int = 0) -> tuple[int, ...]:
    if not isinstance(x, list):
        return ()
    if depth >= _MAX_DEPTH:
        raise ValueError(f"is nested more than {_MAX_DEPTH} lists deep")
    shapes = [_nested_shape(c, depth + 1) for c in x]
    if any(s != shapes[0] for s in shapes):
        raise ValueError("is not a regular nested list")
    return (len(x), *(shapes[0] if shapes else ()))


def _shape_text(shape: tuple[int, ...]) -> str:
    return "×".join(map(str, shape)) if shape else "a single number"


def _accepted(shape: tuple[int, ...]) -> list[tuple[int, ...]]:
    """The full shape and the shapes with leading axes of size 1 left out."""
    out = [shape]
    rest = shape
    while rest and rest[0] == 1:
        rest = rest[1:]
        out.append(rest)
    return out


def _tensor(letter: str, given: object, shape: tuple[int, ...]) -> np.ndarray:
    """One letter's values checked: a regular nested list of integers of an accepted
    shape (raises ValueError with the problem)."""
    try:
        got = _nested_shape(given)
    except ValueError as exc:
        raise ValueError(f"{letter} {exc}") from None
    accepted = _accepted(shape)
    if got not in accepted:
        expected = " or ".join(_shape_text(s) for s in accepted)
        raise ValueError(f"{letter} has shape {_shape_text(got)}; expected {expected}")
    flat: list[int] = []
    for index in product(*(range(n) for n in got)):
        x: Any = given
        for i in index:
            x = x[i]
        full = (0,) * (len(shape) - len(index)) + index
        where = element_name(letter, full) if full else letter
        if isinstance(x, bool) or not isinstance(x, int):
            raise ValueError(f"{where} is {quoted(x)}; expected an integer")
        if abs(x) >= 10**MAX_DIGITS:
            raise ValueError(f"{where} is {quoted(x)}; expected at most {MAX_DIGITS} digits")
        flat.append(x)
    a = np.empty(len(flat), dtype=object)
    a[:] = flat
    return a.reshape(shape)


def read_values_file(path_text: str) -> dict[str, object]:
    """The JSON object of a ``--values`` file (raises :class:`SpecError` naming the file)."""

    def bad(problem: str) -> SpecError:
        return SpecError(f"--values {quoted(path_text)}: {problem}")

    doc = load_json(path_text, bad)
    if not isinstance(doc, dict):
        raise bad(f'expected an object such as {{"A": nested list}}, found {type(doc).__name__}')
    return doc


def worked_values(
    layer: Layer,
    *,
    seed: int | None = None,
    values: Mapping[str, object] | None = None,
    source: str | None = None,
) -> WorkedValues:
    """The integers of a worked example for ``layer``: from ``seed`` (default 0), or
    ``values`` (letter -> nested list of integers; letters left out are drawn as seed 0
    draws them); ``source`` names the file they came from.  Max pooling's A is always
    the layer's own values.  Raises :class:`SpecError` (field ``values`` or ``seed``)."""
    if not isinstance(layer, Layer):
        raise SpecTypeError(f"layer {quoted(layer)}: expected a layer, such as symderiv.conv2d()")
    if not supports_worked(layer):
        what = "--values" if values is not None else "--seed"
        raise _unsupported(layer, what, source or str(seed if seed is not None else 0))
    if seed is not None and values is not None:
        raise SpecError(
            f"seed {seed!r} and values: give one or the other", field="seed", rule="give one"
        )
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise SpecError(
            f"seed {quoted(seed)}: expected a non-negative integer, such as 0",
            field="seed",
            rule="expected a non-negative integer, such as 0",
        )
    drawn = _drawn(layer, 0 if seed is None else seed)
    letters = value_letters(layer)
    shapes = layer.tensors()
    if values is not None:
        if not isinstance(values, Mapping):
            raise SpecTypeError(
                f"values {quoted(values)}: expected a mapping of tensor letters to nested lists"
            )
        for letter, given in values.items():
            if letter not in letters:
                rule = f"unexpected key {letter!r}; expected the layer's tensors " + ", ".join(
                    letters
                )
                raise SpecError(f"values: {rule}", field="values", rule=rule)
            if letter == "A" and layer.kind.startswith("max_pool"):
                continue  # the layer itself read and checked it
            try:
                drawn[letter] = _tensor(letter, given, shapes[letter][1])
            except ValueError as exc:
                raise SpecError(f"values: {exc}", field="values", rule=str(exc)) from None
    if layer.kind.startswith("max_pool"):
        drawn["A"] = layer.a_values  # type: ignore[attr-defined]
    left_out: tuple[str, ...] = ()
    if values is not None:
        safe = source is not None and _SAFE_NAME.fullmatch(source) is not None
        text = f"file {source}" if safe else "values given"
        option = f"--values {source if safe else 'FILE'}"
        left_out = tuple(
            x
            for x in letters
            if x not in values and not (x == "A" and layer.kind.startswith("max_pool"))
        )
    else:
        text = f"seed {0 if seed is None else seed}"
        option = f"--seed {0 if seed is None else seed}"
    return WorkedValues(
        source=text,
        option=option,
        values=tuple((x, drawn[x]) for x in letters),
        drawn=left_out,
    )


def from_typed(layer: Layer, seed: str | None, values: str | None) -> WorkedValues | None:
    """The worked values asked for on the command line (``--seed`` or ``--values`` as
    typed), or None; errors quote the option as typed."""
    if seed is None and values is None:
        return None
    if seed is not None and values is not None:
        raise SpecError(
            f"--seed {quoted(seed)} and --values {quoted(values)}: give one or the other"
        )
    option, text = ("--seed", seed) if seed is not None else ("--values", values)
    assert text is not None
    if not supports_worked(layer):
        raise _unsupported(layer, option, text)
    if seed is not None:
        return worked_values(layer, seed=seed_text(seed))
    doc = read_values_file(text)
    try:
        return worked_values(layer, values=doc, source=text)
    except SpecError as exc:
        if exc.rule is None:
            raise
        raise SpecError(f"--values {quoted(text)}: {exc.rule}") from None
