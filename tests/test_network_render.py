"""A network's sheets: the JSON document (its keys, and its expansions evaluated as any
reader would, against PyTorch autograd), the Markdown's math in KaTeX, the LaTeX through
pdflatex, and byte-identical output from run to run."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
import sympy

import symderiv
from symderiv.latex import compile_pdf

from .conftest import ROOT, needs_latex
from .test_markdown_math import _katex_available, _katex_errors, _snippets

SAMPLES = sorted((ROOT / "examples" / "networks").glob("*.toml"))
_NAME = re.compile(r"([A-Za-z][A-Za-z0-9_]*)\[(\d+(?:,\d+)*)\]")


@pytest.fixture(scope="module", params=SAMPLES, ids=[p.stem for p in SAMPLES])
def derived(request):
    d = symderiv.network(request.param).derive()
    return d, json.loads(d.to_json())


def _renamed(text: str) -> str:
    """``K1[0,0,1,2]`` -> ``K1_0_0_1_2``: names SymPy's parser and Python read."""
    return _NAME.sub(lambda m: m.group(1) + "_" + m.group(2).replace(",", "_"), text)


def _values(doc) -> dict[str, float]:
    out = {}
    for name, array in doc["sample"]["values"].items():
        a = np.asarray(array, dtype=float)
        for index in np.ndindex(a.shape):
            out[f"{name}_" + "_".join(map(str, index))] = float(a[index])
    return out


def _evaluate(text: str, values: dict[str, float]) -> float:
    """Our own JSON's expression text, evaluated with Python's arithmetic and math (fast;
    SymPy's parser reads the same text in the test below)."""
    namespace = {"exp": math.exp, "log": math.log, "__builtins__": {}}
    return float(eval(_renamed(text), namespace, values))  # our own output, in a test only


def test_the_json_document(derived):
    d, doc = derived
    net = d.network
    assert doc["format"] == "symderiv/1"
    assert doc["layer"]["kind"] == "network"
    assert doc["layer"]["contents"] == json.loads(json.dumps(dict(net.document)))
    assert doc["layer"]["file"] == net.source
    params = {p.name: list(p.shape) for p in net.parameters()}
    deltas = {f"delta{node}" if node[0].isdigit() else f"delta_{node}" for node in d.backward.deltas}
    assert set(doc["tensors"]) == {"x", "t", *params, *deltas}
    assert doc["tensors"]["x"] == {"role": "input", "shape": list(net.input)}
    assert doc["tensors"]["t"]["role"] == "target"
    for name, shape in params.items():
        assert doc["tensors"][name]["shape"] == shape
    assert [g["of"] for g in doc["gradients"]] == [
        name for name, shape in params.items() for _ in range(int(np.prod(shape)))
    ]
    assert all(g["proved"] is True for g in doc["gradients"])
    assert {c["of"] for c in doc["closed_forms"]} == set(params)
    assert all(c["holds"] and c["first_failure"] is None for c in doc["closed_forms"])
    assert doc["verified"] is True
    assert doc["numeric_check"]["passed"] is True


def test_the_expansions_evaluate_to_autograd(derived):
    pytest.importorskip("torch")
    from . import network_torch

    d, doc = derived
    values = _values(doc)
    _, nodes, leaves = network_torch.run(d.network, d.sample.arrays)
    for g in doc["gradients"]:
        expected = leaves[g["of"]].grad.numpy()[tuple(g["index"])]
        assert abs(_evaluate(g["expansion"], values) - expected) <= 1e-10, g["of"]
    # SymPy's own parser reads them too (the last parameter's first element: the shortest)
    g = next(g for g in doc["gradients"] if g["of"] == doc["gradients"][-1]["of"])
    expr = sympy.sympify(_renamed(g["expansion"]))
    point = {sympy.Symbol(k): sympy.Float(v) for k, v in values.items()}
    expected = leaves[g["of"]].grad.numpy()[tuple(g["index"])]
    assert abs(float(expr.xreplace(point)) - expected) <= 1e-10
    assert abs(_evaluate(doc["forward"][0]["expansion"], values) - d.sample.reference.loss) < 1e-12
    # layer by layer: the nodes forwards, then the deltas backwards, from x and the parameters
    for node in doc["nodes"]:
        for e in node["elements"]:
            values[f"{node['of']}_" + "_".join(map(str, e["index"]))] = _evaluate(e["expansion"], values)
    for delta in doc["deltas"]:
        node = delta["of"].removeprefix("delta").removeprefix("_")
        grad = nodes[node].grad.numpy()
        for e in delta["elements"]:
            value = _evaluate(e["recursion"], values)
            values[f"{delta['of']}_" + "_".join(map(str, e["index"]))] = value
            assert abs(value - grad[tuple(e["index"])]) <= 1e-10, delta["of"]
            assert abs(e["value"] - grad[tuple(e["index"])]) <= 1e-10, delta["of"]


@pytest.mark.skipif(not _katex_available(), reason="node with katex is not available")
def test_the_markdown_math_renders_in_katex(derived):
    d, _ = derived
    snippets = _snippets(d.to_markdown())
    assert len(snippets) > 40
    assert _katex_errors(snippets) == []


@needs_latex
def test_the_latex_sheet_compiles_without_an_overfull_box(derived):
    d, _ = derived
    build = compile_pdf(d.to_latex())  # raises on any error or overfull box
    assert build.pdf.startswith(b"%PDF-")
    assert "Overfull" not in build.log


def test_the_sheet_says_what_it_proved(derived):
    d, _ = derived
    tex, md = d.to_latex(), d.to_markdown()
    for check in d.checks:
        count = "its one element" if check.checked == 1 else f"all {check.checked} elements"
        assert f"proved** for {count}" in md
        assert f"proved}} for {count}" in tex
    assert "NOT" not in md
    assert "\\section{The network}" in tex
    assert md.count("\n## Layer ") == sum(1 for _ in d.network.plan())


def test_output_is_byte_identical_from_run_to_run():
    path = ROOT / "examples/networks/residual_projection.toml"
    a, b = symderiv.network(path).derive(), symderiv.network(path).derive()
    assert a.to_json() == b.to_json()
    assert a.to_latex() == b.to_latex()
    assert a.to_markdown() == b.to_markdown()
