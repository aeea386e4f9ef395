"""The whole pipeline, the same for every layer kind:
symbols → forward pass → chain rule → closed forms → proof → numeric check → data."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from ..exceptions import SizeLimitError, SpecError
from .chain import derive_gradients
from .layer import DEFAULT_MAX_TERMS, Claim, Layer
from .model import Derivation
from .numeric import numeric_check
from .prove import check_claim
from .symbols import make_tensor

__all__ = ["USER_CLAIM", "check_size", "derive", "user_claims"]

_PROGRESS_FROM = 20_000  # predicted terms above which progress is shown on stderr


def check_size(layer: Layer, max_terms: int = DEFAULT_MAX_TERMS) -> int:
    """Predict the number of terms; raise :class:`SizeLimitError` above ``max_terms``.

    The prediction is arithmetic, so absurd sizes are refused at once rather
    than built."""
    predicted = layer.predicted_terms()
    if predicted > max_terms:
        raise SizeLimitError(
            f"{layer.label()}: the derivation would build {predicted:,} terms, more than the "
            f"limit of {max_terms:,}; raise it with --max-terms {predicted} "
            f"(or max_terms={predicted} in Python) if you have the time and memory"
        )
    return predicted


def _reporter(enabled: bool) -> Callable[[str, int, int], None]:
    last: dict[str, int] = {}

    def report(stage: str, done: int, total: int) -> None:
        if not enabled or total == 0:
            return
        percent = 100 * done // total
        if last.get(stage) == percent // 10 and done != total:
            return
        last[stage] = percent // 10
        print(f"symderiv: {stage}: {done}/{total} ({percent}%)", file=sys.stderr, flush=True)

    return report


USER_CLAIM = "your formula"
"""``stated_in`` of a formula the user asked to have checked on the sheet."""


def user_claims(layer: Layer, claims: Sequence[tuple[str, str]]) -> tuple[Claim, ...]:
    """(of, formula text) pairs read with symderiv's own grammar and bound to ``layer``;
    they are reported with their verdicts but do not decide the layer's own."""
    from ..formulas.bind import bind

    out = []
    for of, text in claims:
        if of not in layer.wrt():
            wrt = ", ".join(layer.wrt())
            raise SpecError(f"--for {of!r}: {layer.kind} has gradients of {wrt}")
        out.append(Claim(of, bind(text, layer.scope(of)), USER_CLAIM, expected=False))
    return tuple(out)


def derive(
    layer: Layer,
    *,
    max_terms: int = DEFAULT_MAX_TERMS,
    progress: bool = False,
    claims: Sequence[tuple[str, str]] = (),
) -> Derivation:
    """Derive every gradient of ``layer``, prove its closed forms (and any of the user's
    ``claims``, as (of, formula) pairs), cross-check numerically."""
    extra = user_claims(layer, claims)  # bad formulas are refused before any work
    predicted = check_size(layer, max_terms)
    report = _reporter(progress and predicted >= _PROGRESS_FROM)
    tensors = {
        letter: make_tensor(letter, role, shape)
        for letter, (role, shape) in layer.tensors().items()
    }
    report("forward pass", 0, 1)
    forward = layer.forward(tensors)
    report("forward pass", 1, 1)
    gradients = derive_gradients(
        forward,
        tuple(tensors[x] for x in layer.wrt()),
        None if layer.delta is None else tensors[layer.delta],
        progress=lambda i, n: report("chain rule", i, n),
        substitutions=layer.substitutions(),
    )
    checks = []
    all_claims = layer.claims() + extra
    for i, claim in enumerate(all_claims, 1):
        checks.append(check_claim(layer, claim, tensors, gradients))
        report("closed forms", i, len(all_claims))
    numeric = numeric_check(layer, tensors.values(), forward, gradients)
    return Derivation(
        layer=layer,
        notation=layer.notation(),
        tensors=tuple(tensors.values()),
        forward=forward,
        gradients=gradients,
        closed_forms=tuple(checks),
        numeric=numeric,
        exhibits=layer.exhibits(tensors, gradients),
    )
