"""Book settings pages: who is a member with which role, and the audit log.

Every change goes through folio.auth.service, which checks ``user.manage`` and writes the
audit log; these pages only decide what to show. A new email address is invited: the user
is created without a usable password and gets a link (valid seven days) to choose one.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.audit.models import AuditEvent
from folio.audit.service import ACTIONS, list_events
from folio.auth.account_views import base_url, send_quietly
from folio.auth.actor import actor_of
from folio.auth.guard import can, require, role_of
from folio.auth.models import User
from folio.auth.passwords import password_problem
from folio.auth.recovery import INVITE_TTL, UNUSABLE_PASSWORD, invite_message, issue_link, link_url
from folio.auth.roles import Role
from folio.auth.service import (
    add_member,
    create_user,
    find_user,
    members_of,
    remove_member,
    require_installation_admin,
    set_role,
)
from folio.books.models import Book
from folio.deps import BookDep, SessionDep, WriteBookDep, WriteSessionDep
from folio.errors import FolioError, NotFound
from folio.mail import mail_enabled
from folio.settings import get_settings
from folio.web.forms import Blankable, field_errors
from folio.web.templating import render

router = APIRouter(include_in_schema=False)
AUDIT_PAGE_SIZE = 50
NOTICES = ("member_added", "member_invited", "role_changed", "member_removed")
VALUE_LIMIT = 200


# -- members --------------------------------------------------------------------------------

def _members_page(request: Request, session: Session, book: Book, *,
                  errors: dict[str, str] | None = None, form: dict[str, str] | None = None,
                  invite_link: str | None = None, status_code: int = 200) -> HTMLResponse:
    actor = actor_of(session)
    mine = role_of(session, actor, book)
    grantable = [r for r in Role if r is not Role.owner or mine is Role.owner or actor.is_system]
    notice = request.query_params.get("notice")
    return render(request, "auth/members.html", {
        "book": book, "members": members_of(session, book),
        "can_manage": can(session, book, "user.manage"), "roles": list(Role),
        "grantable": grantable, "my_id": actor.user_id,
        "errors": errors or {}, "form": form or {"role": Role.viewer.value},
        "invite_link": invite_link, "mail_off": not mail_enabled(get_settings()),
        "notice": notice if notice in NOTICES else None}, status_code=status_code,
        # An invitation link is a secret: keep the page out of every cache.
        headers={"Cache-Control": "no-store"} if invite_link else None)


def _done(request: Request, book: Book, notice: str) -> Response:
    path = request.app.url_path_for("members", slug=book.slug)
    return RedirectResponse(f"{path}?notice={notice}", status_code=303)


def _member(session: Session, user_id: int) -> User:
    user = session.get(User, user_id) if 0 < user_id < 2**63 else None
    if user is None:
        raise NotFound(f"No user {user_id}")
    return user


def _refused(request: Request, session: Session, book: Book, exc: FolioError,
             form: dict[str, str] | None = None) -> HTMLResponse:
    session.rollback()
    errors = field_errors(exc.errors) if form is not None else {}
    return _members_page(request, session, book, form=form,
                         errors=errors or {"": exc.detail}, status_code=exc.status)


def _throwaway_password(email: str) -> str:
    while True:  # the policy refuses one containing the email's name; try again then
        password = secrets.token_urlsafe(32)
        if password_problem(password, email) is None:
            return password


@router.get("/books/{slug}/members", name="members")
def members_page(request: Request, book: BookDep, session: SessionDep) -> HTMLResponse:
    return _members_page(request, session, book)


@router.post("/books/{slug}/members", name="members.add")
def member_add(request: Request, book: WriteBookDep, session: WriteSessionDep,
               background: BackgroundTasks,
               email: Annotated[str, Form(max_length=254)] = "",
               role: Annotated[str, Form(max_length=20)] = "",
               display_name: Annotated[str, Form(max_length=1000)] = "") -> Response:
    """Add a user who has an account; invite an address that has none."""
    form = {"email": email, "role": role, "display_name": display_name}
    try:
        require(session, book, "user.manage")
        user = find_user(session, email) if "\x00" not in email else None
        if user is not None:
            add_member(session, book, user, role)
            session.commit()
            return _done(request, book, "member_added")
        # Nobody knows this password, and the hash below matches none: the invitation
        # link is the only way in.
        user = create_user(session, email, _throwaway_password(email), display_name,
                           is_admin=False)
        user.password_hash = UNUSABLE_PASSWORD
        add_member(session, book, user, role)
        plain = issue_link(session, "reset", INVITE_TTL, user)
    except FolioError as exc:
        return _refused(request, session, book, exc, form)
    session.commit()
    link = link_url(base_url(request), plain)
    if not mail_enabled(get_settings()):
        # Shown once, to the person who invited; they pass it on themselves.
        return _members_page(request, session, book, invite_link=link)
    me = session.get(User, actor_of(session).user_id or 0)
    background.add_task(send_quietly, invite_message(
        user, link, book=book.name, role=role, inviter=me.display_name if me else "Folio"),
        "invitation")
    return _done(request, book, "member_invited")


@router.post("/books/{slug}/members/{user_id}/role", name="members.role")
def member_role(request: Request, user_id: int, book: WriteBookDep, session: WriteSessionDep,
                role: Annotated[str, Form(max_length=20)] = "") -> Response:
    try:
        set_role(session, book, _member(session, user_id), role)
    except FolioError as exc:
        return _refused(request, session, book, exc)
    session.commit()
    return _done(request, book, "role_changed")


@router.post("/books/{slug}/members/{user_id}/remove", name="members.remove")
def member_remove(request: Request, user_id: int, book: WriteBookDep,
                  session: WriteSessionDep) -> Response:
    try:
        remove_member(session, book, _member(session, user_id))
    except FolioError as exc:
        return _refused(request, session, book, exc)
    session.commit()
    return _done(request, book, "member_removed")


# -- the audit log --------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """One field of an event: ``old`` → ``new`` (None where the side has no such field)."""

    key: str
    old: str | None
    new: str | None


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= VALUE_LIMIT else text[:VALUE_LIMIT] + "…"


def _loaded(raw: str | None) -> dict[str, Any]:
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def changes(event: AuditEvent) -> list[Change]:
    """The event's before and after as a readable diff; unchanged fields are left out."""
    before, after = _loaded(event.before), _loaded(event.after)
    rows = []
    for key in sorted(set(before) | set(after)):
        old = _shown(before[key]) if key in before else None
        new = _shown(after[key]) if key in after else None
        if key in before and key in after and before[key] == after[key]:
            continue
        rows.append(Change(key, old, new))
    return rows


Day = Annotated[date | None, Blankable]


def _audit_page(request: Request, session: Session, book: Book | None, *, actor: str | None,
                action: str | None, object_type: str | None, start: date | None,
                end: date | None, page: int) -> HTMLResponse:
    result = list_events(session, book=book, actor=actor, action=action,
                         object_type=object_type, start=start, end=end, page=page,
                         page_size=AUDIT_PAGE_SIZE)
    books: dict[int, Book] = {}
    if book is None:
        ids = {e.book_id for e in result.events if e.book_id is not None}
        if ids:
            books = {b.id: b for b in session.scalars(select(Book).where(Book.id.in_(ids)))}
    filters = {"actor": actor or "", "action": action or "", "object_type": object_type or "",
               "from": start, "to": end}
    return render(request, "auth/audit.html", {
        "book": book, "result": result, "rows": [(e, changes(e)) for e in result.events],
        "event_books": books, "actions": ACTIONS, "filters": filters,
        "filtered": any(v for v in filters.values())})


@router.get("/books/{slug}/audit", name="audit")
def audit_page(request: Request, book: BookDep, session: SessionDep,
               actor: Annotated[str | None, Query(max_length=254)] = None,
               action: Annotated[str | None, Query(max_length=40)] = None,
               object_type: Annotated[str | None, Query(max_length=40)] = None,
               start: Annotated[Day, Query(alias="from")] = None,
               end: Annotated[Day, Query(alias="to")] = None,
               page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
    """The book's audit log, newest first (owners and admins)."""
    require(session, book, "audit.read")
    return _audit_page(request, session, book, actor=actor, action=action,
                       object_type=object_type, start=start, end=end, page=page)


@router.get("/admin/audit", name="admin.audit")
def admin_audit_page(request: Request, session: SessionDep,
                     actor: Annotated[str | None, Query(max_length=254)] = None,
                     action: Annotated[str | None, Query(max_length=40)] = None,
                     object_type: Annotated[str | None, Query(max_length=40)] = None,
                     start: Annotated[Day, Query(alias="from")] = None,
                     end: Annotated[Day, Query(alias="to")] = None,
                     page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> HTMLResponse:
    """Every event of the installation, sign-ins included (installation administrators)."""
    require_installation_admin(session)
    return _audit_page(request, session, None, actor=actor, action=action,
                       object_type=object_type, start=start, end=end, page=page)
