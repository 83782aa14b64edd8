"""The entry form: new and edited drafts, the HTMX line editor and its live balance check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.clock import today
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import Conflict, FolioError
from folio.ledger.accounts import list_accounts
from folio.ledger.entry_form import (
    EntryForm,
    blank_form,
    entry_input,
    form_of,
    next_line_index,
    read_form,
    totals,
)
from folio.ledger.models import Account, JournalEntry
from folio.ledger.service import create_entry, get_entry, post_entry, update_draft
from folio.web.forms import FormDep, field_errors
from folio.web.templating import render

router = APIRouter(prefix="/books/{slug}", include_in_schema=False)


def _postable(session: Session, book: Book) -> list[Account]:
    return [a for a in list_accounts(session, book, include_inactive=False) if not a.is_group]


def _form_page(request: Request, session: Session, book: Book, form: EntryForm,
               entry: JournalEntry | None = None, errors: dict[str, str] | None = None,
               status_code: int = 200) -> HTMLResponse:
    return render(request, "ledger/entry_form.html", {
        "book": book, "form": form, "entry": entry, "errors": errors or {},
        "accounts": _postable(session, book), "totals": totals(form, book)},
        status_code=status_code)


def _save(request: Request, session: Session, book: Book, form: EntryForm, action: str,
          entry: JournalEntry | None) -> Response:
    """Create or update the draft (and post it when asked); on errors show the form again."""
    if action == "add_line":  # the line editor without JavaScript
        return _form_page(request, session, book, form.padded(extra=1), entry)
    post = action == "post"
    try:
        if entry is None:
            entry = create_entry(session, book, entry_input(form, book), post=post)
        else:
            update_draft(session, book, entry, entry_input(form, book))
            if post:
                post_entry(session, book, entry)
    except FolioError as exc:
        session.rollback()
        errors = field_errors(exc.errors)
        errors.setdefault("", exc.detail)
        return _form_page(request, session, book, form.padded(), entry, errors, exc.status)
    session.commit()
    target = request.app.url_path_for("ledger.entry", slug=book.slug, entry_id=str(entry.id))
    notice = "posted" if post else "saved"
    return RedirectResponse(f"{target}?notice={notice}", status_code=303)


@router.get("/entries/new", name="ledger.entry_new")
def entry_new(request: Request, book: BookDep, session: SessionDep) -> HTMLResponse:
    return _form_page(request, session, book, blank_form(today()))


@router.post("/entries", name="ledger.entry_create")
def entry_create(request: Request, form: FormDep, book: WriteBookDep,
                 session: WriteSessionDep) -> Response:
    return _save(request, session, book, read_form(form), str(form.get("action", "")), None)


@router.get("/entries/{entry_id}/edit", name="ledger.entry_edit")
def entry_edit(request: Request, entry_id: int, book: BookDep,
               session: SessionDep) -> HTMLResponse:
    entry = get_entry(session, book, entry_id)
    if entry.is_posted:
        raise Conflict("A posted entry cannot be changed; reverse it instead")
    return _form_page(request, session, book, form_of(entry, book).padded(), entry)


@router.post("/entries/{entry_id}", name="ledger.entry_update")
def entry_update(request: Request, entry_id: int, form: FormDep, book: WriteBookDep,
                 session: WriteSessionDep) -> Response:
    entry = get_entry(session, book, entry_id)
    return _save(request, session, book, read_form(form), str(form.get("action", "")), entry)


@router.post("/entry-form/line", name="ledger.entry_line")
def entry_line(request: Request, form: FormDep, book: BookDep,
               session: SessionDep) -> HTMLResponse:
    """One more blank row for the line editor (reads, never writes)."""
    return render(request, "ledger/_entry_line.html", {
        "book": book, "index": next_line_index(form), "row": None, "errors": {},
        "accounts": _postable(session, book)}, fragment=True)


@router.post("/entry-form/totals", name="ledger.entry_totals")
def entry_totals(request: Request, form: FormDep, book: BookDep) -> HTMLResponse:
    """Debits, credits and their difference for the form as typed so far."""
    return render(request, "ledger/_entry_totals.html",
                  {"book": book, "totals": totals(read_form(form), book)}, fragment=True)
