"""Signing in with email and password: throttled, logged for fail2ban, never telling
whether an email has an account.

A failed attempt writes one log line that deploy/fail2ban/filter.d/folio.conf matches:
``{"logger": "folio.auth", "message": "sign-in failed", "event": "auth.failed",
"ip": "...", "reason": "..."}`` (JSON, one per line). The email is not logged.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.auth.actor import Actor
from folio.auth.limits import check_login_rate, login_succeeded
from folio.auth.models import User
from folio.auth.passwords import hash_password, needs_rehash, verify_password
from folio.auth.service import find_user
from folio.auth.throttle import Throttle
from folio.errors import Unauthorized

log = logging.getLogger("folio.auth")
WRONG = "Wrong email or password"
_DUMMY: list[str] = []


def _dummy_hash() -> str:
    """A hash to verify against when there is no such user, so both paths take as long."""
    if not _DUMMY:
        _DUMMY.append(hash_password("not a password of anyone's, only for timing"))
    return _DUMMY[0]


def log_failure(ip: str, reason: str) -> None:
    log.warning("sign-in failed", extra={"event": "auth.failed", "ip": ip, "reason": reason})


def sign_in(session: Session, throttle: Throttle, email: str, password: str, *, ip: str,
            request_id: str = "") -> User:
    """The user whose password this is, or Unauthorized with one message for every cause.

    Throttled per account and per address before the password is even checked. The
    caller commits: the audit event of a failure is kept even though the request fails.
    """
    email = email.strip().lower()[:254]
    check_login_rate(throttle, email, ip)
    user = find_user(session, email) if email and "\x00" not in email else None
    ok = verify_password(user.password_hash if user else _dummy_hash(), password[:1024])
    who = Actor(label=email or "(empty)", user_id=user.id if user else None,
                request_id=request_id, ip=ip)
    if not ok or user is None or not user.is_active:
        reason = "unknown_user" if user is None else (
            "bad_password" if not ok else "inactive")
        log_failure(ip, reason)
        audit.record(session, "sign_in_failed", "user", user.id if user else "",
                     summary=reason, actor=who)
        raise Unauthorized(WRONG)
    login_succeeded(throttle, email)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = datetime.now(UTC)
    log.info("sign-in", extra={"event": "auth.ok", "ip": ip, "user_id": user.id})
    return user


def record_sign_in(session: Session, user: User, actor: Actor, method: str) -> None:
    audit.record(session, "sign_in", "user", user.id, summary=method, actor=actor)
