"""Idempotency keys: a replayed POST returns the first result and creates nothing."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text, func
from sqlalchemy.orm import Mapped, Session, mapped_column

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
