"""Who is making this request: a Bearer token (API) or a session cookie (pages).

``Authorization: Bearer`` takes either a personal API token (``folio_pat_...``) or a JWT
access token; requests so authenticated need no CSRF token, because a browser never adds
that header by itself. A session cookie is sent by the browser automatically, so every
unsafe request made with it must also carry the CSRF token (form field ``csrf_token`` or
header ``X-CSRF-Token``).
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from functools import lru_cache

from fastapi import Request
from sqlalchemy.orm import Session

from folio.auth.actor import Actor
from folio.auth.sessions import cookie_name, csrf_ok, csrf_token, find_session
from folio.auth.tokens import PAT_PREFIX, access_token_user, actor_for, api_token_user
from folio.errors import Forbidden, Unauthorized
from folio.settings import get_settings


@dataclass(frozen=True)
class SignedIn:
    """Who the page is for, as the layout shows it."""

    id: int
    email: str
    display_name: str
    language: str
    is_admin: bool


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
log = logging.getLogger("folio.auth")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(spec: str) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(part.strip(), strict=False)
                 for part in spec.split(",") if part.strip())


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: Request) -> str:
    """The client's address: the peer, or, behind a trusted proxy, the nearest address in
    X-Forwarded-For that is not itself a trusted proxy (spoofed entries to its left are
    ignored)."""
    peer = request.client.host if request.client else ""
    networks = _networks(get_settings().TRUSTED_PROXIES)
    if not _trusted(peer, networks):
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # garbage in the header: fall back to the proxy itself
    return peer


def request_id(request: Request) -> str:
    return str(getattr(request.state, "request_id", ""))


async def check_csrf(request: Request) -> None:
    """Refuse an unsafe request that rides on the session cookie without the CSRF token."""
    if request.method in SAFE_METHODS or request.headers.get("authorization"):
        return
    cookie = request.cookies.get(cookie_name())
    if not cookie:
        return  # no cookie, no ambient authority: authentication decides
    presented = request.headers.get(CSRF_HEADER)
    if presented is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            presented = value if isinstance(value, str) else None
    if not csrf_ok(cookie, presented):
        raise Forbidden("The form has expired or did not come from this site (CSRF token "
                        "missing or wrong); reload the page and try again")


def authenticate(request: Request, session: Session) -> Actor | None:
    """The actor behind the request's credentials; None when it carries none.

    Bad credentials are an error (401), not an anonymous request.
    """
    ip, rid = client_ip(request), request_id(request)
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("Send the token as 'Authorization: Bearer <token>'")
        if token.startswith(PAT_PREFIX):
            api_token, user = api_token_user(session, token)
            actor = actor_for(user, scope="write" if api_token.scope == "write" else "read",
                              request_id=rid, ip=ip)
            request.state.rate_key = f"pat:{api_token.id}"
        else:
            user, _claims = access_token_user(session, token)
            actor = actor_for(user, request_id=rid, ip=ip)
            request.state.rate_key = f"user:{user.id}"
        request.state.actor = actor
        return actor
    cookie = request.cookies.get(cookie_name())
    if not cookie:
        return None
    found = find_session(session, cookie)
    if found is None or not found[0].mfa_passed:
        return None
    web, user = found
    request.state.csrf_token = csrf_token(cookie)
    request.state.web_session = web
    # A plain copy: the page layout reads it after the session may have rolled back.
    request.state.user = SignedIn(user.id, user.email, user.display_name, user.language,
                                  user.is_admin)
    actor = actor_for(user, request_id=rid, ip=ip)
    request.state.actor = actor
    return actor
