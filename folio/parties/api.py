"""JSON API of parties: the contact people of a customer or vendor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, ConfigDict, StringConstraints

from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.parties.models import PartyContact
from folio.parties.service import (
    ContactInput,
    add_contact,
    get_contact,
    get_party,
    list_contacts,
    remove_contact,
    update_contact,
)

router = APIRouter(prefix="/books/{slug}/parties/{party_id}/contacts", tags=["parties"])
PartyId = Annotated[int, Path(ge=1, lt=2**63)]
ContactId = Annotated[int, Path(ge=1, lt=2**63)]


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    email: Annotated[str, StringConstraints(max_length=254)] | None = None
    phone: Annotated[str, StringConstraints(max_length=40)] | None = None
    role: Annotated[str, StringConstraints(max_length=100)] | None = None
    is_primary: bool = False


class ContactOut(BaseModel):
    id: int
    party_id: int
    name: str
    email: str | None
    phone: str | None
    role: str | None
    is_primary: bool


def _out(contact: PartyContact) -> ContactOut:
    return ContactOut(id=contact.id, party_id=contact.party_id, name=contact.name,
                      email=contact.email, phone=contact.phone, role=contact.role,
                      is_primary=contact.is_primary)


@router.get("", response_model=list[ContactOut])
def get_contacts(party_id: PartyId, book: BookDep, session: SessionDep) -> list[ContactOut]:
    """A party's contact people, the primary one first."""
    return [_out(c) for c in list_contacts(session, get_party(session, book, party_id))]


@router.post("", response_model=ContactOut, status_code=201)
def post_contact(party_id: PartyId, data: ContactIn, book: WriteBookDep,
                 session: WriteSessionDep) -> ContactOut:
    """Add a contact person; ``is_primary`` makes them the one documents are emailed to."""
    contact = add_contact(session, get_party(session, book, party_id),
                          ContactInput(**data.model_dump()))
    session.commit()
    return _out(contact)


@router.put("/{contact_id}", response_model=ContactOut)
def put_contact(party_id: PartyId, contact_id: ContactId, data: ContactIn,
                book: WriteBookDep, session: WriteSessionDep) -> ContactOut:
    party = get_party(session, book, party_id)
    contact = update_contact(session, get_contact(session, party, contact_id),
                             ContactInput(**data.model_dump()))
    session.commit()
    return _out(contact)


@router.delete("/{contact_id}", status_code=204, response_class=Response)
def delete_contact(party_id: PartyId, contact_id: ContactId, book: WriteBookDep,
                   session: WriteSessionDep) -> Response:
    party = get_party(session, book, party_id)
    remove_contact(session, get_contact(session, party, contact_id))
    session.commit()
    return Response(status_code=204)
