"""Imports every model so that metadata (and Alembic) sees all tables."""

from folio.auth.models import Membership, User
from folio.books.models import Book
from folio.idempotency import IdempotencyRecord
from folio.ledger.models import Account, AccountBalance, JournalEntry, JournalLine
from folio.parties.models import Party
from folio.tax.models import TaxCode

__all__ = ["Account", "AccountBalance", "Book", "IdempotencyRecord", "JournalEntry", "JournalLine",
           "Membership", "Party", "TaxCode", "User"]
