"""Sales by customer, by item or by project for a period: what was sold, net of tax.

Issued invoices count in full and credit notes against them are taken off, both on their
issue date; drafts and void documents are left out. Amounts are the lines' net (excluding
VAT) in the book's currency, so the report adds up to the revenue the documents posted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.auth.guard import require
from folio.books.models import Book
from folio.commerce.aging import Table
from folio.errors import ValidationError
from folio.fx.documents import to_base
from folio.ledger.reports import report_period
from folio.money import decimal_str
from folio.parties.models import Party
from folio.sales.models import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus, Item, Project

GROUPS = ("customer", "item", "project")
NOT_SOLD = (InvoiceStatus.DRAFT.value, InvoiceStatus.VOID.value)


@dataclass
class SalesRow:
    key: int | None  # the customer's, item's or project's id; None: lines without one
    code: str | None
    name: str | None
    net: int = 0
    quantity: Decimal = Decimal(0)
    documents: set[int] = field(default_factory=set)

    @property
    def quantity_text(self) -> str:
        return format(self.quantity.normalize(), "f") if self.quantity else "0"


@dataclass
class SalesAnalysis:
    book: Book
    by: str
    start: date
    end: date
    rows: list[SalesRow]

    @property
    def net(self) -> int:
        return sum(row.net for row in self.rows)


def sold_filter(book: Book, start: date, end: date) -> list[Any]:
    """The conditions that pick the issued invoices and credit notes of a period."""
    return [Invoice.book_id == book.id, Invoice.status.notin_(NOT_SOLD),
            Invoice.issue_date >= start, Invoice.issue_date <= end]


def _names(session: Session, by: str, keys: set[int]) -> dict[int, tuple[str | None, str]]:
    if not keys:
        return {}
    if by == "customer":
        return {pid: (None, name) for pid, name in session.execute(
            select(Party.id, Party.name).where(Party.id.in_(keys)))}
    model: Any = Item if by == "item" else Project
    return {rid: (code, name) for rid, code, name in session.execute(
        select(model.id, model.code, model.name).where(model.id.in_(keys)))}


def sales_by(session: Session, book: Book, by: str, start: date | None = None,
             end: date | None = None) -> SalesAnalysis:
    """Net sales per customer, item (with quantities) or project, largest first."""
    require(session, book, "report.read")
    if by not in GROUPS:
        raise ValidationError(f"Group sales by one of {', '.join(GROUPS)}", field="by")
    start, end = report_period(book, start, end)
    key_column: Any = {"customer": Invoice.customer_id, "item": InvoiceLine.item_id,
                       "project": Invoice.project_id}[by]
    rows: dict[int | None, SalesRow] = {}
    for key, kind, invoice_id, quantity, net, currency, rate in session.execute(
            select(key_column, Invoice.kind, Invoice.id, InvoiceLine.quantity, InvoiceLine.net,
                   Invoice.currency, Invoice.exchange_rate)
            .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
            .where(*sold_filter(book, start, end))):
        sign = -1 if kind == InvoiceKind.CREDIT_NOTE.value else 1
        row = rows.setdefault(key, SalesRow(key, None, None))
        # A foreign invoice's line counts at the rate it was issued (and posted) at.
        row.net += sign * to_base(int(net), currency, rate, book.base_currency)
        row.quantity += sign * Decimal(quantity)
        row.documents.add(invoice_id)
    names = _names(session, by, {k for k in rows if k is not None})
    for key, row in rows.items():
        if key is not None:
            row.code, row.name = names.get(key, (None, str(key)))
    ordered = sorted(rows.values(), key=lambda r: (-r.net, r.name or "", r.key or 0))
    return SalesAnalysis(book, by, start, end, ordered)


def sales_dict(report: SalesAnalysis) -> dict[str, Any]:
    cur = report.book.base_currency
    by = report.by
    rows = []
    for row in report.rows:
        item: dict[str, Any] = {f"{by}_id": row.key}
        if by != "customer":
            item["code"] = row.code
        item[by] = row.name
        if by == "item":
            item["quantity"] = row.quantity_text
        item["documents"] = len(row.documents)
        item["net"] = decimal_str(row.net, cur)
        rows.append(item)
    return {"book": report.book.slug, "currency": cur, "by": by,
            "from": report.start.isoformat(), "to": report.end.isoformat(),
            "rows": rows, "total_net": decimal_str(report.net, cur)}


def sales_table(report: SalesAnalysis) -> Table:
    data = sales_dict(report)
    by = report.by
    header = ([] if by == "customer" else ["code"]) + [by] + \
        (["quantity"] if by == "item" else []) + ["documents", "net"]
    rows = [[str(r.get(h) if r.get(h) is not None else f"(no {by})" if h == by else "")
             for h in header] for r in data["rows"]]
    rows.append([*([""] * (len(header) - 1)), data["total_net"]])
    rows[-1][0 if by == "customer" else 1] = "Total"
    return header, rows
