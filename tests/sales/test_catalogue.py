"""Items and projects: validation, unique codes, defaults that lines take."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import Conflict, ValidationError
from folio.parties.models import Party
from folio.parties.service import PartyInput, create_party
from folio.sales.items import ItemInput, create_item, list_items, update_item
from folio.sales.projects import ProjectInput, create_project, list_projects


def test_an_item_keeps_its_price_in_minor_units(session: Session, studio: Book) -> None:
    item = create_item(session, studio, ItemInput(code="HOUR", name="Design hour",
                                                  unit="hour", default_price=Decimal(750_000),
                                                  tax_code="PPN12", income_account="4102"))
    assert item.default_price == 750_000
    update_item(session, studio, item, ItemInput(code="HOUR", name="Design hour",
                                                 is_active=False))
    assert list_items(session, studio) == []
    assert list_items(session, studio, include_inactive=True, search="desi") == [item]


@pytest.mark.parametrize(("field", "data"), [
    ("code", ItemInput(code="", name="x")),
    ("default_price", ItemInput(code="A", name="x", default_price=Decimal("0.5"))),
    ("default_price", ItemInput(code="A", name="x", default_price=Decimal(-1))),
    ("tax_code", ItemInput(code="A", name="x", tax_code="PPH23")),
    ("income_account", ItemInput(code="A", name="x", income_account="6401")),
])
def test_bad_items_are_refused_by_field(session: Session, studio: Book, field: str,
                                        data: ItemInput) -> None:
    with pytest.raises(ValidationError) as caught:
        create_item(session, studio, data)
    assert field in [e["field"] for e in caught.value.errors]


def test_item_codes_are_unique(session: Session, studio: Book) -> None:
    create_item(session, studio, ItemInput(code="A", name="x"))
    with pytest.raises(Conflict):
        create_item(session, studio, ItemInput(code="A", name="y"))


def test_projects_belong_to_customers(session: Session, studio: Book,
                                      client_co: Party) -> None:
    project = create_project(session, studio, ProjectInput(
        customer_id=client_co.id, code="P-1", name="Rebrand", budget=Decimal(50_000_000),
        start_date=date(2026, 1, 1), end_date=date(2026, 6, 30)))
    assert project.budget == 50_000_000
    assert list_projects(session, studio, customer_id=client_co.id) == [project]
    vendor, _ = create_party(session, studio, PartyInput(name="Vendor", is_vendor=True))
    with pytest.raises(ValidationError) as caught:
        create_project(session, studio, ProjectInput(
            customer_id=vendor.id, code="P-2", name="x", status="paused",
            start_date=date(2026, 2, 1), end_date=date(2026, 1, 1)))
    assert {e["field"] for e in caught.value.errors} == {"customer_id", "status", "end_date"}
