"""Emailing invoices, quotations and reminders: the API, the page form, and refusals."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.auth.actor import SYSTEM
from folio.books.models import Book
from folio.db import make_session
from folio.outbox.models import OutboxMessage
from folio.outbox.service import send_due
from folio.parties.models import Party
from folio.sales.invoices import InvoiceLineInput
from folio.sales.quotation_models import Quotation
from folio.sales.quotations import QuotationInput, create_quotation
from folio.sales.recurring_models import InvoiceReminder
from folio.settings import Settings
from tests.mailing.conftest import pdf_text
from tests.sales.conftest import MakeInvoice
from tests.smtp_server import SmtpServer

API = "/api/v1/books/studio"


def outbox(engine: Engine) -> list[OutboxMessage]:
    with make_session(engine, actor=SYSTEM) as reader:
        return list(reader.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_the_api_queues_an_invoice_once_per_key(client: Any, engine: Engine, studio: Book,
                                                emailed_customer: Party,
                                                make_invoice: MakeInvoice,
                                                mail_on: Settings) -> None:
    invoice = make_invoice(issue=True)
    body = {"cc": "owner@studio.example", "message": "Halo, terlampir faktur bulan ini."}
    first = client.post(f"{API}/invoices/{invoice.id}/send", json=body,
                        headers={"Idempotency-Key": "send-1"})
    assert first.status_code == 202, first.text
    sent = first.json()["message"]
    assert (sent["to"], sent["cc"], sent["status"]) == (
        "Finance PT Klien <finance@klien.example>", "owner@studio.example", "queued")
    assert sent["subject"] == "Faktur INV/2026/03/0001 dari Studio Jakarta"
    assert sent["attachment_name"] == "INV-2026-03-0001.pdf"
    replay = client.post(f"{API}/invoices/{invoice.id}/send", json=body,
                         headers={"Idempotency-Key": "send-1"})
    assert replay.json()["message"]["id"] == sent["id"]
    [row] = outbox(engine)
    assert row.body == "Halo, terlampir faktur bulan ini.\n"
    listed = client.get(f"{API}/outbox").json()
    assert listed["total"] == 1
    assert listed["messages"][0]["id"] == sent["id"]


def test_without_smtp_sending_is_refused_and_nothing_is_written(
        client: Any, studio: Book, emailed_customer: Party, make_invoice: MakeInvoice,
        mail_off: Settings, counts: Callable[[], dict[str, int]]) -> None:
    invoice = make_invoice(issue=True)
    before = counts()
    refused = client.post(f"{API}/invoices/{invoice.id}/send", json={})
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("Email is not set up: set SMTP_HOST")
    assert counts() == before


def test_drafts_void_and_address_problems_are_refused(
        client: Any, session: Session, studio: Book, client_co: Party,
        make_invoice: MakeInvoice, mail_on: Settings,
        counts: Callable[[], dict[str, int]]) -> None:
    draft = make_invoice()
    issued = make_invoice(issue=True)
    before = counts()
    assert client.post(f"{API}/invoices/{draft.id}/send", json={}).status_code == 409
    no_email = client.post(f"{API}/invoices/{issued.id}/send", json={})
    assert no_email.status_code == 422
    assert "has no email address" in no_email.json()["detail"]
    bad_to = client.post(f"{API}/invoices/{issued.id}/send", json={"to": "a@b.c, nope"})
    assert bad_to.status_code == 422
    header = client.post(f"{API}/invoices/{issued.id}/send",
                         json={"to": "a@b.example", "subject": "Hi\r\nBcc: x@evil.example"})
    assert header.status_code == 422
    assert client.post(f"{API}/invoices/999999/send", json={}).status_code == 404
    assert counts() == before
    typed = client.post(f"{API}/invoices/{issued.id}/send", json={"to": "a@b.example"})
    assert typed.status_code == 202


def test_emailing_a_draft_quotation_sends_it_with_its_link(
        client: Any, session: Session, engine: Engine, studio: Book, emailed_customer: Party,
        mail_on: Settings, smtp_server: SmtpServer) -> None:
    quotation = create_quotation(session, studio, QuotationInput(
        customer_id=emailed_customer.id, lines=[InvoiceLineInput(
            description="Website redesign", unit_price=Decimal(20_000_000),
            tax_code="PPN12")]))
    session.commit()
    done = client.post(f"{API}/quotations/{quotation.id}/email", json={})
    assert done.status_code == 202, done.text
    link = done.json()["public_url"]
    assert "/q/q_" in link
    session.expire_all()
    assert session.get_one(Quotation, quotation.id).status == "sent"
    session.rollback()  # let go of SQLite's write lock before the job sends
    assert send_due(engine, mail_on).sent == 1
    mail = smtp_server.wait_for(1)[0].message
    assert mail["Subject"].startswith("Penawaran QUO")
    text = mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert link in text
    assert "menyetujui atau menolaknya" in text
    [pdf] = list(mail.iter_attachments())
    assert "Website redesign" in pdf_text(pdf.get_content())
    assert client.get(link.split("testserver", 1)[-1]).status_code == 200  # the link works


def test_a_manual_reminder_is_logged(client: Any, engine: Engine, session: Session,
                                     studio: Book, emailed_customer: Party,
                                     make_invoice: MakeInvoice, mail_on: Settings) -> None:
    invoice = make_invoice(issue=True)
    done = client.post(f"{API}/invoices/{invoice.id}/remind", json={})
    assert done.status_code == 202, done.text
    assert done.json()["message"]["subject"] in (
        "Lewat jatuh tempo: faktur INV/2026/03/0001", "Pengingat: faktur INV/2026/03/0001")
    [logged] = session.scalars(select(InvoiceReminder)).all()
    assert (logged.stage, logged.status, logged.invoice_id) == (None, "queued", invoice.id)
    [listed] = client.get(f"{API}/invoices/{invoice.id}/reminders").json()
    assert (listed["stage"], listed["status"]) == (None, "queued")
    draft = make_invoice()
    assert client.post(f"{API}/invoices/{draft.id}/remind", json={}).status_code == 409


def test_the_invoice_page_form_sends_and_shows_refusals(
        client: Any, engine: Engine, studio: Book, emailed_customer: Party,
        make_invoice: MakeInvoice, mail_on: Settings) -> None:
    invoice = make_invoice(issue=True)
    page = client.get(f"/books/studio/invoices/{invoice.id}")
    assert page.status_code == 200
    assert f'action="/books/studio/invoices/{invoice.id}/send"' in page.text
    assert f'formaction="/books/studio/invoices/{invoice.id}/remind"' in page.text
    done = client.post(f"/books/studio/invoices/{invoice.id}/send",
                       data={"to": "", "cc": "", "subject": "", "message": ""},
                       follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == f"/books/studio/invoices/{invoice.id}?notice=emailed"
    assert len(outbox(engine)) == 1
    refused = client.post(f"/books/studio/invoices/{invoice.id}/send",
                          data={"to": "not an address"})
    assert refused.status_code == 422
    assert "not an email address" in refused.text
    assert len(outbox(engine)) == 1
    box = client.get("/books/studio/settings/outbox")
    assert box.status_code == 200
    assert "finance@klien.example" in box.text


def test_the_outbox_page_retries_a_failed_message(client: Any, engine: Engine, studio: Book,
                                                  emailed_customer: Party,
                                                  make_invoice: MakeInvoice,
                                                  mail_on: Settings) -> None:
    invoice = make_invoice(issue=True)
    client.post(f"{API}/invoices/{invoice.id}/send", json={})
    [row] = outbox(engine)
    with make_session(engine, write=True, actor=SYSTEM) as writer:
        writer.get_one(OutboxMessage, row.id).status = "failed"
        writer.commit()
    done = client.post(f"/books/studio/settings/outbox/{row.id}/retry", follow_redirects=False)
    assert done.status_code == 303
    assert outbox(engine)[0].status == "queued"
    assert client.post(f"{API}/outbox/{row.id}/retry").status_code == 200


def test_the_quotation_page_offers_the_email_form(client: Any, session: Session, studio: Book,
                                                  emailed_customer: Party,
                                                  mail_on: Settings) -> None:
    from folio.sales.quotations import send_quotation

    quotation = create_quotation(session, studio, QuotationInput(
        customer_id=emailed_customer.id, lines=[InvoiceLineInput(
            description="Logo", unit_price=Decimal(3_000_000))]))
    send_quotation(session, studio, quotation)
    session.commit()
    page = client.get(f"/books/studio/quotations/{quotation.id}")
    assert page.status_code == 200
    assert f'action="/books/studio/quotations/{quotation.id}/email"' in page.text
    done = client.post(f"/books/studio/quotations/{quotation.id}/email", data={},
                       follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"].endswith("?notice=emailed")
