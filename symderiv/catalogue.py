"""The catalogue: published backpropagation identities, each checked by symderiv.

Every entry states a formula as its source does (the lecture notes by file
name, Bouvrie 2006, Dumoulin & Visin 2016, the PyTorch documentation), says
how symderiv reads it in its formula language, and is checked on a
representative layer in the convention it is stated for *and* in the other
one; where it fails, the first failing element is the counterexample.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from .checker import CheckResult, check
from .core.layer import Layer
from .core.model import Derivation
from .layers.combination import map_combination
from .layers.conv import conv1d, conv2d
from .layers.dense import linear
from .layers.loss import softmax_cross_entropy, squared_error
from .layers.pool import avg_pool2d, max_pool2d
from .layers.subsample import subsample2d

__all__ = ["CATALOGUE", "Entry", "Verdict", "run"]

NOTES_000 = "lecture notes 000 (convolution layer)"
NOTES_001 = "lecture notes 001 (CNN and ResNet backpropagation)"
NOTES_002 = "lecture notes 002 (pooling and fully-connected layers)"
BOUVRIE = "Bouvrie, Notes on Convolutional Neural Networks (2006)"
DUMOULIN = "Dumoulin & Visin, A guide to convolution arithmetic for deep learning (2016)"
PYTORCH = "PyTorch documentation, torch.nn.grad.conv2d_weight / conv2d_input"
STANDARD = (
    "the standard result (Bishop, Pattern Recognition and Machine Learning, 2006, section 4.3.4)"
)
WILD = "a common mistake seen in the wild"


@dataclass(frozen=True)
class Entry:
    """One published identity: as stated, as symderiv reads it, and where it is checked."""

    key: str
    source: str
    stated: str  # as the source writes it (plain text)
    formula: str  # in symderiv's formula language
    of: str
    layer: Callable[[], Layer]
    convention: str | None  # the convention the source states it for; None: no convention
    reading: str = ""  # how the source's notation was read, when it needed reading
    stated_tex: str = ""  # the statement as LaTeX math, for the sheets (else the text is shown)


@dataclass(frozen=True)
class Verdict:
    """An entry checked on one layer."""

    layer: Layer
    result: CheckResult

    @property
    def convention(self) -> str | None:
        return getattr(self.layer, "convention", None)


def _flip(layer: Layer) -> Layer:
    convention = layer.convention  # type: ignore[attr-defined]
    other = "convolution" if convention == "correlation" else "correlation"
    return replace(layer, convention=other)  # type: ignore[type-var]


CATALOGUE: tuple[Entry, ...] = (
    Entry(
        key="bias",
        source=NOTES_000,
        stated="∂E/∂b_j = Σ_{u,v} (δ_j)_{uv}",
        stated_tex=r"\frac{\partial E}{\partial b_j} = \sum_{u,v} (\delta_j)_{uv}",
        formula="sum(delta)",
        of="b",
        layer=lambda: conv2d(),
        convention="correlation",
    ),
    Entry(
        key="kernel-rot180-outside",
        source=NOTES_000,
        stated="∂E/∂k = rot180(conv2(x, rot180(δ), 'valid'))",
        stated_tex=(
            r"\frac{\partial E}{\partial k} = "
            r"\operatorname{rot180}(\operatorname{conv2}(x, "
            r"\operatorname{rot180}(\delta), \text{valid}))"
        ),
        formula="rot180(conv2(x, rot180(δ), 'valid'))",
        of="K",
        layer=lambda: conv2d(convention="convolution"),
        convention="convolution",
        reading="the notes print it beside the correlation expansion B00 = A00K00 + A01K01 + …, "
        "for which it fails",
    ),
    Entry(
        key="kernel-correlation",
        source=PYTORCH,
        stated="∂E/∂K = X ⋆ δ, the valid cross-correlation of the input with the delta",
        formula="xcorr(x, delta, 'valid')",
        of="K",
        layer=lambda: conv2d(),
        convention="correlation",
    ),
    Entry(
        key="subsampling-layer-sensitivity",
        source=BOUVRIE,
        stated="δ_j^l = f′(u_j^l) ∘ conv2(δ_j^{l+1}, rot180(k_j^{l+1}), 'full')",
        stated_tex=(
            r"\delta_j^{l} = f'(u_j^{l}) \circ "
            r"\operatorname{conv2}(\delta_j^{l+1}, \operatorname{rot180}(k_j^{l+1}), \text{full})"
        ),
        formula="f'(u) .* conv2(delta, rot180(k), 'full')",
        of="z",
        layer=lambda: conv2d(convention="convolution", input_activation="f"),
        convention="convolution",
        reading="the sensitivity of a subsampling layer whose output x = f(u) feeds the "
        "convolution layer checked here (its input is activated, z = u); f is left "
        "unspecified, so it holds for every differentiable f. Bouvrie's forward pass is "
        "MATLAB's conv2, a true convolution",
    ),
    Entry(
        key="delta-recursion",
        source=NOTES_001,
        stated="δ^l = δ^{l+1} * ROT180(w^{l+1}) ∘ σ′(z^l)",
        stated_tex=(
            r"\delta^{l} = "
            r"\delta^{l+1} * \operatorname{ROT180}(w^{l+1}) \circ \sigma'(z^{l})"
        ),
        formula="δ^{l+1} * rot180(w) ∘ σ′(z^l)",
        of="z",
        layer=lambda: conv2d(convention="convolution", input_activation="sigmoid"),
        convention="convolution",
        reading="δ^l is ∂C/∂z^l, and the layer's input is a^l = σ(z^l), so it is checked for "
        "dE/dz; * is read as MATLAB's conv2, in the one mode that gives δ^l its size ('full'). "
        "The notes' forward pass (z at x, y sums w at a, b times σ(z) at x − a, y − b) is a "
        "true convolution, and there it holds; for a cross-correlation forward pass (PyTorch) "
        "it fails (the next entry reads * the other way)",
    ),
    Entry(
        key="delta-recursion-as-xcorr",
        source=NOTES_001,
        stated="δ^l = δ^{l+1} * ROT180(w^{l+1}) ∘ σ′(z^l), * read as cross-correlation",
        stated_tex=(
            r"\delta^{l} = "
            r"\delta^{l+1} \star \operatorname{ROT180}(w^{l+1}) \circ \sigma'(z^{l})"
        ),
        formula="xcorr(δ^{l+1}, rot180(w), 'full') ∘ σ′(z^l)",
        of="z",
        layer=lambda: conv2d(input_activation="sigmoid"),
        convention="correlation",
        reading="the deep-learning reading of *, a (full) cross-correlation: then it holds for "
        "a cross-correlation forward pass (PyTorch) and fails for the notes' own. Either "
        "way it holds exactly when * is the same operation as the forward pass",
    ),
    Entry(
        key="weight-gradient-001",
        source=NOTES_001,
        stated="∂C/∂w^l = δ^l * σ(ROT180(z^{l-1}))",
        stated_tex=(
            r"\frac{\partial C}{\partial w^{l}} = "
            r"\delta^{l} * \sigma(\operatorname{ROT180}(z^{l-1}))"
        ),
        formula="conv2(σ(rot180(z^{l-1})), δ^l, 'valid')",
        of="K",
        layer=lambda: conv2d(convention="convolution", input_activation="sigmoid"),
        convention="convolution",
        reading="σ(ROT180(z)) is the layer's input a = σ(z) rotated. As written, δ first, no "
        "mode of conv2 gives the 2×2 kernel (a 3×3 δ and a 4×4 map: 'valid' is empty, 'full' "
        "is 6×6); with the operands commuted it holds for the notes' true-convolution forward "
        "pass and fails for PyTorch's",
    ),
    Entry(
        key="weight-gradient-001-as-xcorr",
        source=NOTES_001,
        stated="∂C/∂w^l = δ^l * σ(ROT180(z^{l-1})), * read as cross-correlation",
        stated_tex=(
            r"\frac{\partial C}{\partial w^{l}} = "
            r"\delta^{l} \star \sigma(\operatorname{ROT180}(z^{l-1}))"
        ),
        formula="xcorr(σ(rot180(z^{l-1})), δ^l, 'valid')",
        of="K",
        layer=lambda: conv2d(input_activation="sigmoid"),
        convention="correlation",
        reading="read as a (valid) cross-correlation, operands commuted so that it has the "
        "kernel's size, it holds in neither convention: the ROT180 is one too many for "
        "PyTorch's forward pass (xcorr(σ(z), δ) holds there), and for the notes' own the "
        "cross-correlation flips δ once too often",
    ),
    Entry(
        key="pytorch-swap",
        source=PYTORCH,
        stated="the weight gradient is a convolution of the input with the delta, stride and "
        "dilation swapped",
        formula="xcorr(x, dilate(delta, 2), 'valid')",
        of="K",
        layer=lambda: conv1d(input=6, kernel=2, stride=2),
        convention="correlation",
        reading="on a stride-2 layer the delta's taps are 2 apart: correlating x with the "
        "zero-inserted delta (dilation 2 = the stride) gives each kernel tap (step 1 = the "
        "dilation)",
    ),
    Entry(
        key="transposed-padding",
        source=DUMOULIN,
        stated="the input gradient of a stride-s convolution is a convolution over the "
        "zero-inserted delta with padding p′ = k − p − 1",
        formula="xcorr(pad(dilate(D, 2), 1), rot180(K))",
        of="A",
        layer=lambda: conv2d(input=(5, 5), kernel=(3, 3), stride=2, padding=1),
        convention="correlation",
        reading="k = 3, p = 1, s = 2: p′ = 1, and (5 + 2 − 3) mod 2 = 0 leaves no unread row. "
        "The 3×3 delta, zero-inserted (5×5) and padded by p′ (7×7), correlates to 5×5: their "
        "output size o′ = s(i′ − 1) + k − 2p = 2 × 2 + 3 − 2 = 5, the layer's input, or the "
        "shapes would not fit",
    ),
    Entry(
        key="missing-zero-insertion",
        source=WILD,
        stated="for stride s > 1, pad the delta by k − p − 1 and correlate with the flipped "
        "kernel (no zero insertion)",
        formula="xcorr(pad(D, 1), rot180(K))",
        of="A",
        layer=lambda: conv2d(input=(5, 5), kernel=(3, 3), stride=2, padding=1),
        convention="correlation",
    ),
    Entry(
        key="flip-across-channels",
        source=WILD,
        stated="the input gradient with the kernel flipped on every axis, channels too "
        "(K.flip(0, 1, 2, 3) where K.flip(2, 3) is meant)",
        stated_tex=(
            r"\frac{\partial E}{\partial A_c} = \sum_m "
            r"\operatorname{pad}_1(\delta_m) \star \operatorname{rot180}(K_{M-1-m,\,C-1-c})"
        ),
        formula="xcorr(pad(D, 1), rot180(K_{M-1-m,C-1-c}))",
        of="A",
        layer=lambda: conv2d(in_channels=2, out_channels=3),
        convention="correlation",
        reading="one map pair (m, c) of a 2 → 3 map layer; K_{M-1-m,C-1-c} is the kernel "
        "map of the reversed pair, what flipping the channel axes reads",
    ),
    Entry(
        key="missing-channel-transpose",
        source=WILD,
        stated="the input gradient as conv2d(pad(δ), K.flip(2, 3)), without "
        "K.transpose(0, 1)",
        stated_tex=(
            r"\frac{\partial E}{\partial A_c} = \sum_m "
            r"\operatorname{pad}_1(\delta_m) \star \operatorname{rot180}(K_{c,m})"
        ),
        formula="xcorr(pad(D, 1), rot180(K_{c,m}))",
        of="A",
        layer=lambda: conv2d(in_channels=2, out_channels=2),
        convention="correlation",
        reading="one map pair (m, c) of a 2 → 2 map layer (with 2 → 3 maps the shapes "
        "would not fit at all): K_{c,m} is the kernel map with input and output swapped",
    ),
    Entry(
        key="mean-pooling",
        source=NOTES_002,
        stated="δ^l = up(δ^{l+1}) / k², up(x) = x ⊗ 1_{k×k}",
        stated_tex=(
            r"\delta^{l} = \frac{1}{k^2} \operatorname{up}(\delta^{l+1}), \quad "
            r"\operatorname{up}(x) = x \otimes \mathbf{1}_{k \times k}"
        ),
        formula="up(delta, 2) / 4",
        of="A",
        layer=lambda: avg_pool2d(),
        convention=None,
        reading="the gradient that reaches the pooling layer's input, for 2×2 windows that tile it",
    ),
    Entry(
        key="mean-pooling-divided-by-k",
        source=WILD,
        stated="δ^l = up(δ^{l+1}) / k",
        stated_tex=r"\delta^{l} = \frac{1}{k} \operatorname{up}(\delta^{l+1})",
        formula="up(delta, 2) / 2",
        of="A",
        layer=lambda: avg_pool2d(),
        convention=None,
    ),
    Entry(
        key="max-pooling",
        source=NOTES_002,
        stated="max pooling: each delta goes to the position of its window's maximum, "
        "recorded in the forward pass; every other position gets 0",
        stated_tex=r"\delta^{l} = \operatorname{up}(\delta^{l+1}) \circ s",
        formula="up(delta, 2) .* s",
        of="A",
        layer=lambda: max_pool2d(seed=3),
        convention=None,
        reading="s is the switch map, 1 at each 2×2 window's maximum and 0 elsewhere (the "
        "seed-3 values tie twice; PyTorch's rule, the first maximum, takes the delta)",
    ),
    Entry(
        key="max-pooling-without-switches",
        source=WILD,
        stated="max pooling's delta up-sampled to the whole window, δ^l = up(δ^{l+1})",
        stated_tex=r"\delta^{l} = \operatorname{up}(\delta^{l+1})",
        formula="up(delta, 2)",
        of="A",
        layer=lambda: max_pool2d(seed=3),
        convention=None,
    ),
    Entry(
        key="subsampling-bias",
        source=BOUVRIE,
        stated="∂E/∂b_j = Σ_{u,v} (δ_j)_{uv}",
        stated_tex=r"\frac{\partial E}{\partial b_j} = \sum_{u,v} (\delta_j)_{uv}",
        formula="sum(delta)",
        of="b",
        layer=lambda: subsample2d(),
        convention=None,
    ),
    Entry(
        key="subsampling-beta",
        source=BOUVRIE,
        stated="∂E/∂β_j = Σ_{u,v} (δ_j ∘ down(x_j^{l-1}))_{uv}",
        stated_tex=(
            r"\frac{\partial E}{\partial \beta_j} = "
            r"\sum_{u,v} (\delta_j \circ \operatorname{down}(x_j^{l-1}))_{uv}"
        ),
        formula="sum(δ .* down(x, 2))",
        of="beta",
        layer=lambda: subsample2d(),
        convention=None,
    ),
    Entry(
        key="convolution-layer-sensitivity",
        source=BOUVRIE,
        stated="δ_j^l = β_j^{l+1} (f′(u_j^l) ∘ up(δ_j^{l+1}))",
        stated_tex=(
            r"\delta_j^{l} = \beta_j^{l+1} "
            r"\left(f'(u_j^{l}) \circ \operatorname{up}(\delta_j^{l+1})\right)"
        ),
        formula="beta * (f'(u) .* up(delta, 2))",
        of="z",
        layer=lambda: subsample2d(input_activation="f"),
        convention=None,
        reading="the sensitivity of a convolution layer whose output x = f(u) feeds the "
        "subsampling layer checked here (its input is activated, z = u), for every "
        "differentiable f",
    ),
    Entry(
        key="map-combination",
        source=BOUVRIE,
        stated="∂E/∂c_i = α_i (∂E/∂α_i − Σ_k α_k ∂E/∂α_k), ∂E/∂α_i = Σ_{u,v} (δ^l ∘ "
        "x_i^{l-1})_{uv}",
        stated_tex=(
            r"\frac{\partial E}{\partial c_i} = \alpha_i \left(\frac{\partial E}{\partial "
            r"\alpha_i} - \sum_k \alpha_k \frac{\partial E}{\partial \alpha_k}\right)"
        ),
        formula="alpha * (sum(delta .* x) - sum_k(alpha_k * sum(delta .* x_k)))",
        of="c",
        layer=lambda: map_combination(),
        convention=None,
        reading="one output map j and input map i (α_i = α_ji = softmax(c_j)_i); the layer "
        "sums over the batch",
    ),
    Entry(
        key="map-combination-without-softmax",
        source=WILD,
        stated="∂E/∂c_i = ∂E/∂α_i, the softmax's Jacobian forgotten",
        stated_tex=(
            r"\frac{\partial E}{\partial c_i} = \sum_{u,v} (\delta^{l} \circ "
            r"x_i^{l-1})_{uv}"
        ),
        formula="sum(delta .* x)",
        of="c",
        layer=lambda: map_combination(),
        convention=None,
    ),
    Entry(
        key="fully-connected-weights",
        source=NOTES_002,
        stated="∂E/∂W = δ xᵀ",
        stated_tex=r"\frac{\partial E}{\partial W} = \delta\, x^{\mathsf{T}}",
        formula="delta @ x^T",
        of="W",
        layer=lambda: linear(),
        convention=None,
        reading="x and δ are one sample's columns; the layer sums over the batch",
    ),
    Entry(
        key="fully-connected-delta",
        source=NOTES_002,
        stated="δ^{l-1} = (Wᵀ δ^l) ∘ f′(u^{l-1})",
        stated_tex=r"\delta^{l-1} = (W^{\mathsf{T}} \delta^{l}) \circ f'(u^{l-1})",
        formula="(W^T @ delta) .* f'(u)",
        of="z",
        layer=lambda: linear(input_activation="f"),
        convention=None,
        reading="the sensitivity ∂E/∂u of the layer whose output x = f(u) is this layer's "
        "input (checked for dE/dz, z = u), for every differentiable f",
    ),
    Entry(
        key="output-delta",
        source=NOTES_002,
        stated="δ^L = f′(u^L) ∘ (y − t)",
        stated_tex=r"\delta^{L} = f'(u^{L}) \circ (y - t)",
        formula="f'(u) .* (y - t)",
        of="z",
        layer=lambda: squared_error(input_activation="f"),
        convention=None,
        reading="for E = ½ Σ (y − t)² and y = f(u) (checked for dE/dz, z = u), for every "
        "differentiable f",
    ),
    Entry(
        key="softmax-cross-entropy",
        source=STANDARD,
        stated="∂E/∂y = softmax(y) − t for E = −Σ t log softmax(y)",
        stated_tex=r"\frac{\partial E}{\partial y} = \operatorname{softmax}(y) - t",
        formula="softmax(y) - t",
        of="y",
        layer=lambda: softmax_cross_entropy(),
        convention=None,
        reading="compared given Σ_c t_c = 1 (the target a probability distribution); for any "
        "t the gradient is softmax(y) Σ_c t_c − t",
    ),
    Entry(
        key="softmax-as-squared-error",
        source=WILD,
        stated="∂E/∂y = y − t for the softmax cross-entropy (the squared error's gradient)",
        stated_tex=r"\frac{\partial E}{\partial y} = y - t",
        formula="y - t",
        of="y",
        layer=lambda: softmax_cross_entropy(),
        convention=None,
    ),
    Entry(
        key="fully-connected-transposed",
        source=WILD,
        stated="∂E/∂W = x δᵀ",
        stated_tex=r"\frac{\partial E}{\partial W} = x\, \delta^{\mathsf{T}}",
        formula="x @ delta^T",
        of="W",
        layer=lambda: linear(in_features=2, out_features=2),
        convention=None,
    ),
    Entry(
        key="kernel-without-flip",
        source=WILD,
        stated="∂E/∂K = conv2(x, δ, 'valid') (the delta not flipped)",
        stated_tex=(
            r"\frac{\partial E}{\partial K} = "
            r"\operatorname{conv2}(x, \delta, \text{valid})"
        ),
        formula="conv2(x, δ, 'valid')",
        of="K",
        layer=lambda: conv2d(),
        convention="correlation",
    ),
)
"""Every published identity symderiv checks."""


def run(entries: tuple[Entry, ...] = CATALOGUE) -> Iterator[tuple[Entry, list[Verdict]]]:
    """Each entry with its verdicts: on its own layer, then (for a convolution
    entry) on the same layer in the other convention."""
    derived: dict[str, Derivation] = {}  # one derivation per layer, shared by its entries

    def derivation(layer: Layer) -> Derivation:
        if layer.label() not in derived:
            derived[layer.label()] = layer.derive()
        return derived[layer.label()]

    for entry in entries:
        own = entry.layer()
        layers = [own]
        if entry.convention in ("correlation", "convolution"):
            layers.append(_flip(own))
        verdicts = [
            Verdict(
                layer,
                check(
                    layer,
                    entry.formula,
                    entry.of,
                    derivation=derivation(layer),
                    refute_shapes=True,
                    derive=derivation,
                ),
            )
            for layer in layers
        ]
        yield entry, verdicts


def as_dict(entry: Entry, verdicts: list[Verdict]) -> dict[str, Any]:
    """One entry for the JSON catalogue."""
    return {
        "key": entry.key,
        "source": entry.source,
        "stated": entry.stated,
        "formula": entry.formula,
        "of": entry.of,
        "stated_for": entry.convention,
        "reading": entry.reading or None,
        "verdicts": [
            {"convention": v.convention, **v.result.to_dict()} for v in verdicts
        ],
    }


# ---- documents -----------------------------------------------------------------------

def _parts(expr: Any, printer: Any, latex: bool) -> list[str]:
    """An expression's printed parts: its terms when it is a polynomial, else the terms of
    its top-level sum (σ(z), f′(z) and exponentials inside); nothing for no value."""
    import sympy

    from .core.chain import to_terms

    if expr is sympy.nan:
        return ["(no value)" if not latex else r"\text{(no value)}"]
    if expr.is_polynomial():
        return [printer.term(t) for t in to_terms(expr)] or ["0"]
    return [str(printer._print(a)) for a in sympy.Add.make_args(expr)]


def _counterexample(v: Verdict, fmt: str) -> dict[str, Any] | None:
    from .render.printing import SheetLatexPrinter, SheetTextPrinter, join_terms, split_rows

    f = v.result.first_failure
    if f is None:
        return None
    notation = v.result.notation or v.layer.notation()
    if fmt == "text":
        tp = SheetTextPrinter(notation)
        return {
            "at": f"dE/d{tp._print(_symbol(v.result.of, f.index))}",
            "derived": join_terms(_parts(f.derived, tp, False)),
            "formula": join_terms(_parts(f.formula, tp, False)),
        }
    lp = SheetLatexPrinter(notation)
    return {
        "at": lp._print(_symbol(v.result.of, f.index)),
        "derived": split_rows(_parts(f.derived, lp, True), 48.0),
        "formula": split_rows(_parts(f.formula, lp, True), 48.0),
    }


def _symbol(letter: str, index: tuple[int, ...]) -> Any:
    import sympy

    from .core.symbols import element_name

    return sympy.Symbol(element_name(letter, index))


def _view(results: list[tuple[Entry, list[Verdict]]], fmt: str) -> dict[str, Any]:
    entries = []
    for entry, verdicts in results:
        entries.append(
            {
                "key": entry.key,
                "source": entry.source,
                "stated": entry.stated,
                "stated_tex": entry.stated_tex,
                "formula": entry.formula,
                "of": entry.of,
                "of_tex": {"beta": r"\beta"}.get(entry.of, entry.of),
                "stated_for": entry.convention,
                "reading": entry.reading,
                "verdicts": [
                    {
                        "layer": v.layer.label(),
                        "convention": v.convention,
                        "holds": v.result.holds,
                        "checked": v.result.checked,
                        "failures": v.result.failures,
                        "undecided": v.result.undecided,
                        "diagnosis": v.result.diagnosis,
                        "reason": v.result.reason,
                        "given": v.result.given,
                        "counterexample": _counterexample(v, fmt),
                    }
                    for v in verdicts
                ],
            }
        )
    from .marker import MARKER, package_version

    return {"marker": MARKER, "version": package_version(), "entries": entries}


def render(
    fmt: str, results: list[tuple[Entry, list[Verdict]]] | None = None, lang: str = "en"
) -> str:
    """The catalogue as ``text``, ``md``, ``tex`` or ``json``; ``lang``: the language of the
    Markdown and LaTeX documents' fixed texts (``zh`` LaTeX builds with xelatex)."""

    from . import catalogue_texts as catalogue_texts  # registers the messages
    from .marker import MARKER, package_version
    from .render.documents import _dump, environment
    from .render.messages import language

    language(lang)

    results = list(run()) if results is None else results
    if fmt == "json":
        doc = {
            "format": "symderiv/1",
            "generator": f"{MARKER} {package_version()}",
            "catalogue": [as_dict(e, vs) for e, vs in results],
        }
        return _dump(doc) + "\n"
    if fmt == "text":
        return _text(results, lang)
    template = {"md": "catalogue.md.j2", "tex": "catalogue.tex.j2"}[fmt]
    return environment().get_template(template).render(
        **_view(results, fmt), lang=lang, command=command(fmt, lang)
    )


def command(fmt: str, lang: str = "en") -> str:
    """The command that regenerates the catalogue in ``fmt`` and ``lang``, as its comment
    names it: the gallery's (English) ``symderiv gallery``, else ``symderiv catalogue``."""
    if lang == "en":
        return "symderiv gallery"
    return f"symderiv catalogue --lang {lang} --format {fmt}"


def _width(text: str) -> int:
    """Columns a terminal gives ``text``: two for a wide (Chinese) character."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _text(results: list[tuple[Entry, list[Verdict]]], lang: str) -> str:
    """The catalogue as plain text for a terminal, its fixed words in ``lang``."""
    from .render.messages import translator

    _ = translator(lang)
    conventions = {"correlation": _("conv.correlation"), "convolution": _("conv.convolution")}
    lines = []
    for e in _view(results, "text")["entries"]:
        lines.append(f"{e['key']}: {e['stated']}  [{e['source']}]")
        lines.append("  " + _("catalogue.text.read_as", of=e["of"], formula=e["formula"]))
        for v in e["verdicts"]:
            verdict = (
                _("verdict.holds")
                if v["holds"]
                else _("catalogue.undecided") + _("catalogue.not_claimed")
                if v["undecided"] and not v["failures"]
                else _("verdict.fails")
            )
            where = (
                _("catalogue.text.convention", convention=conventions[v["convention"]])
                if v["convention"]
                else ""
            )
            given = _("catalogue.text.given", given=v["given"]) if v["given"] else ""
            line = _("catalogue.text.verdict", where=where, layer=v["layer"], verdict=verdict,
                     given=given)
            lines.append("  " + line)
            c = v["counterexample"]
            if c:
                label = _("catalogue.text.first_at", at=c["at"])
                lines.append("    " + label + _("catalogue.text.derived", derived=c["derived"]))
                lines.append(
                    "    " + " " * _width(label) + _("catalogue.text.formula", formula=c["formula"])
                )
            if v["diagnosis"]:
                lines.append("    " + _("catalogue.text.diagnosis", diagnosis=v["diagnosis"]))
            elif v["reason"]:
                lines.append(f"    {v['reason']}")
    return "\n".join(lines) + "\n"
