"""Whole networks: a stack of layers read from a TOML file, its backward pass derived
layer by layer as the lecture notes teach it (the delta recursion), and every parameter
gradient so obtained proved equal to SymPy's own derivative of the loss, end to end.

    file      reading and checking the TOML file (one-line errors naming the layer)
    spec      the network as frozen data: stages, residual blocks, shapes chained
    values    the sample point (seeded) and the switches it fixes (ReLU, max pooling)
    reference the numeric reference (the kinds' plain-loop numpy references, composed)
    size      the work predicted before anything is built (the size limit)
    forward   the forward pass on expression arrays, through each kind's own forward
    backward  the delta recursion, through each kind's own proved closed forms
    prove     SymPy's end-to-end derivative and the exact comparison of the two routes
    numeric   the numeric cross-check; model: the derivation as data
    derive    the stages run in order, timed, with progress and the size limit
    printing, sheet, render   names on the sheet, its sections; LaTeX, Markdown, JSON
    command   ``symderiv derive network FILE.toml``
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .spec import Network

__all__ = ["network"]


def network(source: Any, *, seed: int = 0) -> Network:
    """A network from a TOML file (a path) or from a dict with the file's contents.

    Raises :class:`~symderiv.exceptions.SpecError` with one line naming the file, the
    layer and the field when the file cannot describe a network."""
    from .file import load

    return load(source, seed=seed)
