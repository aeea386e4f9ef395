"""What deriving a network costs, predicted from its sizes before anything is built."""

from __future__ import annotations

from math import prod
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .spec import Network

__all__ = ["predicted_work"]


def predicted_work(network: Network) -> dict[str, int]:
    """Provisional: symbols only."""
    return {"symbols": network.symbols() + sum(prod(s.in_shape) for s in network.stages())}
