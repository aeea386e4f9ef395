"""What a convolution sheet shows beside the elements: the kernel gradient
regrouped as sum_u D_u · (patch of A), and each delta map as the input-gradient
formula reads it (zero-inserted and padded)."""

from __future__ import annotations

from collections.abc import Iterable

import sympy

from ...core import work
from ...core.model import DeltaMap, GradientElement, PatchTerm, Regrouping
from ...core.symbols import SymbolTensor, natural_key, parse_name
from .closed_forms import delta_layout
from .spec import ConvSpec

__all__ = ["delta_maps", "regroup_kernel"]


def regroup_kernel(gradients: Iterable[GradientElement], K: SymbolTensor) -> tuple[Regrouping, ...]:
    """Regroup each kernel map's gradient as sum over D[u] of a patch of A.

    Read off the derived expansions: the patch of D[u] holds, at kernel
    position p, the coefficient of D[u] in dE/dK[p].  Only for 1-D and 2-D
    kernels, whose patches print as matrices.
    """
    spatial = K.shape[2:]
    if len(spatial) > 2:
        return ()
    rows, cols = (1, spatial[0]) if len(spatial) == 1 else spatial
    by_map: dict[tuple[int, ...], dict[sympy.Symbol, dict[tuple[int, ...], list[sympy.Expr]]]] = {}
    steps = 0
    for g in gradients:
        steps += 1
        if g.tensor != "K":
            continue
        kmap, pos = g.index[:2], g.index[2:]
        per_delta = by_map.setdefault(kmap, {})
        for term in g.terms:
            steps += 1 + len(term.factors)
            deltas = [f for f in term.factors if parse_name(str(f))[0] == "D"]
            if len(deltas) != 1:
                raise ValueError(f"kernel gradient term without exactly one delta: {term}")
            rest = term.coeff * sympy.Mul(*(f for f in term.factors if f is not deltas[0]))
            per_delta.setdefault(deltas[0], {}).setdefault(pos, []).append(rest)
    out = []
    for kmap in sorted(by_map):
        patch_terms = []
        for delta in sorted(by_map[kmap], key=natural_key):
            cells = by_map[kmap][delta]

            def cell(r: int, c: int, cells: dict = cells) -> sympy.Expr:
                pos = (c,) if len(spatial) == 1 else (r, c)
                return sympy.Add(*cells.get(pos, []))

            patch = tuple(tuple(cell(r, c) for c in range(cols)) for r in range(rows))
            patch_terms.append(PatchTerm(delta=delta, patch=patch))
            steps += 1 + rows * cols
        out.append(Regrouping(kernel_map=kmap, terms=tuple(patch_terms)))
    work.add("exhibits", steps)
    return tuple(out)


def delta_maps(spec: ConvSpec, D: SymbolTensor) -> tuple[DeltaMap, ...]:
    """The padded delta maps of a 1-D or 2-D layer (3-D ones do not print as matrices)."""
    if spec.ndim > 2:
        return ()
    maps = delta_layout(spec, D)
    work.add("exhibits", sum(grid.size for _, _, grid in maps))
    return tuple(
        DeltaMap(
            delta_map=lead,
            border=border,
            rows=tuple(tuple(row) for row in (grid if grid.ndim == 2 else grid[None, :])),
        )
        for lead, border, grid in maps
    )
