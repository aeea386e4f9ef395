"""symderiv: derive, prove and typeset the backpropagation formulas of neural network layers."""

from __future__ import annotations

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

if TYPE_CHECKING:
    from .core.model import Derivation


def __getattr__(name: str) -> Any:
    # Derivation (and with it SymPy) is imported when first used, so that a command
    # that is refused (bad input, over the size limit) never waits for SymPy to load.
    if name == "Derivation":
        from .core.model import Derivation

        return Derivation
    raise AttributeError(f"module 'symderiv' has no attribute {name!r}")
