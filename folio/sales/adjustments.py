"""Credit notes against an issued invoice, and writing off what a customer will not pay."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.auth.guard import require
from folio.books.models import Book
from folio.clock import today
from folio.errors import Conflict, ValidationError
from folio.fx import documents as fx
from folio.ledger.accounts import account_by_role
from folio.ledger.models import Account
from folio.ledger.service import EntryInput, create_entry
from folio.money import decimal_str, from_minor
from folio.parties.models import Party
from folio.sales import lookups
from folio.sales.invoices import (
    OPEN,
    InvoiceInput,
    InvoiceLineInput,
    _apply,
    invoice_snapshot,
    refresh_status,
)
from folio.sales.issuing import _codes, posting_lines
from folio.sales.models import Invoice, InvoiceKind, InvoiceStatus
from folio.sales.numbering import next_number
from folio.tax.models import TaxCode


@dataclass
class CreditNoteInput:
    issue_date: date | None = None
    # None: credit the whole invoice (its lines as they are).
    lines: Sequence[InvoiceLineInput] | None = None
    reason: str | None = None


def _copy_lines(session: Session, invoice: Invoice) -> list[InvoiceLineInput]:
    def code(tax_code_id: int | None) -> str:
        return session.get_one(TaxCode, tax_code_id).code if tax_code_id else ""

    return [InvoiceLineInput(description=line.description, quantity=line.quantity,
                             unit=line.unit,
                             unit_price=from_minor(line.unit_price, invoice.currency),
                             discount_percent=line.discount_percent,
                             tax_code=code(line.tax_code_id),
                             account=session.get_one(Account, line.account_id).code,
                             item_id=line.item_id) for line in invoice.lines]


def create_credit_note(session: Session, book: Book, invoice: Invoice,
                       data: CreditNoteInput) -> Invoice:
    """Issue a credit note against ``invoice``: the mirror entry, less due on the invoice."""
    require(session, book, "sales.issue")
    if invoice.kind != InvoiceKind.INVOICE.value or invoice.status not in OPEN:
        raise Conflict(f"A credit note needs an issued invoice with something still due; "
                       f"{invoice.number or 'this draft'} is {invoice.status}")
    day = data.issue_date or max(today(), invoice.issue_date)
    errors: lookups.Errors = []
    if day < invoice.issue_date:
        lookups.error(errors, "issue_date", "a credit note cannot be dated before its invoice")
    if data.reason is not None and (len(data.reason) > 2000 or "\x00" in data.reason):
        lookups.error(errors, "reason", "at most 2000 characters")
    note = Invoice(book_id=book.id, kind=InvoiceKind.CREDIT_NOTE.value,
                   status=InvoiceStatus.DRAFT.value, credit_of_id=invoice.id)
    withholding = session.get(TaxCode, invoice.withholding_code_id) \
        if invoice.withholding_code_id else None
    customer = _apply(session, book, note, InvoiceInput(
        customer_id=invoice.customer_id, project_id=invoice.project_id,
        lines=data.lines if data.lines is not None else _copy_lines(session, invoice),
        issue_date=day, due_date=day, currency=invoice.currency,
        prices_include_tax=invoice.prices_include_tax, vat_rounding=invoice.vat_rounding,
        withholding_code=withholding.code if withholding else None,
        stamp_duty_borne_by=invoice.stamp_duty_borne_by,
        reference=invoice.number, notes=data.reason, extra_errors=errors))
    session.add(note)
    session.flush()
    if note.total <= 0:
        raise ValidationError("A credit note must total more than zero", field="lines")
    if note.total > invoice.amount_due:
        raise ValidationError(
            f"The credit note ({decimal_str(note.total, note.currency)}) exceeds what is still "
            f"due on {invoice.number} ({decimal_str(invoice.amount_due, invoice.currency)})",
            field="lines")
    codes = _codes(session, book, note)
    note.number = next_number(session, book, note.kind, day)
    entry = create_entry(session, book, EntryInput(
        date=day, description=f"Credit note {note.number} on {invoice.number} "
                              f"to {customer.name}"[:500],
        party=customer.name, reference=note.number, external_id=f"invoice:{note.id}",
        lines=posting_lines(session, book, note, codes, sign=-1)), post=True)
    note.entry_id = entry.id
    note.status = InvoiceStatus.ISSUED.value
    note.issued_at = datetime.now(UTC)
    invoice.amount_credited += note.total
    refresh_status(invoice)
    session.flush()
    audit.record(session, "issue", "credit_note", note.id, book=book,
                 after=invoice_snapshot(note),
                 summary=f"Credit note {note.number} on {invoice.number}")
    return note


def write_off(session: Session, book: Book, invoice: Invoice, *, on: date | None = None,
              account: str | None = None, reason: str | None = None) -> Invoice:
    """Write what is still due off to a bad-debt expense account (role 'bad_debt' or
    'impairment' unless ``account`` names one)."""
    require(session, book, "sales.issue")
    if invoice.kind != InvoiceKind.INVOICE.value or invoice.status not in OPEN \
            or invoice.amount_due <= 0:
        raise Conflict(f"Only an issued invoice with something due can be written off; "
                       f"{invoice.number or 'this draft'} is {invoice.status}")
    day = on or max(today(), invoice.issue_date)
    errors: lookups.Errors = []
    if day < invoice.issue_date:
        lookups.error(errors, "date", "a write-off cannot be dated before its invoice")
    if reason is not None and (len(reason) > 200 or "\x00" in reason):
        lookups.error(errors, "reason", "at most 200 characters")
    expense = lookups.account(session, book, account, "account", errors, types=("expense",))
    if errors:
        raise ValidationError(errors[0]["message"], errors=errors)
    if expense is None:
        expense = account_by_role(session, book, "bad_debt") \
            or lookups.role_account(session, book, "impairment", "bad-debt expense")
    customer = session.get_one(Party, invoice.customer_id)
    due = invoice.amount_due
    receivable = lookups.role_account(session, book, "receivable", "receivable")
    # The receivable goes at the base amount it is carried at (a foreign invoice at its
    # own rate); the expense is that same base amount, so no exchange difference arises.
    cleared = fx.settle(book, receivable.code, total=invoice.total,
                        base_total=fx.to_base(invoice.total, invoice.currency,
                                              invoice.exchange_rate, book.base_currency),
                        due=due, units=due, currency=invoice.currency,
                        rate=invoice.exchange_rate, sign=-1, memo=invoice.number)
    expense_line = fx.balancing(book, cleared, expense.code, invoice.number)
    entry = create_entry(session, book, EntryInput(
        date=day, description=f"Write-off of invoice {invoice.number} ({customer.name})"
                              + (f": {reason}" if reason else ""),
        party=customer.name, reference=invoice.number,
        lines=[*([expense_line] if expense_line else []), *cleared]), post=True)
    before = invoice_snapshot(invoice)
    invoice.amount_written_off = due
    invoice.written_off_on = day
    invoice.write_off_entry_id = entry.id
    refresh_status(invoice)
    session.flush()
    audit.record(session, "update", "invoice", invoice.id, book=book, before=before,
                 after={**invoice_snapshot(invoice), "written_off": due},
                 summary=f"Invoice {invoice.number}: "
                         f"{decimal_str(due, invoice.currency)} written off")
    return invoice
