"""Writing and reading the audit log.

Services call ``record`` in the same transaction as the change, so an event exists exactly
when its change does. Who, the request id and the address come from the session's actor.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from folio.audit.models import AuditEvent
from folio.auth.actor import Actor, maybe_actor
from folio.books.models import Book

ACTIONS = ("create", "update", "delete", "post", "reverse", "approve", "reject", "issue",
           "void", "pay", "send", "import", "close", "lock", "sign_in", "sign_in_failed",
           "sign_out", "password_change", "password_reset", "mfa_enable", "mfa_disable",
           "token_create", "token_revoke", "session_revoke", "member_add", "member_remove",
           "role_change", "restore", "categorise")
_HIDDEN = frozenset({"password", "password_hash", "secret", "token", "token_hash",
                     "totp_secret", "recovery_codes"})


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """A JSON-safe picture of ``obj``'s ``fields``; secret-looking fields are left out."""
    return {name: _plain(getattr(obj, name)) for name in fields if name not in _HIDDEN}


def _dump(data: Mapping[str, Any] | None) -> str | None:
    if data is None:
        return None
    clean = {k: v for k, v in _plain(data).items() if k not in _HIDDEN}
    return json.dumps(clean, sort_keys=True, ensure_ascii=False, default=str)


def record(session: Session, action: str, object_type: str, object_id: object = "", *,
           book: Book | None = None, before: Mapping[str, Any] | None = None,
           after: Mapping[str, Any] | None = None, summary: str = "",
           actor: Actor | None = None) -> AuditEvent:
    """Append one event; ``actor`` defaults to the session's (the system outside requests)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")  # a programming error
    who = actor or maybe_actor(session)
    event = AuditEvent(
        book_id=book.id if book is not None else None,
        user_id=who.user_id if who else None, actor=(who.label if who else "anonymous")[:254],
        action=action, object_type=object_type, object_id=str(object_id)[:64],
        summary=summary[:300], before=_dump(before), after=_dump(after),
        request_id=(who.request_id if who else "")[:64], ip=(who.ip if who else "")[:45])
    session.add(event)
    return event


@dataclass(frozen=True)
class AuditPage:
    events: list[AuditEvent]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def list_events(session: Session, *, book: Book | None = None, actor: str | None = None,
                action: str | None = None, object_type: str | None = None,
                start: date | None = None, end: date | None = None, page: int = 1,
                page_size: int = 50) -> AuditPage:
    """Events newest first, filtered; ``book=None`` means installation-wide events too."""
    query = select(AuditEvent)
    if book is not None:
        query = query.where(AuditEvent.book_id == book.id)
    if actor:
        query = query.where(AuditEvent.actor.contains(actor.lower(), autoescape=True))
    if action:
        query = query.where(AuditEvent.action == action)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if start:
        query = query.where(AuditEvent.at >= datetime.combine(start, time.min))
    if end:
        query = query.where(AuditEvent.at < datetime.combine(end + timedelta(days=1), time.min))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    events = list(session.scalars(query.order_by(AuditEvent.id.desc())
                                  .offset((page - 1) * page_size).limit(page_size)))
    return AuditPage(events=events, total=total, page=page, page_size=page_size)


def as_dict(event: AuditEvent) -> dict[str, Any]:
    return {"id": event.id, "at": event.at.isoformat() if event.at else None,
            "book_id": event.book_id, "user_id": event.user_id, "actor": event.actor,
            "action": event.action, "object_type": event.object_type,
            "object_id": event.object_id, "summary": event.summary,
            "before": json.loads(event.before) if event.before else None,
            "after": json.loads(event.after) if event.after else None,
            "request_id": event.request_id, "ip": event.ip}
