"""The outbox through a real SMTP server: delivery with the PDF, backoff, failure, retry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.auth.actor import SYSTEM
from folio.books.models import Book
from folio.db import make_session
from folio.outbox.models import OutboxMessage
from folio.outbox.service import send_due
from folio.parties.models import Party
from folio.sales.sending import SendInput, send_invoice
from folio.settings import Settings
from tests.conftest import Cli, said
from tests.sales.conftest import MakeInvoice
from tests.smtp_server import SmtpServer, free_port


def soon() -> datetime:
    """A minute from now: messages queued until now are due by then."""
    return datetime.now(UTC) + timedelta(minutes=1)


def _row(engine: Engine, message_id: int) -> OutboxMessage:
    with make_session(engine, actor=SYSTEM) as reader:
        return reader.get_one(OutboxMessage, message_id)


def test_an_invoice_arrives_with_its_pdf(session: Session, engine: Engine, studio: Book,
                                         emailed_customer: Party, make_invoice: MakeInvoice,
                                         mail_on: Settings, smtp_server: SmtpServer) -> None:
    invoice = make_invoice(issue=True)
    queued = send_invoice(session, studio, invoice, SendInput(cc="boss@studio.example"))
    session.commit()
    assert smtp_server.messages == []  # nothing leaves until the job runs
    t0 = soon()
    result = send_due(engine, mail_on, now=t0)
    assert (result.sent, result.retrying, result.failed) == (1, 0, 0)
    [received] = smtp_server.wait_for(1)
    mail = received.message
    assert mail["Subject"] == "Faktur INV/2026/03/0001 dari Studio Jakarta"
    assert mail["To"] == "Finance PT Klien <finance@klien.example>"
    assert sorted(received.rcpt_tos) == ["boss@studio.example", "finance@klien.example"]
    text = mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    assert "Yth. PT Klien Maju" in text
    # 5.550.000 + PPN 12% on the DPP of 11/12 (610.500), due 30 days after 2 March.
    assert "faktur INV/2026/03/0001 sebesar Rp6.160.500, jatuh tempo pada 1 April 2026" in text
    [pdf] = list(mail.iter_attachments())
    assert pdf.get_filename() == "INV-2026-03-0001.pdf"
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_content().startswith(b"%PDF-")
    row = _row(engine, queued.id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)
    assert send_due(engine, mail_on, now=t0 + timedelta(minutes=5)).sent == 0  # once only


def test_smtp_down_backs_off_then_fails_and_retry_requeues(
        session: Session, engine: Engine, studio: Book, emailed_customer: Party,
        make_invoice: MakeInvoice, mail_on: Settings, cli: Cli,
        smtp_server: SmtpServer) -> None:
    invoice = make_invoice(issue=True)
    queued = send_invoice(session, studio, invoice)
    session.commit()
    down = mail_on.model_copy(update={"SMTP_PORT": free_port(), "SMTP_PASSWORD": "hunter2-x",
                                      "SMTP_USERNAME": "u"})
    now = soon()
    waits = []
    for attempt in range(1, 7):
        result = send_due(engine, down, now=now)
        row = _row(engine, queued.id)
        assert row.attempts == attempt
        assert row.last_error
        assert "Could not send mail" in row.last_error
        assert "hunter2-x" not in row.last_error
        if attempt < 6:
            assert (result.retrying, row.status) == (1, "queued")
            wait = row.next_attempt_at.replace(tzinfo=UTC) - now
            waits.append(int(wait.total_seconds() // 60))
            # Not due a minute before its time.
            assert send_due(engine, down, now=now + wait - timedelta(minutes=1)).retrying == 0
            now += wait
        else:
            assert (result.failed, row.status) == (1, "failed")
    assert waits == [5, 10, 20, 40, 80]
    listed = cli("mail", "outbox", "--status", "failed", "--format", "json")
    assert listed.exit_code == 0, said(listed)
    assert f'"id": {queued.id}' in listed.stdout
    again = cli("mail", "retry", str(queued.id))
    assert again.exit_code == 0, said(again)
    row = _row(engine, queued.id)
    assert (row.status, row.attempts) == ("queued", 0)
    assert send_due(engine, mail_on).sent == 1
    assert smtp_server.wait_for(1)[0].message["Subject"].startswith("Faktur INV/")
    assert cli("mail", "retry", str(queued.id)).exit_code == 1  # already sent
    assert cli("mail", "retry", "999999").exit_code == 1


def test_a_bad_address_fails_at_once(session: Session, engine: Engine, studio: Book,
                                     emailed_customer: Party, make_invoice: MakeInvoice,
                                     mail_on: Settings) -> None:
    invoice = make_invoice(issue=True)
    queued = send_invoice(session, studio, invoice)
    session.commit()
    with make_session(engine, write=True, actor=SYSTEM) as writer:
        writer.get_one(OutboxMessage, queued.id).to_addresses = "not an address"
        writer.commit()
    assert send_due(engine, mail_on, now=soon()).failed == 1
    assert _row(engine, queued.id).status == "failed"
    assert session.scalars(select(OutboxMessage)).all()


def test_send_now_runs_the_job(session: Session, engine: Engine, studio: Book,
                               emailed_customer: Party, make_invoice: MakeInvoice,
                               mail_on: Settings, cli: Cli, smtp_server: SmtpServer) -> None:
    invoice = make_invoice(issue=True)
    send_invoice(session, studio, invoice)
    session.commit()
    done = cli("mail", "send-now")
    assert done.exit_code == 0, said(done)
    assert "1 sent, 0 to retry, 0 failed" in said(done)
    assert smtp_server.wait_for(1)[0].rcpt_tos == ["finance@klien.example"]
    assert cli("mail", "outbox", "--status", "nonsense").exit_code == 1
