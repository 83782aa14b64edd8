"""Recurring invoice pages: the list of schedules, a new schedule (with the line editor),
one schedule with the invoices it made, pause, resume and delete."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from folio import clock
from folio.books.models import Book
from folio.commerce.line_form import LineRow, Preview, padded, parse_rows, quantity_text, read_rows
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import FolioError, Forbidden
from folio.money import format_number, from_minor
from folio.parties.models import Party
from folio.sales.invoice_form_views import editor_context
from folio.sales.invoices import InvoiceInput, InvoiceLineInput
from folio.sales.page_forms import check, preview
from folio.sales.recurring import (
    FREQUENCIES,
    ScheduleInput,
    create_schedule,
    delete_schedule,
    estimated_net,
    get_schedule,
    list_schedules,
    runs_of,
    set_paused,
    update_schedule,
)
from folio.sales.recurring_models import RecurringInvoice
from folio.web.forms import FormDep, field_errors, text
from folio.web.templating import render

router = APIRouter(prefix="/books/{slug}/recurring", include_in_schema=False)
ScheduleId = Annotated[int, Path(ge=1, lt=2**63)]
FIELDS = {"name": 200, "customer_id": 20, "frequency": 20, "interval": 3, "start_date": 10,
          "end_date": 10, "max_count": 5, "due_days": 4, "withholding_code": 20,
          "reference": 100, "notes": 2000}
CHECKS = ("auto_issue", "auto_email", "prices_include_tax")
Errors = list[dict[str, str]]


def _number(form: dict[str, str], name: str, errors: Errors) -> int | None:
    value = form.get(name, "")
    if not value:
        return None
    if not value.isdigit() or len(value) > 6:
        errors.append({"field": name, "message": "a whole number"})
        return None
    return int(value)


def _date(form: dict[str, str], name: str, errors: Errors) -> date | None:
    value = form.get(name, "")
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append({"field": name, "message": "a date as YYYY-MM-DD"})
        return None


def _read(raw: FormData) -> tuple[dict[str, str], list[LineRow]]:
    form = {name: text(raw, name, limit + 1) for name, limit in FIELDS.items()}
    form.update({name: "1" if raw.get(name) in ("1", "on", "true") else "" for name in CHECKS})
    return form, read_rows(raw)


def _input(book: Book, form: dict[str, str], rows: list[LineRow]
           ) -> tuple[ScheduleInput, Errors]:
    errors: Errors = []
    values, line_errors = parse_rows(rows, book.base_currency, book.locale)
    errors.extend(line_errors)
    customer = _number(form, "customer_id", errors)
    if customer is None and not any(e["field"] == "customer_id" for e in errors):
        errors.append({"field": "customer_id", "message": "choose a customer"})
    data = ScheduleInput(
        name=form["name"], customer_id=customer or 0,
        lines=[InvoiceLineInput(**v.invoice_fields()) for v in values],  # type: ignore[arg-type]
        frequency=form["frequency"] or "monthly",
        interval=_number(form, "interval", errors) or 1,
        start_date=_date(form, "start_date", errors), end_date=_date(form, "end_date", errors),
        max_count=_number(form, "max_count", errors), due_days=_number(form, "due_days", errors),
        auto_issue=bool(form["auto_issue"]), auto_email=bool(form["auto_email"]),
        prices_include_tax=bool(form["prices_include_tax"]),
        withholding_code=form["withholding_code"] or None, reference=form["reference"],
        notes=form["notes"])
    return data, errors


def _preview(session: Session, book: Book, data: ScheduleInput, errors: Errors) -> Preview:
    return preview(session, book, InvoiceInput(
        customer_id=data.customer_id, lines=data.lines,
        prices_include_tax=data.prices_include_tax,
        withholding_code=data.withholding_code), errors)


def _form_page(request: Request, session: Session, book: Book, form: dict[str, str],
               rows: list[LineRow], schedule: RecurringInvoice | None = None,
               errors: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    data, form_errors = _input(book, form, rows)
    return render(request, "sales/recurring_form.html", {
        "book": book, "form": form, "rows": padded(rows), "schedule": schedule,
        "errors": errors or {}, "frequencies": FREQUENCIES,
        "preview": _preview(session, book, data, form_errors) if rows
        else Preview(currency=book.base_currency), **editor_context(session, book)},
        status_code=status_code)


@router.get("", name="sales.recurring")
def recurring_list(request: Request, book: BookDep, session: SessionDep) -> HTMLResponse:
    result = list_schedules(session, book, page_size=500)
    names = {p.id: p.name for p in session.query(Party).filter(Party.book_id == book.id)}
    return render(request, "sales/recurring_list.html", {
        "book": book, "schedules": result.schedules, "names": names,
        "estimates": {s.id: estimated_net(s) for s in result.schedules},
        "notice": request.query_params.get("notice")})


@router.get("/new", name="sales.recurring_new")
def recurring_new(request: Request, book: BookDep, session: SessionDep) -> HTMLResponse:
    form = {name: "" for name in (*FIELDS, *CHECKS)}
    form.update(frequency="monthly", interval="1", start_date=clock.today().isoformat())
    return _form_page(request, session, book, form, [])


def _saved(request: Request, book: Book, schedule: RecurringInvoice, notice: str) -> Response:
    target = request.app.url_path_for("sales.recurring_one", slug=book.slug,
                                      schedule_id=schedule.id)
    return RedirectResponse(f"{target}?notice={notice}", status_code=303)


def _save(request: Request, session: Session, book: Book, raw: FormData,
          schedule: RecurringInvoice | None) -> Response:
    form, rows = _read(raw)
    if raw.get("action") == "add_line":
        return _form_page(request, session, book, form, padded(rows, 1), schedule)
    data, form_errors = _input(book, form, rows)
    try:
        if schedule is None:
            saved = check(form_errors, lambda: create_schedule(session, book, data))
        else:
            existing = schedule
            saved = check(form_errors, lambda: update_schedule(session, book, existing, data))
    except FolioError as exc:
        session.rollback()
        if isinstance(exc, Forbidden):
            raise
        errors = field_errors(exc.errors)
        errors.setdefault("", exc.detail)
        return _form_page(request, session, book, form, rows, schedule, errors, exc.status)
    session.commit()
    return _saved(request, book, saved, "saved")


@router.post("/new", name="sales.recurring_create")
def recurring_create(request: Request, raw: FormDep, book: WriteBookDep,
                     session: WriteSessionDep) -> Response:
    return _save(request, session, book, raw, None)


def _rows_of(book: Book, schedule: RecurringInvoice) -> list[LineRow]:
    cur = schedule.currency
    return [LineRow(item=str(line.item_id or ""), description=line.description or "",
                    quantity=quantity_text(line.quantity, book.locale),
                    unit_price=format_number(from_minor(line.unit_price, cur), cur, book.locale)
                    if line.unit_price is not None else "",
                    discount_percent=quantity_text(line.discount_percent, book.locale)
                    if line.discount_percent else "",
                    tax_code=line.tax_code or "", account=line.account or "")
            for line in schedule.lines]


def _form_of(schedule: RecurringInvoice) -> dict[str, str]:
    def plain(value: Any) -> str:
        return "" if value is None else str(value)

    form = {name: plain(getattr(schedule, name)) for name in FIELDS}
    form.update({name: "1" if getattr(schedule, name) else "" for name in CHECKS})
    for name in ("start_date", "end_date"):
        value = getattr(schedule, name)
        form[name] = value.isoformat() if value else ""
    return form


@router.get("/{schedule_id}", name="sales.recurring_one")
def recurring_one(request: Request, book: BookDep, session: SessionDep,
                  schedule_id: ScheduleId) -> HTMLResponse:
    schedule = get_schedule(session, book, schedule_id)
    return render(request, "sales/recurring.html", {
        "book": book, "schedule": schedule, "runs": runs_of(session, book, schedule),
        "customer": session.get_one(Party, schedule.customer_id),
        "estimate": estimated_net(schedule), "notice": request.query_params.get("notice"),
        "error": "", "overdue": set()})


@router.get("/{schedule_id}/edit", name="sales.recurring_edit")
def recurring_edit(request: Request, book: BookDep, session: SessionDep,
                   schedule_id: ScheduleId) -> HTMLResponse:
    schedule = get_schedule(session, book, schedule_id)
    return _form_page(request, session, book, _form_of(schedule), _rows_of(book, schedule),
                      schedule)


@router.post("/{schedule_id}/edit", name="sales.recurring_update")
def recurring_update(request: Request, raw: FormDep, book: WriteBookDep,
                     session: WriteSessionDep, schedule_id: ScheduleId) -> Response:
    return _save(request, session, book, raw,
                 get_schedule(session, book, schedule_id, for_update=True))


def _act(request: Request, session: Session, book: Book, schedule_id: int, action: str
         ) -> Response:
    schedule = get_schedule(session, book, schedule_id, for_update=True)
    try:
        if action == "delete":
            delete_schedule(session, book, schedule)
        else:
            set_paused(session, book, schedule, action == "pause")
    except FolioError as exc:
        session.rollback()
        if isinstance(exc, Forbidden):
            raise
        schedule = get_schedule(session, book, schedule_id)
        return render(request, "sales/recurring.html", {
            "book": book, "schedule": schedule, "runs": runs_of(session, book, schedule),
            "customer": session.get_one(Party, schedule.customer_id),
            "estimate": estimated_net(schedule), "notice": None, "error": exc.detail,
            "overdue": set()},
            status_code=exc.status)
    session.commit()
    if action == "delete":
        target = request.app.url_path_for("sales.recurring", slug=book.slug)
        return RedirectResponse(f"{target}?notice=deleted", status_code=303)
    return _saved(request, book, schedule, action + "d")


@router.post("/{schedule_id}/pause", name="sales.recurring_pause")
def recurring_pause(request: Request, book: WriteBookDep, session: WriteSessionDep,
                    schedule_id: ScheduleId) -> Response:
    return _act(request, session, book, schedule_id, "pause")


@router.post("/{schedule_id}/resume", name="sales.recurring_resume")
def recurring_resume(request: Request, book: WriteBookDep, session: WriteSessionDep,
                     schedule_id: ScheduleId) -> Response:
    return _act(request, session, book, schedule_id, "resume")


@router.post("/{schedule_id}/delete", name="sales.recurring_delete")
def recurring_delete(request: Request, book: WriteBookDep, session: WriteSessionDep,
                     schedule_id: ScheduleId) -> Response:
    return _act(request, session, book, schedule_id, "delete")
