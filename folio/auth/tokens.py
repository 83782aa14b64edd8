"""API credentials: personal API tokens, and JWT access tokens with rotating refresh tokens.

- A personal token (``folio_pat_...``) is for scripts: shown once, stored as SHA-256,
  scoped read or write, revocable.
- ``POST /api/v1/auth/token`` gives a 15-minute JWT access token and a 7-day refresh token.
  Each refresh rotates the refresh token inside its family; presenting a token that was
  already rotated means it was copied, so the whole family is revoked, and access tokens
  of a revoked family stop working at once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.auth.actor import Actor, Scope
from folio.auth.keys import new_token, secret_key, token_hash
from folio.auth.models import ApiToken, RefreshToken, User
from folio.errors import NotFound, Unauthorized, ValidationError

ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=7)
PAT_PREFIX = "folio_pat_"
REFRESH_PREFIX = "folio_rt_"
ISSUER = "folio"
ALGORITHM = "HS256"
SCOPES: tuple[Scope, ...] = ("read", "write")


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# -- personal API tokens ------------------------------------------------------------------

def create_api_token(session: Session, user: User, name: str, scope: str = "read",
                     expires_in_days: int | None = None) -> tuple[ApiToken, str]:
    """Make a token for ``user``; returns the row and the secret, which is never stored."""
    name = name.strip()
    if not name or len(name) > 100 or not name.isprintable():
        raise ValidationError("a token name of 1 to 100 printable characters", field="name")
    if scope not in SCOPES:
        raise ValidationError("the scope is read or write", field="scope")
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        raise ValidationError("expiry between 1 and 3650 days", field="expires_in_days")
    plain = new_token(PAT_PREFIX)
    now = _now()
    token = ApiToken(user_id=user.id, name=name, prefix=plain[: len(PAT_PREFIX) + 6],
                     token_hash=token_hash(plain), scope=scope, created_at=now,
                     expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None)
    session.add(token)
    session.flush()
    audit.record(session, "token_create", "api_token", token.id,
                 after={"name": name, "scope": scope, "user": user.email,
                        "expires_at": token.expires_at}, summary=name)
    return token, plain


def list_api_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_api_token(session: Session, user: User, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id) if 0 < token_id < 2**63 else None
    if token is None or token.user_id != user.id:
        raise NotFound(f"No API token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = _now()
        session.flush()
        audit.record(session, "token_revoke", "api_token", token.id, summary=token.name)
    return token


def api_token_user(session: Session, plain: str) -> tuple[ApiToken, User]:
    """The live token and its active user, or Unauthorized."""
    row = session.execute(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                          .where(ApiToken.token_hash == token_hash(plain))).first()
    if row is None:
        raise Unauthorized("The API token is not valid")
    token, user = row
    if token.revoked_at is not None or not user.is_active:
        raise Unauthorized("The API token has been revoked")
    if token.expires_at is not None and _aware(token.expires_at) <= _now():
        raise Unauthorized("The API token has expired")
    now = _now()
    if token.last_used_at is None or now - _aware(token.last_used_at) > timedelta(minutes=5):
        token.last_used_at = now  # bookkeeping, at most every few minutes
    return token, user


# -- access and refresh tokens ------------------------------------------------------------

@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"  # noqa: S105 (a scheme name, not a secret)


def _access_token(user: User, family: str, now: datetime) -> str:
    claims = {"iss": ISSUER, "sub": str(user.id), "fam": family, "typ": "access",
              "iat": int(now.timestamp()), "exp": int((now + ACCESS_TTL).timestamp()),
              "jti": secrets.token_hex(8)}
    return jwt.encode(claims, secret_key(), algorithm=ALGORITHM)


def _new_refresh(session: Session, user: User, family: str, now: datetime) -> str:
    plain = new_token(REFRESH_PREFIX)
    session.add(RefreshToken(user_id=user.id, family=family, token_hash=token_hash(plain),
                             created_at=now, expires_at=now + REFRESH_TTL))
    session.flush()
    return plain


def issue_token_pair(session: Session, user: User) -> TokenPair:
    """A new family: a 15-minute access token and a 7-day refresh token."""
    now = _now()
    family = secrets.token_hex(16)
    refresh = _new_refresh(session, user, family, now)
    return TokenPair(_access_token(user, family, now), refresh, int(ACCESS_TTL.total_seconds()))


def _revoke_family(session: Session, family: str, now: datetime) -> None:
    session.execute(update(RefreshToken).where(RefreshToken.family == family,
                                               RefreshToken.revoked_at.is_(None))
                    .values(revoked_at=now))


def refresh_token_pair(session: Session, plain: str) -> tuple[TokenPair, User]:
    """Rotate a refresh token. A reused one revokes its family (the caller commits that)."""
    now = _now()
    row = session.execute(select(RefreshToken, User).join(User, User.id == RefreshToken.user_id)
                          .where(RefreshToken.token_hash == token_hash(plain))
                          .with_for_update(of=RefreshToken)).first()
    if row is None:
        raise Unauthorized("The refresh token is not valid")
    token, user = row
    if token.used_at is not None or token.revoked_at is not None:
        _revoke_family(session, token.family, now)
        raise Unauthorized("The refresh token was already used; every token of this sign-in "
                           "has been revoked. Sign in again.")
    if _aware(token.expires_at) <= now or not user.is_active:
        raise Unauthorized("The refresh token has expired; sign in again")
    token.used_at = now
    fresh = _new_refresh(session, user, token.family, now)
    return TokenPair(_access_token(user, token.family, now), fresh,
                     int(ACCESS_TTL.total_seconds())), user


def revoke_refresh_family(session: Session, plain: str) -> bool:
    """Sign out an API client: its refresh family and access tokens stop working."""
    token = session.scalar(select(RefreshToken).where(
        RefreshToken.token_hash == token_hash(plain)))
    if token is None:
        return False
    _revoke_family(session, token.family, _now())
    return True


def access_token_user(session: Session, token: str) -> tuple[User, dict[str, Any]]:
    """The user of a valid, unrevoked access token, or Unauthorized."""
    try:
        claims = jwt.decode(token, secret_key(), algorithms=[ALGORITHM], issuer=ISSUER,
                            options={"require": ["exp", "iat", "sub", "fam"]})
    except jwt.ExpiredSignatureError:
        raise Unauthorized("The access token has expired; refresh it") from None
    except jwt.PyJWTError:
        raise Unauthorized("The access token is not valid") from None
    if claims.get("typ") != "access" or not str(claims.get("sub", "")).isdigit():
        raise Unauthorized("The access token is not valid")
    revoked = session.scalar(select(RefreshToken.id).where(
        RefreshToken.family == str(claims["fam"]), RefreshToken.revoked_at.is_not(None)).limit(1))
    user = session.get(User, int(claims["sub"]))
    if revoked is not None or user is None or not user.is_active:
        raise Unauthorized("The access token has been revoked; sign in again")
    return user, claims


def actor_for(user: User, *, scope: Scope = "write", request_id: str = "",
              ip: str = "") -> Actor:
    return Actor(label=user.email, user_id=user.id, scope=scope, request_id=request_id, ip=ip)
