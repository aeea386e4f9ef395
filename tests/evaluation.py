"""Substituting numbers into derived elements, shared by the numeric cross-check tests."""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterable

import numpy as np

from symderiv.core.model import Derivation, Element


def symbol_values(arrays: dict[str, np.ndarray]) -> dict[str, float]:
    """Every symbol's name (``A[0,1,2,3]``) with its value from the arrays."""
    return {
        f"{letter}[{','.join(map(str, idx))}]": float(arr[idx])
        for letter, arr in arrays.items()
        for idx in np.ndindex(arr.shape)
    }


def evaluate(
    elements: Iterable[Element], shape: tuple[int, ...], values: dict[str, float]
) -> np.ndarray:
    """Evaluate each element from its terms; every index of ``shape`` must appear exactly once."""
    out = np.full(shape, np.nan)
    seen = set()
    for e in elements:
        assert len(e.index) == len(shape), f"element {e.tensor}{list(e.index)}: not a full index"
        assert all(0 <= i < n for i, n in zip(e.index, shape, strict=True)), (
            f"element {e.tensor}{list(e.index)} outside the shape {shape}"
        )
        assert e.index not in seen, f"element {e.tensor}{list(e.index)} derived twice"
        seen.add(e.index)
        out[e.index] = sum(
            float(t.coeff) * math.prod(values[f.name] for f in t.factors) for t in e.terms
        )
    missing = [idx for idx in np.ndindex(shape) if idx not in seen]
    assert not missing, f"no derived element for indices {missing[:5]}"
    return out


def random_arrays(shapes: dict[str, tuple[int, ...]], label: str) -> dict[str, np.ndarray]:
    """Uniform values in [-2, 2) for A, K, b and D, seeded by ``label`` (reproducible)."""
    rng = np.random.default_rng(zlib.crc32(label.encode()))
    return {x: rng.uniform(-2.0, 2.0, shapes[x]) for x in ("A", "K", "b", "D")}


def derived_array(
    d: Derivation, tensor: str, shape: tuple[int, ...], values: dict[str, float]
) -> np.ndarray:
    """The derivation's Z (forward) or gradient of K, b or A, evaluated at ``values``."""
    elements = d.forward if tensor == "Z" else d.gradients_of(tensor)
    assert all(e.tensor == tensor for e in elements)
    return evaluate(elements, shape, values)
