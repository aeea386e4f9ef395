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
from .layers.dense import LinearSpec, linear

__all__ = [
    "KINDS",
    "ConvSpec",
    "Derivation",
    "LatexBuildError",
    "Layer",
    "LinearSpec",
    "OutputError",
    "SizeLimitError",
    "SpecError",
    "SymderivError",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "layer",
    "linear",
]
__version__ = "0.1.0"
