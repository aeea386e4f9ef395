"""Exercises and their answers, made from a whole network's derivation.

As for a single layer (:mod:`symderiv.handout.exercises`), every question is
asked about what symderiv derived and every answer is read off the derived and
proved data: the delta recursion's rules, each stated as its layer kind's own
closed form, and their elements with the network's numbers filled in.  The kinds
a network gives:

``terms``        a parameter gradient's element (the first with at least three
                 terms) with every third term left blank;
``expansion``    the delta passed back through a layer, one element written out
                 (the first rule of the backward pass whose element has several terms);
``closed_form``  the delta through an activation, ``δ ∘ f′``, left blank (the step
                 the notes' sensitivities hinge on), else the first input-delta rule.

``contributions`` and ``choice`` ask about one layer's forward pass and its
competing formulas: the network's layers have their own items for those.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import sympy

from ..render.messages import text
from ..render.printing import term_width
from .exercises import Exercise, _rows, _signed, _wide_box, blank_terms

if TYPE_CHECKING:
    from ..network.backward import Rule, StageBackward
    from ..network.model import NetworkDerivation

__all__ = ["make_network_exercises"]

_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "identity")
_MAX_ROWS = 3  # an element written out in an answer: at most this many display rows


class _NetworkMaker:
    def __init__(self, d: NetworkDerivation, language: str) -> None:
        from ..network.sheet import _View
        from ..render.options import RenderOptions

        self.d = d
        self.v = _View(d, RenderOptions(lang=language))
        self.language = language

    def _steps(self) -> list[StageBackward]:
        """The layers walked backwards, as the backward pass meets them."""
        return [s for s in self.d.backward.steps if s.op.stage is not None]

    def _lhs(self, step: StageBackward, rule: Rule, index: tuple[int, ...]) -> str:
        from ..network.model import delta_name

        if rule.of == "A":
            return self.v.element(delta_name(step.op.inputs[0]), index)
        return rf"\frac{{\partial E}}{{\partial {self.v.element(rule.target, index)}}}"

    def _terms(self, expr: sympy.Expr) -> list[tuple[str, str]]:
        return [_signed(self.v.p.doprint(a)) for a in sympy.Add.make_args(expr)]

    # -- the kinds -------------------------------------------------------------
    def terms(self) -> dict[str, Any] | None:
        """Blanks in the first parameter gradient element, walking forwards through the
        layers, that has at least three terms."""
        for step in reversed(self._steps()):
            for rule in step.rules:
                if rule.of == "A":
                    continue
                for index in np.ndindex(rule.named.shape):
                    printed = self._terms(rule.named[index])
                    if len(printed) >= 3:
                        return blank_terms(self._lhs(step, rule, index), printed, self.language)
        return None

    def expansion(self) -> dict[str, Any] | None:
        """The first input delta of the backward pass whose first element has several
        terms and fits a few rows."""
        for step in self._steps():
            for rule in step.rules:
                if rule.of != "A":
                    continue
                index = (0,) * rule.named.ndim
                printed = self._terms(rule.named[index])
                if len(printed) < 2:
                    continue
                lhs = self._lhs(step, rule, index)
                rows = _rows([(s, b, term_width(b)) for s, b in printed])
                if len(rows) > _MAX_ROWS:
                    continue
                return {
                    "prompt": text(
                        "handout.ex_net_expansion",
                        self.language,
                        lhs=lhs,
                        layer=step.op.stage.label if step.op.stage else "",
                        delta=self.v.delta(step.op.output),
                    ),
                    "question": (lhs, (_wide_box(20),)),
                    "answer": "",
                    "answer_math": (lhs, rows),
                }
        return None

    def closed_form(self) -> dict[str, Any] | None:
        """The delta through an activation (the first the backward pass meets), else
        through the first layer that passes a delta back."""
        from ..network.sheet import _rule_line

        candidates = []
        for step in self._steps():
            assert step.op.stage is not None
            for rule in step.rules:
                if rule.of == "A" and rule.claim is not None:
                    candidates.append((step.op.stage.kind not in _ACTIVATIONS, step, rule))
        if not candidates:
            return None
        _, step, rule = min(candidates, key=lambda c: c[0])  # stable: the first of its kind
        assert step.op.stage is not None
        line = _rule_line(self.v, step.op, rule)
        return {
            "prompt": text(
                "handout.ex_net_closed_form",
                self.language,
                layer=step.op.stage.label,
                kind=step.op.stage.kind,
                delta=self.v.delta(step.op.output),
            ),
            "question": (line["lhs"], (_wide_box(14),)),
            "answer": "",
            "answer_math": (line["lhs"], (line["rhs"],)),
        }


def make_network_exercises(
    d: NetworkDerivation, kinds: tuple[str, ...], language: str, *, part: int, start: int
) -> tuple[Exercise, ...]:
    """The exercises of one network, numbered from ``start``: one of each kind asked for
    that a network gives (``terms``, ``expansion``, ``closed_form``), in that order."""
    maker = _NetworkMaker(d, language)
    made: list[tuple[str, dict[str, Any]]] = []
    for kind in ("terms", "expansion", "closed_form"):
        if kind in kinds:
            found = getattr(maker, kind)()
            if found is not None:
                made.append((kind, found))
    return tuple(
        Exercise(
            number=start + i,
            part=part,
            kind=kind,
            prompt=found["prompt"],
            question=found["question"],
            choices=(),
            holds=(),
            verdicts=(),
            answer=found["answer"],
            answer_math=found["answer_math"],
        )
        for i, (kind, found) in enumerate(made)
    )
