"""Counting the work a derivation really does, so the size limit can be checked against it.

Every loop whose length grows with the layer (symbols made, terms built, array
cells filled, products visited, items rendered) reports its steps here, by
stage.  Counting is off (one global test per call, no per-step cost) unless a
caller turns it on with :func:`counting`; the tests do, and compare the counts
with :meth:`~symderiv.core.layer.Layer.predicted_terms`, which must never be
below them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["active", "add", "counting"]

_counts: dict[str, int] | None = None


def add(stage: str, steps: int) -> None:
    """Record ``steps`` steps of work in ``stage`` (nothing when counting is off)."""
    if _counts is not None:
        _counts[stage] = _counts.get(stage, 0) + steps


def active() -> bool:
    """Is work being counted?  (Counts that cost a walk of the data are only taken then.)"""
    return _counts is not None


@contextmanager
def counting() -> Iterator[dict[str, int]]:
    """Count the work done inside the ``with`` block; yields the counts by stage
    (filled in as the work is done, and kept after the block ends)."""
    global _counts
    saved, _counts = _counts, {}
    try:
        yield _counts
    finally:
        _counts = saved
