"""A network's derivation as LaTeX, Markdown (the shared skeletons and the network's
section templates), JSON (``symderiv/1``, ``layer.kind`` = ``network``) and a summary."""

from __future__ import annotations

import datetime
from typing import Any

import numpy as np
import sympy
from sympy.printing.str import StrPrinter

from ..core import work
from ..marker import MARKER, package_version
from ..render.documents import _dump, environment
from ..render.options import RenderOptions
from .backward import Rule
from .model import NetworkDerivation, delta_name
from .numeric import Evaluator, point
from .spec import Block, Stage, label_of

__all__ = ["figure_files", "json_document", "render_json", "render_md", "render_tex", "summary"]


def _context(d: NetworkDerivation, options: RenderOptions | None) -> dict[str, Any]:
    from .sheet import build

    options = options or RenderOptions()
    return {
        "marker": MARKER,
        "version": package_version(),
        "label": d.network.label(),
        "verified": d.verified,
        "lang": options.lang,
        "detail": options.detail,
        "fragment": options.fragment,
        **build(d, options),
    }


def render_tex(d: NetworkDerivation, options: RenderOptions | None = None) -> str:
    """The LaTeX sheet (a whole document unless ``options.fragment``)."""
    return environment().get_template("sheet.tex.j2").render(**_context(d, options))


def render_md(d: NetworkDerivation, options: RenderOptions | None = None) -> str:
    """The GitHub Markdown sheet; its figure is a link to the SVG file
    :func:`figure_files` renders (``options.stem``.network.svg)."""
    return environment().get_template("sheet.md.j2").render(**_context(d, options))


def figure_files(
    d: NetworkDerivation, stem: str | None = None, options: RenderOptions | None = None
) -> dict[str, bytes]:
    """The SVG files the Markdown sheet ``STEM.md`` links to, by file name: the figure
    of the network's layers, ``STEM.network.svg`` (default stem: the network's label),
    in ``options``' language; none when the sheet ``options`` asks for has no figure
    (by default a full-detail whole document has it).  Write them beside the ``.md``."""
    from .figure import figure_files as files

    return files(d, stem, options)


def _counted(printer: _Str, texts: int) -> None:
    """The nodes printed, and the text written (a node is about 8 characters)."""
    work.add("network render", 1 + len(printer.memo) + texts // 8)


class _Str(StrPrinter):
    """SymPy's ``str()`` (``order="none"``: the order the expression keeps, never sorted),
    each shared sub-expression printed once: the text is exactly ``sstr``'s, in a
    fraction of the time on a network's long expressions."""

    def __init__(self) -> None:
        super().__init__({"order": "none"})
        self.memo: dict[sympy.Basic, str] = {}

    def _print(self, expr: Any, **kwargs: Any) -> str:
        if kwargs or not isinstance(expr, sympy.Basic):
            return str(super()._print(expr, **kwargs))
        found = self.memo.get(expr)
        if found is None:
            found = str(super()._print(expr))
            self.memo[expr] = found
        return found




def _plain(value: Any) -> Any:
    """The file's contents as JSON values (TOML dates and times as ISO text)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return value


def _stage_json(stage: Stage) -> dict[str, Any]:
    out: dict[str, Any] = {
        "layer": label_of(stage.number),
        "kind": stage.kind,
        "options": {k: _plain(v) for k, v in stage.options},
        "input": list(stage.in_shape),
        "output": list(stage.out_shape),
        "parameters": {p.name: list(p.shape) for p in stage.params},
    }
    if stage.layer is not None:
        out["describe"] = stage.layer.describe()
    return out


def _layers_json(d: NetworkDerivation) -> list[dict[str, Any]]:
    out = []
    for step in d.network.steps:
        if isinstance(step, Block):
            out.append(
                {
                    "layer": step.label,
                    "kind": "residual",
                    "shortcut": step.shortcut,
                    "post_activation": step.post.kind if step.post is not None else None,
                    "input": list(step.in_shape),
                    "output": list(step.out_shape),
                    "branch": [_stage_json(s) for s in step.branch],
                    "projection": (
                        _stage_json(step.projection) if step.projection is not None else None
                    ),
                }
            )
        else:
            out.append(_stage_json(step))
    return out


def _rule_text(rule: Rule) -> str | None:
    return None if rule.claim is None else rule.claim.formula.text()


def json_document(d: NetworkDerivation) -> dict[str, Any]:
    """The ``symderiv/1`` document of a network.

    ``gradients`` give every parameter element's end-to-end derivative written out in
    ``x[…]``, ``t[…]`` and the parameters (SymPy's ``str()``); ``nodes`` every layer's
    output one layer at a time (in the previous output ``z3[…]``, x for layer 0, and the
    parameters, switches fixed) and ``deltas`` every layer's delta one layer at a time (in
    the next delta ``delta5[…]``, the outputs and the parameters), with its value at the
    sample point: substituted down the layers, they give the same expressions."""
    printer = _Str()
    _text = printer.doprint  # SymPy's str(): as sympy.sstr(expr, order="none")
    net = d.network
    tensors: dict[str, Any] = {"x": {"role": "input", "shape": list(net.input)}}
    tensors["t"] = {"role": "target", "shape": list(net.output)}
    for p in net.parameters():
        tensors[p.name] = {"role": f"{p.role} of layer {label_of(p.stage)}", "shape": list(p.shape)}
    order = [op.output for op in reversed(net.plan())] + ["0"]
    for node in order:
        shape = list(np.shape(d.backward.deltas[node]))
        tensors[delta_name(node)] = {
            "role": "delta of the input: dE/dx"
            if node == "0"
            else f"delta of layer {label_of(node)}: dE/dz{node}",
            "shape": shape,
        }
    rules: dict[str, tuple[str, Rule]] = {}
    for step in d.backward.steps:
        for r in step.rules:
            rules[r.target] = (step.op.output, r)
    gradients = []
    for p in net.parameters():
        verdicts = d.verdicts[p.name]
        values = d.end_to_end[p.name]
        for flat, index in enumerate(np.ndindex(p.shape)):
            v = verdicts[flat]
            gradients.append(
                {
                    "of": p.name,
                    "index": list(index),
                    "expansion": _text(values[index]),
                    "proved": v.holds,
                    "decided_by": v.method,
                }
            )
    deltas = []
    loss_rule = d.backward.loss_rule
    evaluate = Evaluator(point(d.sample.arrays))
    for node in order:
        value = d.backward.deltas[node]
        recursion = d.backward.recursion[node]
        if node == net.last:
            formula = _rule_text(loss_rule)
            stated = f"the loss ({net.loss.kind})"
        elif node in rules:
            formula = _rule_text(rules[node][1])
            stated = f"layer {label_of(rules[node][0])}'s closed form for its input"
        else:
            formula, stated = None, "the sum of the deltas that reach it"
        values = evaluate.array(value)
        deltas.append(
            {
                "of": delta_name(node),
                "layer": label_of(node),
                "shape": list(np.shape(value)),
                "rule": formula,
                "from": stated,
                "elements": [
                    {
                        "index": list(index),
                        "recursion": _text(recursion[index]),
                        "value": float(values[index]),
                    }
                    for index in np.ndindex(np.shape(value))
                ],
            }
        )
    nodes = []
    for op in net.plan():
        definition = d.forward.definitions[op.output]
        name = f"z{op.output}"
        nodes.append(
            {
                "of": name,
                "layer": label_of(op.output),
                "shape": list(np.shape(definition)),
                "elements": [
                    {"index": list(index), "expansion": _text(definition[index])}
                    for index in np.ndindex(np.shape(definition))
                ],
            }
        )
    closed_forms = []
    for c in d.checks:
        step_output, used = rules[c.name]
        closed_forms.append(
            {
                "of": c.name,
                "formula": _rule_text(used),
                "stated_in": f"layer {label_of(step_output)}'s closed form (the delta recursion)",
                "holds": c.holds,
                "checked": c.checked,
                "failures": c.refuted,
                "decided_by": c.decided_by,
                **({"undecided": c.undecided} if c.undecided else {}),
                "first_failure": (
                    None
                    if c.first_open is None
                    else {"index": list(c.first_open), "against": "the end-to-end derivative"}
                ),
            }
        )
    switches = [
        {
            "layer": label_of(s.stage),
            "kind": s.kind,
            ("active" if s.kind in ("relu", "leaky_relu") else "argmax"): s.pattern.tolist(),
            "margin": s.margin,
        }
        for s in d.sample.switches
    ]
    n = d.numeric
    doc: dict[str, Any] = {
        "format": "symderiv/1",
        "generator": f"{MARKER} {package_version()}",
        "layer": {
            "kind": "network",
            "name": net.name,
            "file": net.source,
            "input": list(net.input),
            "loss": net.loss.kind,
            "convention": net.convention,
            "seed": net.seed,
            "contents": _plain(dict(net.document)),
            "layers": _layers_json(d),
        },
        "tensors": tensors,
        "forward": [{"of": "E", "index": [], "expansion": _text(d.forward.loss)}],
        "nodes": nodes,
        "gradients": gradients,
        "deltas": deltas,
        "closed_forms": closed_forms,
        "switches": {
            "seed": net.seed,
            "rule": (
                "fixed by the sample point: each ReLU input's sign, each max-pool window's "
                "maximum (argmax: flat index into the pooled input); the expansions hold on the "
                "open region where every switch keeps its value"
            ),
            "stages": switches,
        },
        "sample": {
            "seed": net.seed,
            "values": {k: np.asarray(v, dtype=float).tolist() for k, v in d.sample.arrays.items()},
        },
        "numeric_check": {
            "seed": n.seed,
            "tolerance": n.tolerance,
            "max_abs_error": {
                "E": n.loss,
                **dict(n.deltas),
                **{name: a for name, a, _ in n.gradients},
                **{f"{name} (end to end)": b for name, _, b in n.gradients},
            },
            "passed": n.passed,
        },
        "verified": d.verified,
    }
    _counted(printer, sum(len(g["expansion"]) for g in gradients))
    if net.loss.cross_entropy:
        doc["side_condition"] = "sum_c t[n,c] = 1 (the delta at the output, softmax(y) - t)"
    return doc


def render_json(d: NetworkDerivation) -> str:
    """The JSON text (values that fit in 100 characters on one line)."""
    return _dump(json_document(d)) + "\n"


def summary(d: NetworkDerivation) -> str:
    """A few lines for the terminal."""
    verdict = "verified" if d.verified else "NOT verified"
    lines = [f"{d.network.label()}: {verdict}"]
    for c in d.checks:
        state = "proved" if c.holds else f"{c.proved}/{c.checked} proved"
        elements = "1 element" if c.checked == 1 else f"{c.checked} elements"
        lines.append(f"  dE/d{c.name}: {elements}, recursion = end to end: {state}")
    agree = "agree" if d.numeric.passed else "DISAGREE"
    lines.append(f"  numeric check (seed {d.numeric.seed}): {agree}")
    return "\n".join(lines)
