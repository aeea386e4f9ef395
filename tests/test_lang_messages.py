"""The one table of messages: every language, the same fields, every id used exists."""

from __future__ import annotations

import re

import pytest

from symderiv.exceptions import SpecError
from symderiv.render import messages
from symderiv.render.messages import LANGUAGES, MESSAGES, fields_of, register, text, translator

from .conftest import ROOT

# _("id" ...) in templates and Python (view._, the Jinja global), text("id", ...) in Python
_USE = re.compile(r"""(?:\b_|\btext|\bmessage_text)\(\s*["']([A-Za-z0-9_.]+)["']""")


def _sources() -> list[tuple[str, str]]:
    files = sorted((ROOT / "symderiv").rglob("*.py")) + sorted((ROOT / "templates").rglob("*.j2"))
    table = ROOT / "symderiv" / "render" / "messages.py"  # defines them (its docstring's examples)
    return [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in files if p != table]


def used_ids() -> dict[str, str]:
    """Every message id the code and the templates name, with a file that names it."""
    out: dict[str, str] = {}
    for name, source in _sources():
        for msg_id in _USE.findall(source):
            out.setdefault(msg_id, name)
    return out


def _load_every_layer() -> None:
    """Import every module of symderiv, so that every module's messages are registered."""
    import importlib
    import pkgutil

    import symderiv

    for info in pkgutil.walk_packages(symderiv.__path__, "symderiv."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)


def test_every_message_has_every_language():
    _load_every_layer()
    assert len(MESSAGES) > 0
    for msg_id, texts in MESSAGES.items():
        assert set(texts) == set(LANGUAGES), msg_id
        for lang in LANGUAGES:
            assert texts[lang].strip(), (msg_id, lang)


def test_every_message_has_the_same_fields_in_every_language():
    _load_every_layer()
    for msg_id, texts in MESSAGES.items():
        assert fields_of(texts["en"]) == fields_of(texts["zh"]), msg_id
        # the mathematics is the same in both languages (the word order may differ)
        math_en = sorted(re.findall(r"\$[^$]+\$", texts["en"]))
        assert math_en == sorted(re.findall(r"\$[^$]+\$", texts["zh"])), msg_id


def test_the_chinese_texts_are_chinese():
    _load_every_layer()
    han = re.compile(r"[\u4e00-\u9fff]")
    for msg_id, texts in MESSAGES.items():
        if re.search(r"[A-Za-z]{4,}", re.sub(r"\$[^$]+\$|`[^`]+`|\{[^}]*\}|\\[A-Za-z]+", "", texts["en"])):
            assert han.search(texts["zh"]), msg_id


def test_every_message_id_used_exists():
    _load_every_layer()
    used = used_ids()
    assert used, "the scan found no message ids at all"
    missing = {msg_id: where for msg_id, where in used.items() if msg_id not in MESSAGES}
    assert not missing


def test_every_message_is_used():
    """Every id appears in the code or the templates as a quoted string (a call, a table
    of ids) or is made from data under a prefix of messages.DYNAMIC (a tensor's role)."""
    _load_every_layer()
    quoted = set()
    for _, source in _sources():
        quoted.update(re.findall(r"""["']([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)+)["']""", source))
    unused = sorted(
        m for m in MESSAGES if m not in quoted and not m.startswith(messages.DYNAMIC)
    )
    assert not unused


def test_fields_are_filled_and_latex_braces_kept():
    register({"test.field": {"en": r"$\mathrm{valid}$ at {n} of {m}", "zh": r"$\mathrm{valid}$ {n}/{m}"}})
    try:
        assert text("test.field", "en", n=3, m=4) == r"$\mathrm{valid}$ at 3 of 4"
        assert text("test.field", "zh", n=3, m=4) == r"$\mathrm{valid}$ 3/4"
        with pytest.raises(KeyError, match="no field"):
            text("test.field", "en", k=1)
        with pytest.raises(KeyError, match=r"no message 'test\.nothing'"):
            text("test.nothing", "en")
        with pytest.raises(KeyError, match="no language 'fr'"):
            text("test.field", "fr")
        assert translator("zh")("test.field", n=1, m=2) == r"$\mathrm{valid}$ 1/2"
    finally:
        messages._TABLE.pop("test.field")


def test_register_refuses_a_missing_language_or_a_changed_text():
    with pytest.raises(ValueError, match="no text for zh"):
        register({"test.half": {"en": "half"}})
    with pytest.raises(ValueError, match="other texts"):
        register({"sheet.author": {"en": "changed {version}", "zh": "改 {version}"}})
    assert "test.half" not in MESSAGES


def test_a_language_symderiv_does_not_speak_is_refused():
    with pytest.raises(SpecError, match=r"^lang 'fr': expected one of en, zh$"):
        translator("fr")
