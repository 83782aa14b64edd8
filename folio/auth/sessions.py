"""Browser sessions: an HttpOnly cookie with a random token, a row per signed-in browser.

The row lets a user see where they are signed in and sign a browser out. The CSRF token
is an HMAC of the session token, so it changes with every sign-in and needs no storage.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from folio.auth.keys import new_token, same, sign, token_hash
from folio.auth.models import User, WebSession
from folio.errors import NotFound
from folio.settings import get_settings

IDLE_TIMEOUT = timedelta(days=7)
ABSOLUTE_TIMEOUT = timedelta(days=30)
TOUCH_EVERY = timedelta(minutes=5)


def cookie_name() -> str:
    # __Host- binds the cookie to this exact origin over HTTPS (no Domain, Path=/, Secure).
    return "__Host-folio_session" if get_settings().FOLIO_ENV == "production" else "folio_session"


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def start_session(session: Session, user: User, *, ip: str = "", user_agent: str = "",
                  mfa_passed: bool) -> tuple[WebSession, str]:
    """A new browser session; returns the row and the cookie value."""
    plain = new_token()
    now = _now()
    row = WebSession(user_id=user.id, token_hash=token_hash(plain), mfa_passed=mfa_passed,
                     created_at=now, last_seen_at=now, expires_at=now + ABSOLUTE_TIMEOUT,
                     ip=ip[:45], user_agent=user_agent[:300])
    session.add(row)
    session.flush()
    return row, plain


def find_session(session: Session, plain: str) -> tuple[WebSession, User] | None:
    """The live session behind a cookie value and its active user, or None."""
    if not plain or len(plain) > 200:
        return None
    row = session.execute(select(WebSession, User).join(User, User.id == WebSession.user_id)
                          .where(WebSession.token_hash == token_hash(plain))).first()
    if row is None:
        return None
    web, user = row
    now = _now()
    if (web.revoked_at is not None or not user.is_active or _aware(web.expires_at) <= now
            or now - _aware(web.last_seen_at) > IDLE_TIMEOUT):
        return None
    if now - _aware(web.last_seen_at) > TOUCH_EVERY:
        web.last_seen_at = now  # session bookkeeping, not user data
    return web, user


def csrf_token(plain: str) -> str:
    return sign("csrf", token_hash(plain))


def csrf_ok(plain: str, presented: str | None) -> bool:
    return bool(presented) and same(csrf_token(plain), presented or "")


def end_session(session: Session, web: WebSession) -> None:
    if web.revoked_at is None:
        web.revoked_at = _now()
        session.flush()


def active_sessions(session: Session, user: User) -> list[WebSession]:
    now = _now()
    rows = session.scalars(select(WebSession).where(
        WebSession.user_id == user.id, WebSession.revoked_at.is_(None))
        .order_by(WebSession.last_seen_at.desc()))
    return [r for r in rows if _aware(r.expires_at) > now
            and now - _aware(r.last_seen_at) <= IDLE_TIMEOUT]


def revoke_session(session: Session, user: User, session_id: int) -> WebSession:
    """Sign one of the user's browsers out."""
    web = session.get(WebSession, session_id) if 0 < session_id < 2**63 else None
    if web is None or web.user_id != user.id:
        raise NotFound(f"No session {session_id}")
    end_session(session, web)
    return web


def revoke_all_sessions(session: Session, user: User, *, keep: WebSession | None = None) -> int:
    """Sign the user out everywhere (after a password change or reset), except ``keep``."""
    query = update(WebSession).where(WebSession.user_id == user.id,
                                     WebSession.revoked_at.is_(None))
    if keep is not None:
        query = query.where(WebSession.id != keep.id)
    return session.execute(query.values(revoked_at=_now())).rowcount or 0  # type: ignore[attr-defined]
