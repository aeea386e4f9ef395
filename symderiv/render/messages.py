"""Every fixed text symderiv prints on a sheet, in every language it speaks: one table.

The API is small on purpose::

    LANGUAGES                       ("en", "zh"): en builds with pdflatex, zh with xelatex + ctex
    text(msg_id, lang, **fields)    the message in that language, fields filled in
    register(table)                 add a module's own messages to the one table
    translator(lang)                ``text`` with the language bound: ``_ = translator("zh")``
    language(value, option=...)     check a language code (SpecError quoting it otherwise)
    MESSAGES                        the table, read-only: id -> {"en": ..., "zh": ...}

*Ids* are dotted, area first: ``sheet.author``, ``verdict.holds``, ``conv.story.kernel``,
``handout.exercise`` (another module registers its own area).  *Texts* are whatever their
caller renders: mostly the sheets' prose markup (``**bold**``, ``*emphasis*``, `` `code` ``,
``$math$``, and ``\\n`` for a LaTeX line break that Markdown joins with a space), so the
templates pass them through ``prose_tex``/``prose_md`` as before.  The mathematics inside
``$...$`` is the same in every language.

*Fields*: ``{name}`` in a text is replaced by ``fields["name"]`` (``str()`` of it).  Only
names given are replaced, so LaTeX braces such as ``\\mathrm{valid}`` stay as they are;
giving a field the text does not contain is a ``KeyError`` (a typo is never silent), and so
is an unknown id or language.

In templates the Jinja global ``_`` looks a message up in the language of the rendering
(the template variable ``lang``): ``\\VAR{_("verdict.holds")}``, ``\\VAR{_("x.y", n=3)}``;
a macro that calls it must be imported ``with context``.

A module registers its messages at import time::

    from symderiv.render.messages import register, text
    register({"handout.answers": {"en": "Answers", "zh": "答案"}})
    text("handout.answers", "zh")   # '答案'

The tests check that every message has every language, that a text's fields are the same in
each language, and that every id the code and templates use exists.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from types import MappingProxyType

from ..exceptions import SpecError

__all__ = ["LANGUAGES", "MESSAGES", "fields_of", "language", "register", "text", "translator"]

LANGUAGES: tuple[str, ...] = ("en", "zh")

_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

_TABLE: dict[str, dict[str, str]] = {}

MESSAGES: Mapping[str, Mapping[str, str]] = MappingProxyType(_TABLE)


def fields_of(message: str) -> set[str]:
    """The ``{name}`` placeholders a text could fill (LaTeX groups such as ``{valid}`` too:
    the test compares these sets across languages, where the math is identical)."""
    return set(_FIELD.findall(message))


def register(table: Mapping[str, Mapping[str, str]]) -> None:
    """Add messages ``{id: {"en": ..., "zh": ...}}`` to the one table.

    Every language is required; registering an id again with the same texts is allowed
    (a module imported twice), with other texts a ``ValueError``."""
    for msg_id, texts in table.items():
        missing = [lang for lang in LANGUAGES if not texts.get(lang)]
        if missing:
            raise ValueError(f"message {msg_id!r}: no text for {', '.join(missing)}")
        extra = sorted(set(texts) - set(LANGUAGES))
        if extra:
            raise ValueError(f"message {msg_id!r}: unknown language(s) {', '.join(extra)}")
        old = _TABLE.get(msg_id)
        if old is not None and old != dict(texts):
            raise ValueError(f"message {msg_id!r} is registered already with other texts")
        _TABLE[msg_id] = {lang: texts[lang] for lang in LANGUAGES}


def text(msg_id: str, lang: str, /, **fields: object) -> str:
    """The message ``msg_id`` in ``lang``, each ``{name}`` replaced by ``fields[name]``."""
    try:
        message = _TABLE[msg_id][lang]
    except KeyError:
        if msg_id not in _TABLE:
            raise KeyError(f"no message {msg_id!r}") from None
        raise KeyError(f"message {msg_id!r}: no language {lang!r}") from None
    if not fields:
        return message
    unused = sorted(set(fields) - fields_of(message))
    if unused:
        raise KeyError(f"message {msg_id!r} has no field(s) {', '.join(unused)}")
    return _FIELD.sub(
        lambda m: str(fields[m.group(1)]) if m.group(1) in fields else m.group(0), message
    )


def translator(lang: str) -> Callable[..., str]:
    """``text`` with the language bound (checked): ``_ = translator("en"); _("sheet.author",
    version="1.0")``."""
    language(lang)

    def translate(msg_id: str, /, **fields: object) -> str:
        return text(msg_id, lang, **fields)

    return translate


def language(value: object, option: str = "lang") -> str:
    """``value`` if it is a language symderiv speaks; else a SpecError quoting it."""
    if isinstance(value, str) and value in LANGUAGES:
        return value
    raise SpecError(
        f"{option} {value!r}: expected one of {', '.join(LANGUAGES)}",
        field=option,
        rule=f"expected one of {', '.join(LANGUAGES)}",
    )


# ---------------------------------------------------------------------------
# the sheets' own messages (other modules register theirs with register())
# ---------------------------------------------------------------------------

register(
    {
        # the skeletons
        "sheet.author": {
            "en": "Derived and proved by symderiv {version}",
            "zh": "由 symderiv {version} 推导并证明",
        },
        "sheet.author_md": {
            "en": "*Derived and proved by symderiv {version}.*",
            "zh": "*由 symderiv {version} 推导并证明。*",
        },
    }
)
