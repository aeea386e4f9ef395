"""What a network's sheet says: the shapes of every layer, the forward pass, the sample
point's switches, then one section per layer walking backwards with the delta recursion
in the notes' notation and the layer's numbers filled in, every proof verdict, and the
numeric cross-check.  Sections are data for the templates in ``templates/sections/``."""

from __future__ import annotations

from math import prod
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy

from ..core import work
from ..core.symbols import element_name
from ..formulas.nodes import Var
from ..render.options import RenderOptions
from ..render.printing import split_rows, term_width
from ..render.sheet import FIRST_ROW_BUDGET, ROW_BUDGET, tex_escape
from .backward import Rule, StageBackward
from .file import literal
from .model import NetworkDerivation, ParamCheck, delta_name
from .printing import Names, sigmas
from .prove import tree_size
from .spec import Block, Network, Op, Stage, label_of, shape_text

if TYPE_CHECKING:
    from .values import Switch

__all__ = ["SHOWN", "build"]

SHOWN = 3
"""Elements of each rule shown with the layer's numbers filled in (the JSON has all)."""
_LHS_PLAIN = term_width("K_{01}")  # the left-hand side the row budgets were calibrated with
_EXAMPLE_ROWS = 6  # an end-to-end example longer than this is counted, not printed

_WORDS = {
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "ReLU",
    "leaky_relu": "leaky ReLU",
    "identity": "identity",
    "flatten": "flatten",
    "linear": "fully connected",
    "subsample2d": "subsampling",
}
_F = {
    "sigmoid": r"\sigma",
    "tanh": r"\tanh",
    "relu": r"\operatorname{relu}",
    "leaky_relu": r"\operatorname{lrelu}",
    "identity": r"\operatorname{id}",
}
_SUMS = {
    "K": "for every map pair $(o, c)$, summed over the batch",
    "b": "summed over the batch and every position",
    "beta": "for every map, summed over the batch",
    "W": "summed over the batch, $x$ and $\\delta$ of each sample as columns",
    "A": "for every input map, summed over the output maps it feeds",
}


def _words(kind: str) -> str:
    """The kind in words (plain text: headings become PDF bookmarks)."""
    for prefix, words in (("conv", "convolution"), ("avg_pool", "mean pooling")):
        if kind.startswith(prefix):
            return words
    if kind.startswith("max_pool"):
        return "max pooling"
    return _WORDS.get(kind, kind)


def _shown(total: int) -> str:
    if total == 1:
        return "its one element"
    if total == 2:
        return "both elements"
    if total <= SHOWN:
        return f"all {total} elements"
    return f"the first {SHOWN} of {total} elements"


class _View:
    """The derivation, its names and its printer."""

    def __init__(self, d: NetworkDerivation) -> None:
        self.d = d
        self.net: Network = d.network
        self.names = Names(self.net)
        self.p = self.names.printer()
        self._fold: dict[sympy.Basic, sympy.Expr] | None = None

    def node(self, node: str) -> str:
        return self.names.node(node)

    def delta(self, node: str) -> str:
        return self.names.delta(node)

    def name(self, tensor: str) -> str:
        """A parameter's (or any tensor's) LaTeX name, ``K^{[1]}``."""
        return self.names.entries[tensor][0]

    def element(self, tensor: str, index: tuple[int, ...]) -> str:
        return self.p.doprint(sympy.Symbol(element_name(tensor, index)))

    def equation(self, lhs: str, expr: sympy.Expr) -> dict[str, Any] | None:
        """``lhs = expr`` in rows that fit the page; None when one term alone is too wide."""
        reserve = max(0.0, term_width(lhs) - _LHS_PLAIN)
        parts = [self.p.doprint(a) for a in sympy.Add.make_args(expr)]
        work.add("network render", 1 + len(parts))
        if any(term_width(p) > ROW_BUDGET - reserve for p in parts):
            return None
        rows = split_rows(parts, ROW_BUDGET - reserve, FIRST_ROW_BUDGET - reserve)
        return {"lhs": lhs, "rows": rows, "text": ""}

    def fold(self) -> dict[sympy.Basic, sympy.Expr]:
        """Every forward value (and its negation) -> its z symbol, for display."""
        if self._fold is None:
            out: dict[sympy.Basic, sympy.Expr] = {}
            for node, values in self.d.forward.nodes.items():
                if node == "0":
                    continue
                for index in np.ndindex(values.shape):
                    expr: sympy.Basic = values[index]
                    if not expr.args:
                        continue
                    symbol = sympy.Symbol(element_name(f"z{node}", index))
                    out[expr] = symbol  # a later layer's name wins (flatten keeps values)
                    out[-expr] = -symbol
            work.add("network render", 1 + len(out))
            self._fold = out
        return self._fold


# ---------------------------------------------------------------------------
# the network and its forward pass
# ---------------------------------------------------------------------------


def _options(options: tuple[tuple[str, Any], ...]) -> str:
    return ", ".join(f"{k} = {literal(v)}" for k, v in options)


def _row(v: _View, stage: Stage, indent: bool, note: str = "") -> dict[str, Any]:
    kind = f"{_words(stage.kind)} (`{stage.kind}`)" if stage.kind != _words(stage.kind) else (
        stage.kind
    )
    return {
        "layer": stage.label,
        "kind": kind + (f", {note}" if note else ""),
        "options": _options(stage.options),
        "output": f"${v.node(stage.number)}$ {shape_text(stage.out_shape)}",
        "params": ", ".join(f"${v.name(p.name)}$ {shape_text(p.shape)}" for p in stage.params),
        "indent": indent,
    }


def _plain_row(layer: str, kind: str, output: str, params: str = "", **kw: Any) -> dict[str, Any]:
    return {"layer": layer, "kind": kind, "options": "", "output": output, "params": params,
            "indent": kw.get("indent", False)}


def _network_section(v: _View) -> dict[str, Any]:
    net = v.net
    rows = [_plain_row("0", "input", f"$x$ {shape_text(net.input)}")]
    blocks = False
    for step in net.steps:
        if not isinstance(step, Block):
            rows.append(_row(v, step, False))
            continue
        blocks = True
        row = _plain_row(step.label, "residual block", "")
        row["options"] = _options(step.options)
        rows.append(row)
        rows += [_row(v, s, True) for s in step.branch]
        if step.projection is not None:
            rows.append(_row(v, step.projection, True, "projection shortcut"))
        rows.append(
            _plain_row(
                label_of(step.sum_number),
                "sum of the two paths",
                f"${v.node(step.sum_number)}$ {shape_text(step.out_shape)}",
                indent=True,
            )
        )
        if step.post is not None:
            rows.append(_row(v, step.post, True, "after the sum"))
    rows.append(
        _plain_row("", "loss: " + net.loss.kind.replace("_", " "), "$E$",
                   f"target $t$ {shape_text(net.output)}")
    )
    total = sum(prod(p.shape) for p in net.parameters())
    convs = any(s.kind.startswith("conv") for s in net.stages())
    intro = [
        f"`{net.source}`: input $x$ of shape {shape_text(net.input)}, "
        f"{len(list(net.stages()))} layers, {len(net.parameters())} parameter tensors "
        f"({total} elements), loss {net.loss.kind.replace('_', ' ')}"
        + (f", convolutions in the {net.convention} convention" if convs else "")
        + ".",
        "Notation: a superscript in square brackets is a layer, $K^{[1]}$"
        + (
            " (in residual block 3, $[3.1]$ is its branch's\nlayer 1, $[3s]$ its projection "
            "shortcut, $[3+]$ where its two paths add)"
            if blocks
            else ""
        )
        + "; the subscript lists an element's zero-based\nindices along every axis longer "
        "than 1 (PyTorch's layout). $z^{[l]}$ is layer $l$'s output ($z^{[0]} = x$) and\n"
        "$\\delta^{[l]} = \\partial E/\\partial z^{[l]}$ its delta: for a layer followed by "
        "its activation, the notes' sensitivity.",
    ]
    return {"kind": "network_table", "heading": "The network", "intro": intro, "rows": rows}


def _definition(v: _View, op: Op) -> tuple[str, str]:
    """The stage's forward rule in the notes' notation, (left, right)."""
    out = v.node(op.output)
    if op.stage is None:
        return out, f"{v.node(op.inputs[0])} + {v.node(op.inputs[1])}"
    stage, inp = op.stage, v.node(op.inputs[0])
    kind, layer = stage.kind, stage.layer
    if kind == "flatten":
        return out, rf"\operatorname{{flatten}}\left({inp}\right)"
    if kind in _F:
        return out, rf"{_F[kind]}\left({inp}\right)"
    param = {p.letter: v.name(p.name) for p in stage.params}
    if kind.startswith("conv"):
        bias = "" if stage.bias_free else f" + {param['b']}_{{o}}"
        if getattr(layer, "convention", "") == "convolution":
            body = (
                rf"\operatorname{{conv2}}\left({inp}_{{c}},\ {param['K']}_{{o,c}},\ "
                r"\text{valid}\right)"
            )
        else:
            body = rf"{inp}_{{c}} \star {param['K']}_{{o,c}}"
        return f"{out}_{{o}}", rf"\sum_{{c}} {body}{bias}"
    if kind == "linear":
        return out, rf"{param['W']}\, {inp} + {param['b']}"
    if kind == "subsample2d":
        return f"{out}_{{c}}", (
            rf"{param['beta']}_{{c}} \operatorname{{down}}\left({inp}_{{c}}\right)"
            rf" + {param['b']}_{{c}}"
        )
    if kind.startswith("avg_pool"):
        return out, rf"\operatorname{{mean}}_{{\text{{window}}}}\left({inp}\right)"
    return out, rf"\max_{{\text{{window}}}}\left({inp}\right)"


def _forward_section(v: _View) -> dict[str, Any]:
    rules = [dict(zip(("lhs", "rhs"), _definition(v, op), strict=True)) for op in v.net.plan()]
    last = v.node(v.net.last)
    if v.net.loss.cross_entropy:
        loss = rf"-\sum_{{c}} t_{{c}} \log \operatorname{{softmax}}\left({last}\right)_{{c}}"
    else:
        loss = rf"\frac{{1}}{{2}} \sum_{{c}} \left({last}_{{c}} - t_{{c}}\right)^{{2}}"
    rules.append({"lhs": "E", "rhs": loss})
    equations = []
    for op in v.net.plan():
        definition = v.d.forward.definitions[op.output]
        index = (0,) * definition.ndim
        eq = v.equation(v.element(f"z{op.output}", index), definition[index])
        if eq is not None:
            equations.append(eq)
    size = tree_size(v.d.forward.loss, "network render")
    return {
        "kind": "network_layer",
        "heading": "Forward pass",
        "intro": [
            "Each layer's output is built by its layer kind's own forward pass (the one its "
            "single-layer sheet derives),\non the previous output: "
            rf"$z^{{[0]}} = x$, and $y = {last}$ is the network's output."
        ],
        "rules": rules,
        "groups": [
            {
                "intro": "The first element of each layer's output, with the layer's numbers "
                "filled in (switches fixed):",
                "equations": equations,
            },
            {
                "intro": f"Written out in $x$, $t$ and the parameters, the loss $E$ is one "
                f"expression of {size:,} nodes (SymPy's expression\ntree): its derivative "
                "with respect to each parameter element is the end-to-end route the recursion "
                "is\nproved against.",
                "equations": [],
            },
        ],
        "verdicts": [],
    }


def _switches_section(v: _View) -> dict[str, Any] | None:
    if not v.d.sample.switches:
        return None
    return {
        "kind": "network_layer",
        "heading": "The sample point and its switches",
        "intro": [
            "ReLU and max pooling are not differentiable everywhere. symderiv fixes their "
            "switches (the sign of each ReLU\ninput, the cell of each window that holds its "
            f"maximum) at a sample point drawn from seed {v.net.seed} (`--seed`), the\nsame "
            "point as the numeric check's. On the open region around it where every switch "
            "keeps its value the\nnetwork is smooth, and there every formula and proof below "
            "is exact; PyTorch's autograd computes the same\nderivative there. A switch within "
            "$10^{-9}$ of its kink is refused (another seed gives another point); a\nwindow "
            "whose maximum several cells hold with one and the same expression (ReLU outputs "
            "switched off,\nall 0) takes the first, as PyTorch does, which changes no "
            "derivative."
        ],
        "rules": [],
        "groups": [],
        "verdicts": [],
    }


# ---------------------------------------------------------------------------
# the backward pass
# ---------------------------------------------------------------------------


def _formula_names(v: _View, op: Op, rule: Rule) -> dict[str, str]:
    """A rule's formula variables (the kind's own letters) as the sheet's names, braced."""
    assert op.stage is not None
    assert rule.claim is not None
    out = {}
    for node in rule.claim.formula.walk():
        if not isinstance(node, Var):
            continue
        if node.name in ("A", "x"):
            out[node.name] = "{" + v.node(op.inputs[0]) + "}"
        elif node.name in ("D", "delta"):
            out[node.name] = "{" + v.delta(op.output) + "}"
        for p in op.stage.params:
            if p.letter == node.name:
                out[node.name] = "{" + v.name(p.name) + "}"
    return out


def _rule_line(v: _View, op: Op, rule: Rule) -> dict[str, str]:
    assert rule.claim is not None
    if rule.of == "A":
        lhs = v.delta(op.inputs[0])
    else:
        lhs = rf"\frac{{\partial E}}{{\partial {v.name(rule.target)}}}"
    return {"lhs": lhs, "rhs": rule.claim.formula.latex(_formula_names(v, op, rule))}


def _elements(v: _View, op: Op, rule: Rule) -> list[dict[str, Any]]:
    """The first elements of a rule, with the layer's numbers filled in."""
    out = []
    for flat, index in enumerate(np.ndindex(rule.named.shape)):
        if flat == SHOWN:
            break
        if rule.of == "A":
            lhs = v.element(delta_name(op.inputs[0]), index)
        else:
            lhs = rf"\frac{{\partial E}}{{\partial {v.element(rule.target, index)}}}"
        eq = v.equation(lhs, rule.named[index])
        if eq is not None:
            out.append(eq)
    return out


def _verdict(v: _View, check: ParamCheck) -> str:
    name = v.name(check.name)
    low, high = check.terms
    size = f"{low:,}" if low == high else f"{low:,} to {high:,}"
    what = "its one element" if check.checked == 1 else f"all {check.checked} elements"
    if check.holds:
        how = (
            "the very same expression"
            if check.decided_by == "identical"
            else "equal canonical forms after expansion"
        )
        return (
            rf"$\partial E/\partial {name}$: **proved** for {what}: the recursion's value "
            f"equals SymPy's end-to-end\nderivative of $E$ ({how}); the end-to-end "
            f"expressions have {size} nodes."
        )
    parts = [f"{check.proved} of {check.checked} elements proved"]
    if check.refuted:
        parts.append(f"{check.refuted} refuted")
    if check.undecided:
        parts.append(f"{check.undecided} undecided")
    first = ",".join(map(str, check.first_open or ()))
    numeric = next(
        (max(a, b) for n, a, b in v.d.numeric.gradients if n == check.name), float("nan")
    )
    return (
        rf"$\partial E/\partial {name}$: **NOT proved**: {', '.join(parts)} (first: "
        f"`{check.name}[{first}]`); the two\nroutes agree numerically to {numeric:.1e}."
    )


def _example(v: _View, name: str, shape: tuple[int, ...]) -> dict[str, Any] | None:
    """The first element's end-to-end derivative, each forward value written as its z,
    when it fits a few rows."""
    expr = sigmas(v.d.end_to_end[name].ravel()[0].xreplace(v.fold()))
    lhs = rf"\frac{{\partial E}}{{\partial {v.element(name, (0,) * len(shape))}}}"
    eq = v.equation(lhs, expr)
    if eq is None or len(eq["rows"]) > _EXAMPLE_ROWS:
        return None
    return eq


def _switch_note(v: _View, switch: Switch, op: Op) -> str:
    inp = v.node(op.inputs[0])
    if switch.kind in ("relu", "leaky_relu"):
        on = int(switch.pattern.sum())
        return (
            f"At the sample point {on} of the {switch.pattern.size} inputs ${inp}$ are "
            f"positive (the nearest to 0 is {switch.margin:.3g}\naway): there the ReLU passes "
            "its delta, elsewhere none."
        )
    return (
        f"At the sample point each window's maximum is one cell of ${inp}$ (ahead of the "
        f"window's next value by\nat least {switch.margin:.3g}); each delta goes to that cell."
    )


def _sum_section(v: _View, op: Op) -> dict[str, Any]:
    a, b = op.inputs
    out = v.delta(op.output)
    return {
        "kind": "network_layer",
        "heading": f"Layer {label_of(op.output)}: where the two paths add",
        "intro": [
            f"The block adds its two paths, ${v.node(op.output)} = {v.node(a)} + "
            f"{v.node(b)}$, so the sum's delta reaches both\nunchanged. Where the two paths "
            "left the same node, their deltas are added there:\n"
            r"$\partial E/\partial x = \partial E/\partial y + J_F^{\mathsf{T}}\, "
            r"\partial E/\partial y$ for $y = F(x) + x$."
        ],
        "rules": [{"lhs": v.delta(a), "rhs": out}, {"lhs": v.delta(b), "rhs": out}],
        "groups": [],
        "verdicts": [],
    }


def _joins(v: _View, op: Op) -> str | None:
    """When the stage's input also feeds another path (a residual block's input), how
    its delta adds the two: ∂E/∂x = ∂E/∂y + J_Fᵀ ∂E/∂y."""
    node = op.inputs[0]
    others = [o for o in v.net.plan() if node in o.inputs and o.output != op.output]
    if not others:
        return None
    parts = []
    for other in others:
        if other.stage is None:
            parts.append(f"${v.delta(other.output)}$ through the identity shortcut")
        else:
            parts.append(f"layer {other.stage.label}'s part (in its own section)")
    return (
        f"${v.node(node)}$ also feeds the block's other path, so its delta "
        f"${v.delta(node)}$ is this layer's part above plus\n"
        + " and ".join(parts)
        + r": $\partial E/\partial x = J_F^{\mathsf{T}}\, \partial E/\partial y + "
        r"\partial E/\partial y$ for $y = F(x) + x$."
    )


def _stage_section(v: _View, step: StageBackward) -> dict[str, Any]:
    op = step.op
    if op.stage is None:
        return _sum_section(v, op)
    stage = op.stage
    incoming = v.delta(op.output)
    heading = f"Layer {stage.label}: {_words(stage.kind)}"
    if stage.layer is None:
        return {
            "kind": "network_layer",
            "heading": heading,
            "intro": [
                "Flattening only renumbers the elements (row-major, as `torch.flatten(x, 1)`), "
                f"so the delta is reshaped\nback to {shape_text(stage.in_shape)}:"
            ],
            "rules": [
                {
                    "lhs": v.delta(op.inputs[0]),
                    "rhs": rf"\operatorname{{reshape}}\left({incoming}\right)",
                }
            ],
            "groups": [],
            "verdicts": [],
        }
    intro = [
        f"`{stage.kind}`. The delta of its output, ${incoming}$, is known. The layer kind's "
        "own closed forms (each proved on\nits single-layer sheet) give "
        + ("its parameters' gradients and " if stage.params else "")
        + "the delta of its input:"
    ]
    switch = next((s for s in v.d.sample.switches if s.stage == stage.number), None)
    if switch is not None:
        intro.append(_switch_note(v, switch, op))
    rules = [_rule_line(v, op, rule) for rule in step.rules]
    groups = []
    for rule in step.rules:
        if rule.of == "A":
            what = f"The delta passed back, ${v.delta(op.inputs[0])}$"
        else:
            what = f"$\\partial E/\\partial {v.name(rule.target)}$"
        if rule.of == "A" and stage.kind == "linear":
            note = " (for every sample, $x$ and $\\delta$ as columns)"
        elif rule.of != "A" or stage.kind.startswith("conv"):
            note = f" ({_SUMS[rule.of]})" if rule.of in _SUMS else ""
        else:
            note = ""
        groups.append(
            {
                "intro": f"{what}{note}, with the layer's numbers filled in, "
                f"{_shown(rule.named.size)}:",
                "equations": _elements(v, op, rule),
            }
        )
    joined = _joins(v, op)
    if joined is not None:
        groups.append({"intro": joined, "equations": []})
    verdicts = []
    for p in stage.params:
        verdict = _verdict(v, v.d.check(p.name))
        example = _example(v, p.name, p.shape)
        if example is None:
            verdict += (
                " The first element's is too long to print here; every element's is in the "
                "JSON (`gradients`)."
            )
        verdicts.append(verdict)
        if example is not None:
            groups.append(
                {
                    "intro": f"For example the end-to-end derivative of the first element of "
                    f"${v.name(p.name)}$ as SymPy gives it, with\neach forward value "
                    "written as its $z$ ($\\sigma$ is the sigmoid):",
                    "equations": [example],
                }
            )
    return {
        "kind": "network_layer",
        "heading": heading,
        "intro": intro,
        "rules": rules,
        "groups": groups,
        "verdicts": verdicts,
    }


def _loss_section(v: _View) -> dict[str, Any]:
    net = v.net
    rule = v.d.backward.loss_rule
    assert rule.claim is not None
    last = v.node(net.last)
    if net.loss.cross_entropy:
        rhs = rf"\operatorname{{softmax}}\left({last}\right) - t"
        note = (
            ", given that each target is a probability\ndistribution, $\\sum_c t_{c} = 1$ "
            "(the proofs substitute it into both sides; the end-to-end derivative itself\n"
            "holds for any $t$)."
        )
    else:
        rhs = rule.claim.formula.latex({"y": "{" + last + "}", "t": "t"})
        note = " ($E = \\frac{1}{2}\\sum (y - t)^2$, so no factor 2)."
    equations = []
    for flat, index in enumerate(np.ndindex(rule.named.shape)):
        if flat == SHOWN:
            break
        eq = v.equation(v.element(delta_name(net.last), index), rule.named[index])
        if eq is not None:
            equations.append(eq)
    return {
        "kind": "network_layer",
        "heading": "The loss: the delta at the output",
        "intro": [
            f"The backward pass starts at the loss: the delta of the output, $\\partial E/"
            f"\\partial {last}$, is the loss's\nown closed form" + note
        ],
        "rules": [{"lhs": v.delta(net.last), "rhs": rhs}],
        "groups": [
            {
                "intro": f"With the numbers filled in, {_shown(rule.named.size)}:",
                "equations": equations,
            }
        ],
        "verdicts": [],
    }


def _numeric_section(v: _View) -> dict[str, Any]:
    n = v.d.numeric
    rows = [{"what": "$E$", "recursion": f"{n.loss:.1e}", "end_to_end": ""}]
    delta_nodes = {delta_name(node): node for node in v.d.backward.deltas}
    for name, err in n.deltas:
        rows.append(
            {
                "what": f"${v.delta(delta_nodes[name])}$",
                "recursion": f"{err:.1e}",
                "end_to_end": "",
            }
        )
    for name, a, b in n.gradients:
        rows.append(
            {
                "what": f"$\\partial E/\\partial {v.name(name)}$",
                "recursion": f"{a:.1e}",
                "end_to_end": f"{b:.1e}",
            }
        )
    target = "uniform in $[0, 1)$"
    if v.net.loss.cross_entropy:
        target = "a probability distribution per sample"
    return {
        "kind": "network_numeric",
        "heading": "Numeric cross-check",
        "intro": (
            f"The derived expressions evaluated in float64 at the sample point (seed {n.seed}: "
            f"$x$ and every parameter\nuniform in $[-1, 1)$, $t$ {target}), against a numpy "
            "reference that composes the layer kinds' own\nplain-loop references; largest "
            "$|\\text{derived} - \\text{reference}| / \\max(1, |\\text{reference}|)$ "
            f"(tolerance {n.tolerance:.0e}):"
        ),
        "rows": rows,
        "passed": n.passed,
        "verdict": (
            "every parameter gradient of the delta recursion was proved equal, element by "
            "element,\nto SymPy's derivative of the loss, and the numbers agree."
        ),
    }


def build(d: NetworkDerivation, options: RenderOptions | None = None) -> dict[str, Any]:
    """Title, command and sections of the sheet, in ``options``' language and detail
    (so far English and full detail only: a ``SpecError`` says so for any other)."""
    options = options or RenderOptions()
    if options.lang != "en" or options.detail != "full":
        from ..exceptions import SpecError

        raise SpecError(
            f"a network's sheet in lang {options.lang!r}, detail {options.detail!r}: "
            "only lang 'en', detail 'full' so far"
        )
    v = _View(d)
    sections = [_network_section(v), _forward_section(v)]
    switches = _switches_section(v)
    if switches is not None:
        sections.append(switches)
    sections.append(_loss_section(v))
    sections += [_stage_section(v, step) for step in d.backward.steps]
    sections.append(_numeric_section(v))
    title = f"Network: {d.network.name}"
    return {
        "title": tex_escape(title),
        "title_text": title,
        "command": d.network.command(),
        "sections": sections,
    }
