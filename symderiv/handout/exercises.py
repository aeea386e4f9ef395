"""Exercises and their answers, made from a derivation.

Every question is asked about what symderiv derived, and every answer is read
off the derived and proved data (the expansions the chain rule produced, the
contributions it recorded, the closed forms' exact verdicts); nothing is typed
in.  The kinds (see ``EXERCISE_KINDS``):

``terms``          an expansion with chosen terms left blank (every third term);
``contributions``  which elements a parameter multiplies, into which outputs;
``expansion``      a whole gradient element to write out;
``choice``         which of the stated formulas holds for this layer;
``closed_form``    the right-hand side of a proved closed form left blank.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy

from ..render.messages import text
from ..render.printing import term_width

if TYPE_CHECKING:
    from ..core.model import GradientElement
    from ..render.sheet import SheetView

__all__ = ["Exercise", "make_exercises"]

_BUDGET = 52.0  # width units of a display row beside its left-hand side (see render.sheet)
_MAX_BLANKS = 4
_LABELS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Exercise:
    """One numbered exercise and its answer.

    ``prompt`` is prose markup; ``question`` and ``answer_math`` are display rows
    (LaTeX: ``lhs``, then the rows of the right-hand side); ``choices`` are the
    formulas to choose from, ``holds`` and ``verdicts`` their exact verdicts (the
    answer), and ``answer`` the answer in words (prose markup)."""

    number: int
    part: int
    kind: str
    prompt: str
    question: tuple[str, tuple[str, ...]] | None
    choices: tuple[str, ...]
    holds: tuple[bool, ...]
    verdicts: tuple[str, ...]
    answer: str
    answer_math: tuple[str, tuple[str, ...]] | None


def _box(width_of: str) -> str:
    """An empty box as wide as ``width_of`` (a LaTeX term), in math mode."""
    return rf"\boxed{{\phantom{{{width_of}}}}}"


def _wide_box(width: int = 14) -> str:
    """An empty box for a whole expression (KaTeX and LaTeX both take these units)."""
    return rf"\boxed{{\rule{{0pt}}{{2.2ex}}\hspace{{{width}em}}}}"


def _rows(parts: list[tuple[str, str, float]], budget: float = _BUDGET) -> tuple[str, ...]:
    """Terms (sign, body, width) joined into display rows of at most ``budget`` units."""
    rows: list[str] = []
    line = ""
    used = 0.0
    for k, (sign, body, width) in enumerate(parts):
        piece = (("- " if sign == "-" else "") + body) if k == 0 else f" {sign} {body}"
        if line and used + width > budget:
            rows.append(line)
            line, used = f"{sign} {body}", 0.0
        else:
            line += piece
        used += width + 1.5
    rows.append(line)
    return tuple(r.strip() for r in rows)


def _list_rows(items: list[str], budget: float = _BUDGET) -> tuple[str, ...]:
    """Items separated by commas, in display rows of at most ``budget`` units."""
    rows: list[list[str]] = [[]]
    used = 0.0
    for item in items:
        width = term_width(item) + 2.5
        if rows[-1] and used + width > budget:
            rows.append([])
            used = 0.0
        rows[-1].append(item)
        used += width
    last = len(rows) - 1
    return tuple(r",\quad ".join(row) + ("," if k < last else "") for k, row in enumerate(rows))


def _signed(latex: str) -> tuple[str, str]:
    return ("-", latex[1:].strip()) if latex.startswith("-") else ("+", latex)


def blank_terms(lhs: str, printed: list[tuple[str, str]], language: str) -> dict[str, Any]:
    """The ``terms`` exercise of ``lhs = printed terms`` (each ``(sign, body)``): every third
    term, from the second, left as a labelled box (at most four); the key fills them in."""
    blanks = list(range(1, len(printed), 3))[:_MAX_BLANKS]
    parts, filled = [], []
    for k, (sign, body) in enumerate(printed):
        if k in blanks:
            label = _LABELS[blanks.index(k)]
            parts.append((sign, rf"\underset{{({label})}}{{{_box(body)}}}", term_width(body) + 2))
            filled.append((sign, rf"\boxed{{{body}}}", term_width(body) + 2))
        else:
            parts.append((sign, body, term_width(body)))
            filled.append((sign, body, term_width(body)))
    answer = ", ".join(
        f"({_LABELS[i]}) ${'-' if printed[k][0] == '-' else ''}{printed[k][1]}$"
        for i, k in enumerate(blanks)
    )
    return {
        "prompt": text("handout.ex_terms", language),
        "question": (lhs, _rows(parts)),
        "answer": answer,
        "answer_math": (lhs, _rows(filled)),
    }


def _pick(candidates: list[GradientElement], minimum: int) -> GradientElement | None:
    """The first element with at least ``minimum`` terms (a polynomial), preferring the
    second element of a tensor (``K_{01}``: not the corner everybody remembers)."""
    big = [g for g in candidates if g.polynomial and len(g.terms) >= minimum]
    if not big:
        return None
    return big[1] if len(big) > 1 else big[0]


class _Maker:
    def __init__(self, view: SheetView, sheet: dict[str, Any], language: str, part: int):
        self.view = view
        self.d = view.d
        self.sheet = sheet
        self.language = language
        self.part = part

    def wrt(self) -> tuple[str, ...]:
        return self.d.layer.wrt()

    def forms(self) -> list[dict[str, Any]]:
        for s in self.sheet["sections"]:
            if s["kind"] == "closed_forms":
                return list(s["forms"])
        return []

    def legend(self) -> str | None:
        """The closed forms' notation (``pad``, ``ins``, ``⋆``, ``route``…), for a question
        that shows them without the sheet beside it."""
        for s in self.sheet["sections"]:
            if s["kind"] == "closed_forms" and s.get("legend"):
                return str(s["legend"])
        return None

    # -- the kinds -------------------------------------------------------------
    def terms(self) -> dict[str, Any] | None:
        for letter in self.wrt():
            g = _pick(list(self.d.gradients_of(letter)), 3)
            if g is None:
                continue
            printed = [_signed(self.view.p.term(t)) for t in g.terms]
            return blank_terms(self.view.lhs(g), printed, self.language)
        return None

    def contributions(self) -> dict[str, Any] | None:
        for letter in self.wrt():
            g = _pick(list(self.d.gradients_of(letter)), 2)
            if g is None or not g.contributions:
                continue
            if not all(isinstance(c.derivative, sympy.Symbol) for c in g.contributions):
                continue
            out = self.d.forward[0].tensor if self.d.forward else "E"
            if out == "E":
                continue
            x = self.view.sym(letter, g.index)
            pairs = [
                rf"{self.view.p._print(c.derivative)} \to {self.view.sym(out, c.output)}"
                for c in g.contributions
            ]
            rows = _list_rows(pairs)
            return {
                "prompt": text("handout.ex_contributions", self.language, x=x),
                "question": None,
                "answer": "",
                "answer_math": (x, rows),
            }
        return None

    def expansion(self) -> dict[str, Any] | None:
        order = [x for x in ("A", *self.wrt()) if x in self.wrt()]
        for letter in order:
            elements = [g for g in self.d.gradients_of(letter) if g.expr != 0]
            if not elements:
                continue
            g = max(elements, key=lambda e: len(e.terms) if e.polynomial else 1)
            eq = self.view.equation(g)
            name = self.view.sym(g.tensor, g.index) if g.index else g.tensor
            one_term = g.polynomial and len(g.terms) == 1
            return {
                "prompt": text(
                    "handout.ex_expansion_one" if one_term else "handout.ex_expansion",
                    self.language,
                    lhs=rf"\partial E/\partial {name}",
                ),
                "question": (eq["lhs"], (_wide_box(20),)),
                "answer": "",
                "answer_math": (eq["lhs"], tuple(eq["rows"])),
            }
        return None

    def _convention(self) -> str:
        convention = getattr(self.d.layer, "convention", None)
        if convention:
            from ..layers.conv.sheet import convention_name
            from ..render.messages import translator

            name = convention_name(convention, translator(self.language))
            return text("handout.convention_named", self.language, name=name)
        return text("handout.convention_layer", self.language)

    def _verdict(self, form: dict[str, Any]) -> str:
        if form["holds"]:
            if form["checked"] == 1:
                return text("handout.ans_holds_one", self.language)
            return text("handout.ans_holds", self.language, checked=form["checked"])
        return fails_verdict(form, self.language)

    def choice(self, avoid: str | None) -> dict[str, Any] | None:
        # the matrix differential's M is defined only in its own section
        forms = [f for f in self.forms() if f["stated_in"] != "matrix differential"]
        letters = list(dict.fromkeys(f["of"] for f in forms))
        letters.sort(key=lambda x: x == avoid)
        for letter in letters:
            group = [f for f in forms if f["of"] == letter]
            if not any(f["holds"] for f in group) or all(f["holds"] for f in group):
                continue
            group.sort(key=lambda f: zlib.crc32(f["latex"].encode()))  # mixed, reproducibly
            choices = tuple(_rhs(f["latex"]) for f in group)
            lhs = rf"\partial E/\partial {self.view.p.name(letter, ())}"
            prompt = text(
                "handout.ex_choice", self.language, lhs=lhs, convention=self._convention()
            )
            legend = self.legend()
            return {
                "prompt": prompt if legend is None else f"{prompt}\n{legend}",
                "question": None,
                "choices": choices,
                "holds": tuple(bool(f["holds"]) for f in group),
                "verdicts": tuple(self._verdict(f) for f in group),
                "answer": "",
                "answer_math": None,
                "of": letter,
            }
        return None

    def closed_form(self, avoid: str | None) -> dict[str, Any] | None:
        forms = [f for f in self.forms() if f["holds"] and f["own"]]
        forms.sort(key=lambda f: (f["of"] == avoid, f["of"] != "A"))
        for f in forms:
            lhs, rhs = _split(f["latex"])
            if not rhs:
                continue
            return {
                "prompt": text("handout.ex_closed_form", self.language),
                "question": (lhs, (_wide_box(14),)),
                "answer": "",
                "answer_math": (lhs, (rhs,)),
                "of": f["of"],
            }
        return None


def fails_verdict(form: dict[str, Any], language: str) -> str:
    """Why a closed form that was not proved does not hold: the reason it could not be
    evaluated (shapes that do not fit), else at how many elements it differs."""
    if form["failures"] == 0:
        return text("handout.ans_undecided", language)
    failure = form.get("failure")
    reason = failure.get("reason") if isinstance(failure, dict) else None
    if reason:
        from ..render.reasons import reason_text

        shown = reason_text(str(reason), language)
        shown = shown[:1].lower() + shown[1:]  # after "does not hold:"
        return text("handout.ans_fails_reason", language, reason=shown)
    return text("handout.ans_fails", language, failures=form["failures"], checked=form["checked"])


def _given(view: SheetView, language: str) -> str | None:
    """What a question about max pooling needs that the symbols do not say: the values of
    A that set the switches, and the rule for a tied window."""
    layer = view.d.layer
    if not hasattr(layer, "a_values") or not hasattr(layer, "ties"):
        return None
    values = np.asarray(layer.a_values)
    while values.ndim > 2 and values.shape[0] == 1:
        values = values[0]
    if values.ndim != 2:
        return None
    rows = r" \\ ".join(" & ".join(str(v) for v in row) for row in values.tolist())
    matrix = rf"\begin{{bmatrix}} {rows} \end{{bmatrix}}"
    rule = text(
        {"first": "handout.ties_first", "split": "handout.ties_split"}[layer.ties], language
    )
    return text("handout.ex_given_values", language, matrix=matrix, rule=rule)


def _split(latex: str) -> tuple[str, str]:
    """``lhs = rhs`` at its first top-level ``=``."""
    depth = 0
    for i, ch in enumerate(latex):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "=" and depth == 0:
            return latex[:i].strip(), latex[i + 1 :].strip()
    return latex, ""


def _rhs(latex: str) -> str:
    return _split(latex)[1] or latex


def make_exercises(
    view: SheetView,
    sheet: dict[str, Any],
    kinds: tuple[str, ...],
    language: str,
    *,
    part: int,
    start: int,
) -> tuple[Exercise, ...]:
    """The exercises of one derivation, numbered from ``start``: one of each kind asked
    for that applies to the layer, in the order of ``EXERCISE_KINDS``."""
    maker = _Maker(view, sheet, language, part)
    made: list[tuple[str, dict[str, Any]]] = []
    chosen: str | None = None
    for kind in ("terms", "contributions", "expansion", "choice", "closed_form"):
        if kind not in kinds:
            continue
        if kind == "choice":
            found = maker.choice(None)
            chosen = found["of"] if found else None
        elif kind == "closed_form":
            found = maker.closed_form(chosen)
            # a closed form of the letter the choice asked about is among its answers
            if found is not None and chosen is not None and found["of"] == chosen:
                found = None
        else:
            found = getattr(maker, kind)()
        if found is not None:
            made.append((kind, found))
    given = _given(view, language)
    return tuple(
        Exercise(
            number=start + i,
            part=part,
            kind=kind,
            prompt=found["prompt"] if given is None else f"{given}\n{found['prompt']}",
            question=found["question"],
            choices=found.get("choices", ()),
            holds=found.get("holds", ()),
            verdicts=found.get("verdicts", ()),
            answer=found["answer"],
            answer_math=found["answer_math"],
        )
        for i, (kind, found) in enumerate(made)
    )
