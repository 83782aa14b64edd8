"""A party's default accounts: a customer's income account and a vendor's expense account
take the place of the chart's revenue and direct costs on lines that name no account."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import ValidationError
from folio.parties.models import Party
from folio.parties.service import input_of, update_party
from tests.purchases.conftest import MakeBill, service
from tests.sales.conftest import MakeInvoice
from tests.sales.test_issuing import entry_lines

PAGE = "/books/studio/contacts"


def test_an_invoice_line_without_an_account_posts_to_the_customers_default(
        session: Session, studio: Book, client_co: Party, make_invoice: MakeInvoice) -> None:
    update_party(session, client_co, replace(input_of(session, client_co),
                                             default_income_account="4102"))
    session.commit()
    invoice = make_invoice((5_550_000, "PPN12"), issue=True)
    # DOMAIN.md 1 figures, the revenue on 4102 instead of the chart's 4101.
    assert entry_lines(session, invoice) == {"1201": 6_160_500, "4102": -5_550_000,
                                             "2301": -610_500}
    assert input_of(session, client_co).default_income_account == "4102"


def test_a_bill_line_without_an_account_posts_to_the_vendors_default(
        session: Session, studio: Book, vendor: Party, make_bill: MakeBill) -> None:
    update_party(session, vendor, replace(input_of(session, vendor),
                                          default_expense_account="6101"))
    session.commit()
    bill = make_bill(service(1_000_000, None), service(500_000, None, account="5101"))
    assert [line.account_id for line in bill.lines] == [
        vendor.default_expense_account_id, bill.lines[1].account_id]
    assert bill.lines[0].account_id != bill.lines[1].account_id


@pytest.mark.parametrize(("field", "code"), [
    ("default_income_account", "5101"),  # an expense account
    ("default_expense_account", "4102"),  # an income account
    ("default_income_account", "4000"),  # a group
    ("default_income_account", "9999"),  # none such
])
def test_a_default_account_of_the_wrong_kind_is_refused(
        session: Session, studio: Book, client_co: Party, field: str, code: str) -> None:
    data = input_of(session, client_co)
    setattr(data, field, code)
    with pytest.raises(ValidationError) as refused:
        update_party(session, client_co, data)
    assert [e["field"] for e in refused.value.errors] == [field]


def test_the_party_form_sets_and_refuses_default_accounts(
        client: Any, session: Session, studio: Book, client_co: Party, counts: Any) -> None:
    party_id = client_co.id
    session.rollback()
    base = {"name": "PT Klien Maju", "is_customer": "1", "payment_terms_days": "30",
            "tax_id": "0123456789012345", "is_active": "1"}
    before = counts()
    refused = client.post(f"{PAGE}/{party_id}/edit",
                          data={**base, "default_income_account": "5101"})
    assert refused.status_code == 422
    assert "5101 is an expense account; use an income account" in refused.text
    assert counts() == before
    saved = client.post(f"{PAGE}/{party_id}/edit",
                        data={**base, "default_income_account": "4102"},
                        follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert 'value="4102"' in client.get(f"{PAGE}/{party_id}/edit").text
