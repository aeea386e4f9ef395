"""A whole network in a handout (``network = "FILE.toml"``): its sheet's sections, its
exercises read off the delta recursion (each answer checked against an independent
expression, not the generator's own printing), its slides, its notebook cells (run), and
the command line."""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout
from functools import cache
from pathlib import Path

import pytest
import sympy
from click.testing import CliRunner

from symderiv.cli import cli
from symderiv.exceptions import SizeLimitError
from symderiv.handout.assemble import Handout, assemble
from symderiv.handout.file import parse_handout
from symderiv.handout.formats import render_md, render_tex
from symderiv.handout.notebook import render_ipynb
from symderiv.handout.slides import slide_frames

from .conftest import ROOT

NETWORKS = ROOT / "examples" / "networks"

TEXT = """
title = "Networks"
exercises = true
[[item]]
layer = "linear"
[[item]]
network = "tiny_lenet.toml"
title = "The tiny network"
"""


@cache
def _handout(text: str = TEXT) -> Handout:
    return assemble(parse_handout(text, NETWORKS / "handout.toml"))


def test_a_network_item_is_derived_and_proved_as_derive_network_does():
    h = _handout()
    layer, net = h.parts
    assert not layer.is_network
    assert net.is_network
    assert net.heading == "The tiny network"
    assert net.verified
    assert h.verified
    assert net.layer.label() == "network_tiny_lenet"
    # every parameter element proved against the end-to-end derivative of E
    assert {c.name: (c.proved, c.checked) for c in net.derivation.checks} == {
        "K1": (18, 18),
        "b1": (2, 2),
        "W5": (24, 24),
        "b5": (3, 3),
    }
    assert net.sheet["command"] == f"symderiv derive network {NETWORKS / 'tiny_lenet.toml'}"


def test_the_network_part_shows_the_network_sheets_sections():
    md = render_md(_handout())
    part = md[md.index("## The tiny network") : md.index("## References")]
    headings = re.findall(r"^### (.*)$", part, re.MULTILINE)
    assert headings == [
        "The network",
        "The layers at a glance",
        "Forward pass",
        "The delta recursion in index form",
        "The loss: the delta at the output",
        "Layer 6: sigmoid",
        "Layer 5: fully connected",
        "Layer 4: flatten",
        "Layer 3: mean pooling",
        "Layer 2: sigmoid",
        "Layer 1: convolution",
        "Numeric cross-check",
    ]
    tex = render_tex(_handout())
    assert (
        r"\delta^{[0]} &= \operatorname{conv2}\left({\delta^{[1]}},\ {K^{[1]}},\ \text{full}\right)"
        in tex
    )


def _exercises(kind: str):
    (found,) = [e for e in _handout().exercises if e.part == 2 and e.kind == kind]
    return found


def _unboxed(latex: str) -> str:
    r"""``\boxed{X}`` as ``X`` (braces matched)."""
    while (start := latex.find(r"\boxed{")) >= 0:
        depth, k = 0, start + len(r"\boxed")
        while True:
            depth += {"{": 1, "}": -1}.get(latex[k], 0)
            if depth == 0:
                break
            k += 1
        latex = latex[:start] + latex[start + len(r"\boxed{") : k] + latex[k + 1 :]
    return latex


def test_the_networks_exercises_are_numbered_after_the_layers():
    numbers = [(e.part, e.number, e.kind) for e in _handout().exercises]
    layer = [n for p, n, _ in numbers if p == 1]
    net = [(n, k) for p, n, k in numbers if p == 2]
    assert net == [
        (len(layer) + 1, "terms"),
        (len(layer) + 2, "expansion"),
        (len(layer) + 3, "closed_form"),
    ]


def test_the_terms_exercise_blanks_every_third_term_of_a_kernel_gradient():
    e = _exercises("terms")
    lhs, rows = e.question
    assert lhs == r"\frac{\partial E}{\partial K^{[1]}_{0,0,0}}"
    question = " ".join(rows)
    assert question.count(r"\boxed{\phantom{") == 4
    # the answer: the correlation conv's ∂E/∂K[0,0,0,0] = Σ_uv δ1[0,0,u,v] x[0,0,u,v],
    # built here independently and printed in the sheet's names
    expected = [rf"\delta^{{[1]}}_{{0,{u},{v}}} x_{{{u},{v}}}" for u in range(4) for v in range(4)]
    answer_lhs, answer_rows = e.answer_math
    assert answer_lhs == lhs
    filled = _unboxed(" ".join(answer_rows))
    terms = [t.strip() for t in re.split(r" \+ ", filled)]
    assert terms == expected
    assert e.answer == (
        r"(a) $\delta^{[1]}_{0,0,1} x_{0,1}$, (b) $\delta^{[1]}_{0,1,0} x_{1,0}$, "
        r"(c) $\delta^{[1]}_{0,1,3} x_{1,3}$, (d) $\delta^{[1]}_{0,2,2} x_{2,2}$"
    )


def test_the_expansion_exercise_is_the_linear_layers_transposed_weights():
    e = _exercises("expansion")
    assert e.question[0] == r"\delta^{[4]}_{0}"
    # δ⁴ = W⁵ᵀ δ⁵: element 0 is Σ_o W⁵[o, 0] δ⁵[o] over the three outputs
    assert e.answer_math == (
        r"\delta^{[4]}_{0}",
        (
            r"W^{[5]}_{0,0} \delta^{[5]}_{0} + W^{[5]}_{1,0} \delta^{[5]}_{1} + "
            r"W^{[5]}_{2,0} \delta^{[5]}_{2}",
        ),
    )
    assert e.prompt == (
        r"Write out $\delta^{[4]}_{0}$, an element of the delta that layer 5 passes back, as "
        r"a sum of terms in the elements of $\delta^{[5]}$ (and of the layer's parameters "
        "and input, where it has them)."
    )


def test_the_closed_form_exercise_is_the_sigmoids_delta_and_its_answer_is_proved():
    e = _exercises("closed_form")
    assert e.prompt == (
        r"Layer 6 (`sigmoid`) receives the delta $\delta^{[6]}$ of its output. Give the delta "
        "of its input:"
    )
    assert e.answer_math == (
        r"\delta^{[5]}",
        (r"{\delta^{[6]}} \odot \sigma'\left({z^{[5]}}\right)",),
    )
    # and what the answer states is what the derivation holds: δ5 = δ6 · σ(z5)(1 − σ(z5)),
    # in the recursion's own symbols (z5 one symbol per element)
    recursion = _handout().parts[1].derivation.backward.recursion["5"]
    for i in range(3):
        z, delta = sympy.Symbol(f"z5[0,{i}]"), sympy.Symbol(f"delta6[0,{i}]")
        s = 1 / (1 + sympy.exp(-z))
        assert sympy.simplify(recursion[0, i] - delta * s * (1 - s)) == 0
        assert recursion[0, i].free_symbols == {z, delta}


def test_the_networks_slides_uncover_the_recursion_layer_by_layer():
    h = _handout()
    frames = slide_frames(h.parts[1], "en")
    assert [f["kind"] for f in frames] == ["layers", "rules", "rules", "rules", "rules", "verdict"]
    layers = frames[0]["layers"]
    assert [x["text"] for x in layers] == [
        "0: input",
        "1: convolution (`conv2d`)",
        "2: sigmoid",
        "3: mean pooling (`avg_pool2d`)",
        "4: flatten",
        "5: fully connected (`linear`)",
        "6: sigmoid",
    ]
    forward, loss, backward, gradients = (f["rules"] for f in frames[1:5])
    assert [r["lhs"] for r in forward] == [
        r"z^{[1]}_{o}",
        r"z^{[2]}",
        r"z^{[3]}",
        r"z^{[4]}",
        r"z^{[5]}",
        r"z^{[6]}",
    ]
    # the loss itself, then the delta at the output: E = ½Σ(y − t)², so δ⁶ = z⁶ − t
    assert [r["lhs"] for r in loss] == ["E", r"\delta^{[6]}"]
    assert loss[1]["rhs"] == "{z^{[6]}} - t"
    # every step of the recursion, the flatten's reshape included
    assert [(r["lhs"], r["rhs"].split("\\left")[0]) for r in backward] == [
        (r"\delta^{[5]}", r"{\delta^{[6]}} \odot \sigma'"),
        (r"\delta^{[4]}", r"{W^{[5]}}^{\mathsf{T}}\, {\delta^{[5]}}"),
        (r"\delta^{[3]}", r"\operatorname{reshape}"),
        (r"\delta^{[2]}", r"\frac{1}{4}\, {\delta^{[3]}} \otimes \mathbf{1}_{2 \times 2}"),
        (r"\delta^{[1]}", r"{\delta^{[2]}} \odot \sigma'"),
        (r"\delta^{[0]}", r"\operatorname{conv2}"),
    ]
    assert [r["lhs"] for r in gradients] == [
        r"\frac{\partial E}{\partial W^{[5]}}",
        r"\frac{\partial E}{\partial b^{[5]}}",
        r"\frac{\partial E}{\partial K^{[1]}}",
        r"\frac{\partial E}{\partial b^{[1]}}",
    ]
    assert frames[-1]["text"].startswith("Every parameter gradient of the delta recursion")


def test_a_handouts_network_part_names_no_file_of_its_own():
    """The sheet beside its files says where the network came from and where the JSON
    lists every element; inside a handout neither exists for the reader."""
    md = render_md(_handout())
    part = md[md.index("## The tiny network") :]
    assert "The input $`x`$ has shape (1, 1, 6, 6); 6 layers, 4 parameter tensors" in part
    assert "tiny_lenet.toml" not in md
    assert "JSON" not in part
    assert "too long to print here." in part


def test_the_exercise_sheet_shows_the_network_its_questions_are_about():
    md = render_md(_handout(), "exercises")
    part = md[md.index("## The tiny network") :]
    headings = re.findall(r"^### (.*)$", part, re.MULTILINE)
    assert headings == ["The network", "Forward pass", "Exercise 5", "Exercise 6", "Exercise 7"]
    # the table says what layer 5 is, and the forward pass how it computes
    assert "| 5 | fully connected (`linear`) | `out_features = 3` |" in part
    assert "z^{[5]} &= W^{[5]}\\, z^{[4]} + b^{[5]} \\\\" in part


def test_the_notebook_rebuilds_the_network_from_its_contents_and_runs():
    text = render_ipynb(_handout())
    notebook = json.loads(text)
    code = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    (build,) = [c for c in code if c.startswith("net = symderiv.network(")]
    assert "'name': 'A tiny LeNet'" in build
    assert build.endswith("d = net.derive()\nprint(d)")
    namespace: dict[str, object] = {}
    shown = io.StringIO()
    with redirect_stdout(shown):
        for source in code:
            exec(compile(source, "<notebook>", "exec"), namespace)  # our own generated code
    printed = shown.getvalue()
    assert "network_A_tiny_LeNet: verified" in printed  # built from a dict, not a file
    assert "dE/dK1: 18 of 18 elements proved (expand)" in printed
    assert "dE/dW5: 24 of 24 elements proved" in printed


def test_the_command_line_builds_a_network_handout(tmp_path):
    handout = tmp_path / "h.toml"
    (tmp_path / "nets").mkdir()
    (tmp_path / "nets" / "tiny.toml").write_text(
        (NETWORKS / "tiny_lenet.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    handout.write_text(
        'title = "T"\nformats = ["md", "tex"]\n[[item]]\nnetwork = "nets/tiny.toml"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["handout", str(handout), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    md = (tmp_path / "out" / "h.md").read_text(encoding="utf-8")
    assert "Network: A tiny LeNet" in md
    assert "The input $`x`$ has shape (1, 1, 6, 6)" in md
    assert "tiny.toml" not in md


def test_a_network_over_the_size_limit_is_refused_with_the_number_before_any_work():
    spec = parse_handout(
        'title = "T"\n[[item]]\nlayer = "conv2d"\n[[item]]\nnetwork = "tiny_lenet.toml"\n',
        NETWORKS / "h.toml",
    )
    with pytest.raises(SizeLimitError) as caught:
        assemble(spec, max_terms=5000)  # the conv2d layer fits; the network is checked first
    message = str(caught.value)
    assert message.startswith(f"{NETWORKS / 'tiny_lenet.toml'}: the derivation would do ")
    assert "more than the limit of 5,000; raise it with --max-terms" in message


@pytest.mark.parametrize("path", [Path("/etc/passwd"), Path("nets/../../x.txt")])
def test_only_toml_files_are_read_as_networks(tmp_path, path):
    handout = tmp_path / "h.toml"
    handout.write_text(f'title = "T"\n[[item]]\nnetwork = "{path}"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["handout", str(handout), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "expected the name of a network file ending in .toml" in result.output
    assert "root:" not in result.output


def test_a_network_items_sections_can_be_chosen_and_its_figure_is_its_own_file():
    h = _handout(
        'title = "T"\n[[item]]\nnetwork = "tiny_lenet.toml"\n'
        'sections = ["figure", "story", "loss"]\n'
    )
    (part,) = h.parts
    assert [s["id"] for s in part.sections] == ["figure", "story", "loss"]
    md = render_md(h)
    assert re.findall(r"^### (.*)$", md, re.MULTILINE)[:3] == [
        "The layers at a glance",
        "The delta recursion in index form",
        "The loss: the delta at the output",
    ]
    from symderiv.handout.assemble import figure_files

    assert (
        re.findall(r"\]\(([^)]*\.svg)\)", md)
        == list(figure_files(part))
        == ["handout.item1.network.svg"]
    )


def test_the_markdown_links_to_exactly_the_figures_the_handout_writes():
    """Each figure link names a file the handout writes (``NAME.itemN.…svg``), not the
    layer sheets' own files, which a lecturer handing out the handout does not have."""
    from symderiv.handout.assemble import figure_files

    h = assemble(
        parse_handout(
            'title = "T"\n[[item]]\nlayer = "conv2d"\n[[item]]\nlayer = "max_pool2d"\nseed = 3\n',
            NETWORKS / "figs.toml",
        )
    )
    links = re.findall(r"\]\(([^)]*\.svg)\)", render_md(h))
    written = [name for p in h.parts for name in figure_files(p)]
    assert links == written
    assert links[0] == "figs.item1.windows.svg"
    assert all(re.fullmatch(r"figs\.item[12]\.[a-z-]+\.svg", name) for name in links)
