"""Writing files: whole or not at all, and never over a file symderiv did not write.

A file is symderiv's when it is a regular file that *starts* with one of the
headers symderiv writes (a PDF: carries the marker in its metadata); anything
else is the user's and is only replaced with ``force=True``.  Every target is
checked first; then every file is written to a temporary file beside its
target, flushed to disk, and only when all of them are written are they moved
into place with :func:`os.replace`.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from .exceptions import OutputError
from .marker import MARKER

__all__ = ["HEADERS", "check_targets", "is_ours", "write_files"]

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
