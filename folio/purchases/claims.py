"""Expense claims: a member submits what they paid out of pocket, an owner or admin
approves (or rejects, with a reason), and we reimburse them later.

Approval posts Dr expense (net) / Dr input VAT / Cr accruals: the id-psak and generic charts
have no separate employee-reimbursement account, so what we owe the claimant is an accrued
liability (role ``accruals``, 2202 Beban Masih Harus Dibayar). Reimbursing posts Dr accruals
/ Cr bank. Four eyes: nobody approves their own claim, whatever their role.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from folio.audit import service as audit
from folio.audit.service import snapshot
from folio.auth.actor import actor_of
from folio.auth.guard import require
from folio.books.models import Book
from folio.commerce.listing import page_of
from folio.commerce.records import record_in_book
from folio.errors import Conflict, Forbidden, ValidationError
from folio.ledger.service import EntryInput, LineInput, create_entry
from folio.money import decimal_str, from_minor
from folio.purchases.bills import day_in_range, text
from folio.purchases.expenses import ExpenseInput, build_expense, expense_lines
from folio.purchases.models import ClaimStatus, ExpenseClaim
from folio.sales import lookups

MAX_ITEMS = 200
FIELDS = ("claimant_id", "claimant", "title", "status", "total", "amount_paid",
          "decided_by", "reject_reason", "entry_id")
OPEN = (ClaimStatus.APPROVED.value, ClaimStatus.PARTIALLY_PAID.value)


@dataclass
class ClaimInput:
    title: str
    items: Sequence[ExpenseInput]
    submit: bool = False  # submit at once instead of saving a draft


def claim_snapshot(claim: ExpenseClaim) -> dict[str, object]:
    return snapshot(claim, FIELDS)


def _label(session: Session) -> tuple[int | None, str]:
    actor = actor_of(session)
    return actor.user_id, actor.label[:200]


def create_claim(session: Session, book: Book, data: ClaimInput) -> ExpenseClaim:
    """A claim of the signed-in member, with its expense items (receipts follow)."""
    require(session, book, "expense.submit")
    errors: lookups.Errors = []
    title = text(errors, "title", data.title, 200)
    if not title:
        lookups.error(errors, "title", "a title is required")
    if not data.items:
        lookups.error(errors, "items", "a claim needs at least one expense")
    if len(data.items) > MAX_ITEMS:
        lookups.error(errors, "items", f"at most {MAX_ITEMS} expenses")
        data.items = []
    for n, item in enumerate(data.items):
        if item.paid_from is not None:
            lookups.error(errors, f"items[{n}].paid_from",
                          "a claimed expense was paid by the claimant, not from an account")
    items = [build_expense(session, book, item, errors, at=f"items[{n}].")
             for n, item in enumerate(data.items)]
    if errors:
        raise ValidationError("The claim has errors" if len(errors) > 1
                              else errors[0]["message"], errors=errors)
    user_id, label = _label(session)
    claim = ExpenseClaim(book_id=book.id, claimant_id=user_id, claimant=label,
                         title=title or "", status=ClaimStatus.DRAFT.value,
                         currency=book.base_currency, total=sum(i.amount for i in items))
    claim.items.extend(items)
    session.add(claim)
    session.flush()
    audit.record(session, "create", "expense_claim", claim.id, book=book,
                 after=claim_snapshot(claim),
                 summary=f"Expense claim {title} ({decimal_str(claim.total, claim.currency)})")
    if data.submit:
        submit_claim(session, book, claim)
    return claim


def submit_claim(session: Session, book: Book, claim: ExpenseClaim) -> ExpenseClaim:
    require(session, book, "expense.submit")
    user_id, _ = _label(session)
    if user_id is not None and claim.claimant_id != user_id:
        raise Forbidden("Only the claimant submits a claim")
    if claim.status != ClaimStatus.DRAFT.value:
        raise Conflict(f"The claim is already {claim.status}")
    before = claim_snapshot(claim)
    claim.status = ClaimStatus.SUBMITTED.value
    claim.submitted_at = datetime.now(UTC)
    session.flush()
    audit.record(session, "update", "expense_claim", claim.id, book=book, before=before,
                 after=claim_snapshot(claim), summary=f"Expense claim {claim.title} submitted")
    return claim


def _decide(session: Session, book: Book, claim: ExpenseClaim, verb: str) -> None:
    require(session, book, "expense.approve")
    if claim.status != ClaimStatus.SUBMITTED.value:
        raise Conflict(f"Only a submitted claim can be {verb}d; this one is {claim.status}")
    user_id, label = _label(session)
    if user_id is not None and claim.claimant_id == user_id:
        raise Forbidden(f"You cannot {verb} your own claim; another owner or admin must")
    claim.decided_by_id, claim.decided_by = user_id, label
    claim.decided_at = datetime.now(UTC)


def approve_claim(session: Session, book: Book, claim: ExpenseClaim) -> ExpenseClaim:
    """Post the claim: its expenses, and what we owe the claimant."""
    _decide(session, book, claim, "approve")
    before = claim_snapshot(claim)
    cur = claim.currency
    debits: dict[str, int] = defaultdict(int)
    for item in claim.items:
        for code, units in expense_lines(session, book, item, item.description):
            debits[code] += units
    owed = lookups.role_account(session, book, "accruals", "accrued liabilities (claims)")
    day = max(item.date for item in claim.items)
    entry = create_entry(session, book, EntryInput(
        date=day, description=f"Expense claim {claim.id}: {claim.title} ({claim.claimant})"[:500],
        party=claim.claimant, reference=f"CLAIM-{claim.id}",
        external_id=f"expense_claim:{claim.id}",
        lines=[*(LineInput(code, from_minor(units, cur), memo=claim.title)
                 for code, units in debits.items() if units),
               LineInput(owed.code, from_minor(-claim.total, cur), memo=claim.title)]),
        post=True)
    claim.entry_id = entry.id
    for item in claim.items:
        item.entry_id = entry.id
    claim.status = ClaimStatus.APPROVED.value
    session.flush()
    audit.record(session, "approve", "expense_claim", claim.id, book=book, before=before,
                 after=claim_snapshot(claim),
                 summary=f"Expense claim {claim.title} approved "
                         f"({decimal_str(claim.total, cur)} to {claim.claimant})")
    return claim


def reject_claim(session: Session, book: Book, claim: ExpenseClaim,
                 reason: str | None) -> ExpenseClaim:
    errors: lookups.Errors = []
    clean = text(errors, "reason", reason, 500)
    if not clean and not errors:
        lookups.error(errors, "reason", "say why the claim is rejected")
    if errors:
        raise ValidationError(errors[0]["message"], errors=errors)
    _decide(session, book, claim, "reject")
    before = claim_snapshot(claim)
    claim.status = ClaimStatus.REJECTED.value
    claim.reject_reason = clean
    session.flush()
    audit.record(session, "reject", "expense_claim", claim.id, book=book, before=before,
                 after=claim_snapshot(claim),
                 summary=f"Expense claim {claim.title} rejected: {clean}")
    return claim


def reimburse_claim(session: Session, book: Book, claim: ExpenseClaim, *, on: date,
                    account: str, amount: Decimal | None = None,
                    reference: str | None = None) -> ExpenseClaim:
    """Pay the claimant back (all that is due unless ``amount``) from a bank or cash account."""
    require(session, book, "payment.record")
    if claim.status not in OPEN:
        raise Conflict(f"Only an approved claim is reimbursed; this one is {claim.status}")
    errors: lookups.Errors = []
    day_in_range(errors, "date", on)
    bank = lookups.account(session, book, account, "account", errors, types=("asset",))
    units = lookups.minor(amount, claim.currency, "amount", errors) if amount is not None \
        else claim.amount_due
    ref = text(errors, "reference", reference, 100)
    if not errors and units <= 0:
        lookups.error(errors, "amount", "an amount above zero")
    if not errors and units > claim.amount_due:
        lookups.error(errors, "amount", f"only {decimal_str(claim.amount_due, claim.currency)} "
                                        f"is still owed on this claim")
    if errors:
        raise ValidationError(errors[0]["message"], errors=errors)
    assert bank is not None
    owed = lookups.role_account(session, book, "accruals", "accrued liabilities (claims)")
    value = from_minor(units, claim.currency)
    create_entry(session, book, EntryInput(
        date=on, description=f"Reimbursement of expense claim {claim.id} ({claim.claimant})"
                             [:500],
        party=claim.claimant, reference=ref or f"CLAIM-{claim.id}",
        lines=[LineInput(owed.code, value, memo=claim.title),
               LineInput(bank.code, -value, memo=claim.title)]), post=True)
    before = claim_snapshot(claim)
    claim.amount_paid += units
    claim.status = (ClaimStatus.PAID.value if claim.amount_due <= 0
                    else ClaimStatus.PARTIALLY_PAID.value)
    session.flush()
    audit.record(session, "pay", "expense_claim", claim.id, book=book, before=before,
                 after=claim_snapshot(claim),
                 summary=f"Reimbursed {decimal_str(units, claim.currency)} to {claim.claimant}")
    return claim


def get_claim(session: Session, book: Book, claim_id: int, *,
              for_update: bool = False) -> ExpenseClaim:
    require(session, book, "report.read")
    return record_in_book(session, book, ExpenseClaim, claim_id, noun="expense claim",
                          field="claim", for_update=for_update)


def list_claims(session: Session, book: Book, *, status: str | None = None,
                mine: bool = False, page: int = 1,
                page_size: int = 50) -> tuple[list[ExpenseClaim], int]:
    require(session, book, "report.read")
    query = select(ExpenseClaim).where(ExpenseClaim.book_id == book.id)
    if status is not None:
        query = query.where(ExpenseClaim.status == status)
    if mine:
        query = query.where(ExpenseClaim.claimant_id == actor_of(session).user_id)
    return page_of(session, query,
                   order_by=(ExpenseClaim.created_at.desc(), ExpenseClaim.id.desc()),
                   page=page, page_size=page_size, load=(selectinload(ExpenseClaim.items),))
