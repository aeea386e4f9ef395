"""User text is text: titles, authors, course names and dates printed literally.

``100% of \\input{/etc/passwd} & more_ <script>`` comes out as those characters
in LaTeX (every special character replaced by a command that prints it, TeX's
ligatures ``--``, ``''``, ``<<``, ``!``` broken), in Markdown (every ASCII
punctuation character backslash-escaped, as CommonMark allows) and in HTML
(entities).  Nothing a user types is ever read as markup or code.
"""

from __future__ import annotations

import html

__all__ = ["comment_text", "html_text", "md_text", "tex_text"]

_TEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    '"': r"\textquotedbl{}",
    "-": "-{}",  # no -- or --- ligature
    "'": r"\textquotesingle{}",  # straight, as typed (and no '' ligature)
    "`": r"\textasciigrave{}",
    "!": "!{}",  # no !` ligature
    "?": "?{}",
    ",": ",{}",  # no ,, ligature
    "\u00a0": "~",
    # the symbols the sheets' own titles use (pdflatex has no glyph for them in text)
    "×": r"$\times$",
    "→": r"$\to$",
    "−": "-{}",
    "δ": r"$\delta$",
    "σ": r"$\sigma$",
    "β": r"$\beta$",
    "α": r"$\alpha$",
    "Σ": r"$\Sigma$",
    "∂": r"$\partial$",
    "∘": r"$\circ$",
    "⊙": r"$\odot$",
    "⋆": r"$\star$",
    "½": r"$\frac{1}{2}$",
    "²": r"$^2$",
    "ᵀ": r"$^{\mathsf{T}}$",
    "′": r"$'$",
    "…": r"\dots{}",
    "•": r"\textbullet{}",
    "€": r"\texteuro{}",
}


def tex_text(value: object) -> str:
    """User text for LaTeX's text mode (T1 Latin Modern, or xelatex): printed as typed."""
    return "".join(_TEX.get(ch, ch) for ch in str(value))


_MD_SPECIAL = set("\\`*_{}[]()#!|<>&$~")


def md_text(value: object) -> str:
    """User text for Markdown: every character that could start markup (emphasis, code,
    links, HTML, entities, math, tables, a heading's closing ``#``) backslash-escaped, as
    CommonMark allows for any ASCII punctuation, so none of it is read as markup."""
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in str(value))


def html_text(value: object) -> str:
    """User text for HTML (quotes escaped too: safe in attributes)."""
    return html.escape(str(value), quote=True)


def comment_text(value: object) -> str:
    """Text inside an HTML or Markdown comment: it can never close the comment (``-->``,
    ``--!>``) nor open another (``<!--``), and a command in it stays one that can be
    copied: ``--lang`` is kept as typed, only ``<`` and ``>`` become entities."""
    return str(value).replace("<", "&lt;").replace(">", "&gt;")
