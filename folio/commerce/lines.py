"""The priced-line columns that invoice, quotation and bill lines share.

Money columns are integer minor units of the document's currency.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from folio.db import DecimalText


class PricedLineColumns:
    """A document line priced by folio.sales.totals and posted to ``account_id``.

    ``amount`` is quantity x price less discount, including tax when the document's prices
    include it; ``net`` and ``tax`` are what is posted, ``tax_base`` what the tax is on.
    Each line model adds its id, book, document and what is its own (item, service flag).
    """

    line_no: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(500))
    quantity: Mapped[Decimal] = mapped_column(DecimalText)
    unit: Mapped[str | None] = mapped_column(String(20), nullable=True)  # e.g. "hour", "pcs"
    unit_price: Mapped[int] = mapped_column(BigInteger)
    discount_percent: Mapped[Decimal] = mapped_column(DecimalText, default=Decimal(0))
    tax_code_id: Mapped[int | None] = mapped_column(ForeignKey("tax_codes.id"), nullable=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    amount: Mapped[int] = mapped_column(BigInteger)
    net: Mapped[int] = mapped_column(BigInteger)
    tax_base: Mapped[int] = mapped_column(BigInteger)
    tax: Mapped[int] = mapped_column(BigInteger)
