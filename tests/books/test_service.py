"""Books: creation from chart templates, validation, lookup, fiscal years."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.books.service import (
    BookInput,
    create_book,
    fiscal_year_end,
    fiscal_year_start,
    get_book,
    list_books,
    lock_book,
    resolve_book,
)
from folio.errors import Conflict, NotFound, ValidationError
from folio.ledger.charts import CHART_TEMPLATES, load_template
from folio.ledger.models import Account

GOOD = BookInput(slug="shop", name="The Shop", base_currency="USD")


def _fields(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return {e["field"] for e in exc.value.errors}


@pytest.mark.parametrize("chart", CHART_TEMPLATES)
def test_it_creates_a_book_with_each_chart_template(session: Session, chart: str) -> None:
    book = create_book(session, replace(GOOD, chart=chart))
    session.commit()
    codes = set(session.scalars(select(Account.code).where(Account.book_id == book.id)))
    assert codes == {row["code"] for row in load_template(chart)}
    if chart == "none":
        assert codes == set()
    assert book.chain_seq == 0
    assert book.lock_date is None


def test_a_chart_template_links_children_to_their_parents(session: Session, book: Book) -> None:
    cash = session.scalar(select(Account).where(Account.book_id == book.id,
                                                Account.code == "1010"))
    assert cash is not None
    parent = session.get(Account, cash.parent_id)
    assert parent is not None
    assert (parent.code, parent.is_group, cash.role) == ("1000", True, "cash")


def test_it_takes_the_country_from_the_locale_when_none_is_given(session: Session) -> None:
    book = create_book(session, replace(GOOD, locale="id_ID", base_currency="IDR"))
    assert book.country == "ID"
    other = create_book(session, replace(GOOD, slug="india", locale="en_IN", country="IN",
                                         fiscal_year_start=4))
    assert (other.country, other.fiscal_year_start) == ("IN", 4)


@pytest.mark.parametrize(("change", "field"), [
    ({"slug": "Has Spaces"}, "slug"),
    ({"slug": "-leading-dash"}, "slug"),
    ({"slug": "x" * 41}, "slug"),
    ({"slug": ""}, "slug"),
    ({"slug": "shop\n"}, "slug"),
    ({"name": "nul\x00"}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "n" * 201}, "name"),
    ({"base_currency": "XYZ"}, "base_currency"),
    ({"base_currency": "usd"}, "base_currency"),
    ({"locale": "xx_NOPE"}, "locale"),
    ({"locale": ""}, "locale"),
    ({"country": "Indonesia"}, "country"),
    ({"country": "id"}, "country"),
    ({"fiscal_year_start": 0}, "fiscal_year_start"),
    ({"fiscal_year_start": 13}, "fiscal_year_start"),
    ({"chart": "martian"}, "chart"),
])
def test_it_refuses_a_bad_field(session: Session, change: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        create_book(session, replace(GOOD, **change))  # type: ignore[arg-type]
    assert _fields(exc) == {field}
    assert session.scalar(select(func.count()).select_from(Book)) == 0


def test_it_reports_every_bad_field_at_once(session: Session) -> None:
    with pytest.raises(ValidationError) as exc:
        create_book(session, BookInput(slug="BAD SLUG", name="", base_currency="ZZZ",
                                       fiscal_year_start=13))
    assert _fields(exc) == {"slug", "name", "base_currency", "fiscal_year_start"}


def test_it_refuses_a_duplicate_slug(session: Session, book: Book) -> None:
    with pytest.raises(Conflict) as exc:
        create_book(session, replace(GOOD, slug=book.slug))
    assert exc.value.errors[0]["field"] == "slug"


def test_get_book_finds_by_slug_or_says_not_found(session: Session, book: Book) -> None:
    assert get_book(session, "acme").id == book.id
    with pytest.raises(NotFound):
        get_book(session, "nope")
    with pytest.raises(NotFound):
        get_book(session, "bad\x00slug")


def test_resolve_book_with_no_book_says_how_to_create_one(session: Session) -> None:
    with pytest.raises(NotFound, match="folio books create"):
        resolve_book(session, None)


def test_resolve_book_with_one_book_needs_no_slug(session: Session, book: Book) -> None:
    assert resolve_book(session, None).id == book.id
    assert resolve_book(session, "acme").id == book.id


def test_resolve_book_with_two_books_asks_for_one(session: Session, book: Book,
                                                  idr_book: Book) -> None:
    with pytest.raises(ValidationError, match="--book"):
        resolve_book(session, None)
    assert resolve_book(session, "studio").id == idr_book.id


def test_list_books_orders_by_name(session: Session, book: Book, idr_book: Book) -> None:
    assert [b.slug for b in list_books(session)] == ["acme", "studio"]


def test_lock_book_sets_and_clears_the_lock_date(session: Session, book: Book) -> None:
    lock_book(session, book, date(2025, 12, 31))
    assert book.lock_date == date(2025, 12, 31)
    lock_book(session, book, None)
    assert book.lock_date is None


@pytest.mark.parametrize(("start_month", "day", "first", "last"), [
    (1, date(2025, 6, 15), date(2025, 1, 1), date(2025, 12, 31)),
    (4, date(2025, 6, 15), date(2025, 4, 1), date(2026, 3, 31)),
    (4, date(2025, 2, 10), date(2024, 4, 1), date(2025, 3, 31)),
    (7, date(2024, 7, 1), date(2024, 7, 1), date(2025, 6, 30)),
])
def test_fiscal_years_follow_the_books_start_month(start_month: int, day: date, first: date,
                                                   last: date) -> None:
    book = Book(slug="x", name="x", base_currency="USD", fiscal_year_start=start_month)
    assert (fiscal_year_start(book, day), fiscal_year_end(book, day)) == (first, last)
