"""The catalogue: each verdict is right, and PyTorch autograd agrees with it."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from symderiv.catalogue import CATALOGUE, render, run
from symderiv.core.layer import Claim

RESULTS = list(run())
VERDICTS = [(e, v) for e, vs in RESULTS for v in vs]

EXPECTED = {  # key: (holds in the stated convention, holds in the other one)
    "bias": (True, True),
    "kernel-rot180-outside": (True, False),
    "kernel-correlation": (True, False),
    "input-full-conv": (True, False),
    "delta-recursion": (True, False),
    "weight-gradient-001": (True, False),
    "pytorch-swap": (True, False),
    "transposed-padding": (True, False),
    "missing-zero-insertion": (False, False),
    "kernel-without-flip": (False, False),
    "mean-pooling": (True,),
    "mean-pooling-divided-by-k": (False,),
    "subsampling-bias": (True,),
    "subsampling-beta": (True,),
    "subsampling-sensitivity": (True,),
    "fully-connected-weights": (True,),
    "fully-connected-delta": (True,),
    "output-delta": (True,),
    "fully-connected-transposed": (False,),
}


def test_every_entry_has_the_expected_verdicts():
    assert {e.key: tuple(v.result.holds for v in vs) for e, vs in RESULTS} == EXPECTED


def test_the_notes_kernel_formula_fails_for_the_correlation_expansion_at_k00():
    _, other = next(vs for e, vs in RESULTS if e.key == "kernel-rot180-outside")
    assert other.convention == "correlation"
    assert other.result.first_failure.index == (0, 0, 0, 0)
    assert "the other convention" in other.result.diagnosis


def _torch_gradient(layer, letter: str, arrays: dict[str, np.ndarray]) -> np.ndarray:
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in arrays.items()}
    if layer.kind == "subsample2d":
        A, beta, b, D = t["A"], t["beta"], t["b"], t["D"].detach()
        (n, c, h, w), (sh, sw) = A.shape, layer.scale
        blocks = A.reshape(n, c, h // sh, sh, w // sw, sw).sum((3, 5))
        Z = beta[:, None, None] * blocks + b[:, None, None]
        (Z * D).sum().backward()
        return t[letter].grad.numpy()
    if layer.kind == "linear":
        Z = F.linear(t["A"], t["W"], t["b"])
        (Z * t["D"].detach()).sum().backward()
        return t[letter].grad.numpy()
    if layer.kind == "avg_pool2d":
        Z = F.avg_pool2d(t["A"], layer.kernel, layer.stride, layer.padding)
        (Z * t["D"].detach()).sum().backward()
        return t[letter].grad.numpy()
    if layer.kind == "squared_error":
        (0.5 * ((t["y"] - t["t"]) ** 2).sum()).backward()
        return t[letter].grad.numpy()
    A = torch.tensor(arrays["A"], dtype=torch.float64, requires_grad=True)
    K = torch.tensor(arrays["K"], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(arrays["b"], dtype=torch.float64, requires_grad=True)
    D = torch.tensor(arrays["D"], dtype=torch.float64)
    weight = K.flip(tuple(range(2, K.dim()))) if layer.convention == "convolution" else K
    conv = {1: F.conv1d, 2: F.conv2d}[layer.ndim]
    Z = conv(A, weight, b, stride=layer.stride, padding=layer.padding, dilation=layer.dilation)
    (Z * D).sum().backward()
    return {"A": A, "K": K, "b": b}[letter].grad.numpy()


@pytest.mark.parametrize(("entry", "verdict"), VERDICTS, ids=[f"{e.key}-{v.convention}" for e, v in VERDICTS])
def test_torch_autograd_agrees_with_each_verdict(entry, verdict):
    layer, result = verdict.layer, verdict.result
    arrays = layer.random_values(3)
    expected = _torch_gradient(layer, entry.of, arrays)
    d = layer.derive()
    tensors = {t.letter: t for t in d.tensors}
    try:
        values = layer.evaluate(Claim(entry.of, result.formula, "user"), tensors)
    except ValueError:  # a formula of another shape than the gradient: no element agrees
        assert not result.holds
        assert result.reason
        return
    point = {
        s: float(arrays[t.letter].ravel()[i]) for t in d.tensors for i, s in enumerate(t.elements)
    }
    got = {index: float(sympy.sympify(v).xreplace(point)) for index, v in values.items()}
    diffs = {index: abs(got[index] - expected[index]) for index in got}
    if result.holds:
        assert max(diffs.values()) <= 1e-12
    else:
        assert diffs[result.first_failure.index] > 1e-6


@pytest.mark.parametrize("fmt", ["text", "md", "tex", "json"])
def test_every_format_names_every_entry(fmt):
    text = render(fmt, RESULTS)
    for entry in CATALOGUE:
        assert entry.key in text


def test_the_catalogue_compiles_cleanly():
    import shutil

    if not shutil.which("pdflatex"):
        pytest.skip("pdflatex is not installed")
    from symderiv.latex import compile_pdf

    build = compile_pdf(render("tex", RESULTS))
    assert build.pdf.startswith(b"%PDF-")


def test_the_markdown_lists_each_verdict_on_its_own_line_and_names_beta_in_tex():
    shown = [(e, vs) for e, vs in RESULTS if e.key in ("bias", "subsampling-beta")]
    md = render("md", shown)
    assert (
        "- `conv2d_4x4_k2x2_correlation`: **holds**, at its one element.\n"
        "- `conv2d_4x4_k2x2_convolution`: **holds**, at its one element.\n"
    ) in md
    assert "for $`\\partial E/\\partial \\beta`$" in md
    assert "\\partial beta" not in md + render("tex", shown)
    refuted = render("md", [(e, vs) for e, vs in RESULTS if e.key == "kernel-rot180-outside"])
    assert ", not for this correlation layer.\n\n  ```math\n" in refuted
