"""Issue 7, item 1: ``--max-terms`` bounds the work really done.

The prediction (:meth:`Layer.predicted_terms`) is compared, stage by stage, with the work
every loop reports to :mod:`symderiv.core.work` while a derivation and its renderings
run; the operators are checked to visit only the products that can be non-zero; and a
layer over the limit is refused before anything is built, without loading SymPy.
"""

from __future__ import annotations

import itertools
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import sympy

import symderiv
from symderiv.cli import render_format
from symderiv.core import work
from symderiv.core.layer import DEFAULT_MAX_TERMS
from symderiv.core.pipeline import check_size
from symderiv.exceptions import SizeLimitError
from symderiv.formulas import cost
from symderiv.formulas import operators as ops
from symderiv.formulas.nodes import Conv, Crop, Pad, Rot180, Var, Xcorr, ZeroInsert
from symderiv.layers.conv.closed_forms import claim_formulas, claims
from symderiv.sizes import linked_pairs

ROOT = Path(__file__).resolve().parent.parent


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


GRID = [
    symderiv.conv2d(),
    symderiv.conv2d(convention="convolution", input=(5, 4), kernel=(2, 3)),
    symderiv.conv2d(input=6, kernel=3, stride=2, padding=1),
    symderiv.conv2d(input=(7, 6), kernel=(3, 2), stride=(3, 1), padding=(2, 0), dilation=(1, 2)),
    # the issue's shapes, scaled down: a dilation that leaves four taps in a large input,
    # a stride that reads one input in thousands, a kernel that reads mostly padding
    symderiv.conv2d(input=21, kernel=2, dilation=20),
    symderiv.conv1d(input=3000, kernel=1, stride=3000),
    symderiv.conv1d(input=1, kernel=40, padding=39),
    symderiv.conv1d(input=9, kernel=3, padding=4, dilation=3, convention="convolution"),
    symderiv.conv1d(
        input=7, kernel=2, stride=5, padding=3, in_channels=3, out_channels=6, groups=3
    ),
    symderiv.conv2d(input=3, kernel=2, in_channels=4, out_channels=2, groups=2, batch=2),
    symderiv.conv2d(input=3, kernel=1, in_channels=2, out_channels=3),
    symderiv.conv3d(),
    symderiv.conv3d(input=(3, 4, 3), kernel=(2, 2, 1), stride=(1, 2, 1), padding=(0, 1, 1)),
    symderiv.conv_transpose1d(input=20, kernel=20, padding=19),
    symderiv.conv_transpose1d(
        input=4,
        kernel=3,
        stride=3,
        padding=2,
        dilation=2,
        output_padding=1,
        in_channels=2,
        out_channels=4,
        groups=2,
        convention="convolution",
    ),
    symderiv.conv_transpose2d(input=3, kernel=3, stride=2, padding=1, output_padding=1),
    symderiv.conv_transpose2d(
        input=(2, 3),
        kernel=(3, 2),
        stride=(2, 3),
        padding=(2, 1),
        dilation=(2, 1),
        output_padding=(1, 2),
        batch=2,
    ),
    symderiv.conv_transpose3d(input=2, kernel=2, stride=2),
]


@pytest.mark.parametrize("spec", GRID, ids=lambda s: s.label())
def test_the_work_done_never_exceeds_the_prediction(spec):
    """Everything a run with every format does (the derivation, the tex, md and json, the
    tex again for the PDF), counted where it is done, stage by stage."""
    predicted = spec.predicted_work()
    with work.counting() as counted:
        d = spec.derive()
        for fmt in ("tex", "md", "json"):
            render_format(d, fmt)
        d.to_latex()  # what --format pdf compiles
    assert d.verified
    assert set(counted) <= set(predicted)
    over = {s: (n, predicted[s]) for s, n in counted.items() if n > predicted[s]}
    assert over == {}
    assert sum(counted.values()) <= spec.predicted_terms() == sum(predicted.values())
    # the prediction is a bound, not a guess: no stage is off by more than a small factor
    assert spec.predicted_terms() <= 3 * sum(counted.values())
    # and never below what the old prediction counted: terms built and symbols made
    built = sum(len(e.terms) for e in d.forward) + sum(len(g.terms) for g in d.gradients)
    assert counted["symbols"] == sum(len(t.elements) for t in d.tensors)
    assert spec.predicted_terms() > built + counted["symbols"]


@pytest.mark.parametrize("spec", GRID, ids=lambda s: s.label())
def test_closed_forms_are_priced_by_the_code_that_builds_them(spec):
    """The prediction builds each closed form from price-computing nodes; it must give
    what pricing the real formula gives."""
    extents = {
        "A": cost.Extent.dense(spec.input),
        "K": cost.Extent.dense(spec.kernel),
        "D": cost.Extent.dense(spec.output),
    }
    priced = claim_formulas(spec, cost.CostNodes(extents))
    real = claims(spec)
    assert len(priced) == len(real)
    for (of, (extent, steps), _, _), claim in zip(priced, real, strict=True):
        assert of == claim.of
        assert (extent, steps) == cost.estimate(claim.formula, extents)


def test_operators_visit_only_the_products_that_can_be_non_zero():
    # One delta entry every 1,000 positions, a kernel dilated by 1,000: the old loops
    # visited every (position, tap) pair, 4,001 × 1,001 of them, for 8 products.
    D = np.array([sympy.Symbol(f"d{i}") for i in range(5)], dtype=object)
    K = np.array([sympy.Symbol("k0"), sympy.Symbol("k1")], dtype=object)
    X = ops.pad(ops.zero_insert(D, (1000,)), (500,), (500,))
    Y = ops.zero_insert(K, (1000,))
    with work.counting() as counted:
        C = ops.xcorr(X, Y)
    assert C.shape == (4001,)
    assert C[500] == D[0] * K[0] + D[1] * K[1]
    assert C[3500] == D[3] * K[0] + D[4] * K[1]
    assert C[0] == 0
    assert sum(len(sympy.Add.make_args(c)) for c in C if c != 0) == 8
    # the scans of both operands, the output twice (filled, then summed), one step per
    # output position, and each product twice (solved for, then multiplied): 8, not 4 million
    assert counted["operators"] == X.size + Y.size + 3 * C.size + 2 * 8
    _, predicted = cost.xcorr_cost(
        cost.Extent((X.size,), ((500, 1000, 5),)),
        cost.Extent((Y.size,), ((0, 1000, 2),)),
        (1,),
        (1,),
    )
    assert counted["operators"] <= predicted


def _numbers(shape, zeros, rng):
    out = np.empty(shape, dtype=object)
    for index in itertools.product(*(range(n) for n in shape)):
        out[index] = 0 if rng.random() < zeros else rng.randint(-3, 3) or 1
    return out


def _reference_xcorr(X, Y, s, d):
    shape = tuple(
        (nx - dd * (ny - 1) - 1) // ss + 1
        for nx, ny, ss, dd in zip(X.shape, Y.shape, s, d, strict=True)
    )
    out = np.zeros(shape, dtype=object)
    for u in itertools.product(*(range(n) for n in shape)):
        for p in itertools.product(*(range(n) for n in Y.shape)):
            out[u] += X[tuple(a * b + c * e for a, b, c, e in zip(u, s, p, d, strict=True))] * Y[p]
    return out


def test_sparse_correlation_agrees_with_the_plain_loop_and_its_price():
    rng = random.Random(7)
    checked = 0
    for _ in range(250):
        nd = rng.randint(1, 3)
        X = _numbers(tuple(rng.randint(1, 5) for _ in range(nd)), rng.choice([0, 0.5]), rng)
        Y = _numbers(tuple(rng.randint(1, 3) for _ in range(nd)), rng.choice([0, 0.3]), rng)
        if rng.random() < 0.5:
            X = ops.pad(ops.zero_insert(X, (rng.randint(1, 3),) * nd), (rng.randint(0, 2),) * nd)
        s = tuple(rng.randint(1, 3) for _ in range(nd))
        d = tuple(rng.randint(1, 3) for _ in range(nd))
        try:
            expected = _reference_xcorr(X, Y, s, d)
        except ValueError:
            continue
        if 0 in expected.shape:
            continue
        got = ops.xcorr(X, Y, s, d)
        assert got.shape == expected.shape
        assert all(a == b for a, b in zip(got.ravel(), expected.ravel(), strict=True))
        for mode in ("full", "valid"):
            if mode == "valid" and any(b > a for a, b in zip(X.shape, Y.shape, strict=True)):
                continue
            flipped = ops.rot180(Y)
            pad = tuple(n - 1 for n in Y.shape) if mode == "full" else (0,) * nd
            want = _reference_xcorr(ops.pad(X, pad), flipped, (1,) * nd, (1,) * nd)
            assert ops.conv(X, Y, mode).tolist() == want.tolist()
        checked += 1
    assert checked > 100


def test_formula_prices_bound_what_the_operators_count():
    rng = random.Random(3)
    for _ in range(200):
        nd = rng.randint(1, 3)
        xs = tuple(rng.randint(1, 5) for _ in range(nd))
        ys = tuple(rng.randint(1, 3) for _ in range(nd))

        def some(lo: int, hi: int, nd: int = nd) -> tuple[int, ...]:
            return tuple(rng.randint(lo, hi) for _ in range(nd))

        x, y = Var("A"), Var("K")
        if rng.random() < 0.6:
            x = ZeroInsert(x, some(1, 3))
        if rng.random() < 0.6:
            x = Pad(x, some(0, 3), some(0, 3))
        if rng.random() < 0.3:
            x = Rot180(x)
        if rng.random() < 0.6:
            y = Rot180(ZeroInsert(y, some(1, 3)))
        mode = rng.choice(["xcorr", "full", "valid"])
        f = Xcorr(x, y, some(1, 3), some(1, 3)) if mode == "xcorr" else Conv(x, y, mode, nd)
        if rng.random() < 0.3:
            f = Crop(f, some(0, 1), some(0, 1))
        env = {
            "A": np.array(sympy.symbols(f"a:{np.prod(xs)}"), dtype=object).reshape(xs),
            "K": np.array(sympy.symbols(f"k:{np.prod(ys)}"), dtype=object).reshape(ys),
        }
        try:
            extent, price = cost.estimate(
                f, {"A": cost.Extent.dense(xs), "K": cost.Extent.dense(ys)}
            )
            with work.counting() as counted:
                value = f.evaluate(env)
        except ValueError:  # an empty correlation
            continue
        assert value.shape == extent.shape
        assert counted.get("operators", 0) <= price, f.text()


def test_linked_pairs_counts_what_a_loop_counts():
    sizes = itertools.product(range(7), range(1, 5), range(1, 4), range(1, 4), range(4), range(9))
    for n, k, s, d, lo, hi in sizes:
        brute = sum(1 for x in range(n) for p in range(k) if lo <= s * x + d * p < hi)
        assert linked_pairs(n, k, s, d, lo, hi) == brute, (n, k, s, d, lo, hi)


def test_tap_count_of_huge_axes_is_instant():
    spec = symderiv.conv1d(input=10**40, kernel=10**20, stride=7, dilation=3, padding=10**19)
    start = time.process_time()
    assert spec.tap_count(0) > 0
    with pytest.raises(SizeLimitError):
        check_size(spec)
    assert time.process_time() - start < 0.1


OVER_THE_LIMIT = [
    ["conv2d", "--input", "501x501", "--kernel", "2", "--dilation", "500"],
    ["conv1d", "--input", "200000", "--kernel", "1", "--stride", "200000"],
    ["conv1d", "--input", "1", "--kernel", "999999", "--padding", "999998"],
    ["conv2d", "--input", "9999x9999", "--kernel", "2"],
    ["conv3d", "--input", "1000000000000", "--kernel", "5", "--in-channels", "64"],
    ["conv_transpose2d", "--input", "300", "--kernel", "300", "--stride", "300"],
    ["conv2d", "--max-terms", "1000"],
]


@pytest.mark.parametrize("args", OVER_THE_LIMIT, ids=lambda a: " ".join(a)[:40])
def test_over_the_limit_is_refused_within_a_second(tmp_path, args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "symderiv", "derive", *args],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    cpu = usage.ru_utime + usage.ru_stime
    assert os.waitstatus_to_exitcode(status) == 2, stderr
    assert stderr.startswith("symderiv: error: "), stderr
    assert stderr.count("\n") == 1, stderr
    assert "steps of work" in stderr
    assert "more than the limit of" in stderr
    # The time the refusal costs, the process's own (interpreter start included): on a
    # shared machine the wall clock also counts other people's work, so it only gets a
    # generous bound.
    assert cpu < 1.0, f"{cpu:.2f} s of CPU before the refusal"
    assert wall < 30
    assert _files(tmp_path) == []


def test_refusing_never_loads_sympy(tmp_path):
    code = (
        "import sys, symderiv.cli\n"
        "try:\n"
        "    symderiv.cli.main(['derive', 'conv2d', '--input', '501', '--dilation', '500'])\n"
        "except SystemExit as exc:\n"
        "    print(exc.code, 'sympy' in sys.modules, 'numpy' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
        check=True,
    )
    assert out.stdout == "2 False False\n"


def test_default_limit_refuses_the_issues_shapes_and_admits_the_classic_ones():
    for spec in (
        symderiv.conv2d(input=501, kernel=2, dilation=500),
        symderiv.conv1d(input=200000, kernel=1, stride=200000),
    ):
        with pytest.raises(SizeLimitError):
            check_size(spec)
    for spec in (symderiv.conv2d(input=64, kernel=3), *GRID):
        assert check_size(spec) <= DEFAULT_MAX_TERMS
