"""Match money received on a bank line to an open sales invoice and record the payment.

A suggestion scores each open invoice in the line's currency: the exact amount due, the
invoice number in the line's text and the customer's name in the payee each count.
Matching records the payment through the sales module (so the invoice's status and the
customer's balance move as for any payment) and marks the line matched with the payment's
entry. Bills (money out) are not matched yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.auth.guard import require
from folio.banking.models import LineStatus, MoneyAccount
from folio.banking.reconcile import ensure_unlocked
from folio.banking.service import get_line
from folio.books.models import Book
from folio.errors import Conflict, NotFound, ValidationError
from folio.ledger.models import Account
from folio.money import from_minor
from folio.parties.models import Party
from folio.sales.invoices import OPEN
from folio.sales.models import Invoice, InvoiceKind, Payment
from folio.sales.payments import AllocationInput, PaymentInput, record_payment

MAX_SUGGESTIONS = 5


@dataclass(frozen=True)
class MatchSuggestion:
    invoice: Invoice
    customer: Party
    score: int
    reasons: tuple[str, ...]


def _open_invoices(session: Session, book: Book, currency: str) -> list[Invoice]:
    return list(session.scalars(select(Invoice).where(
        Invoice.book_id == book.id, Invoice.kind == InvoiceKind.INVOICE.value,
        Invoice.status.in_(OPEN), Invoice.currency == currency)
        .order_by(Invoice.due_date, Invoice.id)))


def suggest_matches(session: Session, book: Book, line_id: int) -> list[MatchSuggestion]:
    """Open invoices that the money received on a line probably pays, best first."""
    line = get_line(session, book, line_id)
    if line.amount <= 0 or line.status != LineStatus.UNMATCHED.value:
        return []
    text = f"{line.payee} {line.description} {line.reference}".lower()
    payee = line.payee.lower()
    found: list[MatchSuggestion] = []
    for invoice in _open_invoices(session, book, line.currency):
        customer = session.get_one(Party, invoice.customer_id)
        reasons: list[str] = []
        if invoice.amount_due == line.amount:
            reasons.append("amount")
        if invoice.number and invoice.number.lower() in text:
            reasons.append("reference")
        if payee and (customer.name.lower() in payee or payee in customer.name.lower()):
            reasons.append("party")
        if reasons:
            score = 3 * ("amount" in reasons) + 3 * ("reference" in reasons) \
                + ("party" in reasons)
            found.append(MatchSuggestion(invoice, customer, score, tuple(reasons)))
    found.sort(key=lambda s: (-s.score, s.invoice.due_date, s.invoice.id))
    return found[:MAX_SUGGESTIONS]


def match_invoice(session: Session, book: Book, line_id: int, invoice_id: int) -> Payment:
    """Record the line's money as a payment of the invoice and mark the line matched."""
    require(session, book, "bank.import")
    require(session, book, "payment.record")
    line = get_line(session, book, line_id)
    ensure_unlocked(session, [line])
    if line.status != LineStatus.UNMATCHED.value:
        raise Conflict(f"Bank line {line.id} is already {line.status}", field="line_id")
    if line.amount <= 0:
        raise ValidationError(f"Bank line {line.id} is not money received", field="line_id")
    invoice = session.scalar(select(Invoice).where(
        Invoice.book_id == book.id, Invoice.id == invoice_id,
        Invoice.kind == InvoiceKind.INVOICE.value)) if 0 < invoice_id < 2**63 else None
    if invoice is None:
        raise NotFound(f"No invoice {invoice_id} in this book", field="invoice_id")
    if invoice.status not in OPEN:
        raise Conflict(f"Invoice {invoice.number or invoice.id} is {invoice.status}",
                       field="invoice_id")
    if invoice.currency != line.currency:
        raise ValidationError(f"Invoice {invoice.number} is in {invoice.currency}, the line "
                              f"in {line.currency}", field="invoice_id")
    money = session.get_one(MoneyAccount, line.money_account_id)
    code = session.get_one(Account, money.account_id).code
    allocate = min(line.amount, invoice.amount_due)
    payment = record_payment(session, book, PaymentInput(
        customer_id=invoice.customer_id, date=line.date, account=code,
        amount=from_minor(line.amount, line.currency), currency=line.currency,
        reference=(line.reference or None) and line.reference[:100],
        memo=f"Bank line {line.id}",
        allocations=[AllocationInput(invoice.id, Decimal(from_minor(allocate,
                                                                    line.currency)))]))
    line.status = LineStatus.MATCHED.value
    line.entry_id = payment.entry_id
    line.party_id = invoice.customer_id
    session.flush()
    audit.record(session, "categorise", "bank_line", line.id, book=book,
                 after={"status": "matched", "invoice": invoice.number,
                        "payment": payment.id},
                 summary=f"Bank line {line.id} matched to invoice {invoice.number}")
    return payment
