"""Project profitability: revenue from a project's invoices against the costs of its bills
and expenses, with the margin and how much of the budget the costs used.

Revenue is the net (excluding VAT) of issued invoices less credit notes; costs are the net
of approved bills and of posted expenses (VAT we can reclaim is not a cost). Without a
period every document counts; with one, documents count by their own dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.auth.guard import require
from folio.books.models import Book
from folio.commerce.aging import Table
from folio.errors import ValidationError
from folio.fx.documents import to_base
from folio.ledger.periods import check_day
from folio.money import decimal_str
from folio.parties.models import Party
from folio.purchases.models import Bill, BillStatus, Expense
from folio.sales.models import Invoice, InvoiceKind, InvoiceStatus, Project
from folio.sales.projects import get_project

HUNDRED = Decimal(100)


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to one decimal; None when ``whole`` is zero."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class ProjectProfit:
    project: Project
    customer: str
    revenue: int
    bill_costs: int
    expense_costs: int

    @property
    def costs(self) -> int:
        return self.bill_costs + self.expense_costs

    @property
    def margin(self) -> int:
        return self.revenue - self.costs

    @property
    def margin_percent(self) -> Decimal | None:
        return percent(self.margin, self.revenue)

    @property
    def budget_used_percent(self) -> Decimal | None:
        return percent(self.costs, self.project.budget)


@dataclass
class Profitability:
    book: Book
    start: date | None
    end: date | None
    rows: list[ProjectProfit]

    @property
    def revenue(self) -> int:
        return sum(r.revenue for r in self.rows)

    @property
    def costs(self) -> int:
        return sum(r.costs for r in self.rows)

    @property
    def margin(self) -> int:
        return self.revenue - self.costs

    @property
    def margin_percent(self) -> Decimal | None:
        return percent(self.margin, self.revenue)


def _between(column: Any, start: date | None, end: date | None) -> list[Any]:
    return ([column >= start] if start else []) + ([column <= end] if end else [])


def project_profitability(session: Session, book: Book, *, project_id: int | None = None,
                          start: date | None = None, end: date | None = None
                          ) -> Profitability:
    """Every project's (or one project's) revenue, costs, margin and budget used."""
    require(session, book, "report.read")
    if start is not None:
        check_day(start, "from")
    if end is not None:
        check_day(end, "to")
    if start and end and start > end:
        raise ValidationError("'from' is after 'to'", field="from")
    if project_id is not None:
        projects = [get_project(session, book, project_id)]
    else:
        projects = list(session.scalars(select(Project).where(Project.book_id == book.id)
                                        .order_by(Project.code)))
    ids = [p.id for p in projects]
    # Documents in a foreign currency count at the rate they were posted at.
    revenue: dict[int | None, int] = {}
    for project, kind, net, currency, rate in session.execute(
            select(Invoice.project_id, Invoice.kind, Invoice.net_total, Invoice.currency,
                   Invoice.exchange_rate)
            .where(Invoice.book_id == book.id, Invoice.project_id.in_(ids),
                   Invoice.status.notin_((InvoiceStatus.DRAFT.value, InvoiceStatus.VOID.value)),
                   *_between(Invoice.issue_date, start, end))):
        sign = -1 if kind == InvoiceKind.CREDIT_NOTE.value else 1
        revenue[project] = revenue.get(project, 0) + sign * to_base(
            int(net), currency, rate, book.base_currency)
    bills: dict[int | None, int] = {}
    for project, net, currency, rate in session.execute(
            select(Bill.project_id, Bill.net_total, Bill.currency, Bill.exchange_rate)
            .where(Bill.book_id == book.id, Bill.project_id.in_(ids),
                   Bill.status.notin_((BillStatus.DRAFT.value, BillStatus.VOID.value)),
                   *_between(Bill.bill_date, start, end))):
        bills[project] = bills.get(project, 0) + to_base(int(net), currency, rate,
                                                         book.base_currency)
    expenses: dict[int | None, int] = dict(session.execute(
        select(Expense.project_id, func.sum(Expense.net))
        .where(Expense.book_id == book.id, Expense.project_id.in_(ids),
               Expense.entry_id.is_not(None), *_between(Expense.date, start, end))
        .group_by(Expense.project_id)).all())
    customers = dict(session.execute(select(Party.id, Party.name).where(
        Party.id.in_({p.customer_id for p in projects}))).all())
    rows = [ProjectProfit(p, customers.get(p.customer_id, ""), int(revenue.get(p.id) or 0),
                          int(bills.get(p.id) or 0), int(expenses.get(p.id) or 0))
            for p in projects]
    return Profitability(book, start, end, rows)


def _pct(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def profitability_dict(report: Profitability) -> dict[str, Any]:
    cur = report.book.base_currency

    def money(units: int) -> str:
        return decimal_str(units, cur)

    return {
        "book": report.book.slug, "currency": cur,
        "from": report.start.isoformat() if report.start else None,
        "to": report.end.isoformat() if report.end else None,
        "projects": [{
            "project_id": r.project.id, "code": r.project.code, "project": r.project.name,
            "customer": r.customer, "status": r.project.status,
            "revenue": money(r.revenue), "bill_costs": money(r.bill_costs),
            "expense_costs": money(r.expense_costs), "costs": money(r.costs),
            "margin": money(r.margin), "margin_percent": _pct(r.margin_percent),
            "budget": money(r.project.budget),
            "budget_used_percent": _pct(r.budget_used_percent)} for r in report.rows],
        "total_revenue": money(report.revenue), "total_costs": money(report.costs),
        "total_margin": money(report.margin), "margin_percent": _pct(report.margin_percent),
    }


def profitability_table(report: Profitability) -> Table:
    data = profitability_dict(report)
    header = ["code", "project", "customer", "revenue", "costs", "margin", "margin_percent",
              "budget", "budget_used_percent"]
    rows = [[str(p[h]) if p[h] is not None else "" for h in header] for p in data["projects"]]
    rows.append(["", "Total", "", data["total_revenue"], data["total_costs"],
                 data["total_margin"], data["margin_percent"] or "", "", ""])
    return header, rows
