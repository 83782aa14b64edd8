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
        NavItem(N_("Invoices"), "sales.invoices", "journal",
                also=("sales.invoice", "sales.invoice_issue", "sales.invoice_void",
                      "sales.invoice_pay")),
    )),
    NavSection(N_("Banking"), (
        NavItem(N_("Money accounts"), "banking.accounts", "columns", also=("banking.import",)),
        NavItem(N_("Statement lines"), "banking.lines", "inbox",
                also=("banking.categorise",)),
    )),
    NavSection(N_("Accounting"), (
        NavItem(N_("Journal"), "ledger.journal", "journal",
                also=("ledger.entry", "ledger.entry_new", "ledger.entry_edit")),
        NavItem(N_("Chart of accounts"), "ledger.accounts", "accounts"),
    )),
    NavSection(N_("Reports"), (
        NavItem(N_("Trial balance"), "reports.trial_balance", "scale"),
        NavItem(N_("Balance sheet"), "reports.balance_sheet", "columns"),
        NavItem(N_("Income statement"), "reports.income_statement", "trend"),
        NavItem(N_("General ledger"), "reports.general_ledger", "ledger"),
    )),
    NavSection(N_("Settings"), (
        NavItem(N_("Members"), "members", "user"),
        NavItem(N_("Audit log"), "audit", "info"),
        NavItem(N_("System"), "system", "trend", admin_only=True, also=(
            "system.overview_fragment", "system.requests", "system.jobs", "system.database",
            "system.errors", "system.error", "system.users", "system.backups",
            "system.deploys")),
    )),
)
