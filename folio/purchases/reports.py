"""Payables aging: what we owed each vendor on a day, by days past the due date.

The buckets and the report's shape are folio.commerce.aging's, shared with receivables.
Void and draft bills are left out.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.auth.guard import require
from folio.books.models import Book
from folio.commerce import aging
from folio.commerce.aging import Aging, Table, age
from folio.purchases.models import Bill, BillAllocation, BillStatus


def outstanding_bills(session: Session, book: Book, as_of: date) -> list[tuple[Bill, int]]:
    """Each bill approved by ``as_of`` with what was still due to the vendor that day."""
    bills = list(session.scalars(select(Bill).where(
        Bill.book_id == book.id,
        Bill.status.notin_((BillStatus.DRAFT.value, BillStatus.VOID.value)),
        Bill.bill_date <= as_of).order_by(Bill.due_date, Bill.id)))
    paid = dict(session.execute(
        select(BillAllocation.bill_id, func.sum(BillAllocation.amount))
        .where(BillAllocation.book_id == book.id,
               BillAllocation.bill_id.in_([b.id for b in bills]),
               BillAllocation.date <= as_of)
        .group_by(BillAllocation.bill_id)).all())
    result = []
    for bill in bills:
        due = bill.payable - int(paid.get(bill.id) or 0)
        if due:
            result.append((bill, due))
    return result


def payables_aging(session: Session, book: Book, as_of: date) -> Aging:
    """What we owed each vendor on ``as_of``, by days past the due date."""
    require(session, book, "report.read")
    return age(session, book, as_of, ((bill.vendor_id, bill.due_date, due)
                                      for bill, due in outstanding_bills(session, book, as_of)))


def aging_dict(report: Aging) -> dict[str, Any]:
    return aging.aging_dict(report, "vendor")


def aging_table(report: Aging) -> Table:
    return aging.aging_table(report, "vendor")
