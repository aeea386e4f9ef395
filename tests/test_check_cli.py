"""`symderiv check` on the command line: answers, exit statuses, and hostile formulas."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from symderiv.cli import cli

from .conftest import ROOT


def run(*args: str):
    return CliRunner().invoke(cli, ["check", *args])


def test_a_formula_that_holds_exits_0():
    r = run("conv2d", "conv2(x, rot180(delta), 'valid')", "--for", "K")
    assert r.exit_code == 0
    assert r.stdout == (
        "conv2d_4x4_k2x2_correlation: dE/dK = conv2(x, rot180(delta), 'valid')\n"
        "  read as conv2(A, rot180(D), 'valid') (one map pair; the layer sums the rest)\n"
        "  holds: proved equal to the derivation at all 4 elements\n"
    )


def test_the_notes_formula_is_refuted_with_its_diagnosis_and_exits_1():
    r = run("conv2d", "rot180(conv2(x, rot180(δ), 'valid'))", "--for", "K")
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    assert lines[2] == "  does not hold: it differs from the derivation at 4 of 4 elements"
    assert lines[3] == "  first at dE/dK00:"
    assert lines[6] == (
        "    missing: A00·D00, A01·D01, A02·D02, A10·D10, A11·D11, A12·D12, A20·D20, A21·D21, "
        "A22·D22"
    )
    assert lines[-1] == (
        "  diagnosis: the other convention: it holds for a true-convolution forward pass "
        "(MATLAB conv2, Bouvrie), not for this correlation layer"
    )


def test_json_answer():
    r = run("conv2d", "conv2(A, D, 'valid')", "--for", "K", "--format", "json")
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    assert {k: doc[k] for k in ("holds", "checked", "diagnosis", "repair")} == {
        "holds": False,
        "checked": 4,
        "diagnosis": "a rot180 missing around D",
        "repair": "conv2(A, rot180(D), 'valid')",
    }
    assert doc["first_failure"]["index"] == [0, 0, 0, 0]
    assert doc["first_failure"]["formula"].startswith("A[0,0,0,0]*D[0,0,2,2] + ")


def test_layer_options_apply():
    r = run("conv2d", "D * K", "--for", "A", "--input", "5x5", "--kernel", "3x3")
    assert r.exit_code == 0, r.output
    assert "all 25 elements" in r.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["conv2d", "A", "--for", "Q"], "--for 'Q': conv2d has gradients of K, b, A"),
        (["conv9d", "A", "--for", "K"], "layer 'conv9d': expected one of"),
        (["conv2d", "A", "--for", "K", "--format", "xml"], "--format 'xml': expected text or json"),
        (["conv2d", "A", "--for", "K", "--input", "4x"], "--input '4x': expected 2 integers"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(args, message):
    r = run(*args)
    assert r.exit_code == 2
    assert r.stderr.startswith("symderiv: error: " + message)
    assert len(r.stderr.splitlines()) == 1


HOSTILE = [
    "__import__('os').system('touch x')",
    "A.__class__",
    "lambda: A",
    "f'{A}'",
    "(" * 10_000 + "A" + ")" * 10_000,
    "A+" * 50_000 + "A",
    "A\x00",
    "A ☃ D",
    "exec('touch x')",
    "open('x', 'w')",
]


@pytest.mark.parametrize("formula", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_formulas_are_refused_and_nothing_runs(formula, tmp_path: Path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if "\x00" in formula:  # a NUL cannot travel in argv: go through the API instead
        import symderiv
        from symderiv.checker import check
        from symderiv.formulas.parse import FormulaSyntaxError

        with pytest.raises(FormulaSyntaxError, match=r"unexpected character '\\x00' at column 2$"):
            check(symderiv.conv2d(), formula, "K")
        return
    proc = subprocess.run(
        [sys.executable, "-m", "symderiv", "check", "conv2d", formula, "--for", "K"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("symderiv: error: formula ")
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""
    assert list(tmp_path.iterdir()) == []  # nothing was executed, nothing written


def _readme_transcripts() -> list[tuple[str, str, int]]:
    """Each `$ symderiv check …` of the README with the output and exit status it shows."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    out = []
    for block in text.split("```text\n")[1:]:
        lines = block.split("```")[0].splitlines()
        i = 0
        while i < len(lines):
            if lines[i].startswith("$ symderiv check "):
                command, body = lines[i][2:], []
                i += 1
                while not lines[i].startswith("[exit "):
                    body.append(lines[i])
                    i += 1
                out.append((command, "\n".join(body) + "\n", int(lines[i][6:-1])))
            i += 1
    return out


def test_the_readme_shows_three_check_examples_one_of_each_outcome():
    assert sorted(status for _, _, status in _readme_transcripts()) == [0, 1, 2]


@pytest.mark.parametrize(("command", "shown", "status"), _readme_transcripts())
def test_readme_check_examples_print_what_the_readme_says(command, shown, status):
    import shlex

    r = CliRunner().invoke(cli, shlex.split(command)[1:])
    assert (r.stdout + r.stderr, r.exit_code) == (shown, status)


def test_derive_proves_the_users_claims_on_the_sheet(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(
        cli,
        ["derive", "--format", "md", "-o", "sheet.md",
         "--claim", "rot180(conv2(x, rot180(δ), 'valid'))", "--for", "K",
         "--claim", "D * K", "--for", "A"],
    )
    assert r.exit_code == 0, r.stderr  # the user's refuted formula does not fail the layer
    md = (tmp_path / "sheet.md").read_text()
    assert md.count("**Your formula for") == 2
    assert md.splitlines()[0].endswith(
        "--claim 'rot180(conv2(A, rot180(D), '\"'\"'valid'\"'\"'))' --for K "
        "--claim 'conv2(D, K, '\"'\"'full'\"'\"')' --for A -->"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--claim", "D * K"], "--claim given 1 time(s) and --for 0: give each --claim FORMULA its --for TENSOR"),
        (["--claim", "D", "--for", "Q"], "--for 'Q': conv2d has gradients of K, b, A"),
    ],
)
def test_bad_claims_are_refused_before_any_work(args, message, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(cli, ["derive", *args])
    assert (r.exit_code, r.stderr) == (2, f"symderiv: error: {message}\n")
    assert list(tmp_path.iterdir()) == []
