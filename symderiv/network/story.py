"""A network sheet's story: the delta recursion in index form, why each layer needs only
its own closed forms (the single-layer sheets' A, Z and D are z^{[l-1]}, z^{[l]} and
δ^{[l]}), and where the notes' sensitivity sits when an activation is a layer of its own.

The section is the ``story`` kind the layer sheets tell theirs with (steps of prose and
display math); the prose comes from the message table, the mathematics is the same in
every language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["story_section"]

_LAYER = (
    r"z^{[l]} = f_{l}\left(z^{[l-1]};\ \theta_{l}\right), \qquad "
    r"\delta^{[l]} = \frac{\partial E}{\partial z^{[l]}}"
)
_DELTA = (
    r"\delta^{[l-1]}_{i} = \sum_{u} \delta^{[l]}_{u}\, "
    r"\frac{\partial z^{[l]}_{u}}{\partial z^{[l-1]}_{i}}, \qquad "
    r"\delta^{[l-1]} = \left(\frac{\partial z^{[l]}}{\partial z^{[l-1]}}\right)^{\mathsf{T}} "
    r"\delta^{[l]}"
)
_PARAM = (
    r"\frac{\partial E}{\partial \theta_{l}} = \sum_{u} \delta^{[l]}_{u}\, "
    r"\frac{\partial z^{[l]}_{u}}{\partial \theta_{l}} = "
    r"\left(\frac{\partial z^{[l]}}{\partial \theta_{l}}\right)^{\mathsf{T}} \delta^{[l]}"
)


def story_section(
    _: Callable[..., str],
    last: str,
    sensitivity: tuple[str, str, str] | None,
    paths: bool,
) -> dict[str, Any]:
    """The section "The delta recursion in index form".

    ``last`` is the label of the network's output layer; ``sensitivity`` the rule of
    the first activation that follows a layer with parameters, (that layer's label,
    left side, right side), or None; ``paths``: the network has residual blocks."""
    steps: list[dict[str, Any]] = [
        {"text": _("network.story.layer"), "math": [_LAYER], "after": None},
        {"text": _("network.story.chain"), "math": [_DELTA, _PARAM], "after": None},
        {"text": _("network.story.local", last=last), "math": [], "after": None},
    ]
    if sensitivity is None:
        steps.append({"text": _("network.story.sensitivity_none"), "math": [], "after": None})
    else:
        label, lhs, rhs = sensitivity
        steps.append(
            {
                "text": _("network.story.sensitivity", label=label, rule=f"{lhs} = {rhs}"),
                "math": [],
                "after": None,
            }
        )
    if paths:
        steps.append({"text": _("network.story.paths"), "math": [], "after": None})
    return {"kind": "story", "heading": _("network.story.heading"), "steps": steps}
