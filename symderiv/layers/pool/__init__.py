"""Pooling layers: avg_pool1d/2d/3d (mean) and max_pool1d/2d/3d (with switches)."""

from __future__ import annotations

from .spec import (
    TIES,
    AvgPoolSpec,
    MaxPoolSpec,
    PoolSpec,
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    max_pool1d,
    max_pool2d,
    max_pool3d,
)

__all__ = [
    "TIES",
    "AvgPoolSpec",
    "MaxPoolSpec",
    "PoolSpec",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
]
