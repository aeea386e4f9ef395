"""Writing files: whole or not at all, and never over a file symderiv did not write.

A file is symderiv's when it is a regular file that *starts* with one of the
headers symderiv writes (a PDF: carries the marker in its metadata); anything
else is the user's and is only replaced with ``force=True``.  Every target is
checked first; then every file is written to a temporary file beside its
target, flushed to disk, and only when all of them are written are they moved
into place with :func:`os.replace`.

:func:`write_stdout` writes to standard output and raises :class:`OutputError`
unless every byte was written.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import select
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .exceptions import OutputError
from .sheet import MARKER

__all__ = ["HEADERS", "check_targets", "is_ours", "write_files", "write_stdout"]

HEADERS = (
    f"% {MARKER} ".encode(),
    f"<!-- {MARKER} ".encode(),
    f'{{\n  "format": "symderiv/1",\n  "generator": "{MARKER} '.encode(),
)
"""How the files symderiv writes begin (LaTeX, Markdown, JSON)."""

_PDF_MARKERS = (MARKER.replace(" ", "\\040").encode(), MARKER.encode())
_PDF_LIMIT = 64 * 1024 * 1024  # a sheet's PDF is far smaller; never read more


def is_ours(path: Path) -> bool:
    """Is ``path`` a regular file that symderiv wrote?"""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return False
        with path.open("rb") as fh:
            head = fh.read(256)
            if head.startswith(b"%PDF-"):
                if info.st_size > _PDF_LIMIT:
                    return False
                data = head + fh.read()
                return any(marker in data for marker in _PDF_MARKERS)
    except OSError:
        return False
    return head.startswith(HEADERS)


def check_targets(
    paths: Iterable[Path], *, force: bool = False, folder_exists: bool = True
) -> None:
    """Raise :class:`OutputError` unless every path may be written (``folder_exists=False``
    when the caller will create the folder first)."""
    for path in paths:
        if path.is_dir():
            raise OutputError(
                f"output {str(path)!r} is a folder; name a file, or ask for several formats"
            )
        if path.exists() and not force and not is_ours(path):
            raise OutputError(
                f"output {str(path)!r} exists and was not written by symderiv; "
                "pass --force to overwrite it"
            )
        if folder_exists and not path.parent.is_dir():
            raise OutputError(f"output folder {str(path.parent)!r} does not exist")


def _mode(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets the default ones (umask)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_files(files: Mapping[Path, bytes], *, force: bool = False) -> list[Path]:
    """Write every file, or none: all are checked, then written to temporary files,
    and only then moved into place."""
    check_targets(files, force=force)
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            staged.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, _mode(path))
    except OSError as exc:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        where = staged[-1][1] if staged else next(iter(files))
        raise OutputError(f"cannot write {str(where)!r}: {exc.strerror}") from None
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise
    for tmp, path in staged:
        os.replace(tmp, path)
    return [path for _, path in staged]


# --------------------------------------------------------------------------- stdout


def _stdout_error(reason: str) -> OutputError:
    return OutputError(f"cannot write to standard output: {reason}")


def _retire_stdout(fd: int) -> None:
    """After a failed write, point ``fd`` at /dev/null so that the interpreter's own
    flush at exit neither fails again nor prints 'Exception ignored ...'."""
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY | os.O_CLOEXEC)
        try:
            os.dup2(devnull, fd)
        finally:
            os.close(devnull)


def write_stdout(data: bytes) -> None:
    """Write ``data`` to standard output, all of it, or raise :class:`OutputError`.

    When ``sys.stdout`` is the process's standard output, the bytes go straight
    to its file descriptor with :func:`os.write` in a loop that checks every
    count, so a short write (a file size limit, a full disk), a closed pipe or a
    closed descriptor is an error, never a silent success; SIGXFSZ is ignored
    meanwhile, so a file size limit is an error rather than a killed process.
    After a failure the descriptor is pointed at /dev/null, so the interpreter
    prints nothing more at exit.  When ``sys.stdout`` has been replaced (a test
    runner capturing output), the bytes go to its binary buffer instead.
    """
    stream = sys.stdout
    if stream is None:  # descriptor 1 was closed when Python started
        raise _stdout_error(os.strerror(errno.EBADF))
    try:
        fd = stream.fileno()
    except (AttributeError, ValueError, OSError, io.UnsupportedOperation):
        fd = -1
    if fd < 0:
        _write_stream(stream, data)
        return
    with _sigxfsz_ignored():
        try:
            stream.flush()  # whatever was printed before goes first
            view = memoryview(data)
            while view:
                try:
                    written = os.write(fd, view)
                except BlockingIOError:  # a non-blocking descriptor: wait until it drains
                    select.select([], [fd], [])
                    continue
                if written <= 0:
                    raise OSError(errno.EIO, "nothing was written")
                view = view[written:]
        except OSError as exc:
            _retire_stdout(fd)
            raise _stdout_error(exc.strerror or str(exc)) from None
        except ValueError:  # sys.stdout was closed
            raise _stdout_error(os.strerror(errno.EBADF)) from None


def _write_stream(stream: Any, data: bytes) -> None:
    """Write to a ``sys.stdout`` that is not a file descriptor (a test runner's capture)."""
    target = getattr(stream, "buffer", None)
    try:
        if target is not None:
            stream.flush()
            view = memoryview(data)
            while view:
                written = target.write(view)
                if written is not None and written <= 0:
                    raise OSError(errno.EIO, "nothing was written")
                view = view[len(view) if written is None else written :]
            target.flush()
        else:
            stream.write(data.decode("utf-8", errors="surrogateescape"))
            stream.flush()
    except OSError as exc:
        raise _stdout_error(exc.strerror or str(exc)) from None
    except ValueError:
        raise _stdout_error(os.strerror(errno.EBADF)) from None


@contextlib.contextmanager
def _sigxfsz_ignored() -> Iterator[None]:
    """Ignore SIGXFSZ (so a file size limit makes write return EFBIG), main thread only."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGXFSZ"):
        yield
        return
    old = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGXFSZ, old)
