"""Pieces the sheets of every layer kind share beyond :class:`~symderiv.render.sheet.SheetView`:
the layer section, the story's chain-rule step, the tail (numeric check, verdict, references)
and the document record, with the messages they print (both languages).

A sheet is, in order: the notation box, the layer (its definition in index form, with
matrices where the layer is 1-D or 2-D), the story (the chain rule in index form and the
substitution that gives each closed form), the worked elements (every one in full detail,
one example per gradient in summary), the closed forms with their verdicts, the numeric
check (full detail only), the overall verdict and the references.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..render.sheet import tex_text
from . import texts as texts  # registers the messages

if TYPE_CHECKING:
    from ..core.model import ClosedFormCheck
    from ..render.sheet import SheetView

__all__ = [
    "chain_step",
    "closed_forms_section",
    "document",
    "form",
    "index",
    "layer_section",
    "step",
    "story_section",
    "tail",
]



def index(parts: Sequence[str], commas: bool) -> str:
    """Indices as one subscript: ``uv``, or ``u,v`` when the notation uses commas or an
    index is compound (``2u+p,2v+q``)."""
    compound = any(not part.isalpha() for part in parts)
    return ("," if commas or compound else "").join(parts)


def layer_section(
    view: SheetView,
    *,
    intro: Sequence[str],
    definition: str,
    notes: Sequence[str] = (),
    size_rules: Sequence[str] = (),
    more_notes: Sequence[str] = (),
    output: dict[str, str] | None,
    matrices: dict[str, Any] | None = None,
    heading: str | None = None,
) -> dict[str, Any]:
    """The "The layer" section: intro (prose), the definition in index form (LaTeX), notes
    (LaTeX with ``$``), the output size rules, the tensor table (left out in summary detail
    when the matrices show the tensors) and the matrices after it."""
    return {
        "kind": "layer",
        "heading": heading if heading is not None else view._("layer.heading"),
        "intro": list(intro),
        "definition": definition,
        "notes": list(notes),
        "size_rules": list(size_rules),
        "more_notes": list(more_notes),
        "groups": None,
        "cross_ref": False,
        "tensors": view.tensor_rows(),
        "output": output,
        "closing": None,
        "no_table": view.summary and matrices is not None,
        "after": [matrices] if matrices is not None else [],
    }


def chain_step(view: SheetView, what: str, out: Sequence[str], x: str = "x") -> dict[str, Any]:
    """The story's first step: dE/dx as a sum over the outputs ``Z_out`` (index letters
    ``out``) of the delta times dZ/dx; ``what`` names what the loss depends on (prose)."""
    sums = r"\sum_{" + ",".join(out) + "}" if out else ""
    z = f"Z_{{{index(out, view.d.notation.commas)}}}" if out else "Z"
    delta = f"D_{{{index(out, view.d.notation.commas)}}}" if out else "D"
    return {
        "text": view._(
            "story.chain", what=what, x=view._("story.any_element") if x == "x" else f"${x}$"
        ),
        "math": [
            rf"\frac{{\partial E}}{{\partial {x}}} = {sums} \frac{{\partial E}}{{\partial {z}}}\, "
            rf"\frac{{\partial {z}}}{{\partial {x}}} = {sums} {delta}\, "
            rf"\frac{{\partial {z}}}{{\partial {x}}}"
        ],
        "after": None,
    }


def step(text: str | None, math: Sequence[str] = (), after: str | None = None) -> dict[str, Any]:
    """One step of the story: prose, display math, prose after it."""
    return {"text": text, "math": list(math), "after": after}


def story_section(view: SheetView, steps: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The section "The derivation in index form"."""
    return {"kind": "story", "heading": view._("story.heading"), "steps": list(steps)}


def closed_forms_section(
    view: SheetView,
    intro: str,
    forms: Sequence[dict[str, Any]],
    *,
    legend: str | None = None,
    per_map: bool = False,
) -> dict[str, Any]:
    """The section "Closed forms, proved" (a form with ``shown_above`` set was printed in the
    story already: a summary gives only its verdict)."""
    return {
        "kind": "closed_forms",
        "heading": view._("closed.heading"),
        "intro": intro,
        "legend": legend,
        "group_note": None,
        "per_map": per_map,
        "forms": list(forms),
    }


def form(
    view: SheetView, c: ClosedFormCheck, latex: str, heading: str, *, story: bool = False
) -> dict[str, Any]:
    """One closed form with its verdict; ``story``: the story prints it too."""
    out = view.closed_form(c, latex, heading)
    out["shown_above"] = story
    return out


def tail(
    view: SheetView,
    *,
    verdict: str,
    refs: Sequence[str],
    pytorch: Sequence[str] = (),
    sampling: str | None = None,
) -> list[dict[str, Any]]:
    """The numeric check (full detail), the overall verdict and the references."""
    numeric = view.numeric_section(sampling)
    return [
        *([numeric] if numeric is not None else []),
        view.verdict_section(verdict),
        view.references_section(refs, pytorch),
    ]


def document(
    title_text: str, command: str, sections: Sequence[dict[str, Any] | None]
) -> dict[str, Any]:
    """What a layer's ``sheet()`` returns: the title (LaTeX and plain), the command that
    regenerates the sheet and its sections (None entries dropped)."""
    return {
        "title": tex_text(title_text),
        "title_text": title_text,
        "command": command,
        "sections": [s for s in sections if s is not None],
    }
