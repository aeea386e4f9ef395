"""Max pooling's switches: which cell of each window holds the maximum, and the value
each switch symbol takes under a tie rule.

Plain Python over A's concrete values, cell by cell in row-major window order
(the order PyTorch scans a window).  A cell in the padding is −∞: it is never
a maximum and has no switch in the forward pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import TYPE_CHECKING

import sympy

if TYPE_CHECKING:
    from .spec import MaxPoolSpec

__all__ = ["Cell", "Window", "switch_values", "windows"]


@dataclass(frozen=True)
class Cell:
    """One cell of a window: its offset in the window, and the input element it reads
    (``None`` in the padding) with that element's value."""

    offset: tuple[int, ...]
    input: tuple[int, ...] | None
    value: int | float | None


@dataclass(frozen=True)
class Window:
    """The window of output ``output`` (full index n, c, *u): its cells in row-major
    order, its maximum, and the offsets of every cell that holds it."""

    output: tuple[int, ...]
    cells: tuple[Cell, ...]
    maximum: int | float
    maxima: tuple[tuple[int, ...], ...]

    def shares(self, ties: str) -> tuple[tuple[Cell, sympy.Rational], ...]:
        """The cells that receive this window's delta, with their share of it."""
        by_offset = {c.offset: c for c in self.cells}
        if ties == "first":
            return ((by_offset[self.maxima[0]], sympy.Integer(1)),)
        share = sympy.Rational(1, len(self.maxima))
        return tuple((by_offset[p], share) for p in self.maxima)


def windows(spec: MaxPoolSpec) -> tuple[Window, ...]:
    """Every window of the layer, row-major over (n, c, *output)."""
    values = spec.a_values
    offsets = list(product(*(range(k) for k in spec.kernel)))
    out = []
    for n, c, *u in product(
        range(spec.batch), range(spec.in_channels), *(range(o) for o in spec.output)
    ):
        cells = []
        for p in offsets:
            pos = tuple(
                s * ui + pi - pad
                for s, ui, pi, pad in zip(spec.stride, u, p, spec.padding, strict=True)
            )
            if all(0 <= x < h for x, h in zip(pos, spec.input, strict=True)):
                index = (n, c, *pos)
                cells.append(Cell(p, index, values[index]))
            else:
                cells.append(Cell(p, None, None))
        best: int | float | None = None
        for cell in cells:
            if cell.value is not None and (best is None or cell.value > best):
                best = cell.value
        assert best is not None  # the padding rule keeps a real cell in every window
        maxima = tuple(c.offset for c in cells if c.value is not None and c.value == best)
        out.append(Window((n, c, *u), tuple(cells), best, maxima))
    return tuple(out)


def switch_values(spec: MaxPoolSpec, ties: str) -> dict[tuple[int, ...], sympy.Rational]:
    """The value of every switch ``s[n,c,*u,*p]`` under ``ties`` (0 off the maximum)."""
    out: dict[tuple[int, ...], sympy.Rational] = {}
    for w in spec.windows:
        for cell in w.cells:
            out[(*w.output, *cell.offset)] = sympy.Integer(0)
        for cell, share in w.shares(ties):
            out[(*w.output, *cell.offset)] = share
    return out
