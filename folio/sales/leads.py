"""The lead pipeline: record prospects, move them through the open stages, win or lose them.

Open stages (new, contacted, qualified) move freely; won and lost are final. Winning a lead
makes its company a customer (a new party, or an existing one linked) and can start a draft
quotation for it; the lead keeps links to both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.audit.service import snapshot
from folio.auth.guard import require
from folio.auth.models import Membership, User
from folio.books.models import Book
from folio.clock import today
from folio.commerce.listing import contains, like_pattern, page_of
from folio.commerce.records import MAX_ID, record_in_book
from folio.errors import Conflict, ValidationError
from folio.ledger.periods import FIRST_DAY, LAST_DAY
from folio.money import from_minor
from folio.parties.models import Party
from folio.parties.service import EMAIL_RE, PartyInput, create_party, input_of, update_party
from folio.sales import lookups
from folio.sales.invoices import InvoiceLineInput
from folio.sales.leads_models import OPEN_STAGES, STAGES, Lead, LeadStage
from folio.sales.quotation_models import Quotation
from folio.sales.quotations import QuotationInput, create_quotation

FIELDS = ("company", "contact_name", "email", "phone", "source", "estimated_value", "stage",
          "lost_reason", "owner_id", "notes", "next_follow_up", "party_id", "quotation_id",
          "closed_on")


@dataclass
class LeadInput:
    company: str
    contact_name: str | None = None
    email: str | None = None
    phone: str | None = None
    source: str | None = None  # e.g. referral, website, event
    estimated_value: Decimal = Decimal(0)
    stage: str = LeadStage.NEW.value  # an open stage; won and lost have their own actions
    owner_id: int | None = None  # a member of the book
    notes: str | None = None
    next_follow_up: date | None = None


@dataclass(frozen=True)
class StageSummary:
    stage: str
    count: int
    value: int


def _text(errors: lookups.Errors, name: str, value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > limit or "\x00" in value:
        lookups.error(errors, name, f"at most {limit} characters")
    return value or None


def _apply(session: Session, book: Book, lead: Lead, data: LeadInput) -> None:
    errors: lookups.Errors = []
    company = _text(errors, "company", data.company, 200)
    if not company:
        lookups.error(errors, "company", "a company or person's name of 1 to 200 characters")
    contact = _text(errors, "contact_name", data.contact_name, 200)
    email = _text(errors, "email", data.email, 254)
    if email is not None and not EMAIL_RE.fullmatch(email):
        lookups.error(errors, "email", "an address like name@example.com")
    phone = _text(errors, "phone", data.phone, 40)
    source = _text(errors, "source", data.source, 100)
    notes = _text(errors, "notes", data.notes, 2000)
    value = lookups.minor(data.estimated_value, book.base_currency, "estimated_value", errors)
    if data.stage not in OPEN_STAGES:
        lookups.error(errors, "stage", f"one of {', '.join(OPEN_STAGES)} (win or lose a lead "
                                       f"with its own action)")
    if data.next_follow_up is not None and not FIRST_DAY <= data.next_follow_up <= LAST_DAY:
        lookups.error(errors, "next_follow_up", f"a date from {FIRST_DAY} to {LAST_DAY}")
    if data.owner_id is not None:
        member = session.scalar(select(Membership.user_id).where(
            Membership.book_id == book.id, Membership.user_id == data.owner_id)) \
            if 0 < data.owner_id < MAX_ID else None
        if member is None:
            lookups.error(errors, "owner_id", f"no member {data.owner_id} of this book")
    if errors:
        raise ValidationError("The lead has errors" if len(errors) > 1
                              else errors[0]["message"], errors=errors)
    assert company is not None
    lead.company, lead.contact_name, lead.email, lead.phone = company, contact, email, phone
    lead.source, lead.notes, lead.estimated_value = source, notes, value
    lead.stage, lead.owner_id, lead.next_follow_up = data.stage, data.owner_id, \
        data.next_follow_up


def _check_open(lead: Lead) -> None:
    if not lead.is_open:
        raise Conflict(f"The lead is {lead.stage}; a won or lost lead no longer changes",
                       field="stage")


def create_lead(session: Session, book: Book, data: LeadInput) -> Lead:
    require(session, book, "party.write")
    lead = Lead(book_id=book.id)
    _apply(session, book, lead, data)
    session.add(lead)
    session.flush()
    audit.record(session, "create", "lead", lead.id, book=book, after=snapshot(lead, FIELDS),
                 summary=f"Lead {lead.company}")
    return lead


def update_lead(session: Session, book: Book, lead: Lead, data: LeadInput) -> Lead:
    require(session, book, "party.write")
    _check_open(lead)
    before = snapshot(lead, FIELDS)
    _apply(session, book, lead, data)
    session.flush()
    audit.record(session, "update", "lead", lead.id, book=book, before=before,
                 after=snapshot(lead, FIELDS), summary=f"Lead {lead.company}")
    return lead


def move_lead(session: Session, book: Book, lead: Lead, stage: str) -> Lead:
    """Move an open lead to another open stage."""
    require(session, book, "party.write")
    _check_open(lead)
    if stage not in OPEN_STAGES:
        raise ValidationError(f"Move a lead to one of {', '.join(OPEN_STAGES)}; win or lose "
                              f"it with its own action", field="stage")
    before = snapshot(lead, FIELDS)
    lead.stage = stage
    session.flush()
    audit.record(session, "update", "lead", lead.id, book=book, before=before,
                 after=snapshot(lead, FIELDS), summary=f"Lead {lead.company} moved to {stage}")
    return lead


def _customer(session: Session, book: Book, lead: Lead, party_id: int | None) -> Party:
    """The party a won lead becomes: the one named, one of the same name, or a new one."""
    if party_id is not None:
        party = session.scalar(select(Party).where(Party.book_id == book.id,
                                                   Party.id == party_id)) \
            if 0 < party_id < MAX_ID else None
        if party is None:
            raise ValidationError(f"No party {party_id} in this book", field="party_id")
    else:
        party = session.scalar(select(Party).where(Party.book_id == book.id,
                                                   Party.name == lead.company))
    if party is None:
        party, _ = create_party(session, book, PartyInput(
            name=lead.company, is_customer=True, email=lead.email, phone=lead.phone))
    elif not party.is_customer:
        update_party(session, party, replace(input_of(session, party), is_customer=True))
    return party


def win_lead(session: Session, book: Book, lead: Lead, *, party_id: int | None = None,
             start_quotation: bool = False) -> Lead:
    """Mark a lead won: link (or create) its customer and optionally a draft quotation."""
    require(session, book, "party.write")
    _check_open(lead)
    before = snapshot(lead, FIELDS)
    party = _customer(session, book, lead, party_id)
    quotation: Quotation | None = None
    if start_quotation:
        quotation = create_quotation(session, book, QuotationInput(
            customer_id=party.id, notes=lead.notes, lines=[InvoiceLineInput(
                description=lead.company, tax_code="",
                unit_price=from_minor(lead.estimated_value, book.base_currency))]))
    lead.stage, lead.closed_on, lead.lost_reason = LeadStage.WON.value, today(), None
    lead.party_id = party.id
    lead.quotation_id = quotation.id if quotation else None
    session.flush()
    audit.record(session, "update", "lead", lead.id, book=book, before=before,
                 after=snapshot(lead, FIELDS), summary=f"Lead {lead.company} won")
    return lead


def lose_lead(session: Session, book: Book, lead: Lead, reason: str) -> Lead:
    """Mark a lead lost, saying why."""
    require(session, book, "party.write")
    _check_open(lead)
    errors: lookups.Errors = []
    text = _text(errors, "lost_reason", reason, 500)
    if not text and not errors:
        lookups.error(errors, "lost_reason", "say why the lead was lost")
    if errors:
        raise ValidationError(errors[0]["message"], errors=errors)
    before = snapshot(lead, FIELDS)
    lead.stage, lead.closed_on, lead.lost_reason = LeadStage.LOST.value, today(), text
    session.flush()
    audit.record(session, "update", "lead", lead.id, book=book, before=before,
                 after=snapshot(lead, FIELDS), summary=f"Lead {lead.company} lost")
    return lead


def delete_lead(session: Session, book: Book, lead: Lead) -> None:
    require(session, book, "party.write")
    audit.record(session, "delete", "lead", lead.id, book=book,
                 before=snapshot(lead, FIELDS), summary=f"Lead {lead.company}")
    session.delete(lead)
    session.flush()


def get_lead(session: Session, book: Book, lead_id: int) -> Lead:
    require(session, book, "report.read")
    return record_in_book(session, book, Lead, lead_id, noun="lead", field="lead")


def list_leads(session: Session, book: Book, *, stage: str | None = None,
               owner_id: int | None = None, search: str | None = None,
               follow_up_by: date | None = None, page: int = 1, page_size: int = 50
               ) -> tuple[list[Lead], int]:
    """One page of leads (next follow-up first, then newest) and how many match."""
    require(session, book, "report.read")
    if stage is not None and stage not in STAGES:
        raise ValidationError(f"A stage is one of {', '.join(STAGES)}", field="stage")
    query = select(Lead).where(Lead.book_id == book.id)
    if stage is not None:
        query = query.where(Lead.stage == stage)
    if owner_id is not None:
        query = query.where(Lead.owner_id == owner_id)
    if follow_up_by is not None:
        query = query.where(Lead.next_follow_up <= follow_up_by)
    like = like_pattern(search)
    if like is not None:
        query = query.where(or_(contains(Lead.company, like), contains(Lead.contact_name, like),
                                contains(Lead.email, like)))
    return page_of(session, query, order_by=[Lead.next_follow_up.is_(None),
                                             Lead.next_follow_up, Lead.id.desc()],
                   page=page, page_size=page_size)


def pipeline(session: Session, book: Book) -> list[StageSummary]:
    """How many leads and how much estimated value sit in each stage."""
    require(session, book, "report.read")
    rows = {stage: (int(count), int(value or 0)) for stage, count, value in session.execute(
        select(Lead.stage, func.count(), func.sum(Lead.estimated_value))
        .where(Lead.book_id == book.id).group_by(Lead.stage))}
    return [StageSummary(stage, *rows.get(stage, (0, 0))) for stage in STAGES]


def owners(session: Session, book: Book, ids: Sequence[int | None]) -> dict[int, str]:
    """Display names of the users who own leads, by id."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(User.id, User.display_name)
                                .where(User.id.in_(wanted))).all())
