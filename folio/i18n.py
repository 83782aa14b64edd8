"""Interface languages: the .po catalogs, compiled in memory, and choosing a request's language.

Catalogs live in ``folio/locale/<lang>/LC_MESSAGES/messages.po`` and are compiled when first
used (``read_po`` then ``write_mo``), so no ``.mo`` file is built or committed. Numbers,
dates and money follow the *book's* locale instead (see ``folio.money``); this module only
decides the language of the words around them.
"""

from __future__ import annotations

import io
from functools import lru_cache
from importlib import resources

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LANGUAGES: dict[str, str] = {"en": "English", "id": "Bahasa Indonesia"}
LANGUAGE_COOKIE = "folio_lang"
DOMAIN = "messages"


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet (translated when shown)."""
    return message


def catalog_path(language: str) -> str:
    return f"{language}/LC_MESSAGES/{DOMAIN}.po"


@lru_cache(maxsize=len(LANGUAGES))
def translations(language: str) -> Translations:
    """The compiled catalog of ``language`` (English, the source language, when unknown)."""
    if language not in LANGUAGES:
        language = "en"
    source = resources.files("folio") / "locale" / catalog_path(language)
    with source.open("rb") as po_file:
        catalog = read_po(po_file, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def load_all() -> None:
    """Compile every catalog now (at startup), so a broken .po fails fast."""
    for language in LANGUAGES:
        translations(language)


def _accept_language(header: str) -> list[str]:
    """Language tags of an Accept-Language header, best first."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            weighted.append((-quality, position, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


def _base_language(tag: str) -> str | None:
    try:
        return Locale.parse(tag.replace("-", "_")).language
    except (ValueError, UnknownLocaleError, TypeError):
        return None


def choose_language(cookie: str | None, accept_language: str | None, default: str) -> str:
    """The cookie set by the language switch, else the browser's preference, else ``default``."""
    if cookie in LANGUAGES:
        return cookie
    for tag in _accept_language(accept_language or ""):
        language = "id" if tag.lower() in ("in", "in-id") else _base_language(tag)
        if language in LANGUAGES:
            return language
    return default if default in LANGUAGES else "en"
