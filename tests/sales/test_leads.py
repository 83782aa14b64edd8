"""The lead pipeline: stages, winning into a customer and a draft quotation, losing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.audit.models import AuditEvent
from folio.auth.roles import Role
from folio.books.models import Book
from folio.errors import Conflict, Forbidden, ValidationError
from folio.parties.models import Party
from folio.parties.service import PartyInput, create_party
from folio.sales.leads import (
    LeadInput,
    create_lead,
    list_leads,
    lose_lead,
    move_lead,
    pipeline,
    update_lead,
    win_lead,
)
from folio.sales.leads_models import Lead
from folio.sales.quotation_models import Quotation
from tests.conftest import OWNER, ensure_member


def lead(session: Session, book: Book, company: str = "PT Calon Klien", **extra: object
         ) -> Lead:
    made = create_lead(session, book, LeadInput(company=company, contact_name="Ibu Sari",
                                                email="sari@calon.test", **extra))  # type: ignore[arg-type]
    session.commit()
    return made


def parties(session: Session, book: Book) -> int:
    return session.scalar(select(func.count()).select_from(Party)
                          .where(Party.book_id == book.id)) or 0


def test_it_records_a_lead_with_an_owner_and_moves_it_through_open_stages(
        session: Session, studio: Book) -> None:
    owner = ensure_member(session, studio, OWNER, "owner")
    made = lead(session, studio, estimated_value=Decimal(25_000_000), owner_id=owner.id,
                source="referral")
    assert (made.stage, made.estimated_value, made.owner_id) == ("new", 25_000_000, owner.id)
    move_lead(session, studio, made, "qualified")
    move_lead(session, studio, made, "contacted")
    assert made.stage == "contacted"
    events = session.scalars(select(AuditEvent.summary).where(
        AuditEvent.object_type == "lead")).all()
    assert "Lead PT Calon Klien moved to qualified" in events


def test_winning_makes_exactly_one_customer_and_one_draft_quotation(
        session: Session, studio: Book) -> None:
    made = lead(session, studio, estimated_value=Decimal(12_500_000))
    before = parties(session, studio)
    win_lead(session, studio, made, start_quotation=True)
    session.commit()
    assert parties(session, studio) == before + 1
    customer = session.get_one(Party, made.party_id)
    assert (customer.name, customer.is_customer, customer.email) == (
        "PT Calon Klien", True, "sari@calon.test")
    quotations = session.scalars(select(Quotation).where(Quotation.book_id == studio.id)).all()
    assert [(q.id, q.status, q.customer_id, q.total) for q in quotations] == [
        (made.quotation_id, "draft", customer.id, 12_500_000)]
    assert made.stage == "won"
    assert made.closed_on is not None


def test_winning_links_an_existing_party_of_the_same_name_and_makes_it_a_customer(
        session: Session, studio: Book) -> None:
    vendor, _ = create_party(session, studio, PartyInput(name="PT Calon Klien", is_vendor=True))
    made = lead(session, studio)
    before = parties(session, studio)
    win_lead(session, studio, made)
    assert parties(session, studio) == before
    assert made.party_id == vendor.id
    assert vendor.is_customer
    assert vendor.is_vendor
    assert made.quotation_id is None


def test_a_won_or_lost_lead_cannot_move_or_be_won_again(session: Session,
                                                        studio: Book) -> None:
    lost = lose_lead(session, studio, lead(session, studio), "Chose a cheaper agency")
    assert lost.lost_reason == "Chose a cheaper agency"
    before = parties(session, studio)
    with pytest.raises(Conflict):
        win_lead(session, studio, lost)
    with pytest.raises(Conflict):
        move_lead(session, studio, lost, "new")
    with pytest.raises(Conflict):
        update_lead(session, studio, lost, LeadInput(company="Renamed"))
    assert parties(session, studio) == before


@pytest.mark.parametrize(("data", "field"), [
    ({"company": " "}, "company"),
    ({"company": "X", "email": "not-an-address"}, "email"),
    ({"company": "X", "stage": "won"}, "stage"),
    ({"company": "X", "estimated_value": Decimal(-1)}, "estimated_value"),
    ({"company": "X", "owner_id": 999_999}, "owner_id"),
    ({"company": "X" * 201}, "company"),
])
def test_bad_leads_are_refused_naming_the_field(session: Session, studio: Book,
                                                data: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        create_lead(session, studio, LeadInput(**data))  # type: ignore[arg-type]
    assert field in [e["field"] for e in caught.value.errors]
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Lead)) == 0


def test_losing_needs_a_reason_and_moving_needs_an_open_stage(session: Session,
                                                              studio: Book) -> None:
    made = lead(session, studio)
    with pytest.raises(ValidationError):
        lose_lead(session, studio, made, "  ")
    with pytest.raises(ValidationError):
        move_lead(session, studio, made, "won")
    with pytest.raises(ValidationError):
        win_lead(session, studio, made, party_id=999_999)
    assert made.stage == "new"


def test_the_pipeline_counts_and_values_each_stage(session: Session, studio: Book) -> None:
    lead(session, studio, "A", estimated_value=Decimal(1_000_000))
    lead(session, studio, "Bravo", estimated_value=Decimal(2_000_000))
    qualified = lead(session, studio, "C", estimated_value=Decimal(4_000_000))
    move_lead(session, studio, qualified, "qualified")
    lose_lead(session, studio, lead(session, studio, "D", estimated_value=Decimal(8)), "No")
    summary = {s.stage: (s.count, s.value) for s in pipeline(session, studio)}
    assert summary == {"new": (2, 3_000_000), "contacted": (0, 0),
                       "qualified": (1, 4_000_000), "won": (0, 0), "lost": (1, 8)}
    found, total = list_leads(session, studio, search="rav")
    assert total == 1
    assert found[0].company == "Bravo"
    assert list_leads(session, studio, stage="lost")[1] == 1


def test_a_viewer_reads_the_pipeline_but_cannot_add_or_win_leads(
        engine: Engine, session: Session, studio: Book) -> None:
    from tests.sales.test_permissions import member_session

    made = lead(session, studio)
    viewers = member_session(engine, session, studio, "vera@example.com", Role.viewer)
    viewer = next(viewers)
    viewer_book = viewer.get_one(Book, studio.id)
    assert pipeline(viewer, viewer_book)[0].count == 1
    with pytest.raises(Forbidden):
        create_lead(viewer, viewer_book, LeadInput(company="Not allowed"))
    with pytest.raises(Forbidden):
        win_lead(viewer, viewer_book, viewer.get_one(Lead, made.id))
    next(viewers, None)  # rolls back and closes the viewer's session
