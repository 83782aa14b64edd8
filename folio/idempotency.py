"""Idempotency keys: a replayed POST returns the first result and creates nothing."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import Header, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import DateTime, Integer, String, Text, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from folio.auth.actor import actor_of
from folio.db import Base
from folio.errors import Conflict, ValidationError

MAX_KEY_LENGTH = 200


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"

    scope: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


def request_fingerprint(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def check_key(key: str) -> None:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationError(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters",
            field="Idempotency-Key",
        )


def replay(session: Session, scope: str, key: str, fingerprint: str) -> tuple[int, Any] | None:
    """The stored response for ``key``, or None; a reused key with another body is a conflict."""
    check_key(key)
    record = session.get(IdempotencyRecord, (scope, key))
    if record is None:
        return None
    if record.request_hash != fingerprint:
        raise Conflict("This Idempotency-Key was already used with a different request body")
    return record.status_code, json.loads(record.body)


def remember(session: Session, scope: str, key: str, fingerprint: str,
             status_code: int, body: Any) -> None:
    session.add(IdempotencyRecord(scope=scope, key=key, request_hash=fingerprint,
                                  status_code=status_code, body=json.dumps(body, default=str)))


IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200,
                                              description="Replays return the first result")]


def idempotent(request: Request, session: Session, key: str | None, payload: Any,
               run: Callable[[], tuple[int, Any]]) -> Response:
    """Run ``run()`` once per Idempotency-Key and caller; replays return the stored response.

    Keys are kept per user (and per method and path), so one user's key never replays
    another user's response.
    """
    actor = actor_of(session)
    who = f"u{actor.user_id}" if actor.user_id is not None else actor.label
    scope = f"{who} {request.method} {request.url.path}"[:200]
    fingerprint = request_fingerprint(payload)
    if key is not None:
        stored = replay(session, scope, key, fingerprint)
        if stored is not None:
            return JSONResponse(stored[1], status_code=stored[0],
                                headers={"Idempotent-Replayed": "true"})
    status_code, body = run()
    if key is None:
        session.commit()
        return JSONResponse(body, status_code=status_code)
    try:
        remember(session, scope, key, fingerprint, status_code, body)
        session.commit()
    except IntegrityError:
        # The same key arrived twice at once and the other request won: answer as its replay.
        session.rollback()
        stored = replay(session, scope, key, fingerprint)
        if stored is None:
            raise
        return JSONResponse(stored[1], status_code=stored[0],
                            headers={"Idempotent-Replayed": "true"})
    return JSONResponse(body, status_code=status_code)
