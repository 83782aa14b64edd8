"""The fast paths behind large books give the same results as the plain definitions.

The import parses plain amounts without Decimal, writes rows with the driver's
executemany and builds the hash-chain JSON directly; reports read partial months from the
daily balances and the general ledger pages by them. Each is checked here against the
slow, obvious way.
"""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import ValidationError
from folio.ledger import transfer
from folio.ledger.accounts import get_account
from folio.ledger.chain import canonical_json, canonical_json_plain, canonical_json_reference
from folio.ledger.check import check_book
from folio.ledger.general_ledger import general_ledger
from folio.ledger.models import AccountDayBalance, JournalEntry, JournalLine
from folio.ledger.reports import net_by_account
from folio.ledger.service import close_fiscal_year
from tests.conftest import post

HEADER = "txn_id,date,description,party,account,amount\n"

text_or_none = st.none() | st.text(max_size=12)
chain_lines = st.lists(st.tuples(
    st.text(max_size=6), st.integers(-10**17, 10**17), st.text(max_size=3),
    st.sampled_from([Decimal(1), Decimal("1.000"), Decimal("15000.5"), Decimal("1E+3"),
                     Decimal("0.0000123"), 1, 2.5]),
    st.integers(-10**17, 10**17), text_or_none), max_size=4)


@settings(max_examples=300, deadline=None)
@given(number=st.none() | st.integers(-5, 10**12) | st.booleans(),
       day=st.dates(min_value=date(1900, 1, 1)), description=st.text(max_size=20),
       party=text_or_none, reference=text_or_none, kind=st.text(max_size=8),
       external_id=text_or_none, reversal_of=st.none() | st.integers(0, 10**18),
       lines=chain_lines)
def test_the_chain_json_is_byte_for_byte_the_reference(
        number: int | None, day: date, description: str, party: str | None,
        reference: str | None, kind: str, external_id: str | None, reversal_of: int | None,
        lines: list[Any]) -> None:
    fields = dict(number=number, day=day, description=description, party=party,
                  reference=reference, kind=kind, external_id=external_id,
                  reversal_of=reversal_of, lines=lines)
    assert canonical_json(**fields) == canonical_json_reference(**fields)  # type: ignore[arg-type]


plain_lines = st.lists(st.tuples(
    st.text(max_size=6), st.integers(-10**17, 10**17), st.text(max_size=3),
    st.sampled_from([Decimal(1), Decimal("1.000"), Decimal("15000.5"), Decimal("1E+3")]),
    st.integers(-10**17, 10**17), text_or_none), max_size=4)


@settings(max_examples=300, deadline=None)
@given(number=st.integers(-5, 10**12), day=st.dates(min_value=date(1900, 1, 1)),
       description=st.text(max_size=20), party=text_or_none, kind=st.text(max_size=8),
       external_id=text_or_none, lines=plain_lines)
def test_the_plain_chain_json_is_byte_for_byte_the_reference(
        number: int, day: date, description: str, party: str | None, kind: str,
        external_id: str | None, lines: list[Any]) -> None:
    fields = dict(number=number, day=day, description=description, party=party, kind=kind,
                  external_id=external_id, lines=lines)
    assert canonical_json_plain(**fields) == canonical_json_reference(  # type: ignore[arg-type]
        reference=None, reversal_of=None, **fields)  # type: ignore[arg-type]


AMOUNTS = ["1.5", "-1.5", "100", "-0.00", "0", "007.50", "1.234", "1.230", "1.2300000",
           "1e3", "+5", "1_000", "12.", ".5", "abc", "NaN", "999999999999999.99",
           "1000000000000000", "-999999999999999", "١٢", "1.05", "-12345678901234.5"]


def _outcome(session: Session, book: Book, amount: str) -> tuple[str, object]:
    rows = HEADER + f"t1,2025-01-05,Sale,,1010,{amount}\nt1,2025-01-05,Sale,,4100,-1\n"
    try:
        entries = transfer._read_entries(session, book, io.StringIO(rows, newline=""))
    except ValidationError as exc:
        return "error", exc.detail
    return "units", entries[0].lines[0][1]


@pytest.mark.parametrize("amount", AMOUNTS)
def test_plain_amounts_parse_as_parse_amount_does(session: Session, book: Book, amount: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _outcome(session, book, amount)
    monkeypatch.setattr(transfer, "_PLAIN_AMOUNT", re.compile(r"(?!)(x)(x)(x)"))  # never
    assert fast == _outcome(session, book, amount)


def test_imported_rows_read_back_like_posted_ones(session: Session, book: Book) -> None:
    entry = post(session, book, "2025-01-04", [("1010", "10.00"), ("4100", "-10.00")])
    transfer.import_journal(session, book, io.StringIO(
        HEADER + "t1,2025-01-05,Sale,Alice,1010,100.50\nt1,2025-01-05,Sale,Alice,4100,-100.50\n",
        newline=""))
    session.commit()
    session.expire_all()
    imported = session.scalar(select(JournalEntry).where(JournalEntry.external_id == "t1"))
    assert imported is not None
    posted = session.get(JournalEntry, entry.id)
    assert posted is not None
    for made in (posted, imported):
        assert made.is_posted
        assert made.posted_at is not None
        assert made.created_at is not None
        assert [(line.posted, line.rate, line.currency) for line in made.lines] == [
            (True, Decimal(1), "USD")] * 2
    assert imported.date == date(2025, 1, 5)
    assert imported.lines[0].date == date(2025, 1, 5)
    assert imported.prev_hash == posted.hash
    assert check_book(session, book).ok


def test_partial_months_read_from_day_balances_as_from_postings(session: Session,
                                                                book: Book) -> None:
    for day, amount in (("2025-01-31", 5), ("2025-02-01", 7), ("2025-02-14", 11),
                        ("2025-02-15", 13), ("2025-02-28", 17), ("2025-03-03", 19)):
        post(session, book, day, [("1010", amount), ("4100", -amount)])
    post(session, book, "2025-02-14", [("4100", 100), ("6200", -100)])
    close_fiscal_year(session, book, date(2024, 12, 31))
    session.commit()

    def from_postings(start: date | None, end: date) -> dict[int, int]:
        totals: dict[int, int] = {}
        query = select(JournalLine.account_id, JournalLine.base_amount).where(
            JournalLine.book_id == book.id, JournalLine.posted.is_(True), JournalLine.date <= end)
        if start:
            query = query.where(JournalLine.date >= start)
        for account_id, units in session.execute(query):
            totals[account_id] = totals.get(account_id, 0) + units
        return {k: v for k, v in totals.items() if v}

    for start, end in ((None, date(2025, 2, 14)), (date(2025, 2, 2), date(2025, 2, 14)),
                       (date(2025, 1, 15), date(2025, 3, 2)), (None, date(2025, 3, 31))):
        assert net_by_account(session, book, start, end) == from_postings(start, end)


def test_every_page_of_a_busy_day_continues_the_running_balance(session: Session,
                                                                book: Book) -> None:
    for n in range(23):  # many postings on few days: pages start inside days
        day = date(2025, 3, 1 + n // 9)
        post(session, book, day, [("1010", 10 + n), ("4100", -(10 + n))])
    bank = get_account(session, book, "1010")
    rows = []
    for page in range(1, 6):
        gl = general_ledger(session, book, bank, date(2025, 3, 1), date(2025, 3, 31),
                            page=page, page_size=5)
        assert gl.total_rows == 23
        rows += gl.rows
    assert [r.base_amount for r in rows] == [1000 + 100 * n for n in range(23)]
    running = 0
    for row in rows:
        running += row.base_amount
        assert row.balance == running
    assert gl.closing == running


def test_a_changed_day_balance_is_detected(session: Session, book: Book) -> None:
    post(session, book, "2025-02-10", [("1010", 10), ("4100", -10)])
    session.execute(text("UPDATE account_day_balances SET postings = postings + 1"))
    session.commit()
    session.expire_all()
    problems = check_book(session, book).problems
    assert problems
    assert all(p.startswith("day balance of account") for p in problems)
    assert "on 2025-02-10" in problems[0]


def test_day_balances_follow_posts_and_imports(session: Session, book: Book) -> None:
    post(session, book, "2025-02-10", [("1010", "10.00"), ("4100", "-10.00")])
    transfer.import_journal(session, book, io.StringIO(
        HEADER + "a,2025-02-10,Sale,,1010,5.00\na,2025-02-10,Sale,,4100,-5.00\n"
        "b,2025-02-11,Sale,,1010,-2.00\nb,2025-02-11,Sale,,4100,2.00\n", newline=""))
    session.commit()
    days = {(d.day, d.account_id): (d.debit, d.credit, d.postings)
            for d in session.scalars(select(AccountDayBalance))}
    bank = get_account(session, book, "1010").id
    assert days[(date(2025, 2, 10), bank)] == (1500, 0, 2)
    assert days[(date(2025, 2, 11), bank)] == (0, 200, 1)
    assert check_book(session, book).ok
