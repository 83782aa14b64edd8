"""The items and services catalogue: what a line can be filled from."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.audit.service import snapshot
from folio.auth.guard import require
from folio.books.models import Book
from folio.commerce.listing import contains, like_pattern
from folio.commerce.records import record_in_book
from folio.errors import Conflict, ValidationError
from folio.sales import lookups
from folio.sales.models import Item
from folio.tax.models import TaxKind

ITEM_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-_/]{0,39}\Z")
FIELDS = ("code", "name", "unit", "default_price", "tax_code_id", "income_account_id",
          "is_active")


@dataclass
class ItemInput:
    code: str
    name: str
    unit: str = "unit"
    default_price: Decimal = Decimal(0)
    tax_code: str | None = None
    income_account: str | None = None
    is_active: bool = True


def _apply(session: Session, book: Book, item: Item, data: ItemInput) -> None:
    errors: lookups.Errors = []
    if not ITEM_CODE_RE.match(data.code or ""):
        lookups.error(errors, "code", "1-40 letters, digits, dots, dashes, slashes or "
                                      "underscores")
    name = (data.name or "").strip()
    if not name or len(name) > 200 or "\x00" in name:
        lookups.error(errors, "name", "a name of 1 to 200 characters")
    unit = (data.unit or "").strip()
    if not unit or len(unit) > 20 or "\x00" in unit:
        lookups.error(errors, "unit", "a unit of 1 to 20 characters, e.g. hour")
    price = lookups.minor(data.default_price, book.base_currency, "default_price", errors)
    tax = lookups.tax_code(session, book, data.tax_code, "tax_code", errors, TaxKind.VAT)
    income = lookups.account(session, book, data.income_account, "income_account", errors,
                             types=("income",))
    if errors:
        raise ValidationError("The item has errors", errors=errors)
    taken = session.scalar(select(Item.id).where(Item.book_id == book.id,
                                                 Item.code == data.code))
    if taken is not None and taken != item.id:
        raise Conflict(f"An item with the code {data.code!r} already exists", field="code")
    item.code, item.name, item.unit, item.default_price = data.code, name, unit, price
    item.tax_code_id = tax.id if tax else None
    item.income_account_id = income.id if income else None
    item.is_active = data.is_active


def create_item(session: Session, book: Book, data: ItemInput) -> Item:
    require(session, book, "sales.draft")
    item = Item(book_id=book.id)
    _apply(session, book, item, data)
    session.add(item)
    session.flush()
    audit.record(session, "create", "item", item.id, book=book, after=snapshot(item, FIELDS),
                 summary=f"{item.code} {item.name}")
    return item


def update_item(session: Session, book: Book, item: Item, data: ItemInput) -> Item:
    require(session, book, "sales.draft")
    before = snapshot(item, FIELDS)
    _apply(session, book, item, data)
    session.flush()
    audit.record(session, "update", "item", item.id, book=book, before=before,
                 after=snapshot(item, FIELDS), summary=f"{item.code} {item.name}")
    return item


def get_item(session: Session, book: Book, item_id: int) -> Item:
    require(session, book, "report.read")
    return record_in_book(session, book, Item, item_id, noun="item", field="item")


def list_items(session: Session, book: Book, *, search: str | None = None,
               include_inactive: bool = False) -> list[Item]:
    require(session, book, "report.read")
    query = select(Item).where(Item.book_id == book.id)
    if not include_inactive:
        query = query.where(Item.is_active.is_(True))
    like = like_pattern(search)
    if like is not None:
        query = query.where(contains(Item.name, like) | contains(Item.code, like))
    return list(session.scalars(query.order_by(Item.code)))
