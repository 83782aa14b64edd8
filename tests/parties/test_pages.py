"""Contact pages: the list with search and filters, one contact with open documents and
balances, and the new and edit forms with errors at the field."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.parties.models import Party
from folio.parties.service import PartyInput, create_party
from tests.conftest import ensure_member, sign_in_as
from tests.purchases.conftest import MakeBill, service
from tests.sales.conftest import MakeInvoice
from tests.sales.test_pages import no_inline_script_or_style
from tests.web.page import Page

BASE = "/books/studio/contacts"


def party_form(**extra: str) -> dict[str, str]:
    return {"name": "CV Maju Jaya", "is_vendor": "1", "email": "ap@maju.example",
            "phone": "+62 21 555 0101", "address": "Jl. Sudirman 1\nJakarta",
            "tax_id": "01.234.567.8-901.234", "payment_terms_days": "14",
            "default_currency": "", "is_active": "1", **extra}


def test_the_list_searches_and_filters_customers_and_vendors(
        client: Any, session: Session, studio: Book, client_co: Party, vendor: Party) -> None:
    response = client.get(BASE)
    assert response.status_code == 200
    assert "PT Klien Maju" in response.text
    assert "PT Vendor Kreatif" in response.text
    no_inline_script_or_style(response.text)
    vendors = client.get(BASE, params={"kind": "vendors"}).text
    assert "PT Vendor Kreatif" in vendors
    assert "PT Klien Maju" not in vendors
    customers = client.get(BASE, params={"kind": "customers"}).text
    assert "PT Vendor Kreatif" not in customers
    assert "PT Klien Maju" in client.get(BASE, params={"q": "klien"}).text
    assert "PT Vendor Kreatif" not in client.get(BASE, params={"q": "klien"}).text
    assert client.get(BASE, params={"kind": "nobody"}).status_code == 422
    for n in range(50):
        create_party(session, studio, PartyInput(name=f"Vendor {n:02d}", is_vendor=True))
    session.commit()
    assert 'rel="next"' in client.get(BASE).text
    assert 'rel="prev"' in client.get(BASE, params={"page": 2}).text


def test_the_detail_shows_contact_npwp_documents_and_balances(
        client: Any, session: Session, studio: Book, client_co: Party,
        make_invoice: MakeInvoice, make_bill: MakeBill, vendor: Party) -> None:
    invoice = make_invoice(issue=True)
    bill = make_bill(service(1_000_000, None), approve=True)
    customer = client.get(f"{BASE}/{client_co.id}")
    assert customer.status_code == 200
    text = Page(customer.text).text
    assert "01.234.567.8-901.234" not in text  # a 16-digit NPWP shows as digits
    assert "0123456789012345" in text
    assert str(invoice.number) in text
    assert "6.160.500" in text  # what the customer owes
    no_inline_script_or_style(customer.text)
    supplier = Page(client.get(f"{BASE}/{vendor.id}").text).text
    assert str(bill.number) in supplier
    assert "1.000.000" in supplier
    assert "30" in supplier
    assert client.get(f"{BASE}/999999").status_code == 404


def test_creating_a_contact_through_the_form(client: Any, session: Session,
                                             studio: Book) -> None:
    form = client.get(f"{BASE}/new", params={"kind": "vendor"})
    assert form.status_code == 200
    assert f"{BASE}/new" in Page(form.text).attribute_values("action")
    done = client.post(f"{BASE}/new", data=party_form(), follow_redirects=False)
    assert done.status_code == 303, done.text
    party = session.scalars(select(Party).where(Party.name == "CV Maju Jaya")).one()
    assert (party.tax_id, party.payment_terms_days, party.is_vendor, party.is_customer) == \
        ("012345678901234", 14, True, False)
    session.rollback()
    shown = client.get(done.headers["location"]).text
    assert "01.234.567.8-901.234" in shown  # a 15-digit NPWP in its display form
    assert "check digit does not match" in shown


def test_an_invalid_npwp_is_shown_at_the_field_and_nothing_is_saved(
        client: Any, counts: Any, studio: Book) -> None:
    before = counts()
    response = client.post(f"{BASE}/new", data=party_form(tax_id="12-34"))
    assert response.status_code == 422
    page = Page(response.text)
    assert 'id="error-tax_id"' in response.text
    assert "15 (NPWP), 16 (NPWP or NIK) or 22 (NITKU) digits" in page.text
    assert 'value="CV Maju Jaya"' in response.text  # what was typed stays
    assert counts() == before
    several = client.post(f"{BASE}/new", data=party_form(
        name="", is_vendor="", email="nope", payment_terms_days="abc", default_currency="XXQ"))
    assert several.status_code == 422
    for field in ("name", "is_customer", "email", "payment_terms_days", "default_currency"):
        assert f'id="error-{field}"' in several.text, field
    assert counts() == before


def test_editing_a_contact_and_a_duplicate_name(client: Any, session: Session, studio: Book,
                                                client_co: Party, vendor: Party) -> None:
    party_id = vendor.id
    session.rollback()
    form = client.get(f"{BASE}/{party_id}/edit")
    assert 'value="PT Vendor Kreatif"' in form.text
    done = client.post(f"{BASE}/{party_id}/edit", data=party_form(
        name="PT Vendor Kreatif Baru", tax_id="", is_customer="1"), follow_redirects=False)
    assert done.status_code == 303, done.text
    session.expire_all()
    party = session.get_one(Party, party_id)
    assert (party.name, party.is_customer, party.tax_id) == ("PT Vendor Kreatif Baru", True,
                                                            None)
    session.rollback()
    taken = client.post(f"{BASE}/{party_id}/edit", data=party_form(name="PT Klien Maju"))
    assert taken.status_code == 409
    assert 'id="error-name"' in taken.text


def test_a_viewer_sees_contacts_but_cannot_change_them(
        client: Any, engine: Engine, session: Session, studio: Book, vendor: Party,
        counts: Any) -> None:
    ensure_member(session, studio, "viewer@example.test", "viewer")
    session.commit()
    sign_in_as(client, engine, "viewer@example.test")
    listing = client.get(BASE)
    assert listing.status_code == 200
    assert f"{BASE}/new" not in Page(listing.text).hrefs()
    detail = client.get(f"{BASE}/{vendor.id}")
    assert f"{BASE}/{vendor.id}/edit" not in Page(detail.text).hrefs()
    assert client.get(f"{BASE}/new").status_code == 403
    before = counts()
    assert client.post(f"{BASE}/new", data=party_form()).status_code == 403
    assert client.post(f"{BASE}/{vendor.id}/edit", data=party_form()).status_code == 403
    assert counts() == before


def test_a_form_without_the_csrf_token_is_refused(client: Any, counts: Any,
                                                  studio: Book) -> None:
    del client.headers["X-CSRF-Token"]
    before = counts()
    assert client.post(f"{BASE}/new", data=party_form()).status_code == 403
    assert counts() == before


def test_the_navigation_links_to_contacts(client: Any, studio: Book) -> None:
    assert BASE in Page(client.get("/books/studio").text).hrefs()
