"""Settings pages of a book: its profile (what documents print, reminders) and its outbox
of outgoing mail. Rules and permissions stay in folio.books.profile and folio.outbox."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from folio.auth.guard import can
from folio.books.models import Book
from folio.books.profile import (
    LOGO_MAX_BYTES,
    MAX_BANK_ACCOUNTS,
    BankDetailInput,
    ProfileInput,
    bank_accounts,
    get_profile,
    logo,
    remove_logo,
    set_logo,
    update_profile,
)
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import FolioError, Forbidden, NotFound, ValidationError
from folio.mail import mail_enabled
from folio.outbox.service import STATUSES, list_outbox, retry, status_counts
from folio.settings import get_settings
from folio.web.forms import Blankable, FormDep, field_errors, text
from folio.web.templating import render

router = APIRouter(prefix="/books/{slug}/settings", include_in_schema=False)
TEXT_FIELDS = {"legal_name": 200, "address": 500, "city": 100, "postal_code": 20,
               "phone": 40, "email": 254, "website": 200, "tax_id": 40,
               "invoice_footer": 2000, "invoice_notes": 2000, "payment_terms_days": 10,
               "reminder_days": 100}


def _form_of(session: Session, book: Book) -> dict[str, Any]:
    profile = get_profile(session, book)
    fields = {name: str(getattr(profile, name) or "") for name in TEXT_FIELDS}
    if profile.payment_terms_days is None:
        fields["payment_terms_days"] = ""
    fields["reminders_enabled"] = "1" if profile.reminders_enabled else ""
    banks = [{"bank_name": b.bank_name, "account_name": b.account_name,
              "account_number": b.account_number} for b in bank_accounts(session, book)]
    return {"fields": fields, "banks": banks}


def _page(request: Request, session: Session, book: Book, form: dict[str, Any], *,
          errors: dict[str, str] | None = None, error: str = "",
          status_code: int = 200) -> HTMLResponse:
    banks = list(form["banks"])
    banks += [{"bank_name": "", "account_name": "", "account_number": ""}
              for _ in range(max(MAX_BANK_ACCOUNTS - len(banks), 0))]
    profile = get_profile(session, book)
    return render(request, "settings/profile.html", {
        "book": book, "form": form["fields"], "banks": banks[:MAX_BANK_ACCOUNTS],
        "has_logo": bool(profile.logo_path), "errors": errors or {}, "error": error,
        "can_manage": can(session, book, "book.manage"),
        "logo_kb": LOGO_MAX_BYTES // 1024, "notice": request.query_params.get("notice")},
        status_code=status_code)


@router.get("/profile", name="books.profile")
def profile_page(request: Request, book: BookDep, session: SessionDep) -> HTMLResponse:
    """The book's letterhead, bank details, document defaults and reminders."""
    return _page(request, session, book, _form_of(session, book))


def _refused(request: Request, session: Session, book: Book, exc: FolioError,
             form: dict[str, Any]) -> HTMLResponse:
    session.rollback()
    if isinstance(exc, Forbidden):
        raise exc
    return _page(request, session, book, form, errors=field_errors(exc.errors),
                 error=exc.detail, status_code=exc.status)


@router.post("/profile", name="books.profile_save")
def profile_save(request: Request, book: WriteBookDep, session: WriteSessionDep,
                 form: FormDep) -> Response:
    fields = {name: text(form, name, limit + 1) for name, limit in TEXT_FIELDS.items()}
    fields["reminders_enabled"] = "1" if form.get("reminders_enabled") else ""
    banks = [{key: text(form, f"bank-{n}-{key}", 201)
              for key in ("bank_name", "account_name", "account_number")}
             for n in range(MAX_BANK_ACCOUNTS)]
    filled = [b for b in banks if any(b.values())]
    typed: dict[str, Any] = {"fields": fields, "banks": filled}
    try:
        terms = fields["payment_terms_days"]
        if terms and not (terms.isdigit() and len(terms) <= 3):
            raise ValidationError("Enter the payment terms as a number of days",
                             field="payment_terms_days")
        update_profile(session, book, ProfileInput(
            **{name: fields[name] for name in TEXT_FIELDS
               if name not in ("payment_terms_days",)},
            payment_terms_days=int(terms) if terms else None,
            reminders_enabled=bool(fields["reminders_enabled"]),
            bank_accounts=[BankDetailInput(**b) for b in filled]))
    except FolioError as exc:
        return _refused(request, session, book, exc, typed)
    session.commit()
    target = request.app.url_path_for("books.profile", slug=book.slug)
    return RedirectResponse(f"{target}?notice=saved", status_code=303)


@router.post("/profile/logo", name="books.profile_logo")
def logo_upload(request: Request, book: WriteBookDep, session: WriteSessionDep,
                logo_file: Annotated[UploadFile, File(alias="logo")]) -> Response:
    try:
        set_logo(session, book, logo_file.file.read(LOGO_MAX_BYTES + 1))
    except FolioError as exc:
        return _refused(request, session, book, exc, _form_of(session, book))
    session.commit()
    target = request.app.url_path_for("books.profile", slug=book.slug)
    return RedirectResponse(f"{target}?notice=logo", status_code=303)


@router.post("/profile/logo/delete", name="books.profile_logo_delete")
def logo_delete(request: Request, book: WriteBookDep, session: WriteSessionDep) -> Response:
    remove_logo(session, book)
    session.commit()
    target = request.app.url_path_for("books.profile", slug=book.slug)
    return RedirectResponse(f"{target}?notice=logo_removed", status_code=303)


@router.get("/profile/logo", name="books.profile_logo_image")
def logo_image(book: BookDep, session: SessionDep) -> Response:
    found = logo(session, book)
    if found is None:
        raise NotFound("The book has no logo", field="logo")
    return Response(found[0], media_type=found[1], headers={
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
        "Cache-Control": "private, max-age=60"})


# The outbox -----------------------------------------------------------------------------

StatusFilter = Literal["queued", "sending", "sent", "failed"]


@router.get("/outbox", name="books.outbox")
def outbox_page(request: Request, book: BookDep, session: SessionDep,
                status: Annotated[StatusFilter | None, Blankable, Query()] = None,
                page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> HTMLResponse:
    """Outgoing mail with how it went; failed messages can be retried."""
    result = list_outbox(session, book, status=status, page=page, page_size=50)
    return render(request, "settings/outbox.html", {
        "book": book, "result": result, "status": status or "", "statuses": STATUSES,
        "counts": status_counts(session, book), "mail_on": mail_enabled(get_settings()),
        "notice": request.query_params.get("notice"), "error": ""})


@router.post("/outbox/{message_id}/retry", name="books.outbox_retry")
def outbox_retry(request: Request, book: WriteBookDep, session: WriteSessionDep,
                 message_id: Annotated[int, Path(ge=1, lt=2**63)]) -> Response:
    try:
        retry(session, book, message_id)
    except FolioError as exc:
        session.rollback()
        if isinstance(exc, Forbidden):
            raise
        result = list_outbox(session, book)
        return render(request, "settings/outbox.html", {
            "book": book, "result": result, "status": "", "statuses": STATUSES,
            "counts": status_counts(session, book), "mail_on": mail_enabled(get_settings()),
            "notice": None, "error": exc.detail}, status_code=exc.status)
    session.commit()
    target = request.app.url_path_for("books.outbox", slug=book.slug)
    return RedirectResponse(f"{target}?notice=retried", status_code=303)
