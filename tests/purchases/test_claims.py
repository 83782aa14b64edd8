"""Expense claims: staff submit, another owner or admin approves (posting) or rejects,
and the claimant is reimbursed later."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.audit.models import AuditEvent
from folio.books.models import Book
from folio.errors import Conflict, Forbidden, ValidationError
from folio.purchases import attachments
from folio.purchases.claims import (
    ClaimInput,
    approve_claim,
    create_claim,
    get_claim,
    reimburse_claim,
    reject_claim,
    submit_claim,
)
from folio.purchases.expenses import ExpenseInput, attach_receipt, get_expense
from tests.purchases.conftest import D, member_session, stored_files, tiny_png
from tests.sales.conftest import balance


def items() -> list[ExpenseInput]:
    return [ExpenseInput(date=date(2026, 3, 3), payee="Grab", account="6207",
                         amount=D(85_000), description="Ride to the shoot"),
            ExpenseInput(date=date(2026, 3, 4), payee="Warung Kopi", account="6206",
                         amount=D(1_110_000), description="Client lunch",
                         tax_code="PPN-IN")]


@pytest.fixture
def staff(engine: Engine, session: Session, studio: Book) -> Iterator[Session]:
    acting = member_session(engine, session, studio, "staff@example.test", "staff")
    yield acting
    acting.rollback()
    acting.close()


@pytest.fixture
def admin(engine: Engine, session: Session, studio: Book) -> Iterator[Session]:
    acting = member_session(engine, session, studio, "admin@example.test", "admin")
    yield acting
    acting.rollback()
    acting.close()


def submitted_by(acting: Session, book_id: int) -> int:
    book = acting.get_one(Book, book_id)
    claim = create_claim(acting, book, ClaimInput(title="Shoot in Bandung", items=items()))
    receipt = attach_receipt(acting, book, claim.items[0], io.BytesIO(tiny_png()), "grab.png")
    assert receipt.uploaded_by == "staff@example.test" or receipt.uploaded_by
    submit_claim(acting, book, claim)
    acting.commit()
    assert (claim.status, claim.total, claim.claimant) == \
        ("submitted", 1_195_000, "staff@example.test")
    claim_id = claim.id
    acting.rollback()  # let go of SQLite's write lock
    return claim_id


def test_staff_submit_and_an_admin_approves_which_posts(
        staff: Session, admin: Session, session: Session, studio: Book) -> None:
    claim_id = submitted_by(staff, studio.id)
    own = staff.get_one(Book, studio.id)
    with pytest.raises(Forbidden):  # staff may not approve claims at all
        approve_claim(staff, own, get_claim(staff, own, claim_id))
    staff.rollback()
    book = admin.get_one(Book, studio.id)
    approved = approve_claim(admin, book, get_claim(admin, book, claim_id))
    admin.commit()
    assert approved.status == "approved"
    assert approved.decided_by == "admin@example.test"
    session.expire_all()
    # Lunch 1.110.000 incl. PPN 11% effective: net 1.000.000 + PPN 110.000; ride 85.000.
    assert balance(session, studio, "6207") == 85_000
    assert balance(session, studio, "6206") == 1_000_000
    assert balance(session, studio, "1401") == 110_000
    assert balance(session, studio, "2202") == -1_195_000  # owed to the claimant
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "expense_claim")).all()
    assert "approve" in actions
    # Reimbursed later in two parts from the bank:
    reimburse_claim(session, studio, get_claim(session, studio, claim_id), on=date(2026, 3, 10),
                    account="1111", amount=D(195_000))
    assert get_claim(session, studio, claim_id).status == "partially_paid"
    done = reimburse_claim(session, studio, get_claim(session, studio, claim_id),
                           on=date(2026, 3, 12), account="1111")
    session.commit()
    assert (done.status, done.amount_due) == ("paid", 0)
    assert balance(session, studio, "2202") == 0
    assert balance(session, studio, "1111") == -1_195_000
    with pytest.raises(Conflict):
        reimburse_claim(session, studio, done, on=date(2026, 3, 13), account="1111")


def test_an_admin_cannot_approve_their_own_claim(admin: Session, session: Session,
                                                 studio: Book) -> None:
    book = admin.get_one(Book, studio.id)
    claim = create_claim(admin, book, ClaimInput(title="My taxi", items=items()[:1],
                                                 submit=True))
    admin.commit()
    claim_id = claim.id
    with pytest.raises(Forbidden, match="your own claim"):
        approve_claim(admin, book, claim)
    admin.rollback()
    assert get_claim(session, studio, claim_id).status == "submitted"
    assert balance(session, studio, "2202") == 0


def test_a_rejection_needs_a_reason_and_posts_nothing(staff: Session, admin: Session,
                                                      session: Session, studio: Book) -> None:
    claim_id = submitted_by(staff, studio.id)
    book = admin.get_one(Book, studio.id)
    with pytest.raises(ValidationError):
        reject_claim(admin, book, get_claim(admin, book, claim_id), "  ")
    rejected = reject_claim(admin, book, get_claim(admin, book, claim_id),
                            "The lunch was not with a client")
    admin.commit()
    assert (rejected.status, rejected.reject_reason) == \
        ("rejected", "The lunch was not with a client")
    with pytest.raises(Conflict):
        approve_claim(admin, book, rejected)
    admin.rollback()
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "reject"))
    assert event is not None
    assert "not with a client" in (event.summary or "")
    assert balance(session, studio, "2202") == 0


def test_staff_add_receipts_only_to_their_own_open_claims(
        staff: Session, admin: Session, studio: Book) -> None:
    claim = create_claim(admin, admin.get_one(Book, studio.id),
                         ClaimInput(title="Admin's", items=items()[:1]))
    admin.commit()
    item_id = claim.items[0].id
    admin.rollback()
    book = staff.get_one(Book, studio.id)
    with pytest.raises(Forbidden):
        attach_receipt(staff, book, get_expense(staff, book, item_id),
                       io.BytesIO(tiny_png()), "x.png")


def test_a_receipt_written_in_a_rolled_back_transaction_is_removed(
        session: Session, studio: Book, data_dir: Path) -> None:
    claim = create_claim(session, studio, ClaimInput(title="Draft", items=items()[:1]))
    attachments.store(session, studio, "expense", claim.items[0].id, io.BytesIO(tiny_png()),
                      "a.png")
    assert len(stored_files(data_dir)) == 1
    session.rollback()
    assert stored_files(data_dir) == []
    kept = create_claim(session, studio, ClaimInput(title="Kept", items=items()[:1]))
    attachments.store(session, studio, "expense", kept.items[0].id, io.BytesIO(tiny_png()),
                      "b.png")
    session.commit()
    session.rollback()
    assert len(stored_files(data_dir)) == 1
