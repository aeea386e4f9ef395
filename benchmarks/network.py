"""Whole networks: the time of every stage, for the sample networks and for growing sizes.

    python benchmarks/network.py                 # the samples, then wider and deeper nets
    python benchmarks/network.py --no-pdf        # leave pdflatex out of the render times

Stages: sample (the sample point, its switches and the size check), build (the forward
pass), delta (the delta recursion), chain (SymPy's end-to-end derivative of every
parameter element), proof (the two routes compared exactly), numeric, render (tex, md,
json, and pdf unless --no-pdf).  "predicted" is the size limit's prediction (steps);
the growth lines say how time and the prediction grow with the size.
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path
from typing import Any

import symderiv
from symderiv.latex import compile_pdf, latex_available

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("sample", "build", "delta", "chain", "proof", "numeric", "render")


def run(source: Any, pdf: bool) -> dict[str, float]:
    """Seconds per stage of one network, everything from reading it to its files."""
    start = time.perf_counter()
    net = symderiv.network(source)
    predicted = net.predicted_terms()  # the sample point and the size check
    sample_s = time.perf_counter() - start
    d = net.derive(max_terms=10**9)
    t = d.times
    start = time.perf_counter()
    tex = d.to_latex()
    d.to_markdown()
    d.to_json()
    if pdf:
        compile_pdf(tex)
    render_s = time.perf_counter() - start
    assert d.verified, "not verified"
    return {
        "sample": sample_s,
        "build": t["build"],
        "delta": t["delta recursion"],
        "chain": t["chain rule"],
        "proof": t["end-to-end proof"],
        "numeric": t["numeric check"],
        "render": render_s,
        "predicted": float(predicted),
        "elements": float(sum(c.checked for c in d.checks)),
    }


def row(name: str, r: dict[str, float]) -> str:
    total = sum(r[s] for s in STAGES)
    cells = " ".join(f"{r[s]:>7.2f}" for s in STAGES)
    return f"{name:<28} {int(r['elements']):>5} {cells} {total:>7.2f} {int(r['predicted']):>10,}"


def header() -> str:
    cells = " ".join(f"{s:>7}" for s in STAGES)
    return f"{'network':<28} {'param':>5} {cells} {'total s':>7} {'predicted':>10}"


def lenet(size: int) -> dict[str, Any]:
    """The tiny LeNet on a size×size input (the issue's is 6×6)."""
    return {
        "input": [1, 1, size, size],
        "loss": "squared_error",
        "layers": [
            {"kind": "conv2d", "out_channels": 2, "kernel": 3},
            {"kind": "sigmoid"},
            {"kind": "avg_pool2d", "kernel": 2},
            {"kind": "flatten"},
            {"kind": "linear", "out_features": 3},
            {"kind": "sigmoid"},
        ],
    }


def mlp(depth: int) -> dict[str, Any]:
    """depth × (linear 4 -> sigmoid) on 4 features: the trees grow with the depth."""
    layers: list[dict[str, Any]] = []
    for _ in range(depth):
        layers += [{"kind": "linear", "out_features": 4}, {"kind": "sigmoid"}]
    return {"input": [1, 4], "loss": "squared_error", "layers": layers}


def growth(label: str, sizes: list[int], results: list[dict[str, float]]) -> None:
    """How time and the prediction grow: the exponent of a power law between the ends,
    and the factor per step."""
    first, last = results[0], results[-1]
    t0, t1 = sum(first[s] for s in STAGES[1:6]), sum(last[s] for s in STAGES[1:6])
    p0, p1 = first["predicted"], last["predicted"]
    ratio = math.log(sizes[-1] / sizes[0])
    print(
        f"  {label}: derivation time x{t1 / t0:.1f} and prediction x{p1 / p0:.1f} from "
        f"{sizes[0]} to {sizes[-1]} (as size^{math.log(t1 / t0) / ratio:.1f} and "
        f"size^{math.log(p1 / p0) / ratio:.1f}; x{(t1 / t0) ** (1 / (len(sizes) - 1)):.1f} "
        "per step)"
    )


def main(argv: list[str]) -> None:
    pdf = "--no-pdf" not in argv and latex_available()
    print(f"seconds per stage (render: tex, md, json{', pdf' if pdf else ''})")
    print(header())
    for path in sorted((ROOT / "examples" / "networks").glob("*.toml")):
        r = run(path, pdf)
        print(row(path.stem, r))
        if path.stem == "tiny_lenet":
            total = sum(r[s] for s in STAGES)
            verdict = "under" if total < 10 else "OVER"
            print(f"  tiny LeNet: derived, proved and rendered in {total:.1f} s ({verdict} 10 s)")
    print("\nwider: the tiny LeNet on a larger input")
    print(header())
    sizes, results = [6, 8, 10, 12], []
    for n in sizes:
        results.append(run(lenet(n), pdf))
        print(row(f"lenet {n}x{n}", results[-1]))
    growth("input side", sizes, results)
    print("\ndeeper: linear(4) -> sigmoid, repeated")
    print(header())
    depths, results = [1, 2, 3, 4], []
    for depth in depths:
        results.append(run(mlp(depth), pdf))
        print(row(f"mlp depth {depth}", results[-1]))
    growth("depth", depths, results)


if __name__ == "__main__":
    main(sys.argv[1:])
