"""Convolution layers: conv1d/2d/3d and conv_transpose1d/2d/3d, both conventions."""

from __future__ import annotations

from .spec import (
    CONVENTIONS,
    LAYER_KINDS,
    ConvSpec,
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
)

__all__ = [
    "CONVENTIONS",
    "LAYER_KINDS",
    "ConvSpec",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
]
