"""Imports every model so that metadata (and Alembic) sees all tables."""

from folio.audit.models import AuditEvent
from folio.auth.models import ApiToken, Membership, OneTimeToken, RefreshToken, User, WebSession
from folio.banking.models import (
    BankLine,
    BankRule,
    BankStatement,
    MoneyAccount,
    Reconciliation,
)
from folio.books.models import Book
from folio.idempotency import IdempotencyRecord
from folio.ledger.models import Account, AccountBalance, JournalEntry, JournalLine
from folio.ops.alerts import AlertState
from folio.ops.backup.models import Backup
from folio.ops.errortrack import ErrorGroup
from folio.ops.jobs import JobLock, JobRun
from folio.ops.requestlog import RequestLog
from folio.parties.models import Party
from folio.purchases.models import (
    Attachment,
    Bill,
    BillAllocation,
    BillLine,
    BillPayment,
    Expense,
    ExpenseClaim,
)
from folio.sales.models import (
    Invoice,
    InvoiceLine,
    Item,
    NumberSeries,
    Payment,
    PaymentAllocation,
    Project,
)
from folio.sales.quotation_models import Quotation, QuotationLine
from folio.tax.models import TaxCode

__all__ = [
    "Account", "AccountBalance", "AlertState", "ApiToken", "Attachment", "AuditEvent", "Backup",
    "BankLine", "BankRule", "BankStatement", "Bill", "BillAllocation", "BillLine", "BillPayment",
    "Book", "ErrorGroup", "Expense", "ExpenseClaim", "IdempotencyRecord", "Invoice", "InvoiceLine",
    "Item", "JobLock", "JobRun", "JournalEntry", "JournalLine", "Membership", "MoneyAccount",
    "NumberSeries", "OneTimeToken", "Party", "Payment", "PaymentAllocation", "Project", "Quotation",
    "QuotationLine", "Reconciliation", "RefreshToken", "RequestLog", "TaxCode", "User", "WebSession"
]
