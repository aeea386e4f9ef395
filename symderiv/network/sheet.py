"""What a network's sheet says: the shapes of every layer (and a figure of them), the
forward pass, the sample point's switches, the delta recursion in index form, then one
section per layer walking backwards with the recursion's rule in the notes' notation and
the layer's numbers filled in, every proof verdict, and the numeric cross-check.

Every fixed text comes from the message table (:mod:`.messages`), in the language of the
:class:`~symderiv.render.options.RenderOptions`; in summary detail each rule shows one
element, the end-to-end examples are left out and the numeric check is one line.
Sections are data for the templates in ``templates/sections/``."""

from __future__ import annotations

from math import prod
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy

from ..core import work
from ..core.symbols import element_name
from ..formulas.nodes import Var
from ..render.messages import text, translator
from ..render.options import RenderOptions
from ..render.printing import split_rows, term_width
from ..render.sheet import FIRST_ROW_BUDGET, ROW_BUDGET, tex_escape
from . import messages as _messages  # noqa: F401  (registers the network's messages)
from .backward import Rule, StageBackward
from .figure import figure_section, wanted
from .file import literal
from .model import NetworkDerivation, ParamCheck, delta_name
from .printing import Names, sigmas
from .prove import tree_size
from .spec import Block, Network, Op, Stage, label_of, shape_text
from .story import story_section

if TYPE_CHECKING:
    from .values import Switch

__all__ = ["SHOWN", "build"]

SHOWN = 3
"""Elements of each rule shown with the layer's numbers filled in (the JSON has all)."""
SHOWN_SUMMARY = 1
"""The same in summary detail: one example element per rule."""
_LHS_PLAIN = term_width("K_{01}")  # the left-hand side the row budgets were calibrated with
_EXAMPLE_ROWS = 6  # an end-to-end example longer than this is counted, not printed

_WORDS = {
    "sigmoid": "network.words.sigmoid",
    "tanh": "network.words.tanh",
    "relu": "network.words.relu",
    "leaky_relu": "network.words.leaky_relu",
    "identity": "network.words.identity",
    "flatten": "network.words.flatten",
    "linear": "network.words.linear",
    "subsample2d": "network.words.subsample2d",
}
_PREFIXES = (
    ("conv", "network.words.conv"),
    ("avg_pool", "network.words.avg_pool"),
    ("max_pool", "network.words.max_pool"),
)
_LOSSES = {
    "squared_error": "network.loss.squared_error",
    "softmax_cross_entropy": "network.loss.softmax_cross_entropy",
}
_F = {
    "sigmoid": r"\sigma",
    "tanh": r"\tanh",
    "relu": r"\operatorname{relu}",
    "leaky_relu": r"\operatorname{lrelu}",
    "identity": r"\operatorname{id}",
}
_SUMS = {
    "K": "network.sums.K",
    "b": "network.sums.b",
    "beta": "network.sums.beta",
    "W": "network.sums.W",
    "A": "network.sums.A",
}


_CONVENTIONS = {"correlation": "conv.correlation", "convolution": "conv.convolution"}


def _words_id(kind: str) -> str | None:
    for prefix, msg_id in _PREFIXES:
        if kind.startswith(prefix):
            return msg_id
    return _WORDS.get(kind)


def _words(kind: str, lang: str = "en") -> str:
    """The kind in words (plain text: headings become PDF bookmarks)."""
    msg_id = _words_id(kind)
    return kind if msg_id is None else text(msg_id, lang)


def _loss_words(kind: str, lang: str) -> str:
    msg_id = _LOSSES.get(kind)
    return kind.replace("_", " ") if msg_id is None else text(msg_id, lang)


class _View:
    """The derivation, its names, its printer, and the options it is rendered with."""

    def __init__(self, d: NetworkDerivation, options: RenderOptions) -> None:
        self.d = d
        self.net: Network = d.network
        self.names = Names(self.net)
        self.p = self.names.printer()
        self._fold: dict[sympy.Basic, sympy.Expr] | None = None
        self.options = options
        self.lang = options.lang
        self.summary = options.summary
        #: a message of the table in the sheet's language
        self._ = translator(options.lang)
        self.limit = SHOWN_SUMMARY if options.summary else SHOWN

    def words(self, kind: str) -> str:
        return _words(kind, self.lang)

    def shown(self, total: int) -> str:
        """How many of ``total`` elements a rule shows, in words."""
        _ = self._
        if total == 1:
            return _("network.shown.one")
        if total == 2 and self.limit >= 2:
            return _("network.shown.both")
        if total <= self.limit:
            return _("network.shown.all", n=total)
        return _("network.shown.first", shown=self.limit, n=total)

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
    kind = v.words(stage.kind)
    if stage.kind != _words(stage.kind):  # the code name, unless the English words are it
        kind = v._("network.table.kind_code", words=kind, kind=stage.kind)
    return {
        "layer": stage.label,
        "kind": v._("network.table.kind_note", kind=kind, note=note) if note else kind,
        "options": _options(stage.options),
        "output": f"${v.node(stage.number)}$ {shape_text(stage.out_shape)}",
        "params": ", ".join(f"${v.name(p.name)}$ {shape_text(p.shape)}" for p in stage.params),
        "indent": indent,
    }


def _plain_row(layer: str, kind: str, output: str, params: str = "", **kw: Any) -> dict[str, Any]:
    return {"layer": layer, "kind": kind, "options": "", "output": output, "params": params,
            "indent": kw.get("indent", False)}


def _network_section(v: _View) -> dict[str, Any]:
    net, _ = v.net, v._
    rows = [_plain_row("0", _("network.table.input"), f"$x$ {shape_text(net.input)}")]
    blocks_seen: list[Block] = []
    for step in net.steps:
        if not isinstance(step, Block):
            rows.append(_row(v, step, False))
            continue
        blocks_seen.append(step)
        row = _plain_row(step.label, _("network.table.block"), "")
        row["options"] = _options(step.options)
        rows.append(row)
        rows += [_row(v, s, True) for s in step.branch]
        if step.projection is not None:
            rows.append(_row(v, step.projection, True, _("network.table.projection")))
        rows.append(
            _plain_row(
                label_of(step.sum_number),
                _("network.table.sum"),
                f"${v.node(step.sum_number)}$ {shape_text(step.out_shape)}",
                indent=True,
            )
        )
        if step.post is not None:
            rows.append(_row(v, step.post, True, _("network.table.post")))
    loss = _loss_words(net.loss.kind, v.lang)
    rows.append(
        _plain_row("", _("network.table.loss", loss=loss), "$E$",
                   _("network.table.target", shape=shape_text(net.output)))
    )
    total = sum(prod(p.shape) for p in net.parameters())
    convs = any(s.kind.startswith("conv") for s in net.stages())
    convention = _(_CONVENTIONS[net.convention]) if net.convention in _CONVENTIONS else (
        net.convention
    )
    blocks = ""
    if blocks_seen:  # the labels explained on a block of this network (one with a projection)
        block = next((b for b in blocks_seen if b.projection is not None), blocks_seen[0])
        projection = ""
        if block.projection is not None:
            projection = _("network.notation.projection", b=block.label)
        blocks = _("network.notation.block", b=block.label, projection=projection)
    intro = [
        _(
            "network.intro_handout" if v.options.handout else "network.intro",
            **({} if v.options.handout else {"source": net.source}),
            shape=shape_text(net.input),
            layers=len(list(net.stages())),
            tensors=len(net.parameters()),
            elements=total,
            loss=loss,
            convs=_("network.intro.convs", convention=convention) if convs else "",
        ),
        _("network.notation", blocks=blocks),
    ]
    return {
        "kind": "network_table",
        "heading": _("network.table.heading"),
        "intro": intro,
        "rows": rows,
        # the kind, options and parameters columns (wider on a summary's wider page)
        "widths": ["4.2cm", "4.2cm", "3.6cm"] if v.summary else ["3.6cm", "3.6cm", "3.6cm"],
    }


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
    for op in v.net.plan() if not v.summary else ():
        definition = v.d.forward.definitions[op.output]
        index = (0,) * definition.ndim
        eq = v.equation(v.element(f"z{op.output}", index), definition[index])
        if eq is not None:
            equations.append(eq)
    section = {
        "kind": "network_layer",
        "heading": v._("network.forward.heading"),
        "intro": [v._("network.forward.intro", last=last)],
        "rules": rules,
        "groups": [],
        "verdicts": [],
    }
    if v.summary:  # the rules alone, two to a line
        section["rules"] = _packed(rules)
        return section
    size = tree_size(v.d.forward.loss, "network render")
    section["groups"] = [
        {"intro": v._("network.forward.first"), "equations": equations},
        {"intro": v._("network.forward.size", size=f"{size:,}"), "equations": []},
    ]
    return section


def _switches_section(v: _View) -> dict[str, Any] | None:
    if not v.d.sample.switches:
        return None
    return {
        "kind": "network_layer",
        "heading": v._("network.switches.heading"),
        "intro": [
            v._("network.switches.summary", seed=v.net.seed)
            if v.summary
            else v._("network.switches.intro", seed=v.net.seed)
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
        if flat == v.limit:
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
    _ = v._
    name = v.name(check.name)
    low, high = check.terms
    size = f"{low:,}" if low == high else _("network.verdict.range", low=f"{low:,}",
                                            high=f"{high:,}")
    if check.holds:
        what = (
            _("network.verdict.one")
            if check.checked == 1
            else _("network.verdict.all", n=check.checked)
        )
        how = (
            _("network.verdict.identical")
            if check.decided_by == "identical"
            else _("network.verdict.canonical")
        )
        return _("network.verdict.proved", name=name, what=what, how=how, size=size)
    parts = [_("network.verdict.proved_of", proved=check.proved, checked=check.checked)]
    if check.refuted:
        parts.append(_("network.verdict.refuted", n=check.refuted))
    if check.undecided:
        parts.append(_("network.verdict.undecided", n=check.undecided))
    first = ",".join(map(str, check.first_open or ()))
    numeric = next(
        (max(a, b) for n, a, b in v.d.numeric.gradients if n == check.name), float("nan")
    )
    return _(
        "network.verdict.open",
        name=name,
        parts=_("network.verdict.sep").join(parts),
        first=f"{check.name}[{first}]",
        numeric=f"{numeric:.1e}",
    )


def _summary_verdicts(v: _View, stage: Stage) -> list[str]:
    """The summary's verdicts of a layer: the proved gradients together in one line, each
    one not proved on a line of its own (as in full detail)."""
    _ = v._
    checks = [v.d.check(p.name) for p in stage.params]
    items = [
        _(
            "network.verdict.item",
            name=v.name(c.name),
            what=_("network.verdict.one") if c.checked == 1 else _("network.verdict.all",
                                                                     n=c.checked),
        )
        for c in checks
        if c.holds
    ]
    joined = _("network.verdict.sep").join(items)
    out = [_("network.verdict.summary", items=joined)] if items else []
    return out + [_verdict(v, c) for c in checks if not c.holds]


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
    margin = f"{switch.margin:.3g}"
    if switch.kind in ("relu", "leaky_relu"):
        on = int(switch.pattern.sum())
        return v._("network.switch.relu", on=on, n=switch.pattern.size, inp=inp, margin=margin)
    return v._("network.switch.max", inp=inp, margin=margin)


def _sum_section(v: _View, op: Op) -> dict[str, Any]:
    a, b = op.inputs
    out = v.delta(op.output)
    return {
        "kind": "network_layer",
        "heading": v._("network.sum.heading", label=label_of(op.output)),
        "intro": [
            v._("network.sum.intro", out=v.node(op.output), a=v.node(a), b=v.node(b))
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
            parts.append(v._("network.joins.identity", delta=v.delta(other.output)))
        else:
            parts.append(v._("network.joins.layer", label=other.stage.label))
    return v._(
        "network.joins",
        node=v.node(node),
        delta=v.delta(node),
        parts=v._("network.joins.and").join(parts),
    )


def _stage_section(v: _View, step: StageBackward) -> dict[str, Any]:
    op = step.op
    if op.stage is None:
        return _sum_section(v, op)
    stage = op.stage
    incoming = v.delta(op.output)
    _ = v._
    heading = _("network.layer.heading", label=stage.label, words=v.words(stage.kind))
    if stage.layer is None:
        reshape = {
            "lhs": v.delta(op.inputs[0]),
            "rhs": rf"\operatorname{{reshape}}\left({incoming}\right)",
        }
        shape = shape_text(stage.in_shape)
        if v.summary:  # the rule in the sentence
            return {
                "kind": "network_layer",
                "heading": heading,
                "intro": [_("network.flatten.summary", shape=shape, **reshape)],
                "rules": [],
                "groups": [],
                "verdicts": [],
            }
        return {
            "kind": "network_layer",
            "heading": heading,
            "intro": [_("network.flatten.intro", shape=shape)],
            "rules": [reshape],
            "groups": [],
            "verdicts": [],
        }
    if v.summary:
        intro = [_("network.layer.intro_summary", kind=stage.kind, delta=incoming)]
    else:
        intro = [
            _(
                "network.layer.intro",
                kind=stage.kind,
                delta=incoming,
                params=_("network.layer.params") if stage.params else "",
            )
        ]
    switch = next((s for s in v.d.sample.switches if s.stage == stage.number), None)
    if switch is not None:
        intro.append(_switch_note(v, switch, op))
    rules = [_rule_line(v, op, rule) for rule in step.rules]
    groups = []
    if v.summary:  # each rule with its first element, in one display
        rules = _with_examples(
            [(line, _elements(v, op, rule)) for rule, line in zip(step.rules, rules, strict=True)]
        )
    for rule in step.rules if not v.summary else ():
        if rule.of == "A":
            what = _("network.group.delta", delta=v.delta(op.inputs[0]))
        else:
            what = _("network.group.gradient", name=v.name(rule.target))
        if rule.of == "A" and stage.kind == "linear":
            note = _("network.sums.columns")
        elif rule.of != "A" or stage.kind.startswith("conv"):
            note = _(_SUMS[rule.of]) if rule.of in _SUMS else ""
        else:
            note = ""
        groups.append(
            {
                "intro": _("network.group.filled", what=what, note=note,
                           shown=v.shown(rule.named.size)),
                "equations": _elements(v, op, rule),
            }
        )
    joined = _joins(v, op)
    if joined is not None:
        groups.append({"intro": joined, "equations": []})
    verdicts = []
    if v.summary:  # no end-to-end examples; the proved gradients in one line
        verdicts = _summary_verdicts(v, stage)
    for p in stage.params if not v.summary else ():
        verdict = _verdict(v, v.d.check(p.name))
        example = _example(v, p.name, p.shape)
        if example is None:
            verdict += _(
                "network.example.too_long_handout"
                if v.options.handout
                else "network.example.too_long"
            )
        verdicts.append(verdict)
        if example is not None:
            groups.append(
                {
                    "intro": _("network.example", name=v.name(p.name)),
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


def _width(rule: dict[str, str]) -> float:
    return term_width(rule["lhs"]) + term_width(rule["rhs"]) + _PACK_GAP


def _with_examples(
    pairs: list[tuple[dict[str, str], list[dict[str, Any]]]],
) -> list[dict[str, str]]:
    """Each rule with its example elements, as the lines of one display: the example
    beside its rule when every example of the display is one row and every line fits
    the width, else below it."""
    beside = all(len(examples) <= 1 for _, examples in pairs) and all(
        len(e["rows"]) == 1 for _, examples in pairs for e in examples
    )
    if beside:
        first = max(_width(rule) for rule, _ in pairs)
        second = max((_width(_as_rule(e)) for _, ex in pairs for e in ex), default=0.0)
        beside = first + second <= _PACK_BUDGET
    lines = []
    for rule, examples in pairs:
        if beside and examples:
            example = _as_rule(examples[0])
            lines.append(
                {"lhs": rule["lhs"], "rhs": f"{rule['rhs']} & {example['lhs']} &= {example['rhs']}"}
            )
        else:
            lines += [rule, *map(_as_rule, examples)]
    return lines


def _as_rule(equation: dict[str, Any]) -> dict[str, str]:
    """An equation split into rows as one line of a ``rules`` display."""
    return {"lhs": equation["lhs"], "rhs": " \\\\\n  &\\quad ".join(equation["rows"])}


_PACK_BUDGET = 58.0  # term widths of the rules side by side on one display line
_PACK_GAP = 4.0  # the room between two column pairs, and an equals sign
_PACK_MOST = 3


def _packed(rules: list[dict[str, str]]) -> list[dict[str, str]]:
    """Short rules side by side, up to three to a display line (further column pairs of
    the same display), as many as fit its width; the columns line up down the display."""
    widths = [term_width(r["lhs"]) + term_width(r["rhs"]) + _PACK_GAP for r in rules]
    per_line = _PACK_MOST
    while per_line > 1 and any(
        sum(widths[k : k + per_line]) > _PACK_BUDGET for k in range(0, len(rules), per_line)
    ):
        per_line -= 1
    out = []
    for k in range(0, len(rules), per_line):
        first = dict(rules[k])
        for other in rules[k + 1 : k + per_line]:
            first["rhs"] += f" & {other['lhs']} &= {other['rhs']}"
        out.append(first)
    return out


def _loss_section(v: _View) -> dict[str, Any]:
    net = v.net
    rule = v.d.backward.loss_rule
    assert rule.claim is not None
    last = v.node(net.last)
    if net.loss.cross_entropy:
        rhs = rf"\operatorname{{softmax}}\left({last}\right) - t"
        note = v._("network.loss.cross_entropy")
    else:
        rhs = rule.claim.formula.latex({"y": "{" + last + "}", "t": "t"})
        note = v._("network.loss.squared")
    equations = []
    for flat, index in enumerate(np.ndindex(rule.named.shape)):
        if flat == v.limit:
            break
        eq = v.equation(v.element(delta_name(net.last), index), rule.named[index])
        if eq is not None:
            equations.append(eq)
    rules = [{"lhs": v.delta(net.last), "rhs": rhs}]
    groups = [
        {
            "intro": v._("network.loss.filled", shown=v.shown(rule.named.size)),
            "equations": equations,
        }
    ]
    intro = [v._("network.loss.intro", last=last, note=note)]
    if v.summary:  # the rule with its first element
        rules = _with_examples([(rules[0], equations)])
        groups = []
    return {
        "kind": "network_layer",
        "heading": v._("network.loss.heading"),
        "intro": intro,
        "rules": rules,
        "groups": groups,
        "verdicts": [],
    }


def _numeric_section(v: _View) -> dict[str, Any]:
    n, _ = v.d.numeric, v._
    agree = _("numeric.agree") if n.passed else _("numeric.disagree")
    section: dict[str, Any] = {
        "kind": "network_numeric",
        "heading": _("numeric.heading"),
        "rows": [],
        "passed": n.passed,
        "numbers": _("network.numeric.numbers", verdict=agree),
        "verdict": _("network.numeric.verdict_summary" if v.summary else "network.numeric.verdict"),
    }
    if v.summary:  # one line: the largest difference of them all
        errors = [n.loss, *(e for _name, e in n.deltas)]
        errors += [e for _name, a, b in n.gradients for e in (a, b)]
        section["intro"] = _(
            "network.numeric.line",
            seed=n.seed,
            error=f"{max(errors):.1e}",
            tolerance=f"{n.tolerance:.0e}",
            verdict=agree,
        )
        return section
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
    target = _("network.numeric.uniform")
    if v.net.loss.cross_entropy:
        target = _("network.numeric.distribution")
    section["intro"] = _(
        "network.numeric.intro", seed=n.seed, target=target, tolerance=f"{n.tolerance:.0e}"
    )
    section["rows"] = rows
    return section


def _backward_section(v: _View, steps: list[dict[str, Any]]) -> dict[str, Any]:
    """The summary's backward pass: the loss's and every layer's section as one step each
    (its heading run in), under one heading."""
    return {
        "kind": "network_backward",
        "heading": v._("network.backward.heading"),
        "intro": v._("network.backward.intro"),
        "steps": [
            {
                "title": v._("network.backward.title", title=s["heading"]),
                "intro": s["intro"],
                "rules": s["rules"],
                "groups": s["groups"],
                "verdicts": s["verdicts"],
            }
            for s in steps
        ],
    }


def _sensitivity(v: _View) -> tuple[str, str, str] | None:
    """The first activation that follows a layer with parameters: that layer's label and
    the activation's rule, which gives the notes' sensitivity of that layer."""
    makers = {op.output: op for op in v.net.plan()}
    for step in reversed(v.d.backward.steps):  # in forward order
        op = step.op
        if op.stage is None or op.stage.kind not in _F or not step.rules:
            continue
        before = makers.get(op.inputs[0])
        if before is None or before.stage is None or not before.stage.params:
            continue
        line = _rule_line(v, op, step.rules[0])
        return before.stage.label, line["lhs"], line["rhs"]
    return None


def _command(d: NetworkDerivation, options: RenderOptions) -> str:
    """The command line that regenerates this sheet (``--fragment`` is the skeleton's)."""
    out = d.network.command()
    if options.lang != "en":
        out += f" --lang {options.lang}"
    if options.detail != "full":
        out += f" --detail {options.detail}"
    if options.figures is not None and options.figures != wanted(
        RenderOptions(detail=options.detail, fragment=options.fragment)
    ):
        out += " --figures" if options.figures else " --no-figures"
    return out


def build(d: NetworkDerivation, options: RenderOptions | None = None) -> dict[str, Any]:
    """Title, command and sections of the sheet, in ``options``' language and detail
    (``options.figures``: the figure of the layers, by default in a whole document in
    full detail; ``options.stem``: the Markdown file's stem, which names the SVG file
    its figure links to, default the network's label).

    The sections are data for ``templates/sections/<kind>.{tex,md}.j2`` (kinds
    ``network_table``, ``figure``, ``network_layer``, ``story``, ``network_backward``,
    ``network_numeric``), each with the ``id`` a handout file names it by (network,
    figure, forward, switches, story, loss, backward, numeric);
    ``tikz`` says whether the figure needs ``\\usepackage{tikz}``.  Worked numbers
    (``options.worked``) are a layer's: a ``SpecError`` says so."""
    options = options or RenderOptions()
    if options.worked is not None:
        from ..exceptions import SpecError

        raise SpecError(
            "worked numbers: a network's sheet has none (its sample point is --seed); "
            "leave them out"
        )
    v = _View(d, options)
    # each section's "id" is the name a handout file's `sections` uses for it
    sections = [{**_network_section(v), "id": "network"}]
    figure = figure_section(d, options)
    if figure is not None:
        sections.append({**figure, "id": "figure"})
    sections.append({**_forward_section(v), "id": "forward"})
    switches = _switches_section(v)
    if switches is not None:
        sections.append({**switches, "id": "switches"})
    blocks = any(isinstance(step, Block) for step in d.network.steps)
    story = story_section(v._, label_of(d.network.last), _sensitivity(v), blocks)
    sections.append({**story, "id": "story"})
    loss = {**_loss_section(v), "id": "loss"}
    backward = [loss, *({**_stage_section(v, s), "id": "backward"} for s in d.backward.steps)]
    if options.summary:  # one section, each step a paragraph
        sections.append({**_backward_section(v, backward), "id": "backward"})
    else:
        sections += backward
    sections.append({**_numeric_section(v), "id": "numeric"})
    title = v._("network.title", name=d.network.name)
    return {
        "title": tex_escape(title),
        "title_text": title,
        "command": _command(d, options),
        "sections": sections,
        "tikz": figure is not None,
    }
