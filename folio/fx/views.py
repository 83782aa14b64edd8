"""The exchange rates page: enter or import rates, list them, and revalue at period end
(the figures are shown by a GET before anything is posted)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from folio.auth.guard import can
from folio.books.models import Book
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import FolioError, Forbidden, ValidationError
from folio.fx.rates import import_rates, list_rates, parse_rate, set_rate
from folio.fx.revaluation import Plan, list_runs, plan_revaluation, revalue
from folio.web.forms import field_errors, parse_date
from folio.web.templating import render

router = APIRouter(prefix="/books/{slug}/fx", include_in_schema=False)
MAX_PAGE_UPLOAD = 2 * 1024 * 1024
PAGE_SIZE = 50


def _page(request: Request, session: Session, book: Book, *, error: str = "",
          errors: dict[str, str] | None = None, form: dict[str, str] | None = None,
          plan: Plan | None = None, status_code: int = 200) -> HTMLResponse:
    currency = (request.query_params.get("currency") or "")[:3].upper() or None
    try:
        page = max(1, min(int(request.query_params.get("page", "1")), 1_000_000))
    except ValueError:
        page = 1
    rates = list_rates(session, book, currency=currency, page=page, page_size=PAGE_SIZE)
    return render(request, "fx/rates.html", {
        "book": book, "rates": rates, "currency": currency or "", "plan": plan,
        "runs": list_runs(session, book), "can_edit": can(session, book, "fx.manage"),
        "error": error, "errors": errors or {}, "form": form or {},
        "notice": request.query_params.get("notice")}, status_code=status_code)


@router.get("", name="fx.rates")
def rates_page(request: Request, book: BookDep, session: SessionDep,
               revalue_on: Annotated[str | None, Query(max_length=20)] = None) -> HTMLResponse:
    """The rates; with ``revalue_on``, also what a revaluation on that day would post."""
    if not revalue_on:
        return _page(request, session, book)
    try:
        plan = plan_revaluation(session, book, parse_date(revalue_on, "revalue_on"))
    except FolioError as exc:
        if isinstance(exc, Forbidden):
            raise
        return _page(request, session, book, error=exc.detail,
                     errors=field_errors(exc.errors), form={"revalue_on": revalue_on},
                     status_code=exc.status)
    return _page(request, session, book, plan=plan, form={"revalue_on": revalue_on})


def _failed(request: Request, session: Session, book: Book, exc: FolioError,
            form: dict[str, str]) -> HTMLResponse:
    session.rollback()
    if isinstance(exc, Forbidden):
        raise exc
    return _page(request, session, book, error=exc.detail, errors=field_errors(exc.errors),
                 form=form, status_code=exc.status)


def _back(request: Request, book: Book, notice: str) -> RedirectResponse:
    target = request.app.url_path_for("fx.rates", slug=book.slug)
    return RedirectResponse(f"{target}?notice={notice}", status_code=303)


@router.post("/rates", name="fx.rate_add")
def add_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
             currency: Annotated[str, Form(max_length=10)] = "",
             day: Annotated[str, Form(max_length=20)] = "",
             rate: Annotated[str, Form(max_length=40)] = "") -> Response:
    form = {"currency": currency, "day": day, "rate": rate}
    try:
        when = parse_date(day, "date")
        set_rate(session, book, currency, when, parse_rate(rate, decimal_comma=book.locale
                                                           .startswith("id")))
    except FolioError as exc:
        return _failed(request, session, book, exc, form)
    session.commit()
    return _back(request, book, "added")


@router.post("/rates/import", name="fx.rate_import")
def import_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                file: Annotated[UploadFile | None, File()] = None) -> Response:
    try:
        if file is None or not file.filename:
            raise ValidationError("Choose a CSV file", field="file")
        data = file.file.read(MAX_PAGE_UPLOAD + 1)
        if len(data) > MAX_PAGE_UPLOAD:
            raise ValidationError("The file is larger than 2 MB; import it with "
                                  "`folio fx rates import`", field="file")
        import_rates(session, book, data)
    except FolioError as exc:
        return _failed(request, session, book, exc, {})
    session.commit()
    return _back(request, book, "imported")


@router.post("/revalue", name="fx.revalue")
def revalue_page(request: Request, book: WriteBookDep, session: WriteSessionDep,
                 revalue_on: Annotated[str, Form(max_length=20)] = "") -> Response:
    form = {"revalue_on": revalue_on}
    try:
        revalue(session, book, parse_date(revalue_on, "revalue_on"))
    except FolioError as exc:
        return _failed(request, session, book, exc, form)
    session.commit()
    return _back(request, book, "revalued")
