"""Account and tax codes of a book by id, for the documents an API response shows."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.ledger.models import Account
from folio.tax.models import TaxCode


class CodeNames:
    """Account and tax codes of a book by id, read once per response."""

    def __init__(self, session: Session, book: Book) -> None:
        self.accounts = dict(session.execute(select(Account.id, Account.code).where(
            Account.book_id == book.id)).all())
        self.taxes = dict(session.execute(select(TaxCode.id, TaxCode.code).where(
            TaxCode.book_id == book.id)).all())
        self.session, self.book = session, book

    def tax(self, tax_id: int | None) -> str | None:
        return self.taxes.get(tax_id) if tax_id is not None else None

    def account(self, account_id: int | None) -> str | None:
        return self.accounts.get(account_id) if account_id is not None else None
