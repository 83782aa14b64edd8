"""Payment reminders on a fake clock: the right stage on the right day, never twice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.auth.actor import SYSTEM
from folio.books.models import Book
from folio.books.profile import ProfileInput, update_profile
from folio.db import make_session
from folio.ops.jobs import run_job
from folio.outbox.models import OutboxMessage
from folio.parties.models import Party
from folio.sales.issuing import void_invoice
from folio.sales.payments import AllocationInput, PaymentInput, record_payment
from folio.sales.recurring_models import InvoiceReminder
from folio.sales.reminders import run_reminders, stages_due
from folio.settings import Settings
from tests.sales.conftest import MakeInvoice


def log(engine: Engine) -> list[tuple[int, int | None, str, date]]:
    with make_session(engine, actor=SYSTEM) as reader:
        return [(r.invoice_id, r.stage, r.status, r.on_date) for r in reader.scalars(
            select(InvoiceReminder).order_by(InvoiceReminder.id))]


def subjects(engine: Engine) -> list[str]:
    with make_session(engine, actor=SYSTEM) as reader:
        return list(reader.scalars(select(OutboxMessage.subject).order_by(OutboxMessage.id)))


@pytest.fixture
def reminders_on(session: Session, studio: Book) -> Book:
    update_profile(session, studio, ProfileInput(reminders_enabled=True,
                                                 reminder_days="-3,7,30"))
    session.commit()
    return studio


def test_stages_are_counted_from_the_due_date() -> None:
    due = date(2026, 4, 1)
    assert stages_due(due, [-3, 7, 30], date(2026, 3, 28)) == []
    assert stages_due(due, [-3, 7, 30], date(2026, 3, 29)) == [-3]
    assert stages_due(due, [-3, 7, 30], date(2026, 4, 8)) == [-3, 7]
    assert stages_due(due, [-3, 7, 30], date(2026, 5, 1)) == [-3, 7, 30]


def test_each_stage_goes_once_on_its_day(session: Session, engine: Engine, reminders_on: Book,
                                         emailed_customer: Party, make_invoice: MakeInvoice,
                                         mail_on: Settings) -> None:
    open_one = make_invoice(issue=True)  # 2 March, due 1 April (30 days' terms)
    paid = make_invoice(issue=True)
    void = make_invoice(issue=True)
    old = make_invoice(issue=True, day="2026-01-02")  # due 1 February
    record_payment(session, reminders_on, PaymentInput(
        customer_id=emailed_customer.id, date=date(2026, 3, 10), account="1111",
        amount=Decimal(paid.total),  # rupiah have no minor units
        allocations=[AllocationInput(invoice_id=paid.id, amount=Decimal(paid.total))]))
    void_invoice(session, reminders_on, void, on=date(2026, 3, 3))
    session.commit()

    def run(day: str) -> int:
        return run_reminders(engine, mail_on, on=date.fromisoformat(day)).queued

    assert run("2026-03-28") == 1  # only the old one: 30 days after 1 February is 3 March
    assert log(engine) == [(old.id, -3, "skipped", date(2026, 3, 28)),
                           (old.id, 7, "skipped", date(2026, 3, 28)),
                           (old.id, 30, "queued", date(2026, 3, 28))]
    assert run("2026-03-29") == 1  # three days before 1 April
    assert run("2026-03-29") == 0  # never twice
    assert run("2026-04-07") == 0
    assert run("2026-04-08") == 1  # a week after
    assert run("2026-05-01") == 1  # thirty days after
    assert run("2026-06-01") == 0  # no stage left
    assert [(i, s, st) for i, s, st, _ in log(engine)[3:]] == [
        (open_one.id, -3, "queued"), (open_one.id, 7, "queued"), (open_one.id, 30, "queued")]
    assert subjects(engine) == ["Lewat jatuh tempo: faktur INV/2026/01/0004",
                                "Pengingat: faktur INV/2026/03/0001",
                                "Lewat jatuh tempo: faktur INV/2026/03/0001",
                                "Lewat jatuh tempo: faktur INV/2026/03/0001"]
    with make_session(engine, actor=SYSTEM) as reader:
        body = reader.scalars(select(OutboxMessage.body).order_by(OutboxMessage.id)).all()[2]
    assert "telah lewat 7 hari" in body
    assert "Rp6.160.500" in body


def test_nothing_without_mail_or_with_reminders_off(session: Session, engine: Engine,
                                                    studio: Book, emailed_customer: Party,
                                                    make_invoice: MakeInvoice,
                                                    mail_on: Settings,
                                                    mail_off: Settings) -> None:
    make_invoice(issue=True)
    assert run_reminders(engine, mail_on, on=date(2026, 5, 1)).queued == 0  # off in the book
    update_profile(session, studio, ProfileInput(reminders_enabled=True))
    session.commit()
    report = run_reminders(engine, mail_off, on=date(2026, 5, 1))
    assert report.queued == 0
    assert "email is not set up" in report.message
    assert log(engine) == []


def test_the_daily_job_uses_the_clock(monkeypatch: pytest.MonkeyPatch, session: Session,
                                      engine: Engine, reminders_on: Book, client_co: Party,
                                      make_invoice: MakeInvoice, mail_on: Settings) -> None:
    make_invoice(issue=True)
    monkeypatch.setattr("folio.clock.today", lambda: date(2026, 4, 8))
    run = run_job("invoice-reminders", engine, mail_on, trigger="cli")
    assert run is not None
    assert run.status == "ok"
    assert "1 invoice(s) whose customer has no email address" in run.message
    client_co.email = "ap@klien.example"
    session.commit()
    run = run_job("invoice-reminders", engine, mail_on, trigger="cli")
    assert run is not None
    assert (run.status, run.records) == ("ok", 1)
    assert subjects(engine) == ["Lewat jatuh tempo: faktur INV/2026/03/0001"]
