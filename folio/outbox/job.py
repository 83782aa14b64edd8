"""The ``send-mail`` job: every minute, send the outbox's due messages."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from folio.mail import mail_enabled
from folio.ops.jobs import Outcome, job
from folio.outbox.service import send_due
from folio.settings import Settings


@job("send-mail", description="Send queued email (invoices, quotations, reminders); "
                               "retry with backoff",
     every=lambda settings: 1 if mail_enabled(settings) else None, lock_minutes=30)
def send_mail(engine: Engine, settings: Settings) -> Outcome:
    result = send_due(engine, settings)
    return Outcome(records=result.sent + result.retrying + result.failed,
                   message=result.message)
