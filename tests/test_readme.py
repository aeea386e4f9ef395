"""Every `symderiv derive` example in the README runs and verifies (synopsis lines,
which hold [optional] parts, are not examples)."""

from __future__ import annotations

import re
import shlex
import shutil

import pytest
from click.testing import CliRunner

from symderiv.cli import cli

from .conftest import ROOT

EXAMPLES = sorted(
    {
        line.split("#")[0].strip()
        for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
        if re.match(r"^(\$ )?symderiv derive(\s|$)", line.strip()) and "[" not in line
    }
)


def test_readme_has_an_example_per_layer_kind():
    from symderiv import KINDS

    kinds = {shlex.split(e.removeprefix("$ "))[2] for e in EXAMPLES if len(shlex.split(e)) > 2}
    assert set(KINDS) <= kinds


@pytest.mark.parametrize("command", EXAMPLES)
def test_readme_example_runs(command, tmp_path, monkeypatch):
    args = shlex.split(command.removeprefix("$ "))[1:]
    formats = args[args.index("--format") + 1] if "--format" in args else ""
    if "pdf" in formats and not shutil.which("pdflatex"):
        pytest.skip("pdflatex is not installed")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").symlink_to(ROOT / "examples")  # the README's network files
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.rstrip().endswith(": verified")
