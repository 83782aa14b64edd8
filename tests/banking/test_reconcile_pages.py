"""Reconciliation pages: start, tick lines (htmx or form), the live difference, finishing
only at zero, the report, the history, locks on the lines page, undo, and refusals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.banking.models import BankLine, Reconciliation
from folio.banking.reconcile import start_reconciliation
from folio.books.models import Book
from tests.banking.factories import do_import, generic_csv, money_account
from tests.conftest import ensure_member, sign_in_as
from tests.web.page import Page

BASE = "/books/acme/banking"
MARCH = generic_csv(
    ("01/03/2024", "1000.00", "Acme", "Invoice 7"),
    ("05/03/2024", "-60.00", "Print Shop", "Flyers"),
    ("20/03/2024", "-40.00", "Coffee Corner", "Beans"),
    ("02/04/2024", "-10.00", "Bank", "Fee"),
)


def _setup(session: Session, book: Book) -> tuple[int, list[int]]:
    """Checking opened with 100.00 and March's lines; (account id, line ids by date)."""
    checking = money_account(session, book, opening_balance=Decimal("100.00"),
                             opening_date=date(2024, 2, 29))
    lines = sorted(do_import(session, book, checking, MARCH).lines, key=lambda x: x.date)
    found = checking.id, [x.id for x in lines]
    session.rollback()  # SQLite: let the requests take the write lock
    return found


def _start(client: Any, account: int, balance: str = "1040.00") -> str:
    started = client.post(f"{BASE}/reconcile/start", data={
        "account_id": str(account), "statement_date": "2024-03-31",
        "statement_balance": balance}, follow_redirects=False)
    assert started.status_code == 303, started.text[:2000]
    return str(started.headers["location"])


def _recs(session: Session) -> list[tuple[str, int]]:
    found = [(r.status, r.statement_balance) for r in session.scalars(select(Reconciliation))]
    session.rollback()
    return found


def test_the_difference_is_shown_and_finishing_waits_for_zero(
        session: Session, book: Book, client: Any, page: Callable[..., Page],
        counts: Callable[[], dict[str, int]]) -> None:
    account, ids = _setup(session, book)
    where = _start(client, account, "1050.00")

    shown = page(where)
    # Opening 100.00, nothing cleared: the statement says 1050.00, so 950.00 apart.
    assert "Opening balance 100.00" in shown.text
    assert "Difference 950.00" in shown.text
    assert "Bank Fee" not in shown.text  # dated after the statement
    ticked = client.post(f"{where}/cleared", data={"shown": [str(i) for i in ids[:3]],
                                                   "cleared": [str(i) for i in ids[:3]]},
                         follow_redirects=False)
    assert ticked.status_code == 303
    shown = page(where)
    assert "Cleared balance 1,000.00" in shown.text
    assert "Difference 50.00" in shown.text
    before = counts()

    refused = client.post(f"{where}/finish")

    assert refused.status_code == 409
    assert "differs from the statement by 50.00 USD" in Page(refused.text).text
    assert counts() == before
    assert _recs(session) == [("open", 105_000)]

    fixed = client.post(f"{where}/balance", data={"statement_balance": "1,000.00"},
                        follow_redirects=False)
    assert fixed.status_code == 303
    assert "Difference 0.00" in page(where).text
    done = client.post(f"{where}/finish", follow_redirects=False)
    assert done.status_code == 303
    report = page(done.headers["location"])
    assert "The reconciliation is finished" in report.text
    assert "Difference 0.00" in report.text
    assert report.text.count("Locked") >= 3
    assert any(href.endswith("/report?format=csv") for href in report.hrefs())
    assert _recs(session) == [("done", 100_000)]
    lines = page(f"{BASE}/lines?status=")
    assert lines.text.count("Reconciled") == 3
    history = page(f"{BASE}/reconcile?account={account}")
    assert "Finished" in history.text
    assert where in history.hrefs()


def test_an_htmx_tick_returns_the_new_balances(
        session: Session, book: Book, client: Any) -> None:
    account, ids = _setup(session, book)
    where = _start(client, account)

    swapped = client.post(f"{where}/cleared", data={"shown": [str(i) for i in ids[:3]],
                                                    "cleared": [str(ids[0])]},
                          headers={"HX-Request": "true"})

    assert swapped.status_code == 200
    assert swapped.text.lstrip().startswith("<section class=\"card\" id=\"rec-summary\"")
    assert "Difference -60.00" in Page(swapped.text).text  # 1040 - (100 + 1000)
    untick = client.post(f"{where}/cleared", data={"shown": [str(ids[0])]},
                         headers={"HX-Request": "true"})
    assert "Difference 940.00" in Page(untick.text).text
    assert session.scalars(select(BankLine.cleared)).all() == [False] * 4


def test_a_locked_line_refuses_edits_and_undo_reopens(
        session: Session, book: Book, client: Any, page: Callable[..., Page]) -> None:
    account, ids = _setup(session, book)
    where = _start(client, account, "1100.00")  # opening 100.00 + 1000.00 received
    client.post(f"{where}/cleared", data={"shown": [str(ids[0])], "cleared": [str(ids[0])]})
    assert client.post(f"{where}/finish", follow_redirects=False).status_code == 303

    booked = client.post(f"{BASE}/lines/categorise", data={"line_ids": [str(ids[0])],
                                                           "target": "6400"})
    assert booked.status_code == 409
    assert "is reconciled" in Page(booked.text).text
    assert "Undo the reconciliation" in page(where).text

    undone = client.post(f"{BASE}/accounts/{account}/reconciliations/undo",
                         follow_redirects=False)
    assert undone.status_code == 303
    assert "open again" in page(undone.headers["location"]).text
    assert _recs(session) == [("open", 110_000)]


def test_bad_input_is_explained_and_writes_nothing(
        session: Session, book: Book, client: Any, counts: Callable[[], dict[str, int]]) -> None:
    account, _ids = _setup(session, book)
    before = counts()
    for balance in ("", "ten", "1.005"):  # none, not a number, a third cent
        response = client.post(f"{BASE}/reconcile/start", data={
            "account_id": str(account), "statement_date": "2024-03-31",
            "statement_balance": balance})
        assert response.status_code == 422, balance
        assert 'class="alert alert-error"' in response.text
        if not balance:
            assert "Enter the statement's closing balance" in Page(response.text).text
    bad_date = client.post(f"{BASE}/reconcile/start", data={
        "account_id": str(account), "statement_date": "31/03/2024", "statement_balance": "5"})
    assert bad_date.status_code == 422
    assert "YYYY-MM-DD" in Page(bad_date.text).text
    assert counts() == before
    assert client.get(f"{BASE}/accounts/{account}/reconciliations/999999").status_code == 404


def test_a_viewer_sees_no_buttons_and_cannot_post(
        session: Session, engine: Engine, book: Book, client: Any,
        counts: Callable[[], dict[str, int]]) -> None:
    account, ids = _setup(session, book)
    rec = start_reconciliation(session, book, account, date(2024, 3, 31), Decimal("1040.00"))
    rec_id = rec.id
    ensure_member(session, book, "viewer@example.test", "viewer")
    session.commit()
    sign_in_as(client, engine, "viewer@example.test")
    where = f"{BASE}/accounts/{account}/reconciliations/{rec_id}"
    before = counts()

    for path in (f"{BASE}/reconcile", where, f"{BASE}/lines"):
        shown = client.get(path)
        assert shown.status_code == 200, path
        forms = [a for a in Page(shown.text).attribute_values("action") if "/banking/" in a]
        assert forms == [f"{BASE}/reconcile"] or forms == [f"{BASE}/lines"] or forms == [], path
        assert "Finish the reconciliation" not in shown.text
        assert "Match " not in Page(shown.text).text
    for path, data in ((f"{where}/cleared", {"shown": [str(ids[0])], "cleared": [str(ids[0])]}),
                       (f"{where}/finish", {}), (f"{where}/balance", {"statement_balance": "1"}),
                       (f"{where}/delete", {}),
                       (f"{BASE}/reconcile/start", {"account_id": str(account),
                                                    "statement_date": "2024-04-30",
                                                    "statement_balance": "1"})):
        assert client.post(path, data=data).status_code == 403, path
    assert counts() == before


def test_a_post_without_the_csrf_token_is_refused(
        session: Session, book: Book, client: Any, counts: Callable[[], dict[str, int]]) -> None:
    account, _ids = _setup(session, book)
    before = counts()
    del client.headers["X-CSRF-Token"]
    refused = client.post(f"{BASE}/reconcile/start", data={
        "account_id": str(account), "statement_date": "2024-03-31",
        "statement_balance": "1040"})
    assert refused.status_code == 403
    assert counts() == before


def test_the_navigation_links_to_reconcile(client: Any, book: Book,
                                           page: Callable[..., Page]) -> None:
    assert f"{BASE}/reconcile" in page("/books/acme").hrefs()
    assert "No bank accounts yet" in page(f"{BASE}/reconcile").text
