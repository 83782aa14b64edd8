"""The quotations API: drafts to converted invoices over HTTP, problem documents, replays."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from folio.books.models import Book
from folio.parties.models import Party
from tests.api.conftest import fields, problem

API = "/api/v1/books/studio"


def body(customer: Party, **extra: Any) -> dict[str, Any]:
    return {"customer_id": customer.id, "notes": "Rebrand, phase 1",
            "lines": [{"description": "Brand design", "unit_price": "5550000",
                       "tax_code": "PPN12"}], **extra}


def made(client: TestClient, customer: Party, **extra: Any) -> dict[str, Any]:
    response = client.post(f"{API}/quotations", json=body(customer, **extra))
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def test_a_quotation_from_draft_to_invoices(client: TestClient, studio: Book,
                                            client_co: Party) -> None:
    draft = made(client, client_co)
    assert (draft["status"], draft["number"], draft["total"]) == ("draft", None, "6160500")
    assert draft["lines"][0]["tax_base"] == "5087500"
    assert draft["invoice_ids"] == []
    sent = client.post(f"{API}/quotations/{draft['id']}/send")
    assert sent.status_code == 200, sent.text
    link = sent.json()["public_url"]
    assert sent.json()["quotation"]["number"].startswith("QUO/")
    assert "/q/q_" in link
    page = client.get(link[link.index("/q/"):])
    assert page.status_code == 200
    assert "6.160.500" in page.text
    approved = client.post(f"{API}/quotations/{draft['id']}/approve",
                           json={"name": "Budi", "comment": "By phone"})
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["client_name"]) == ("approved", "Budi")
    key = {"Idempotency-Key": "convert-1"}
    split = {"milestones": [{"percent": "30"}, {"percent": "70"}]}
    converted = client.post(f"{API}/quotations/{draft['id']}/convert", json=split, headers=key)
    assert converted.status_code == 201, converted.text
    result = converted.json()
    assert [i["total"] for i in result["invoices"]] == ["1848150", "4312350"]
    assert result["quotation"]["status"] == "converted"
    replay = client.post(f"{API}/quotations/{draft['id']}/convert", json=split, headers=key)
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json() == result
    shown = client.get(f"{API}/quotations/{draft['id']}").json()
    assert shown["invoice_ids"] == [i["id"] for i in result["invoices"]]
    listed = client.get(f"{API}/quotations", params={"status": "converted", "q": "klien"})
    assert [q["id"] for q in listed.json()["items"]] == [draft["id"]]


def test_creating_with_a_key_replays(client: TestClient, studio: Book,
                                     client_co: Party) -> None:
    headers = {"Idempotency-Key": "q-1"}
    first = client.post(f"{API}/quotations", json=body(client_co), headers=headers)
    second = client.post(f"{API}/quotations", json=body(client_co), headers=headers)
    assert first.json() == second.json()
    assert client.get(f"{API}/quotations").json()["total"] == 1
    problem(client.post(f"{API}/quotations", json=body(client_co, notes="other"),
                        headers=headers), 409)


def test_edit_revise_delete_and_decline(client: TestClient, studio: Book,
                                        client_co: Party) -> None:
    draft = made(client, client_co)
    edited = client.put(f"{API}/quotations/{draft['id']}",
                        json=body(client_co, valid_until="2099-01-31",
                                  lines=[{"description": "Logo", "unit_price": "1000000",
                                          "tax_code": ""}]))
    assert edited.status_code == 200, edited.text
    assert (edited.json()["total"], edited.json()["valid_until"]) == ("1000000", "2099-01-31")
    client.post(f"{API}/quotations/{draft['id']}/send")
    problem(client.put(f"{API}/quotations/{draft['id']}", json=body(client_co)), 409)
    problem(client.delete(f"{API}/quotations/{draft['id']}"), 409)
    revised = client.post(f"{API}/quotations/{draft['id']}/revise")
    assert revised.status_code == 201, revised.text
    assert (revised.json()["revision"], revised.json()["status"]) == (2, "draft")
    old = client.get(f"{API}/quotations/{draft['id']}").json()
    assert old["status"] == "superseded"
    new_id = revised.json()["id"]
    client.post(f"{API}/quotations/{new_id}/send")
    declined = client.post(f"{API}/quotations/{new_id}/decline", json={"name": "Budi"})
    assert declined.json()["status"] == "declined"
    problem(client.post(f"{API}/quotations/{new_id}/approve", json={"name": "Budi"}), 409)
    problem(client.post(f"{API}/quotations/{new_id}/convert", json={}), 409)
    other = made(client, client_co)
    assert client.delete(f"{API}/quotations/{other['id']}").status_code == 204
    problem(client.get(f"{API}/quotations/{other['id']}"), 404)


def test_bad_input_gets_problem_documents(client: TestClient, studio: Book,
                                          client_co: Party) -> None:
    bad = problem(client.post(f"{API}/quotations", json=body(
        client_co, currency="USD", lines=[{"description": "x", "unit_price": "1",
                                           "tax_code": "NOPE"}])), 422)
    assert {"currency", "lines[0].tax_code"} <= set(fields(bad))
    problem(client.post(f"{API}/quotations", json=body(client_co, lines=[])), 422)
    problem(client.post(f"{API}/quotations", json=body(client_co, customer_id=99999)), 422)
    problem(client.get(f"{API}/quotations/12345"), 404)
    problem(client.get(f"{API}/quotations", params={"status": "nope"}), 422)
    draft = made(client, client_co)
    problem(client.post(f"{API}/quotations/{draft['id']}/approve", json={"name": "B"}), 409)
    problem(client.post(f"{API}/quotations/{draft['id']}/link"), 409)
    client.post(f"{API}/quotations/{draft['id']}/send")
    problem(client.post(f"{API}/quotations/{draft['id']}/approve", json={}), 422)
    client.post(f"{API}/quotations/{draft['id']}/approve", json={"name": "Budi"})
    split = problem(client.post(f"{API}/quotations/{draft['id']}/convert", json={
        "milestones": [{"percent": "30"}, {"percent": "60"}]}), 422)
    assert fields(split) == ["milestones"]
    problem(client.post(f"{API}/quotations/{draft['id']}/convert", json={
        "milestones": [{"percent": "30", "amount": "5"}]}), 422)
    full = client.post(f"{API}/quotations/{draft['id']}/convert", json={})
    assert full.status_code == 201
    assert len(full.json()["invoices"]) == 1
    assert full.json()["invoices"][0]["total"] == draft["total"]


def test_a_new_link_retires_the_old_one(client: TestClient, studio: Book,
                                        client_co: Party) -> None:
    draft = made(client, client_co)
    first = client.post(f"{API}/quotations/{draft['id']}/send").json()["public_url"]
    second = client.post(f"{API}/quotations/{draft['id']}/link").json()["public_url"]
    assert first != second
    assert client.get(first[first.index("/q/"):]).status_code == 404
    assert client.get(second[second.index("/q/"):]).status_code == 200


def test_a_viewer_may_read_but_not_send(client: TestClient, studio: Book, client_co: Party,
                                        engine: Any) -> None:
    from folio.auth.actor import SYSTEM
    from folio.db import make_session
    from tests.conftest import bearer_token, ensure_member

    draft = made(client, client_co)
    with make_session(engine, write=True, actor=SYSTEM) as db:
        ensure_member(db, db.get_one(Book, studio.id), "viewer@example.test", "viewer")
        db.commit()
    headers = {"Authorization": f"Bearer {bearer_token(engine, 'viewer@example.test')}"}
    assert client.get(f"{API}/quotations/{draft['id']}", headers=headers).status_code == 200
    problem(client.post(f"{API}/quotations/{draft['id']}/send", headers=headers), 403)
    problem(client.post(f"{API}/quotations", json=body(client_co), headers=headers), 403)
