"""symderiv: derive, prove and typeset the backpropagation formulas of neural network layers."""

from __future__ import annotations

from .core.layer import Layer
from .core.model import Derivation
from .exceptions import (
    LatexBuildError,
    OutputError,
    SizeLimitError,
    SpecError,
    SpecTypeError,
    SymderivError,
)
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

__all__ = [
    "KINDS",
    "ConvSpec",
    "Derivation",
    "LatexBuildError",
    "Layer",
    "OutputError",
    "SizeLimitError",
    "SpecError",
    "SpecTypeError",
    "SymderivError",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "layer",
]
__version__ = "0.1.0"
