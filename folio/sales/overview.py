"""The dashboard's sales figures: receivables and what is overdue, the most overdue
invoices, payables falling due, and net sales per month for the last twelve months.

A fixed number of queries whatever the number of invoices and bills (the dashboard test
counts them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.auth.guard import require
from folio.books.models import Book
from folio.ledger.periods import add_months, month_start
from folio.parties.models import Party
from folio.purchases.reports import outstanding_bills
from folio.sales.analysis import sold_filter
from folio.sales.models import Invoice, InvoiceKind
from folio.sales.reports import outstanding

MOST_OVERDUE = 5
DUE_SOON_DAYS = 7


@dataclass(frozen=True)
class OverdueInvoice:
    invoice_id: int
    number: str
    customer: str
    due_date: date
    days_overdue: int
    amount_due: int


@dataclass(frozen=True)
class MonthSales:
    month: date
    net: int


@dataclass
class SalesOverview:
    today: date
    receivable: int  # due from customers on issued invoices
    receivable_overdue: int
    most_overdue: list[OverdueInvoice]
    payable: int  # due to vendors on approved bills
    payable_overdue: int
    payable_due_soon: int  # due within DUE_SOON_DAYS, not yet overdue
    sales: list[MonthSales]


def monthly_sales(session: Session, book: Book, last: date, months: int = 12
                  ) -> list[MonthSales]:
    """Net sales (invoices less credit notes, excluding VAT) per month up to ``last``."""
    first = add_months(month_start(last), -(months - 1))
    totals: dict[date, int] = {}
    for day, kind, net in session.execute(
            select(Invoice.issue_date, Invoice.kind, Invoice.net_total)
            .where(*sold_filter(book, first, last))):
        sign = -1 if kind == InvoiceKind.CREDIT_NOTE.value else 1
        totals[month_start(day)] = totals.get(month_start(day), 0) + sign * int(net)
    return [MonthSales(add_months(first, n), totals.get(add_months(first, n), 0))
            for n in range(months)]


def sales_overview(session: Session, book: Book, today: date) -> SalesOverview:
    require(session, book, "report.read")
    owed = outstanding(session, book, today)
    late = sorted(((invoice, due) for invoice, due in owed if invoice.due_date < today),
                  key=lambda pair: (pair[0].due_date, pair[0].id))
    top = late[:MOST_OVERDUE]
    names = dict(session.execute(select(Party.id, Party.name).where(
        Party.id.in_({invoice.customer_id for invoice, _ in top}))).all()) if top else {}
    bills = outstanding_bills(session, book, today)
    soon = today + timedelta(days=DUE_SOON_DAYS)
    return SalesOverview(
        today=today,
        receivable=sum(due for _, due in owed),
        receivable_overdue=sum(due for _, due in late),
        most_overdue=[OverdueInvoice(invoice.id, invoice.number or "",
                                     names.get(invoice.customer_id, ""), invoice.due_date,
                                     (today - invoice.due_date).days, due)
                      for invoice, due in top],
        payable=sum(due for _, due in bills),
        payable_overdue=sum(due for bill, due in bills if bill.due_date < today),
        payable_due_soon=sum(due for bill, due in bills if today <= bill.due_date <= soon),
        sales=monthly_sales(session, book, today))
