"""Two formula nodes pooling's closed forms need beyond :mod:`symderiv.formulas.nodes`.

* :class:`Ones`, a block of ones (the notes' ``1``): correlating with it sums a window.
* :class:`Route`, max pooling's backward pass: each window's delta goes to the
  cell holding the window's maximum.  The maxima are found here with numpy
  over A's concrete values (``np.argmax``, the first maximum of the flattened
  window, for ``first``; every cell equal to the maximum for ``split``), a
  second implementation independent of the switches the derivation used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import product

import numpy as np
import sympy

from ...formulas.nodes import Formula, Var

__all__ = ["Ones", "Route"]


@dataclass(frozen=True)
class Ones(Var):
    """A block of ones of ``shape``, ``ones(3,3)``, printed as the notes' 1_{3×3}.

    A leaf bound to nothing: it subclasses :class:`Var` only so that it prints
    as an operand that needs no parentheses (``1/9 * ones(3,3)``)."""

    name: str = "ones"
    shape: tuple[int, ...] = ()

    def evaluate(self, env: Mapping[str, np.ndarray]) -> np.ndarray:
        out = np.empty(self.shape, dtype=object)
        out.fill(sympy.Integer(1))
        return out

    def text(self) -> str:
        return f"ones({','.join(map(str, self.shape))})"

    def latex(self, names: Mapping[str, str]) -> str:
        size = r" \times ".join(map(str, self.shape))
        return r"\mathbf{1}_{" + size + "}"


@dataclass(frozen=True)
class Route(Formula):
    """``route(D, argmax(A), ties)``: every delta D[u] added into the cell of window u
    (stride, padding −∞) where A is largest; ``split`` shares it among tied maxima."""

    arg: Formula
    values: Formula
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    padding: tuple[int, ...]
    ties: str

    def evaluate(self, env: Mapping[str, np.ndarray]) -> np.ndarray:
        delta = self.arg.evaluate(env)
        a = np.asarray(self.values.evaluate(env), dtype=float)
        padded = np.full(
            tuple(n + 2 * p for n, p in zip(a.shape, self.padding, strict=True)), -np.inf
        )
        padded[tuple(slice(p, p + n) for p, n in zip(self.padding, a.shape, strict=True))] = a
        out = np.empty(a.shape, dtype=object)
        out.fill(sympy.Integer(0))
        for u in product(*(range(n) for n in delta.shape)):
            start = tuple(s * ui for s, ui in zip(self.stride, u, strict=True))
            block = padded[
                tuple(slice(st, st + k) for st, k in zip(start, self.kernel, strict=True))
            ]
            if block.shape != self.kernel:
                raise ValueError(f"window {u} of D runs past the padded input {padded.shape}")
            flat = block.ravel()
            if self.ties == "first":
                picks = [int(np.argmax(flat))]
            else:
                picks = [int(f) for f in np.flatnonzero(flat == flat.max())]
            share = sympy.Rational(1, len(picks))
            for f in picks:
                local = np.unravel_index(f, self.kernel)
                pos = tuple(
                    st + int(li) - p for st, li, p in zip(start, local, self.padding, strict=True)
                )
                out[pos] = out[pos] + share * delta[u]
        return out

    def text(self) -> str:
        return f"route({self.arg.text()}, argmax({self.values.text()}), {self.ties!r})"

    def latex(self, names: Mapping[str, str]) -> str:
        return (
            r"\operatorname{route}_{\text{"
            + self.ties
            + r"}}\left("
            + self.arg.latex(names)
            + r";\ "
            + self.values.latex(names)
            + r"\right)"
        )
