"""symderiv: derive, prove and typeset the backpropagation formulas of convolution layers."""

from __future__ import annotations

from .exceptions import LatexBuildError, OutputError, SizeLimitError, SpecError, SymderivError
from .model import Derivation
from .spec import (
    ConvSpec,
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
    layer,
)

__all__ = [
    "ConvSpec",
    "Derivation",
    "LatexBuildError",
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
]
__version__ = "0.1.0"
