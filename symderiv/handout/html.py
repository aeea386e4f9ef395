"""One self-contained HTML page from a handout's Markdown, its math typeset by KaTeX.

The page is made from the same Markdown as the ``.md`` file (so every section
template serves both), read by a small converter for the subset symderiv's
templates write: ATX headings, paragraphs, hard line breaks, ```` ```math ````
and other fenced blocks, pipe tables, simple lists, block quotes, ``**strong**``,
``*emphasis*``, `` `code` ``, ``$`math`$``, links, images, backslash escapes.
Any other character is text: everything is HTML-escaped.

Math is typeset with KaTeX (the npm package ``katex``), decided at build time:

* with ``node`` and ``katex``: every formula is rendered to HTML and MathML when
  the page is built (strict mode: a formula KaTeX does not accept is an error),
  and KaTeX's stylesheet is embedded with its fonts as data URIs.  The page has
  no script and needs no network.
* with the ``katex`` files found on ``NODE_PATH`` but no ``node``: the page
  embeds ``katex.min.js``, the stylesheet and the fonts, and typesets the
  formulas when it is opened (still no network).
* with neither, ``--format html`` is refused before any work, saying what to
  install.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..exceptions import LatexBuildError, SpecError
from .formats import Anchors

__all__ = ["Katex", "find_katex", "markdown_to_html"]

_RENDER_JS = r"""
const katex = require("katex");
let input = "";
process.stdin.on("data", (c) => (input += c));
process.stdin.on("end", () => {
  const out = [];
  for (const [display, tex] of JSON.parse(input)) {
    try {
      out.push([true, katex.renderToString(tex, {
        displayMode: display, output: "htmlAndMathml", strict: "error", throwOnError: true,
      })]);
    } catch (e) {
      out.push([false, `${e.message} in: ${tex.slice(0, 160)}`]);
    }
  }
  process.stdout.write(JSON.stringify(out));
});
"""

_AUTO_JS = """
document.querySelectorAll(".math").forEach(function (el) {
  katex.render(el.textContent, el, {displayMode: el.tagName === "DIV", strict: "ignore",
    throwOnError: false});
});
"""


@dataclass(frozen=True)
class Katex:
    """Where KaTeX is: its ``dist`` folder, its version, and ``node`` if there is one."""

    dist: Path
    version: str
    node: str | None

    @property
    def prerender(self) -> bool:
        return self.node is not None

    def stylesheet(self) -> str:
        """KaTeX's stylesheet with its WOFF2 fonts embedded as data URIs."""
        css = (self.dist / "katex.min.css").read_text(encoding="utf-8")

        def font(m: re.Match[str]) -> str:
            data = (self.dist / "fonts" / f"{m[1]}.woff2").read_bytes()
            encoded = base64.b64encode(data).decode("ascii")
            return f'src:url(data:font/woff2;base64,{encoded}) format("woff2")'

        return re.sub(r"src:url\(fonts/([\w-]+)\.woff2\) format\(\"woff2\"\)[^;}]*", font, css)

    def script(self) -> str:
        return (self.dist / "katex.min.js").read_text(encoding="utf-8")

    def render(self, fragments: list[tuple[bool, str]]) -> list[str]:
        """Each (display, LaTeX) fragment as KaTeX's HTML and MathML, in strict mode."""
        if not fragments:
            return []
        assert self.node is not None
        env = dict(os.environ)
        env["NODE_PATH"] = str(self.dist.parent.parent)
        try:
            done = subprocess.run(
                [self.node, "-e", _RENDER_JS],
                input=json.dumps(fragments),
                capture_output=True,
                text=True,
                env=env,
                timeout=300,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise LatexBuildError("KaTeX took longer than 300 s") from None
        if done.returncode != 0:
            raise LatexBuildError(f"KaTeX failed: {' '.join(done.stderr.split())[:300]}")
        out = []
        for ok, value in json.loads(done.stdout):
            if not ok:
                raise LatexBuildError(f"KaTeX cannot typeset a formula: {value}")
            out.append(value)
        return out


def _node_path_dirs() -> list[Path]:
    return [Path(p) for p in os.environ.get("NODE_PATH", "").split(os.pathsep) if p]


def find_katex() -> Katex | None:
    """KaTeX as node resolves it (``require('katex')``), else on ``NODE_PATH``."""
    node = shutil.which("node")
    dist: Path | None = None
    if node is not None:
        probe = subprocess.run(
            [node, "-e", "process.stdout.write(require.resolve('katex/package.json'))"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        if probe.returncode == 0 and probe.stdout:
            dist = Path(probe.stdout).parent / "dist"
    if dist is None:
        for folder in _node_path_dirs():
            if (folder / "katex" / "dist" / "katex.min.js").is_file():
                dist = folder / "katex" / "dist"
                node = None
                break
    if dist is None or not (dist / "katex.min.css").is_file():
        return None
    try:
        version = json.loads((dist.parent / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        version = "unknown"
    return Katex(dist=dist, version=str(version), node=node)


def require_katex() -> Katex:
    """KaTeX, or the one-line error that says how to get it."""
    found = find_katex()
    if found is None:
        raise SpecError(
            "--format html: KaTeX was not found; install Node.js and the npm package katex "
            "(npm install katex, with NODE_PATH naming its node_modules folder)"
        )
    return found


# --------------------------------------------------------------------------- Markdown

_ESCAPABLE = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_INLINE = re.compile(
    r"(?P<escape>\\[!-/:-@\[-`{-~])"
    r"|(?P<math>\$`(?P<m>[^`]*)`\$)"
    r"|(?P<code>`(?P<c>[^`]+)`)"
    r"|(?P<entity>&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#x[0-9A-Fa-f]+);)"
)


_MIME = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg"}


class _Converter:
    def __init__(self, images: Mapping[str, bytes] | None = None) -> None:
        self.fragments: list[tuple[bool, str]] = []
        self.anchors = Anchors()
        self.images = images or {}

    def image(self, alt: str, src: str) -> str:
        """An image; one of ``images`` (the handout's figures) embedded as a data URI."""
        data = self.images.get(src)
        if data is not None:
            mime = _MIME.get(Path(src).suffix.lower(), "application/octet-stream")
            src = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
        return f'<img alt="{alt}" src="{html.escape(src)}">'

    def math(self, tex: str, display: bool) -> str:
        self.fragments.append((display, tex))
        return f"\x00M{len(self.fragments) - 1}\x00"

    def inline(self, text: str) -> str:
        """Inline Markdown to HTML; math becomes placeholders filled in later."""
        saved: list[str] = []

        def keep(html_text: str) -> str:
            saved.append(html_text)
            return f"\x01{len(saved) - 1}\x01"

        def token(m: re.Match[str]) -> str:
            if m["escape"]:
                return keep(html.escape(m["escape"][1]))
            if m["math"]:
                return keep(self.math(m["m"], False))
            if m["code"]:
                return keep(f"<code>{html.escape(m['c'])}</code>")
            return keep(m["entity"])

        text = _INLINE.sub(token, text)
        text = html.escape(text, quote=False)
        text = re.sub(
            r"!\[([^\]]*)\]\(([^)\s]+)\)",
            lambda m: keep(self.image(m[1], m[2])),
            text,
        )
        text = re.sub(
            r"\[([^\]]+)\]\(([^)\s]+)\)",
            lambda m: f'<a href="{html.escape(m[2])}">{m[1]}</a>',
            text,
        )
        text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
        # CommonMark's `*`: intraword emphasis is allowed (`的*损失*（`: no space around
        # Chinese), so only a space inside the delimiters or a doubled `*` stops it
        text = re.sub(r"(?<!\*)\*(?![\s*])([^*]+?)(?<![\s*])\*(?!\*)", r"<em>\1</em>", text)
        text = text.replace("\\\n", "<br>\n")
        while "\x01" in text:
            text = re.sub(r"\x01(\d+)\x01", lambda m: saved[int(m[1])], text)
        return text

    def convert(self, markdown: str) -> str:
        lines = markdown.split("\n")
        out: list[str] = []
        paragraph: list[str] = []

        def flush() -> None:
            if paragraph:
                out.append(f"<p>{self.inline(chr(10).join(paragraph))}</p>")
                paragraph.clear()

        i = 0
        while i < len(lines):
            line = lines[i]
            if not line.strip():
                flush()
                i += 1
            elif line.startswith("<!--"):
                flush()
                while i < len(lines) and "-->" not in lines[i]:
                    i += 1
                i += 1
            elif line.startswith("```"):
                flush()
                language = line[3:].strip()
                body = []
                i += 1
                while i < len(lines) and not lines[i].startswith("```"):
                    body.append(lines[i])
                    i += 1
                i += 1
                if language == "math":
                    out.append(f'<div class="display">{self.math(chr(10).join(body), True)}</div>')
                else:
                    out.append(f"<pre><code>{html.escape(chr(10).join(body))}</code></pre>")
            elif line.startswith(">"):
                flush()
                quoted_lines = []
                while i < len(lines) and lines[i].startswith(">"):
                    quoted_lines.append(re.sub(r"^> ?", "", lines[i]))
                    i += 1
                out.append(f"<blockquote>\n{self.convert(chr(10).join(quoted_lines))}</blockquote>")
            elif m := re.match(r"(#{1,6}) (.*)$", line):
                flush()
                level, heading = len(m[1]), m[2].strip()
                anchor = self.anchors.add(heading)
                out.append(f'<h{level} id="{anchor}">{self.inline(heading)}</h{level}>')
                i += 1
            elif (
                line.startswith("|")
                and i + 1 < len(lines)
                and re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", lines[i + 1].strip())
            ):
                flush()
                head = _cells(line)
                rows = []
                i += 2
                while i < len(lines) and lines[i].startswith("|"):
                    rows.append(_cells(lines[i]))
                    i += 1
                cells = "".join(f"<th>{self.inline(c)}</th>" for c in head)
                body_rows = "".join(
                    "<tr>" + "".join(f"<td>{self.inline(c)}</td>" for c in row) + "</tr>\n"
                    for row in rows
                )
                out.append(
                    f"<table>\n<thead><tr>{cells}</tr></thead>\n<tbody>\n{body_rows}</tbody>\n"
                    "</table>"
                )
            elif re.match(r"(?:[-*]|\d+\.) ", line):
                flush()
                ordered = line[0].isdigit()
                items = []
                while i < len(lines) and re.match(r"(?:[-*]|\d+\.) ", lines[i]):
                    items.append(lines[i].split(" ", 1)[1])
                    i += 1
                    while i < len(lines) and lines[i].startswith("  ") and lines[i].strip():
                        items[-1] += "\n" + lines[i].strip()
                        i += 1
                tag = "ol" if ordered else "ul"
                out.append(
                    f"<{tag}>\n"
                    + "".join(f"<li>{self.inline(item)}</li>\n" for item in items)
                    + f"</{tag}>"
                )
            else:
                paragraph.append(line)
                i += 1
        flush()
        return "\n".join(out) + "\n"


def _cells(line: str) -> list[str]:
    """The cells of a pipe-table row (``\\|`` is a pipe inside a cell)."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [c.strip() for c in re.split(r"(?<!\\)\|", body)]


def markdown_to_html(markdown: str, katex: Katex, images: Mapping[str, bytes] | None = None) -> str:
    """The body of the page: the Markdown converted, its math typeset by KaTeX (now, or
    by the embedded script when the page is opened), the images it names that are in
    ``images`` (file name -> bytes: the figures) embedded."""
    converter = _Converter(images)
    body = converter.convert(markdown)
    fragments = converter.fragments
    if katex.prerender:
        rendered = katex.render(fragments)
    else:
        rendered = [
            f'<div class="math">{html.escape(tex)}</div>'
            if display
            else f'<span class="math">{html.escape(tex)}</span>'
            for display, tex in fragments
        ]
    return re.sub(r"\x00M(\d+)\x00", lambda m: rendered[int(m[1])], body)


def page_script(katex: Katex) -> str:
    """The script a page needs (none when its math was typeset at build time)."""
    if katex.prerender:
        return ""
    return "<script>" + katex.script() + "</script>\n<script>" + _AUTO_JS + "</script>"
