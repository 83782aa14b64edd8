"""The exchange-rate and revaluation API, foreign-currency invoices over HTTP, payment voids
and refunds. Figures as in tests/fx/test_revaluation.py."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.parties.models import Party
from folio.sales.models import Invoice
from tests.api.conftest import fields, problem

API = "/api/v1/books/studio"


def test_rates_are_entered_listed_and_looked_up(client: TestClient, studio: Book) -> None:
    made = client.post(f"{API}/fx/rates", json={"currency": "eur", "date": "2026-11-02",
                                                 "rate": "17500.25"})
    assert made.status_code == 201, made.text
    assert made.json()["currency"] == "EUR"
    assert made.json()["rate"] == "17500.25"
    listed = client.get(f"{API}/fx/rates", params={"currency": "USD", "from": "2026-11-15"})
    assert [r["date"] for r in listed.json()["items"]] == ["2026-12-05", "2026-11-30",
                                                            "2026-11-20", "2026-11-15"]
    found = client.get(f"{API}/fx/rates/lookup", params={"currency": "USD",
                                                         "date": "2026-11-19"})
    assert found.json()["rate"] == "16100"
    missing = problem(client.get(f"{API}/fx/rates/lookup",
                                 params={"currency": "USD", "date": "2026-10-31"}), 422)
    assert missing["detail"] == "no USD exchange rate on or before 2026-10-31: add one"


def test_bad_rates_are_refused_and_nothing_is_written(client: TestClient, studio: Book,
                                                      counts: Callable[[], dict[str, int]]
                                                      ) -> None:
    before = counts()
    problem(client.post(f"{API}/fx/rates", json={"currency": "USD", "date": "2026-11-02",
                                                 "rate": "-1"}), 422)
    bad = problem(client.post(f"{API}/fx/rates", json={"currency": "XYZ",
                                                       "date": "2026-11-02", "rate": "1"}), 422)
    assert fields(bad) == ["currency"]
    problem(client.post(f"{API}/fx/rates", json={"currency": "IDR", "date": "2026-11-02",
                                                 "rate": "1"}), 422)
    rows = problem(client.post(f"{API}/fx/rates/import", json={
        "csv": "date,currency,rate\n2026-11-03,USD,16010\n2026-11-04,USD,abc\n"}), 422)
    assert "line 3" in rows["detail"]
    assert counts() == before


def test_an_import_takes_indonesian_files(client: TestClient, studio: Book) -> None:
    text = "\ufeffdate;currency;rate\n2026-11-03;USD;16.010,50\n2026-11-03;EUR;17.400\n"
    made = client.post(f"{API}/fx/rates/import", json={"csv": text})
    assert made.json() == {"imported": 2}
    eur = client.get(f"{API}/fx/rates", params={"currency": "EUR"}).json()["items"]
    assert [(r["rate"], r["source"]) for r in eur] == [("17400", "csv")]


def test_a_usd_invoice_over_the_api(client: TestClient, studio: Book, customer: Party) -> None:
    made = client.post(f"{API}/invoices", json={
        "customer_id": customer.id, "currency": "USD", "issue_date": "2026-11-16",
        "lines": [{"description": "Consulting", "unit_price": "1000.00", "tax_code": ""}]})
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["currency"], body["exchange_rate"], body["total"]) == ("USD", "16100",
                                                                         "1000.00")
    assert "quotation_id" in body


def test_revaluation_dry_run_then_post_then_refuse(client: TestClient, studio: Book,
                                                  usd_invoice: Callable[..., Invoice]) -> None:
    usd_invoice()
    dry = client.get(f"{API}/fx/revaluation", params={"date": "2026-11-30"}).json()
    assert [(i["kind"], i["difference"]) for i in dry["items"]] == [("invoice", "300000")]
    assert dry["posted"] is False
    posted = client.post(f"{API}/fx/revaluation", json={"date": "2026-11-30"})
    assert posted.status_code == 201, posted.text
    assert posted.json()["net"] == "300000"
    assert posted.json()["reversal_entry_id"]
    problem(client.post(f"{API}/fx/revaluation", json={"date": "2026-11-30"}), 409)
    runs = client.get(f"{API}/fx/revaluations").json()
    assert [r["date"] for r in runs] == ["2026-11-30"]


def test_a_payment_is_voided_and_credit_refunded(client: TestClient, studio: Book,
                                                 customer: Party, session: Session) -> None:
    paid = client.post(f"{API}/payments", json={
        "customer_id": customer.id, "date": "2026-11-20", "account": "1111",
        "amount": "500000"})
    assert paid.status_code == 201, paid.text
    assert paid.json()["unallocated"] == "500000"
    refund = client.post(f"{API}/refunds", json={
        "customer_id": customer.id, "date": "2026-11-21", "account": "1111",
        "amount": "200000"})
    assert refund.status_code == 201, refund.text
    assert (refund.json()["kind"], refund.json()["amount"]) == ("refund", "-200000")
    problem(client.post(f"{API}/refunds", json={
        "customer_id": customer.id, "date": "2026-11-21", "account": "1111",
        "amount": "300001"}), 422)
    problem(client.post(f"{API}/payments/{paid.json()['id']}/void"), 409)  # credit refunded
    voided = client.post(f"{API}/payments/{refund.json()['id']}/void",
                         json={"reason": "sent twice"})
    assert voided.status_code == 200, voided.text
    assert voided.json()["void_entry_id"]
    again = client.post(f"{API}/payments/{paid.json()['id']}/void")
    assert again.status_code == 200, again.text
    problem(client.post(f"{API}/payments/{paid.json()['id']}/void"), 409)
