"""The catalogue: each verdict is right, and PyTorch autograd agrees with it."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from symderiv.catalogue import CATALOGUE, render, run
from symderiv.core.layer import Claim
from symderiv.core.symbols import make_tensor

RESULTS = list(run())
VERDICTS = [(e, v) for e, vs in RESULTS for v in vs]

EXPECTED = {  # key: (holds in the stated convention, holds in the other one)
    "bias": (True, True),
    "kernel-rot180-outside": (True, False),
    "kernel-correlation": (True, False),
    "subsampling-layer-sensitivity": (True, False),
    "delta-recursion": (True, False),
    "delta-recursion-as-xcorr": (True, False),
    "weight-gradient-001": (True, False),
    "weight-gradient-001-as-xcorr": (False, False),
    "pytorch-swap": (True, False),
    "transposed-padding": (True, False),
    "missing-zero-insertion": (False, False),
    "flip-across-channels": (False, False),
    "missing-channel-transpose": (False, False),
    "kernel-without-flip": (False, False),
    "mean-pooling": (True,),
    "mean-pooling-divided-by-k": (False,),
    "max-pooling": (True,),
    "max-pooling-without-switches": (False,),
    "subsampling-bias": (True,),
    "subsampling-beta": (True,),
    "convolution-layer-sensitivity": (True,),
    "map-combination": (True,),
    "map-combination-without-softmax": (False,),
    "fully-connected-weights": (True,),
    "fully-connected-delta": (True,),
    "output-delta": (True,),
    "softmax-cross-entropy": (True,),
    "softmax-as-squared-error": (False,),
    "fully-connected-transposed": (False,),
}

DIAGNOSES = {  # key: the diagnosis of each verdict that does not hold, in order
    "kernel-rot180-outside": ["the other convention: it holds for a true-convolution forward "
                              "pass (MATLAB conv2, Bouvrie), not for this correlation layer"],
    "delta-recursion": ["the other convention: it holds for a true-convolution forward pass "
                        "(MATLAB conv2, Bouvrie), not for this correlation layer"],
    "delta-recursion-as-xcorr": ["the other convention: it holds for a cross-correlation "
                                 "forward pass (PyTorch), not for this convolution layer"],
    "weight-gradient-001-as-xcorr": ["a rot180 too many (drop the rot180 of z)",
                                     "a rot180 too many (drop the rot180 of D)"],
    "flip-across-channels": ["a flip across channels (K_{M-1-m,C-1-c} where K_{m,c} is "
                             "needed: flip only the spatial axes)", None],
    "missing-channel-transpose": ["a missing channel transpose (K_{c,m} where K_{m,c} is "
                                  "needed)", None],
    "max-pooling-without-switches": ["a missing switch mask (the delta goes to each window's "
                                     "maximum only)"],
    "softmax-as-squared-error": ["a missing softmax (y where softmax(y) is needed)"],
    "mean-pooling-divided-by-k": ["divided by 2 where the window has 4 cells (1/k, not 1/k²)"],
    "fully-connected-transposed": ["transposed (rows and columns swapped)"],
    "map-combination-without-softmax": [None],
}


def test_every_entry_has_the_expected_verdicts():
    assert {e.key: tuple(v.result.holds for v in vs) for e, vs in RESULTS} == EXPECTED


def test_every_entry_is_checked_and_the_refuted_ones_get_their_diagnoses():
    assert {e.key for e in CATALOGUE} == set(EXPECTED)
    for entry, verdicts in RESULTS:
        if entry.key in DIAGNOSES:
            refuted = [v.result.diagnosis for v in verdicts if not v.result.holds]
            assert refuted == DIAGNOSES[entry.key], entry.key


def test_the_notes_001_entries_are_stated_in_full_with_the_activation():
    entries = {e.key: e for e in CATALOGUE}
    assert entries["delta-recursion"].formula == "δ^{l+1} * rot180(w) ∘ σ′(z^l)"
    assert entries["delta-recursion"].of == "z"
    assert entries["weight-gradient-001"].formula == "conv2(σ(rot180(z^{l-1})), δ^l, 'valid')"
    verdicts = dict(RESULTS)
    for key in ("delta-recursion", "weight-gradient-001"):
        own = verdicts[entries[key]][0]
        assert own.convention == "convolution"
        assert own.result.given == "A = sigma(z)"


def test_the_notes_kernel_formula_fails_for_the_correlation_expansion_at_k00():
    _, other = next(vs for e, vs in RESULTS if e.key == "kernel-rot180-outside")
    assert other.convention == "correlation"
    assert other.result.first_failure.index == (0, 0, 0, 0)
    assert "the other convention" in other.result.diagnosis


def _torch_gradient(layer, letter: str, arrays: dict[str, np.ndarray]) -> np.ndarray:
    """dE/d``letter`` by PyTorch autograd, for the layer's forward pass written with torch's
    own functions (an activated input: A = f(z), f = sin standing in for an unspecified f)."""
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in arrays.items()}
    fn = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "f": torch.sin}
    activation = getattr(layer, "input_activation", None)
    source = "y" if layer.kind in ("squared_error", "softmax_cross_entropy") else "A"
    x = fn[activation](t["z"]) if activation else t[source]
    if layer.kind == "squared_error":
        out = 0.5 * ((x - t["t"]) ** 2).sum()
    elif layer.kind == "softmax_cross_entropy":
        out = -(t["t"] * F.log_softmax(x, dim=1)).sum()
    elif layer.kind == "subsample2d":
        (n, c, h, w), (sh, sw) = x.shape, layer.scale
        blocks = x.reshape(n, c, h // sh, sh, w // sw, sw).sum((3, 5))
        out = t["beta"][:, None, None] * blocks + t["b"][:, None, None]
    elif layer.kind == "linear":
        out = F.linear(x, t["W"], t["b"])
    elif layer.kind == "avg_pool2d":
        out = F.avg_pool2d(x, layer.kernel, layer.stride, layer.padding)
    elif layer.kind == "max_pool2d":  # PyTorch routes a tied maximum's delta to the first
        out = F.max_pool2d(x, layer.kernel, layer.stride, layer.padding)
    elif layer.kind == "map_combination":
        out = torch.einsum("ji,nihw->njhw", torch.softmax(t["c"], dim=1), x)
    else:
        K = t["K"]
        weight = K.flip(tuple(range(2, K.dim()))) if layer.convention == "convolution" else K
        conv = {1: F.conv1d, 2: F.conv2d}[layer.ndim]
        out = conv(x, weight, t["b"], stride=layer.stride, padding=layer.padding,
                   dilation=layer.dilation)
    (out if layer.delta is None else (out * t["D"].detach()).sum()).backward()
    return t[letter].grad.numpy()


def test_every_kind_in_the_catalogue_has_its_torch_forward_pass():
    kinds = {v.layer.kind for _, v in VERDICTS}
    assert kinds == {"conv1d", "conv2d", "avg_pool2d", "max_pool2d", "subsample2d",
                     "map_combination", "linear", "squared_error", "softmax_cross_entropy"}


@pytest.mark.parametrize(("entry", "verdict"), VERDICTS, ids=[f"{e.key}-{v.convention}" for e, v in VERDICTS])
def test_torch_autograd_agrees_with_each_verdict(entry, verdict):
    layer, result = verdict.layer, verdict.result
    arrays = layer.random_values(3)
    expected = _torch_gradient(layer, entry.of, arrays)
    tensors = {x: make_tensor(x, role, shape) for x, (role, shape) in layer.tensors().items()}
    try:
        values = layer.evaluate(Claim(entry.of, result.formula, "user"), tensors)
    except ValueError:  # a formula of another shape than the gradient: no element agrees
        assert not result.holds
        assert result.reason
        return
    point = {
        s: float(arrays[t.letter].ravel()[i])
        for t in tensors.values()
        if t.letter in arrays
        for i, s in enumerate(t.elements)
    }
    x = sympy.Symbol("x")
    sin = {sympy.Function("f"): sympy.Lambda(x, sympy.sin(x))}  # torch's f, as the layer's
    got = {
        index: float(sympy.sympify(v).subs(sin).doit().xreplace(point))
        for index, v in values.items()
    }
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
