"""Reconciling a money account against a statement: cleared marks, difference, lock, undo."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.audit.models import AuditEvent
from folio.auth.actor import Actor, set_actor
from folio.auth.models import Membership, User
from folio.banking.models import BankLine, MoneyAccount
from folio.banking.reconcile import (
    delete_open,
    finish,
    reconciliation_status,
    start_reconciliation,
    toggle_cleared,
    undo,
)
from folio.banking.service import categorise, ignore, uncategorise
from folio.books.models import Book
from folio.errors import Conflict, Forbidden, ValidationError
from tests.banking.factories import do_import, generic_csv, money_account
from tests.conftest import said

MARCH = generic_csv(
    ("01/03/2024", "1000.00", "Acme", "Invoice 7"),
    ("05/03/2024", "-60.00", "Print Shop", "Flyers"),
    ("20/03/2024", "-40.00", "Coffee Corner", "Beans"),
    ("02/04/2024", "-10.00", "Bank", "Fee"),
)


def _setup(session: Session, book: Book) -> tuple[MoneyAccount, list[BankLine]]:
    checking = money_account(session, book, opening_balance=Decimal("100.00"),
                             opening_date=date(2024, 2, 29))
    lines = do_import(session, book, checking, MARCH).lines
    return checking, sorted(lines, key=lambda x: x.date)


def _as(session: Session, book: Book, role: str) -> None:
    user = User(email=f"{role}@example.com", display_name=role, password_hash="x")
    session.add(user)
    session.flush()
    session.add(Membership(book_id=book.id, user_id=user.id, role=role))
    session.commit()
    set_actor(session, Actor(user_id=user.id, label=f"{role}@example.com"))


def test_matching_statement_balance_finishes_and_locks_lines(session: Session,
                                                             book: Book) -> None:
    checking, lines = _setup(session, book)
    categorise(session, book, [lines[1].id], "6500")
    rec = start_reconciliation(session, book, checking.id, date(2024, 3, 31), Decimal("1040.00"))
    toggle_cleared(session, book, checking.id, rec.id, [lines[0].id, lines[1].id])
    session.commit()

    status = reconciliation_status(session, book, checking.id, rec.id)
    assert status.as_dict()["difference"] == "0.00"
    assert status.as_dict()["cleared_deposits"] == "1000.00"
    assert status.as_dict()["cleared_withdrawals"] == "-60.00"
    # The April fee is after the statement; the coffee is still open.
    assert [x.id for x in status.uncleared] == [lines[2].id]

    finish(session, book, checking.id, rec.id)
    session.commit()
    assert rec.status == "done"
    assert rec.finished_at is not None

    with pytest.raises(Conflict, match="reconciled"):
        uncategorise(session, book, [lines[1].id])
    with pytest.raises(Conflict, match="reconciled"):
        categorise(session, book, [lines[0].id], "6400")
    with pytest.raises(Conflict, match="reconciled"):
        ignore(session, book, [lines[0].id])
    session.rollback()
    assert session.get_one(BankLine, lines[1].id).status == "categorised"
    # An unreconciled line is still free to change.
    categorise(session, book, [lines[2].id], "6400")

    actions = [e.action for e in session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "reconciliation").order_by(AuditEvent.id))]
    assert actions == ["create", "update", "lock"]


def test_next_reconciliation_opens_at_the_last_closing(session: Session, book: Book) -> None:
    checking, lines = _setup(session, book)
    rec = start_reconciliation(session, book, checking.id, date(2024, 3, 31), Decimal("1100.00"))
    toggle_cleared(session, book, checking.id, rec.id, [lines[0].id])
    finish(session, book, checking.id, rec.id)
    with pytest.raises(ValidationError, match="after the last reconciled"):
        start_reconciliation(session, book, checking.id, date(2024, 3, 15), Decimal("0"))
    april = start_reconciliation(session, book, checking.id, date(2024, 4, 30),
                                 Decimal("990.00"))
    toggle_cleared(session, book, checking.id, april.id, [x.id for x in lines[1:]])
    status = reconciliation_status(session, book, checking.id, april.id)
    assert status.as_dict()["opening"] == "1100.00"
    assert status.difference == 0


def test_mismatched_balance_shows_difference_and_refuses(session: Session, book: Book) -> None:
    checking, lines = _setup(session, book)
    rec = start_reconciliation(session, book, checking.id, date(2024, 3, 31), Decimal("1000.00"))
    toggle_cleared(session, book, checking.id, rec.id, [lines[0].id, lines[1].id])

    status = reconciliation_status(session, book, checking.id, rec.id)
    assert status.as_dict()["cleared_balance"] == "1040.00"
    assert status.as_dict()["difference"] == "-40.00"
    with pytest.raises(Conflict, match=r"-40\.00"):
        finish(session, book, checking.id, rec.id)
    assert rec.status == "open"

    # Clearing the coffee makes it balance; toggling twice un-clears.
    toggle_cleared(session, book, checking.id, rec.id, [lines[2].id])
    toggle_cleared(session, book, checking.id, rec.id, [lines[2].id])
    assert reconciliation_status(session, book, checking.id, rec.id).difference == -4000
    toggle_cleared(session, book, checking.id, rec.id, [lines[2].id])
    assert finish(session, book, checking.id, rec.id).difference == 0


def test_bad_input_is_refused(session: Session, book: Book) -> None:
    checking, lines = _setup(session, book)
    with pytest.raises(ValidationError):
        start_reconciliation(session, book, checking.id, date(2024, 3, 31), Decimal("1.001"))
    rec = start_reconciliation(session, book, checking.id, date(2024, 3, 31), Decimal("1"))
    with pytest.raises(Conflict, match="already has an open"):
        start_reconciliation(session, book, checking.id, date(2024, 4, 30), Decimal("1"))
    with pytest.raises(ValidationError, match="after the statement"):
        toggle_cleared(session, book, checking.id, rec.id, [lines[3].id])
    with pytest.raises(ValidationError):
        toggle_cleared(session, book, checking.id, rec.id, [])
    delete_open(session, book, checking.id, rec.id)
    session.commit()
    assert start_reconciliation(session, book, checking.id, date(2024, 3, 31), Decimal("1"))


def test_undo_unlocks_the_lines(session: Session, book: Book) -> None:
    checking, lines = _setup(session, book)
    categorise(session, book, [lines[1].id], "6500")
    rec = start_reconciliation(session, book, checking.id, date(2024, 3, 31), Decimal("40.00"))
    toggle_cleared(session, book, checking.id, rec.id, [lines[1].id])
    finish(session, book, checking.id, rec.id)
    session.commit()

    assert undo(session, book, checking.id).id == rec.id
    session.commit()
    assert rec.status == "open"
    uncategorise(session, book, [lines[1].id])
    session.commit()
    assert session.get_one(BankLine, lines[1].id).status == "unmatched"


def test_viewer_may_read_but_not_reconcile(session: Session, book: Book) -> None:
    checking, lines = _setup(session, book)
    rec = start_reconciliation(session, book, checking.id, date(2024, 3, 31), Decimal("1100"))
    session.commit()
    _as(session, book, "viewer")
    assert reconciliation_status(session, book, checking.id, rec.id).difference == 100000
    with pytest.raises(Forbidden):
        toggle_cleared(session, book, checking.id, rec.id, [lines[0].id])
    with pytest.raises(Forbidden):
        start_reconciliation(session, book, checking.id, date(2024, 4, 30), Decimal("1"))


def test_accountant_reconciles_but_only_managers_undo(session: Session, book: Book) -> None:
    checking, lines = _setup(session, book)
    session.commit()
    _as(session, book, "accountant")
    rec = start_reconciliation(session, book, checking.id, date(2024, 3, 31), Decimal("1100"))
    toggle_cleared(session, book, checking.id, rec.id, [lines[0].id])
    finish(session, book, checking.id, rec.id)
    session.commit()
    with pytest.raises(Forbidden):
        undo(session, book, checking.id)


def test_report_as_csv(session: Session, book: Book) -> None:
    checking, lines = _setup(session, book)
    rec = start_reconciliation(session, book, checking.id, date(2024, 3, 31), Decimal("1100"))
    toggle_cleared(session, book, checking.id, rec.id, [lines[0].id])
    text = reconciliation_status(session, book, checking.id, rec.id).as_csv()
    rows = text.splitlines()
    assert rows[0] == "section,date,id,payee,description,amount"
    assert "summary,2024-03-31,,difference,,0.00" in rows
    assert any(r.startswith(f"cleared,2024-03-01,{lines[0].id},Acme") for r in rows)
    assert sum(r.startswith("uncleared,") for r in rows) == 2


# -- API ------------------------------------------------------------------------------------

def _api_setup(client: Any, book: Book) -> tuple[str, int, list[int]]:
    base = f"/api/v1/books/{book.slug}"
    made = client.post(f"{base}/bank-accounts", json={
        "name": "Checking", "account": "1020", "opening_balance": "100.00",
        "opening_date": "2024-02-29"})
    assert made.status_code == 201, made.text
    money_id = made.json()["id"]
    imported = client.post(f"{base}/bank-accounts/{money_id}/imports",
                           files={"file": ("march.csv", MARCH, "text/csv")})
    assert imported.status_code in (200, 201), imported.text
    lines = client.get(f"{base}/bank-lines", params={"account_id": money_id}).json()["items"]
    ids = [x["id"] for x in sorted(lines, key=lambda x: x["date"])]
    return f"{base}/bank-accounts/{money_id}/reconciliations", money_id, ids


def test_api_reconciliation_round_trip(client: Any, book: Book) -> None:
    url, _, ids = _api_setup(client, book)
    started = client.post(url, json={"statement_date": "2024-03-31",
                                     "statement_balance": "1100.00"})
    assert started.status_code == 201, started.text
    rec = started.json()
    assert rec["difference"] == "1000.00"
    assert rec["status"] == "open"

    early = client.post(f"{url}/{rec['id']}/finish")
    assert early.status_code == 409
    assert early.headers["content-type"].startswith("application/problem+json")
    assert "1000.00" in early.json()["detail"]

    toggled = client.post(f"{url}/{rec['id']}/toggle", json={"line_ids": [ids[0]]})
    assert toggled.status_code == 200, toggled.text
    assert toggled.json()["difference"] == "0.00"
    done = client.post(f"{url}/{rec['id']}/finish")
    assert done.status_code == 200
    assert done.json()["status"] == "done"

    listed = client.get(url)
    assert [x["id"] for x in listed.json()] == [rec["id"]]
    report = client.get(f"{url}/{rec['id']}/report", params={"format": "csv"})
    assert report.status_code == 200
    assert report.headers["content-type"].startswith("text/csv")
    assert "summary,2024-03-31,,difference,,0.00" in report.text

    locked = client.post(f"/api/v1/books/{book.slug}/bank-lines/ignore",
                         json={"line_ids": [ids[0]]})
    assert locked.status_code == 409
    assert "reconciled" in locked.json()["detail"]

    undone = client.post(f"{url}/undo")
    assert undone.status_code == 200
    assert undone.json()["status"] == "open"


def test_api_problems(client: Any, book: Book) -> None:
    url, _, _ = _api_setup(client, book)
    bad = client.post(url, json={"statement_date": "2024-03-31", "statement_balance": "x"})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    missing = client.get(f"{url}/999999")
    assert missing.status_code == 404
    assert json.loads(missing.text)["status"] == 404
    none = client.post(f"{url}/undo")
    assert none.status_code == 404


# -- CLI ------------------------------------------------------------------------------------

def test_cli_reconcile(cli: Any, tmp_path: Any) -> None:
    assert cli("books", "create", "acme", "--name", "Acme", "--currency", "USD").exit_code == 0
    assert cli("bank", "accounts", "create", "Checking", "--link", "1020").exit_code == 0
    path = tmp_path / "march.csv"
    path.write_bytes(MARCH)
    assert cli("import", "bank", str(path), "--account", "1020").exit_code == 0
    lines = json.loads(cli("bank", "lines", "--format", "json").stdout)["lines"]
    acme = next(x["id"] for x in lines if x["payee"] == "Acme")

    started = cli("bank", "reconcile", "start", "--account", "1020", "--date", "2024-03-31",
                  "--balance", "1000.00", "--format", "json")
    assert started.exit_code == 0, said(started)
    rec = json.loads(started.stdout)
    assert rec["difference"] == "1000.00"

    refused = cli("bank", "reconcile", "finish", str(rec["id"]), "--account", "1020")
    assert refused.exit_code == 1
    assert "1000.00" in said(refused)

    cleared = cli("bank", "reconcile", "clear", str(rec["id"]), str(acme), "--account",
                  "1020", "--format", "json")
    assert json.loads(cleared.stdout)["difference"] == "0.00"
    assert cli("bank", "reconcile", "finish", str(rec["id"]), "--account", "1020"
               ).exit_code == 0
    report = cli("bank", "reconcile", "report", str(rec["id"]), "--account", "1020",
                 "--format", "csv")
    assert report.exit_code == 0
    assert "summary,2024-03-31,,difference,,0.00" in report.stdout
    bad = cli("bank", "reconcile", "start", "--account", "1020", "--date", "31/03/2024",
              "--balance", "1")
    assert bad.exit_code != 0
    assert "--date" in said(bad)
