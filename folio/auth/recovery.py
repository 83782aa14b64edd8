"""Changing a password, and getting a new one through a link sent by email.

A reset link is a random single-use token (its SHA-256 is stored) that expires after an
hour; an invitation to a new member uses the same kind of link, valid for seven days.
Setting a new password either way signs the user out everywhere else: their browser
sessions and API refresh tokens stop working, so whoever knew the old password is out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.auth.actor import Actor
from folio.auth.keys import new_token, token_hash
from folio.auth.models import OneTimeToken, RefreshToken, User, WebSession
from folio.auth.passwords import check_password, hash_password, verify_password
from folio.auth.service import find_user
from folio.auth.sessions import revoke_all_sessions
from folio.errors import FolioError, ValidationError
from folio.i18n import N_, translations
from folio.mail import Message

log = logging.getLogger("folio.auth")

RESET_TTL = timedelta(hours=1)
INVITE_TTL = timedelta(days=7)
# A hash that matches no password: an invited user signs in only after choosing one.
UNUSABLE_PASSWORD = "!unusable"  # noqa: S105 - not a password: no hash looks like it


class LinkInvalid(FolioError):
    """A link token that is unknown, used or expired: one message for all three."""

    status = 400
    title = "Link not valid"
    slug = "link-not-valid"


INVALID_LINK = N_("This link is not valid any more: it was already used, it expired, or it "
                  "was copied incompletely. Ask for a new one.")


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def issue_link(session: Session, purpose: str, ttl: timedelta,
               user: User | None = None) -> str:
    """A new single-use token for ``purpose``; returns the secret (only its hash is kept)."""
    plain = new_token()
    now = _now()
    session.add(OneTimeToken(purpose=purpose, user_id=user.id if user else None,
                             token_hash=token_hash(plain), created_at=now,
                             expires_at=now + ttl))
    session.flush()
    return plain


def redeem_link(session: Session, purpose: str, plain: str) -> OneTimeToken:
    """The live token behind ``plain`` (locked for this transaction), or LinkInvalid."""
    if not plain or len(plain) > 200:
        raise LinkInvalid(INVALID_LINK)
    token = session.scalar(select(OneTimeToken).where(
        OneTimeToken.token_hash == token_hash(plain), OneTimeToken.purpose == purpose)
        .with_for_update())
    if token is None or token.used_at is not None or _aware(token.expires_at) <= _now():
        raise LinkInvalid(INVALID_LINK)
    return token


def reset_link_user(session: Session, plain: str) -> tuple[OneTimeToken, User]:
    """The reset token and its active user, or LinkInvalid."""
    token = redeem_link(session, "reset", plain)
    user = session.get(User, token.user_id) if token.user_id is not None else None
    if user is None or not user.is_active:
        raise LinkInvalid(INVALID_LINK)
    return token, user


@dataclass(frozen=True)
class ResetRequest:
    user: User
    token: str


def request_reset(session: Session, email: str) -> ResetRequest | None:
    """A reset link for the active user with ``email``, or None when there is none.

    Both paths make a token and query the table, so the time taken does not tell whether
    the account exists; the caller shows the same words either way.
    """
    email = email.strip().lower()[:254]
    user = find_user(session, email) if email and "\x00" not in email else None
    plain = new_token()
    now = _now()
    row = OneTimeToken(purpose="reset", user_id=user.id if user else None,
                       token_hash=token_hash(plain), created_at=now,
                       expires_at=now + RESET_TTL)
    if user is None or not user.is_active:
        # The same insert, undone: nobody gets a link, and it takes as long.
        with session.begin_nested() as savepoint:
            session.add(row)
            session.flush()
            savepoint.rollback()
        return None
    session.add(row)
    session.flush()
    return ResetRequest(user=user, token=plain)


def revoke_refresh_tokens(session: Session, user: User) -> None:
    """Every API refresh family of ``user`` (and so its access tokens) stops working."""
    session.execute(update(RefreshToken).where(RefreshToken.user_id == user.id,
                                               RefreshToken.revoked_at.is_(None))
                    .values(revoked_at=_now()))


def _set_password(session: Session, user: User, password: str) -> None:
    check_password(password, user.email)
    user.password_hash = hash_password(password)
    user.password_changed_at = _now()
    session.flush()


def change_password(session: Session, user: User, current: str, new: str, *,
                    keep: WebSession | None = None) -> int:
    """Set a new password after checking the current one; signs out every other browser
    and API client. Returns how many other sessions were signed out."""
    if not verify_password(user.password_hash, current[:1024]):
        raise ValidationError("The current password is wrong", field="current_password")
    if current == new:
        raise ValidationError("Choose a password different from the current one",
                              field="password")
    _set_password(session, user, new)
    ended = revoke_all_sessions(session, user, keep=keep)
    revoke_refresh_tokens(session, user)
    audit.record(session, "password_change", "user", user.id, summary=user.email)
    return ended


def reset_password(session: Session, plain: str, password: str, *,
                   actor: Actor | None = None) -> User:
    """Set the password of the link's user; the link, and every other reset link of the
    user, is spent, and the user is signed out everywhere."""
    token, user = reset_link_user(session, plain)
    _set_password(session, user, password)
    now = _now()
    token.used_at = now
    session.execute(update(OneTimeToken).where(
        OneTimeToken.user_id == user.id, OneTimeToken.purpose == "reset",
        OneTimeToken.used_at.is_(None)).values(used_at=now))
    revoke_all_sessions(session, user)
    revoke_refresh_tokens(session, user)
    audit.record(session, "password_reset", "user", user.id, summary=user.email,
                 actor=actor or Actor(label=user.email, user_id=user.id))
    return user


# -- the messages --------------------------------------------------------------------------

RESET_SUBJECT = N_("Reset your Folio password")
RESET_TEXT = N_("Someone (hopefully you) asked to reset the password of your Folio account "
                "%(email)s.\n\nOpen this link within an hour to choose a new password:\n"
                "%(link)s\n\nThe link works once. If you did not ask for it, ignore this "
                "message: your password stays as it is.")
INVITE_SUBJECT = N_("You are invited to %(book)s on Folio")
INVITE_TEXT = N_("%(inviter)s added you to the book %(book)s on Folio as %(role)s.\n\n"
                 "Open this link within seven days to choose your password and sign in:\n"
                 "%(link)s\n\nYour sign-in email is %(email)s.")


def link_url(base_url: str, plain: str) -> str:
    return f"{base_url.rstrip('/')}/password/reset/{plain}"


def reset_message(user: User, link: str) -> Message:
    t = translations(user.language)
    return Message(to=user.email, subject=t.gettext(RESET_SUBJECT),
                   text=t.gettext(RESET_TEXT) % {"email": user.email, "link": link})


def invite_message(user: User, link: str, *, book: str, role: str, inviter: str) -> Message:
    t = translations(user.language)
    return Message(to=user.email, subject=t.gettext(INVITE_SUBJECT) % {"book": book},
                   text=t.gettext(INVITE_TEXT) % {"inviter": inviter, "book": book,
                                                  "role": role, "link": link,
                                                  "email": user.email})
