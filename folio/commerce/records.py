"""Finding one of a book's records (invoice, bill, quotation, payment...) by its id."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.errors import NotFound

T = TypeVar("T")

MAX_ID = 2**63  # ids beyond a BIGINT would make PostgreSQL fail instead of finding nothing


def record_in_book(session: Session, book: Book, model: type[T], record_id: int, *,
                   noun: str, field: str, for_update: bool = False) -> T:
    """The ``model`` row with this id in ``book``; NotFound (naming ``field``) otherwise.

    The caller checks permissions first: this only looks the row up.
    """
    table: Any = model
    query = select(model).where(table.book_id == book.id, table.id == record_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    found = session.scalar(query) if 0 < record_id < MAX_ID else None
    if found is None:
        raise NotFound(f"No {noun} {record_id} in this book", field=field)
    return found
