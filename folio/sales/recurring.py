"""Recurring invoices: a schedule makes an invoice every week, month, quarter or year.

The ``recurring-invoices`` job (daily) makes every due occurrence, oldest first, so runs
missed while the server was down are caught up, each dated on its own period date. Each
occurrence is one transaction that first inserts a ``recurring_invoice_runs`` row, unique
per (schedule, period date), under the schedule's row lock: two jobs running at once (or
the job run twice) still make each invoice exactly once. Invoices are drafts unless the
schedule issues them; an issued invoice is emailed when the schedule says so and the
customer has an address. A paused schedule that is resumed skips the periods it missed.
"""

from __future__ import annotations

import calendar
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from folio import clock
from folio.audit import service as audit
from folio.audit.service import snapshot
from folio.auth.actor import SYSTEM
from folio.auth.guard import require
from folio.books.models import Book
from folio.books.profile import get_profile
from folio.commerce.listing import page_count, page_of
from folio.commerce.records import record_in_book
from folio.db import transaction
from folio.errors import Conflict, FolioError, ValidationError
from folio.ledger.periods import FIRST_DAY, LAST_DAY
from folio.mail import mail_enabled
from folio.money import from_minor
from folio.parties.models import Party
from folio.sales import lookups
from folio.sales.invoices import InvoiceInput, InvoiceLineInput, build_lines, create_draft
from folio.sales.issuing import issue_invoice
from folio.sales.models import Invoice
from folio.sales.recurring_models import (
    Frequency,
    RecurringInvoice,
    RecurringInvoiceLine,
    RecurringRun,
    ScheduleStatus,
)
from folio.settings import get_settings
from folio.tax.models import TaxKind

log = logging.getLogger("folio.recurring")
FREQUENCIES = tuple(f.value for f in Frequency)
MONTHS = {Frequency.MONTHLY.value: 1, Frequency.QUARTERLY.value: 3, Frequency.YEARLY.value: 12}
MAX_INTERVAL = 24
MAX_COUNT = 1000
FIELDS = ("name", "customer_id", "currency", "frequency", "interval", "start_date",
          "next_run", "end_date", "max_count", "count_made", "due_days", "auto_issue",
          "auto_email", "status", "reference", "notes", "withholding_code")


@dataclass
class ScheduleInput:
    name: str
    customer_id: int
    lines: Sequence[InvoiceLineInput]
    frequency: str = Frequency.MONTHLY.value
    interval: int = 1
    start_date: date | None = None  # None: today
    end_date: date | None = None
    max_count: int | None = None
    due_days: int | None = None  # None: the customer's terms, else the book's
    auto_issue: bool = False
    auto_email: bool = False
    currency: str | None = None
    prices_include_tax: bool = False
    withholding_code: str | None = None
    reference: str | None = None
    notes: str | None = None


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months``, kept to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def occurrence(schedule: RecurringInvoice, n: int) -> date:
    """The date of occurrence ``n`` (0 is the start date)."""
    if schedule.frequency == Frequency.WEEKLY.value:
        return schedule.start_date + timedelta(weeks=schedule.interval * n)
    return add_months(schedule.start_date, MONTHS[schedule.frequency] * schedule.interval * n)


def _text(errors: lookups.Errors, name: str, value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > limit or "\x00" in value:
        lookups.error(errors, name, f"at most {limit} characters")
    return value or None


def _validate(session: Session, book: Book, data: ScheduleInput
              ) -> tuple[dict[str, object], list[RecurringInvoiceLine]]:
    errors: lookups.Errors = []
    name = _text(errors, "name", data.name, 200)
    if not name:
        lookups.error(errors, "name", "a name is required")
    customer = lookups.customer(session, book, data.customer_id, "customer_id", errors)
    currency = (data.currency or book.base_currency).upper()
    if currency != book.base_currency:
        lookups.error(errors, "currency", f"invoices are in {book.base_currency} for now")
        currency = book.base_currency
    if data.frequency not in FREQUENCIES:
        lookups.error(errors, "frequency", f"one of {', '.join(FREQUENCIES)}")
    if not 1 <= data.interval <= MAX_INTERVAL:
        lookups.error(errors, "interval", f"from 1 to {MAX_INTERVAL}")
    start = data.start_date or clock.today()
    for key, day in (("start_date", start), ("end_date", data.end_date)):
        if day is not None and not FIRST_DAY <= day <= LAST_DAY - timedelta(days=800):
            lookups.error(errors, key, f"a date from {FIRST_DAY} to "
                                       f"{LAST_DAY - timedelta(days=800)}")
    if data.end_date is not None and data.end_date < start:
        lookups.error(errors, "end_date", "the end date cannot be before the start date")
    if data.max_count is not None and not 1 <= data.max_count <= MAX_COUNT:
        lookups.error(errors, "max_count", f"from 1 to {MAX_COUNT}")
    if data.due_days is not None and not 0 <= data.due_days <= 365:
        lookups.error(errors, "due_days", "from 0 to 365 days")
    if data.auto_email and not data.auto_issue:
        lookups.error(errors, "auto_email", "only issued invoices are emailed; "
                                            "turn on auto-issue too")
    lookups.tax_code(session, book, data.withholding_code or None, "withholding_code", errors,
                     TaxKind.WITHHOLDING)
    reference = _text(errors, "reference", data.reference, 100)
    notes = _text(errors, "notes", data.notes, 2000)
    # The same checks an invoice's lines get, so every run can make its invoice.
    build_lines(session, book, InvoiceInput(customer_id=data.customer_id, lines=data.lines),
                currency, errors)
    lines = []
    for n, line in enumerate(data.lines):
        price = None
        if line.unit_price is not None:
            price = lookups.minor(line.unit_price, currency, f"lines[{n}].unit_price", [])
        lines.append(RecurringInvoiceLine(
            book_id=book.id, line_no=n + 1, item_id=line.item_id,
            description=(line.description or "").strip() or None, quantity=line.quantity,
            unit_price=price, discount_percent=line.discount_percent,
            tax_code=line.tax_code, account=line.account))
    if errors:
        raise ValidationError("The schedule has errors" if len(errors) > 1
                              else errors[0]["message"], errors=errors)
    assert customer is not None
    values: dict[str, object] = {
        "name": name, "customer_id": customer.id, "currency": currency,
        "frequency": data.frequency, "interval": data.interval, "start_date": start,
        "end_date": data.end_date, "max_count": data.max_count, "due_days": data.due_days,
        "auto_issue": data.auto_issue, "auto_email": data.auto_email,
        "prices_include_tax": data.prices_include_tax,
        "withholding_code": data.withholding_code or None, "reference": reference,
        "notes": notes}
    return values, lines


def schedule_snapshot(schedule: RecurringInvoice) -> dict[str, object]:
    data = snapshot(schedule, FIELDS)
    data["lines"] = [snapshot(line, ("description", "quantity", "unit_price",
                                     "discount_percent", "tax_code", "account", "item_id"))
                     for line in schedule.lines]
    return data


def _finish_if_done(schedule: RecurringInvoice) -> None:
    if (schedule.max_count is not None and schedule.count_made >= schedule.max_count) or \
            (schedule.end_date is not None and schedule.next_run > schedule.end_date):
        schedule.status = ScheduleStatus.FINISHED.value


def _check_issue_rights(session: Session, book: Book, data: ScheduleInput) -> None:
    require(session, book, "sales.draft")
    if data.auto_issue:
        require(session, book, "sales.issue")  # the job issues in the creator's stead


def create_schedule(session: Session, book: Book, data: ScheduleInput) -> RecurringInvoice:
    """A new active schedule; its first invoice is due on the start date."""
    _check_issue_rights(session, book, data)
    values, lines = _validate(session, book, data)
    schedule = RecurringInvoice(book_id=book.id, position=0, count_made=0,
                                status=ScheduleStatus.ACTIVE.value, **values)
    schedule.next_run = schedule.start_date
    schedule.lines.extend(lines)
    session.add(schedule)
    session.flush()
    audit.record(session, "create", "recurring_invoice", schedule.id, book=book,
                 after=schedule_snapshot(schedule),
                 summary=f"Recurring invoice {schedule.name!r} ({schedule.frequency})")
    return schedule


def update_schedule(session: Session, book: Book, schedule: RecurringInvoice,
                    data: ScheduleInput) -> RecurringInvoice:
    """Change a schedule; a new start date starts the count of occurrences again."""
    _check_issue_rights(session, book, data)
    if schedule.status == ScheduleStatus.FINISHED.value:
        raise Conflict(f"Schedule {schedule.name!r} is finished; make a new one")
    values, lines = _validate(session, book, data)
    before = schedule_snapshot(schedule)
    restart = (values["start_date"], values["frequency"], values["interval"]) != (
        schedule.start_date, schedule.frequency, schedule.interval)
    for key, value in values.items():
        setattr(schedule, key, value)
    if restart:
        schedule.position = 0
        while occurrence(schedule, schedule.position) < clock.today() and \
                schedule.position < MAX_COUNT * 60:
            schedule.position += 1
    schedule.next_run = occurrence(schedule, schedule.position)
    schedule.lines.clear()
    session.flush()
    schedule.lines.extend(lines)
    _finish_if_done(schedule)
    session.flush()
    audit.record(session, "update", "recurring_invoice", schedule.id, book=book,
                 before=before, after=schedule_snapshot(schedule),
                 summary=f"Recurring invoice {schedule.name!r} changed")
    return schedule


def set_paused(session: Session, book: Book, schedule: RecurringInvoice,
               paused: bool) -> RecurringInvoice:
    """Pause, or resume from the next period date from today on (missed ones skipped)."""
    require(session, book, "sales.draft")
    if schedule.status == ScheduleStatus.FINISHED.value:
        raise Conflict(f"Schedule {schedule.name!r} is finished")
    wanted = ScheduleStatus.PAUSED.value if paused else ScheduleStatus.ACTIVE.value
    if schedule.status == wanted:
        return schedule
    before = schedule_snapshot(schedule)
    schedule.status = wanted
    if not paused:
        day = clock.today()
        while schedule.next_run < day:
            schedule.position += 1
            schedule.next_run = occurrence(schedule, schedule.position)
        _finish_if_done(schedule)
    session.flush()
    audit.record(session, "update", "recurring_invoice", schedule.id, book=book,
                 before=before, after=schedule_snapshot(schedule),
                 summary=f"Recurring invoice {schedule.name!r} {wanted}")
    return schedule


def delete_schedule(session: Session, book: Book, schedule: RecurringInvoice) -> None:
    """Remove a schedule; the invoices it made stay."""
    require(session, book, "sales.draft")
    audit.record(session, "delete", "recurring_invoice", schedule.id, book=book,
                 before=schedule_snapshot(schedule),
                 summary=f"Recurring invoice {schedule.name!r} deleted")
    session.delete(schedule)
    session.flush()


def get_schedule(session: Session, book: Book, schedule_id: int, *,
                 for_update: bool = False) -> RecurringInvoice:
    require(session, book, "report.read")
    return record_in_book(session, book, RecurringInvoice, schedule_id,
                          noun="recurring invoice", field="schedule", for_update=for_update)


@dataclass
class SchedulePage:
    schedules: list[RecurringInvoice]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.page_size)


def list_schedules(session: Session, book: Book, *, status: str | None = None,
                   page: int = 1, page_size: int = 50) -> SchedulePage:
    require(session, book, "report.read")
    query = select(RecurringInvoice).where(RecurringInvoice.book_id == book.id)
    if status is not None:
        query = query.where(RecurringInvoice.status == status)
    rows, total = page_of(session, query,
                          order_by=(RecurringInvoice.next_run, RecurringInvoice.id),
                          page=page, page_size=page_size,
                          load=(selectinload(RecurringInvoice.lines),))
    return SchedulePage(rows, total, page, page_size)


def runs_of(session: Session, book: Book, schedule: RecurringInvoice
            ) -> list[tuple[RecurringRun, Invoice | None]]:
    require(session, book, "report.read")
    runs = list(session.scalars(select(RecurringRun).where(
        RecurringRun.schedule_id == schedule.id).order_by(RecurringRun.period_date.desc())))
    return [(run, session.get(Invoice, run.invoice_id) if run.invoice_id else None)
            for run in runs]


def estimated_net(schedule: RecurringInvoice) -> int:
    """The lines' amount before tax in minor units, for lists (an item's default price is
    not looked up: such a line counts as 0)."""
    total = sum((line.quantity * (line.unit_price or 0) * (1 - line.discount_percent / 100)
                 for line in schedule.lines), Decimal(0))
    return int(total.to_integral_value(ROUND_HALF_UP))


# Running -------------------------------------------------------------------------------

def _invoice_input(session: Session, book: Book, schedule: RecurringInvoice,
                   period: date) -> InvoiceInput:
    customer = session.get_one(Party, schedule.customer_id)
    due_days = schedule.due_days
    if due_days is None and not customer.payment_terms_days:
        due_days = get_profile(session, book).payment_terms_days
    notes = schedule.notes or get_profile(session, book).invoice_notes
    return InvoiceInput(
        customer_id=schedule.customer_id, issue_date=period,
        due_date=period + timedelta(days=due_days) if due_days is not None else None,
        currency=schedule.currency, prices_include_tax=schedule.prices_include_tax,
        withholding_code=schedule.withholding_code, reference=schedule.reference,
        notes=notes,
        lines=[InvoiceLineInput(
            description=line.description, quantity=line.quantity,
            unit_price=from_minor(line.unit_price, schedule.currency)
            if line.unit_price is not None else None,
            discount_percent=line.discount_percent, tax_code=line.tax_code,
            account=line.account, item_id=line.item_id) for line in schedule.lines])


@dataclass
class RunReport:
    made: list[int] = field(default_factory=list)  # invoice ids
    emailed: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        parts = [f"{len(self.made)} invoice(s) made", f"{self.emailed} emailed"]
        return "; ".join(parts + self.problems)[:2000]


def make_occurrence(session: Session, book: Book, schedule: RecurringInvoice,
                    report: RunReport) -> bool:
    """Make the schedule's next invoice, if due; False when nothing was due.

    The caller holds the schedule's row lock and commits (or rolls back) after each call.
    """
    day = clock.today()
    if schedule.status != ScheduleStatus.ACTIVE.value or schedule.next_run > day:
        return False
    period = schedule.next_run
    run = RecurringRun(book_id=book.id, schedule_id=schedule.id, period_date=period)
    session.add(run)
    session.flush()  # the unique key: another process made this one already
    invoice = create_draft(session, book, _invoice_input(session, book, schedule, period))
    if schedule.auto_issue:
        issue_invoice(session, book, invoice)
        customer = session.get_one(Party, invoice.customer_id)
        if schedule.auto_email and customer.email and mail_enabled(get_settings()):
            from folio.sales.sending import send_invoice

            send_invoice(session, book, invoice)
            report.emailed += 1
        elif schedule.auto_email:
            report.problems.append(f"{invoice.number} not emailed: "
                                   + ("the customer has no email address" if not customer.email
                                      else "email is not set up"))
    run.invoice_id = invoice.id
    schedule.count_made += 1
    schedule.position += 1
    schedule.next_run = occurrence(schedule, schedule.position)
    _finish_if_done(schedule)
    session.flush()
    audit.record(session, "create", "recurring_invoice", schedule.id, book=book,
                 after={"period_date": period, "invoice_id": invoice.id},
                 summary=f"Recurring invoice {schedule.name!r}: invoice for {period}")
    report.made.append(invoice.id)
    return True


def _due_ids(engine: Engine, book_id: int | None, schedule_id: int | None) -> list[int]:
    with transaction(engine, write=False, actor=SYSTEM) as session:
        query = select(RecurringInvoice.id).where(
            RecurringInvoice.status == ScheduleStatus.ACTIVE.value,
            RecurringInvoice.next_run <= clock.today())
        if book_id is not None:
            query = query.where(RecurringInvoice.book_id == book_id)
        if schedule_id is not None:
            query = query.where(RecurringInvoice.id == schedule_id)
        return list(session.scalars(query.order_by(RecurringInvoice.id)))


def run_due(engine: Engine, *, book_id: int | None = None,
            schedule_id: int | None = None) -> RunReport:
    """Make every due invoice of every active schedule, one transaction per invoice."""
    report = RunReport()
    for sid in _due_ids(engine, book_id, schedule_id):
        conflicts = 0
        while conflicts < 3:
            try:
                with transaction(engine, actor=SYSTEM) as session:
                    schedule = session.scalar(
                        select(RecurringInvoice).where(RecurringInvoice.id == sid)
                        .with_for_update().execution_options(populate_existing=True))
                    if schedule is None:
                        break
                    book = session.get_one(Book, schedule.book_id)
                    if not make_occurrence(session, book, schedule, report):
                        break
            except IntegrityError:
                conflicts += 1  # made by another process meanwhile: look again
            except FolioError as exc:
                log.warning("recurring invoice %s: %s", sid, exc.detail)
                report.problems.append(f"schedule {sid}: {exc.detail}")
                break
    return report
