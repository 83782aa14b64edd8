"""The left navigation, by task. A domain adds its section here when its pages exist."""

from __future__ import annotations

from dataclasses import dataclass

from folio.i18n import N_


@dataclass(frozen=True)
class NavItem:
    label: str  # a msgid, translated when rendered
    route: str  # the name of a route whose only path parameter is the book's slug
    icon: str
    also: tuple[str, ...] = ()  # route names of pages that belong under this item
    # Shown only to installation administrators; its route has no path parameters.
    admin_only: bool = False


@dataclass(frozen=True)
class NavSection:
    label: str | None
    items: tuple[NavItem, ...]


NAVIGATION: tuple[NavSection, ...] = (
    NavSection(None, (NavItem(N_("Dashboard"), "dashboard", "home"),)),
    NavSection(N_("Sales"), (
        NavItem(N_("Quotations"), "sales.quotations", "ledger",
                also=("sales.quotation", "sales.quotation_new", "sales.quotation_create",
                      "sales.quotation_edit", "sales.quotation_update", "sales.quotation_send",
                      "sales.quotation_link", "sales.quotation_decide",
                      "sales.quotation_revise", "sales.quotation_convert",
                      "sales.quotation_delete")),
        NavItem(N_("Invoices"), "sales.invoices", "journal",
                also=("sales.invoice", "sales.invoice_issue", "sales.invoice_void",
                      "sales.invoice_pay", "sales.invoice_new", "sales.invoice_create",
                      "sales.invoice_edit", "sales.invoice_update", "sales.invoice_delete",
                      "sales.invoice_credit", "sales.invoice_write_off",
                      "sales.invoice_apply_credit")),
        NavItem(N_("Recurring invoices"), "sales.recurring", "undo",
                also=("sales.recurring_new", "sales.recurring_create", "sales.recurring_one",
                      "sales.recurring_edit", "sales.recurring_update", "sales.recurring_pause",
                      "sales.recurring_resume", "sales.recurring_delete")),
        NavItem(N_("Receivables aging"), "sales.receivables_aging", "columns",
                also=("sales.customer_statement",)),
        NavItem(N_("Contacts"), "parties.list", "user",
                also=("parties.party", "parties.new", "parties.create", "parties.edit",
                      "parties.update")),
        NavItem(N_("Items"), "catalogue.items", "inbox",
                also=("catalogue.item_new", "catalogue.item_create", "catalogue.item_edit",
                      "catalogue.item_update")),
        NavItem(N_("Projects"), "catalogue.projects", "columns",
                also=("catalogue.project", "catalogue.project_new", "catalogue.project_create",
                      "catalogue.project_edit", "catalogue.project_update")),
        NavItem(N_("Leads"), "leads.board", "user",
                also=("leads.list", "leads.new", "leads.create", "leads.lead", "leads.edit",
                      "leads.update", "leads.move", "leads.win", "leads.lose")),
    )),
    NavSection(N_("Purchases"), (
        NavItem(N_("Bills"), "purchases.bills", "journal",
                also=("purchases.bill", "purchases.bill_approve", "purchases.bill_void",
                      "purchases.bill_pay", "purchases.bill_apply_credit",
                      "purchases.bill_new", "purchases.bill_create", "purchases.bill_edit",
                      "purchases.bill_update", "purchases.bill_delete",
                      "purchases.credits", "purchases.credit", "purchases.credit_new",
                      "purchases.credit_create", "purchases.credit_apply",
                      "purchases.credit_refund", "purchases.credit_void")),
        NavItem(N_("Expenses"), "purchases.expenses", "inbox",
                also=("purchases.expense", "purchases.expense_new", "purchases.expense_create",
                      "purchases.expense_receipt")),
        NavItem(N_("Claims"), "purchases.claims_mine", "user",
                also=("purchases.claims_to_approve", "purchases.claim", "purchases.claim_new",
                      "purchases.claim_create", "purchases.claim_submit",
                      "purchases.claim_approve", "purchases.claim_reject",
                      "purchases.claim_reimburse", "purchases.claim_receipt")),
        NavItem(N_("Payables aging"), "purchases.aging", "scale"),
    )),
    NavSection(N_("Banking"), (
        NavItem(N_("Money accounts"), "banking.accounts", "columns", also=("banking.import",)),
        NavItem(N_("Statement lines"), "banking.lines", "inbox",
                also=("banking.categorise", "banking.match")),
        NavItem(N_("Reconcile"), "banking.reconcile", "scale",
                also=("banking.reconcile_start", "banking.reconciliation",
                      "banking.reconcile_cleared", "banking.reconcile_balance",
                      "banking.reconcile_finish", "banking.reconcile_delete",
                      "banking.reconcile_undo")),
    )),
    # Personal finance, shown for every book: budgets and subscriptions serve a small
    # business as well as a household (the book does not record which chart it began with).
    NavSection(N_("Personal"), (
        NavItem(N_("Overview"), "personal.overview", "trend"),
        NavItem(N_("Budgets"), "personal.budgets", "scale",
                also=("personal.budget_set", "personal.budget_delete", "personal.budget_copy")),
        NavItem(N_("Recurring"), "personal.recurring", "undo",
                also=("personal.recurring_new", "personal.recurring_create",
                      "personal.recurring_edit", "personal.recurring_update",
                      "personal.recurring_record", "personal.recurring_delete")),
        NavItem(N_("Goals"), "personal.goals", "check",
                also=("personal.goal_create", "personal.goal_contribute",
                      "personal.goal_delete")),
    )),
    NavSection(N_("Accounting"), (
        NavItem(N_("Journal"), "ledger.journal", "journal",
                also=("ledger.entry", "ledger.entry_new", "ledger.entry_edit")),
        NavItem(N_("Chart of accounts"), "ledger.accounts", "accounts"),
        NavItem(N_("Exchange rates"), "fx.rates", "trend",
                also=("fx.rate_add", "fx.rate_import", "fx.revalue")),
    )),
    NavSection(N_("Reports"), (
        NavItem(N_("Trial balance"), "reports.trial_balance", "scale"),
        NavItem(N_("Balance sheet"), "reports.balance_sheet", "columns"),
        NavItem(N_("Income statement"), "reports.income_statement", "trend"),
        NavItem(N_("General ledger"), "reports.general_ledger", "ledger"),
        NavItem(N_("Revenue analysis"), "analysis.sales", "trend"),
        NavItem(N_("Project profitability"), "analysis.profitability", "columns"),
        NavItem(N_("PPN for the month"), "analysis.ppn", "scale"),
        NavItem(N_("Withholding tax"), "analysis.withholding", "ledger"),
    )),
    NavSection(N_("Settings"), (
        NavItem(N_("Book profile"), "books.profile", "edit",
                also=("books.profile_save", "books.profile_logo", "books.profile_logo_delete",
                      "books.outbox", "books.outbox_retry")),
        NavItem(N_("Members"), "members", "user"),
        NavItem(N_("Audit log"), "audit", "info"),
        NavItem(N_("System"), "system", "trend", admin_only=True, also=(
            "system.overview_fragment", "system.requests", "system.jobs", "system.database",
            "system.errors", "system.error", "system.users", "system.backups",
            "system.deploys")),
    )),
)
