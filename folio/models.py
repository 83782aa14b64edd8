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
from folio.books.profile_models import BookBankAccount, BookProfile
from folio.idempotency import IdempotencyRecord
from folio.ledger.models import Account, AccountBalance, JournalEntry, JournalLine
from folio.ops.alerts import AlertState
from folio.ops.backup.models import Backup
from folio.ops.errortrack import ErrorGroup
from folio.ops.jobs import JobLock, JobRun
from folio.ops.requestlog import RequestLog
from folio.outbox.models import OutboxMessage
from folio.parties.models import Party
from folio.personal.models import Budget, RecurringTransaction, SavingsGoal  # noqa: F401
from folio.purchases.models import (
    Attachment,
    Bill,
    BillAllocation,
    BillLine,
    BillPayment,
    Expense,
    ExpenseClaim,
)
from folio.sales.leads_models import Lead  # noqa: F401
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
from folio.sales.recurring_models import (
    InvoiceReminder,
    RecurringInvoice,
    RecurringInvoiceLine,
    RecurringRun,
)
from folio.tax.models import TaxCode

__all__ = [
    "Account", "AccountBalance", "AlertState", "ApiToken", "Attachment", "AuditEvent", "Backup",
    "BankLine", "BankRule", "BankStatement", "Bill", "BillAllocation", "BillLine", "BillPayment",
    "Book", "ErrorGroup", "Expense", "ExpenseClaim", "IdempotencyRecord", "Invoice", "InvoiceLine",
    "Item", "JobLock", "JobRun", "JournalEntry", "JournalLine", "Membership", "MoneyAccount",
    "NumberSeries", "OneTimeToken", "Party", "Payment", "PaymentAllocation", "Project", "Quotation",
    "QuotationLine", "Reconciliation", "RefreshToken", "RequestLog", "TaxCode", "User", "WebSession"
]
__all__ += ["BookBankAccount", "BookProfile", "InvoiceReminder", "OutboxMessage",
            "RecurringInvoice", "RecurringInvoiceLine", "RecurringRun"]
from folio.fx.models import ExchangeRate, Revaluation  # noqa: E402

__all__ += ["ExchangeRate", "Revaluation"]
