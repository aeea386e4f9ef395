"""symderiv: derive, prove and typeset the backpropagation formulas of neural network layers."""

from __future__ import annotations

from .core.layer import Layer
from .core.model import Derivation
from .exceptions import LatexBuildError, OutputError, SizeLimitError, SpecError, SymderivError
from .layers import KINDS, layer
from .layers.conv import (
    ConvSpec,
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
)
from .layers.pool import (
    AvgPoolSpec,
    MaxPoolSpec,
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    max_pool1d,
    max_pool2d,
    max_pool3d,
)

__all__ = [
    "KINDS",
    "AvgPoolSpec",
    "ConvSpec",
    "Derivation",
    "LatexBuildError",
    "Layer",
    "MaxPoolSpec",
    "OutputError",
    "SizeLimitError",
    "SpecError",
    "SymderivError",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "layer",
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
]
__version__ = "0.1.0"
