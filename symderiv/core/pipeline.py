"""The whole pipeline, the same for every layer kind:
symbols → forward pass → chain rule → closed forms → proof → numeric check → data."""

from __future__ import annotations

import operator
import sys
from collections.abc import Callable

from ..exceptions import SizeLimitError, SpecError, SpecTypeError, quoted
from .chain import derive_gradients
from .layer import DEFAULT_MAX_TERMS, Layer
from .model import Derivation
from .numeric import numeric_check
from .prove import check_claim
from .symbols import make_tensor

__all__ = ["check_size", "derive", "max_terms_value"]

_PROGRESS_FROM = 20_000  # predicted terms above which progress is shown on stderr


def max_terms_value(max_terms: object) -> int:
    """``max_terms`` checked: a positive integer (not a bool, a float or a string)."""
    if isinstance(max_terms, bool):  # True is an int to Python, not a limit
        value = None
    else:
        try:
            value = operator.index(max_terms)  # type: ignore[arg-type]
        except TypeError:
            value = None
    rule = f"expected a positive integer, such as {DEFAULT_MAX_TERMS}"
    if value is None:
        raise SpecTypeError(f"max_terms {quoted(max_terms)}: {rule}", field="max_terms", rule=rule)
    if value < 1:
        raise SpecError(f"max_terms {quoted(max_terms)}: {rule}", field="max_terms", rule=rule)
    return value


def _layer(layer: object) -> Layer:
    if not isinstance(layer, Layer):
        raise SpecTypeError(f"layer {quoted(layer)}: expected a layer, such as symderiv.conv2d()")
    return layer


def check_size(layer: Layer, max_terms: int = DEFAULT_MAX_TERMS) -> int:
    """Predict the number of terms; raise :class:`SizeLimitError` above ``max_terms``.

    The prediction is arithmetic, so absurd sizes are refused at once rather
    than built."""
    limit = max_terms_value(max_terms)
    layer = _layer(layer)
    predicted = layer.predicted_terms()
    if predicted > limit:
        raise SizeLimitError(
            f"{layer.label()}: the derivation would build {predicted:,} terms, more than the "
            f"limit of {limit:,}; raise it with --max-terms {predicted} "
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


def derive(
    layer: Layer, *, max_terms: int = DEFAULT_MAX_TERMS, progress: bool = False
) -> Derivation:
    """Derive every gradient of ``layer``, prove its closed forms, cross-check numerically."""
    if not isinstance(progress, bool):
        raise SpecTypeError(f"progress {quoted(progress)}: expected True or False")
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
    all_claims = layer.claims()
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
