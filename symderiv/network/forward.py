"""The forward pass on expression arrays, stage by stage, through each layer kind's own
forward pass: the kind builds its output on its own symbols (``A[…]``, ``K[…]``, …) and
those are replaced by the network's expressions (the previous stage's output) and
parameter symbols (``K1[…]``).  So a network's layer is, by construction, the layer
symderiv derives on its own.

A ReLU's Piecewise and a max pooling's switches take the branch the sample point fixes
(:mod:`.values`), so every expression is smooth: SymPy's own functions (exp, log) and
rational arithmetic only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import sympy

from ..core import work
from ..core.symbols import SymbolTensor, element_name, make_tensor
from ..exceptions import SpecError
from ..layers.pool.spec import MaxPoolSpec
from .spec import Network, Op, Stage
from .values import Sample, cells, resolved

__all__ = ["Forward", "Local", "local", "resolve", "run", "symbols"]


def tensor(name: str, shape: tuple[int, ...]) -> np.ndarray:
    """The symbols ``name[i,j,…]`` of one tensor as an object array.

    They carry no assumptions (the layer kinds' own symbols are real): SymPy then asks
    nothing about the signs of the long sums a network builds, which costs more than
    the derivation itself, and every result holds for complex values too."""
    symbols = [sympy.Symbol(element_name(name, index)) for index in cells(shape)]
    work.add("symbols", len(symbols))
    out = np.empty(len(symbols), dtype=object)
    out[:] = symbols
    return out.reshape(shape)


def symbols(network: Network) -> dict[str, np.ndarray]:
    """The network's own symbols as object arrays: x, t and every parameter."""
    out = {"x": tensor("x", network.input)}
    for p in network.parameters():
        out[p.name] = tensor(p.name, p.shape)
    out["t"] = tensor("t", network.output)
    return out


def resolve(expr: sympy.Expr, point: Mapping[sympy.Symbol, sympy.Expr]) -> sympy.Expr:
    """``expr`` with every Piecewise replaced by the branch whose condition holds at
    ``point`` (the sample point, in the layer's own symbols)."""
    if not expr.has(sympy.Piecewise):
        return expr
    chosen: dict[sympy.Basic, sympy.Expr] = {}
    for pw in expr.atoms(sympy.Piecewise):
        for value, condition in pw.args:
            verdict = condition.xreplace(point)
            if verdict is sympy.true:
                chosen[pw] = value
                break
            if verdict is not sympy.false:
                raise ValueError(f"the sample point does not decide {condition}")
        else:
            raise ValueError(f"no branch of {pw} holds at the sample point")
    return expr.xreplace(chosen)


def rebuild(node: sympy.Basic, args: list[sympy.Basic]) -> sympy.Basic:
    """``node.func(*args)``, without re-asking SymPy what cannot change: an exponential
    or a tanh of a non-number and a sum to an integer power are built as they are, and a
    product with a factor 0 (a switch that is off) is 0 (SymPy's own evaluation gives the
    same after asking the assumptions of every term of the arguments, which on a
    network's long sums costs more than the derivation)."""
    if isinstance(node, (sympy.exp, sympy.tanh)) and not args[0].is_Number:
        return node.func(args[0], evaluate=False)
    if node.is_Mul and any(a.is_zero for a in args if a.is_Number):
        return sympy.Integer(0)  # a switch that is off: 0 times a finite expression
    if node.is_Pow and args[0].is_Add and args[1].is_Integer and not args[0].is_number:
        return sympy.Pow(args[0], args[1], evaluate=False)
    return node.func(*args)


def substitute(expr: sympy.Basic, mapping: Mapping[sympy.Basic, sympy.Basic]) -> sympy.Basic:
    """``expr.xreplace(mapping)``, each shared sub-expression rebuilt once (see
    :func:`rebuild`)."""
    memo: dict[sympy.Basic, sympy.Basic] = {}

    def go(e: sympy.Basic) -> sympy.Basic:
        found = mapping.get(e)
        if found is not None:
            return found
        if not e.args:
            return e
        found = memo.get(e)
        if found is None:
            args = [go(a) for a in e.args]
            same = all(a is b for a, b in zip(args, e.args, strict=True))
            found = e if same else rebuild(e, args)
            memo[e] = found
        return found

    return go(expr)


@dataclass(frozen=True, eq=False)
class Local:
    """A stage's layer with its switches fixed, its own symbol tensors, the values its
    input takes at the sample point (for Piecewise branches), and the replacement of its
    own symbols by the network's expressions."""

    stage: Stage
    layer: object
    tensors: dict[str, SymbolTensor]
    point: dict[sympy.Symbol, sympy.Expr]
    mapping: dict[sympy.Symbol, sympy.Expr]
    names: dict[sympy.Symbol, sympy.Expr]

    def substitute(self, expr: sympy.Expr) -> sympy.Expr:
        """A local expression in the network's terms."""
        return substitute(resolve(expr, self.point), self.mapping)

    def named(self, expr: sympy.Expr) -> sympy.Expr:
        """A local expression with the layer's numbers filled in: in the network's names
        of the stage's input, output delta and parameters (``z4[0,3]``, ``delta5[0,1]``,
        ``W5[1,3]``), not yet written out in x."""
        return substitute(resolve(expr, self.point), self.names)


def node_symbols(prefix: str, node: str, shape: tuple[int, ...]) -> np.ndarray:
    """A node's value (``z3[…]``, or x itself for node 0) or delta (``delta3[…]``) as
    symbols, for the expressions written layer by layer."""
    from .model import delta_name

    if prefix == "delta":
        return tensor(delta_name(node), shape)
    return tensor("x" if node == "0" else f"z{node}", shape)


def local(
    op: Op,
    z_in: np.ndarray,
    values: np.ndarray,
    params: Mapping[str, np.ndarray],
    delta: np.ndarray | None = None,
) -> Local:
    """The stage's local view: its layer (switches fixed by ``values``, the input's values
    at the sample point), its own symbols, and what they stand for in the network
    (``z_in`` for A, the parameters' symbols, ``delta`` for D when given)."""
    stage = op.stage
    assert stage is not None
    layer = resolved(stage, values)
    assert layer is not None
    tensors = {
        letter: make_tensor(letter, role, shape)
        for letter, (role, shape) in layer.tensors().items()
    }
    mapping: dict[sympy.Symbol, sympy.Expr] = {}
    names: dict[sympy.Symbol, sympy.Expr] = {}

    def bind(letter: str, array: np.ndarray, named: np.ndarray) -> None:
        t = tensors[letter]
        flat = np.asarray(array, dtype=object).ravel()
        assert flat.size == len(t.elements), (stage.number, letter, flat.size)
        mapping.update(zip(t.elements, flat.tolist(), strict=True))
        names.update(zip(t.elements, np.asarray(named, dtype=object).ravel().tolist(), strict=True))

    bind("A", z_in, node_symbols("z", op.inputs[0], stage.in_shape))
    for p in stage.params:
        bind(p.letter, params[p.name], params[p.name])
    if stage.bias_free:
        zeros = np.full(tensors["b"].shape, sympy.Integer(0), dtype=object)
        bind("b", zeros, zeros)
    if "D" in tensors:
        named_delta = node_symbols("delta", op.output, stage.out_shape)
        if delta is not None:
            bind("D", delta, named_delta)
        else:
            names.update(zip(tensors["D"].elements, named_delta.ravel().tolist(), strict=True))
    point: dict[sympy.Symbol, sympy.Expr] = {}
    if stage.kind in ("relu", "leaky_relu"):
        flat_values = np.asarray(values, dtype=float).ravel()
        pairs = zip(tensors["A"].elements, flat_values, strict=True)
        point = {s: sympy.Float(float(v)) for s, v in pairs}
    switches = layer.substitutions()
    mapping.update(switches)
    names.update(switches)
    return Local(stage, layer, tensors, point, mapping, names)


def check_ties(layer: MaxPoolSpec, z_in: np.ndarray, seed: int, label: str) -> None:
    """A window whose maximum several cells hold exactly must hold it with one and the
    same expression (ReLU outputs switched off, all 0): then taking the first is no
    choice at all.  Distinct expressions that tie are refused (another seed)."""
    values = np.asarray(z_in, dtype=object).reshape(layer.shapes()["A"])
    for w in layer.windows:
        tied = {values[c.input] for c in w.cells if c.input is not None and c.value == w.maximum}
        if len(tied) > 1:
            raise SpecError(
                f"seed {seed}: at its sample point a window of layer {label} "
                f"({layer.kind}) has its maximum in {len(tied)} cells with different "
                "expressions, where the switch is not defined; choose another --seed"
            )


@dataclass(frozen=True, eq=False)
class Forward:
    """Every node's expressions (``0`` is x) and the loss E; and every node written layer
    by layer (``definitions``: in the previous node's symbols ``z2[…]`` and the
    parameters, as the layer kind builds it, switches fixed)."""

    nodes: dict[str, np.ndarray]
    loss: sympy.Expr
    definitions: dict[str, np.ndarray]


def _array(values: list[sympy.Expr], shape: tuple[int, ...]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out.reshape(shape)


def run(network: Network, params: Mapping[str, np.ndarray], sample: Sample) -> Forward:
    """The forward pass: every node as expressions in x and the parameters, and E."""
    nodes: dict[str, np.ndarray] = {"0": params["x"]}
    definitions: dict[str, np.ndarray] = {}
    steps = 0
    for op in network.plan():
        if op.stage is None:
            nodes[op.output] = nodes[op.inputs[0]] + nodes[op.inputs[1]]
            shape = nodes[op.output].shape
            definitions[op.output] = node_symbols("z", op.inputs[0], shape) + node_symbols(
                "z", op.inputs[1], shape
            )
            steps += nodes[op.output].size
            continue
        stage, z_in = op.stage, nodes[op.inputs[0]]
        if stage.layer is None:  # flatten: the same elements, row-major
            nodes[op.output] = z_in.reshape(stage.out_shape)
            definitions[op.output] = node_symbols("z", op.inputs[0], stage.in_shape).reshape(
                stage.out_shape
            )
            continue
        view = local(op, z_in, sample.reference.values[op.inputs[0]], params)
        if isinstance(view.layer, MaxPoolSpec):
            check_ties(view.layer, z_in, network.seed, stage.label)
        elements = view.layer.forward(view.tensors)  # type: ignore[attr-defined]
        assert len(elements) == int(np.prod(stage.out_shape)), stage.number
        nodes[op.output] = _array([view.substitute(e.expr) for e in elements], stage.out_shape)
        definitions[op.output] = _array([view.named(e.expr) for e in elements], stage.out_shape)
        steps += len(elements)
    loss = network.loss
    y = make_tensor("y", "prediction", loss.shape)
    t = make_tensor("t", "target", loss.shape)
    (element,) = loss.forward({"y": y, "t": t})
    mapping = dict(zip(y.elements, nodes[network.last].ravel().tolist(), strict=True))
    mapping.update(zip(t.elements, params["t"].ravel().tolist(), strict=True))
    work.add("network forward", steps + 1)
    return Forward(nodes=nodes, loss=element.expr.xreplace(mapping), definitions=definitions)
