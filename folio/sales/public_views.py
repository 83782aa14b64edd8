"""The customer's view of a quotation at ``/q/{token}``: no account, read-only GET, and
Approve / Decline forms.

The token is the only authority: these routes use a public session (no actor) and reach
the one quotation the token names, nothing else of its book. An anonymous visitor has no
session cookie for CSRF, so the forms use a double-submit token: a random value set as a
cookie (path /q) that the form must echo. Pages are in the book's language with amounts
in the book's locale; no inline script or style (strict CSP).
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.auth.keys import same
from folio.auth.principal import client_ip, request_id
from folio.books.models import Book
from folio.clock import today
from folio.deps import PublicSessionDep
from folio.errors import Conflict, NotFound, ValidationError
from folio.parties.models import Party
from folio.sales.quotation_models import Quotation
from folio.sales.quotations import client_decision, public_quotation
from folio.settings import get_settings
from folio.tax.models import TaxCode
from folio.web.templating import environment, request_language

router = APIRouter(include_in_schema=False)
CSRF_COOKIE = "folio_quote_csrf"
CSRF_MAX_AGE = 3 * 3600
# Keep the page out of search engines and shared caches (the app sends Referrer-Policy
# same-origin, so the token never leaves in a Referer header to another site).
PRIVATE = {"X-Robots-Tag": "noindex, nofollow", "Cache-Control": "no-store"}


def book_language(book: Book) -> str:
    return "id" if book.locale.lower().startswith("id") else "en"


def _page(request: Request, template: str, context: dict[str, Any], language: str,
          status_code: int = 200) -> HTMLResponse:
    html = environment(language).get_template(template).render(
        {"request": request, "lang": language, **context})
    return HTMLResponse(html, status_code=status_code, headers=PRIVATE)


def _not_found(request: Request) -> HTMLResponse:
    return _page(request, "sales/public/not_found.html", {}, request_language(request), 404)


def _show(request: Request, session: Session, token: str, book: Book, quotation: Quotation,
          *, error: str = "", name: str = "", comment: str = "",
          status_code: int = 200) -> HTMLResponse:
    csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    taxes = {t.id: t for t in session.scalars(select(TaxCode).where(TaxCode.book_id == book.id))}
    status = quotation.status_on(today())
    response = _page(request, "sales/public/quotation.html", {
        "book": book, "quotation": quotation, "status": status, "token": token,
        "customer": session.get_one(Party, quotation.customer_id), "taxes": taxes,
        "q_csrf": csrf, "error": error, "name": name, "comment": comment,
    }, book_language(book), status_code)
    response.set_cookie(CSRF_COOKIE, csrf, max_age=CSRF_MAX_AGE, path="/q", httponly=True,
                        samesite="strict", secure=get_settings().FOLIO_ENV == "production")
    return response


@router.get("/q/{token}", name="quotation.public")
def public_page(request: Request, token: str, session: PublicSessionDep) -> Response:
    try:
        book, quotation = public_quotation(session, token)
    except NotFound:
        return _not_found(request)
    return _show(request, session, token, book, quotation)


def _decide(request: Request, session: Session, token: str, approve: bool, name: str,
            comment: str, q_csrf: str) -> Response:
    try:
        book, quotation = public_quotation(session, token)
    except NotFound:
        return _not_found(request)
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not same(cookie, q_csrf):
        return _show(request, session, token, book, quotation, name=name, comment=comment,
                     error="The form expired; please try again.", status_code=400)
    try:
        client_decision(session, token, approve=approve, name=name, comment=comment or None,
                        ip=client_ip(request), request_id=request_id(request))
    except ValidationError:
        session.rollback()
        return _show(request, session, token, book, quotation, name=name, comment=comment,
                     error="Please enter your name (and a comment of at most 1000 "
                           "characters).", status_code=422)
    except Conflict:
        session.rollback()
        return _show(request, session, token, book, quotation,
                     error="This quotation can no longer be approved or declined.",
                     status_code=409)
    session.commit()
    return RedirectResponse(str(request.app.url_path_for("quotation.public", token=token)),
                            status_code=303, headers=PRIVATE)


Name = Annotated[str, Form(max_length=200)]
Comment = Annotated[str, Form(max_length=1000)]
Csrf = Annotated[str, Form(max_length=100)]


@router.post("/q/{token}/approve", name="quotation.public_approve")
def public_approve(request: Request, token: str, session: PublicSessionDep, name: Name = "",
                   comment: Comment = "", q_csrf: Csrf = "") -> Response:
    return _decide(request, session, token, True, name, comment, q_csrf)


@router.post("/q/{token}/decline", name="quotation.public_decline")
def public_decline(request: Request, token: str, session: PublicSessionDep, name: Name = "",
                   comment: Comment = "", q_csrf: Csrf = "") -> Response:
    return _decide(request, session, token, False, name, comment, q_csrf)
