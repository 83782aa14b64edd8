"""JSON API of emailing documents and of the documents themselves: send an invoice,
quotation or reminder (queued in the outbox), receipt and statement PDFs, the outbox."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.idempotency import IdempotencyKey, idempotent
from folio.ops.jobs import as_utc
from folio.outbox.models import OutboxMessage
from folio.outbox.service import get_message, list_outbox, retry
from folio.parties.service import get_party
from folio.sales import reports
from folio.sales.invoices import get_invoice
from folio.sales.quotations import get_quotation
from folio.sales.sending import SendInput, send_invoice, send_quotation_mail, send_reminder

router = APIRouter(prefix="/books/{slug}")
ObjectId = Annotated[int, Path(ge=1, le=2**63 - 1)]
PDF_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}}, "description": "A printable A4 PDF."}}


class SendIn(BaseModel):
    """Leave a field out (or blank) for its default: the customer's contact email, and the
    subject and message in the book's language."""

    model_config = ConfigDict(extra="forbid")
    to: Annotated[str, StringConstraints(max_length=1000)] | None = Field(
        None, description="Comma-separated addresses", examples=["finance@client.example"])
    cc: Annotated[str, StringConstraints(max_length=1000)] | None = None
    subject: Annotated[str, StringConstraints(max_length=300)] | None = None
    message: Annotated[str, StringConstraints(max_length=20000)] | None = None


class OutboxOut(BaseModel):
    id: int
    kind: str
    object_type: str | None
    object_id: int | None
    to: str
    cc: str
    subject: str
    status: str
    attempts: int
    next_attempt_at: str
    sent_at: str | None
    last_error: str | None
    attachment_name: str | None
    created_by: str


class SentOut(BaseModel):
    message: OutboxOut
    public_url: str | None = None


class OutboxPageOut(BaseModel):
    messages: list[OutboxOut]
    total: int
    page: int
    pages: int


def outbox_out(row: OutboxMessage) -> OutboxOut:
    return OutboxOut(
        id=row.id, kind=row.kind, object_type=row.object_type, object_id=row.object_id,
        to=row.to_addresses, cc=row.cc_addresses, subject=row.subject, status=row.status,
        attempts=row.attempts, next_attempt_at=as_utc(row.next_attempt_at).isoformat(),
        sent_at=as_utc(row.sent_at).isoformat() if row.sent_at else None,
        last_error=row.last_error, attachment_name=row.attachment_name,
        created_by=row.created_by)


def send_input(body: SendIn) -> SendInput:
    return SendInput(**body.model_dump())


@router.post("/invoices/{invoice_id}/send", response_model=SentOut, status_code=202,
             tags=["invoices"])
def post_send_invoice(invoice_id: ObjectId, body: SendIn, request: Request, book: WriteBookDep,
                      session: WriteSessionDep, key: IdempotencyKey = None) -> Response:
    """Email the issued invoice with its PDF (queued; the send-mail job sends it). 409 when
    email is not set up on the server."""
    def run() -> tuple[int, Any]:
        invoice = get_invoice(session, book, invoice_id, for_update=True)
        row = send_invoice(session, book, invoice, send_input(body))
        return 202, SentOut(message=outbox_out(row)).model_dump(mode="json")
    return idempotent(request, session, key, {"invoice": invoice_id, **body.model_dump()}, run)


@router.post("/invoices/{invoice_id}/remind", response_model=SentOut, status_code=202,
             tags=["invoices"])
def post_remind_invoice(invoice_id: ObjectId, body: SendIn, request: Request,
                        book: WriteBookDep, session: WriteSessionDep,
                        key: IdempotencyKey = None) -> Response:
    """Email a payment reminder for an open invoice now (logged with the automatic ones)."""
    def run() -> tuple[int, Any]:
        invoice = get_invoice(session, book, invoice_id, for_update=True)
        row = send_reminder(session, book, invoice, send_input(body))
        return 202, SentOut(message=outbox_out(row)).model_dump(mode="json")
    return idempotent(request, session, key, {"remind": invoice_id, **body.model_dump()}, run)


class ReminderOut(BaseModel):
    stage: int | None = Field(description="Days from the due date; null: sent by hand")
    status: str
    on_date: date
    outbox_id: int | None
    created_by: str


@router.get("/invoices/{invoice_id}/reminders", response_model=list[ReminderOut],
            tags=["invoices"])
def get_reminders(invoice_id: ObjectId, book: BookDep, session: SessionDep
                  ) -> list[ReminderOut]:
    """The invoice's reminder log: each stage sent (or passed over) and those sent by hand."""
    from folio.sales.reminders import reminders_of

    invoice = get_invoice(session, book, invoice_id)
    return [ReminderOut(stage=r.stage, status=r.status, on_date=r.on_date,
                        outbox_id=r.outbox_id, created_by=r.created_by)
            for r in reminders_of(session, book, invoice)]


@router.post("/quotations/{quotation_id}/email", response_model=SentOut, status_code=202,
             tags=["quotations"])
def post_send_quotation(quotation_id: ObjectId, body: SendIn, request: Request,
                        book: WriteBookDep, session: WriteSessionDep,
                        key: IdempotencyKey = None) -> Response:
    """Email the quotation with its public link; a draft is numbered and marked sent, a sent
    one gets a new link (the old one stops working)."""
    def run() -> tuple[int, Any]:
        quotation = get_quotation(session, book, quotation_id, for_update=True)
        row, link = send_quotation_mail(session, book, quotation, send_input(body),
                                        base_url=str(request.base_url))
        return 202, SentOut(message=outbox_out(row), public_url=link).model_dump(mode="json")
    return idempotent(request, session, key, {"quotation": quotation_id, **body.model_dump()},
                      run)


@router.get("/payments/{payment_id}/receipt", response_class=Response,
            responses=PDF_RESPONSE, tags=["payments"])
def get_receipt(payment_id: ObjectId, book: BookDep, session: SessionDep) -> Response:
    """The receipt of a customer payment: amount in words, invoices settled, tax withheld."""
    from folio.documents.pdf import receipt_pdf

    name, pdf = receipt_pdf(session, book, payment_id)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


@router.get("/customers/{customer_id}/statement", response_class=Response,
            responses=PDF_RESPONSE, tags=["reports"])
def get_statement_pdf(customer_id: ObjectId, book: BookDep, session: SessionDep,
                      start: Annotated[date, Query(alias="from")],
                      end: Annotated[date, Query(alias="to")]) -> Response:
    """The customer's statement of account for the period, as a PDF."""
    from folio.documents.pdf import statement_pdf

    customer = get_party(session, book, customer_id)
    statement = reports.customer_statement(session, book, customer, start, end)
    name, pdf = statement_pdf(session, book, statement)
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


@router.get("/outbox", response_model=OutboxPageOut, tags=["outbox"])
def get_outbox(book: BookDep, session: SessionDep,
               status: Literal["queued", "sending", "sent", "failed"] | None = None,
               page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
               page_size: Annotated[int, Query(ge=1, le=200)] = 50) -> OutboxPageOut:
    """The book's outgoing mail, newest first (owners and admins)."""
    result = list_outbox(session, book, status=status, page=page, page_size=page_size)
    return OutboxPageOut(messages=[outbox_out(m) for m in result.messages],
                         total=result.total, page=result.page, pages=result.pages)


@router.get("/outbox/{message_id}", response_model=OutboxOut, tags=["outbox"])
def get_outbox_message(message_id: ObjectId, book: BookDep, session: SessionDep) -> OutboxOut:
    return outbox_out(get_message(session, book, message_id))


@router.post("/outbox/{message_id}/retry", response_model=OutboxOut, tags=["outbox"])
def post_retry(message_id: ObjectId, book: WriteBookDep, session: WriteSessionDep) -> OutboxOut:
    """Queue a failed message again now, with a fresh count of attempts."""
    row = retry(session, book, message_id)
    session.commit()
    return outbox_out(row)
