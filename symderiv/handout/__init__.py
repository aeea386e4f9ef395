"""Lecture handouts: ``symderiv handout FILE.toml``.

A handout file names a title, author, course, date, language, the layers (or
networks) to derive, the sections to show, the detail, exercises and formats
(see the README's "Handouts" section).  The stages, one module each:

* :mod:`~symderiv.handout.file`: read and check the file (one-line errors naming
  the file and the field);
* :mod:`~symderiv.handout.assemble`: derive every item with the usual pipeline and
  take its sheet's sections; :mod:`~symderiv.handout.exercises` makes exercises
  and answers from the same derivations;
* :mod:`~symderiv.handout.formats` (LaTeX, Markdown), :mod:`~symderiv.handout.slides`
  (Beamer), :mod:`~symderiv.handout.html` (one self-contained page, KaTeX),
  :mod:`~symderiv.handout.notebook` (Jupyter): the renderers, through sandboxed
  templates;
* :mod:`~symderiv.handout.build`: every file in memory, PDFs built by latexmk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import texts as texts  # registers the handout's messages (handout.*)
from .file import HandoutSpec, read_handout

__all__ = ["HandoutFiles", "HandoutSpec", "build_handout_files", "read_handout"]


@dataclass(frozen=True)
class HandoutFiles:
    """The files of a built handout (path -> bytes) and whether every item was verified."""

    files: dict[Path, bytes]
    verified: bool


def build_handout_files(
    spec: HandoutSpec,
    folder: Path,
    *,
    templates: Path | None = None,
    force: bool = False,
    progress: bool = False,
) -> HandoutFiles:
    """Check everything that can be checked first (the templates folder, the tools the
    formats need, every target in ``folder``, every item's size), then derive the items
    and render every file in memory.  Nothing is written here: pass the files to
    :func:`symderiv.output.write_files`, which writes all of them or none."""
    from ..output import check_targets
    from .assemble import assemble
    from .build import build_files, check_tools, target_names
    from .formats import check_templates, environment

    user = check_templates(templates) if templates is not None else None
    env = environment(user.resolve() if user is not None else None)
    katex = check_tools(spec)
    targets = [folder / name for name in target_names(spec).values()]
    check_targets(targets, force=force, folder_exists=folder.is_dir())
    handout = assemble(spec, progress=progress)
    files = build_files(handout, folder, env=env, katex=katex, progress=progress)
    return HandoutFiles(files=files, verified=handout.verified)
