"""The wheel ships the templates: install it into a fresh virtual environment and render."""

from __future__ import annotations

import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.mark.slow
def test_wheel_renders_from_a_fresh_virtual_environment(tmp_path: Path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("symderiv-*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    # The dependencies come from this interpreter's site-packages, appended after the
    # fresh environment's own (and only after installing, or pip would find symderiv
    # there and skip the wheel), so symderiv itself can only come from the wheel.
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(purelib, "_deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    script = (
        "import symderiv, symderiv.render.documents as r;"
        "print(symderiv.__file__); print(r.template_dir());"
        "print(symderiv.conv2d().derive().to_markdown().splitlines()[1])"
    )
    out = subprocess.run(
        [str(python), "-c", script], check=True, capture_output=True, text=True, cwd=tmp_path
    ).stdout.splitlines()
    assert out[0].startswith(str(env_dir))
    assert out[1] == str(Path(out[0]).parent / "templates")
    assert out[2] == "# conv2d: 4×4 input, 2×2 kernel, correlation convention"
    cli = subprocess.run(
        [str(env_dir / "bin" / "symderiv"), "derive", "--format", "json", "--output", "-"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert '"format": "symderiv/1"' in cli.stdout
