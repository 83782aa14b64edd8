"""Creating, finding and configuring books."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from babel import Locale, UnknownLocaleError
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.audit.service import snapshot
from folio.auth.actor import actor_of
from folio.auth.guard import require, visible_book_ids
from folio.books.models import Book
from folio.errors import Conflict, NotFound, ValidationError
from folio.money import is_currency

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?\Z")  # \Z: no trailing newline


@dataclass(frozen=True)
class BookInput:
    slug: str
    name: str
    base_currency: str
    locale: str = "en_US"
    country: str | None = None
    fiscal_year_start: int = 1
    chart: str = "generic"


def _validate(data: BookInput) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    if not SLUG_RE.match(data.slug):
        errors.append({"field": "slug", "message":
                       "use 1-40 lowercase letters, digits and dashes, e.g. 'acme-2026'"})
    if not data.name.strip():
        errors.append({"field": "name", "message": "a book needs a name"})
    elif len(data.name) > 200:
        errors.append({"field": "name", "message": "at most 200 characters"})
    elif "\x00" in data.name:
        errors.append({"field": "name", "message": "must not contain NUL characters"})
    if not is_currency(data.base_currency):
        errors.append({"field": "base_currency",
                       "message": f"{data.base_currency!r} is not an ISO 4217 currency code"})
    try:
        Locale.parse(data.locale)
    except (ValueError, UnknownLocaleError, TypeError):
        errors.append({"field": "locale", "message": f"{data.locale!r} is not a known locale"})
    if data.country is not None and not re.fullmatch(r"[A-Z]{2}", data.country):
        errors.append({"field": "country", "message": "use a two-letter ISO 3166 code, e.g. ID"})
    if not 1 <= data.fiscal_year_start <= 12:
        errors.append({"field": "fiscal_year_start", "message": "a month number from 1 to 12"})
    return errors


def create_book(session: Session, data: BookInput) -> Book:
    """Create a book and its chart of accounts from a template; a user creating it owns it."""
    actor = actor_of(session)
    from folio.ledger.charts import CHART_TEMPLATES, apply_chart

    errors = _validate(data)
    if data.chart not in CHART_TEMPLATES:
        errors.append({"field": "chart",
                       "message": f"choose one of: {', '.join(CHART_TEMPLATES)}"})
    if errors:
        raise ValidationError(errors[0]["message"] if len(errors) == 1 else
                              "The book has invalid fields", errors=errors)
    if session.scalar(select(Book.id).where(Book.slug == data.slug)) is not None:
        raise Conflict(f"A book with the slug {data.slug!r} already exists", field="slug")
    country = data.country or (Locale.parse(data.locale).territory or "US")
    book = Book(slug=data.slug, name=data.name.strip(), base_currency=data.base_currency,
                locale=data.locale, country=country, fiscal_year_start=data.fiscal_year_start)
    session.add(book)
    session.flush()
    if actor.user_id is not None:  # whoever creates a book owns it
        from folio.auth.models import Membership

        session.add(Membership(book_id=book.id, user_id=actor.user_id, role="owner"))
        actor.roles[book.id] = "owner"
        session.flush()
    apply_chart(session, book, data.chart)
    audit.record(session, "create", "book", book.slug, book=book,
                 after=snapshot(book, BOOK_FIELDS), summary=book.name)
    return book


BOOK_FIELDS = ("slug", "name", "base_currency", "locale", "country", "fiscal_year_start",
               "lock_date")


def _visible(session: Session, query: Select[Book]) -> Select[Book]:
    ids = visible_book_ids(session)
    return query if ids is None else query.where(Book.id.in_(ids))


def list_books(session: Session) -> list[Book]:
    """The books the actor is a member of (every book for the system)."""
    return list(session.scalars(_visible(session, select(Book).order_by(Book.name))))


def get_book(session: Session, slug: str) -> Book:
    """The book, when the actor may read it; otherwise NotFound, as for no such book."""
    # A string that is no slug names no book (and PostgreSQL refuses NUL characters).
    book = session.scalar(select(Book).where(Book.slug == slug)) if SLUG_RE.match(slug) else None
    if book is None:
        raise NotFound(f"No book with the slug {slug!r}")
    require(session, book, "book.read")
    return book


def resolve_book(session: Session, slug: str | None) -> Book:
    """The named book, or the only book when the database holds exactly one."""
    if slug:
        return get_book(session, slug)
    books = list(session.scalars(_visible(session, select(Book).limit(2))))
    if len(books) == 1:
        return books[0]
    if not books:
        raise NotFound("There is no book yet: create one with 'folio books create' or 'folio demo'")
    raise ValidationError("This database holds several books: name one with --book SLUG",
                          field="book")


def lock_book(session: Session, book: Book, lock_date: date | None) -> Book:
    """Set the lock date: nothing may post on or before it. None unlocks."""
    require(session, book, "period.close")
    before = book.lock_date
    book.lock_date = lock_date
    session.flush()
    audit.record(session, "lock", "book", book.slug, book=book, before={"lock_date": before},
                 after={"lock_date": lock_date})
    return book


def fiscal_year_start(book: Book, day: date) -> date:
    """First day of the fiscal year that contains ``day``."""
    from folio.ledger.periods import check_day

    check_day(day)  # year 1 or 9999 would overflow below
    month = book.fiscal_year_start
    year = day.year if day.month >= month else day.year - 1
    return date(year, month, 1)


def fiscal_year_end(book: Book, day: date) -> date:
    start = fiscal_year_start(book, day)
    return date(start.year + 1, start.month, 1) - timedelta(days=1)
