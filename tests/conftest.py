from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import symderiv

ROOT = Path(__file__).resolve().parent.parent

needs_latex = pytest.mark.skipif(
    shutil.which("pdflatex") is None, reason="pdflatex (TeX Live) is not installed"
)


@pytest.fixture(scope="session")
def classic() -> symderiv.Derivation:
    """The notes' example: 4×4 input, 2×2 kernel, correlation."""
    return symderiv.conv2d(input=(4, 4), kernel=(2, 2)).derive()


@pytest.fixture(scope="session")
def classic_convolution() -> symderiv.Derivation:
    return symderiv.conv2d(input=(4, 4), kernel=(2, 2), convention="convolution").derive()
