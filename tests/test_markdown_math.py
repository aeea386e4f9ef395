"""Every math snippet of the Markdown sheets renders with KaTeX in strict mode.

GitHub renders Markdown math with MathJax; KaTeX (strict) is a quick, stricter validator.
Needs Node.js and the npm package ``katex`` on NODE_PATH (``.ci/run`` installs it).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

import symderiv

from .conftest import ROOT

SCRIPT = ROOT / "tests" / "tools" / "katex_check.js"


def _katex_available() -> bool:
    if shutil.which("node") is None:
        return False
    probe = subprocess.run(["node", "-e", "require('katex')"], capture_output=True, check=False)
    return probe.returncode == 0


pytestmark = pytest.mark.skipif(not _katex_available(), reason="node with katex is not available")


def _snippets(markdown: str) -> list[list[object]]:
    display = [[True, m] for m in re.findall(r"```math\n(.*?)\n```", markdown, re.DOTALL)]
    inline = [[False, m] for m in re.findall(r"\$`([^`]*)`\$", markdown)]
    return display + inline


def _katex_errors(snippets: list[list[object]]) -> list[str]:
    out = subprocess.run(
        ["node", str(SCRIPT)],
        input=json.dumps(snippets),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_the_validator_catches_broken_math():
    errors = _katex_errors([[True, r"\frac{1}{"], [False, r"A_{00}"], [True, r"\nosuchmacro x"]])
    assert len(errors) == 2


@pytest.mark.parametrize("path", sorted(ROOT.glob("output/*.md")), ids=lambda p: p.stem)
def test_gallery_markdown_math_renders(path):
    snippets = _snippets(path.read_text(encoding="utf-8"))
    assert len(snippets) > 15  # the extraction found the math (the smallest sheet has ~30)
    assert _katex_errors(snippets) == []


def test_markdown_with_channels_batch_and_commas_renders():
    d = symderiv.conv2d(
        input=(11, 4),
        kernel=(2, 2),
        in_channels=2,
        out_channels=2,
        batch=2,
        convention="convolution",
    ).derive()
    assert _katex_errors(_snippets(d.to_markdown())) == []
