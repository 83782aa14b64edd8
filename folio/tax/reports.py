"""Tax reports: the month's PPN (the figures of the SPT Masa PPN) and the withholding summary.

PPN output is the VAT of invoices and credit notes issued in the month, input the VAT of
bills approved and expenses posted in it, each per tax code with its DPP (taxable base).
Draft and void documents are left out. A document's VAT per code is the sum of its lines'
VAT; a document-level rounding difference (document VAT rounding) goes to its code with the
largest base, so a document's figures add up to the VAT it states.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from folio.auth.guard import require
from folio.books.models import Book
from folio.commerce.aging import Table
from folio.errors import ValidationError
from folio.fx.documents import to_base
from folio.ledger.periods import check_day, month_end
from folio.ledger.reports import report_period
from folio.money import decimal_str, from_minor, round_money, to_minor
from folio.parties.models import Party
from folio.purchases.models import Bill, BillStatus, Expense
from folio.sales.models import (
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
)
from folio.tax.models import TaxCode

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})\Z")


def parse_month(value: str | date) -> date:
    """The first day of a ``YYYY-MM`` month; a ValidationError naming ``month`` otherwise."""
    if isinstance(value, date):
        return value.replace(day=1)
    match = MONTH_RE.match(value or "")
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValidationError(f"{value!r} is not a month in the form YYYY-MM, e.g. 2026-11",
                              field="month")
    return check_day(date(int(match[1]), int(match[2]), 1), "month")


@dataclass
class TaxDocument:
    date: date
    kind: str  # invoice, credit_note, bill, expense
    number: str  # our number (an expense: its id)
    reference: str  # the vendor's invoice (faktur) number, or the invoice's reference
    party: str
    tax_id: str  # the party's NPWP, NIK or NITKU
    code: str
    base: int  # DPP; negative on a credit note
    tax: int


@dataclass
class CodeTotal:
    code: str
    name: str
    base: int = 0
    tax: int = 0


@dataclass
class PpnReturn:
    book: Book
    month: date
    output: list[TaxDocument]
    input: list[TaxDocument]
    names: dict[str, str] = field(default_factory=dict)  # tax code: its name

    @property
    def end(self) -> date:
        return month_end(self.month)

    @staticmethod
    def _by_code(documents: list[TaxDocument], names: dict[str, str]) -> list[CodeTotal]:
        totals: dict[str, CodeTotal] = {}
        for doc in documents:
            total = totals.setdefault(doc.code, CodeTotal(doc.code, names.get(doc.code, "")))
            total.base += doc.base
            total.tax += doc.tax
        return sorted(totals.values(), key=lambda t: t.code)

    @property
    def output_by_code(self) -> list[CodeTotal]:
        return self._by_code(self.output, self.names)

    @property
    def input_by_code(self) -> list[CodeTotal]:
        return self._by_code(self.input, self.names)

    @property
    def output_tax(self) -> int:
        return sum(d.tax for d in self.output)

    @property
    def input_tax(self) -> int:
        return sum(d.tax for d in self.input)

    @property
    def net(self) -> int:
        """Positive: PPN to pay (kurang bayar); negative: overpaid (lebih bayar)."""
        return self.output_tax - self.input_tax


def _split(lines: Iterable[Any], rounding: int, codes: dict[int, TaxCode]
           ) -> list[tuple[str, int, int]]:
    """(code, base, tax) per VAT code of a document's lines, its rounding on the largest."""
    bases: dict[str, int] = defaultdict(int)
    taxes: dict[str, int] = defaultdict(int)
    for line in lines:
        code = codes.get(line.tax_code_id) if line.tax_code_id is not None else None
        if code is None:
            continue
        bases[code.code] += line.tax_base
        taxes[code.code] += line.tax
    if rounding and bases:
        largest = max(bases, key=lambda c: (abs(bases[c]), c))
        taxes[largest] += rounding
    return [(c, bases[c], taxes[c]) for c in sorted(bases)]


def _expense_base(expense: Expense, code: TaxCode) -> int:
    cur = expense.currency
    base = from_minor(expense.net, cur) * code.base_numerator / code.base_denominator
    return to_minor(round_money(base, cur, code.rounding), cur)


def ppn_return(session: Session, book: Book, month: str | date) -> PpnReturn:
    """Output and input PPN of one month per code and document, and the net to pay, in
    the book's currency (a foreign document at the rate it was posted at)."""
    require(session, book, "report.read")

    def in_base(doc: Invoice | Bill, units: int) -> int:
        return to_base(units, doc.currency, doc.exchange_rate, book.base_currency)

    start = parse_month(month)
    end = month_end(start)
    codes = {c.id: c for c in session.scalars(select(TaxCode).where(
        TaxCode.book_id == book.id, TaxCode.kind == "vat"))}
    invoices = list(session.scalars(
        select(Invoice).options(selectinload(Invoice.lines)).where(
            Invoice.book_id == book.id,
            Invoice.status.notin_((InvoiceStatus.DRAFT.value, InvoiceStatus.VOID.value)),
            Invoice.issue_date >= start, Invoice.issue_date <= end)
        .order_by(Invoice.issue_date, Invoice.number, Invoice.id)))
    bills = list(session.scalars(
        select(Bill).options(selectinload(Bill.lines)).where(
            Bill.book_id == book.id,
            Bill.status.notin_((BillStatus.DRAFT.value, BillStatus.VOID.value)),
            Bill.bill_date >= start, Bill.bill_date <= end)
        .order_by(Bill.bill_date, Bill.number, Bill.id)))
    expenses = list(session.scalars(select(Expense).where(
        Expense.book_id == book.id, Expense.entry_id.is_not(None),
        Expense.tax_code_id.in_(list(codes)), Expense.date >= start, Expense.date <= end)
        .order_by(Expense.date, Expense.id)))
    party_ids = {i.customer_id for i in invoices} | {b.vendor_id for b in bills} | \
        {e.vendor_id for e in expenses if e.vendor_id is not None}
    parties = {p.id: p for p in session.scalars(select(Party).where(Party.id.in_(party_ids)))}
    output: list[TaxDocument] = []
    for invoice in invoices:
        sign = -1 if invoice.kind == InvoiceKind.CREDIT_NOTE.value else 1
        party = parties[invoice.customer_id]
        for code, base, tax in _split(invoice.lines, invoice.rounding, codes):
            output.append(TaxDocument(invoice.issue_date, invoice.kind, invoice.number or "",
                                      invoice.reference or "", party.name, party.tax_id or "",
                                      code, sign * in_base(invoice, base),
                                      sign * in_base(invoice, tax)))
    inputs: list[TaxDocument] = []
    for bill in bills:
        party = parties[bill.vendor_id]
        for code, base, tax in _split(bill.lines, bill.rounding, codes):
            inputs.append(TaxDocument(bill.bill_date, "bill", bill.number or "",
                                      bill.vendor_reference, party.name, party.tax_id or "",
                                      code, in_base(bill, base), in_base(bill, tax)))
    for expense in expenses:
        assert expense.tax_code_id is not None
        vendor = parties.get(expense.vendor_id) if expense.vendor_id is not None else None
        code_row = codes[expense.tax_code_id]
        inputs.append(TaxDocument(expense.date, "expense", str(expense.id), "",
                                  vendor.name if vendor else expense.payee,
                                  (vendor.tax_id or "") if vendor else "", code_row.code,
                                  _expense_base(expense, code_row), expense.tax))
    names = {c.code: c.name for c in codes.values()}
    return PpnReturn(book, start, output, inputs, names)


def _documents(docs: list[TaxDocument], cur: str) -> list[dict[str, Any]]:
    return [{"date": d.date.isoformat(), "kind": d.kind, "number": d.number,
             "reference": d.reference, "party": d.party, "tax_id": d.tax_id, "code": d.code,
             "base": decimal_str(d.base, cur), "tax": decimal_str(d.tax, cur)} for d in docs]


def _codes(totals: list[CodeTotal], cur: str) -> list[dict[str, Any]]:
    return [{"code": t.code, "name": t.name, "base": decimal_str(t.base, cur),
             "tax": decimal_str(t.tax, cur)} for t in totals]


def ppn_dict(report: PpnReturn) -> dict[str, Any]:
    cur = report.book.base_currency
    return {
        "book": report.book.slug, "currency": cur, "month": report.month.strftime("%Y-%m"),
        "from": report.month.isoformat(), "to": report.end.isoformat(),
        "output": {"codes": _codes(report.output_by_code, cur),
                   "base": decimal_str(sum(d.base for d in report.output), cur),
                   "tax": decimal_str(report.output_tax, cur),
                   "documents": _documents(report.output, cur)},
        "input": {"codes": _codes(report.input_by_code, cur),
                  "base": decimal_str(sum(d.base for d in report.input), cur),
                  "tax": decimal_str(report.input_tax, cur),
                  "documents": _documents(report.input, cur)},
        "net": decimal_str(report.net, cur),
        "result": "payable" if report.net > 0 else "overpaid" if report.net < 0 else "nil",
    }


def ppn_table(report: PpnReturn) -> Table:
    data = ppn_dict(report)
    rows: list[list[str]] = []
    for side in ("output", "input"):
        for d in data[side]["documents"]:
            rows.append([side, d["date"], d["kind"], d["number"], d["reference"], d["party"],
                         d["tax_id"], d["code"], d["base"], d["tax"]])
        for c in data[side]["codes"]:
            rows.append([side, "", "", "", "", f"Total {c['code']}", "", c["code"], c["base"],
                         c["tax"]])
        rows.append([side, "", "", "", "", f"Total {side}", "", "", data[side]["base"],
                     data[side]["tax"]])
    rows.append(["net", "", "", "", "", data["result"], "", "", "", data["net"]])
    return ["side", "date", "kind", "number", "reference", "party", "tax_id", "code", "base",
            "tax"], rows


@dataclass
class WithholdingDocument:
    date: date
    kind: str  # payment (withheld from us) or bill (withheld by us)
    number: str
    reference: str  # the bukti potong number, when recorded
    party_id: int
    party: str
    tax_id: str
    codes: str  # the invoices' or bill's withholding codes, e.g. PPH23
    invoices: str  # the invoices a payment settled
    amount: int


@dataclass
class WithholdingGroup:
    party_id: int
    party: str
    tax_id: str
    month: str  # YYYY-MM
    amount: int = 0
    documents: int = 0


@dataclass
class WithholdingSummary:
    book: Book
    start: date
    end: date
    by_customers: list[WithholdingDocument]  # prepaid tax: a credit against income tax
    by_us: list[WithholdingDocument]  # owed to the tax office for our vendors

    @staticmethod
    def groups(documents: list[WithholdingDocument]) -> list[WithholdingGroup]:
        grouped: dict[tuple[str, int], WithholdingGroup] = {}
        for doc in documents:
            key = (doc.date.strftime("%Y-%m"), doc.party_id)
            group = grouped.setdefault(key, WithholdingGroup(doc.party_id, doc.party,
                                                             doc.tax_id, key[0]))
            group.amount += doc.amount
            group.documents += 1
        return sorted(grouped.values(), key=lambda g: (g.month, g.party.lower()))


def withholding_summary(session: Session, book: Book, start: date | None = None,
                        end: date | None = None) -> WithholdingSummary:
    """Income tax withheld from our receipts by customers, and by us from vendors' bills."""
    require(session, book, "report.read")
    start, end = report_period(book, start, end)
    payments = list(session.scalars(select(Payment).options(selectinload(Payment.allocations))
                                    .where(Payment.book_id == book.id, Payment.withheld_tax > 0,
                                           Payment.void_entry_id.is_(None),
                                           Payment.date >= start, Payment.date <= end)
                                    .order_by(Payment.date, Payment.id)))
    invoice_ids = {a.invoice_id for p in payments for a in p.allocations}
    invoices = {i.id: (i.number or "", i.withholding_code_id) for i in session.execute(
        select(Invoice.id, Invoice.number, Invoice.withholding_code_id)
        .where(Invoice.id.in_(invoice_ids)))}
    bills = list(session.scalars(select(Bill).where(
        Bill.book_id == book.id, Bill.withholding_amount > 0,
        Bill.status.notin_((BillStatus.DRAFT.value, BillStatus.VOID.value)),
        Bill.bill_date >= start, Bill.bill_date <= end).order_by(Bill.bill_date, Bill.id)))
    codes = dict(session.execute(select(TaxCode.id, TaxCode.code).where(
        TaxCode.book_id == book.id)).all())
    parties = {p.id: p for p in session.scalars(select(Party).where(Party.id.in_(
        {p.customer_id for p in payments} | {b.vendor_id for b in bills})))}

    def names(ids: Iterable[int | None]) -> str:
        return ", ".join(sorted({codes[i] for i in ids if i is not None and i in codes}))

    by_customers = []
    for payment in payments:
        party = parties[payment.customer_id]
        settled = [invoices[a.invoice_id] for a in payment.allocations
                   if a.invoice_id in invoices]
        by_customers.append(WithholdingDocument(
            payment.date, "payment", payment.reference or f"payment {payment.id}",
            payment.withholding_reference or "", party.id, party.name, party.tax_id or "",
            names(code for _, code in settled),
            ", ".join(sorted({number for number, _ in settled if number})),
            to_base(payment.withheld_tax, payment.currency, payment.exchange_rate,
                    book.base_currency)))
    by_us = []
    for bill in bills:
        party = parties[bill.vendor_id]
        by_us.append(WithholdingDocument(
            bill.bill_date, "bill", bill.number or "", bill.vendor_reference, party.id,
            party.name, party.tax_id or "", names([bill.withholding_code_id]), "",
            to_base(bill.withholding_amount, bill.currency, bill.exchange_rate,
                    book.base_currency)))
    return WithholdingSummary(book, start, end, by_customers, by_us)


def _wht_side(documents: list[WithholdingDocument], cur: str) -> dict[str, Any]:
    return {
        "total": decimal_str(sum(d.amount for d in documents), cur),
        "by_party_and_month": [
            {"month": g.month, "party_id": g.party_id, "party": g.party, "tax_id": g.tax_id,
             "documents": g.documents, "amount": decimal_str(g.amount, cur)}
            for g in WithholdingSummary.groups(documents)],
        "documents": [
            {"date": d.date.isoformat(), "kind": d.kind, "number": d.number,
             "reference": d.reference, "party_id": d.party_id, "party": d.party,
             "tax_id": d.tax_id, "codes": d.codes, "invoices": d.invoices,
             "amount": decimal_str(d.amount, cur)} for d in documents]}


def withholding_dict(report: WithholdingSummary) -> dict[str, Any]:
    cur = report.book.base_currency
    return {"book": report.book.slug, "currency": cur, "from": report.start.isoformat(),
            "to": report.end.isoformat(),
            "withheld_by_customers": _wht_side(report.by_customers, cur),
            "withheld_by_us": _wht_side(report.by_us, cur)}


def withholding_table(report: WithholdingSummary) -> Table:
    data = withholding_dict(report)
    rows: list[list[str]] = []
    for side in ("withheld_by_customers", "withheld_by_us"):
        for d in data[side]["documents"]:
            rows.append([side, d["date"], d["kind"], d["number"], d["reference"], d["party"],
                         d["tax_id"], d["codes"], d["amount"]])
        rows.append([side, "", "", "", "", "Total", "", "", data[side]["total"]])
    return ["side", "date", "kind", "number", "reference", "party", "tax_id", "codes",
            "amount"], rows
