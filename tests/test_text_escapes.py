"""Text that readers copy or that a converter reads: options keep their two hyphens in
LaTeX's typewriter fonts and in a comment's command, and the HTML converter reads
emphasis between Chinese characters as GitHub does."""

from __future__ import annotations

from pathlib import Path

import pytest

from symderiv.handout.escape import comment_text
from symderiv.handout.html import Katex, markdown_to_html
from symderiv.render.sheet import tex_code


@pytest.mark.parametrize(
    ("code", "tex"),
    [
        ("--seed 3", "-{}-seed 3"),
        ("a-b", "a-b"),
        ("---", "-{}-{}-"),
        ("x_1 & 100%", r"x\_1 \& 100\%"),
    ],
)
def test_typewriter_text_keeps_every_hyphen(code, tex):
    assert tex_code(code) == tex


def test_a_commands_options_survive_in_a_comment_which_cannot_be_closed():
    assert comment_text("symderiv handout a.toml --lang zh") == "symderiv handout a.toml --lang zh"
    assert comment_text("x --> <!-- y --!>") == "x --&gt; &lt;!-- y --!&gt;"


_KATEX = Katex(dist=Path("/none"), version="0", node=None)


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("的*损失*（误差）", "<p>的<em>损失</em>（误差）</p>\n"),
        ("卷积核*不*翻转，是*真正的*卷积", "<p>卷积核<em>不</em>翻转，是<em>真正的</em>卷积</p>\n"),
        ("a * b and 2*3 *x*", "<p>a * b and 2*3 <em>x</em></p>\n"),
        ("**bold** and *it*.", "<p><strong>bold</strong> and <em>it</em>.</p>\n"),
        ("`a*b*` and \\*not\\*", "<p><code>a*b*</code> and *not*</p>\n"),
    ],
)
def test_emphasis_is_read_as_github_reads_it(markdown, html):
    assert markdown_to_html(markdown, _KATEX) == html
