"""How a sheet is rendered: its language, its detail, whole document or fragment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..exceptions import SpecError
from .messages import language

if TYPE_CHECKING:
    from ..worked.values import WorkedValues

__all__ = ["DETAILS", "RenderOptions"]

DETAILS: tuple[str, ...] = ("full", "summary")


@dataclass(frozen=True)
class RenderOptions:
    """``lang``: ``"en"`` (pdflatex) or ``"zh"`` (xelatex with ctex); ``detail``:
    ``"full"`` (every element, the numeric check, the formulas' code lines) or
    ``"summary"`` (the story, one example element per gradient and the verdicts);
    ``fragment``: LaTeX without preamble, to ``\\input`` into one's own notes;
    ``figures``: draw the layer's figures (None: as :mod:`symderiv.figures.sheet` decides
    by default); ``stem``: the Markdown sheet's file stem, which names the SVG files it
    links to (default: the layer's label); ``worked``: integers to carry through the
    derivation in a "Worked numbers" section (:mod:`symderiv.worked`); ``handout``: the
    sheet is a part of a handout, so it points to no file of its own (the network's path,
    the JSON beside a sheet)."""

    lang: str = "en"
    detail: str = "full"
    fragment: bool = False
    figures: bool | None = None
    stem: str | None = None
    worked: WorkedValues | None = None
    #: the sheet is a part of a handout: it names no file of its own (no path, no JSON)
    handout: bool = False

    def __post_init__(self) -> None:
        language(self.lang, "lang")
        if not isinstance(self.detail, str) or self.detail not in DETAILS:
            raise SpecError(
                f"detail {self.detail!r}: expected one of {', '.join(DETAILS)}",
                field="detail",
                rule=f"expected one of {', '.join(DETAILS)}",
            )
        if not isinstance(self.fragment, bool):
            raise SpecError(
                f"fragment {self.fragment!r}: expected True or False",
                field="fragment",
                rule="expected True or False",
            )

    @property
    def summary(self) -> bool:
        """Is this the summary detail?"""
        return self.detail == "summary"

