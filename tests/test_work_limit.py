"""Issue 7, item 1: the closed-form operators visit only the products that can be
non-zero, report the work they do, and their prices bound it."""

from __future__ import annotations

import itertools
import random

import numpy as np
import sympy

from symderiv.core import work
from symderiv.formulas import cost
from symderiv.formulas import operators as ops
from symderiv.formulas.nodes import Conv, Crop, Pad, Rot180, Var, Xcorr, ZeroInsert


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
