"""Subscription detection: a monthly series of the same payee and amount is suggested."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.personal.detection import detect_subscriptions, payee_key
from folio.personal.recurring import RecurringInput, create_recurring
from tests.conftest import post
from tests.personal.conftest import CARD, CHECKING, EATING_OUT, GROCERIES, SUBSCRIPTIONS

TODAY = date(2026, 11, 23)


def pay(session: Session, book: Book, day: str, account: str, amount: int, party: str | None,
        description: str = "Card payment", money: str = CHECKING) -> None:
    post(session, book, day, [(account, amount), (money, -amount)], description=description,
         party=party)


def test_a_monthly_netflix_series_is_suggested(session: Session, household: Book) -> None:
    for day, amount in (("2026-08-05", 186_000), ("2026-09-05", 186_000),
                        ("2026-10-06", 189_000), ("2026-11-05", 186_000)):
        pay(session, household, day, SUBSCRIPTIONS, amount, "Netflix", money=CARD)

    (found,) = detect_subscriptions(session, household, today=TODAY)

    assert (found.name, found.payee, found.amount) == ("Netflix", "Netflix", 186_000)
    assert found.category.code == SUBSCRIPTIONS
    assert found.money_account is not None
    assert found.money_account.code == CARD
    assert found.occurrences == 4
    assert found.next_date == date(2026, 12, 6)  # the latest day of the month it fell on


def test_descriptions_match_without_their_digits(session: Session, household: Book) -> None:
    for month in (8, 9, 10):
        pay(session, household, f"2026-{month:02d}-28", SUBSCRIPTIONS, 55_000, None,
            description=f"SPOTIFY P{month}2026")
    (found,) = detect_subscriptions(session, household, today=TODAY)
    assert found.name == "SPOTIFY P102026"
    assert payee_key("SPOTIFY P102026") == payee_key("Spotify p8 2026") == "spotify p"


def test_irregular_series_are_ignored(session: Session, household: Book) -> None:
    # Irregular dates.
    for day in ("2026-08-01", "2026-08-09", "2026-10-20", "2026-11-02"):
        pay(session, household, day, GROCERIES, 250_000, "Tokopedia")
    # Monthly, but the amounts swing.
    for day, amount in (("2026-09-15", 300_000), ("2026-10-15", 100_000),
                        ("2026-11-15", 500_000)):
        pay(session, household, day, EATING_OUT, amount, "Warung")
    # Only twice.
    for day in ("2026-10-01", "2026-11-01"):
        pay(session, household, day, SUBSCRIPTIONS, 39_000, "Disney")
    # Monthly, but it stopped in the summer.
    for day in ("2026-04-10", "2026-05-10", "2026-06-10"):
        pay(session, household, day, SUBSCRIPTIONS, 99_000, "Old magazine")

    assert detect_subscriptions(session, household, today=TODAY) == []


def test_a_series_with_a_recurring_transaction_is_not_suggested_again(
        session: Session, household: Book) -> None:
    for day in ("2026-09-05", "2026-10-05", "2026-11-05"):
        pay(session, household, day, SUBSCRIPTIONS, 186_000, "Netflix")
    create_recurring(session, household, RecurringInput(
        name="Netflix", payee="Netflix", amount=Decimal(186_000), category=SUBSCRIPTIONS,
        money_account=CHECKING, next_date=date(2026, 12, 5)))
    session.commit()

    assert detect_subscriptions(session, household, today=TODAY) == []
