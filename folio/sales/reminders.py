"""Payment reminders: the ``invoice-reminders`` job (daily) emails one reminder per stage
per open invoice, never twice.

A book turns reminders on in its profile and lists its stages as days from the due date
(-3 is three days before, 7 a week after). When the job finds several stages reached at
once (an old invoice, or days the job did not run), it sends only the latest and logs the
others as skipped. Paid, void and written-off invoices get none; a customer without an
email address is passed over until it has one. Each invoice is its own transaction, and
the log's unique key (invoice, stage) keeps a second run, or a second process, from
sending again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from folio import clock
from folio.auth.actor import SYSTEM
from folio.auth.guard import require
from folio.books.models import Book
from folio.books.profile import parse_reminder_days
from folio.books.profile_models import BookProfile
from folio.db import transaction
from folio.errors import FolioError
from folio.mail import mail_enabled
from folio.parties.models import Party
from folio.sales.invoices import OPEN
from folio.sales.models import Invoice, InvoiceKind
from folio.sales.recurring_models import InvoiceReminder
from folio.sales.sending import send_reminder
from folio.settings import Settings

log = logging.getLogger("folio.reminders")


def stages_due(due_date: date, stages: list[int], day: date) -> list[int]:
    """The stages reached on ``day`` for an invoice due on ``due_date``."""
    return [s for s in stages if due_date + timedelta(days=s) <= day]


def reminders_of(session: Session, book: Book, invoice: Invoice) -> list[InvoiceReminder]:
    """The invoice's reminder log, oldest first."""
    require(session, book, "report.read")
    return list(session.scalars(select(InvoiceReminder).where(
        InvoiceReminder.book_id == book.id, InvoiceReminder.invoice_id == invoice.id)
        .order_by(InvoiceReminder.id)))


@dataclass
class ReminderReport:
    queued: int = 0
    skipped: int = 0
    no_email: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        parts = [f"{self.queued} reminder(s) queued"]
        if self.skipped:
            parts.append(f"{self.skipped} earlier stage(s) passed over")
        if self.no_email:
            parts.append(f"{self.no_email} invoice(s) whose customer has no email address")
        return "; ".join(parts + self.problems)[:2000]


def _remind(session: Session, book: Book, invoice: Invoice, stages: list[int], day: date,
            report: ReminderReport) -> None:
    logged = {r.stage for r in session.scalars(select(InvoiceReminder).where(
        InvoiceReminder.invoice_id == invoice.id, InvoiceReminder.stage.is_not(None)))}
    new = [s for s in stages_due(invoice.due_date, stages, day) if s not in logged]
    if not new:
        return
    customer = session.get_one(Party, invoice.customer_id)
    if not customer.email:
        report.no_email += 1
        return
    latest: int | None = max(new)
    passed = [s for s in new if s != latest]
    if logged and max(s for s in logged if s is not None) > max(new):
        passed, latest = new, None  # stages were changed: a later one already went
    for stage in passed:
        session.add(InvoiceReminder(book_id=book.id, invoice_id=invoice.id, stage=stage,
                                    status="skipped", on_date=day, created_by=SYSTEM.label))
        report.skipped += 1
    if latest is not None:
        send_reminder(session, book, invoice, stage=latest, on=day)
        report.queued += 1
    session.flush()


def run_reminders(engine: Engine, settings: Settings, on: date | None = None,
                  book_id: int | None = None) -> ReminderReport:
    """Queue the reminders due on ``on`` (today) in every book that has them on."""
    day = on or clock.today()
    report = ReminderReport()
    if not mail_enabled(settings):
        report.problems.append("email is not set up (SMTP_HOST): no reminders queued")
        return report
    with transaction(engine, write=False, actor=SYSTEM) as session:
        query = select(BookProfile).where(BookProfile.reminders_enabled.is_(True))
        if book_id is not None:
            query = query.where(BookProfile.book_id == book_id)
        books = [(p.book_id, parse_reminder_days(p.reminder_days)) for p in
                 session.scalars(query)]
    for bid, stages in books:
        if not stages:
            continue
        with transaction(engine, write=False, actor=SYSTEM) as session:
            invoice_ids = list(session.scalars(select(Invoice.id).where(
                Invoice.book_id == bid, Invoice.kind == InvoiceKind.INVOICE.value,
                Invoice.status.in_(OPEN),
                Invoice.due_date <= day - timedelta(days=min(stages)))
                .order_by(Invoice.due_date, Invoice.id)))
        for invoice_id in invoice_ids:
            try:
                with transaction(engine, actor=SYSTEM) as session:
                    book = session.get_one(Book, bid)
                    invoice = session.scalar(
                        select(Invoice).where(Invoice.id == invoice_id).with_for_update()
                        .execution_options(populate_existing=True))
                    if invoice is None or invoice.status not in OPEN or invoice.amount_due <= 0:
                        continue
                    _remind(session, book, invoice, stages, day, report)
            except IntegrityError:
                continue  # another process logged this stage first
            except FolioError as exc:
                log.warning("reminder for invoice %s: %s", invoice_id, exc.detail)
                report.problems.append(f"invoice {invoice_id}: {exc.detail}")
    return report
