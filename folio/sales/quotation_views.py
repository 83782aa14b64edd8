"""Quotation pages: the list, the draft form (with the invoices' line editor), and one
quotation with its actions: send (showing the public link once), a new link, the customer's
decision recorded by staff, revise, and conversion to invoices in full or in milestones."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload
from starlette.datastructures import FormData

from folio.auth.guard import can, require
from folio.books.models import Book
from folio.clock import today
from folio.commerce.line_form import Preview, parse_number
from folio.commerce.listing import contains, like_pattern, page_of
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import Conflict, FolioError, Forbidden, ValidationError
from folio.i18n import N_
from folio.parties.models import Party
from folio.sales.invoice_form_views import editor_context
from folio.sales.invoices import InvoiceInput
from folio.sales.page_forms import (
    QUOTATION_FIELDS,
    DocumentForm,
    check,
    preview,
    quotation_form,
    quotation_input,
    read_form,
    saved_preview,
)
from folio.sales.quotation_models import Quotation, QuotationStatus
from folio.sales.quotations import (
    DECIDABLE,
    Milestone,
    QuotationPage,
    convert,
    create_quotation,
    delete_quotation,
    get_quotation,
    invoices_of,
    new_link,
    public_url,
    record_decision,
    revise,
    send_quotation,
    update_quotation,
)
from folio.tax.models import TaxCode
from folio.web.forms import Blankable, FormDep, field_errors, parse_local_amount, text
from folio.web.templating import render

router = APIRouter(prefix="/books/{slug}/quotations", include_in_schema=False)
PAGE_SIZE = 50
MILESTONE_ROWS = 4
MILESTONE_KEY = re.compile(r"^milestones-(\d{1,2})-(percent|amount|label)$")
QuotationId = Annotated[int, Path(ge=1, lt=2**63)]
StatusFilter = Literal["draft", "sent", "approved", "declined", "expired", "superseded",
                       "converted"]


def _list(session: Session, book: Book, *, search: str | None, status: str | None,
          customer_id: int | None, start: date | None, end: date | None,
          page: int) -> QuotationPage:
    """Quotations newest first, as folio.sales.quotations.list_quotations filters them,
    and also by date (which that service does not take)."""
    require(session, book, "report.read")
    query = select(Quotation).where(Quotation.book_id == book.id)
    day = today()
    if status == QuotationStatus.EXPIRED.value:
        query = query.where(Quotation.status == DECIDABLE, Quotation.valid_until < day)
    elif status == QuotationStatus.SENT.value:
        query = query.where(Quotation.status == DECIDABLE, Quotation.valid_until >= day)
    elif status is not None:
        query = query.where(Quotation.status == status)
    if customer_id is not None:
        query = query.where(Quotation.customer_id == customer_id)
    if start is not None:
        query = query.where(Quotation.issue_date >= start)
    if end is not None:
        query = query.where(Quotation.issue_date <= end)
    like = like_pattern(search)
    if like is not None:
        names = select(Party.id).where(Party.book_id == book.id, contains(Party.name, like))
        query = query.where(or_(contains(Quotation.number, like),
                                Quotation.customer_id.in_(names)))
    rows, total = page_of(session, query,
                          order_by=(Quotation.issue_date.desc(), Quotation.id.desc()),
                          page=page, page_size=PAGE_SIZE,
                          load=(selectinload(Quotation.lines),))
    return QuotationPage(rows, total, page, PAGE_SIZE)


def _customers(session: Session, book: Book) -> list[Party]:
    return list(session.scalars(select(Party).where(
        Party.book_id == book.id, Party.is_customer.is_(True)).order_by(Party.name)))


@router.get("", name="sales.quotations")
def quotations_page(
    request: Request, book: BookDep, session: SessionDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    status: Annotated[StatusFilter | None, Blankable, Query()] = None,
    customer: Annotated[int | None, Blankable, Query(ge=1, lt=2**63)] = None,
    start: Annotated[date | None, Blankable, Query(alias="from")] = None,
    end: Annotated[date | None, Blankable, Query(alias="to")] = None,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    """Quotations newest first, searchable by number or customer."""
    result = _list(session, book, search=q, status=status, customer_id=customer,
                   start=start, end=end, page=page)
    customers = _customers(session, book)
    return render(request, "sales/quotations.html", {
        "book": book, "result": result, "customers": customers,
        "names": {c.id: c.name for c in customers}, "today": today(),
        "can_draft": can(session, book, "sales.draft"),
        "notice": request.query_params.get("notice"),
        "filters": {"q": q or "", "status": status or "", "customer": customer,
                    "from": start.isoformat() if start else "",
                    "to": end.isoformat() if end else ""}})


# The draft form ----------------------------------------------------------------------

def _form_page(request: Request, session: Session, book: Book, form: DocumentForm,
               quotation: Quotation | None = None, errors: dict[str, str] | None = None,
               status_code: int = 200, totals: Preview | None = None) -> HTMLResponse:
    if totals is None:
        data, form_errors = quotation_input(form, book)
        totals = preview(session, book, InvoiceInput(
            customer_id=data.customer_id, lines=data.lines,
            prices_include_tax=data.prices_include_tax, vat_rounding=data.vat_rounding),
            form_errors)
    return render(request, "sales/quotation_form.html", {
        "book": book, "form": form, "quotation": quotation, "errors": errors or {},
        "preview": totals, **editor_context(session, book)}, status_code=status_code)


def _save(request: Request, session: Session, book: Book, form: DocumentForm, action: str,
          quotation: Quotation | None) -> Response:
    if action == "add_line":
        return _form_page(request, session, book, form.padded(extra=1), quotation)
    data, form_errors = quotation_input(form, book)
    try:
        if quotation is None:
            quotation = check(form_errors, lambda: create_quotation(session, book, data))
        else:
            draft = quotation
            quotation = check(form_errors,
                              lambda: update_quotation(session, book, draft, data))
    except FolioError as exc:
        session.rollback()
        if isinstance(exc, Forbidden):
            raise
        errors = field_errors(exc.errors)
        errors.setdefault("", exc.detail)
        return _form_page(request, session, book, form.padded(), quotation, errors,
                          exc.status)
    session.commit()
    return _done(request, book, quotation, "saved")


@router.get("/new", name="sales.quotation_new")
def quotation_new(request: Request, book: BookDep, session: SessionDep) -> HTMLResponse:
    form = DocumentForm({"issue_date": today().isoformat(), "currency": book.base_currency,
                         "vat_rounding": "document"})
    return _form_page(request, session, book, form.padded(),
                      totals=Preview(currency=book.base_currency))


@router.post("/new", name="sales.quotation_create")
def quotation_create(request: Request, form: FormDep, book: WriteBookDep,
                     session: WriteSessionDep) -> Response:
    return _save(request, session, book, read_form(form, QUOTATION_FIELDS),
                 str(form.get("action", "")), None)


def _draft(session: Session, book: Book, quotation_id: int) -> Quotation:
    quotation = get_quotation(session, book, quotation_id)
    if quotation.status != QuotationStatus.DRAFT.value:
        raise Conflict(f"Quotation {quotation.label} is {quotation.status_on(today())}; only a "
                       f"draft can change (revise it instead)")
    return quotation


@router.get("/{quotation_id}/edit", name="sales.quotation_edit")
def quotation_edit(request: Request, book: BookDep, session: SessionDep,
                   quotation_id: QuotationId) -> HTMLResponse:
    quotation = _draft(session, book, quotation_id)
    return _form_page(request, session, book,
                      quotation_form(session, book, quotation).padded(), quotation,
                      totals=saved_preview(quotation, session))


@router.post("/{quotation_id}/edit", name="sales.quotation_update")
def quotation_update(request: Request, form: FormDep, book: WriteBookDep,
                     session: WriteSessionDep, quotation_id: QuotationId) -> Response:
    quotation = _draft(session, book, quotation_id)
    return _save(request, session, book, read_form(form, QUOTATION_FIELDS),
                 str(form.get("action", "")), quotation)


# One quotation and its actions ---------------------------------------------------------

def _history(quotation: Quotation) -> list[tuple[object, str, str]]:
    """What happened to the quotation, oldest first: (when, what, who)."""
    events: list[tuple[object, str, str]] = [(quotation.created_at, "created", "")]
    if quotation.sent_at:
        events.append((quotation.sent_at, "sent", ""))
    if quotation.decided_at:
        events.append((quotation.decided_at, "decided", quotation.client_name or ""))
    if quotation.converted_at:
        events.append((quotation.converted_at, "converted", ""))
    return events


def _page(request: Request, session: Session, book: Book, quotation: Quotation, *,
          link: str = "", error: str = "", errors: dict[str, str] | None = None,
          form: dict[str, str] | None = None, status_code: int = 200,
          notice: str | None = None) -> HTMLResponse:
    status = quotation.status_on(today())
    may_issue = can(session, book, "sales.issue")
    may_draft = can(session, book, "sales.draft")
    revisions = list(session.scalars(select(Quotation).where(
        Quotation.book_id == book.id, Quotation.number == quotation.number,
        Quotation.id != quotation.id).order_by(Quotation.revision))) \
        if quotation.number else []
    return render(request, "sales/quotation.html", {
        "book": book, "quotation": quotation, "status": status,
        "customer": session.get_one(Party, quotation.customer_id),
        "tax_codes": {c.id: c.code for c in session.scalars(
            select(TaxCode).where(TaxCode.book_id == book.id))},
        "invoices": invoices_of(session, book, quotation), "revisions": revisions,
        "history": _history(quotation), "link": link,
        "can_edit": may_draft and status == QuotationStatus.DRAFT.value,
        "can_send": may_issue and status == QuotationStatus.DRAFT.value,
        "can_link": may_issue and status == DECIDABLE,
        "can_decide": may_issue and status == DECIDABLE,
        "can_revise": may_draft and status in (DECIDABLE, QuotationStatus.DECLINED.value,
                                               QuotationStatus.EXPIRED.value),
        "can_convert": may_issue and status == QuotationStatus.APPROVED.value,
        "can_email": may_issue,
        "milestone_rows": range(MILESTONE_ROWS), "today": today().isoformat(),
        "error": error, "errors": errors or {}, "form": form or {},
        "notice": notice or request.query_params.get("notice")}, status_code=status_code)


def _done(request: Request, book: Book, quotation: Quotation, notice: str) -> Response:
    target = request.app.url_path_for("sales.quotation", slug=book.slug,
                                      quotation_id=quotation.id)
    return RedirectResponse(f"{target}?notice={notice}", status_code=303)


def _failed(request: Request, session: Session, book: Book, quotation_id: int,
            exc: FolioError, form: dict[str, str] | None = None) -> HTMLResponse:
    session.rollback()
    if isinstance(exc, Forbidden):
        raise exc
    errors = {e["field"]: e["message"] for e in exc.errors if e.get("field")}
    return _page(request, session, book, get_quotation(session, book, quotation_id),
                 error=exc.detail, errors=errors, form=form, status_code=exc.status)


@router.get("/{quotation_id}", name="sales.quotation")
def quotation_page(request: Request, book: BookDep, session: SessionDep,
                   quotation_id: QuotationId) -> HTMLResponse:
    return _page(request, session, book, get_quotation(session, book, quotation_id))


@router.post("/{quotation_id}/delete", name="sales.quotation_delete")
def delete_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                quotation_id: QuotationId) -> Response:
    try:
        delete_quotation(session, book,
                         get_quotation(session, book, quotation_id, for_update=True))
    except FolioError as exc:
        return _failed(request, session, book, quotation_id, exc)
    session.commit()
    target = request.app.url_path_for("sales.quotations", slug=book.slug)
    return RedirectResponse(f"{target}?notice=deleted", status_code=303)


def _with_link(request: Request, session: Session, book: Book, quotation: Quotation,
               token: str, notice: str) -> HTMLResponse:
    """The quotation with its public link, shown this once (only its hash is kept)."""
    session.commit()
    link = public_url(token, str(request.base_url))
    response = _page(request, session, book, quotation, link=link, notice=notice)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/{quotation_id}/send", name="sales.quotation_send")
def send_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
              quotation_id: QuotationId) -> Response:
    """Number the draft, mark it sent and show the customer's link."""
    try:
        quotation = get_quotation(session, book, quotation_id, for_update=True)
        token = send_quotation(session, book, quotation)
    except FolioError as exc:
        return _failed(request, session, book, quotation_id, exc)
    return _with_link(request, session, book, quotation, token, "sent")


@router.post("/{quotation_id}/link", name="sales.quotation_link")
def link_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
              quotation_id: QuotationId) -> Response:
    """A new public link; the previous one stops working."""
    try:
        quotation = get_quotation(session, book, quotation_id, for_update=True)
        token = new_link(session, book, quotation)
    except FolioError as exc:
        return _failed(request, session, book, quotation_id, exc)
    return _with_link(request, session, book, quotation, token, "link")


@router.post("/{quotation_id}/decision", name="sales.quotation_decide")
def decide_page(request: Request, form: FormDep, book: WriteBookDep,
                session: WriteSessionDep, quotation_id: QuotationId) -> Response:
    """Record the customer's approval or refusal given by phone or email."""
    typed = {"name": text(form, "name", 200), "comment": text(form, "comment", 1000)}
    decision = text(form, "decision", 10)
    try:
        if decision not in ("approve", "decline"):
            raise ValidationError(N_("Choose approve or decline"), field="decision")
        quotation = record_decision(
            session, book, get_quotation(session, book, quotation_id, for_update=True),
            approve=decision == "approve", name=typed["name"],
            comment=typed["comment"] or None)
    except FolioError as exc:
        return _failed(request, session, book, quotation_id, exc, typed)
    session.commit()
    return _done(request, book, quotation, "approved" if decision == "approve" else "declined")


@router.post("/{quotation_id}/revise", name="sales.quotation_revise")
def revise_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                quotation_id: QuotationId) -> Response:
    """A new draft revision to change and send again; this one becomes superseded."""
    try:
        copy = revise(session, book,
                      get_quotation(session, book, quotation_id, for_update=True))
    except FolioError as exc:
        return _failed(request, session, book, quotation_id, exc)
    session.commit()
    return _done(request, book, copy, "revised")


def _milestones(form: FormData, book: Book) -> list[Milestone]:
    """The milestone rows filled in, in order; blank rows are skipped."""
    rows: dict[int, dict[str, str]] = {}
    for key in form:
        match = MILESTONE_KEY.match(key)
        if match:
            rows.setdefault(int(match[1]), {})[match[2]] = text(form, key, 100)
    errors: list[dict[str, str]] = []
    made: list[Milestone] = []
    for _, row in sorted(rows.items()):
        percent, amount = row.get("percent", ""), row.get("amount", "")
        if not (percent or amount):
            continue
        at = f"milestones[{len(made)}]"
        try:
            made.append(Milestone(
                percent=parse_number(percent, book.locale, f"{at}.percent")
                if percent else None,
                amount=parse_local_amount(amount, book.base_currency, book.locale,
                                          f"{at}.amount") if amount else None,
                label=row.get("label") or None))
        except ValidationError as exc:
            errors.extend(exc.errors)
    if errors:
        raise ValidationError(errors[0]["message"], errors=errors)
    if not made:
        raise ValidationError(N_("Enter a percentage or an amount for each milestone"),
                              field="milestones")
    return made


@router.post("/{quotation_id}/convert", name="sales.quotation_convert")
def convert_page(request: Request, form: FormDep, book: WriteBookDep,
                 session: WriteSessionDep, quotation_id: QuotationId) -> Response:
    """Draft invoices from the approved quotation: one in full, or one per milestone."""
    typed = {key: text(form, key, 100) for key in form if isinstance(form.get(key), str)}
    try:
        quotation = get_quotation(session, book, quotation_id, for_update=True)
        on = text(form, "issue_date", 20)
        try:
            day = date.fromisoformat(on) if on else None
        except ValueError:
            raise ValidationError("enter a date as YYYY-MM-DD", field="issue_date") from None
        split = text(form, "mode", 12) == "milestones"
        invoices = convert(session, book, quotation,
                           _milestones(form, book) if split else None, issue_date=day)
    except FolioError as exc:
        return _failed(request, session, book, quotation_id, exc, typed)
    session.commit()
    if len(invoices) == 1:
        target = request.app.url_path_for("sales.invoice", slug=book.slug,
                                          invoice_id=invoices[0].id)
        return RedirectResponse(f"{target}?notice=converted", status_code=303)
    return _done(request, book, quotation, "converted")
