"""Leads: prospective customers moving through the sales pipeline until won or lost.

A won lead keeps links to the customer party it became and to the draft quotation
started for it.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from folio.db import Base, BigId


class LeadStage(enum.StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    QUALIFIED = "qualified"
    WON = "won"
    LOST = "lost"


OPEN_STAGES = (LeadStage.NEW.value, LeadStage.CONTACTED.value, LeadStage.QUALIFIED.value)
STAGES = tuple(s.value for s in LeadStage)


class Lead(Base):
    __tablename__ = "leads"
    __table_args__ = (Index("ix_leads_book_id_stage", "book_id", "stage"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    company: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    source: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # Minor units of the book's currency.
    estimated_value: Mapped[int] = mapped_column(BigInteger, default=0)
    stage: Mapped[str] = mapped_column(String(20), default=LeadStage.NEW.value)
    lost_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                 nullable=True)
    notes: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    next_follow_up: Mapped[date | None] = mapped_column(Date, nullable=True)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), nullable=True)
    quotation_id: Mapped[int | None] = mapped_column(ForeignKey("quotations.id"), nullable=True)
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    def __repr__(self) -> str:
        return f"<Lead {self.id} {self.company}>"
