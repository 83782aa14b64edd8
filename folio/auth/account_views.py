"""Your account (profile, password, browsers, two-factor, API tokens), and the pages reached
from a link: a forgotten password, a reset or invitation link, the first-start setup link.

``router`` needs a signed-in user; ``public_router`` serves visitors who cannot sign in yet.
Secrets shown once (recovery codes, a new API token) are rendered straight from the POST
and never put in a URL or a redirect.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.auth import mfa, twofactor
from folio.auth.keys import same, sign
from folio.auth.models import User, WebSession
from folio.auth.principal import client_ip, request_id
from folio.auth.recovery import (
    INVALID_LINK,
    LinkInvalid,
    change_password,
    link_url,
    request_reset,
    reset_link_user,
    reset_message,
    reset_password,
)
from folio.auth.service import LANGUAGES, memberships_of
from folio.auth.sessions import active_sessions, cookie_name, revoke_session, start_session
from folio.auth.setup import check_setup_link, complete_setup
from folio.auth.signin import record_sign_in
from folio.auth.tokens import actor_for, create_api_token, list_api_tokens, revoke_api_token
from folio.deps import CurrentUser, PublicSessionDep, SessionDep, WriteCurrentUser, WriteSessionDep
from folio.errors import Conflict, FolioError, TooManyRequests, ValidationError
from folio.i18n import LANGUAGE_COOKIE
from folio.mail import MailError, Message, mail_enabled, send
from folio.settings import get_settings
from folio.web.forms import field_errors
from folio.web.templating import render, request_language

router = APIRouter(prefix="/account", include_in_schema=False)
public_router = APIRouter(include_in_schema=False)
log = logging.getLogger("folio.auth")

ENROL_PURPOSE = "totp-enrol"
NOTICES = ("profile_saved", "password_changed", "session_revoked", "mfa_disabled",
           "token_revoked")
Text = Annotated[str, Form(max_length=1024)]


def _errors(exc: FolioError, default_field: str = "") -> dict[str, str]:
    return field_errors(exc.errors) or {default_field: exc.detail}


def _current_web(request: Request) -> WebSession | None:
    web = getattr(request.state, "web_session", None)
    return web if isinstance(web, WebSession) else None


def _account_page(request: Request, session: Session, user: User, *,
                  errors: dict[str, str] | None = None, form: dict[str, str] | None = None,
                  status_code: int = 200) -> HTMLResponse:
    current = _current_web(request)
    notice = request.query_params.get("notice")
    return render(request, "auth/account.html", {
        "me": user, "memberships": memberships_of(session, user),
        "sessions": active_sessions(session, user),
        "current_session_id": current.id if current else None,
        "tokens": list_api_tokens(session, user),
        "recovery_left": mfa.recovery_codes_left(user.recovery_codes or "[]"),
        "errors": errors or {}, "form": form or {},
        "notice": notice if notice in NOTICES else None}, status_code=status_code)


def _back(request: Request, notice: str) -> Response:
    return RedirectResponse(f"{request.app.url_path_for('account')}?notice={notice}",
                            status_code=303)


@router.get("", name="account")
def account_page(request: Request, user: CurrentUser, session: SessionDep) -> HTMLResponse:
    return _account_page(request, session, user)


@router.post("/profile", name="account.profile")
def save_profile(request: Request, user: WriteCurrentUser, session: WriteSessionDep,
                 display_name: Annotated[str, Form(max_length=1000)] = "",
                 language: Annotated[str, Form(max_length=5)] = "") -> Response:
    """Your name as others see it, and the language of the pages and of your emails."""
    name = display_name.strip()
    form = {"display_name": display_name, "language": language}
    if not name or len(name) > 200 or not name.isprintable():
        return _account_page(request, session, user, form=form, status_code=422, errors={
            "display_name": "Enter a name of 1 to 200 characters, without line breaks"})
    if language not in LANGUAGES:
        return _account_page(request, session, user, form=form, status_code=422,
                             errors={"language": "Choose English or Bahasa Indonesia"})
    before = {"display_name": user.display_name, "language": user.language}
    user.display_name, user.language = name, language
    after = {"display_name": name, "language": language}
    if before != after:
        audit.record(session, "update", "user", user.id, before=before, after=after,
                     summary=user.email)
    session.commit()
    response = _back(request, "profile_saved")
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600, path="/",
                        samesite="lax", httponly=True, secure=request.url.scheme == "https")
    return response


@router.post("/password", name="account.password")
def save_password(request: Request, user: WriteCurrentUser, session: WriteSessionDep,
                  current_password: Text = "", password: Text = "",
                  password_again: Text = "") -> Response:
    """A new password; every other browser and API client of yours is signed out."""
    if password != password_again:
        return _account_page(request, session, user, status_code=422, errors={
            "password_again": "The two new passwords are not the same"})
    try:
        change_password(session, user, current_password, password, keep=_current_web(request))
    except ValidationError as exc:
        session.rollback()
        return _account_page(request, session, user, errors=_errors(exc, "password"),
                             status_code=exc.status)
    session.commit()
    return _back(request, "password_changed")


@router.post("/sessions/{session_id}/revoke", name="account.session_revoke")
def end_browser_session(request: Request, session_id: int, user: WriteCurrentUser,
                        session: WriteSessionDep) -> Response:
    """Sign one of your browsers out; signing out this one goes to the sign-in page."""
    web = revoke_session(session, user, session_id)
    audit.record(session, "session_revoke", "web_session", web.id,
                 summary=web.user_agent[:120])
    session.commit()
    current = _current_web(request)
    if current is not None and current.id == web.id:
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(cookie_name(), path="/")
        return response
    return _back(request, "session_revoked")


# -- two-factor sign-in ---------------------------------------------------------------------

def _enrol_signature(secret: str, user: User) -> str:
    return sign(ENROL_PURPOSE, f"{secret}:{user.id}")


def _enrol_page(request: Request, user: User, secret: str, error: str = "",
                status_code: int = 200) -> HTMLResponse:
    uri = mfa.provisioning_uri(secret, user.email)
    return render(request, "auth/two_factor_enrol.html", {
        "secret": secret, "signature": _enrol_signature(secret, user),
        "qr": mfa.qr_svg(uri), "error": error}, status_code=status_code)


@router.get("/two-factor", name="account.two_factor")
def two_factor_page(request: Request, user: CurrentUser) -> Response:
    """A new secret to scan; nothing is stored until a code from the app confirms it."""
    if user.has_mfa:
        return RedirectResponse(request.app.url_path_for("account") + "#two-factor",
                                status_code=303)
    return _enrol_page(request, user, mfa.new_secret())


@router.post("/two-factor", name="account.two_factor_enable")
def two_factor_enable(request: Request, user: WriteCurrentUser, session: WriteSessionDep,
                      secret: Annotated[str, Form(max_length=64)] = "",
                      signature: Annotated[str, Form(max_length=100)] = "",
                      code: Annotated[str, Form(max_length=20)] = "") -> Response:
    """Turn two-factor on with the secret this page showed; show the recovery codes once."""
    if not secret or not same(signature, _enrol_signature(secret, user)):
        # The secret was not the one we showed this user: start again with a new one.
        return _enrol_page(request, user, mfa.new_secret(), status_code=400,
                           error="The form was changed or has expired; scan this new code")
    try:
        codes = twofactor.enable(session, user, secret, code)
    except Conflict:
        session.rollback()
        return RedirectResponse(request.app.url_path_for("account") + "#two-factor",
                                status_code=303)
    except ValidationError as exc:
        session.rollback()
        return _enrol_page(request, user, secret, exc.detail, status_code=422)
    session.commit()
    return render(request, "auth/recovery_codes.html", {"codes": codes, "enabled": True})


@router.post("/two-factor/disable", name="account.two_factor_disable")
def two_factor_disable(request: Request, user: WriteCurrentUser, session: WriteSessionDep,
                       password: Text = "") -> Response:
    try:
        twofactor.disable(session, user, password)
    except ValidationError as exc:
        session.rollback()
        return _account_page(request, session, user, status_code=422,
                             errors={"mfa_password": exc.detail})
    session.commit()
    return _back(request, "mfa_disabled")


@router.post("/two-factor/recovery-codes", name="account.recovery_codes")
def recovery_codes(request: Request, user: WriteCurrentUser, session: WriteSessionDep,
                   password: Text = "") -> Response:
    """Ten new recovery codes (the old ones stop working); the password is asked again."""
    from folio.auth.passwords import verify_password

    if not verify_password(user.password_hash, password):
        return _account_page(request, session, user, status_code=422,
                             errors={"codes_password": "The password is wrong"})
    try:
        codes = twofactor.new_recovery_codes(session, user)
    except Conflict:
        session.rollback()
        return _back(request, "mfa_disabled")
    audit.record(session, "update", "user", user.id, summary="new recovery codes")
    session.commit()
    return render(request, "auth/recovery_codes.html", {"codes": codes, "enabled": False})


# -- API tokens -----------------------------------------------------------------------------

@router.post("/tokens", name="account.token_create")
def token_create(request: Request, user: WriteCurrentUser, session: WriteSessionDep,
                 name: Annotated[str, Form(max_length=1000)] = "",
                 scope: Annotated[str, Form(max_length=10)] = "read",
                 expires_in_days: Annotated[str, Form(max_length=10)] = "") -> Response:
    """A personal API token; the secret is on the answer to this form and nowhere else."""
    form = {"name": name, "scope": scope, "expires_in_days": expires_in_days}
    days: int | None = None
    if expires_in_days.strip():
        try:
            days = int(expires_in_days.strip())
        except ValueError:
            return _account_page(request, session, user, form=form, status_code=422, errors={
                "expires_in_days": "Enter a whole number of days, or leave it empty"})
    try:
        token, plain = create_api_token(session, user, name, scope, days)
    except ValidationError as exc:
        session.rollback()
        return _account_page(request, session, user, form=form, status_code=exc.status,
                             errors=_errors(exc, "name"))
    session.commit()
    return render(request, "auth/token_created.html", {"token": token, "secret": plain})


@router.post("/tokens/{token_id}/revoke", name="account.token_revoke")
def token_revoke(request: Request, token_id: int, user: WriteCurrentUser,
                 session: WriteSessionDep) -> Response:
    revoke_api_token(session, user, token_id)
    session.commit()
    return _back(request, "token_revoked")


# -- forgotten password and reset links ------------------------------------------------------

def base_url(request: Request) -> str:
    """Where links in emails point: PUBLIC_URL, else the address this request came to."""
    return get_settings().PUBLIC_URL.strip() or str(request.base_url)


def send_quietly(message: Message, purpose: str) -> None:
    """Send after the response (so its timing tells nothing); a failure is logged without
    the recipient or the link."""
    try:
        send(message, get_settings())
    except (MailError, FolioError) as exc:
        log.warning("could not send the %s email: %s", purpose, exc,
                    extra={"event": "mail.failed"})


@public_router.get("/password/forgot", name="password.forgot")
def forgot_page(request: Request) -> HTMLResponse:
    return render(request, "auth/forgot.html", {"sent": False, "error": "", "email": "",
                                                "mail_off": not mail_enabled(get_settings())})


@public_router.post("/password/forgot", name="password.forgot_post")
def forgot(request: Request, session: PublicSessionDep, background: BackgroundTasks,
           email: Annotated[str, Form(max_length=254)] = "") -> HTMLResponse:
    """Always the same answer, whether or not the address has an account."""
    from folio.auth.limits import check_login_rate

    settings = get_settings()
    mail_off = not mail_enabled(settings)
    try:
        check_login_rate(request.app.state.throttle, email.strip().lower()[:254],
                         client_ip(request))
    except TooManyRequests as exc:
        return render(request, "auth/forgot.html", {
            "sent": False, "error": exc.detail, "email": email, "mail_off": mail_off},
            status_code=429, headers={"Retry-After": str(exc.retry_after)})
    found = request_reset(session, email)
    session.commit()
    if mail_off:
        log.warning("a password reset was asked for, but mail is off (set SMTP_HOST)",
                    extra={"event": "mail.disabled"})
    elif found is not None:
        link = link_url(base_url(request), found.token)
        background.add_task(send_quietly, reset_message(found.user, link), "password reset")
    return render(request, "auth/forgot.html", {"sent": True, "error": "", "email": "",
                                                "mail_off": mail_off})


def _link_problem(request: Request, message: str = INVALID_LINK,
                  status_code: int = 400) -> HTMLResponse:
    return render(request, "auth/link_invalid.html", {"message": message},
                  status_code=status_code)


@public_router.get("/password/reset/{token}", name="password.reset")
def reset_page(request: Request, token: str, session: PublicSessionDep) -> HTMLResponse:
    try:
        _token, user = reset_link_user(session, token)
    except LinkInvalid:
        return _link_problem(request)
    return render(request, "auth/reset.html", {"email": user.email, "error": "",
                                               "token": token, "done": False})


@public_router.post("/password/reset/{token}", name="password.reset_post")
def reset(request: Request, token: str, session: PublicSessionDep,
          password: Text = "", password_again: Text = "") -> HTMLResponse:
    try:
        _token, user = reset_link_user(session, token)
    except LinkInvalid:
        return _link_problem(request)
    context: dict[str, Any] = {"email": user.email, "token": token, "done": False}
    if password != password_again:
        return render(request, "auth/reset.html", {
            **context, "error": "The two passwords are not the same"}, status_code=422)
    try:
        reset_password(session, token, password,
                       actor=actor_for(user, request_id=request_id(request),
                                       ip=client_ip(request)))
    except ValidationError as exc:
        session.rollback()
        return render(request, "auth/reset.html", {**context, "error": exc.detail},
                      status_code=422)
    except LinkInvalid:
        session.rollback()
        return _link_problem(request)
    session.commit()
    return render(request, "auth/reset.html", {**context, "error": "", "done": True})


# -- the first-start setup link --------------------------------------------------------------

def _setup_refused(request: Request, exc: FolioError) -> HTMLResponse:
    return _link_problem(request, exc.detail, exc.status)


@public_router.get("/setup/{token}", name="setup")
def setup_page(request: Request, token: str, session: PublicSessionDep) -> HTMLResponse:
    try:
        check_setup_link(session, token)
    except (LinkInvalid, Conflict) as exc:
        return _setup_refused(request, exc)
    return render(request, "auth/setup.html", {
        "token": token, "errors": {}, "form": {"language": request_language(request)}})


@public_router.post("/setup/{token}", name="setup_post")
def setup(request: Request, token: str, session: PublicSessionDep,
          email: Annotated[str, Form(max_length=254)] = "",
          display_name: Annotated[str, Form(max_length=1000)] = "",
          language: Annotated[str, Form(max_length=5)] = "en",
          password: Text = "", password_again: Text = "") -> Response:
    """Create the installation administrator, owner of every book, and sign them in."""
    form = {"email": email, "display_name": display_name, "language": language}

    def again(errors: dict[str, str], status_code: int = 422) -> HTMLResponse:
        return render(request, "auth/setup.html", {"token": token, "errors": errors,
                                                   "form": form}, status_code=status_code)

    try:
        check_setup_link(session, token)
    except (LinkInvalid, Conflict) as exc:
        return _setup_refused(request, exc)
    if password != password_again:
        return again({"password_again": "The two passwords are not the same"})
    ip, rid = client_ip(request), request_id(request)
    try:
        user = complete_setup(session, token, email, display_name, password,
                              language=language if language in LANGUAGES else "en",
                              ip=ip, request_id=rid)
    except (LinkInvalid, Conflict) as exc:
        session.rollback()
        if exc.errors:  # a field's conflict (the email), not a spent link
            return again(_errors(exc), exc.status)
        return _setup_refused(request, exc)
    except ValidationError as exc:
        session.rollback()
        return again(_errors(exc))
    _web, plain = start_session(session, user, ip=ip, mfa_passed=True,
                                user_agent=request.headers.get("user-agent", ""))
    record_sign_in(session, user, actor_for(user, request_id=rid, ip=ip), "setup link")
    session.commit()
    from folio.auth.views import _set_session_cookie

    response = RedirectResponse("/", status_code=303)
    _set_session_cookie(response, plain)
    response.set_cookie(LANGUAGE_COOKIE, user.language, max_age=365 * 24 * 3600, path="/",
                        samesite="lax", httponly=True, secure=request.url.scheme == "https")
    return response
