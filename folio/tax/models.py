"""Tax codes: a rate, a taxable-base fraction, a rounding rule and the account it posts to."""

from __future__ import annotations

import enum
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from folio.db import Base, BigId, DecimalText


class TaxKind(enum.StrEnum):
    VAT = "vat"
    WITHHOLDING = "withholding"
    STAMP_DUTY = "stamp_duty"


class TaxCode(Base):
    __tablename__ = "tax_codes"
    __table_args__ = (UniqueConstraint("book_id", "code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    rate: Mapped[Decimal] = mapped_column(DecimalText)
    # The taxable base as an exact fraction of the price: 11/12 for PPN "DPP nilai lain".
    base_numerator: Mapped[int] = mapped_column(Integer, default=1)
    base_denominator: Mapped[int] = mapped_column(Integer, default=1)
    rounding: Mapped[str] = mapped_column(String(10), default="half_up")
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return f"<TaxCode {self.code}>"
