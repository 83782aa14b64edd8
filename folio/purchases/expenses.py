"""Expenses paid at once from a bank or cash account, and the receipts kept with them.

An expense's amount is what was paid, tax included, as the receipt shows it; a VAT code
splits it exactly into net and input VAT (folio.tax.calc.vat_for_line). A direct expense
posts Dr expense (net) / Dr input VAT / Cr the bank or cash account. Expenses a member
paid out of pocket go through a claim instead (folio.purchases.claims).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.audit.service import snapshot
from folio.auth.actor import actor_of
from folio.auth.guard import can, require
from folio.books.models import Book
from folio.commerce.listing import page_of
from folio.commerce.records import record_in_book
from folio.errors import Conflict, Forbidden, ValidationError
from folio.ledger.models import Account
from folio.ledger.service import EntryInput, LineInput, create_entry
from folio.money import decimal_str, from_minor
from folio.parties.models import Party
from folio.purchases import attachments
from folio.purchases.bills import currency_of, day_in_range, project, text, vat_account
from folio.purchases.models import Attachment, ClaimStatus, Expense, ExpenseClaim
from folio.sales import lookups
from folio.tax.calc import vat_for_line
from folio.tax.models import TaxCode, TaxKind

FIELDS = ("claim_id", "date", "payee", "vendor_id", "account_id", "paid_from_id", "amount",
          "tax_code_id", "net", "tax", "description", "project_id", "entry_id")


@dataclass
class ExpenseInput:
    date: date
    payee: str
    account: str  # the expense (or asset) account's code
    amount: Decimal  # what was paid, tax included
    description: str
    tax_code: str | None = None  # a VAT code, e.g. PPN-IN: splits out input VAT
    project_id: int | None = None
    vendor_id: int | None = None
    paid_from: str | None = None  # the bank or cash account (direct expenses only)
    currency: str | None = None


def build_expense(session: Session, book: Book, data: ExpenseInput, errors: lookups.Errors,
                  at: str = "") -> Expense:
    """A validated, unsaved expense with its tax split; field errors collect in ``errors``."""
    currency = currency_of(book, data.currency, errors)
    day_in_range(errors, f"{at}date", data.date)
    payee = text(errors, f"{at}payee", data.payee, 200)
    if not payee:
        lookups.error(errors, f"{at}payee", "who was paid is required")
    description = text(errors, f"{at}description", data.description, 500)
    if not description:
        lookups.error(errors, f"{at}description", "a description is required")
    account = lookups.account(session, book, data.account, f"{at}account", errors,
                              types=("expense", "asset"))
    before = len(errors)
    amount = lookups.minor(data.amount, currency, f"{at}amount", errors)
    if amount <= 0 and len(errors) == before:
        lookups.error(errors, f"{at}amount", "an amount above zero")
    code = lookups.tax_code(session, book, data.tax_code or None, f"{at}tax_code", errors,
                            TaxKind.VAT)
    linked = project(session, book, data.project_id, errors)
    vendor_id = None
    if data.vendor_id is not None:
        party = session.scalar(select(Party).where(Party.book_id == book.id,
                                                   Party.id == data.vendor_id)) \
            if 0 < data.vendor_id < 2**63 else None
        if party is None:
            lookups.error(errors, f"{at}vendor_id", f"no party {data.vendor_id} in this book")
        else:
            vendor_id = party.id
    net, tax = amount, 0
    if code is not None and amount > 0:
        split = vat_for_line(from_minor(amount, currency), code, currency,
                             prices_include_tax=True)
        tax = lookups.minor(split.tax, currency, f"{at}amount", errors)
        net = amount - tax
    actor = actor_of(session)
    return Expense(book_id=book.id, date=data.date, payee=payee or "", vendor_id=vendor_id,
                   account_id=account.id if account else 0, currency=currency, amount=amount,
                   tax_code_id=code.id if code else None, net=net, tax=tax,
                   description=description or "", project_id=linked.id if linked else None,
                   created_by_id=actor.user_id)


def expense_lines(session: Session, book: Book, expense: Expense, memo: str | None
                  ) -> list[tuple[str, int]]:
    """The debit side of an expense: the account (net) and input VAT."""
    lines = [(session.get_one(Account, expense.account_id).code, expense.net)]
    if expense.tax:
        code = session.get(TaxCode, expense.tax_code_id) if expense.tax_code_id else None
        lines.append((vat_account(session, book, code).code, expense.tax))
    return lines


def expense_snapshot(expense: Expense) -> dict[str, object]:
    return snapshot(expense, FIELDS)


def record_expense(session: Session, book: Book, data: ExpenseInput) -> Expense:
    """An expense paid at once from a bank or cash account, posted as it is saved."""
    require(session, book, "payment.record")
    errors: lookups.Errors = []
    expense = build_expense(session, book, data, errors)
    if data.paid_from is None:
        lookups.error(errors, "paid_from", "the bank or cash account it was paid from "
                                           "(or submit it in an expense claim)")
    bank = lookups.account(session, book, data.paid_from, "paid_from", errors,
                           types=("asset",))
    if errors:
        raise ValidationError("The expense has errors" if len(errors) > 1
                              else errors[0]["message"], errors=errors)
    assert bank is not None
    cur = expense.currency
    debits = expense_lines(session, book, expense, expense.description[:500])
    entry = create_entry(session, book, EntryInput(
        date=expense.date, description=f"{expense.payee}: {expense.description}"[:500],
        party=expense.payee,
        lines=[*(LineInput(code, from_minor(units, cur), memo=expense.description)
                 for code, units in debits if units),
               LineInput(bank.code, from_minor(-expense.amount, cur),
                         memo=expense.description)]), post=True)
    expense.paid_from_id = bank.id
    expense.entry_id = entry.id
    session.add(expense)
    session.flush()
    audit.record(session, "create", "expense", expense.id, book=book,
                 after=expense_snapshot(expense),
                 summary=f"Expense {decimal_str(expense.amount, cur)} to {expense.payee}")
    return expense


def get_expense(session: Session, book: Book, expense_id: int) -> Expense:
    require(session, book, "report.read")
    return record_in_book(session, book, Expense, expense_id, noun="expense", field="expense")


def list_expenses(session: Session, book: Book, *, kind: str | None = None,
                  claim_id: int | None = None, project_id: int | None = None,
                  start: date | None = None, end: date | None = None,
                  page: int = 1, page_size: int = 50) -> tuple[list[Expense], int]:
    """Expenses newest first; ``kind`` direct (paid from an account) or claim."""
    require(session, book, "report.read")
    query = select(Expense).where(Expense.book_id == book.id)
    if kind == "direct":
        query = query.where(Expense.claim_id.is_(None))
    elif kind == "claim":
        query = query.where(Expense.claim_id.is_not(None))
    if claim_id is not None:
        query = query.where(Expense.claim_id == claim_id)
    if project_id is not None:
        query = query.where(Expense.project_id == project_id)
    if start is not None:
        query = query.where(Expense.date >= start)
    if end is not None:
        query = query.where(Expense.date <= end)
    return page_of(session, query, order_by=(Expense.date.desc(), Expense.id.desc()),
                   page=page, page_size=page_size)


def attach_receipt(session: Session, book: Book, expense: Expense, stream: BinaryIO,
                   filename: str | None) -> Attachment:
    """Keep a receipt with an expense.

    Bookkeepers attach to any expense; a member who submits claims attaches to the items
    of their own claim while it is a draft or awaits approval.
    """
    if not can(session, book, "payment.record"):
        require(session, book, "expense.submit")
        claim = session.get(ExpenseClaim, expense.claim_id) if expense.claim_id else None
        if claim is None or claim.claimant_id != actor_of(session).user_id:
            raise Forbidden("Only the claimant or a bookkeeper may add receipts here")
        if claim.status not in (ClaimStatus.DRAFT.value, ClaimStatus.SUBMITTED.value):
            raise Conflict(f"The claim is {claim.status}; receipts can no longer be added")
    return attachments.store(session, book, "expense", expense.id, stream, filename)
