"""Fault injection with real processes: standard output under a file size limit,
closed early, closed, or full.

Each test runs a small Python program that calls :func:`symderiv.output.write_stdout`
the way the command line does (an :class:`OutputError` is printed as one line and
exits 1), injects one fault, and checks the exit status and that stderr is one line
with no traceback.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys

from symderiv.sheet import MARKER

from .conftest import ROOT

# The program imports output.py without the package's __init__ (and so without sympy):
# a second per process, saved, keeps this suite fast.  It needs only MARKER of sheet.py.
PROGRAM = r"""
import json, sys, types

args = json.loads(sys.argv[1])
package = types.ModuleType("symderiv")
package.__path__ = [args["package"]]
sheet = types.ModuleType("symderiv.sheet")
sheet.MARKER = args["marker"]
sys.modules.update({"symderiv": package, "symderiv.sheet": sheet})

from symderiv import output
from symderiv.exceptions import OutputError

try:
    output.write_stdout((bytes(range(256)) * (args["size"] // 256 + 1))[: args["size"]])
except OutputError as exc:
    print(f"error: {exc}", file=sys.stderr)
    sys.exit(1)
"""

STDOUT_SIZE = 4 * 1024 * 1024  # more than any pipe holds


def _command(**args) -> list[str]:
    args = {"package": str(ROOT / "symderiv"), "marker": MARKER, **args}
    return [sys.executable, "-c", PROGRAM, json.dumps(args)]


def _shell(script: str, **args) -> subprocess.CompletedProcess[str]:
    """Run the program through bash; ``{cmd}`` in ``script`` stands for it."""
    command = shlex.join(_command(**args))
    return subprocess.run(
        ["bash", "-c", script.format(cmd=command)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _data(size: int) -> bytes:
    return (bytes(range(256)) * (size // 256 + 1))[:size]


def _one_line(stderr: str, expected: str) -> None:
    assert "Traceback" not in stderr
    assert "Exception ignored" not in stderr
    assert stderr == expected + "\n"


# --------------------------------------------------------------------------- standard output


def test_a_complete_write_to_standard_output_succeeds(tmp_path):
    out = tmp_path / "out.bin"
    proc = _shell("exec {cmd} > " + shlex.quote(str(out)), size=STDOUT_SIZE)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert out.read_bytes() == _data(STDOUT_SIZE)


def test_a_file_size_limit_on_standard_output_is_an_error(tmp_path):
    out = tmp_path / "out.bin"
    proc = _shell("ulimit -f 20; exec {cmd} > " + shlex.quote(str(out)), size=74 * 1024)
    assert proc.returncode == 1
    _one_line(proc.stderr, "error: cannot write to standard output: File too large")
    assert out.read_bytes() == _data(20 * 1024)  # what fit; the failure is not hidden


def test_a_pipe_closed_early_is_an_error():
    proc = _shell('{cmd} | head -c 10 > /dev/null; exit "${{PIPESTATUS[0]}}"', size=STDOUT_SIZE)
    assert proc.returncode == 1
    _one_line(proc.stderr, "error: cannot write to standard output: Broken pipe")


def test_a_closed_standard_output_is_an_error():
    proc = _shell("exec {cmd} >&-", size=100)
    assert proc.returncode == 1
    _one_line(proc.stderr, "error: cannot write to standard output: Bad file descriptor")


def test_a_full_device_is_an_error():
    proc = _shell("exec {cmd} > /dev/full", size=100)
    assert proc.returncode == 1
    _one_line(proc.stderr, "error: cannot write to standard output: No space left on device")
