"""Beamer slides of a handout: the same content, one idea per frame.

For every item: the layer's definition; the derivation in index form, one step
per frame; the forward pass, one equation at a time; one example element of every
gradient, its expansion built term by term with overlays (``\\uncover<k->``); the
padded delta the input gradient reads; which formula holds, the verdicts uncovered
after the question; the verdict.
Everything comes from the derivation and its sheet, as in the handout.
"""

from __future__ import annotations

import zlib
from typing import Any

from ..render.messages import text
from ..render.printing import term_width
from ..render.sheet import MAX_COLUMNS
from .assemble import Handout, Part
from .exercises import _split, fails_verdict
from .formats import environment, render

__all__ = ["render_slides", "slide_frames"]

ROW_BUDGET = 30.0  # width units of a row on a 128 mm frame at 11 pt (render.sheet: 56 on A4)
MAX_ROWS = 6  # rows of one expansion on a frame
MAX_FORWARD = 3  # forward equations shown one after another
MATRIX_BUDGET = 34.0


def _term_rows(terms: list[str]) -> tuple[list[list[tuple[int, str]]], int]:
    """Terms (printed, signed) in rows of at most ROW_BUDGET; each with its overlay
    number.  At most MAX_ROWS rows: returns the rows and how many terms were left out."""
    rows: list[list[tuple[int, str]]] = [[]]
    used = 0.0
    for k, term in enumerate(terms):
        width = term_width(term) + 1.5
        if rows[-1] and used + width > ROW_BUDGET:
            if len(rows) == MAX_ROWS:
                return rows, len(terms) - k
            rows.append([])
            used = 0.0
        sign = "" if k == 0 else ("- " if term.startswith("-") else "+ ")
        body = term[1:].strip() if k and term.startswith("-") else term
        rows[-1].append((k + 2, sign + body))
        used += width
    return rows, 0


def _element_frame(part: Part, letter: str, lang: str) -> dict[str, Any] | None:
    from ..core.model import Derivation
    from ..render.sheet import SheetView

    d = part.derivation
    assert isinstance(d, Derivation)
    view = SheetView(d)
    elements = [g for g in d.gradients_of(letter) if g.expr != 0]
    if not elements:
        return None
    # the element with the most terms (the first of them): where the whole pattern shows
    g = max(elements, key=lambda e: len(e.terms) if e.polynomial else 0)
    if g.polynomial:
        terms = [view.p.term(t) for t in g.terms]
    else:
        import sympy

        terms = [view.p._print(a) for a in sympy.Add.make_args(g.expr)]
    rows, left_out = _term_rows(terms)
    lhs = view.lhs(g)
    name = view.sym(g.tensor, g.index) if g.index else g.tensor
    return {
        "kind": "expansion",
        "title": text("handout.slides_term_by_term", lang, lhs=rf"$\partial E/\partial {name}$"),
        "lhs": lhs,
        "rows": [[{"overlay": k, "latex": latex} for k, latex in row] for row in rows],
        "left_out": text("handout.slides_more_terms", lang, count=len(terms)) if left_out else None,
    }


MAX_RULES = 7  # equations of one frame of a network's rules, uncovered one at a time


def _rules_frames(title: str, rules: list[dict[str, str]]) -> list[dict[str, Any]]:
    """``lhs = rhs`` lines in frames of at most MAX_RULES, each uncovered after the last."""
    return [
        {"kind": "rules", "title": title, "rules": rules[k : k + MAX_RULES]}
        for k in range(0, len(rules), MAX_RULES)
    ]


def network_frames(part: Part, lang: str) -> list[dict[str, Any]]:
    """The frames of a whole network: its layers, its forward rules, the loss and the delta
    at the output, the backward pass's delta recursion (every step, the flatten's reshape
    and a residual sum's fan-out included) and the parameters' gradients, each layer kind's
    own closed forms in the sheet's notation, then the verdict."""
    from ..network.model import NetworkDerivation
    from ..network.sheet import (
        _forward_section,
        _loss_section,
        _network_section,
        _stage_section,
        _View,
    )
    from ..render.options import RenderOptions

    d = part.derivation
    assert isinstance(d, NetworkDerivation)
    v = _View(d, RenderOptions(lang=lang, handout=True))
    rows = _network_section(v)["rows"]
    layers = [
        {"text": f"{r['layer']}: {r['kind']}", "output": r["output"]} for r in rows if r["layer"]
    ]
    *forward, loss = _forward_section(v)["rules"]  # the last rule is the loss E
    deltas: list[dict[str, str]] = []
    gradients: list[dict[str, str]] = []
    for step in d.backward.steps:
        for rule in _stage_section(v, step)["rules"]:
            (deltas if rule["lhs"].startswith(r"\delta") else gradients).append(rule)
    frames: list[dict[str, Any]] = [
        {"kind": "layers", "title": text("handout.slides_net_layers", lang), "layers": layers}
    ]
    frames += _rules_frames(text("handout.slides_net_forward", lang), list(forward))
    frames += _rules_frames(
        text("handout.slides_net_loss", lang), [loss, *_loss_section(v)["rules"]]
    )
    frames += _rules_frames(text("handout.slides_net_backward", lang), deltas)
    frames += _rules_frames(text("handout.slides_net_gradients", lang), gradients)
    verdict = "handout.slides_net_verified" if part.verified else "handout.slides_not_verified"
    frames.append(
        {
            "kind": "verdict",
            "title": text("handout.slides_verdict", lang),
            "text": text(verdict, lang),
        }
    )
    return frames


def slide_frames(part: Part, lang: str) -> list[dict[str, Any]]:
    """The frames of one item, in order."""
    from ..core.model import Derivation
    from ..render.sheet import SheetView

    if part.is_network:
        return network_frames(part, lang)
    d = part.derivation
    assert isinstance(d, Derivation)
    view = SheetView(d)
    sections = {s["kind"]: s for s in reversed(part.sheet["sections"])}
    frames: list[dict[str, Any]] = []
    layer = sections.get("layer")
    if layer is not None:
        frames.append(
            {
                "kind": "definition",
                "title": text("handout.slides_definition", lang),
                "intro": layer["intro"],
                "definition": layer["definition"],
            }
        )
    story = sections.get("story")
    if story is not None:  # the derivation in index form: one step per frame
        for step in story.get("steps", []):
            frames.append(
                {
                    "kind": "story",
                    "title": story["heading"],
                    "text": step.get("text") or "",
                    "math": list(step.get("math") or []),
                    "after": step.get("after") or "",
                }
            )
    forward = [view.equation(e) for e in d.forward[:MAX_FORWARD]]
    if forward and all(len(e["rows"]) == 1 for e in forward):
        frames.append(
            {
                "kind": "forward",
                "title": text("handout.slides_forward", lang),
                "equations": forward,
                "more": len(d.forward) > MAX_FORWARD,
            }
        )
    for letter in d.layer.wrt():
        frame = _element_frame(part, letter, lang)
        if frame is not None:
            frames.append(frame)
    for m in d.delta_maps[:1]:
        if view.matrix_width(m.rows) <= MATRIX_BUDGET and len(m.rows[0]) <= MAX_COLUMNS:
            frames.append(
                {
                    "kind": "matrix",
                    "title": text("handout.slides_padded", lang),
                    # the story's name for it: D̃, the delta with k − 1 zeros on every side
                    "lhs": r"\tilde{" + view.p.name("D", m.delta_map) + "}",
                    "matrix": view.p.matrix(m.rows),
                }
            )
    # the matrix differential's M is defined only in the handout's own section on it
    forms = [
        f
        for f in sections.get("closed_forms", {}).get("forms", [])
        if f["stated_in"] != "matrix differential"
    ]
    for letter in dict.fromkeys(f["of"] for f in forms):
        group = [f for f in forms if f["of"] == letter]
        group.sort(key=lambda f: zlib.crc32(f["latex"].encode()))  # as in the exercises
        if any(f["holds"] for f in group) and not all(f["holds"] for f in group):
            frames.append(
                {
                    "kind": "which",
                    "title": text("handout.slides_which", lang),
                    "lhs": _split(group[0]["latex"])[0],
                    "forms": [
                        {
                            "latex": _split(f["latex"])[1] or f["latex"],
                            "holds": f["holds"],
                            "verdict": _verdict(f, lang),
                        }
                        for f in group
                    ],
                }
            )
    frames.append(
        {
            "kind": "verdict",
            "title": text("handout.slides_verdict", lang),
            "text": text("handout.slides_verified", lang)
            if part.verified
            else text("handout.slides_not_verified", lang),
        }
    )
    return frames


def _verdict(form: dict[str, Any], lang: str) -> str:
    if form["holds"]:
        if form["checked"] == 1:
            return text("handout.ans_holds_one", lang)
        return text("handout.ans_holds", lang, checked=form["checked"])
    return fails_verdict(form, lang)


def render_slides(handout: Handout, env: Any = None) -> str:
    """The Beamer source of the slides."""
    from .escape import tex_text
    from .formats import _context

    env = env or environment()
    parts = [
        {
            "number": p.number,
            "heading": tex_text(p.heading),
            "frames": slide_frames(p, handout.spec.language),
        }
        for p in handout.parts
    ]
    return render(
        env,
        "handout/slides.tex.j2",
        parts=parts,
        **_context(handout, "slides", tex_text, "tex"),
    )
