"""The outbox: each outgoing email, written in the same transaction as what it tells of."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from folio.db import Base, BigId


class OutboxStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_outbox_book_id_created_at", "book_id", "created_at"),
        Index("ix_outbox_book_id_object", "book_id", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # invoice, quotation, reminder, ...
    object_type: Mapped[str | None] = mapped_column(String(20), nullable=True)
    object_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    to_addresses: Mapped[str] = mapped_column(String(1000))  # comma-separated
    cc_addresses: Mapped[str] = mapped_column(String(1000), default="")
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    attachment_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    attachment_type: Mapped[str | None] = mapped_column(String(100), nullable=True)
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    message_id: Mapped[str | None] = mapped_column(String(300), nullable=True)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True),
                                                 server_default=func.now())
