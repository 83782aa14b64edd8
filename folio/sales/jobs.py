"""Daily sales jobs: ``recurring-invoices`` and ``invoice-reminders``."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from folio.ops.jobs import Outcome, job
from folio.sales.recurring import run_due
from folio.sales.reminders import run_reminders
from folio.settings import Settings

DAILY = 24 * 60


@job("recurring-invoices", description="Make the invoices recurring schedules have due "
                                       "(catching up missed periods)",
     every=lambda settings: DAILY, lock_minutes=120)
def recurring_invoices(engine: Engine, settings: Settings) -> Outcome:
    report = run_due(engine)
    return Outcome(records=len(report.made), message=report.message)


@job("invoice-reminders", description="Queue payment reminders for invoices at a "
                                      "reminder stage",
     every=lambda settings: DAILY, lock_minutes=120)
def invoice_reminders(engine: Engine, settings: Settings) -> Outcome:
    report = run_reminders(engine, settings)
    return Outcome(records=report.queued, message=report.message)
