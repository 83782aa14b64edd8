"""Searching and paging a book's documents the same way on every list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.base import ExecutableOption

T = TypeVar("T")


def like_pattern(search: str | None) -> str | None:
    """A lower-case ``%…%`` LIKE pattern for ``search`` (escaped with ``\\``), or None.

    None for blank text and for text with NUL (PostgreSQL refuses NUL in a string).
    """
    if not search or not search.strip() or "\x00" in search:
        return None
    return "%" + search.strip().lower().replace("\\", "\\\\").replace("%", "\\%") \
        .replace("_", "\\_") + "%"


def contains(column: Any, pattern: str) -> ColumnElement[bool]:
    """``column`` holds the text of a ``like_pattern``, ignoring case."""
    return func.lower(column).like(pattern, escape="\\")


def page_count(total: int, page_size: int) -> int:
    """How many pages ``total`` rows fill; an empty list still has page 1."""
    return max(1, -(-total // page_size))


def page_of(session: Session, query: Select[T], *, order_by: Sequence[Any],
            page: int, page_size: int,
            load: Sequence[ExecutableOption] = ()) -> tuple[list[T], int]:
    """One page of ``query``'s rows in ``order_by`` order, and how many rows there are in all."""
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.options(*load).order_by(*order_by)
                           .offset((page - 1) * page_size).limit(page_size))
    return list(rows), total
