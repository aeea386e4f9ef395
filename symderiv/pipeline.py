"""The whole pipeline: symbols → forward pass → derivation → closed forms → proof → data."""

from __future__ import annotations

import sys
from collections.abc import Callable

from .closed_forms import claims, delta_layout
from .derive import derive_gradients, regroup_kernel
from .exceptions import SizeLimitError
from .forward import build_forward
from .model import DeltaMap, Derivation
from .numeric import numeric_check
from .spec import DEFAULT_MAX_TERMS, ConvSpec
from .symbols import Notation, make_tensor
from .verify import check_claim

__all__ = ["check_size", "derive"]

ROLES = {"A": "input", "K": "kernel", "b": "bias", "D": "delta"}
_MAX_KERNEL_AXIS = 1_000_000
_PROGRESS_FROM = 20_000  # predicted terms above which progress is shown on stderr


def check_size(spec: ConvSpec, max_terms: int = DEFAULT_MAX_TERMS) -> int:
    """Predict the number of terms; raise :class:`SizeLimitError` above ``max_terms``.

    The prediction is arithmetic (O(kernel size) per axis), so absurd sizes are
    refused at once rather than built."""
    if max(spec.kernel) > _MAX_KERNEL_AXIS:
        raise SizeLimitError(
            f"{spec.label()}: a kernel of {max(spec.kernel):,} taps on one axis is beyond what "
            f"symderiv derives (at most {_MAX_KERNEL_AXIS:,})"
        )
    predicted = spec.predicted_terms()
    if predicted > max_terms:
        raise SizeLimitError(
            f"{spec.label()}: the derivation would build {predicted:,} terms, more than the "
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


def derive(
    spec: ConvSpec, *, max_terms: int = DEFAULT_MAX_TERMS, progress: bool = False
) -> Derivation:
    """Derive every gradient of ``spec``, prove its closed forms, cross-check numerically."""
    predicted = check_size(spec, max_terms)
    report = _reporter(progress and predicted >= _PROGRESS_FROM)
    shapes = spec.shapes()
    tensors = {letter: make_tensor(letter, role, shapes[letter]) for letter, role in ROLES.items()}
    A, K, b, D = (tensors[x] for x in "AKbD")

    report("forward pass", 0, 1)
    forward = build_forward(spec, A, K, b)
    report("forward pass", 1, 1)
    gradients = derive_gradients(
        forward, (K, b, A), D, progress=lambda i, n: report("chain rule", i, n)
    )
    regroupings = regroup_kernel(gradients, K)
    checks = []
    all_claims = claims(spec)
    for i, claim in enumerate(all_claims, 1):
        checks.append(check_claim(spec, claim, tensors, gradients))
        report("closed forms", i, len(all_claims))
    numeric = numeric_check(spec, (A, K, b, D), forward, gradients)
    delta_maps: tuple[DeltaMap, ...] = ()
    if spec.ndim <= 2:
        delta_maps = tuple(
            DeltaMap(
                delta_map=lead,
                border=border,
                rows=tuple(tuple(row) for row in (grid if grid.ndim == 2 else grid[None, :])),
            )
            for lead, border, grid in delta_layout(spec, D)
        )
    return Derivation(
        spec=spec,
        notation=Notation.for_shapes(spec.shapes(), spec.ndim),
        tensors=(A, K, b, D),
        forward=forward,
        gradients=gradients,
        regroupings=regroupings,
        delta_maps=delta_maps,
        closed_forms=tuple(checks),
        numeric=numeric,
    )
