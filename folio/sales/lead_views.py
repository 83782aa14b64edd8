"""Lead pages: the pipeline board by stage, the list with filters, one lead with its
actions (move, win, lose), and the new and edit forms. Rules stay in folio.sales.leads."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.routing import NoMatchFound

from folio.auth.guard import can
from folio.auth.models import Membership, User
from folio.books.models import Book
from folio.clock import today
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import FolioError, Forbidden, ValidationError
from folio.money import from_minor
from folio.parties.models import Party
from folio.sales import leads
from folio.sales.leads_models import OPEN_STAGES, STAGES, Lead
from folio.web.forms import Blankable, FormDep, field_errors, parse_date, parse_local_amount, text
from folio.web.templating import render

router = APIRouter(prefix="/books/{slug}/leads", include_in_schema=False)
LeadId = Annotated[int, Path(ge=1, lt=2**63)]
PAGE_SIZE = 50
BOARD_SIZE = 100  # leads shown per stage on the board


def _members(session: Session, book: Book) -> list[User]:
    return list(session.scalars(select(User).join(Membership, Membership.user_id == User.id)
                                .where(Membership.book_id == book.id)
                                .order_by(User.display_name)))


def _link(request: Request, name: str, **params: Any) -> str | None:
    """The path of a page that may not be mounted (another area's), else None."""
    try:
        return str(request.app.url_path_for(name, **{k: str(v) for k, v in params.items()}))
    except NoMatchFound:
        return None


@router.get("", name="leads.board")
def board_page(request: Request, book: BookDep, session: SessionDep) -> HTMLResponse:
    """Open leads in columns by stage, with each stage's count and value."""
    columns = {stage: leads.list_leads(session, book, stage=stage, page_size=BOARD_SIZE)[0]
               for stage in OPEN_STAGES}
    return render(request, "leads/board.html", {
        "book": book, "columns": columns, "summary": leads.pipeline(session, book),
        "due": follow_ups_due(session, book, today()), "today": today(),
        "can_write": can(session, book, "party.write")})


@router.get("/list", name="leads.list")
def list_page(request: Request, book: BookDep, session: SessionDep,
              stage: Annotated[str | None, Blankable, Query(max_length=20)] = None,
              q: Annotated[str | None, Query(max_length=100)] = None,
              owner: Annotated[int | None, Blankable, Query(ge=1, lt=2**63)] = None,
              page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> HTMLResponse:
    found, total = leads.list_leads(session, book, stage=stage, search=q, owner_id=owner,
                                    page=page, page_size=PAGE_SIZE)
    return render(request, "leads/list.html", {
        "book": book, "leads": found, "total": total, "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)), "stages": STAGES,
        "members": _members(session, book),
        "owners": leads.owners(session, book, [lead.owner_id for lead in found]),
        "filters": {"stage": stage or "", "q": q or "", "owner": owner}})


def _form_page(request: Request, session: Session, book: Book, lead: Lead | None,
               form: dict[str, str], errors: dict[str, str] | None = None,
               status_code: int = 200) -> HTMLResponse:
    return render(request, "leads/form.html", {
        "book": book, "lead": lead, "form": form, "errors": errors or {},
        "stages": OPEN_STAGES, "members": _members(session, book)}, status_code=status_code)


def _form_of(book: Book, lead: Lead | None) -> dict[str, str]:
    if lead is None:
        return {"stage": "new"}
    value = from_minor(lead.estimated_value, book.base_currency)
    return {"company": lead.company, "contact_name": lead.contact_name or "",
            "email": lead.email or "", "phone": lead.phone or "", "source": lead.source or "",
            "estimated_value": format(value, "f") if lead.estimated_value else "",
            "stage": lead.stage, "owner_id": str(lead.owner_id or ""),
            "notes": lead.notes or "",
            "next_follow_up": lead.next_follow_up.isoformat() if lead.next_follow_up else ""}


def _input(book: Book, form: FormData) -> tuple[leads.LeadInput, dict[str, str]]:
    """The lead a form describes; typed values people got wrong come back as field errors."""
    errors: dict[str, str] = {}
    value, follow_up, owner = Decimal(0), None, None
    raw = text(form, "estimated_value", 40)
    if raw:
        try:
            value = parse_local_amount(raw, book.base_currency, book.locale, "estimated_value")
        except ValidationError as exc:
            errors["estimated_value"] = exc.detail
    raw = text(form, "next_follow_up", 20)
    if raw:
        try:
            follow_up = parse_date(raw, "next_follow_up")
        except ValidationError as exc:
            errors["next_follow_up"] = exc.detail
    raw = text(form, "owner_id", 20)
    if raw:
        owner = int(raw) if raw.isdigit() and len(raw) < 19 else 0
    data = leads.LeadInput(
        company=text(form, "company", 300), contact_name=text(form, "contact_name", 300),
        email=text(form, "email", 300), phone=text(form, "phone", 100),
        source=text(form, "source", 200), estimated_value=value,
        stage=text(form, "stage", 20) or "new", owner_id=owner,
        notes=text(form, "notes", 2100), next_follow_up=follow_up)
    return data, errors


def _raw(form: FormData) -> dict[str, str]:
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _to_lead(request: Request, book: Book, lead: Lead, notice: str = "") -> RedirectResponse:
    target = request.app.url_path_for("leads.lead", slug=book.slug, lead_id=str(lead.id))
    return RedirectResponse(f"{target}?notice={notice}" if notice else target, status_code=303)


@router.get("/new", name="leads.new")
def new_page(request: Request, book: BookDep, session: SessionDep) -> HTMLResponse:
    return _form_page(request, session, book, None, _form_of(book, None))


@router.post("/new", name="leads.create")
def create_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                form: FormDep) -> Response:
    data, errors = _input(book, form)
    try:
        if errors:
            raise ValidationError("The lead has errors", errors=[
                {"field": k, "message": v} for k, v in errors.items()])
        lead = leads.create_lead(session, book, data)
    except ValidationError as exc:
        session.rollback()
        return _form_page(request, session, book, None, _raw(form),
                          {**field_errors(exc.errors), **errors}, status_code=422)
    session.commit()
    return _to_lead(request, book, lead, "created")


def _lead_page(request: Request, session: Session, book: Book, lead: Lead, *,
               error: str = "", status_code: int = 200) -> HTMLResponse:
    party = session.get(Party, lead.party_id) if lead.party_id else None
    quotation_link = _link(request, "sales.quotation", slug=book.slug,
                           quotation_id=lead.quotation_id) if lead.quotation_id else None
    return render(request, "leads/lead.html", {
        "book": book, "lead": lead, "party": party, "quotation_link": quotation_link,
        "owner": leads.owners(session, book, [lead.owner_id]).get(lead.owner_id or 0),
        "stages": OPEN_STAGES, "can_write": can(session, book, "party.write"),
        "error": error, "notice": request.query_params.get("notice", "")},
        status_code=status_code)


@router.get("/{lead_id}", name="leads.lead")
def lead_page(request: Request, book: BookDep, session: SessionDep,
              lead_id: LeadId) -> HTMLResponse:
    return _lead_page(request, session, book, leads.get_lead(session, book, lead_id))


@router.get("/{lead_id}/edit", name="leads.edit")
def edit_page(request: Request, book: BookDep, session: SessionDep,
              lead_id: LeadId) -> HTMLResponse:
    lead = leads.get_lead(session, book, lead_id)
    return _form_page(request, session, book, lead, _form_of(book, lead))


@router.post("/{lead_id}/edit", name="leads.update")
def update_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                lead_id: LeadId, form: FormDep) -> Response:
    lead = leads.get_lead(session, book, lead_id)
    data, errors = _input(book, form)
    try:
        if errors:
            raise ValidationError("The lead has errors", errors=[
                {"field": k, "message": v} for k, v in errors.items()])
        leads.update_lead(session, book, lead, data)
    except ValidationError as exc:
        session.rollback()
        return _form_page(request, session, book, leads.get_lead(session, book, lead_id),
                          _raw(form), {**field_errors(exc.errors), **errors}, status_code=422)
    session.commit()
    return _to_lead(request, book, lead, "saved")


def _act(request: Request, session: Session, book: Book, lead_id: int, notice: str,
         action: Any) -> Response:
    """Run a lead action; a refusal re-shows the lead with the service's message."""
    lead = leads.get_lead(session, book, lead_id)
    try:
        action(lead)
    except FolioError as exc:
        session.rollback()
        if isinstance(exc, Forbidden):
            raise
        return _lead_page(request, session, book, leads.get_lead(session, book, lead_id),
                          error=exc.detail, status_code=exc.status)
    session.commit()
    if request.query_params.get("back") == "board":
        return RedirectResponse(str(request.app.url_path_for("leads.board", slug=book.slug)),
                                status_code=303)
    return _to_lead(request, book, lead, notice)


@router.post("/{lead_id}/move", name="leads.move")
def move_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
              lead_id: LeadId, form: FormDep) -> Response:
    stage = text(form, "stage", 20)
    return _act(request, session, book, lead_id, "moved",
                lambda lead: leads.move_lead(session, book, lead, stage))


@router.post("/{lead_id}/win", name="leads.win")
def win_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
             lead_id: LeadId, form: FormDep) -> Response:
    quotation = text(form, "start_quotation", 5) == "1"
    return _act(request, session, book, lead_id, "won",
                lambda lead: leads.win_lead(session, book, lead, start_quotation=quotation))


@router.post("/{lead_id}/lose", name="leads.lose")
def lose_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
              lead_id: LeadId, form: FormDep) -> Response:
    reason = text(form, "lost_reason", 600)
    return _act(request, session, book, lead_id, "lost",
                lambda lead: leads.lose_lead(session, book, lead, reason))


def follow_ups_due(session: Session, book: Book, day: date) -> int:
    """How many open leads have a follow-up due by ``day`` (for the board's notice)."""
    return sum(leads.list_leads(session, book, stage=stage, follow_up_by=day,
                                page_size=1)[1] for stage in OPEN_STAGES)
