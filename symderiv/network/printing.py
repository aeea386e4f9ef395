"""How a network's tensors are named on its sheet.

A layer's number is a superscript in square brackets, ``K^{[1]}``, ``\\beta^{[3]}``,
``\\delta^{[5]}``, ``z^{[2]}`` (``[3.1]``: block 3, branch layer 1; ``[3s]``: its
projection shortcut; ``[3+]``: where its two paths add), and square brackets mean a layer
and nothing else.  The subscript lists an element's zero-based indices along every axis
longer than 1, in PyTorch's layout, separated by commas: ``K^{[1]}_{1,0,2}`` is
K1[1,0,0,2] of a kernel of shape (2, 1, 3, 3).  z^{[0]} is the input x, and the
sigmoid 1/(1 + e^{-a}) prints as σ(a).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import sympy
from sympy.printing.latex import LatexPrinter

from .model import delta_name
from .spec import Network, label_of

__all__ = ["Names", "NetworkPrinter", "sigmoid_argument"]

_NAME = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)\[(\d+(?:,\d+)*)\]$")
_GREEK = {"beta": r"\beta", "alpha": r"\alpha"}


def sigmoid_argument(expr: sympy.Basic) -> sympy.Expr | None:
    """a when ``expr`` is 1 + exp(-a) (the base of σ(a) = 1/(1 + exp(-a))), else None."""
    if not expr.is_Add or len(expr.args) != 2 or sympy.Integer(1) not in expr.args:
        return None
    other = next(a for a in expr.args if a != 1)
    if isinstance(other, sympy.exp):
        return -other.args[0]
    return None


class Names:
    """Every tensor of a network, by its name in the expressions (``K1``, ``x``, ``z3``,
    ``delta3``), with how the sheet writes it and its shape."""

    def __init__(self, network: Network) -> None:
        self.network = network
        self.entries: dict[str, tuple[str, tuple[int, ...]]] = {
            "x": ("x", network.input),
            "t": ("t", network.output),
        }
        for p in network.parameters():
            base = _GREEK.get(p.letter, p.letter)
            self.entries[p.name] = (f"{base}^{{[{label_of(p.stage)}]}}", p.shape)
        for op in network.plan():
            shape = op.stage.out_shape if op.stage is not None else network_sum_shape(op, network)
            self.entries[f"z{op.output}"] = (self.node(op.output), shape)
            self.entries[delta_name(op.output)] = (self.delta(op.output), shape)
        self.entries["delta0"] = (self.delta("0"), network.input)

    @staticmethod
    def node(node: str) -> str:
        """The LaTeX of a node's value: ``x`` or ``z^{[3]}``."""
        return "x" if node == "0" else f"z^{{[{label_of(node)}]}}"

    @staticmethod
    def delta(node: str) -> str:
        """The LaTeX of a node's delta dE/dz: ``\\delta^{[3]}`` (``\\delta^{[0]}`` = dE/dx)."""
        return rf"\delta^{{[{label_of(node)}]}}"

    def printer(
        self, local: Mapping[str, tuple[str, tuple[int, ...]]] | None = None
    ) -> NetworkPrinter:
        """A printer for the network's symbols, and a stage's own (``A``, ``D``, ``K``, …)
        named as ``local`` says."""
        return NetworkPrinter({**self.entries, **(local or {})})


def network_sum_shape(op: Any, network: Network) -> tuple[int, ...]:
    for step in network.steps:
        if getattr(step, "sum_number", None) == op.output:
            return step.out_shape
    raise KeyError(op.output)


class NetworkPrinter(LatexPrinter):
    """LaTeX with the sheet's names (see the module's docstring)."""

    def __init__(self, entries: Mapping[str, tuple[str, tuple[int, ...]]]) -> None:
        super().__init__({"order": "none"})
        self.entries = entries

    def symbol(self, name: str, index: tuple[int, ...]) -> str:
        base, shape = self.entries[name]
        shown = [str(i) for i, n in zip(index, shape, strict=True) if n > 1]
        return base + ("_{" + ",".join(shown) + "}" if shown else "")

    def _print_Symbol(self, expr: sympy.Symbol, style: str = "plain") -> str:
        match = _NAME.match(expr.name)
        if match is None or match.group(1) not in self.entries:
            return str(super()._print_Symbol(expr))
        index = tuple(int(i) for i in match.group(2).split(","))
        return self.symbol(match.group(1), index)

    def doprint(self, expr: Any) -> str:
        return str(super().doprint(sigmas(expr)))


SIGMA = sympy.Function("sigma")
"""σ, for display only: the expressions themselves keep 1/(1 + exp(-a))."""


def sigmas(expr: Any) -> Any:
    """``expr`` with every 1/(1 + exp(-a))^k written σ(a)^k, for display."""
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.exp):
        return expr
    found = {}
    for p in expr.atoms(sympy.Pow):
        a = sigmoid_argument(p.base)
        if a is not None and p.exp.is_Integer and p.exp < 0:
            found[p] = SIGMA(sigmas(a)) ** (-p.exp)
    return expr.xreplace(found) if found else expr
