"""Payables aging: what we owed each vendor on a day, by days past the due date.

The buckets and the report's shape are folio.commerce.aging's, shared with receivables.
Void and draft bills are left out. Vendor credits applied to a bill count as paid on the
day they were applied; what a credit still held that day lowers the vendor's current
bucket, so the total agrees with trade payables.
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
from folio.fx import documents as fx
from folio.purchases.models import (
    Bill,
    BillAllocation,
    BillStatus,
    VendorCredit,
    VendorCreditAllocation,
    VendorCreditRefund,
    VendorCreditStatus,
)


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
    credited = dict(session.execute(
        select(VendorCreditAllocation.bill_id, func.sum(VendorCreditAllocation.amount))
        .where(VendorCreditAllocation.book_id == book.id,
               VendorCreditAllocation.bill_id.in_([b.id for b in bills]),
               VendorCreditAllocation.date <= as_of)
        .group_by(VendorCreditAllocation.bill_id)).all())
    result = []
    for bill in bills:
        due = bill.payable - int(paid.get(bill.id) or 0) - int(credited.get(bill.id) or 0)
        if due:
            result.append((bill, due))
    return result


def unused_credits(session: Session, book: Book, as_of: date) -> list[tuple[VendorCredit, int]]:
    """Each vendor credit recorded by ``as_of`` with what it still held that day."""
    credits = list(session.scalars(select(VendorCredit).where(
        VendorCredit.book_id == book.id, VendorCredit.date <= as_of,
        VendorCredit.status != VendorCreditStatus.VOID.value).order_by(VendorCredit.id)))
    ids = [c.id for c in credits]
    used: dict[int, int] = {}
    for model in (VendorCreditAllocation, VendorCreditRefund):
        for credit_id, amount in session.execute(
                select(model.credit_id, func.sum(model.amount))
                .where(model.book_id == book.id, model.credit_id.in_(ids), model.date <= as_of)
                .group_by(model.credit_id)).all():
            used[credit_id] = used.get(credit_id, 0) + int(amount or 0)
    return [(c, c.total - used.get(c.id, 0)) for c in credits if c.total - used.get(c.id, 0)]


def payables_aging(session: Session, book: Book, as_of: date) -> Aging:
    """What we owed each vendor on ``as_of``, by days past the due date."""
    require(session, book, "report.read")
    owed = [(bill.vendor_id, bill.due_date,
             fx.carried_due(book, bill.payable, due, bill.currency, bill.exchange_rate))
            for bill, due in outstanding_bills(session, book, as_of)]
    owed += [(credit.vendor_id, as_of, -left)
             for credit, left in unused_credits(session, book, as_of)]
    return age(session, book, as_of, owed)


def aging_dict(report: Aging) -> dict[str, Any]:
    return aging.aging_dict(report, "vendor")


def aging_table(report: Aging) -> Table:
    return aging.aging_table(report, "vendor")
