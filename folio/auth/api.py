"""JSON API for signing in (tokens), the signed-in user, API tokens, members and the audit log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from folio.audit.service import as_dict, list_events
from folio.auth import service as users
from folio.auth.actor import actor_of
from folio.auth.guard import require
from folio.auth.principal import client_ip, request_id
from folio.auth.roles import Role
from folio.auth.signin import record_sign_in, sign_in
from folio.auth.tokens import (
    actor_for,
    create_api_token,
    issue_token_pair,
    list_api_tokens,
    refresh_token_pair,
    revoke_api_token,
    revoke_refresh_family,
)
from folio.auth.twofactor import check_second_factor
from folio.books.service import get_book
from folio.deps import (
    BookDep,
    CurrentUser,
    PublicSessionDep,
    SessionDep,
    WriteBookDep,
    WriteCurrentUser,
    WriteSessionDep,
)
from folio.errors import Forbidden, Unauthorized

router = APIRouter(tags=["auth"])
Secret = Annotated[str, StringConstraints(min_length=1, max_length=1024)]


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Annotated[str, StringConstraints(min_length=1, max_length=254)]
    password: Secret
    otp: Annotated[str, StringConstraints(max_length=20)] | None = Field(
        None, description="The two-factor code (or a recovery code) when the user has 2FA")


class RefreshRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    refresh_token: Secret


class TokenOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 (a scheme name, not a secret)
    expires_in: int = Field(description="Seconds until the access token expires")


@router.post("/auth/token", response_model=TokenOut,
             responses={401: {"description": "Wrong credentials"},
                        429: {"description": "Too many attempts; see Retry-After"}})
def post_token(data: TokenRequest, request: Request, session: PublicSessionDep) -> TokenOut:
    """Exchange email and password for a 15-minute access token and a 7-day refresh token."""
    ip, rid = client_ip(request), request_id(request)
    try:
        user = sign_in(session, request.app.state.throttle, data.email, data.password, ip=ip,
                       request_id=rid)
        check_second_factor(session, user, data.otp, ip=ip)
    except Unauthorized:
        session.commit()  # keep the audit event of the failure
        raise
    pair = issue_token_pair(session, user)
    record_sign_in(session, user, actor_for(user, request_id=rid, ip=ip), "api token")
    session.commit()
    return TokenOut(access_token=pair.access_token, refresh_token=pair.refresh_token,
                    expires_in=pair.expires_in)


@router.post("/auth/refresh", response_model=TokenOut,
             responses={401: {"description": "Invalid, expired or reused refresh token"}})
def post_refresh(data: RefreshRequest, session: PublicSessionDep) -> TokenOut:
    """Rotate a refresh token. Using one twice revokes every token of that sign-in."""
    try:
        pair, _user = refresh_token_pair(session, data.refresh_token)
    except Unauthorized:
        session.commit()  # a reuse revoked the family: keep that
        raise
    session.commit()
    return TokenOut(access_token=pair.access_token, refresh_token=pair.refresh_token,
                    expires_in=pair.expires_in)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def post_logout(data: RefreshRequest, session: PublicSessionDep) -> Response:
    """Revoke the refresh token's family; its access tokens stop working too."""
    revoke_refresh_family(session, data.refresh_token)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


class MembershipOut(BaseModel):
    book: str
    name: str
    role: Role


class MeOut(BaseModel):
    email: str
    display_name: str
    language: str
    is_admin: bool
    two_factor: bool
    books: list[MembershipOut]


@router.get("/me", response_model=MeOut)
def get_me(user: CurrentUser, session: SessionDep) -> MeOut:
    """The signed-in user and their books."""
    return MeOut(email=user.email, display_name=user.display_name, language=user.language,
                 is_admin=user.is_admin, two_factor=user.has_mfa,
                 books=[MembershipOut(book=b.slug, name=b.name, role=r)
                        for b, r in users.memberships_of(session, user)])


class ApiTokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    scope: Literal["read", "write"] = "read"
    expires_in_days: Annotated[int, Field(ge=1, le=3650)] | None = None


class ApiTokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    scope: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked: bool


class ApiTokenCreated(ApiTokenOut):
    token: str = Field(description="The secret; shown only this once")


def _token_out(token: Any) -> dict[str, Any]:
    return {"id": token.id, "name": token.name, "prefix": token.prefix, "scope": token.scope,
            "created_at": token.created_at, "last_used_at": token.last_used_at,
            "expires_at": token.expires_at, "revoked": token.revoked_at is not None}


@router.get("/me/tokens", response_model=list[ApiTokenOut])
def get_tokens(user: CurrentUser, session: SessionDep) -> list[ApiTokenOut]:
    return [ApiTokenOut(**_token_out(t)) for t in list_api_tokens(session, user)]


@router.post("/me/tokens", response_model=ApiTokenCreated, status_code=status.HTTP_201_CREATED)
def post_token_for_me(data: ApiTokenCreate, user: WriteCurrentUser,
                      session: WriteSessionDep) -> ApiTokenCreated:
    """Create a personal API token; the secret is in this response and nowhere else."""
    _no_token_minting_by_token(session)
    token, plain = create_api_token(session, user, data.name, data.scope, data.expires_in_days)
    session.commit()
    return ApiTokenCreated(**_token_out(token), token=plain)


def _no_token_minting_by_token(session: Any) -> None:
    if actor_of(session).scope != "write":
        raise Forbidden("A read-only token cannot create tokens")


@router.delete("/me/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_token(token_id: int, user: WriteCurrentUser, session: WriteSessionDep) -> Response:
    revoke_api_token(session, user, token_id)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


class MemberOut(BaseModel):
    email: str
    display_name: str
    role: Role
    active: bool


class MemberCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Annotated[str, StringConstraints(min_length=3, max_length=254)]
    role: Role


class MemberUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Role


@router.get("/books/{slug}/members", response_model=list[MemberOut], tags=["members"])
def get_members(book: BookDep, session: SessionDep) -> list[MemberOut]:
    return [MemberOut(email=u.email, display_name=u.display_name, role=r, active=u.is_active)
            for u, r in users.members_of(session, book)]


@router.post("/books/{slug}/members", response_model=MemberOut,
             status_code=status.HTTP_201_CREATED, tags=["members"])
def post_member(data: MemberCreate, book: WriteBookDep, session: WriteSessionDep) -> MemberOut:
    """Give an existing user a role in this book (owners and admins)."""
    user = users.get_user(session, data.email)
    users.add_member(session, book, user, data.role)
    session.commit()
    return MemberOut(email=user.email, display_name=user.display_name, role=data.role,
                     active=user.is_active)


@router.patch("/books/{slug}/members/{email}", response_model=MemberOut, tags=["members"])
def patch_member(email: Annotated[str, StringConstraints(max_length=254)], data: MemberUpdate,
                 book: WriteBookDep, session: WriteSessionDep) -> MemberOut:
    user = users.get_user(session, email)
    users.set_role(session, book, user, data.role)
    session.commit()
    return MemberOut(email=user.email, display_name=user.display_name, role=data.role,
                     active=user.is_active)


@router.delete("/books/{slug}/members/{email}", status_code=status.HTTP_204_NO_CONTENT,
               tags=["members"])
def delete_member(email: Annotated[str, StringConstraints(max_length=254)], book: WriteBookDep,
                  session: WriteSessionDep) -> Response:
    users.remove_member(session, book, users.get_user(session, email))
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


class AuditEventOut(BaseModel):
    id: int
    at: datetime | None
    book_id: int | None
    user_id: int | None
    actor: str
    action: str
    object_type: str
    object_id: str
    summary: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str
    ip: str


class AuditPageOut(BaseModel):
    events: list[AuditEventOut]
    total: int
    page: int
    pages: int


@router.get("/audit", response_model=AuditPageOut, tags=["audit"])
def get_audit(
    session: SessionDep,
    book: Annotated[str | None, Query(max_length=40, description="Book slug; without it, "
                                      "every event (installation administrators only)")] = None,
    actor: Annotated[str | None, Query(max_length=254)] = None,
    action: Annotated[str | None, Query(max_length=40)] = None,
    object_type: Annotated[str | None, Query(max_length=40)] = None,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> AuditPageOut:
    """The audit log, newest first (owners and admins of the book)."""
    scope = None
    if book is not None:
        scope = get_book(session, book)
        require(session, scope, "audit.read")
    else:
        users.require_installation_admin(session)
    result = list_events(session, book=scope, actor=actor, action=action,
                         object_type=object_type, start=start, end=end, page=page,
                         page_size=page_size)
    return AuditPageOut(events=[AuditEventOut(**as_dict(e)) for e in result.events],
                        total=result.total, page=result.page, pages=result.pages)
