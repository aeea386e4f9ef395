"""The whole pipeline, the same for every layer kind:
symbols → forward pass → chain rule → closed forms → proof → numeric check → data.

The size check comes first and imports nothing heavy (no SymPy), so a layer over
the limit is refused at once, whatever its sizes.
"""

from __future__ import annotations

import operator
import sys
from collections.abc import Callable, Iterable, Sequence
from math import prod
from typing import TYPE_CHECKING

from ..exceptions import SizeLimitError, SpecError, SpecTypeError, quoted
from . import work
from .layer import DEFAULT_MAX_TERMS, Claim, Layer

if TYPE_CHECKING:
    from .model import Derivation, Element, GradientElement

__all__ = ["USER_CLAIM", "check_size", "derive", "max_terms_value", "user_claims"]

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
    """Predict the work of the derivation; raise :class:`SizeLimitError` above ``max_terms``.

    The prediction is arithmetic on the sizes (never below the symbols made, one per
    tensor element), so absurd sizes are refused at once rather than built."""
    limit = max_terms_value(max_terms)
    layer = _layer(layer)
    symbols = sum(prod(shape) for _, shape in layer.tensors().values())
    predicted = max(symbols, layer.predicted_terms())
    if predicted > limit:
        raise SizeLimitError(
            f"{layer.label()}: the derivation would do {predicted:,} steps of work (symbols, "
            f"terms, array cells, products visited), more than the limit of {limit:,}; raise "
            f"it with --max-terms {predicted} (or max_terms={predicted} in Python) if you have "
            "the time and memory"
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
    condition = layer.condition()
    given = () if condition is None else condition[1]
    for of, text in claims:
        if of not in layer.wrt():
            wrt = ", ".join(layer.wrt())
            raise SpecError(f"--for {of!r}: {layer.kind} has gradients of {wrt}")
        bound = bind(text, layer.scope(of))
        out.append(Claim(of, bound, USER_CLAIM, expected=False, given=given))
    return tuple(out)


def _walk(elements: Iterable[Element]) -> int:
    """Steps of one pass over elements, term by term and factor by factor."""
    import sympy

    steps = 0
    for e in elements:
        steps += 1
        if e.polynomial:
            steps += sum(1 + len(t.factors) for t in e.terms)
        else:
            steps += sum(1 + len(a.free_symbols) for a in sympy.Add.make_args(e.expr))
    return steps


def _chain_steps(forward: tuple[Element, ...], gradients: tuple[GradientElement, ...]) -> int:
    """What the chain rule walks: every forward term and its symbols (the contribution
    table), then per element differentiated its contributions and its terms."""
    return _walk(forward) + sum(1 + len(g.contributions) + len(g.terms) for g in gradients)


def derive(
    layer: Layer,
    *,
    max_terms: int = DEFAULT_MAX_TERMS,
    progress: bool = False,
    claims: Sequence[tuple[str, str]] = (),
) -> Derivation:
    """Derive every gradient of ``layer``, prove its closed forms (and any of the user's
    ``claims``, as (of, formula) pairs), cross-check numerically."""
    if not isinstance(progress, bool):
        raise SpecTypeError(f"progress {quoted(progress)}: expected True or False")
    predicted = check_size(layer, max_terms)
    extra = user_claims(layer, claims)  # a formula that cannot be read: refused before work
    from .chain import derive_gradients
    from .model import Derivation
    from .numeric import numeric_check
    from .prove import check_claim
    from .symbols import make_tensor

    report = _reporter(progress and predicted >= _PROGRESS_FROM)
    tensors = {
        letter: make_tensor(letter, role, shape)
        for letter, (role, shape) in layer.tensors().items()
    }
    report("forward pass", 0, 1)
    forward = layer.forward(tensors)
    report("forward pass", 1, 1)
    stage = layer.input_stage(tensors)
    pre = None if stage is None else stage[0]
    gradients = derive_gradients(
        forward,
        tuple(tensors[x] for x in layer.wrt() if x != pre),
        None if layer.delta is None else tensors[layer.delta],
        progress=lambda i, n: report("chain rule", i, n),
        substitutions=layer.substitutions(),
    )
    if stage is not None:  # A = f(z): dE/dz = dE/dA · f'(z), the chain rule through f
        letter, elements = stage
        reached = {g.index: g.expr for g in gradients if g.tensor == elements[0].tensor}
        through = derive_gradients(elements, (tensors[letter],), reached)
        by_letter = {x: [g for g in gradients + through if g.tensor == x] for x in layer.wrt()}
        gradients = tuple(g for x in layer.wrt() for g in by_letter[x])
        forward_walked = forward + elements
    else:
        forward_walked = forward
    if work.active():
        work.add("chain rule", _chain_steps(forward_walked, gradients))
    checks = []
    all_claims = layer.claims() + extra
    for i, claim in enumerate(all_claims, 1):
        checks.append(check_claim(layer, claim, tensors, gradients))
        if work.active():
            compared = [g for g in gradients if g.tensor == claim.of]
            work.add("proofs", len(gradients) + sum(1 + len(g.terms) for g in compared))
        report("closed forms", i, len(all_claims))
    numeric = numeric_check(layer, tensors.values(), forward, gradients)
    if work.active():
        symbols = sum(len(t.elements) for t in tensors.values())
        scans = len(layer.wrt()) * len(gradients)
        work.add("numeric", symbols + scans + _walk(forward) + _walk(gradients))
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
