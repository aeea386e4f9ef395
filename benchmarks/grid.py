"""Run the whole configuration grid: every layer derived, proved exactly, and checked
against PyTorch autograd in float64 (when torch is installed).

    python benchmarks/grid.py            # the full grid (a few minutes)
    python benchmarks/grid.py --quick    # every fourth configuration

Grid: conv1d/2d/3d and conv_transpose1d/2d/3d × stride {1,2,3} × padding {0,1,2} ×
dilation {1,2} × groups {1,2} × both conventions (× output_padding for transposed
layers), keeping the configurations PyTorch accepts.  Prints one line per failure and a
summary; exits 1 if anything failed.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time

import numpy as np

import symderiv
from symderiv import ConvSpec, SpecError

LAYERS = [
    (symderiv.conv1d, 7, 3, False),
    (symderiv.conv2d, (5, 4), (2, 3), False),
    (symderiv.conv3d, (4, 3, 3), (2, 2, 2), False),
    (symderiv.conv_transpose1d, 3, 3, True),
    (symderiv.conv_transpose2d, (3, 2), (2, 2), True),
    (symderiv.conv_transpose3d, (2, 2, 2), (2, 2, 2), True),
]


def grid() -> list[ConvSpec]:
    specs = []
    for (fn, inp, ker, transposed), s, p, d, g, conv in itertools.product(
        LAYERS, (1, 2, 3), (0, 1, 2), (1, 2), (1, 2), ("correlation", "convolution")
    ):
        for op in (0, 1) if transposed else (0,):
            kw: dict[str, object] = {
                "input": inp,
                "kernel": ker,
                "stride": s,
                "padding": p,
                "dilation": d,
                "groups": g,
                "in_channels": 2,
                "out_channels": 2,
                "convention": conv,
            }
            if transposed:
                kw["output_padding"] = op
            try:
                specs.append(fn(**kw))
            except SpecError:
                continue
    return specs


def torch_error(spec: ConvSpec, d: symderiv.Derivation) -> float:
    """Largest |derived − torch autograd| over Z, dK, db, dA at random float64 values."""
    import torch
    import torch.nn.functional as F

    rng = np.random.default_rng(7)
    shapes = spec.shapes()
    values = {x: rng.uniform(-1, 1, shapes[x]) for x in ("A", "K", "b", "D")}
    t = {x: torch.tensor(v, dtype=torch.float64, requires_grad=x != "D") for x, v in values.items()}
    spatial = tuple(range(2, 2 + spec.ndim))
    weight = t["K"].flip(spatial) if spec.convention == "convolution" else t["K"]
    if spec.transposed:
        fn = getattr(F, f"conv_transpose{spec.ndim}d")
        z = fn(
            t["A"],
            weight,
            t["b"],
            spec.stride,
            spec.padding,
            spec.output_padding,
            spec.groups,
            spec.dilation,
        )
    else:
        fn = getattr(F, f"conv{spec.ndim}d")
        z = fn(t["A"], weight, t["b"], spec.stride, spec.padding, spec.dilation, spec.groups)
    z.backward(t["D"])
    expected = {
        "Z": z.detach().numpy(),
        "A": t["A"].grad.numpy(),
        "K": t["K"].grad.numpy(),
        "b": t["b"].grad.numpy(),
    }
    lookup = {}
    for tensor in d.tensors:
        for sym, v in zip(tensor.elements, values[tensor.letter].ravel(), strict=True):
            lookup[sym] = float(v)
    worst = 0.0
    for element in (*d.forward, *d.gradients):
        got = sum(
            float(term.coeff) * np.prod([lookup[f] for f in term.factors]) for term in element.terms
        )
        worst = max(worst, abs(got - expected[element.tensor][element.index]))
    return worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every fourth configuration")
    args = parser.parse_args()
    try:
        import torch  # noqa: F401

        have_torch = True
    except ImportError:
        have_torch = False
        print("torch is not installed: exact proofs and the numpy reference only", file=sys.stderr)
    specs = grid()[:: 4 if args.quick else 1]
    failures = 0
    worst = 0.0
    elements = 0
    start = time.perf_counter()
    for i, spec in enumerate(specs, 1):
        d = spec.derive()
        elements += len(d.gradients)
        own = [c for c in d.closed_forms if c.stated_in in (spec.convention, "both")]
        ok = all(c.holds for c in own) and d.numeric.passed
        err = torch_error(spec, d) if have_torch else 0.0
        worst = max(worst, err)
        if not ok or err > 1e-12:
            failures += 1
            print(
                f"FAIL {spec.label()}: closed forms {[c.holds for c in own]}, "
                f"numpy {d.numeric.passed}, torch error {err:.2e}"
            )
        if i % 50 == 0:
            print(f"  {i}/{len(specs)} ...", file=sys.stderr)
    seconds = time.perf_counter() - start
    print(
        f"{len(specs)} configurations, {elements} gradient elements proved exactly, "
        f"{failures} failures"
    )
    if have_torch:
        print(f"largest difference from torch autograd (float64): {worst:.1e} (tolerance 1e-12)")
    print(f"{seconds:.1f} s, {seconds / len(specs) * 1000:.0f} ms per configuration")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
