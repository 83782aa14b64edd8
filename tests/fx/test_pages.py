"""The exchange rates page: add a rate, import a file, see and post a revaluation."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from folio.books.models import Book
from folio.sales.models import Invoice

PAGE = "/books/studio/fx"


def test_the_page_lists_rates_and_adds_one(client: TestClient, studio: Book) -> None:
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "16.300" in page.text or "16300" in page.text
    added = client.post(f"{PAGE}/rates", data={"currency": "EUR", "day": "2026-11-02",
                                              "rate": "17.400,50"}, follow_redirects=False)
    assert added.status_code == 303
    assert "17400.5" in client.get(PAGE, params={"currency": "EUR"}).text
    bad = client.post(f"{PAGE}/rates", data={"currency": "XYZ", "day": "2026-11-02",
                                            "rate": "1"})
    assert bad.status_code == 422
    assert "is not an ISO 4217 currency code" in bad.text


def test_a_file_is_imported_from_the_page(client: TestClient, studio: Book) -> None:
    done = client.post(f"{PAGE}/rates/import", files={"file": (
        "kurs.csv", b"date;currency;rate\n2026-11-03;SGD;12.100\n", "text/csv")},
        follow_redirects=False)
    assert done.status_code == 303
    assert "SGD" in client.get(PAGE).text
    bad = client.post(f"{PAGE}/rates/import", files={"file": (
        "kurs.csv", b"date,currency,rate\n2026-11-03,SGD,x\n", "text/csv")})
    assert bad.status_code == 422
    assert "line 2" in bad.text


def test_the_revaluation_is_shown_then_posted(client: TestClient, studio: Book,
                                             usd_invoice: Callable[..., Invoice]) -> None:
    invoice = usd_invoice()
    shown = client.get(PAGE, params={"revalue_on": "2026-11-30"})
    assert shown.status_code == 200
    assert invoice.number in shown.text
    assert "300.000" in shown.text  # USD 1,000 from 16,000 to 16,300
    posted = client.post(f"{PAGE}/revalue", data={"revalue_on": "2026-11-30"},
                         follow_redirects=False)
    assert posted.status_code == 303
    again = client.post(f"{PAGE}/revalue", data={"revalue_on": "2026-11-30"})
    assert again.status_code == 409
    assert "already revalued" in again.text
