"""The gallery in output/ is exactly what the tool regenerates today."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from symderiv.cli import cli
from symderiv.figures.sheet import figure_file, figure_names, wanted
from symderiv.gallery import CATALOGUE_STEM, GALLERY, gallery_names, handout_specs
from symderiv.handout.build import target_names
from symderiv.handout.file import NetworkItem
from symderiv.handout.html import find_katex

from .conftest import ROOT, needs_latex

OUTPUT = ROOT / "output"


def _expected_names() -> list[str]:
    names = [name for spec in GALLERY for name in gallery_names(spec)]
    names += [f"{CATALOGUE_STEM}.{ext}" for ext in ("tex", "md", "json", "pdf")]
    for handout in handout_specs():
        names += target_names(handout).values()
        if "md" in handout.formats:  # the SVG figures its Markdown links to, item by item
            for item in handout.items:
                sections = item.sections or handout.sections
                shown = sections is None or "figure" in sections
                if isinstance(item, NetworkItem):  # its layers' figure, in full detail
                    drawn = item.sections is None or "figure" in item.sections
                    if drawn and handout.detail == "full":
                        names.append(f"{handout.name}.item{item.number}.network.svg")
                    continue
                if shown and wanted(item.layer, None, summary=handout.detail == "summary"):
                    stem = f"{handout.name}.item{item.number}"
                    names += [figure_file(stem, name) for name in figure_names(item.layer)]
    return sorted(names)


def _katex_version(page: bytes) -> str:
    """The KaTeX version an HTML handout was typeset with (its generator line)."""
    return page.split(b"; KaTeX ", 1)[1].split(b'"', 1)[0].decode()


def test_gallery_lists_the_committed_files():
    assert sorted(p.name for p in OUTPUT.iterdir() if p.is_file()) == _expected_names()


@pytest.mark.slow  # the whole gallery, PDFs included: `python -m pytest -m slow`
@pytest.mark.latex
@needs_latex
@pytest.mark.skipif(find_katex() is None, reason="the handouts' HTML needs node with katex")
def test_regenerating_the_gallery_gives_byte_identical_files(tmp_path: Path):
    result = CliRunner().invoke(cli, ["gallery", "--output", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for name in _expected_names():
        new, committed = (tmp_path / name).read_bytes(), (OUTPUT / name).read_bytes()
        if name.endswith(".html") and _katex_version(new) != _katex_version(committed):
            continue  # typeset by another KaTeX release: its markup differs
        assert new == committed, name
