"""symderiv: derive, prove and typeset the backpropagation formulas of neural network layers."""

from __future__ import annotations

from .checker import CheckResult, check
from .core.layer import Layer
from .core.model import Derivation
from .exceptions import LatexBuildError, OutputError, SizeLimitError, SpecError, SymderivError
from .layers import KINDS, layer
from .layers.combination import MapCombination, map_combination
from .layers.conv import (
    ConvSpec,
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
)
from .layers.subsample import Subsample2d, subsample2d

__all__ = [
    "KINDS",
    "CheckResult",
    "ConvSpec",
    "Derivation",
    "LatexBuildError",
    "Layer",
    "MapCombination",
    "OutputError",
    "SizeLimitError",
    "SpecError",
    "Subsample2d",
    "SymderivError",
    "check",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "layer",
    "map_combination",
    "subsample2d",
]
__version__ = "0.1.0"
