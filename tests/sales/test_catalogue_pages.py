"""Catalogue pages: items and services, and projects with budgets and linked documents."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.parties.models import Party
from folio.purchases.expenses import ExpenseInput, record_expense
from folio.sales.items import ItemInput, create_item
from folio.sales.models import Item, Project
from folio.sales.projects import ProjectInput, create_project
from tests.conftest import ensure_member, sign_in_as
from tests.sales.conftest import D, MakeInvoice
from tests.sales.test_pages import no_inline_script_or_style
from tests.web.page import Page

BOOK = "/books/studio"


def item_form(**extra: str) -> dict[str, str]:
    return {"code": "DESIGN-H", "name": "Design, per hour", "unit": "hour",
            "default_price": "750.000", "tax_code": "PPN12", "income_account": "4101",
            "is_active": "1", **extra}


def project_form(customer: Party | int, **extra: str) -> dict[str, str]:
    customer_id = customer if isinstance(customer, int) else customer.id
    return {"customer_id": str(customer_id), "code": "WEB-26", "name": "Website 2026",
            "budget": "50.000.000", "start_date": "2026-03-01", "end_date": "2026-06-30",
            "status": "active", **extra}


def test_items_list_create_edit_and_errors(client: Any, counts: Any, session: Session,
                                           studio: Book) -> None:
    empty = client.get(f"{BOOK}/items")
    assert empty.status_code == 200
    assert f"{BOOK}/items/new" in Page(empty.text).hrefs()
    no_inline_script_or_style(empty.text)
    done = client.post(f"{BOOK}/items/new", data=item_form(), follow_redirects=False)
    assert done.status_code == 303, done.text
    item = session.scalars(select(Item)).one()
    assert (item.code, item.unit, item.default_price) == ("DESIGN-H", "hour", 750_000)
    item_id = item.id
    session.rollback()
    listing = client.get(f"{BOOK}/items").text
    assert "Design, per hour" in listing
    assert "750.000" in listing
    assert "Design, per hour" not in client.get(f"{BOOK}/items", params={"q": "zzz"}).text
    before = counts()
    bad = client.post(f"{BOOK}/items/new", data=item_form(code="bad code!", unit="",
                                                          tax_code="NOPE"))
    assert bad.status_code == 422
    for field in ("code", "unit", "tax_code"):
        assert f'id="error-{field}"' in bad.text, field
    twin = client.post(f"{BOOK}/items/new", data=item_form())
    assert twin.status_code == 409
    assert 'id="error-code"' in twin.text
    assert counts() == before
    form = client.get(f"{BOOK}/items/{item_id}/edit")
    assert 'value="750000"' in form.text
    edited = client.post(f"{BOOK}/items/{item_id}/edit",
                         data=item_form(default_price="800000", is_active=""),
                         follow_redirects=False)
    assert edited.status_code == 303
    session.expire_all()
    item = session.get_one(Item, item_id)
    assert (item.default_price, item.is_active) == (800_000, False)
    session.rollback()
    assert "Design, per hour" not in client.get(f"{BOOK}/items").text
    assert "Design, per hour" in client.get(f"{BOOK}/items", params={"inactive": "true"}).text


def test_projects_list_create_and_errors(client: Any, counts: Any, session: Session,
                                         studio: Book, client_co: Party) -> None:
    customer_id = client_co.id
    form = client.get(f"{BOOK}/projects/new", params={"customer": customer_id})
    assert form.status_code == 200
    assert "selected" in form.text
    done = client.post(f"{BOOK}/projects/new", data=project_form(customer_id),
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    project = session.scalars(select(Project)).one()
    assert (project.budget, project.end_date) == (50_000_000, date(2026, 6, 30))
    session.rollback()
    listing = client.get(f"{BOOK}/projects").text
    assert "Website 2026" in listing
    assert "PT Klien Maju" in listing
    assert "Website 2026" not in client.get(f"{BOOK}/projects",
                                            params={"status": "done"}).text
    before = counts()
    bad = client.post(f"{BOOK}/projects/new", data=project_form(
        customer_id, code="X 1", end_date="2026-01-01", budget="-5"))
    assert bad.status_code == 422
    for field in ("code", "end_date", "budget"):
        assert f'id="error-{field}"' in bad.text, field
    no_customer = client.post(f"{BOOK}/projects/new",
                               data=project_form(customer_id, customer_id=""))
    assert no_customer.status_code == 422
    assert 'id="error-customer_id"' in no_customer.text
    assert counts() == before


def test_a_project_shows_budget_against_invoiced_and_spent(
        client: Any, session: Session, studio: Book, client_co: Party,
        make_invoice: MakeInvoice) -> None:
    project = create_project(session, studio, ProjectInput(
        customer_id=client_co.id, code="WEB-26", name="Website", budget=D(10_000_000)))
    session.commit()
    invoice = make_invoice((5_550_000, "PPN12"), issue=True, project_id=project.id)
    record_expense(session, studio, ExpenseInput(
        date=date(2026, 3, 3), payee="Printer", account="6207", amount=D(2_500_000),
        description="Prints", paid_from="1101", project_id=project.id))
    session.commit()
    response = client.get(f"{BOOK}/projects/{project.id}")
    assert response.status_code == 200
    text = Page(response.text).text
    assert str(invoice.number) in text
    assert "Printer" in text
    assert "10.000.000" in text  # budget
    assert "5.550.000" in text  # invoiced before tax
    assert "2.500.000" in text  # spent
    assert "7.500.000" in text  # budget left
    assert "25%" in text
    no_inline_script_or_style(response.text)
    edited = client.post(f"{BOOK}/projects/{project.id}/edit", data=project_form(
        client_co, code="WEB-26", status="done"), follow_redirects=False)
    assert edited.status_code == 303
    assert client.get(f"{BOOK}/projects/999999").status_code == 404


def test_a_viewer_sees_the_catalogue_but_cannot_change_it(
        client: Any, engine: Engine, session: Session, studio: Book, client_co: Party,
        counts: Any) -> None:
    item = create_item(session, studio, ItemInput(code="A1", name="Thing"))
    project = create_project(session, studio, ProjectInput(customer_id=client_co.id,
                                                           code="P1", name="Proj"))
    ensure_member(session, studio, "viewer@example.test", "viewer")
    session.commit()
    sign_in_as(client, engine, "viewer@example.test")
    for path in (f"{BOOK}/items", f"{BOOK}/projects", f"{BOOK}/projects/{project.id}"):
        response = client.get(path)
        assert response.status_code == 200
        assert not [h for h in Page(response.text).hrefs() if h.endswith(("/new", "/edit"))]
    before = counts()
    assert client.get(f"{BOOK}/items/new").status_code == 403
    assert client.post(f"{BOOK}/items/new", data=item_form()).status_code == 403
    assert client.post(f"{BOOK}/items/{item.id}/edit", data=item_form()).status_code == 403
    assert client.post(f"{BOOK}/projects/new",
                       data=project_form(client_co)).status_code == 403
    assert counts() == before


def test_a_form_without_the_csrf_token_is_refused(client: Any, counts: Any,
                                                  studio: Book) -> None:
    del client.headers["X-CSRF-Token"]
    before = counts()
    assert client.post(f"{BOOK}/items/new", data=item_form()).status_code == 403
    assert counts() == before


def test_the_navigation_links_to_items_and_projects(client: Any, studio: Book) -> None:
    hrefs = Page(client.get(BOOK).text).hrefs()
    assert f"{BOOK}/items" in hrefs
    assert f"{BOOK}/projects" in hrefs
