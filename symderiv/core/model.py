"""The data model: a derivation is data.

Every stage of the pipeline returns frozen dataclasses defined here; the
renderers (:mod:`symderiv.render`) only read them.  The one way back up is the
display mixin of :class:`Derivation` (``to_latex``, ``str()``, Jupyter), which
imports the renderers lazily, as SymPy's ``Printable`` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sympy

from .symbols import Notation, SymbolTensor

if TYPE_CHECKING:
    from ..formulas.nodes import Formula
    from ..worked.values import WorkedValues
    from .layer import Layer

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


@dataclass(frozen=True, repr=False)
class Element:
    """One element of a tensor as an explicit expression.

    For a polynomial (``polynomial`` true) ``terms`` is the display order
    (row-major, the order the chain rule visits the outputs) and ``expr`` is
    SymPy's canonical sum of the same terms.  Any other expression (a sigmoid,
    a softmax) has ``expr`` only and no ``terms``.
    """

    tensor: str
    index: tuple[int, ...]
    terms: tuple[Term, ...]
    expr: sympy.Expr
    polynomial: bool = field(default=True, kw_only=True)

    def __repr__(self) -> str:
        # the expansion printed in display order, never SymPy's ordered (quadratic) print
        shown = (
            sympy.sstr(sympy.Add(*(t.expr() for t in self.terms), evaluate=False), order="none")
            if self.polynomial and self.terms
            else sympy.sstr(self.expr, order="none")
        )
        return f"{type(self).__name__}({self.tensor}{list(self.index)} = {shown})"


@dataclass(frozen=True)
class Contribution:
    """The output ``Z[output]`` depends on the differentiated element with
    ``dZ[output]/dx == derivative`` (the partner it was multiplied by)."""

    output: tuple[int, ...]
    derivative: sympy.Expr


@dataclass(frozen=True, repr=False)
class GradientElement(Element):
    """dE/dx for one element x, with the contributions it came from."""

    contributions: tuple[Contribution, ...] = field(default=(), kw_only=True)


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

    ``stated_in`` is where the formula belongs (a convention, or the mistake it
    makes); ``expected`` says whether the layer's verdict needs it to hold.
    ``decided_by`` says how the last element was decided: ``expand`` (canonical
    polynomials), ``cancel`` (rational functions), ``counterexample`` (a
    point where the two sides differ) or ``undecided``; an undecided element
    never counts as holding.
    """

    of: str
    formula: Formula
    stated_in: str
    holds: bool
    checked: int
    failures: int
    first_failure: Failure | None
    expected: bool = True
    decided_by: str = "expand"
    undecided: int = 0


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


class _Display:
    """The display mixin: renderers are imported only when a record is shown."""

    def to_latex(
        self,
        lang: str = "en",
        detail: str = "full",
        fragment: bool = False,
        *,
        figures: bool | None = None,
        worked: WorkedValues | None = None,
    ) -> str:
        """The LaTeX sheet: ``lang`` "en" (pdflatex) or "zh" (xelatex); ``detail`` "full"
        or "summary"; ``fragment``: without preamble, to ``\\input`` into one's notes;
        ``figures``: draw the layer's figures as TikZ (None: by default, for small 1-D and
        2-D convolution and pooling layers in full detail); ``worked``: integers carried
        through it, from ``symderiv.worked.worked_values``."""
        from ..render.documents import render_tex
        from ..render.options import RenderOptions

        options = RenderOptions(
            lang=lang, detail=detail, fragment=fragment, figures=figures, worked=worked
        )
        return render_tex(self, options)  # type: ignore[arg-type]

    def to_markdown(
        self,
        lang: str = "en",
        detail: str = "full",
        *,
        figures: bool | None = None,
        stem: str | None = None,
        worked: WorkedValues | None = None,
    ) -> str:
        """The GitHub-flavoured Markdown sheet (``lang``, ``detail``, ``figures`` and
        ``worked`` as for ``to_latex``), for a file ``STEM.md`` (default: the layer's
        label); its figures link to the SVG files
        ``symderiv.figures.companion_files(d, stem=STEM)`` gives, to be written beside it."""
        from ..render.documents import render_md
        from ..render.options import RenderOptions

        options = RenderOptions(lang=lang, detail=detail, figures=figures, stem=stem, worked=worked)
        return render_md(self, options)  # type: ignore[arg-type]

    def to_json(self) -> str:
        """The ``symderiv/1`` JSON document."""
        from ..render.documents import render_json

        return render_json(self)  # type: ignore[arg-type]

    def _repr_latex_(self) -> str:
        from ..render.summary import summary_latex

        return summary_latex(self)  # type: ignore[arg-type]

    def __str__(self) -> str:
        from ..render.summary import summary_text

        return summary_text(self)  # type: ignore[arg-type]


@dataclass(frozen=True, eq=False, repr=False)
class Derivation(_Display):
    """Everything derived and proved about one layer; renderers read only this."""

    layer: Layer
    notation: Notation
    tensors: tuple[SymbolTensor, ...]
    forward: tuple[Element, ...]
    gradients: tuple[GradientElement, ...]
    closed_forms: tuple[ClosedFormCheck, ...]
    numeric: NumericCheck
    exhibits: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        # never SymPy's printing of the expansions: it is quadratic on long sums
        verdict = "verified" if self.verified else "NOT verified"
        return (
            f"<Derivation {self.layer.label()}: {verdict}, {len(self.forward)} forward and "
            f"{len(self.gradients)} gradient elements, {len(self.closed_forms)} closed forms>"
        )

    @property
    def spec(self) -> Layer:
        """The layer (the name kept from when every layer was a convolution)."""
        return self.layer

    @property
    def regroupings(self) -> tuple[Regrouping, ...]:
        """A convolution's kernel gradient regrouped by delta element (else empty)."""
        return tuple(self.exhibits.get("regroupings", ()))

    @property
    def delta_maps(self) -> tuple[DeltaMap, ...]:
        """A convolution's delta maps as its input gradient reads them (else empty)."""
        return tuple(self.exhibits.get("delta_maps", ()))

    def tensor(self, letter: str) -> SymbolTensor:
        """The symbols of one tensor, by letter (``A``, ``K``, ``b``, ``D``, …)."""
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
        wrt = self.layer.wrt()
        raise KeyError(
            f"no gradient element {of}{list(index)}: "
            + (
                f"{of} has shape {shapes[of]}; give its full index"
                if of in wrt
                else "the gradients are of " + ", ".join(repr(x) for x in wrt)
            )
        )

    def gradients_of(self, of: str) -> tuple[GradientElement, ...]:
        """Every gradient element of one tensor, row-major."""
        return tuple(g for g in self.gradients if g.tensor == of)

    @property
    def verified(self) -> bool:
        """Every closed form the layer expects to hold was proved equal to the
        derivation and the numeric cross-check agrees.  (Formulas of the other
        convention, or known mistakes, are reported, not required to fail: for a
        1×1 kernel the other convention's formulas hold too.)"""
        own = all(c.holds for c in self.closed_forms if c.expected)
        return own and self.numeric.passed
