"""The data model: a derivation is data.

Every stage of the pipeline returns frozen dataclasses defined here; the
renderers (:mod:`symderiv.render`) only read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sympy

from .symbols import Notation, SymbolTensor

if TYPE_CHECKING:
    from .formulas import Formula
    from .spec import ConvSpec

__all__ = [
    "ClosedFormCheck",
    "Contribution",
    "DeltaMap",
    "Derivation",
    "Element",
    "Failure",
    "NumericCheck",
    "PatchTerm",
    "Regrouping",
    "Term",
]


@dataclass(frozen=True)
class Term:
    """One monomial: an exact rational coefficient times a product of symbols.

    A power is its factor repeated, so ``factors`` reads left to right as printed.
    """

    coeff: sympy.Rational
    factors: tuple[sympy.Symbol, ...]

    def expr(self) -> sympy.Expr:
        return self.coeff * sympy.Mul(*self.factors)


@dataclass(frozen=True)
class Element:
    """One element of a tensor as an explicit sum.

    ``terms`` is the display order (row-major, the order the chain rule visits
    the outputs); ``expr`` is SymPy's canonical sum of the same terms.
    """

    tensor: str
    index: tuple[int, ...]
    terms: tuple[Term, ...]
    expr: sympy.Expr


@dataclass(frozen=True)
class Contribution:
    """The output ``Z[output]`` depends on the differentiated element with
    ``dZ[output]/dx == derivative`` (the partner it was multiplied by)."""

    output: tuple[int, ...]
    derivative: sympy.Expr


@dataclass(frozen=True)
class GradientElement(Element):
    """dE/dx for one element x of A, K or b, with the contributions it came from."""

    contributions: tuple[Contribution, ...] = ()


@dataclass(frozen=True)
class PatchTerm:
    """``delta`` times a patch (a matrix of expressions) in the regrouped kernel gradient."""

    delta: sympy.Symbol
    patch: tuple[tuple[sympy.Expr, ...], ...]


@dataclass(frozen=True)
class Regrouping:
    """dE/dK for kernel map ``kernel_map`` (its leading K indices) as sum_u D_u * patch_u."""

    kernel_map: tuple[int, ...]
    terms: tuple[PatchTerm, ...]


@dataclass(frozen=True)
class DeltaMap:
    """One map of the delta as the input-gradient formula uses it (zero-padded)."""

    delta_map: tuple[int, ...]
    border: tuple[int, ...]
    rows: tuple[tuple[sympy.Expr, ...], ...]


@dataclass(frozen=True)
class Failure:
    """The first element (row-major) where a closed form differs from the derivation."""

    index: tuple[int, ...]
    derived: sympy.Expr
    closed: sympy.Expr
    reason: str = ""


@dataclass(frozen=True)
class ClosedFormCheck:
    """A closed form for the gradient of ``of`` and its exact, element-by-element verdict.

    ``stated_in`` is the convention the formula belongs to; when it is not
    the layer's own convention the formula is expected to be refuted.
    """

    of: str
    formula: Formula
    stated_in: str
    holds: bool
    checked: int
    failures: int
    first_failure: Failure | None


@dataclass(frozen=True)
class NumericCheck:
    """Derived gradients evaluated at random values against a plain-loop numpy reference.

    ``max_error`` holds, per tensor, the largest |derived − reference| divided by
    max(1, sum of |term|) of the element."""

    seed: int
    tolerance: float
    max_error: tuple[tuple[str, float], ...]

    @property
    def passed(self) -> bool:
        return all(err <= self.tolerance for _, err in self.max_error)


@dataclass(frozen=True, eq=False)
class Derivation:
    """Everything derived and proved about one layer; renderers read only this."""

    spec: ConvSpec
    notation: Notation
    tensors: tuple[SymbolTensor, ...]
    forward: tuple[Element, ...]
    gradients: tuple[GradientElement, ...]
    regroupings: tuple[Regrouping, ...]
    delta_maps: tuple[DeltaMap, ...]
    closed_forms: tuple[ClosedFormCheck, ...]
    numeric: NumericCheck

    def tensor(self, letter: str) -> SymbolTensor:
        """The symbols of ``A``, ``K``, ``b`` or ``D``."""
        for t in self.tensors:
            if t.letter == letter:
                return t
        raise KeyError(letter)

    def gradient(self, of: str, index: tuple[int, ...]) -> GradientElement:
        """dE/d``of``[index]; the index is the full PyTorch-layout index."""
        for g in self.gradients:
            if g.tensor == of and g.index == tuple(index):
                return g
        shapes = {t.letter: t.shape for t in self.tensors}
        raise KeyError(
            f"no gradient element {of}{list(index)}: "
            + (
                f"{of} has shape {shapes[of]}; give its full index"
                if of in shapes and of != "D"
                else "the gradients are of 'K', 'b' and 'A'"
            )
        )

    def gradients_of(self, of: str) -> tuple[GradientElement, ...]:
        """Every gradient element of ``K``, ``b`` or ``A``, row-major."""
        return tuple(g for g in self.gradients if g.tensor == of)

    @property
    def verified(self) -> bool:
        """Every closed form of the layer's own convention was proved equal to the
        derivation and the numeric cross-check agrees.  (The other convention's
        formulas are reported, not required to fail: for a 1×1 kernel they hold too.)"""
        own = all(
            c.holds for c in self.closed_forms if c.stated_in in (self.spec.convention, "both")
        )
        return own and self.numeric.passed

    # ---- rendering shortcuts -------------------------------------------
    def to_latex(self) -> str:
        """The standalone LaTeX sheet."""
        from .render import render_tex

        return render_tex(self)

    def to_markdown(self) -> str:
        """The GitHub-flavoured Markdown sheet."""
        from .render import render_md

        return render_md(self)

    def to_json(self) -> str:
        """The ``symderiv/1`` JSON document."""
        from .render import render_json

        return render_json(self)

    def _repr_latex_(self) -> str:
        from .render import summary_latex

        return summary_latex(self)

    def __str__(self) -> str:
        from .render import summary_text

        return summary_text(self)
