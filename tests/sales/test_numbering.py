"""Invoice numbers never skip or repeat, also when several writers issue at once."""

from __future__ import annotations

import threading

from sqlalchemy import select
from sqlalchemy.engine import Engine

from folio.auth.actor import SYSTEM
from folio.books.models import Book
from folio.books.service import get_book
from folio.db import transaction
from folio.ledger.check import check_book
from folio.sales.invoices import get_invoice
from folio.sales.issuing import issue_invoice
from folio.sales.models import Invoice
from tests.sales.conftest import MakeInvoice

WRITERS = 5
EACH = 6


def _issue(engine: Engine, slug: str, ids: list[int], failures: list[BaseException]) -> None:
    try:
        for invoice_id in ids:
            with transaction(engine, actor=SYSTEM) as session:
                book = get_book(session, slug)
                issue_invoice(session, book, get_invoice(session, book, invoice_id,
                                                         for_update=True))
    except BaseException as exc:  # collected and re-raised by the test
        failures.append(exc)


def test_concurrent_issuing_numbers_without_gaps_or_repeats(
        engine: Engine, studio: Book, make_invoice: MakeInvoice) -> None:
    drafts = [make_invoice((1_000_000 + n, "PPN12")).id for n in range(WRITERS * EACH)]
    failures: list[BaseException] = []
    threads = [threading.Thread(target=_issue,
                                args=(engine, studio.slug, drafts[w::WRITERS], failures))
               for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with transaction(engine, write=False, actor=SYSTEM) as session:
        numbers = sorted(str(n) for n in session.scalars(select(Invoice.number)))
        assert numbers == [f"INV/2026/03/{n:04d}" for n in range(1, WRITERS * EACH + 1)]
        result = check_book(session, get_book(session, studio.slug))
        assert result.ok, result.problems
