"""Writing files: whole or not at all, and never over a file symderiv did not write.

Every file symderiv writes carries :data:`~symderiv.render.MARKER`; a file
without it is the user's and is only replaced with ``force=True``.  Each file
is written to a temporary file beside its target and moved into place with
:func:`os.replace`, and every target is checked before the first is written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .exceptions import OutputError
from .render import MARKER

__all__ = ["is_ours", "write_files"]


def is_ours(path: Path) -> bool:
    """Does ``path`` hold a file symderiv wrote (text head or PDF metadata has the marker)?"""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if path.suffix == ".pdf":
        # hyperref writes the Creator string with spaces escaped as \040
        return MARKER.replace(" ", "\\040").encode() in data or MARKER.encode() in data
    return MARKER.encode() in data[:4096]


def _check(path: Path, force: bool) -> None:
    if path.is_dir():
        raise OutputError(
            f"output {str(path)!r} is a folder; name a file, or ask for several formats"
        )
    if path.exists() and not force and not is_ours(path):
        raise OutputError(
            f"output {str(path)!r} exists and was not written by symderiv; "
            "pass --force to overwrite it"
        )
    if not path.parent.exists():
        raise OutputError(f"output folder {str(path.parent)!r} does not exist")


def write_files(files: Mapping[Path, bytes], *, force: bool = False) -> list[Path]:
    """Write every file atomically after checking that all of them may be written."""
    for path in files:
        _check(path, force)
    written = []
    for path, data in files.items():
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        except OSError as exc:
            raise OutputError(f"cannot write {str(path)!r}: {exc.strerror}") from None
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise OutputError(f"cannot write {str(path)!r}: {exc.strerror}") from None
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(path)
    return written
