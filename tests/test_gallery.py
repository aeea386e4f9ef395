"""The gallery in output/ is exactly what the tool regenerates today."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from symderiv.cli import cli
from symderiv.gallery import CATALOGUE_STEM, GALLERY, gallery_names

from .conftest import ROOT, needs_latex

OUTPUT = ROOT / "output"


def _expected_names() -> list[str]:
    names = [name for spec in GALLERY for name in gallery_names(spec)]
    names += [f"{CATALOGUE_STEM}.{ext}" for ext in ("tex", "md", "json", "pdf")]
    return sorted(names)


def test_gallery_lists_the_committed_files():
    assert sorted(p.name for p in OUTPUT.iterdir() if p.is_file()) == _expected_names()


@pytest.mark.latex
@needs_latex
def test_regenerating_the_gallery_gives_byte_identical_files(tmp_path: Path):
    result = CliRunner().invoke(cli, ["gallery", "--output", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for name in _expected_names():
        assert (tmp_path / name).read_bytes() == (OUTPUT / name).read_bytes(), name
