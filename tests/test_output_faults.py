"""Fault injection with real processes: signals, file size limits, closed and broken
standard output, targets swapped mid-run.

Each test runs a small Python program that calls :func:`symderiv.output.write_stdout`
or :func:`symderiv.output.write_files` the way the command line does (an
:class:`OutputError` is printed as one line and exits 1), injects one fault at a
deterministic point, and checks the exit status, that stderr is one line with no
traceback, that no temporary file is left, and that the targets hold either all the
old bytes or all the new ones.

Deterministic points: the program sets ``symderiv.output._between_files``, which is
called just before each target is moved into place, to a hook that announces the
call by creating ``PAUSE.N`` and waits until the test creates ``PAUSE.N.go``.
"""

from __future__ import annotations

import json
import re
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from symderiv.marker import MARKER
from symderiv.output import HEADERS

from .conftest import ROOT

# The program imports output.py without the package's __init__ (and so without sympy):
# a second per process, saved, keeps this suite fast.  marker.py imports no sympy.
PROGRAM = r"""
import json, os, sys, time, types
from pathlib import Path

args = json.loads(sys.argv[1])
package = types.ModuleType("symderiv")
package.__path__ = [args["package"]]
sys.modules["symderiv"] = package

from symderiv import output
from symderiv.exceptions import OutputError

pause = args.get("pause")
if pause:
    calls = []

    def hook(target):
        calls.append(target)
        flag = f"{pause}.{len(calls)}"
        Path(flag + ".tmp").write_text(str(target))
        os.replace(flag + ".tmp", flag)
        deadline = time.monotonic() + 20
        while not os.path.exists(flag + ".go"):
            if time.monotonic() > deadline:
                os._exit(99)
            time.sleep(0.002)

    output._between_files = hook
try:
    if args["mode"] == "stdout":
        output.write_stdout((bytes(range(256)) * (args["size"] // 256 + 1))[: args["size"]])
    else:
        pad = b"x" * args.get("pad", 0)
        files = {Path(p): data.encode("latin-1") + pad for p, data in args["files"].items()}
        output.write_files(files, force=args.get("force", False))
except OutputError as exc:
    print(f"error: {exc}", file=sys.stderr)
    sys.exit(1)
except KeyboardInterrupt:
    print("aborted", file=sys.stderr)
    sys.exit(130)
"""

TEMP = re.compile(r"\..+\.symderiv-[0-9a-f]{8}\.tmp")
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
    proc = _shell("exec {cmd} > " + shlex.quote(str(out)), mode="stdout", size=STDOUT_SIZE)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert out.read_bytes() == _data(STDOUT_SIZE)


def test_a_file_size_limit_on_standard_output_is_an_error(tmp_path):
    out = tmp_path / "out.bin"
    proc = _shell(
        "ulimit -f 20; exec {cmd} > " + shlex.quote(str(out)), mode="stdout", size=74 * 1024
    )
    assert proc.returncode == 1
    _one_line(proc.stderr, "error: cannot write to standard output: File too large")
    assert out.read_bytes() == _data(20 * 1024)  # what fit; the failure is not hidden


def test_a_pipe_closed_early_is_an_error():
    proc = _shell(
        '{cmd} | head -c 10 > /dev/null; exit "${{PIPESTATUS[0]}}"', mode="stdout", size=STDOUT_SIZE
    )
    assert proc.returncode == 1
    _one_line(proc.stderr, "error: cannot write to standard output: Broken pipe")


def test_a_closed_standard_output_is_an_error():
    proc = _shell("exec {cmd} >&-", mode="stdout", size=100)
    assert proc.returncode == 1
    _one_line(proc.stderr, "error: cannot write to standard output: Bad file descriptor")


def test_a_full_device_is_an_error():
    proc = _shell("exec {cmd} > /dev/full", mode="stdout", size=100)
    assert proc.returncode == 1
    _one_line(proc.stderr, "error: cannot write to standard output: No space left on device")


# --------------------------------------------------------------------------- files


def _ours(text: str) -> str:
    return HEADERS[1].decode() + text + "\n"


class Run:
    """One write_files process over three targets that hold old contents."""

    def __init__(self, tmp_path: Path, *, size: int = 0):
        self.folder = tmp_path / "out"
        self.folder.mkdir(exist_ok=True)
        self.pause = tmp_path / "pause"
        self.targets = [self.folder / f"sheet.{ext}" for ext in ("tex", "md", "json")]
        self.old = {p: _ours(f"old {p.suffix}") for p in self.targets}
        self.pad = size
        self.new = {p: _ours(f"new {p.suffix}") for p in self.targets}
        for path, text in self.old.items():
            path.write_text(text)
        self.proc: subprocess.Popen[str] | None = None

    def start(self, *, pause: bool = True, force: bool = False, shell: str = "") -> None:
        command = _command(
            mode="files",
            files={str(p): t for p, t in self.new.items()},
            pad=self.pad,
            force=force,
            pause=str(self.pause) if pause else None,
        )
        if shell:
            command = ["bash", "-c", shell.format(cmd=shlex.join(command))]
        self.proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    def reach(self, n: int) -> Path:
        """Wait until the process pauses before its ``n``-th replace; the target."""
        flag = Path(f"{self.pause}.{n}")
        deadline = time.monotonic() + 20
        while not flag.exists():
            assert self.proc is not None
            assert self.proc.poll() is None, self.proc.communicate()
            assert time.monotonic() < deadline, "the process never paused"
            time.sleep(0.002)
        return Path(flag.read_text())

    def resume(self, n: int) -> None:
        Path(f"{self.pause}.{n}.go").touch()

    def resume_all(self, n: int) -> None:
        """Let the process go on from its ``n``-th pause, without stopping again."""
        for later in range(n, n + len(self.targets)):
            self.resume(later)

    def finish(self) -> tuple[int, str]:
        assert self.proc is not None
        _, stderr = self.proc.communicate(timeout=30)
        return self.proc.returncode, stderr

    def contents(self) -> dict[Path, str]:
        return {p: p.read_text() for p in self.targets if p.is_file() and not p.is_symlink()}

    def temps(self) -> list[str]:
        return sorted(p.name for p in self.folder.iterdir() if TEMP.fullmatch(p.name))

    def assert_all_old(self) -> None:
        assert self.contents() == self.old
        assert self.temps() == []
        assert sorted(self.folder.iterdir()) == sorted(self.targets)

    def assert_all_new(self) -> None:
        assert self.contents() == self.new
        assert self.temps() == []
        assert sorted(self.folder.iterdir()) == sorted(self.targets)


def test_an_undisturbed_run_writes_every_file(tmp_path):
    run = Run(tmp_path)
    run.start(pause=False)
    assert run.finish() == (0, "")
    run.assert_all_new()


@pytest.mark.parametrize(
    ("signum", "at"),
    [(signal.SIGTERM, 1), (signal.SIGTERM, 2), (signal.SIGTERM, 3), (signal.SIGHUP, 2)],
    ids=["term-before-any", "term-after-one", "term-after-two", "hup-after-one"],
)
def test_sigterm_during_the_write_puts_every_file_back(tmp_path, signum, at):
    run = Run(tmp_path)
    run.start()
    for n in range(1, at):
        run.reach(n)
        run.resume(n)
    run.reach(at)
    assert run.proc is not None
    run.proc.send_signal(signum)
    status, stderr = run.finish()
    assert status == 1
    name = signal.Signals(signum).name
    _one_line(stderr, f"error: interrupted by {name}: none of the files was written")
    run.assert_all_old()


def test_sigint_during_the_write_puts_every_file_back(tmp_path):
    run = Run(tmp_path)
    run.start()
    run.reach(1)
    run.resume(1)
    run.reach(2)
    assert run.proc is not None
    run.proc.send_signal(signal.SIGINT)
    assert run.finish() == (130, "aborted\n")
    run.assert_all_old()


def test_sigkill_leaves_temporary_files_that_the_next_run_removes(tmp_path):
    run = Run(tmp_path)
    run.start()
    run.reach(1)  # every file is written and synced beside its target
    assert run.proc is not None
    run.proc.kill()
    assert run.finish()[0] == -signal.SIGKILL
    assert run.contents() == run.old  # nothing was replaced
    left = run.temps()
    assert len(left) == 4  # three new files, and the hard link kept of sheet.tex
    run.start(pause=False)
    assert run.finish() == (0, "")
    run.assert_all_new()


def test_sigkill_between_two_replaces_is_repaired_by_the_next_run(tmp_path):
    """A process that is killed outright cannot undo anything: the next run finishes."""
    run = Run(tmp_path)
    run.start()
    run.reach(1)
    run.resume(1)
    run.reach(2)
    assert run.proc is not None
    run.proc.kill()
    run.finish()
    assert run.temps() != []
    run.start(pause=False)
    assert run.finish() == (0, "")
    run.assert_all_new()


def test_a_target_swapped_for_a_folder_mid_run(tmp_path):
    run = Run(tmp_path)
    run.start()
    for n in (1, 2):
        run.reach(n)
        run.resume(n)
    json_target = run.reach(3)
    assert json_target.name == "sheet.json"
    json_target.unlink()
    json_target.mkdir()
    run.resume(3)
    status, stderr = run.finish()
    assert status == 1
    _one_line(
        stderr,
        f"error: cannot write {str(json_target)!r}: Is a directory; none of the files was written",
    )
    assert run.contents() == {p: t for p, t in run.old.items() if p != json_target}
    assert run.temps() == []


def test_a_target_swapped_for_a_symlink_mid_run(tmp_path):
    outside = tmp_path / "precious.txt"
    outside.write_text("precious\n")
    run = Run(tmp_path)
    run.start()
    run.reach(1)
    json_target = run.folder / "sheet.json"
    json_target.unlink()
    json_target.symlink_to(outside)
    run.resume_all(1)
    status, stderr = run.finish()
    assert status == 1
    _one_line(
        stderr,
        f"error: output {str(json_target)!r} changed while symderiv was writing "
        "(it is now a symbolic link); none of the files was written",
    )
    assert outside.read_text() == "precious\n"
    assert json_target.is_symlink()
    assert run.contents() == {p: t for p, t in run.old.items() if p != json_target}
    assert run.temps() == []


def test_a_file_size_limit_while_writing_files(tmp_path):
    run = Run(tmp_path, size=100 * 1024)
    run.start(pause=False, shell="ulimit -f 50; exec {cmd}")
    status, stderr = run.finish()
    assert status == 1
    _one_line(stderr, f"error: cannot write {str(run.targets[0])!r}: File too large")
    run.assert_all_old()
