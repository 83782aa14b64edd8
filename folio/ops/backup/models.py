"""The backup catalogue: one row per archive this installation made or verified."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from folio.db import Base, BigId


class Backup(Base):
    __tablename__ = "backups"
    __table_args__ = (Index("ix_backups_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # "scheduled", "manual" or "safety" (taken by a restore just before it overwrites).
    kind: Mapped[str] = mapped_column(String(20), default="manual")
    size: Mapped[int] = mapped_column(BigId, default=0)
    sha256: Mapped[str] = mapped_column(String(64))
    encrypted: Mapped[bool] = mapped_column(Boolean, default=False)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    verify_ok: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    verify_message: Mapped[str] = mapped_column(Text, default="")
    manifest: Mapped[str] = mapped_column(Text, default="{}")  # JSON, as in the archive

    def __repr__(self) -> str:
        return f"<Backup {self.file_name}>"
