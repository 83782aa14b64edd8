"""Match a bank line to the document it settles, and record the payment in one step.

Money received (a positive line) is matched to an open sales invoice, money paid out (a
negative line) to an open vendor bill. A suggestion scores each open document in the
line's currency and says why:

- ``amount``: the line is exactly what the document still asks (3 points);
- ``close``: within 2 % of it, e.g. a bill paid with the bank's transfer fee on top
  (bills only, 2 points);
- ``reference``: the document's number (or, for a bill, the vendor's own invoice number)
  appears in the line's payee, description or reference (3 points);
- ``party``: the customer's or vendor's name matches the payee (1 point);
- ``date``: the line falls between a bill's date and a week after its due date (bills
  only, 1 point; never a reason on its own).

Matching records the payment through the sales or purchases service (so the document's
status and the party's balance move as for any payment), marks the line ``matched`` with
the payment's entry and links the payment, so the line counts as booked and cannot be
matched twice. For a bill, money paid beyond the amount due is booked as a bank fee when it
is within the ``close`` margin (or when the fee is given); anything more is refused,
because a vendor payment settles exactly what it allocates. For an invoice, money received
beyond the amount due stays on the customer as credit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.auth.guard import require
from folio.banking.models import BankLine, LineStatus, MoneyAccount
from folio.banking.reconcile import ensure_unlocked
from folio.banking.service import get_line
from folio.books.models import Book
from folio.errors import Conflict, NotFound, ValidationError
from folio.ledger.models import Account
from folio.money import decimal_str, from_minor, to_minor
from folio.parties.models import Party
from folio.purchases.bills import OPEN as OPEN_BILLS
from folio.purchases.models import Bill, BillAllocation, BillPayment
from folio.purchases.payments import BillAllocationInput, BillPaymentInput, pay_bills
from folio.sales.invoices import OPEN
from folio.sales.models import Invoice, InvoiceKind, Payment, PaymentAllocation
from folio.sales.payments import AllocationInput, PaymentInput, record_payment

MAX_SUGGESTIONS = 5
CLOSE_PERCENT = 2  # a bill's amount due and the line differ by at most this much: "close"
DATE_SLACK = timedelta(days=7)
WEIGHTS = {"amount": 3, "close": 2, "reference": 3, "party": 1, "date": 1}
MIN_REFERENCE = 3  # shorter document numbers match too much text to count


@dataclass(frozen=True)
class MatchSuggestion:
    """An open invoice (money in) or bill (money out) that a bank line probably settles."""

    document: Invoice | Bill
    party: Party
    score: int
    reasons: tuple[str, ...]

    @property
    def kind(self) -> str:
        return "invoice" if isinstance(self.document, Invoice) else "bill"

    @property
    def invoice(self) -> Invoice:
        assert isinstance(self.document, Invoice)
        return self.document

    @property
    def bill(self) -> Bill:
        assert isinstance(self.document, Bill)
        return self.document

    @property
    def customer(self) -> Party:
        return self.party

    @property
    def number(self) -> str:
        if isinstance(self.document, Bill):
            return self.document.number or self.document.vendor_reference
        return self.document.number or str(self.document.id)

    @property
    def amount_due(self) -> int:
        return self.document.amount_due

    @property
    def currency(self) -> str:
        return self.document.currency

    def as_dict(self) -> dict[str, object]:
        """The suggestion as the API and the CLI show it."""
        found: dict[str, object] = {
            "kind": self.kind, "document_id": self.document.id, "number": self.number,
            "party": self.party.name, "currency": self.currency,
            "amount_due": decimal_str(self.amount_due, self.currency),
            "due_date": self.document.due_date.isoformat(),
            "score": self.score, "reasons": list(self.reasons)}
        if isinstance(self.document, Invoice):
            found.update(invoice_id=self.document.id, customer=self.party.name)
        else:
            found.update(bill_id=self.document.id, vendor=self.party.name,
                         vendor_reference=self.document.vendor_reference)
        return found


def _open_invoices(session: Session, book: Book, currencies: set[str]) -> list[Invoice]:
    return list(session.scalars(select(Invoice).where(
        Invoice.book_id == book.id, Invoice.kind == InvoiceKind.INVOICE.value,
        Invoice.status.in_(OPEN), Invoice.currency.in_(currencies))
        .order_by(Invoice.due_date, Invoice.id)))


def _open_bills(session: Session, book: Book, currencies: set[str]) -> list[Bill]:
    return list(session.scalars(select(Bill).where(
        Bill.book_id == book.id, Bill.status.in_(OPEN_BILLS), Bill.currency.in_(currencies))
        .order_by(Bill.due_date, Bill.id)))


def _parties(session: Session, ids: set[int]) -> dict[int, Party]:
    return {p.id: p for p in session.scalars(select(Party).where(Party.id.in_(ids)))} \
        if ids else {}


def _names_match(name: str, payee: str) -> bool:
    name, payee = name.casefold().strip(), payee.casefold().strip()
    return bool(name and payee) and (name in payee or (len(payee) >= MIN_REFERENCE
                                                       and payee in name))


def _mentions(reference: str | None, text: str) -> bool:
    return bool(reference) and len(reference or "") >= MIN_REFERENCE \
        and (reference or "").casefold() in text


def _close(due: int, paid: int) -> bool:
    return due > 0 and paid != due and abs(paid - due) * 100 <= due * CLOSE_PERCENT


def _invoice_reasons(line: BankLine, invoice: Invoice, customer: Party) -> list[str]:
    text = f"{line.payee} {line.description} {line.reference}".casefold()
    reasons = []
    if invoice.amount_due == line.amount:
        reasons.append("amount")
    if _mentions(invoice.number, text):
        reasons.append("reference")
    if _names_match(customer.name, line.payee):
        reasons.append("party")
    return reasons


def _bill_reasons(line: BankLine, bill: Bill, vendor: Party) -> list[str]:
    text = f"{line.payee} {line.description} {line.reference}".casefold()
    paid = -line.amount
    reasons = []
    if bill.amount_due == paid:
        reasons.append("amount")
    elif _close(bill.amount_due, paid):
        reasons.append("close")
    if _mentions(bill.number, text) or _mentions(bill.vendor_reference, text):
        reasons.append("reference")
    if _names_match(vendor.name, line.payee) or _mentions(vendor.name, text):
        reasons.append("party")
    if not reasons:
        return []
    if bill.bill_date <= line.date <= bill.due_date + DATE_SLACK:
        reasons.append("date")
    return reasons


def suggest_for_lines(session: Session, book: Book, lines: Sequence[BankLine],
                      limit: int = MAX_SUGGESTIONS) -> dict[int, list[MatchSuggestion]]:
    """Suggestions for the unmatched lines among ``lines``, by line id, best first.

    Reads the open invoices and bills once, however many lines there are.
    """
    require(session, book, "report.read")
    open_lines = [x for x in lines if x.status == LineStatus.UNMATCHED.value and x.amount]
    if not open_lines:
        return {}
    money_in = {x.currency for x in open_lines if x.amount > 0}
    money_out = {x.currency for x in open_lines if x.amount < 0}
    invoices = _open_invoices(session, book, money_in) if money_in else []
    bills = _open_bills(session, book, money_out) if money_out else []
    parties = _parties(session, {i.customer_id for i in invoices} | {b.vendor_id for b in bills})
    result: dict[int, list[MatchSuggestion]] = {}
    for line in open_lines:
        found: list[MatchSuggestion] = []
        if line.amount > 0:
            for invoice in invoices:
                if invoice.currency != line.currency:
                    continue
                customer = parties[invoice.customer_id]
                reasons = _invoice_reasons(line, invoice, customer)
                if reasons:
                    found.append(MatchSuggestion(invoice, customer, _score(reasons),
                                                 tuple(reasons)))
        else:
            for bill in bills:
                if bill.currency != line.currency:
                    continue
                vendor = parties[bill.vendor_id]
                reasons = _bill_reasons(line, bill, vendor)
                if reasons:
                    found.append(MatchSuggestion(bill, vendor, _score(reasons), tuple(reasons)))
        found.sort(key=lambda s: (-s.score, abs((s.document.due_date - line.date).days),
                                  s.document.id))
        if found:
            result[line.id] = found[:limit]
    return result


def _score(reasons: Sequence[str]) -> int:
    return sum(WEIGHTS[reason] for reason in reasons)


def suggest_matches(session: Session, book: Book, line_id: int) -> list[MatchSuggestion]:
    """Open invoices (money in) or bills (money out) the line probably settles, best first."""
    line = get_line(session, book, line_id)
    return suggest_for_lines(session, book, [line]).get(line.id, [])


def _open_line(session: Session, book: Book, line_id: int) -> BankLine:
    """The line, locked for this transaction, still unmatched and not reconciled."""
    get_line(session, book, line_id)
    line = session.scalars(select(BankLine).where(BankLine.id == line_id).with_for_update()
                           .execution_options(populate_existing=True)).one()
    ensure_unlocked(session, [line])
    if line.status != LineStatus.UNMATCHED.value:
        raise Conflict(f"Bank line {line.id} is already {line.status}", field="line_id")
    return line


def _bank_code(session: Session, line: BankLine) -> str:
    money = session.get_one(MoneyAccount, line.money_account_id)
    return session.get_one(Account, money.account_id).code


def match_invoice(session: Session, book: Book, line_id: int, invoice_id: int) -> Payment:
    """Record the line's money as a payment of the invoice and mark the line matched."""
    require(session, book, "bank.import")
    require(session, book, "payment.record")
    line = _open_line(session, book, line_id)
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
    allocate = min(line.amount, invoice.amount_due)
    payment = record_payment(session, book, PaymentInput(
        customer_id=invoice.customer_id, date=line.date, account=_bank_code(session, line),
        amount=from_minor(line.amount, line.currency), currency=line.currency,
        reference=(line.reference or None) and line.reference[:100],
        memo=f"Bank line {line.id}",
        allocations=[AllocationInput(invoice.id, Decimal(from_minor(allocate,
                                                                    line.currency)))]))
    line.status = LineStatus.MATCHED.value
    line.entry_id = payment.entry_id
    line.party_id = invoice.customer_id
    line.payment_id = payment.id
    session.flush()
    audit.record(session, "categorise", "bank_line", line.id, book=book,
                 after={"status": "matched", "invoice": invoice.number,
                        "payment": payment.id},
                 summary=f"Bank line {line.id} matched to invoice {invoice.number}")
    return payment


def _fee_units(line: BankLine, bill: Bill, bank_fee: Decimal | None) -> tuple[int, int]:
    """(what the payment settles on the bill, the bank fee), in minor units."""
    paid, due = -line.amount, bill.amount_due
    if bank_fee is not None:
        if not Decimal(bank_fee).is_finite() or bank_fee < 0 or abs(bank_fee) >= 10**15:
            raise ValidationError("The bank fee is an amount of zero or more",
                                  field="bank_fee")
        try:
            fee = to_minor(Decimal(bank_fee), line.currency)
        except ValidationError as exc:
            raise ValidationError(exc.detail, field="bank_fee") from exc
        if fee >= paid:
            raise ValidationError("The bank fee must be less than the money paid out",
                                  field="bank_fee")
        settle = paid - fee
        if settle > due:
            raise ValidationError(
                f"The line pays {decimal_str(settle, line.currency)} after the fee, more than "
                f"the {decimal_str(due, line.currency)} still due on {bill.number}",
                field="bank_fee")
        return settle, fee
    settle = min(paid, due)
    fee = paid - settle
    if fee and not _close(due, paid):
        raise ValidationError(
            f"The line pays {decimal_str(fee, line.currency)} more than the "
            f"{decimal_str(due, line.currency)} still due on {bill.number}; give the bank "
            "fee if the bank charged it, or match another bill", field="bank_fee")
    return settle, fee


def match_bill(session: Session, book: Book, line_id: int, bill_id: int,
               bank_fee: Decimal | None = None) -> BillPayment:
    """Record the money paid out on a line as a payment of the bill; the line is matched.

    Paid beyond the amount due within 2 % (or ``bank_fee`` when given) is the bank's fee.
    """
    require(session, book, "bank.import")
    require(session, book, "payment.record")
    line = _open_line(session, book, line_id)
    if line.amount >= 0:
        raise ValidationError(f"Bank line {line.id} is not money paid out", field="line_id")
    bill = session.scalar(select(Bill).where(Bill.book_id == book.id, Bill.id == bill_id)) \
        if 0 < bill_id < 2**63 else None
    if bill is None:
        raise NotFound(f"No bill {bill_id} in this book", field="bill_id")
    if bill.status not in OPEN_BILLS:
        raise Conflict(f"Bill {bill.number or bill.vendor_reference} is {bill.status}",
                       field="bill_id")
    if bill.currency != line.currency:
        raise ValidationError(f"Bill {bill.number} is in {bill.currency}, the line in "
                              f"{line.currency}", field="bill_id")
    settle, fee = _fee_units(line, bill, bank_fee)
    payment = pay_bills(session, book, BillPaymentInput(
        vendor_id=bill.vendor_id, date=line.date, account=_bank_code(session, line),
        amount=from_minor(settle, line.currency),
        bank_fee=from_minor(fee, line.currency) if fee else None,
        reference=(line.reference or None) and line.reference[:100],
        memo=f"Bank line {line.id}", currency=line.currency,
        allocations=[BillAllocationInput(bill.id, from_minor(settle, line.currency))]))
    line.status = LineStatus.MATCHED.value
    line.entry_id = payment.entry_id
    line.party_id = bill.vendor_id
    line.bill_payment_id = payment.id
    session.flush()
    audit.record(session, "categorise", "bank_line", line.id, book=book,
                 after={"status": "matched", "bill": bill.number, "bill_payment": payment.id,
                        "bank_fee": decimal_str(fee, line.currency)},
                 summary=f"Bank line {line.id} matched to bill {bill.number}")
    return payment


def matched_documents(session: Session, book: Book, lines: Sequence[BankLine]
                      ) -> dict[int, str]:
    """For matched lines: the invoice or bill numbers their payment settled, by line id."""
    payments = {x.payment_id: x.id for x in lines if x.payment_id}
    bill_payments = {x.bill_payment_id: x.id for x in lines if x.bill_payment_id}
    found: dict[int, list[str]] = {}
    if payments:
        for payment_id, number in session.execute(
                select(PaymentAllocation.payment_id, Invoice.number)
                .join(Invoice, Invoice.id == PaymentAllocation.invoice_id)
                .where(PaymentAllocation.book_id == book.id,
                       PaymentAllocation.payment_id.in_(payments))):
            found.setdefault(payments[payment_id], []).append(number or "")
    if bill_payments:
        for payment_id, number in session.execute(
                select(BillAllocation.payment_id, Bill.number)
                .join(Bill, Bill.id == BillAllocation.bill_id)
                .where(BillAllocation.book_id == book.id,
                       BillAllocation.payment_id.in_(bill_payments))):
            found.setdefault(bill_payments[payment_id], []).append(number or "")
    return {line_id: ", ".join(numbers) for line_id, numbers in found.items()}
