"""Derivation speed: the contribution-table chain rule against differentiating one global E.

    python benchmarks/derive_speed.py              # sizes 8, 12, 16 (3x3 kernel)
    python benchmarks/derive_speed.py 8 12 16 24

Baseline (same process, same forward expressions): E = sum_u D[u] Z[u], then
sympy.diff(E, x) for every element x of K, b and A — it walks all of E for every x, so it
grows with (variables) × (size of E).  symderiv differentiates only the terms of the forward
elements that contain x.  Both results are checked equal, element by element.
"""

from __future__ import annotations

import sys
import time

import sympy

import symderiv
from symderiv.core.chain import derive_gradients
from symderiv.core.symbols import make_tensor
from symderiv.layers.conv.forward import build_forward
from symderiv.layers.conv.spec import ROLES


def main(sizes: list[int]) -> None:
    print(f"{'input':>7} {'elements':>9} {'symderiv s':>11} {'global-E s':>11} {'ratio':>7}")
    for n in sizes:
        spec = symderiv.conv2d(input=(n, n), kernel=(3, 3))
        shapes = spec.shapes()
        t = {x: make_tensor(x, role, shapes[x]) for x, role in ROLES.items()}
        forward = build_forward(spec, t["A"], t["K"], t["b"])

        start = time.perf_counter()
        ours = derive_gradients(forward, (t["K"], t["b"], t["A"]), t["D"])
        ours_s = time.perf_counter() - start

        start = time.perf_counter()
        energy = sympy.Add(*(t["D"][e.index] * e.expr for e in forward))
        baseline = [
            sympy.expand(sympy.diff(energy, x))
            for tensor in (t["K"], t["b"], t["A"])
            for x in tensor.elements
        ]
        base_s = time.perf_counter() - start

        assert all(g.expr == b for g, b in zip(ours, baseline, strict=True)), "results differ"
        print(
            f"{n:>4}x{n:<2} {len(ours):>9} {ours_s:>11.3f} {base_s:>11.3f} {base_s / ours_s:>6.1f}x"
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [8, 12, 16])
