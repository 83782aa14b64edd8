"""Recurring invoices: the daily job on a fake clock, exactly once, catching up; the CLI,
API and pages."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.auth.actor import SYSTEM
from folio.books.models import Book
from folio.db import make_session
from folio.ledger.check import check_book
from folio.ledger.models import JournalLine
from folio.ops.jobs import run_job
from folio.outbox.models import OutboxMessage
from folio.parties.models import Party
from folio.sales.invoices import InvoiceLineInput
from folio.sales.models import Invoice
from folio.sales.recurring import ScheduleInput, add_months, create_schedule, run_due
from folio.sales.recurring_models import RecurringInvoice, RecurringRun
from folio.settings import Settings
from tests.conftest import Cli, said
from tests.sales.conftest import balance

Clock = Callable[[str], None]
API = "/api/v1/books/studio/recurring-invoices"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Set today's date for folio.clock (the services read it through the module)."""
    def set_day(day: str) -> None:
        monkeypatch.setattr("folio.clock.today", lambda: date.fromisoformat(day))
    return set_day


def retainer(session: Session, book: Book, customer: Party, **extra: Any) -> RecurringInvoice:
    schedule = create_schedule(session, book, ScheduleInput(
        name="Monthly retainer", customer_id=customer.id,
        lines=[InvoiceLineInput(description="Design retainer", unit_price=Decimal(5_000_000),
                                tax_code="PPN12")], **extra))
    session.commit()
    return schedule


def invoices(engine: Engine) -> list[Invoice]:
    with make_session(engine, actor=SYSTEM) as reader:
        return list(reader.scalars(select(Invoice).order_by(Invoice.issue_date)))


def test_months_keep_to_the_month_end() -> None:
    start = date(2026, 1, 31)
    assert [add_months(start, n) for n in range(4)] == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)


def test_three_missed_months_are_caught_up_once(session: Session, engine: Engine, studio: Book,
                                                client_co: Party, clock: Clock) -> None:
    clock("2026-01-15")
    schedule = retainer(session, studio, client_co, start_date=date(2026, 1, 31),
                        auto_issue=True)
    clock("2026-03-31")  # the job did not run in February and March
    report = run_due(engine)
    assert len(report.made) == 3
    made = invoices(engine)
    assert [(i.issue_date, i.due_date, i.number, i.total, i.status) for i in made] == [
        (date(2026, 1, 31), date(2026, 3, 2), "INV/2026/01/0001", 5_550_000, "issued"),
        (date(2026, 2, 28), date(2026, 3, 30), "INV/2026/02/0002", 5_550_000, "issued"),
        (date(2026, 3, 31), date(2026, 4, 30), "INV/2026/03/0003", 5_550_000, "issued")]
    # 5.000.000 + PPN 12% of the DPP (11/12 of it): 550.000 each; the ledger agrees.
    session.expire_all()
    assert balance(session, studio, "1201") == 3 * 5_550_000
    assert session.scalar(select(func.sum(JournalLine.base_amount)).where(
        JournalLine.book_id == studio.id)) == 0
    assert check_book(session, studio).ok
    assert run_due(engine).made == []  # the same day again: nothing
    refreshed = session.get_one(RecurringInvoice, schedule.id)
    session.refresh(refreshed)
    assert (refreshed.next_run, refreshed.count_made) == (date(2026, 4, 30), 3)
    session.rollback()  # the test's write session lets go of SQLite's write lock
    clock("2026-04-30")
    assert len(run_due(engine).made) == 1


def test_the_job_twice_and_two_processes_make_each_invoice_once(
        session: Session, engine: Engine, studio: Book, client_co: Party, clock: Clock,
        mail_off: Settings) -> None:
    clock("2026-05-01")
    retainer(session, studio, client_co, start_date=date(2026, 2, 1), frequency="monthly")
    retainer(session, studio, client_co, start_date=date(2026, 4, 6), frequency="weekly")
    results: list[int] = []

    def worker() -> None:
        results.append(len(run_due(engine).made))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first = run_job("recurring-invoices", engine, mail_off, trigger="cli")
    second = run_job("recurring-invoices", engine, mail_off, trigger="cli")
    assert first is not None
    assert second is not None
    assert (first.status, first.records, second.records) == ("ok", 0, 0)
    # February to May (4) and the Mondays 6, 13, 20, 27 April (4): eight in all, once each.
    assert sum(results) == 8
    made = invoices(engine)
    assert len(made) == 8
    assert all(i.status == "draft" for i in made)
    with make_session(engine, actor=SYSTEM) as reader:
        periods = reader.execute(select(RecurringRun.schedule_id, RecurringRun.period_date)
                                 ).all()
    assert len(periods) == len(set(periods)) == 8


def test_a_count_ends_the_schedule_and_auto_email_queues_the_invoice(
        session: Session, engine: Engine, studio: Book, emailed_customer: Party,
        clock: Clock, mail_on: Settings) -> None:
    clock("2026-01-01")
    schedule = retainer(session, studio, emailed_customer, start_date=date(2026, 1, 1),
                        frequency="quarterly", max_count=2, auto_issue=True, auto_email=True,
                        due_days=7)
    clock("2026-12-31")
    report = run_due(engine)
    assert len(report.made) == 2
    assert report.emailed == 2
    assert [(i.issue_date, i.due_date) for i in invoices(engine)] == [
        (date(2026, 1, 1), date(2026, 1, 8)), (date(2026, 4, 1), date(2026, 4, 8))]
    session.expire_all()
    assert session.get_one(RecurringInvoice, schedule.id).status == "finished"
    sent = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.subject for m in sent] == ["Faktur INV/2026/01/0001 dari Studio Jakarta",
                                         "Faktur INV/2026/04/0002 dari Studio Jakarta"]
    assert all(m.attachment and m.attachment.startswith(b"%PDF") for m in sent)


def test_pausing_skips_the_missed_periods(session: Session, engine: Engine, studio: Book,
                                          client_co: Party, clock: Clock, cli: Cli) -> None:
    clock("2026-01-01")
    schedule = retainer(session, studio, client_co, start_date=date(2026, 1, 10))
    assert cli("recurring", "pause", str(schedule.id)).exit_code == 0
    clock("2026-04-01")
    assert run_due(engine).made == []
    resumed = cli("recurring", "resume", str(schedule.id))
    assert resumed.exit_code == 0, said(resumed)
    assert "2026-04-10" in said(resumed)
    clock("2026-04-10")
    ran = cli("recurring", "run")
    assert ran.exit_code == 0, said(ran)
    assert "1 invoice(s) made" in said(ran)
    assert [i.issue_date for i in invoices(engine)] == [date(2026, 4, 10)]


def test_the_cli_creates_and_lists(cli: Cli, studio: Book, client_co: Party,
                                   clock: Clock) -> None:
    clock("2026-06-01")
    made = cli("recurring", "create", "--customer", str(client_co.id), "--name", "Hosting",
               "--line", "Hosting;1;750000;PPN12", "--frequency", "yearly",
               "--start", "2026-07-01", "--issue")
    assert made.exit_code == 0, said(made)
    assert "first invoice on 2026-07-01" in said(made)
    listed = cli("recurring", "list", "--format", "json")
    assert '"name": "Hosting"' in listed.stdout
    assert '"net": "750000"' in listed.stdout
    bad = cli("recurring", "create", "--customer", str(client_co.id), "--name", "X",
              "--line", "oops")
    assert bad.exit_code != 0
    assert "description;quantity;unit price" in said(bad)
    email_only = cli("recurring", "create", "--customer", str(client_co.id), "--name", "X",
                     "--line", "A;1;10", "--email")
    assert email_only.exit_code == 1
    assert "auto-issue" in said(email_only)


def test_the_api_creates_reads_and_pauses(client: Any, studio: Book, client_co: Party,
                                          counts: Callable[[], dict[str, int]],
                                          clock: Clock) -> None:
    clock("2026-06-01")
    body = {"name": "Retainer", "customer_id": client_co.id, "frequency": "monthly",
            "start_date": "2026-06-15", "auto_issue": True,
            "lines": [{"description": "Retainer", "unit_price": "5000000",
                       "tax_code": "PPN12"}]}
    before = counts()
    for bad in ({**body, "customer_id": 999_999}, {**body, "frequency": "daily"},
                {**body, "lines": [{"description": "x", "unit_price": "1",
                                    "tax_code": "NOPE"}]},
                {**body, "end_date": "2026-01-01"}, {**body, "auto_issue": False,
                                                     "auto_email": True}):
        assert client.post(API, json=bad).status_code == 422, bad
    assert counts() == before
    made = client.post(API, json=body, headers={"Idempotency-Key": "rec-1"})
    assert made.status_code == 201, made.text
    again = client.post(API, json=body, headers={"Idempotency-Key": "rec-1"})
    assert again.json()["id"] == made.json()["id"]
    sid = made.json()["id"]
    assert made.json()["next_run"] == "2026-06-15"
    assert client.get(API).json()["total"] == 1
    paused = client.post(f"{API}/{sid}/pause", json={"paused": True})
    assert paused.json()["status"] == "paused"
    detail = client.get(f"{API}/{sid}").json()
    assert detail["runs"] == []
    assert detail["lines"][0]["unit_price"] == "5000000"
    assert client.delete(f"{API}/{sid}").status_code == 204
    assert client.get(f"{API}/{sid}").status_code == 404


def test_the_pages_list_make_and_show_a_schedule(client: Any, studio: Book, client_co: Party,
                                                 clock: Clock) -> None:
    clock("2026-06-01")
    assert client.get("/books/studio/recurring").status_code == 200
    form = client.get("/books/studio/recurring/new")
    assert form.status_code == 200
    assert 'name="lines-0-description"' in form.text
    bad = client.post("/books/studio/recurring/new", data={
        "name": "", "customer_id": str(client_co.id), "frequency": "monthly",
        "interval": "1", "start_date": "2026-06-15", "lines-0-description": "Retainer",
        "lines-0-unit_price": "abc"})
    assert bad.status_code == 422
    saved = client.post("/books/studio/recurring/new", data={
        "name": "Retainer", "customer_id": str(client_co.id), "frequency": "monthly",
        "interval": "1", "start_date": "2026-06-15", "auto_issue": "1",
        "lines-0-description": "Retainer", "lines-0-quantity": "1",
        "lines-0-unit_price": "5.000.000", "lines-0-tax_code": "PPN12"},
        follow_redirects=False)
    assert saved.status_code == 303, saved.text
    page = client.get(saved.headers["location"])
    assert page.status_code == 200
    assert "Retainer" in page.text
    assert client.get(saved.headers["location"] + "/edit").status_code == 200
    sid = saved.headers["location"].rsplit("/", 1)[1].split("?")[0]
    paused = client.post(f"/books/studio/recurring/{sid}/pause", follow_redirects=False)
    assert paused.status_code == 303
