"""The gallery in output/ is exactly what the tool regenerates today."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from symderiv.cli import cli
from symderiv.gallery import CATALOGUE_STEM, GALLERY

from .conftest import ROOT, needs_latex

OUTPUT = ROOT / "output"


def _expected_names() -> list[str]:
    stems = [spec.label() for spec in GALLERY] + [CATALOGUE_STEM]
    return sorted(f"{stem}.{ext}" for stem in stems for ext in ("tex", "md", "json", "pdf"))


def test_gallery_lists_the_committed_files():
    assert sorted(p.name for p in OUTPUT.iterdir() if p.is_file()) == _expected_names()


@pytest.mark.latex
@needs_latex
def test_regenerating_the_gallery_gives_byte_identical_files(tmp_path: Path):
    result = CliRunner().invoke(cli, ["gallery", "--output", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for name in _expected_names():
        assert (tmp_path / name).read_bytes() == (OUTPUT / name).read_bytes(), name
