"""Messages services raise that pages show translated.

Services speak English (the API's problem documents stay English); a page passes a
message through ``translated()``, which finds it here when it has no variable parts.
Messages with values in them (codes, amounts) are shown as the service wrote them.
"""

from __future__ import annotations

from folio.i18n import N_

SERVICE_MESSAGES = (
    # folio.ledger.service
    N_("an entry needs a description"),
    N_("an entry needs at least two lines"),
    N_("a line's amount cannot be zero"),
    N_("The entry has invalid fields"),
    N_("The entry does not balance"),
    N_("A posted entry cannot be changed; reverse it instead"),
    N_("A posted entry is never deleted; reverse it instead"),
    N_("Only a posted entry can be reversed; a draft can simply be deleted"),
    N_("A reversal cannot be dated before the entry it reverses"),
    # folio.ledger.accounts
    N_("1-20 letters, digits, dots, dashes or underscores, e.g. 1101"),
    N_("a name of 1 to 200 characters"),
    # the pages' own form reading (folio.web.forms, folio.ledger.entry_form)
    N_("enter a date as YYYY-MM-DD"),
    N_("enter either a debit or a credit, not both"),
    N_("the rate is not a number"),
    N_("'from' is after 'to'"),
    # folio.problems and the framework's own errors
    N_("Something went wrong on our side."),
    N_("Not Found"),
    N_("Method Not Allowed"),
)
