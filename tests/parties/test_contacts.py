"""Contact people of a party: added, changed and removed through the service, the API and
the party's page; one primary at most, whose email invoices go to by default."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.audit.models import AuditEvent
from folio.books.models import Book
from folio.errors import ValidationError
from folio.parties.models import Party, PartyContact
from folio.parties.service import (
    ContactInput,
    add_contact,
    list_contacts,
    remove_contact,
    update_contact,
)
from folio.sales.sending import invoice_draft
from tests.conftest import ensure_member, sign_in_as
from tests.sales.conftest import MakeInvoice
from tests.sales.test_pages import no_inline_script_or_style
from tests.web.page import Page

PAGE = "/books/studio/contacts"
API = "/api/v1/books/studio/parties"


def test_contacts_are_added_changed_and_removed_with_one_primary_at_most(
        session: Session, studio: Book, client_co: Party) -> None:
    budi = add_contact(session, client_co, ContactInput(
        name="  Budi Santoso ", email="budi@klien.example", role="Finance", is_primary=True))
    sari = add_contact(session, client_co, ContactInput(name="Sari", phone="+62 812 1111"))
    session.commit()
    assert [c.name for c in list_contacts(session, client_co)] == ["Budi Santoso", "Sari"]
    update_contact(session, sari, ContactInput(name="Sari Dewi", email="sari@klien.example",
                                               is_primary=True))
    session.commit()
    contacts = list_contacts(session, client_co)
    assert [(c.name, c.is_primary) for c in contacts] == [("Sari Dewi", True),
                                                          ("Budi Santoso", False)]
    remove_contact(session, budi)
    session.commit()
    assert [c.name for c in list_contacts(session, client_co)] == ["Sari Dewi"]
    events = session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "party_contact").order_by(AuditEvent.id)).all()
    assert list(events) == ["create", "create", "update", "delete"]


@pytest.mark.parametrize(("field", "data"), [
    ("name", ContactInput(name="   ")),
    ("name", ContactInput(name="x" * 201)),
    ("email", ContactInput(name="Budi", email="budi at klien")),
    ("email", ContactInput(name="Budi", email="Budi <budi@klien.example>")),
    ("role", ContactInput(name="Budi", role="r" * 101)),
])
def test_a_bad_contact_is_refused_at_its_field(session: Session, studio: Book,
                                               client_co: Party, field: str,
                                               data: ContactInput) -> None:
    with pytest.raises(ValidationError) as refused:
        add_contact(session, client_co, data)
    assert [e["field"] for e in refused.value.errors] == [field]


def test_invoices_go_to_the_primary_contact_by_default(
        session: Session, studio: Book, client_co: Party, make_invoice: MakeInvoice) -> None:
    invoice = make_invoice(issue=True)
    with pytest.raises(ValidationError):  # no email anywhere yet
        invoice_draft(session, studio, invoice)
    add_contact(session, client_co, ContactInput(name="Budi", email="budi@klien.example"))
    client_co.email = "info@klien.example"
    session.commit()
    assert invoice_draft(session, studio, invoice).to == ["info@klien.example"]
    add_contact(session, client_co, ContactInput(name="Sari", email="sari@klien.example",
                                                 is_primary=True))
    session.commit()
    assert invoice_draft(session, studio, invoice).to == ["sari@klien.example"]


def test_the_api_lists_adds_changes_and_removes_contacts(
        client: Any, session: Session, studio: Book, client_co: Party,
        counts: Any) -> None:
    url = f"{API}/{client_co.id}/contacts"
    made = client.post(url, json={"name": "Budi", "email": "budi@klien.example",
                                  "role": "Finance", "is_primary": True})
    assert made.status_code == 201, made.text
    budi = made.json()
    assert budi["is_primary"] is True
    second = client.post(url, json={"name": "Sari", "is_primary": True}).json()
    listed = client.get(url).json()
    assert [(c["name"], c["is_primary"]) for c in listed] == [("Sari", True),
                                                             ("Budi", False)]
    changed = client.put(f"{url}/{budi['id']}", json={"name": "Budi S.", "phone": "021 555"})
    assert changed.status_code == 200
    assert changed.json()["phone"] == "021 555"
    before = counts()
    bad = client.post(url, json={"name": "Eko", "email": "not an address"})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    assert client.post(url, json={"name": "", "email": None}).status_code == 422
    assert client.post(url, json={"name": "Eko", "surprise": 1}).status_code == 422
    assert client.put(f"{url}/{budi['id']}", json={"name": "Budi", "email": "x@"}) \
        .status_code == 422
    assert counts() == before
    assert client.delete(f"{url}/{second['id']}").status_code == 204
    assert client.delete(f"{url}/{second['id']}").status_code == 404
    assert client.get(f"{API}/999999/contacts").status_code == 404
    assert [c["name"] for c in client.get(url).json()] == ["Budi S."]


def test_the_party_page_adds_and_removes_contacts(
        client: Any, session: Session, studio: Book, client_co: Party, counts: Any) -> None:
    page = client.get(f"{PAGE}/{client_co.id}")
    assert page.status_code == 200
    assert "No contact people yet." in page.text
    no_inline_script_or_style(page.text)
    added = client.post(f"{PAGE}/{client_co.id}/contacts", data={
        "name": "Budi Santoso", "email": "budi@klien.example", "role": "Finance",
        "phone": "021 555", "is_primary": "1"}, follow_redirects=False)
    assert added.status_code == 303
    shown = Page(client.get(added.headers["location"]).text).text
    assert "Budi Santoso" in shown
    assert "budi@klien.example" in shown
    assert "Primary" in shown
    before = counts()
    refused = client.post(f"{PAGE}/{client_co.id}/contacts",
                          data={"name": "Eko", "email": "eko at example"})
    assert refused.status_code == 422
    assert 'value="eko at example"' in refused.text
    assert "an address like name@example.com" in refused.text
    assert counts() == before
    party_id, contact_id = client_co.id, session.scalars(select(PartyContact.id)).one()
    session.rollback()  # let go of SQLite's lock before the page writes
    removed = client.post(f"{PAGE}/{party_id}/contacts/{contact_id}/remove",
                          follow_redirects=False)
    assert removed.status_code == 303
    assert "No contact people yet." in client.get(removed.headers["location"]).text
    session.expire_all()
    assert session.scalars(select(PartyContact)).all() == []


def test_a_viewer_sees_contact_people_but_cannot_change_them(
        client: Any, engine: Engine, session: Session, studio: Book,
        client_co: Party, counts: Any) -> None:
    budi = add_contact(session, client_co, ContactInput(name="Budi Santoso"))
    ensure_member(session, studio, "viewer@example.test", "viewer")
    session.commit()
    sign_in_as(client, engine, "viewer@example.test")
    page = client.get(f"{PAGE}/{client_co.id}").text
    assert "Budi Santoso" in page
    assert "Add contact person" not in page
    assert "/remove" not in page
    before = counts()
    assert client.post(f"{PAGE}/{client_co.id}/contacts",
                       data={"name": "Eko"}).status_code == 403
    assert client.post(f"{PAGE}/{client_co.id}/contacts/{budi.id}/remove").status_code == 403
    assert client.post(f"{API}/{client_co.id}/contacts",
                       json={"name": "Eko"}).status_code == 403
    assert client.delete(f"{API}/{client_co.id}/contacts/{budi.id}").status_code == 403
    assert counts() == before
