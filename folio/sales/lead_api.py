"""JSON API of the lead pipeline: leads CRUD, moving between stages, winning and losing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from folio.books.models import Book
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.idempotency import IdempotencyKey, idempotent
from folio.money import decimal_str
from folio.sales import leads
from folio.sales.leads_models import Lead

router = APIRouter(prefix="/books/{slug}/leads", tags=["leads"])
LeadId = Annotated[int, Path(ge=1, le=2**63 - 1)]
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
Text200 = Annotated[str, StringConstraints(max_length=200)]
OpenStage = Literal["new", "contacted", "qualified"]
Stage = Literal["new", "contacted", "qualified", "won", "lost"]


class LeadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    company: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    contact_name: Text200 | None = None
    email: Annotated[str, StringConstraints(max_length=254)] | None = None
    phone: Annotated[str, StringConstraints(max_length=40)] | None = None
    source: Annotated[str, StringConstraints(max_length=100)] | None = None
    estimated_value: Annotated[Decimal, Field(ge=0, max_digits=20, allow_inf_nan=False,
                                              examples=["25000000"])] = Decimal(0)
    stage: OpenStage = "new"
    owner_id: Id | None = None
    notes: Annotated[str, StringConstraints(max_length=2000)] | None = None
    next_follow_up: dt.date | None = None


class LeadOut(BaseModel):
    id: int
    company: str
    contact_name: str | None
    email: str | None
    phone: str | None
    source: str | None
    estimated_value: str
    stage: str
    lost_reason: str | None
    owner_id: int | None
    notes: str | None
    next_follow_up: dt.date | None
    party_id: int | None
    quotation_id: int | None
    closed_on: dt.date | None


class LeadPage(BaseModel):
    items: list[LeadOut]
    page: int
    pages: int
    total: int


class MoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    stage: OpenStage


class WinIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    party_id: Id | None = None  # link this party; None: one of the lead's name, or a new one
    start_quotation: bool = False


class LoseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, StringConstraints(min_length=1, max_length=500)]


class StageOut(BaseModel):
    stage: str
    count: int
    value: str


def lead_out(book: Book, lead: Lead) -> LeadOut:
    return LeadOut(
        id=lead.id, company=lead.company, contact_name=lead.contact_name, email=lead.email,
        phone=lead.phone, source=lead.source,
        estimated_value=decimal_str(lead.estimated_value, book.base_currency),
        stage=lead.stage, lost_reason=lead.lost_reason, owner_id=lead.owner_id,
        notes=lead.notes, next_follow_up=lead.next_follow_up, party_id=lead.party_id,
        quotation_id=lead.quotation_id, closed_on=lead.closed_on)


def _input(data: LeadIn) -> leads.LeadInput:
    return leads.LeadInput(**data.model_dump())


@router.get("", response_model=LeadPage)
def get_leads(book: BookDep, session: SessionDep, stage: Stage | None = None,
              owner_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
              q: Annotated[str | None, Query(max_length=100)] = None,
              page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
              page_size: Annotated[int, Query(ge=1, le=500)] = 50) -> LeadPage:
    """Leads, next follow-up first; filter by stage, owner, or text in the names or email."""
    found, total = leads.list_leads(session, book, stage=stage, owner_id=owner_id, search=q,
                                    page=page, page_size=page_size)
    return LeadPage(items=[lead_out(book, lead) for lead in found], page=page,
                    pages=max(1, -(-total // page_size)), total=total)


@router.get("/pipeline", response_model=list[StageOut])
def get_pipeline(book: BookDep, session: SessionDep) -> list[StageOut]:
    """How many leads and how much estimated value each stage holds."""
    return [StageOut(stage=s.stage, count=s.count, value=decimal_str(s.value, book.base_currency))
            for s in leads.pipeline(session, book)]


@router.post("", response_model=LeadOut, status_code=201)
def post_lead(data: LeadIn, request: Request, book: WriteBookDep, session: WriteSessionDep,
              key: IdempotencyKey = None) -> Response:
    def run() -> tuple[int, Any]:
        lead = leads.create_lead(session, book, _input(data))
        return 201, lead_out(book, lead).model_dump(mode="json")
    return idempotent(request, session, key, data.model_dump(mode="json"), run)


@router.get("/{lead_id}", response_model=LeadOut)
def get_one_lead(lead_id: LeadId, book: BookDep, session: SessionDep) -> LeadOut:
    return lead_out(book, leads.get_lead(session, book, lead_id))


@router.put("/{lead_id}", response_model=LeadOut)
def put_lead(lead_id: LeadId, data: LeadIn, book: WriteBookDep,
             session: WriteSessionDep) -> LeadOut:
    lead = leads.update_lead(session, book, leads.get_lead(session, book, lead_id),
                             _input(data))
    session.commit()
    return lead_out(book, lead)


@router.delete("/{lead_id}", status_code=204)
def delete_lead(lead_id: LeadId, book: WriteBookDep, session: WriteSessionDep) -> Response:
    leads.delete_lead(session, book, leads.get_lead(session, book, lead_id))
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{lead_id}/move", response_model=LeadOut)
def post_move(lead_id: LeadId, data: MoveIn, book: WriteBookDep,
              session: WriteSessionDep) -> LeadOut:
    """Move an open lead to another open stage."""
    lead = leads.move_lead(session, book, leads.get_lead(session, book, lead_id), data.stage)
    session.commit()
    return lead_out(book, lead)


@router.post("/{lead_id}/win", response_model=LeadOut)
def post_win(lead_id: LeadId, request: Request, book: WriteBookDep, session: WriteSessionDep,
             data: WinIn | None = None, key: IdempotencyKey = None) -> Response:
    """Mark the lead won: its customer party is linked or created, and with
    ``start_quotation`` a draft quotation is started for it."""
    body = data or WinIn()

    def run() -> tuple[int, Any]:
        lead = leads.win_lead(session, book, leads.get_lead(session, book, lead_id),
                              party_id=body.party_id, start_quotation=body.start_quotation)
        return 200, lead_out(book, lead).model_dump(mode="json")
    return idempotent(request, session, key, {"lead": lead_id, **body.model_dump()}, run)


@router.post("/{lead_id}/lose", response_model=LeadOut)
def post_lose(lead_id: LeadId, data: LoseIn, book: WriteBookDep,
              session: WriteSessionDep) -> LeadOut:
    """Mark the lead lost, with the reason."""
    lead = leads.lose_lead(session, book, leads.get_lead(session, book, lead_id), data.reason)
    session.commit()
    return lead_out(book, lead)
