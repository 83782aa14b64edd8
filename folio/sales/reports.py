"""Receivables reports: aging by days overdue, and a customer's statement for a period.

Both read the sales documents by their dates, so a report as of an earlier date shows what
was owed then. Void invoices (and void credit notes) are left out altogether.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.auth.guard import require
from folio.books.models import Book
from folio.commerce import aging
from folio.commerce.aging import Aging, Table, age
from folio.errors import ValidationError
from folio.fx import documents as fx
from folio.money import decimal_str
from folio.parties.models import Party
from folio.sales.models import Invoice, InvoiceKind, InvoiceStatus, Payment, PaymentAllocation


def outstanding(session: Session, book: Book, as_of: date,
                customer_id: int | None = None) -> list[tuple[Invoice, int]]:
    """Each invoice issued by ``as_of`` with what was still due on it that day."""
    query = select(Invoice).where(
        Invoice.book_id == book.id, Invoice.kind == InvoiceKind.INVOICE.value,
        Invoice.status.notin_((InvoiceStatus.DRAFT.value, InvoiceStatus.VOID.value)),
        Invoice.issue_date <= as_of)
    if customer_id is not None:
        query = query.where(Invoice.customer_id == customer_id)
    invoices = list(session.scalars(query.order_by(Invoice.due_date, Invoice.id)))
    ids = [i.id for i in invoices]
    paid = dict(session.execute(
        select(PaymentAllocation.invoice_id, func.sum(PaymentAllocation.amount))
        .where(PaymentAllocation.book_id == book.id, PaymentAllocation.invoice_id.in_(ids),
               PaymentAllocation.date <= as_of)
        .group_by(PaymentAllocation.invoice_id)).all())
    credited = dict(session.execute(
        select(Invoice.credit_of_id, func.sum(Invoice.total))
        .where(Invoice.book_id == book.id, Invoice.credit_of_id.in_(ids),
               Invoice.status != InvoiceStatus.VOID.value, Invoice.issue_date <= as_of)
        .group_by(Invoice.credit_of_id)).all())
    result = []
    for invoice in invoices:
        due = invoice.total - int(paid.get(invoice.id) or 0) - int(credited.get(invoice.id) or 0)
        if invoice.written_off_on is not None and invoice.written_off_on <= as_of:
            due -= invoice.amount_written_off
        if due:
            result.append((invoice, due))
    return result


def receivables_aging(session: Session, book: Book, as_of: date) -> Aging:
    """What each customer owed on ``as_of``, by days past the due date, in the book's
    currency (a foreign invoice at the base amount it is carried at)."""
    require(session, book, "report.read")
    return age(session, book, as_of, (
        (invoice.customer_id, invoice.due_date,
         fx.carried_due(book, invoice.total, due, invoice.currency, invoice.exchange_rate))
        for invoice, due in outstanding(session, book, as_of)))


def aging_dict(report: Aging) -> dict[str, Any]:
    return aging.aging_dict(report, "customer")


def aging_table(report: Aging) -> Table:
    return aging.aging_table(report, "customer")


@dataclass
class StatementLine:
    date: date
    kind: str  # invoice, credit_note, payment, write_off
    reference: str
    amount: int  # positive: the customer owes more
    balance: int = 0


@dataclass
class Statement:
    book: Book
    customer: Party
    start: date
    end: date
    opening: int
    lines: list[StatementLine]
    currency: str = ""  # the documents' currency (a statement never mixes currencies)

    @property
    def closing(self) -> int:
        return self.lines[-1].balance if self.lines else self.opening


def _events(session: Session, book: Book, customer: Party, end: date,
            currency: str) -> list[StatementLine]:
    events: list[StatementLine] = []
    for doc in session.scalars(select(Invoice).where(
            Invoice.book_id == book.id, Invoice.customer_id == customer.id,
            Invoice.currency == currency,
            Invoice.status.notin_((InvoiceStatus.DRAFT.value, InvoiceStatus.VOID.value)),
            Invoice.issue_date <= end)):
        sign = -1 if doc.kind == InvoiceKind.CREDIT_NOTE.value else 1
        events.append(StatementLine(doc.issue_date, doc.kind, doc.number or "", sign * doc.total))
        if doc.written_off_on is not None and doc.written_off_on <= end:
            events.append(StatementLine(doc.written_off_on, "write_off", doc.number or "",
                                        -doc.amount_written_off))
    for payment in session.scalars(select(Payment).where(
            Payment.book_id == book.id, Payment.customer_id == customer.id,
            Payment.currency == currency, Payment.void_entry_id.is_(None),
            Payment.date <= end)):
        events.append(StatementLine(payment.date, "payment",
                                    payment.reference or f"payment {payment.id}",
                                    -payment.settles))
    order = {"invoice": 0, "credit_note": 1, "payment": 2, "write_off": 3}
    return sorted(events, key=lambda e: (e.date, order[e.kind], e.reference))


def customer_statement(session: Session, book: Book, customer: Party, start: date,
                       end: date, currency: str | None = None) -> Statement:
    """Opening balance, the period's invoices, credit notes, payments and write-offs, and
    the closing balance; a negative balance is credit the customer holds. One currency:
    ``currency``, else the customer's default currency, else the book's. Voided payments
    are left out (with their reversal they come to nothing)."""
    require(session, book, "report.read")
    if start > end:
        raise ValidationError("The period starts after it ends", field="from")
    currency = (currency or customer.default_currency or book.base_currency).upper()
    opening = 0
    lines: list[StatementLine] = []
    for event in _events(session, book, customer, end, currency):
        if event.date < start:
            opening += event.amount
        else:
            lines.append(event)
    running = opening
    for line in lines:
        running += line.amount
        line.balance = running
    return Statement(book, customer, start, end, opening, lines, currency)


def statement_dict(report: Statement) -> dict[str, Any]:
    cur = report.currency or report.book.base_currency
    return {"book": report.book.slug, "currency": cur, "customer_id": report.customer.id,
            "customer": report.customer.name, "from": report.start.isoformat(),
            "to": report.end.isoformat(), "opening": decimal_str(report.opening, cur),
            "lines": [{"date": line.date.isoformat(), "kind": line.kind,
                       "reference": line.reference, "amount": decimal_str(line.amount, cur),
                       "balance": decimal_str(line.balance, cur)} for line in report.lines],
            "closing": decimal_str(report.closing, cur)}


def statement_table(report: Statement) -> Table:
    data = statement_dict(report)
    rows = [[data["from"], "opening", "", "", data["opening"]]]
    rows += [[x["date"], x["kind"], x["reference"], x["amount"], x["balance"]]
             for x in data["lines"]]
    rows.append([data["to"], "closing", "", "", data["closing"]])
    return ["date", "kind", "reference", "amount", "balance"], rows


