"""symderiv: derive, prove and typeset the backpropagation formulas of neural network layers."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .core.layer import Layer
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
from .network import network  # the function; its package is symderiv.network (no SymPy)

# Loaded when first used, so that a command that is refused (bad input, over the size
# limit) never waits for SymPy to load: name -> module that defines it.
_LAZY = {
    "Derivation": ".core.model",
    "CheckResult": ".checker",
    "check": ".checker",
    "ActivationSpec": ".layers.activation",
    "activation": ".layers.activation",
    "identity": ".layers.activation",
    "leaky_relu": ".layers.activation",
    "relu": ".layers.activation",
    "sigmoid": ".layers.activation",
    "tanh": ".layers.activation",
    "MapCombination": ".layers.combination",
    "map_combination": ".layers.combination",
    "LinearSpec": ".layers.dense",
    "linear": ".layers.dense",
    "LossSpec": ".layers.loss",
    "softmax_cross_entropy": ".layers.loss",
    "squared_error": ".layers.loss",
    "AvgPoolSpec": ".layers.pool",
    "MaxPoolSpec": ".layers.pool",
    "avg_pool1d": ".layers.pool",
    "avg_pool2d": ".layers.pool",
    "avg_pool3d": ".layers.pool",
    "max_pool1d": ".layers.pool",
    "max_pool2d": ".layers.pool",
    "max_pool3d": ".layers.pool",
    "Subsample2d": ".layers.subsample",
    "subsample2d": ".layers.subsample",
}

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
    "SpecTypeError",
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
    "network",
    "relu",
    "sigmoid",
    "softmax_cross_entropy",
    "squared_error",
    "subsample2d",
    "tanh",
]
__version__ = "0.1.0"

if TYPE_CHECKING:
    from .checker import CheckResult, check
    from .core.model import Derivation
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


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'symderiv' has no attribute {name!r}")
