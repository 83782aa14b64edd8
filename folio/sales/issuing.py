"""Issuing and voiding invoices: the number, and the entry that puts them in the ledger.

Issuing posts one balanced entry: Dr receivable (total) / Cr revenue per line account /
Cr output VAT per tax account / round-off (DOMAIN.md section 10). Voiding reverses it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.auth.guard import require
from folio.books.models import Book
from folio.clock import today
from folio.errors import Conflict, ValidationError
from folio.fx import documents as fx
from folio.ledger.models import Account, JournalEntry
from folio.ledger.periods import FIRST_DAY, LAST_DAY
from folio.ledger.service import EntryInput, LineInput, create_entry, reverse_entry
from folio.parties.models import Party
from folio.sales import lookups
from folio.sales.invoices import compute, invoice_snapshot, refresh_status
from folio.sales.models import Invoice, InvoiceKind, InvoiceStatus, PaymentAllocation
from folio.sales.numbering import next_number
from folio.tax.models import TaxCode


def _codes(session: Session, book: Book, invoice: Invoice) -> dict[int, TaxCode]:
    ids = {line.tax_code_id for line in invoice.lines if line.tax_code_id is not None}
    codes = {c.id: c for c in session.scalars(select(TaxCode).where(TaxCode.id.in_(ids)))}
    inactive = sorted(c.code for c in codes.values() if not c.is_active)
    if inactive:
        raise ValidationError(f"Tax code {', '.join(inactive)} is no longer active; "
                              f"change the draft", field="lines")
    return codes


def _account_code(session: Session, account_id: int) -> str:
    return session.get_one(Account, account_id).code


def posting_lines(session: Session, book: Book, invoice: Invoice,
                  codes: dict[int, TaxCode], sign: int = 1) -> list[LineInput]:
    """The entry of an invoice (sign 1) or of a credit note (sign -1): receivable first."""
    cur = invoice.currency
    receivable = lookups.role_account(session, book, "receivable", "receivable")
    revenue: dict[int, int] = defaultdict(int)
    vat: dict[int, int] = defaultdict(int)
    output_vat: Account | None = None
    for line in invoice.lines:
        revenue[line.account_id] += line.net
        if line.tax:
            code = codes[line.tax_code_id] if line.tax_code_id is not None else None
            account_id = code.account_id if code is not None else None
            if account_id is None:
                output_vat = output_vat or lookups.role_account(session, book, "output_vat",
                                                                "output VAT")
                account_id = output_vat.id
            vat[account_id] += line.tax
    memo, rate = invoice.number, invoice.exchange_rate
    lines = [fx.line(book, receivable.code, sign * invoice.total, cur, rate, memo)]
    for account_id, units in [*revenue.items(), *vat.items()]:
        if units:
            lines.append(fx.line(book, _account_code(session, account_id), -sign * units, cur,
                                 rate, memo))
    if invoice.rounding:
        round_off = lookups.role_account(session, book, "rounding", "round-off")
        lines.append(fx.line(book, round_off.code, -sign * invoice.rounding, cur, rate, memo))
    if cur != book.base_currency:  # each line rounds to base on its own: settle the gap
        round_off = lookups.role_account(session, book, "rounding", "round-off")
        gap = fx.balancing(book, lines, round_off.code, memo)
        if gap is not None:
            lines.append(gap)
    return lines


def issue_invoice(session: Session, book: Book, invoice: Invoice) -> Invoice:
    """Number a draft, post its entry, and make it immutable."""
    require(session, book, "sales.issue")
    if invoice.status != InvoiceStatus.DRAFT.value:
        raise Conflict(f"Invoice {invoice.number} is already {invoice.status}")
    customer = session.get_one(Party, invoice.customer_id)
    codes = _codes(session, book, invoice)
    wht = session.get(TaxCode, invoice.withholding_code_id) \
        if invoice.withholding_code_id else None
    compute(invoice, codes, wht, customer)  # rates may have changed since the draft
    if invoice.total <= 0:
        raise ValidationError("An invoice must total more than zero", field="lines")
    invoice.number = next_number(session, book, invoice.kind, invoice.issue_date)
    lines = posting_lines(session, book, invoice, codes)
    entry = create_entry(session, book, EntryInput(
        date=invoice.issue_date, description=f"Invoice {invoice.number} to {customer.name}"[:500],
        party=customer.name, reference=invoice.number, external_id=f"invoice:{invoice.id}",
        lines=lines), post=True)
    invoice.entry_id = entry.id
    invoice.status = InvoiceStatus.ISSUED.value
    invoice.issued_at = datetime.now(UTC)
    session.flush()
    audit.record(session, "issue", "invoice", invoice.id, book=book,
                 after=invoice_snapshot(invoice),
                 summary=f"Invoice {invoice.number} to {customer.name}")
    return invoice


def void_invoice(session: Session, book: Book, invoice: Invoice, on: date | None = None,
                 reason: str | None = None) -> Invoice:
    """Reverse an issued invoice (or credit note) that nothing has settled; it stays listed."""
    require(session, book, "sales.issue")
    if invoice.status == InvoiceStatus.DRAFT.value:
        raise Conflict("A draft is not voided; delete it instead")
    if invoice.status == InvoiceStatus.VOID.value:
        raise Conflict(f"Invoice {invoice.number} is already void")
    paid = session.scalar(select(PaymentAllocation.id).where(
        PaymentAllocation.book_id == book.id, PaymentAllocation.invoice_id == invoice.id)
        .limit(1))
    if paid is not None or invoice.amount_paid:
        raise Conflict(f"Invoice {invoice.number} has payments recorded; it cannot be voided "
                       f"(issue a credit note instead)")
    if invoice.amount_credited or invoice.amount_written_off:
        raise Conflict(f"Invoice {invoice.number} has credit notes or a write-off; "
                       f"void those first")
    if reason is not None and (len(reason) > 200 or "\x00" in reason):
        raise ValidationError("at most 200 characters", field="reason")
    if on is not None and not FIRST_DAY <= on <= LAST_DAY:
        raise ValidationError(f"a date from {FIRST_DAY} to {LAST_DAY}", field="date")
    entry = session.get_one(JournalEntry, invoice.entry_id)
    day = on or max(today(), invoice.issue_date)
    what = "Credit note" if invoice.kind == InvoiceKind.CREDIT_NOTE.value else "Invoice"
    mirror = reverse_entry(session, book, entry, on=day,
                           description=f"Void {what.lower()} {invoice.number}"
                                       + (f": {reason}" if reason else ""))
    before = invoice_snapshot(invoice)
    invoice.status = InvoiceStatus.VOID.value
    invoice.void_entry_id = mirror.id
    if invoice.credit_of_id is not None:
        original = session.get_one(Invoice, invoice.credit_of_id)
        original.amount_credited -= invoice.total
        refresh_status(original)
    session.flush()
    audit.record(session, "void", "invoice", invoice.id, book=book, before=before,
                 after=invoice_snapshot(invoice),
                 summary=f"{what} {invoice.number} void" + (f": {reason}" if reason else ""))
    return invoice
