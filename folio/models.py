"""Imports every model so that metadata (and Alembic) sees all tables."""

from folio.audit.models import AuditEvent
from folio.auth.models import ApiToken, Membership, OneTimeToken, RefreshToken, User, WebSession
from folio.books.models import Book
from folio.idempotency import IdempotencyRecord
from folio.ledger.models import Account, AccountBalance, JournalEntry, JournalLine
from folio.parties.models import Party
from folio.tax.models import TaxCode

__all__ = [
    "Account", "AccountBalance", "ApiToken", "AuditEvent", "Book", "IdempotencyRecord",
    "JournalEntry", "JournalLine", "Membership", "OneTimeToken", "Party", "RefreshToken",
    "TaxCode", "User", "WebSession",
]
