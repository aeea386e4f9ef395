"""Worked numbers: integers carried through the derived elements, exactly, checked by hand,
against the plain-loop numpy reference and against PyTorch autograd; the values file
format, its errors, and the sheets that show them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import sympy
from click.testing import CliRunner

import symderiv
from symderiv.cli import cli
from symderiv.exceptions import SpecError
from symderiv.worked import worked_numbers, worked_values

from .conftest import needs_latex

TINY = {"A": [1, 2, 3], "K": [1, -1], "b": 2, "D": [1, 1]}

TINY_SECTION = r"""\symderivneed{7\baselineskip}
\section{Worked numbers}
\begin{sloppypar}
The same derivation with numbers, to check by hand: the integers of \texttt{tiny.json} (\texttt{-{}-values}),
substituted into the derived elements above, term by term, in exact arithmetic.
\end{sloppypar}
\[ A = \begin{bmatrix} 1 & 2 & 3 \end{bmatrix},\quad K = \begin{bmatrix} 1 & -1 \end{bmatrix},\quad b = 2,\quad D = \begin{bmatrix} 1 & 1 \end{bmatrix} \]
The forward pass at these values, and its first element term by term:
\[ Z = \begin{bmatrix} 1 & 1 \end{bmatrix} \]
\begin{align*}
Z_{0} &= 1 \cdot 1 + 2 \cdot (-1) + 2 = 1
\end{align*}

$\partial E/\partial K$, term by term:
\begin{align*}
\frac{\partial E}{\partial K_{0}} &= 1 \cdot 1 + 2 \cdot 1 = 3 \\
\frac{\partial E}{\partial K_{1}} &= 2 \cdot 1 + 3 \cdot 1 = 5
\end{align*}
\[ \frac{\partial E}{\partial K} = \begin{bmatrix} 3 & 5 \end{bmatrix} \]

$\partial E/\partial b$, term by term:
\begin{align*}
\frac{\partial E}{\partial b} &= 1 + 1 = 2
\end{align*}

$\partial E/\partial A$, term by term:
\begin{align*}
\frac{\partial E}{\partial A_{0}} &= 1 \cdot 1 = 1 \\
\frac{\partial E}{\partial A_{1}} &= (-1) \cdot 1 + 1 \cdot 1 = 0 \\
\frac{\partial E}{\partial A_{2}} &= (-1) \cdot 1 = -1
\end{align*}
\[ \frac{\partial E}{\partial A} = \begin{bmatrix} 1 & 0 & -1 \end{bmatrix} \]

The plain-loop numpy reference gives the same numbers for the forward pass and every gradient.

\symderivneed{7\baselineskip}
"""


def test_a_tiny_layer_worked_by_hand():
    """Z_u = A_u K_0 + A_{u+1} K_1 + b with A = (1, 2, 3), K = (1, −1), b = 2, D = (1, 1):
    Z = (1, 1); dK_0 = A_0 D_0 + A_1 D_1 = 3; dK_1 = A_1 D_0 + A_2 D_1 = 5; db = 2;
    dA = (K_0 D_0, K_1 D_0 + K_0 D_1, K_1 D_1) = (1, 0, −1)."""
    d = symderiv.conv1d(input=3, kernel=2).derive()
    w = worked_numbers(d, worked_values(d.layer, values=TINY, source="tiny.json"))
    assert [e.value for e in w.forward] == [1, 1]
    assert {(g.tensor, g.index): g.value for g in w.gradients} == {
        ("K", (0, 0, 0)): 3,
        ("K", (0, 0, 1)): 5,
        ("b", (0,)): 2,
        ("A", (0, 0, 0)): 1,
        ("A", (0, 0, 1)): 0,
        ("A", (0, 0, 2)): -1,
    }
    assert w.reference_agrees
    tex = d.to_latex(worked=worked_values(d.layer, values=TINY, source="tiny.json"))
    start = tex.index(r"\symderivneed{7\baselineskip}" + "\n" + r"\section{Worked numbers}")
    section = tex[start : tex.index(r"\section{Closed forms")]
    assert section == TINY_SECTION


def test_the_seed_draws_integers_from_minus_3_to_3_in_sheet_order():
    layer = symderiv.conv2d()
    w = worked_values(layer, seed=3)
    assert [x for x, _ in w.values] == ["A", "K", "b", "D"]
    rng = np.random.default_rng(3)
    for _letter, a in w.values:
        assert a.tolist() == rng.integers(-3, 4, a.size).reshape(a.shape).tolist()
    assert w.array("A")[0, 0].tolist() == [
        [2, -3, -2, -2],
        [-2, 2, 3, 1],
        [-3, -3, -1, 0],
        [1, 0, -2, -2],
    ]
    assert worked_values(layer, seed=3).substitutions() == w.substitutions()
    assert (w.source, w.option) == ("seed 3", "--seed 3")


LAYERS = [
    symderiv.conv2d(),
    symderiv.conv2d(convention="convolution"),
    symderiv.conv2d(
        input=(5, 5), kernel=(3, 3), stride=2, padding=1, in_channels=2, out_channels=2, batch=2
    ),
    symderiv.conv2d(input=(5, 5), kernel=(2, 2), dilation=2),
    symderiv.conv2d(input=(3, 3), kernel=(2, 2), in_channels=4, out_channels=2, groups=2),
    symderiv.conv1d(input=8, kernel=3, stride=3),
    symderiv.conv_transpose2d(input=(3, 3), kernel=(3, 3), stride=2, padding=1, output_padding=1),
    symderiv.avg_pool2d(input=(5, 5), kernel=3, stride=2),
    symderiv.max_pool2d(seed=3, ties="first"),
    symderiv.max_pool2d(seed=3, ties="split"),
    symderiv.linear(),
    symderiv.subsample2d(),
    symderiv.squared_error(),
]


@pytest.fixture(scope="module", params=LAYERS, ids=[layer.label() for layer in LAYERS])
def worked(request):
    d = request.param.derive()
    return d, worked_numbers(d, worked_values(d.layer, seed=5))


def test_the_numbers_are_the_elements_evaluated_exactly(worked):
    d, w = worked
    subs = {**d.layer.substitutions(), **w.values.substitutions()}
    for element, numbers in zip(
        (*d.forward, *d.gradients), (*w.forward, *w.gradients), strict=True
    ):
        assert numbers.value == element.expr.xreplace(subs)
        assert isinstance(numbers.value, sympy.Rational)
        if element.polynomial:
            assert len(numbers.products) == len(element.terms)
            assert sum(p.value for p in numbers.products) == numbers.value
    assert w.reference_agrees


def test_the_numbers_match_the_independent_numpy_reference_exactly(worked):
    d, w = worked
    arrays = {letter: np.asarray(a, dtype=float) for letter, a in w.values.values}
    if "s" in d.layer.tensors():
        arrays["s"] = np.zeros(d.layer.tensors()["s"][1])  # the reference finds the maxima
    reference = d.layer.reference(arrays)
    for e in (*w.forward, *w.gradients):
        # small integers (and quarters, halves, thirds of them): float64 is exact or within
        # one rounding
        assert float(np.asarray(reference[e.tensor])[e.index]) == pytest.approx(
            float(e.value), abs=1e-12
        )


def _torch_case(layer, w):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    t = {
        x: torch.tensor(np.asarray(a, dtype=float), requires_grad=True) for x, a in w.values.values
    }
    kind = layer.kind
    if kind.startswith("conv"):
        kernel = (
            t["K"].flip(*range(2, t["K"].dim())) if layer.convention == "convolution" else t["K"]
        )
        opts = {
            "stride": layer.stride,
            "padding": layer.padding,
            "dilation": layer.dilation,
            "groups": layer.groups,
        }
        if layer.transposed:
            z = F.conv_transpose2d(
                t["A"], kernel, t["b"], output_padding=layer.output_padding, **opts
            )
        else:
            conv = {1: F.conv1d, 2: F.conv2d}[layer.ndim]
            z = conv(t["A"], kernel, t["b"], **opts)
    elif kind.startswith("avg_pool"):
        z = F.avg_pool2d(t["A"], layer.kernel, layer.stride, layer.padding)
    elif kind.startswith("max_pool"):
        z = F.max_pool2d(t["A"], layer.kernel, layer.stride, layer.padding)
    else:
        pytest.skip("no PyTorch twin here")
    (z * t["D"]).sum().backward()  # E with dE/dZ = D
    return z, t


def test_the_numbers_match_pytorch_autograd(worked):
    d, w = worked
    if d.layer.kind.startswith("max_pool") and d.layer.ties == "split":
        pytest.skip("PyTorch keeps the first maximum")
    z, t = _torch_case(d.layer, w)
    for e in w.forward:
        assert z[e.index].item() == pytest.approx(float(e.value), abs=1e-12)
    for g in w.gradients:
        assert t[g.tensor].grad[g.index].item() == pytest.approx(float(g.value), abs=1e-12)


# --------------------------------------------------------------------------- values


def test_values_may_leave_out_leading_ones_and_letters():
    layer = symderiv.conv2d(input=(3, 3), kernel=(2, 2))
    full = worked_values(layer, values={"A": [[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]], "b": [4]})
    short = worked_values(layer, values={"A": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "b": 4})
    assert full.substitutions() == short.substitutions()
    assert short.drawn == ("K", "D")
    drawn = worked_values(layer, seed=0)
    assert short.array("K").tolist() == drawn.array("K").tolist()  # as --seed 0 draws it
    assert short.array("D").tolist() == drawn.array("D").tolist()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"A": [[1, 2], [3, 4]]}, "values: A has shape 2×2; expected 1×1×4×4 or 1×4×4 or 4×4"),
        ({"K": [[1, 2.5], [3, 4]]}, "values: K[0,0,0,1] is 2.5; expected an integer"),
        ({"K": [[1, True], [3, 4]]}, "values: K[0,0,0,1] is True; expected an integer"),
        ({"K": [[1, "2"], [3, 4]]}, "values: K[0,0,0,1] is '2'; expected an integer"),
        ({"K": [[1, 10**6], [3, 4]]}, "values: K[0,0,0,1] is 1000000; expected at most 6 digits"),
        ({"K": [[1, 2], [3]]}, "values: K is not a regular nested list"),
        ({"Q": 1}, "values: unexpected key 'Q'; expected the layer's tensors A, K, b, D"),
    ],
)
def test_bad_values_are_refused_in_one_line(values, message):
    with pytest.raises(SpecError) as info:
        worked_values(symderiv.conv2d(), values=values)
    assert str(info.value) == message


def test_layers_without_polynomial_gradients_have_no_worked_numbers():
    with pytest.raises(SpecError) as info:
        worked_values(symderiv.sigmoid(), seed=1)
    assert str(info.value) == (
        "--seed '1': sigmoid has no worked numbers (its gradients are not polynomials in the "
        "values); they are given for convolutions, pooling, linear, subsample2d and "
        "squared_error"
    )


def test_a_wrong_reference_is_reported_not_hidden(monkeypatch):
    layer = symderiv.conv1d(input=3, kernel=2)
    d = layer.derive()
    values = worked_values(layer, values=TINY)
    real = type(layer).reference

    def wrong(self, arrays):
        out = real(self, arrays)
        out["K"] = out["K"] + 1.0
        return out

    monkeypatch.setattr(type(layer), "reference", wrong)
    assert not worked_numbers(d, values).reference_agrees
    assert "DIFFERENT numbers: NOT VERIFIED" in d.to_markdown(worked=values)


# --------------------------------------------------------------------------- command line


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return invoke


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_seed_on_the_command_line_adds_the_section_and_regenerates(run):
    result = run("derive", "--seed", "3", "--format", "md", "--output", "-")
    assert result.exit_code == 0, result.output
    md = result.stdout
    assert md.splitlines()[0].endswith("--convention correlation --seed 3 -->")
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert headings.index("## Worked numbers") == headings.index("## Closed forms, proved") - 1
    assert "drawn with numpy's `default_rng(3)` (`--seed 3`)" in md
    assert r"\frac{\partial E}{\partial K_{01}} &= (-3) \cdot (-1) + (-2) \cdot 3" in md
    assert "## Worked numbers" not in run("derive", "--format", "md", "--output", "-").stdout


def test_a_values_file_on_the_command_line(run, tmp_path):
    (tmp_path / "tiny.json").write_text(json.dumps(TINY))
    result = run(
        "derive",
        "conv1d",
        "--input",
        "3",
        "--kernel",
        "2",
        "--values",
        "tiny.json",
        "--format",
        "tex",
        "--output",
        "-",
    )
    assert result.exit_code == 0, result.output
    assert TINY_SECTION in result.stdout
    assert "--values tiny.json\n" in result.stdout.split("\n\\pdfobjcompresslevel")[0] + "\n"


def test_max_pool_keeps_its_seed_and_files_may_add_d(run, tmp_path):
    plain = run("derive", "max_pool2d", "--seed", "3", "--format", "json", "--output", "-")
    assert json.loads(plain.stdout)["values"]["A"][0][0][0] == [3, 0, 0, 0]  # A: 0..3, seed 3
    md = run("derive", "max_pool2d", "--seed", "3", "--format", "md", "--output", "-").stdout
    assert md.count("--seed 3") >= 2  # its own command, unchanged, and the section
    assert "The values of $`A`$ are the layer's own: they set the switches." in md
    values = {"A": [[1, 2, 0, 1], [0, 1, 2, 3], [1, 1, 1, 1], [0, 0, 2, 2]], "D": [[1, -2], [3, 0]]}
    (tmp_path / "ad.json").write_text(json.dumps(values))
    md = run(
        "derive",
        "max_pool2d",
        "--values",
        "ad.json",
        "--ties",
        "split",
        "--format",
        "md",
        "--output",
        "-",
    ).stdout
    assert r"\frac{\partial E}{\partial A_{20}} &= \frac{1}{2} \cdot 3 = \frac{3}{2}" in md
    assert r"D = \begin{bmatrix} 1 & -2 \\ 3 & 0 \end{bmatrix}" in md
    (tmp_path / "a.json").write_text(json.dumps({"A": values["A"]}))
    md = run("derive", "max_pool2d", "--values", "a.json", "--format", "md", "--output", "-").stdout
    assert (
        "the integers of `a.json` (`--values`), and for $`D`$ integers from $`-3`$ to $`3`$ as "
        "`--seed 0` draws them" in md
    )


FILES = {
    "shape.json": '{"A": [[1, 2], [3, 4]]}',
    "float.json": '{"K": [[1, 2.5], [3, 4]]}',
    "key.json": '{"Q": 1}',
    "list.json": "[1]",
    "bad.json": "{A: 1}",
}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--values", "shape.json"],
            "--values 'shape.json': A has shape 2×2; expected 1×1×4×4 or 1×4×4 or 4×4",
        ),
        (
            ["--values", "float.json"],
            "--values 'float.json': K[0,0,0,1] is 2.5; expected an integer",
        ),
        (
            ["--values", "key.json"],
            "--values 'key.json': unexpected key 'Q'; expected the layer's tensors A, K, b, D",
        ),
        (
            ["--values", "list.json"],
            "--values 'list.json': expected an object such as {\"A\": nested list}, found list",
        ),
        (
            ["--values", "bad.json"],
            "--values 'bad.json': not JSON (Expecting property name enclosed in double quotes at line 1 column 2)",
        ),
        (
            ["--values", "missing.json"],
            "--values 'missing.json': cannot read it (No such file or directory)",
        ),
        (["--seed", "x"], "--seed 'x': expected a non-negative integer, such as 0"),
        (
            ["--seed", "1", "--values", "key.json"],
            "--seed '1' and --values 'key.json': give one or the other",
        ),
        (
            ["sigmoid", "--seed", "1"],
            "--seed '1': sigmoid has no such option; it takes --input, --in-channels, --batch",
        ),
    ],
)
def test_bad_worked_input_is_one_line_exit_2_nothing_written(run, tmp_path, args, message):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    before = _files(tmp_path)
    layer = [] if args[0] == "sigmoid" else ["conv2d"]
    result = run("derive", *layer, *args, "--output", "out")
    assert result.exit_code == 2
    assert result.stderr == f"symderiv: error: {message}\n"
    assert _files(tmp_path) == before


def test_check_refuses_worked_numbers(run):
    result = run("check", "conv2d", "D * K", "--for", "A", "--seed", "2")
    assert result.exit_code == 2
    assert result.stderr == (
        "symderiv: error: --seed '2': worked numbers are for symderiv derive; check proves a "
        "formula for every value\n"
    )


def test_worked_sheets_are_deterministic():
    d = symderiv.conv2d().derive()
    values = worked_values(d.layer, seed=7)
    assert d.to_latex(worked=values) == symderiv.conv2d().derive().to_latex(
        worked=worked_values(symderiv.conv2d(), seed=7)
    )


@pytest.mark.latex
@needs_latex
@pytest.mark.parametrize(
    "layer",
    [
        symderiv.conv2d(),
        symderiv.conv2d(
            input=(6, 6), kernel=(3, 3), stride=2, padding=1, in_channels=2, out_channels=2
        ),
        symderiv.max_pool2d(seed=3, ties="split"),
        symderiv.avg_pool2d(input=(5, 5), kernel=3, stride=2),
        symderiv.conv3d(),
    ],
    ids=lambda layer: layer.label(),
)
def test_worked_sheets_compile_without_errors_or_overfull_boxes(layer):
    from symderiv.latex import compile_pdf, log_problems

    d = layer.derive()
    build = compile_pdf(d.to_latex(worked=worked_values(layer, seed=3)))
    assert log_problems(build.log) == []


@pytest.mark.latex
@pytest.mark.skipif(
    __import__("shutil").which("xelatex") is None, reason="xelatex is not installed"
)
def test_worked_numbers_in_chinese(tmp_path):
    import subprocess

    from symderiv.latex import compile_pdf

    d = symderiv.conv2d().derive()
    values = worked_values(d.layer, seed=3)
    zh = d.to_latex(lang="zh", worked=values)
    en = d.to_latex(worked=values)
    assert r"\section{数值算例}" in zh
    assert "用 numpy 的 \\texttt{default\\_rng(3)} 抽取的 $-3$ 到 $3$ 之间的整数" in zh
    # the mathematics is the same in both languages
    section = slice(en.index("Worked numbers"), en.index(r"\section{Closed forms"))
    math = [line for line in en[section].splitlines() if line.startswith(("\\[", "\\frac"))]
    assert len(math) > 20
    assert math == [
        line
        for line in zh[zh.index("数值算例") : zh.index(r"\section{闭式公式及其证明}")].splitlines()
        if line.startswith(("\\[", "\\frac"))
    ]
    pdf = tmp_path / "zh.pdf"
    pdf.write_bytes(compile_pdf(zh, engine="xelatex").pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "数值算例" in text
