"""Unexpected exceptions grouped by fingerprint: one row per distinct failure, counted.

The fingerprint is SHA-256 of the exception's type and the file:function of its innermost
frames, so the same bug on another line number (after a deploy) or with another message
(another id in it) stays one group. The row keeps the last traceback (source lines only,
never local variables) with known secrets blanked, the last request id and route.
"""

from __future__ import annotations

import hashlib
import logging
import re
import traceback
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Index, Integer, String, Text, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column

from folio.auth.actor import SYSTEM
from folio.db import Base, BigId, transaction
from folio.settings import get_settings

log = logging.getLogger("folio.errors")

FINGERPRINT_FRAMES = 5
MESSAGE_LIMIT = 1000
TRACEBACK_LIMIT = 20_000
_URL_CREDENTIALS = re.compile(r"(\w+://[^/\s:@]+):[^@\s/]+@")
_SECRETS = ("SECRET_KEY", "DATABASE_URL", "METRICS_TOKEN", "REDIS_URL", "SMTP_PASSWORD",
            "BACKUP_PASSPHRASE", "CRON_SECRET", "ALERT_WEBHOOK_URL")


class ErrorGroup(Base):
    __tablename__ = "error_groups"
    __table_args__ = (Index("ix_error_groups_last_seen", "last_seen"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    type: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text, default="")
    count: Mapped[int] = mapped_column(Integer, default=1)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_traceback: Mapped[str] = mapped_column(Text, default="")
    last_request_id: Mapped[str] = mapped_column(String(64), default="")
    last_route: Mapped[str] = mapped_column(String(300), default="")


def _where(filename: str) -> str:
    """A path that stays the same across installs: from the package down."""
    path = filename.replace("\\", "/")
    for marker in ("/site-packages/", "/dist-packages/"):
        if marker in path:
            return path.rsplit(marker, 1)[1]
    if "/folio/" in path:
        return "folio/" + path.rsplit("/folio/", 1)[1]
    return path.rsplit("/", 1)[-1]


def type_name(exc: BaseException) -> str:
    cls = type(exc)
    if cls.__module__ == "builtins":
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"


def fingerprint(exc: BaseException) -> str:
    """SHA-256 of the type and the innermost frames' file:function (no lines, no message)."""
    frames = traceback.extract_tb(exc.__traceback__)[-FINGERPRINT_FRAMES:]
    parts = [type_name(exc)] + [f"{_where(f.filename)}:{f.name}" for f in frames]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def scrub(text: str) -> str:
    """Blank the configured secrets and any password in a URL."""
    try:
        settings = get_settings()
        for name in _SECRETS:
            value = str(getattr(settings, name, "") or "")
            if len(value) >= 6:
                text = text.replace(value, "***")
    except Exception:  # settings that do not load must not hide the error being recorded
        log.debug("settings unavailable while scrubbing an error", exc_info=True)
    return _URL_CREDENTIALS.sub(r"\1:***@", text)


def _traceback_text(exc: BaseException) -> str:
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    if len(text) > TRACEBACK_LIMIT:  # the innermost frames are at the end: keep those
        text = "...(truncated)\n" + text[-TRACEBACK_LIMIT:]
    return scrub(text)


def record_exception(engine: Engine, exc: BaseException, route: str = "",
                     request_id: str = "") -> str | None:
    """Count ``exc`` in its group (made when new); returns the fingerprint. Never raises."""
    try:
        now = datetime.now(UTC)
        values: dict[str, Any] = {
            "fingerprint": fingerprint(exc), "type": type_name(exc)[:200],
            "message": scrub(str(exc))[:MESSAGE_LIMIT], "count": 1,
            "first_seen": now, "last_seen": now, "last_traceback": _traceback_text(exc),
            "last_request_id": (request_id or "")[:64], "last_route": (route or "")[:300]}
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(ErrorGroup).values(**values)
        excluded = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=[ErrorGroup.fingerprint],
            set_={"count": ErrorGroup.count + 1, "last_seen": excluded.last_seen,
                  "message": excluded.message, "last_traceback": excluded.last_traceback,
                  "last_request_id": excluded.last_request_id,
                  "last_route": excluded.last_route})
        with transaction(engine, actor=SYSTEM) as session:
            session.execute(statement)
        return str(values["fingerprint"])
    except Exception:  # recording an error must never cause another
        log.exception("could not record an error group")
        return None


def recent_groups(engine: Engine, limit: int = 50) -> list[ErrorGroup]:
    """Error groups, the most recently seen first (for the dashboard and the CLI)."""
    with transaction(engine, write=False, actor=SYSTEM) as session:
        return list(session.scalars(select(ErrorGroup).order_by(ErrorGroup.last_seen.desc())
                                    .limit(limit)))
