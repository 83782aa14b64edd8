"""JSON API of quotations: drafts, sending (with the public link), revisions, the customer's
decision recorded by staff, and conversion to invoices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field, StringConstraints

from folio.books.models import Book
from folio.clock import today
from folio.commerce.codes import CodeNames
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.idempotency import IdempotencyKey, idempotent
from folio.money import decimal_str
from folio.sales.api import IdQuery, Page, PageSize, _invoice_out, line_out
from folio.sales.invoices import InvoiceLineInput
from folio.sales.quotation_models import Quotation
from folio.sales.quotations import (
    Milestone,
    QuotationInput,
    convert,
    create_quotation,
    customer_name,
    delete_quotation,
    get_quotation,
    invoices_of,
    list_quotations,
    new_link,
    public_url,
    record_decision,
    revise,
    send_quotation,
    update_quotation,
)
from folio.sales.schemas import Id, InvoiceLineIn, InvoiceLineOut, InvoiceOut, Strict

router = APIRouter(prefix="/books/{slug}", tags=["quotations"])
Text2000 = Annotated[str, StringConstraints(max_length=2000)]
Status = Literal["draft", "sent", "approved", "declined", "expired", "superseded", "converted"]


class QuotationIn(Strict):
    customer_id: Id
    issue_date: dt.date | None = Field(None, description="Default today")
    valid_until: dt.date | None = Field(None, description="Default: issue date + 30 days")
    project_id: Id | None = None
    currency: Annotated[str, StringConstraints(min_length=3, max_length=3)] | None = None
    prices_include_tax: bool = False
    vat_rounding: Literal["document", "line"] = "document"
    notes: Text2000 | None = None
    terms: Text2000 | None = None
    lines: Annotated[list[InvoiceLineIn], Field(min_length=1, max_length=500)]


class QuotationOut(BaseModel):
    id: int
    number: str | None
    revision: int
    label: str
    revision_of_id: int | None
    status: str = Field(description="draft, sent, approved, declined, expired (sent and "
                                    "past valid_until), superseded or converted")
    customer_id: int
    customer: str
    project_id: int | None
    issue_date: dt.date
    valid_until: dt.date
    currency: str
    prices_include_tax: bool
    vat_rounding: str
    notes: str | None
    terms: str | None
    net_total: str
    tax_total: str
    rounding: str
    total: str
    sent_at: dt.datetime | None
    decided_at: dt.datetime | None
    decided_by: str | None
    client_name: str | None
    client_comment: str | None
    converted_at: dt.datetime | None
    invoice_ids: list[int]
    lines: list[InvoiceLineOut]


class QuotationPage(BaseModel):
    items: list[QuotationOut]
    page: int
    pages: int
    total: int


class SentQuotationOut(BaseModel):
    quotation: QuotationOut
    public_url: str = Field(description="The customer's link; shown only now (only its hash "
                                        "is kept)")


class DecisionIn(Strict):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="Who at the customer decided")
    comment: Annotated[str, StringConstraints(max_length=1000)] | None = None


class MilestoneIn(Strict):
    percent: Annotated[Decimal, Field(gt=0, le=100, max_digits=10,
                                      allow_inf_nan=False)] | None = None
    amount: Annotated[Decimal, Field(gt=0, max_digits=20, allow_inf_nan=False)] | None = None
    label: Annotated[str, StringConstraints(min_length=1, max_length=100)] | None = Field(
        None, description="Default \"Down payment\" (the last: \"Final payment\")")


class ConvertIn(Strict):
    milestones: Annotated[list[MilestoneIn], Field(max_length=24)] | None = Field(
        None, description="Empty or null: one invoice with the quotation's lines; else one "
                          "invoice per milestone, the last taking the rounding remainder")
    issue_date: dt.date | None = Field(None, description="Of the draft invoices; default today")


class ConvertOut(BaseModel):
    quotation: QuotationOut
    invoices: list[InvoiceOut]


def _out(names: CodeNames, quotation: Quotation) -> QuotationOut:
    cur = quotation.currency

    def money(units: int) -> str:
        return decimal_str(units, cur)

    session, book = names.session, names.book
    return QuotationOut(
        id=quotation.id, number=quotation.number, revision=quotation.revision,
        label=quotation.label, revision_of_id=quotation.revision_of_id,
        status=quotation.status_on(today()), customer_id=quotation.customer_id,
        customer=customer_name(session, quotation), project_id=quotation.project_id,
        issue_date=quotation.issue_date, valid_until=quotation.valid_until, currency=cur,
        prices_include_tax=quotation.prices_include_tax, vat_rounding=quotation.vat_rounding,
        notes=quotation.notes, terms=quotation.terms, net_total=money(quotation.net_total),
        tax_total=money(quotation.tax_total), rounding=money(quotation.rounding),
        total=money(quotation.total), sent_at=quotation.sent_at,
        decided_at=quotation.decided_at, decided_by=quotation.decided_by,
        client_name=quotation.client_name, client_comment=quotation.client_comment,
        converted_at=quotation.converted_at,
        invoice_ids=[i.id for i in invoices_of(session, book, quotation)],
        lines=[line_out(names, line, cur) for line in quotation.lines])


def _input(data: QuotationIn) -> QuotationInput:
    fields = data.model_dump(exclude={"lines"})
    return QuotationInput(lines=[InvoiceLineInput(**line.model_dump()) for line in data.lines],
                          **fields)


def _url(request: Request, token: str) -> str:
    return public_url(token, str(request.base_url))


def _dump(session: Any, book: Book, quotation: Quotation) -> dict[str, Any]:
    return _out(CodeNames(session, book), quotation).model_dump(mode="json")


@router.get("/quotations", response_model=QuotationPage)
def get_quotations(book: BookDep, session: SessionDep,
                   q: Annotated[str | None, Query(max_length=100)] = None,
                   status_: Annotated[Status | None, Query(alias="status")] = None,
                   customer_id: IdQuery = None, page: Page = 1,
                   page_size: PageSize = 50) -> QuotationPage:
    """Quotations, newest first, with search (number, customer) and filters."""
    result = list_quotations(session, book, search=q, status=status_, customer_id=customer_id,
                             page=page, page_size=page_size)
    names = CodeNames(session, book)
    return QuotationPage(items=[_out(names, x) for x in result.quotations], page=result.page,
                         pages=result.pages, total=result.total)


@router.post("/quotations", response_model=QuotationOut, status_code=201)
def post_quotation(data: QuotationIn, request: Request, book: WriteBookDep,
                   session: WriteSessionDep, key: IdempotencyKey = None) -> Response:
    """Save a draft quotation (numbered when sent)."""
    def run() -> tuple[int, Any]:
        return 201, _dump(session, book, create_quotation(session, book, _input(data)))
    return idempotent(request, session, key, data.model_dump(mode="json"), run)


@router.get("/quotations/{quotation_id}", response_model=QuotationOut)
def get_one_quotation(quotation_id: int, book: BookDep, session: SessionDep) -> QuotationOut:
    return _out(CodeNames(session, book), get_quotation(session, book, quotation_id))


@router.get("/quotations/{quotation_id}/pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}},
                             "description": "The quotation as a printable A4 PDF."}})
def get_quotation_pdf(quotation_id: int, book: BookDep, session: SessionDep) -> Response:
    """The quotation as a PDF; without a QR code, as its public link is known only when sent."""
    from folio.documents.pdf import quotation_pdf

    quotation = get_quotation(session, book, quotation_id)
    name = (quotation.number or f"quotation-{quotation.id}").replace("/", "-")
    return Response(quotation_pdf(session, book, quotation), media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}.pdf"'})


@router.put("/quotations/{quotation_id}", response_model=QuotationOut)
def put_quotation(quotation_id: int, data: QuotationIn, book: WriteBookDep,
                  session: WriteSessionDep) -> QuotationOut:
    """Replace a draft; a sent quotation cannot change (409; revise it)."""
    quotation = update_quotation(
        session, book, get_quotation(session, book, quotation_id, for_update=True),
        _input(data))
    session.commit()
    return _out(CodeNames(session, book), quotation)


@router.delete("/quotations/{quotation_id}", status_code=204)
def delete_one_quotation(quotation_id: int, book: WriteBookDep,
                         session: WriteSessionDep) -> Response:
    delete_quotation(session, book, get_quotation(session, book, quotation_id, for_update=True))
    session.commit()
    return Response(status_code=204)


@router.post("/quotations/{quotation_id}/send", response_model=SentQuotationOut)
def post_send(quotation_id: int, request: Request, book: WriteBookDep,
              session: WriteSessionDep) -> SentQuotationOut:
    """Number the draft, mark it sent and return the customer's public link."""
    quotation = get_quotation(session, book, quotation_id, for_update=True)
    token = send_quotation(session, book, quotation)
    session.commit()
    return SentQuotationOut(quotation=_out(CodeNames(session, book), quotation),
                            public_url=_url(request, token))


@router.post("/quotations/{quotation_id}/link", response_model=SentQuotationOut)
def post_new_link(quotation_id: int, request: Request, book: WriteBookDep,
                  session: WriteSessionDep) -> SentQuotationOut:
    """A new public link for a sent quotation; the previous link stops working."""
    quotation = get_quotation(session, book, quotation_id, for_update=True)
    token = new_link(session, book, quotation)
    session.commit()
    return SentQuotationOut(quotation=_out(CodeNames(session, book), quotation),
                            public_url=_url(request, token))


@router.post("/quotations/{quotation_id}/revise", response_model=QuotationOut, status_code=201)
def post_revise(quotation_id: int, book: WriteBookDep,
                session: WriteSessionDep) -> QuotationOut:
    """A new draft revision; the quotation it copies becomes superseded."""
    copy = revise(session, book, get_quotation(session, book, quotation_id, for_update=True))
    session.commit()
    return _out(CodeNames(session, book), copy)


def _decide(quotation_id: int, data: DecisionIn, book: Book, session: Any,
            approve: bool) -> QuotationOut:
    quotation = record_decision(session, book,
                                get_quotation(session, book, quotation_id, for_update=True),
                                approve=approve, name=data.name, comment=data.comment)
    session.commit()
    return _out(CodeNames(session, book), quotation)


@router.post("/quotations/{quotation_id}/approve", response_model=QuotationOut)
def post_approve(quotation_id: int, data: DecisionIn, book: WriteBookDep,
                 session: WriteSessionDep) -> QuotationOut:
    """Record the customer's approval given by phone or email."""
    return _decide(quotation_id, data, book, session, True)


@router.post("/quotations/{quotation_id}/decline", response_model=QuotationOut)
def post_decline(quotation_id: int, data: DecisionIn, book: WriteBookDep,
                 session: WriteSessionDep) -> QuotationOut:
    """Record that the customer declined."""
    return _decide(quotation_id, data, book, session, False)


@router.post("/quotations/{quotation_id}/convert", response_model=ConvertOut, status_code=201)
def post_convert(quotation_id: int, data: ConvertIn, request: Request, book: WriteBookDep,
                 session: WriteSessionDep, key: IdempotencyKey = None) -> Response:
    """Draft invoices from an approved quotation: in full, or one per milestone."""
    def run() -> tuple[int, Any]:
        quotation = get_quotation(session, book, quotation_id, for_update=True)
        milestones = [Milestone(**m.model_dump()) for m in data.milestones or []]
        invoices = convert(session, book, quotation, milestones, issue_date=data.issue_date)
        names = CodeNames(session, book)
        return 201, ConvertOut(quotation=_out(names, quotation),
                               invoices=[_invoice_out(names, i) for i in invoices]
                               ).model_dump(mode="json")
    return idempotent(request, session, key,
                      {"quotation": quotation_id, **data.model_dump(mode="json")}, run)
