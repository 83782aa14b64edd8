"""Several writers at once: entries are numbered and chained without gaps or failures."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

from sqlalchemy.engine import Engine

from folio.auth.actor import SYSTEM
from folio.books.models import Book
from folio.books.service import get_book
from folio.db import transaction
from folio.ledger.check import check_book
from folio.ledger.service import EntryInput, LineInput, create_entry

WRITERS = 4
ENTRIES_EACH = 10


def _write(engine: Engine, slug: str, writer: int, failures: list[BaseException]) -> None:
    try:
        for n in range(ENTRIES_EACH):
            with transaction(engine, actor=SYSTEM) as session:
                book = get_book(session, slug)
                create_entry(session, book, EntryInput(
                    date=date(2026, 3, 1 + n), description=f"writer {writer} entry {n}",
                    lines=[LineInput("1020", Decimal("10.00")),
                           LineInput("4100", Decimal("-10.00"))]), post=True)
    except BaseException as exc:  # collected and re-raised by the test
        failures.append(exc)


def test_concurrent_posts_are_all_chained_in_order(engine: Engine, book: Book) -> None:
    failures: list[BaseException] = []
    threads = [threading.Thread(target=_write, args=(engine, book.slug, w, failures))
               for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with transaction(engine, write=False, actor=SYSTEM) as session:
        fresh = get_book(session, book.slug)
        assert fresh.chain_seq == WRITERS * ENTRIES_EACH
        result = check_book(session, fresh)
        assert result.ok, result.problems
        assert result.entries == WRITERS * ENTRIES_EACH
