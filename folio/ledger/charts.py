"""Chart-of-accounts templates that start a book: generic, id-psak, personal, none."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.ledger.models import Account

CHART_TEMPLATES = ("generic", "id-psak", "personal", "none")


def load_template(name: str) -> list[dict[str, Any]]:
    if name == "none":
        return []
    text = resources.files("folio.ledger").joinpath(f"charts/{name}.json").read_text("utf-8")
    return list(json.loads(text))


def apply_chart(session: Session, book: Book, template: str) -> list[Account]:
    """Create the template's accounts in ``book``; parents come before their children."""
    by_code: dict[str, Account] = {}
    for row in load_template(template):
        parent = by_code[row["parent"]] if row.get("parent") else None
        account = Account(
            book_id=book.id, code=row["code"], name=row["name"], name_id=row.get("name_id"),
            type=row["type"], is_group=bool(row.get("group")), role=row.get("role"),
            parent_id=None, is_active=True,
        )
        session.add(account)
        session.flush()
        if parent is not None:
            account.parent_id = parent.id
        by_code[account.code] = account
    session.flush()
    return list(by_code.values())
