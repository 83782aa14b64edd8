"""Recurring transactions: record now posts the due occurrence once and moves the date on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.audit.models import AuditEvent
from folio.books.models import Book
from folio.errors import Conflict, ValidationError
from folio.ledger.models import JournalEntry
from folio.personal.models import RecurringTransaction
from folio.personal.recurring import (
    RecurringInput,
    create_recurring,
    record_now,
    update_recurring,
)
from folio.personal.schedule import following, occurrences
from tests.personal.conftest import CARD, CHECKING, GROCERIES, SALARY, SAVINGS, SUBSCRIPTIONS
from tests.sales.conftest import balance


def recurring(session: Session, book: Book, **fields: object) -> RecurringTransaction:
    data: dict[str, object] = {"name": "Netflix", "payee": "Netflix", "amount": Decimal(186_000),
                               "category": SUBSCRIPTIONS, "money_account": CHECKING,
                               "next_date": date(2026, 10, 31)}
    data.update(fields)
    item = create_recurring(session, book, RecurringInput(**data))  # type: ignore[arg-type]
    session.commit()
    return item


def test_monthly_on_the_31st_keeps_to_the_months_last_day() -> None:
    dates = list(occurrences(date(2026, 10, 31), "monthly", 1, 31, date(2027, 3, 31)))

    assert dates == [date(2026, 10, 31), date(2026, 11, 30), date(2026, 12, 31),
                     date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)]


@pytest.mark.parametrize(("day", "frequency", "interval", "anchor", "expected"), [
    (date(2026, 11, 23), "weekly", 1, 23, date(2026, 11, 30)),
    (date(2026, 11, 23), "weekly", 2, 23, date(2026, 12, 7)),
    (date(2026, 11, 30), "quarterly", 1, 31, date(2027, 2, 28)),
    (date(2027, 2, 28), "quarterly", 1, 31, date(2027, 5, 31)),
    (date(2028, 2, 29), "yearly", 1, 29, date(2029, 2, 28)),
    (date(2029, 2, 28), "yearly", 3, 29, date(2032, 2, 29)),
    (date(2026, 1, 15), "monthly", 2, 15, date(2026, 3, 15)),
    (date(2999, 12, 1), "monthly", 1, 1, None),
])
def test_the_next_occurrence(day: date, frequency: str, interval: int, anchor: int,
                             expected: date | None) -> None:
    assert following(day, frequency, interval, anchor) == expected


def test_record_now_posts_once_and_advances_the_date(session: Session, household: Book) -> None:
    item = recurring(session, household)

    entry = record_now(session, household, item)
    session.commit()

    assert entry.is_posted
    assert entry.date == date(2026, 10, 31)
    assert (entry.description, entry.party) == ("Netflix", "Netflix")
    assert item.next_date == date(2026, 11, 30)
    assert item.last_entry_id == entry.id
    assert balance(session, household, SUBSCRIPTIONS) == 186_000
    assert balance(session, household, CHECKING) == -186_000
    assert session.scalar(select(AuditEvent).where(
        AuditEvent.object_type == "recurring_transaction", AuditEvent.action == "post"))

    record_now(session, household, item)
    record_now(session, household, item)
    session.commit()
    days = list(session.scalars(select(JournalEntry.date).order_by(JournalEntry.id)))
    assert days == [date(2026, 10, 31), date(2026, 11, 30), date(2026, 12, 31)]
    assert item.next_date == date(2027, 1, 31)


def test_income_goes_into_the_money_account(session: Session, household: Book) -> None:
    item = recurring(session, household, name="Salary", payee="PT Kantor", kind="income",
                     amount=Decimal(8_000_000), category=SALARY, next_date=date(2026, 11, 25))

    record_now(session, household, item, on=date(2026, 11, 24))
    session.commit()

    assert balance(session, household, CHECKING) == 8_000_000
    assert balance(session, household, SALARY) == -8_000_000
    assert item.next_date == date(2026, 12, 25)


def test_a_card_payment_raises_what_is_owed(session: Session, household: Book) -> None:
    item = recurring(session, household, money_account=CARD)
    record_now(session, household, item)
    session.commit()
    assert balance(session, household, CARD) == -186_000


def test_the_series_stops_after_its_end_date(session: Session, household: Book) -> None:
    item = recurring(session, household, next_date=date(2026, 11, 30),
                     end_date=date(2026, 12, 15))

    record_now(session, household, item)
    session.commit()

    assert not item.active
    with pytest.raises(Conflict):
        record_now(session, household, item)


def test_the_same_occurrence_is_never_posted_twice(session: Session, household: Book) -> None:
    item = recurring(session, household)
    record_now(session, household, item)
    session.commit()
    item.next_date = date(2026, 10, 31)  # as if a stale copy tried again

    with pytest.raises(Conflict, match="external id"):
        record_now(session, household, item)


def test_an_inactive_series_is_not_recorded(session: Session, household: Book) -> None:
    item = recurring(session, household, active=False)
    with pytest.raises(Conflict, match="not active"):
        record_now(session, household, item)


def test_changing_the_next_date_moves_the_anchor_day(session: Session, household: Book) -> None:
    item = recurring(session, household)
    update_recurring(session, household, item, RecurringInput(
        name="Netflix", amount=Decimal(199_000), category=SUBSCRIPTIONS, money_account=CHECKING,
        next_date=date(2026, 12, 5)))
    record_now(session, household, item)
    assert (item.anchor_day, item.next_date, item.amount) == (5, date(2027, 1, 5), 199_000)


@pytest.mark.parametrize(("fields", "field"), [
    ({"amount": Decimal(-5)}, "amount"),
    ({"amount": Decimal(0)}, "amount"),
    ({"category": SAVINGS}, "category"),  # an asset is not a category
    ({"category": "5000"}, "category"),  # a group
    ({"kind": "income"}, "category"),  # income needs an income account
    ({"money_account": GROCERIES}, "money_account"),
    ({"money_account": "nope"}, "money_account"),
    ({"frequency": "daily"}, "frequency"),
    ({"interval": 0}, "interval"),
    ({"name": " "}, "name"),
    ({"end_date": date(2026, 1, 1)}, "end_date"),
])
def test_bad_recurring_transactions_are_refused_and_write_nothing(
        session: Session, household: Book, counts: Callable[[], dict[str, int]],
        fields: dict[str, object], field: str) -> None:
    before = counts()
    with pytest.raises(ValidationError) as refused:
        recurring(session, household, **fields)
    session.rollback()
    assert field in [e["field"] for e in refused.value.errors]
    assert counts() == before
