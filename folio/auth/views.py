"""Sign-in pages: email and password, the second factor, signing out.

A browser that signs in gets a fresh session cookie (HttpOnly, SameSite=Lax, Secure and
``__Host-`` in production). With two-factor on, the first cookie only admits to the code
page; the right code replaces it with a full session (a new token, so a cookie planted
before sign-in is worth nothing).
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from folio.auth.keys import same
from folio.auth.models import User
from folio.auth.principal import client_ip, request_id
from folio.auth.sessions import (
    ABSOLUTE_TIMEOUT,
    cookie_name,
    end_session,
    find_session,
    start_session,
)
from folio.auth.signin import WRONG, record_sign_in, sign_in
from folio.auth.tokens import actor_for
from folio.auth.twofactor import check_second_factor
from folio.deps import PublicSessionDep
from folio.errors import TooManyRequests, Unauthorized
from folio.settings import get_settings
from folio.web.templating import render

router = APIRouter(include_in_schema=False)
LOGIN_CSRF_COOKIE = "folio_login_csrf"


def safe_next(next_path: str | None) -> str:
    """Only a path on this site: never an open redirect to another origin."""
    if next_path and next_path.startswith("/") and not next_path.startswith(("//", "/\\")):
        return next_path
    return "/"


def _secure() -> bool:
    return get_settings().FOLIO_ENV == "production"


def _set_session_cookie(response: Response, plain: str) -> None:
    response.set_cookie(cookie_name(), plain, max_age=int(ABSOLUTE_TIMEOUT.total_seconds()),
                        path="/", httponly=True, samesite="lax", secure=_secure())


def _login_form(request: Request, *, error: str = "", email: str = "", next_path: str = "/",
                status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    # Login CSRF: the form carries a value that must match a cookie set with it, so another
    # site cannot sign a visitor into an account of its choosing.
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    response = render(request, "auth/login.html", {
        "error": error, "email": email, "next": safe_next(next_path), "login_csrf": token},
        status_code=status_code, headers=headers)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, max_age=3600, path="/login", httponly=True,
                        samesite="lax", secure=_secure())
    return response


@router.get("/login", name="auth.login")
def login_page(request: Request, next: str = "/") -> Response:
    return _login_form(request, next_path=next)


@router.post("/login", name="auth.login_post")
def login(request: Request, session: PublicSessionDep,
          email: Annotated[str, Form(max_length=254)] = "",
          password: Annotated[str, Form(max_length=1024)] = "",
          login_csrf: Annotated[str, Form(max_length=100)] = "",
          next_path: Annotated[str, Form(alias="next", max_length=2000)] = "/") -> Response:
    """Check the password; then sign in, or ask for the second factor."""
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not same(cookie, login_csrf):
        return _login_form(request, email=email, next_path=next_path, status_code=400,
                           error="The sign-in form expired; please try again.")
    ip, rid = client_ip(request), request_id(request)
    try:
        user = sign_in(session, request.app.state.throttle, email, password, ip=ip,
                       request_id=rid)
    except TooManyRequests as exc:
        return _login_form(request, email=email, next_path=next_path, status_code=429,
                           error=exc.detail, headers={"Retry-After": str(exc.retry_after)})
    except Unauthorized:
        session.commit()  # the audit event of the failure
        return _login_form(request, email=email, next_path=next_path, status_code=401,
                           error=WRONG)
    _web, plain = start_session(session, user, ip=ip, mfa_passed=not user.has_mfa,
                                user_agent=request.headers.get("user-agent", ""))
    if not user.has_mfa:
        record_sign_in(session, user, actor_for(user, request_id=rid, ip=ip), "password")
    session.commit()
    target = safe_next(next_path) if not user.has_mfa else \
        "/login/2fa?next=" + safe_next(next_path)
    response = RedirectResponse(target, status_code=303)
    _set_session_cookie(response, plain)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


def _pending(request: Request, session: Session) -> tuple[object, User] | None:
    found = find_session(session, request.cookies.get(cookie_name(), ""))
    if found is None or found[0].mfa_passed:
        return None
    return found


@router.get("/login/2fa", name="auth.second_factor")
def second_factor_page(request: Request, session: PublicSessionDep, next: str = "/") -> Response:
    if _pending(request, session) is None:
        return RedirectResponse("/login", status_code=303)
    return render(request, "auth/second_factor.html", {"next": safe_next(next), "error": ""})


@router.post("/login/2fa", name="auth.second_factor_post")
def second_factor(request: Request, session: PublicSessionDep,
                  code: Annotated[str, Form(max_length=40)] = "",
                  next_path: Annotated[str, Form(alias="next", max_length=2000)] = "/"
                  ) -> Response:
    """The code from the authenticator app, or a recovery code."""
    pending = _pending(request, session)
    if pending is None:
        return RedirectResponse("/login", status_code=303)
    web, user = pending
    ip, rid = client_ip(request), request_id(request)
    try:
        from folio.auth.limits import check_login_rate

        check_login_rate(request.app.state.throttle, user.email, ip)
        check_second_factor(session, user, code, ip=ip)
    except (Unauthorized, TooManyRequests) as exc:
        session.commit()
        wrong = isinstance(exc, Unauthorized)
        return render(request, "auth/second_factor.html", {
            "next": safe_next(next_path),
            "error": "That code is wrong or was already used." if wrong else exc.detail},
            status_code=401 if wrong else 429)
    end_session(session, web)  # type: ignore[arg-type]
    _full, plain = start_session(session, user, ip=ip, mfa_passed=True,
                                 user_agent=request.headers.get("user-agent", ""))
    record_sign_in(session, user, actor_for(user, request_id=rid, ip=ip), "password + 2fa")
    session.commit()
    response = RedirectResponse(safe_next(next_path), status_code=303)
    _set_session_cookie(response, plain)
    return response


@router.post("/logout", name="auth.logout")
def logout(request: Request, session: PublicSessionDep,
           csrf_token: Annotated[str, Form(max_length=100)] = "") -> Response:
    """Sign this browser out (the session row is revoked, the cookie cleared)."""
    from folio.audit import service as audit
    from folio.auth.sessions import csrf_ok

    cookie = request.cookies.get(cookie_name(), "")
    found = find_session(session, cookie) if cookie else None
    presented = request.headers.get("X-CSRF-Token") or csrf_token
    if found is not None and csrf_ok(cookie, presented):
        web, user = found
        end_session(session, web)
        audit.record(session, "sign_out", "user", user.id,
                     actor=actor_for(user, request_id=request_id(request),
                                     ip=client_ip(request)))
        session.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(cookie_name(), path="/")
    return response
