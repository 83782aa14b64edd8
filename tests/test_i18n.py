"""Interface languages: every message of the templates and code has a Bahasa translation."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from folio.i18n import LANGUAGES, catalog_path, choose_language, translations

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "folio" / "locale"


def extracted() -> dict[str, tuple[str, int]]:
    """Every msgid that babel.cfg extracts from the package, with where it was found."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[str, tuple[str, int]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, (filename, lineno))
    return found


def catalog(language: str) -> Catalog:
    with open(LOCALE / catalog_path(language), "rb") as po_file:
        return read_po(po_file, locale=language)


def test_extraction_finds_the_templates_and_the_code() -> None:
    messages = extracted()
    assert messages["Current year earnings"][0].endswith(".py")  # marked with N_ in Python
    assert messages["Opening balance"][0].endswith(".html")
    assert len(messages) > 150


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_every_message_is_in_the_catalog(language: str) -> None:
    known = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog(language) if m.id}
    missing = {msgid: where for msgid, where in extracted().items() if msgid not in known}
    assert not missing, (f"add these to folio/locale/{catalog_path(language)} "
                         f"(pybabel extract + update): {missing}")


def test_every_message_has_an_indonesian_translation() -> None:
    untranslated = [m.id for m in catalog("id") if m.id and (
        not all(m.string) if isinstance(m.string, tuple) else not m.string)]
    assert not untranslated, f"translate in folio/locale/id: {untranslated}"
    assert not [m.id for m in catalog("id") if m.id and m.fuzzy]


def test_translations_keep_their_placeholders() -> None:
    import re

    for message in catalog("id"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"%\(\w+\)s", ids[0]))
        for string in strings:
            assert set(re.findall(r"%\(\w+\)s", string)) == wanted, message.id


def test_the_catalogs_compile_in_memory() -> None:
    assert translations("id").gettext("Balance sheet") == "Neraca"
    assert translations("id").gettext("General ledger") == "Buku Besar"
    assert translations("en").gettext("Balance sheet") == "Balance sheet"
    assert translations("xx").gettext("Balance sheet") == "Balance sheet"
    assert not list(LOCALE.rglob("*.mo"))


@pytest.mark.parametrize(("cookie", "header", "expected"), [
    ("id", "en-US,en;q=0.9", "id"),
    (None, "id-ID,id;q=0.9,en;q=0.8", "id"),
    (None, "fr-FR,fr;q=0.9,id;q=0.5", "id"),
    (None, "de-DE;q=0.9,en;q=0.95", "en"),
    (None, "in", "id"),  # the old code of Indonesian, still sent by some Android browsers
    ("xx", "garbage;;q=abc", "en"),
    (None, None, "en"),
])
def test_it_chooses_the_language_by_cookie_then_browser_then_default(
        cookie: str | None, header: str | None, expected: str) -> None:
    assert choose_language(cookie, header, "en") == expected


def test_the_default_language_applies_when_nothing_else_says() -> None:
    assert choose_language(None, "ja-JP", "id") == "id"
