"""The network's derivation, stage by stage: the size check first (no SymPy), then the
sample point and its switches, the forward pass, the delta recursion, the end-to-end
derivative, the proofs and the numeric cross-check; each stage timed, with progress on
stderr for long work."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from itertools import product
from math import prod
from typing import TYPE_CHECKING

import numpy as np

from ..core.layer import DEFAULT_MAX_TERMS
from ..core.pipeline import max_terms_value
from ..exceptions import SizeLimitError, SpecTypeError, quoted
from .spec import Network

if TYPE_CHECKING:
    from .model import NetworkDerivation
    from .values import Sample

__all__ = ["check_size", "derive"]

_PROGRESS_FROM = 2_000_000  # predicted steps (a few seconds) above which progress is shown


def _refuse(network: Network, predicted: int, limit: int) -> SizeLimitError:
    return SizeLimitError(
        f"{network.source}: the derivation would do {predicted:,} steps of work (symbols, "
        f"expression nodes, derivative nodes, terms of the proofs), more than the limit "
        f"of {limit:,}; raise it with --max-terms {predicted} (or max_terms={predicted} "
        "in Python) if you have the time and memory"
    )


def check_size(network: Network, max_terms: int = DEFAULT_MAX_TERMS) -> tuple[int, Sample]:
    """The predicted work, and the sample point it was predicted at; refused with
    :class:`SizeLimitError` above ``max_terms`` before any expression is built: first on
    the sizes alone (the symbols and the layer kinds' own work, before the sample point
    is computed), then on the whole prediction."""
    from .size import first_work, predicted_work
    from .values import sample

    limit = max_terms_value(max_terms)
    first = sum(first_work(network).values())
    if first > limit:
        raise _refuse(network, first, limit)
    point = sample(network)
    predicted = sum(predicted_work(network, point).values())
    if predicted > limit:
        raise _refuse(network, predicted, limit)
    return predicted, point


def _reporter(enabled: bool) -> Callable[[str, int, int], None]:
    last: dict[str, int] = {}

    def report(stage: str, done: int, total: int) -> None:
        if not enabled or total == 0:
            return
        tenth = 10 * done // total
        if last.get(stage) == tenth and done != total:
            return
        last[stage] = tenth
        print(
            f"symderiv: {stage}: {done}/{total} ({100 * done // total}%)",
            file=sys.stderr,
            flush=True,
        )

    return report


def derive(
    network: Network, *, max_terms: int = DEFAULT_MAX_TERMS, progress: bool = False
) -> NetworkDerivation:
    """See :meth:`Network.derive`."""
    if not isinstance(progress, bool):
        raise SpecTypeError(f"progress {quoted(progress)}: expected True or False")
    predicted, point = check_size(network, max_terms)
    report = _reporter(progress and predicted >= _PROGRESS_FROM)
    from . import backward, forward, numeric, prove
    from .model import NetworkDerivation, Numeric, ParamCheck, delta_name
    times: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        times[stage] = now - clock
        clock = now

    params = forward.symbols(network)
    fw = forward.run(network, params, point)
    lap("build")
    report("forward pass", 1, 1)
    bw = backward.run(network, params, fw, point)
    lap("delta recursion")
    report("delta recursion", 1, 1)
    names = [p.name for p in network.parameters()]
    wrt = [s for name in names for s in params[name].ravel()]
    flat = prove.end_to_end(
        fw.loss, wrt, progress=lambda i, n: report("end-to-end derivative", i, n)
    )
    e2e = {}
    start = 0
    for p in network.parameters():
        size = prod(p.shape)
        array = params[p.name].copy()
        array.ravel()[:] = flat[start : start + size]
        e2e[p.name] = array
        start += size
    lap("chain rule")
    from .size import counts

    decide = prove.Decider(dict(bw.given), budget=counts(network, point).proof_budget)
    decide.prime(fw.loss)
    verdicts: dict[str, tuple[prove.Verdict, ...]] = {}
    checks = []
    done = 0
    for p in network.parameters():
        row = []
        for a, b in zip(bw.gradients[p.name].ravel(), e2e[p.name].ravel(), strict=True):
            row.append(decide(a, b))
            done += 1
            report("end-to-end proofs", done, len(wrt))
        verdicts[p.name] = tuple(row)
        indices = list(_indices(p.shape))
        open_ = next((indices[i] for i, v in enumerate(row) if v.holds is not True), None)
        methods = {v.method for v in row}
        order = ("counterexample", "undecided", "expand", "identical")
        terms = [prove.tree_size(e, "network render") for e in e2e[p.name].ravel()]
        checks.append(
            ParamCheck(
                name=p.name,
                checked=len(row),
                proved=sum(v.holds is True for v in row),
                refuted=sum(v.holds is False for v in row),
                undecided=sum(v.holds is None for v in row),
                decided_by=next((m for m in order if m in methods), "expand"),
                first_open=open_,
                terms=(min(terms, default=0), max(terms, default=0)),
            )
        )
    lap("end-to-end proof")
    evaluate = numeric.Evaluator(numeric.point({**point.arrays}))
    ref = point.reference
    delta_errors = tuple(
        (delta_name(node), numeric.error(evaluate.array(value), ref.deltas[node]))
        for node, value in sorted(bw.deltas.items(), key=lambda kv: _node_order(network, kv[0]))
    )
    gradient_errors = tuple(
        (
            name,
            numeric.error(evaluate.array(bw.gradients[name]), ref.gradients[name]),
            numeric.error(evaluate.array(e2e[name]), ref.gradients[name]),
        )
        for name in names
    )
    loss_error = numeric.error(np.asarray(evaluate(fw.loss)), np.asarray(ref.loss))
    lap("numeric check")
    return NetworkDerivation(
        network=network,
        sample=point,
        forward=fw,
        backward=bw,
        end_to_end=e2e,
        verdicts=verdicts,
        checks=tuple(checks),
        numeric=Numeric(
            seed=network.seed,
            tolerance=numeric.TOLERANCE,
            loss=loss_error,
            deltas=delta_errors,
            gradients=gradient_errors,
        ),
        times=times,
    )


def _indices(shape: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
    return product(*(range(n) for n in shape))


def _node_order(network: Network, node: str) -> int:
    """Nodes from the output back to x, as the recursion visits them."""
    order = [op.output for op in reversed(network.plan())] + ["0"]
    return order.index(node)
