"""Rendering pages: one Jinja environment per interface language, and the shell's context.

Each language has its own environment with that language's translations installed
(``jinja2.ext.i18n``), so concurrent requests in different languages never share state.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from folio import __version__
from folio.books.models import Book
from folio.i18n import LANGUAGE_COOKIE, LANGUAGES, choose_language, translations
from folio.settings import get_settings
from folio.web import filters
from folio.web.navigation import NAVIGATION

THEME_COOKIE = "folio_theme"
THEMES = ("light", "dark")
# Packages whose templates/ directories pages render from; a domain with pages adds itself.
TEMPLATE_PACKAGES = ("folio.web", "folio.ledger", "folio.auth", "folio.banking", "folio.ops",
                     "folio.sales", "folio.documents", "folio.parties", "folio.purchases",
                     "folio.personal", "folio.fx")


def request_language(request: Request) -> str:
    """The language switch's cookie, else Accept-Language, else DEFAULT_LANGUAGE."""
    return choose_language(request.cookies.get(LANGUAGE_COOKIE),
                           request.headers.get("accept-language"),
                           get_settings().DEFAULT_LANGUAGE)


def _query(params: Mapping[str, Any] | None) -> str:
    if not params:
        return ""
    pairs = [(k, v.isoformat() if isinstance(v, date) else str(v))
             for k, v in params.items() if v is not None and v != ""]
    return "?" + urlencode(pairs) if pairs else ""


@pass_context
def url(ctx: Context, name: str, query: Mapping[str, Any] | None = None, **path: Any) -> str:
    """A same-origin path for the route ``name``, with optional query parameters."""
    request: Request = ctx["request"]
    return str(request.app.url_path_for(name, **{k: str(v) for k, v in path.items()})) + _query(
        query)


@pass_context
def here(ctx: Context, **changes: Any) -> str:
    """This page's path and query with some parameters changed (pagination, filters)."""
    request: Request = ctx["request"]
    params: dict[str, Any] = dict(request.query_params)
    params.update(changes)
    return request.url.path + _query(params)


def static(path: str) -> str:
    return f"/static/{path}?v={__version__}"


@lru_cache(maxsize=len(LANGUAGES))
def environment(language: str) -> Environment:
    env = Environment(
        loader=ChoiceLoader([PackageLoader(package, "templates")
                             for package in TEMPLATE_PACKAGES]),
        autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(filters.FILTERS)
    env.tests.update(filters.TESTS)
    catalog = translations(language)

    def translated(message: str) -> str:
        # For messages from services: plain text (escaped when shown), unlike _() whose
        # result is markup; English messages the catalog does not know pass unchanged.
        return str(catalog.gettext(message))

    env.globals.update(url=url, here=here, static=static, translated=translated,
                       LANGUAGES=LANGUAGES, NAVIGATION=NAVIGATION, version=__version__)
    return env


def _books(request: Request) -> list[Book]:
    from folio.books.service import list_books
    from folio.db import make_session

    actor = getattr(request.state, "actor", None)
    if actor is None:  # not signed in: no books to list
        return []
    session = make_session(request.app.state.engine, actor=actor)
    try:
        return list_books(session)
    finally:
        session.close()


def _shell(request: Request, context: Mapping[str, Any], language: str) -> dict[str, Any]:
    """What the layout needs on every page: books, current book, language, theme, CSRF."""
    books = context.get("books")
    if books is None:
        try:
            books = _books(request)
        except Exception:  # the layout must render even when the database is down
            books = []
    book = context.get("book")
    if book is None and "slug" in request.path_params:
        book = next((b for b in books if b.slug == request.path_params["slug"]), None)
    route = request.scope.get("route")
    theme = request.cookies.get(THEME_COOKIE)
    return {
        "request": request, "lang": language, "books": books, "book": book,
        "route_name": getattr(route, "name", None),
        "theme": theme if theme in THEMES else None,
        # The one place a CSRF token enters pages: the auth layer sets request.state.csrf_token.
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "user": getattr(request.state, "user", None),
    }


def render(request: Request, template: str, context: Mapping[str, Any] | None = None, *,
           status_code: int = 200, headers: Mapping[str, str] | None = None,
           fragment: bool = False) -> HTMLResponse:
    """Render ``template`` in the request's language; ``fragment`` skips the shell (HTMX)."""
    context = dict(context or {})
    language = request_language(request)
    if fragment:
        full = {"request": request, "lang": language,
                "csrf_token": getattr(request.state, "csrf_token", ""), **context}
    else:
        full = {**_shell(request, context, language), **context}
        full.setdefault("book", None)
    html = environment(language).get_template(template).render(full)
    return HTMLResponse(html, status_code=status_code, headers=dict(headers or {}))
