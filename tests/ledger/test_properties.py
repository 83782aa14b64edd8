"""Ledger invariants over random books (Hypothesis), on SQLite with a fresh book per example."""

from __future__ import annotations

import io
import itertools
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.auth.actor import SYSTEM
from folio.books.models import Book
from folio.books.service import BookInput, create_book
from folio.db import create_folio_engine, make_session
from folio.ledger.check import check_book
from folio.ledger.report_output import (
    balance_sheet_dict,
    income_statement_dict,
    trial_balance_dict,
)
from folio.ledger.reports import balance_sheet, income_statement, net_by_account, trial_balance
from folio.ledger.service import create_entry, reverse_entry
from folio.ledger.transfer import export_accounts, export_journal, import_accounts, import_journal
from tests.ledger.factories import entry_input
from tests.ledger.test_reports import net_from_postings

ACCOUNTS = ["1010", "1020", "1100", "1500", "2100", "2500", "3100", "4100", "4200", "5100",
            "6100", "6200", "6700"]
RATES = [Decimal("1.0815"), Decimal("0.9"), Decimal("1.23456"), Decimal("0.0000625")]
FIRST, LAST = date(2024, 1, 1), date(2025, 12, 31)
PROPERTY_SETTINGS = settings(max_examples=30, deadline=None, derandomize=True,
                             suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                    HealthCheck.too_slow])

days = st.dates(min_value=FIRST, max_value=LAST)
amounts = st.integers(min_value=-10**9, max_value=10**9).filter(bool)


@dataclass
class Plan:
    """An entry to post: its date, lines, and how many days later it is reversed (if at all)."""

    day: date
    lines: list[tuple[object, ...]]
    reverse_after: int | None


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    count = draw(st.integers(min_value=1, max_value=4))
    lines: list[tuple[object, ...]] = []
    total = Decimal(0)
    for _ in range(count):
        code = draw(st.sampled_from(ACCOUNTS))
        cents = draw(amounts)
        if draw(st.integers(0, 4)) == 0:  # now and then a line in euros
            rate = draw(st.sampled_from(RATES))
            amount = Decimal(cents).scaleb(-2)
            lines.append((code, amount, "EUR", rate))
            total += (amount * rate).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
        else:
            amount = Decimal(cents).scaleb(-2)
            lines.append((code, amount))
            total += amount
    if total == 0:
        lines.append(("1010", Decimal("0.01")))
        total = Decimal("0.01")
    lines.append((draw(st.sampled_from(ACCOUNTS)), -total))
    reverse_after = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=90)))
    return Plan(draw(days), lines, reverse_after)


books = st.lists(plans(), min_size=1, max_size=10)
_slugs = itertools.count()


@pytest.fixture
def sqlite_engine(sqlite_template: Path, tmp_path: Path) -> Iterator[Engine]:
    path = tmp_path / "properties.db"
    shutil.copy(sqlite_template, path)
    engine = create_folio_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def _new_book(session: Session, chart: str = "generic") -> Book:
    book = create_book(session, BookInput(slug=f"p{next(_slugs)}", name="Property",
                                          base_currency="USD", chart=chart))
    session.commit()
    return book


def _post_all(session: Session, book: Book, entries: list[Plan]) -> None:
    for plan in entries:
        entry = create_entry(session, book, entry_input(plan.day, plan.lines), post=True)
        if plan.reverse_after is not None:
            reverse_entry(session, book, entry, on=plan.day + timedelta(days=plan.reverse_after))
    session.commit()


@given(entries=books, as_of=days)
@PROPERTY_SETTINGS
def test_the_trial_balance_always_balances(sqlite_engine: Engine, entries: list[Plan],
                                           as_of: date) -> None:
    with make_session(sqlite_engine, write=True, actor=SYSTEM) as session:
        book = _new_book(session)
        _post_all(session, book, entries)
        report = trial_balance(session, book, as_of)
        assert report.total_debit == report.total_credit
        assert net_by_account(session, book, None, as_of) == net_from_postings(
            session, book, None, as_of)
        assert balance_sheet(session, book, as_of).balanced


@given(entries=books)
@PROPERTY_SETTINGS
def test_maintained_balances_equal_a_recomputation(sqlite_engine: Engine,
                                                   entries: list[Plan]) -> None:
    with make_session(sqlite_engine, write=True, actor=SYSTEM) as session:
        book = _new_book(session)
        _post_all(session, book, entries)
        result = check_book(session, book)
        assert result.ok, result.problems
        assert result.entries == len(entries) + sum(p.reverse_after is not None for p in entries)


@given(entries=books)
@PROPERTY_SETTINGS
def test_reversing_every_entry_nets_every_account_to_zero(sqlite_engine: Engine,
                                                         entries: list[Plan]) -> None:
    with make_session(sqlite_engine, write=True, actor=SYSTEM) as session:
        book = _new_book(session)
        for plan in entries:
            plan.reverse_after = plan.reverse_after or 0
        _post_all(session, book, entries)
        end = LAST + timedelta(days=90)
        assert trial_balance(session, book, end).rows == []
        assert net_from_postings(session, book, None, end) == {}


def _reports(session: Session, book: Book, day: date) -> list[dict[str, object]]:
    reports = [trial_balance_dict(trial_balance(session, book, day)),
               balance_sheet_dict(balance_sheet(session, book, day)),
               income_statement_dict(income_statement(session, book, date(day.year, 1, 1), day))]
    for report in reports:
        report.pop("book")
    return reports


@given(entries=books, day=days)
@PROPERTY_SETTINGS
def test_export_then_import_gives_the_same_reports(sqlite_engine: Engine, entries: list[Plan],
                                                   day: date) -> None:
    with make_session(sqlite_engine, write=True, actor=SYSTEM) as session:
        original = _new_book(session)
        _post_all(session, original, entries)
        accounts, journal = io.StringIO(), io.StringIO()
        export_accounts(session, original, accounts)
        export_journal(session, original, journal)
        copy = _new_book(session, chart="none")
        import_accounts(session, copy, io.StringIO(accounts.getvalue()))
        import_journal(session, copy, io.StringIO(journal.getvalue(), newline=""))
        session.commit()
        original = session.get(Book, original.id)  # type: ignore[assignment]
        for when in (day, LAST + timedelta(days=90)):
            assert _reports(session, copy, when) == _reports(session, original, when)
        assert check_book(session, copy).ok
