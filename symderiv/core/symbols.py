"""Stage 1: symbols. One SymPy symbol for every element of every tensor of a layer.

Every symbol is named by its tensor letter and its full zero-based index in
PyTorch's layout, ``A[0,0,1,2]``; that name is what the JSON report writes.
How it is *shown* (``A_{12}``, ``A^{(c)}_{1,10}``) is the printers' business
(:mod:`symderiv.printing`), decided by :class:`Notation`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import product

import numpy as np
import sympy

from . import work

__all__ = [
    "TENSOR_ORDER",
    "Notation",
    "SymbolTensor",
    "make_tensor",
    "natural_key",
    "parse_name",
]

# Order of factors inside a printed product: A·K·b·D, so that the kernel
# gradient reads A01·D00 as in the classic notes; switches and parameters of the
# other layers sit between the input and the delta.
TENSOR_ORDER = {
    "A": 0,
    "W": 1,
    "K": 1,
    "c": 1,
    "beta": 1,
    "s": 1,
    "b": 2,
    "Z": 3,
    "y": 3,
    "t": 4,
    "D": 4,
}

_NAME_RE = re.compile(r"^([A-Za-z]+)\[(\d+(?:,\d+)*)\]$")


def element_name(letter: str, index: tuple[int, ...]) -> str:
    """``element_name("A", (0, 0, 1, 2)) == "A[0,0,1,2]"``."""
    return f"{letter}[{','.join(map(str, index))}]"


def parse_name(name: str) -> tuple[str, tuple[int, ...]]:
    """Split one of our symbol names into its letter and index.

    Only names this module made are ever parsed; anything else is a bug.
    """
    match = _NAME_RE.match(name)
    if match is None:
        raise ValueError(f"not a symderiv element name: {name!r}")
    return match.group(1), tuple(int(i) for i in match.group(2).split(","))


def natural_key(symbol: sympy.Basic) -> tuple[int, tuple[int, ...]]:
    """Sort key: tensor order, then the index row-major (A[0,9] before A[0,10])."""
    letter, index = parse_name(str(symbol))
    return TENSOR_ORDER.get(letter, 99), index


@dataclass(frozen=True)
class SymbolTensor:
    """A tensor of symbols: its letter, role, shape and elements in row-major order."""

    letter: str
    role: str
    shape: tuple[int, ...]
    elements: tuple[sympy.Symbol, ...]

    def array(self) -> np.ndarray:
        """The symbols as a numpy object array of this tensor's shape."""
        work.add("arrays", len(self.elements))
        out = np.empty(len(self.elements), dtype=object)
        out[:] = self.elements
        return out.reshape(self.shape)

    def indices(self) -> Iterator[tuple[int, ...]]:
        """Every index, row-major."""
        return product(*(range(n) for n in self.shape))

    def __getitem__(self, index: tuple[int, ...]) -> sympy.Symbol:
        flat = 0
        for i, n in zip(index, self.shape, strict=True):
            if not 0 <= i < n:
                raise IndexError(f"{self.letter}{list(index)} outside shape {self.shape}")
            flat = flat * n + i
        return self.elements[flat]


def make_tensor(letter: str, role: str, shape: tuple[int, ...]) -> SymbolTensor:
    """All the symbols of one tensor, named ``letter[i,j,...]`` (the caller has checked
    the size: every element is made)."""
    symbols = tuple(
        sympy.Symbol(element_name(letter, index), real=True)
        for index in product(*(range(n) for n in shape))
    )
    work.add("symbols", len(symbols))
    return SymbolTensor(letter=letter, role=role, shape=shape, elements=symbols)


@dataclass(frozen=True)
class Notation:
    """How element indices are shown.

    ``shown[letter]`` holds the positions of the leading (batch/channel) axes
    that are shown as a superscript, e.g. ``(1,)`` to show only the channel of
    A; the trailing ``spatial[letter]`` axes are the subscript.  Axes whose size
    is 1 are hidden, so a single map prints as the classic notes print it,
    ``A_{00}``.  ``commas`` separates subscript digits once any index can
    exceed 9, so ``A_{1,10}`` never reads as ``A_{110}``.
    """

    shown: dict[str, tuple[int, ...]]
    spatial: dict[str, int]
    commas: bool

    @classmethod
    def for_shapes(
        cls, shapes: dict[str, tuple[int, ...]], spatial_dims: int | dict[str, int]
    ) -> Notation:
        """The notation for tensors of these (PyTorch-layout) shapes, whose last
        ``spatial_dims`` axes are the position (per letter when a dict; the bias
        ``b`` has none when one number is given)."""
        shown: dict[str, tuple[int, ...]] = {}
        spatial: dict[str, int] = {}
        commas = False
        for letter, shape in shapes.items():
            if isinstance(spatial_dims, dict):
                nspatial = spatial_dims.get(letter, 0)
            else:
                nspatial = 0 if letter == "b" else spatial_dims
            lead = len(shape) - nspatial
            shown[letter] = tuple(i for i in range(lead) if shape[i] > 1)
            spatial[letter] = nspatial
            if any(n > 10 for n in shape[lead:]):
                commas = True
        return cls(shown=shown, spatial=spatial, commas=commas)

    def split(self, letter: str, index: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(shown leading indices, spatial indices) of one element."""
        nspatial = self.spatial.get(letter, 0)
        lead = len(index) - nspatial
        sup = tuple(index[i] for i in self.shown.get(letter, range(lead)))
        return sup, index[lead:]

    def subscript(self, spatial: tuple[int, ...]) -> str:
        sep = "," if self.commas else ""
        return sep.join(map(str, spatial))
