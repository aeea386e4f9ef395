"""symderiv: derive, prove and typeset the backpropagation formulas of neural network layers."""

from __future__ import annotations

from .checker import CheckResult, check
from .core.layer import Layer
from .core.model import Derivation
from .exceptions import LatexBuildError, OutputError, SizeLimitError, SpecError, SymderivError
from .layers import KINDS, layer
from .layers.activation import (
    ActivationSpec,
    activation,
    identity,
    leaky_relu,
    relu,
    sigmoid,
    tanh,
)
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
from .layers.dense import LinearSpec, linear
from .layers.loss import LossSpec, softmax_cross_entropy, squared_error
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
from .layers.subsample import Subsample2d, subsample2d

__all__ = [
    "KINDS",
    "ActivationSpec",
    "AvgPoolSpec",
    "CheckResult",
    "ConvSpec",
    "Derivation",
    "LatexBuildError",
    "Layer",
    "LinearSpec",
    "LossSpec",
    "MapCombination",
    "MaxPoolSpec",
    "OutputError",
    "SizeLimitError",
    "SpecError",
    "Subsample2d",
    "SymderivError",
    "activation",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "check",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "identity",
    "layer",
    "leaky_relu",
    "linear",
    "map_combination",
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
    "relu",
    "sigmoid",
    "softmax_cross_entropy",
    "squared_error",
    "subsample2d",
    "tanh",
]
__version__ = "0.1.0"
