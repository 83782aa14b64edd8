"""The outbox: enqueue a message in the transaction of the action it tells of; the
``send-mail`` job hands due messages to the SMTP server.

A message that fails waits ``BASE_DELAY`` x 2^(attempts-1) before its next try (5, 10, 20,
40, 80 minutes) and is marked failed after ``MAX_ATTEMPTS``; a rejected address fails at
once. A message being sent is claimed for ``CLAIM_MINUTES``, so a process that dies while
sending leaves it to be tried again rather than stuck. Errors are kept without the SMTP
password (folio.mail removes it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.auth.actor import SYSTEM, actor_of
from folio.auth.guard import require
from folio.books.models import Book
from folio.commerce.listing import page_count, page_of
from folio.commerce.records import record_in_book
from folio.db import transaction
from folio.errors import Conflict, ValidationError
from folio.mail import MailError, Message, mail_enabled, parse_addresses, send
from folio.ops.jobs import as_utc
from folio.outbox.models import OutboxMessage, OutboxStatus
from folio.settings import Settings, get_settings

MAX_ATTEMPTS = 6
BASE_DELAY = timedelta(minutes=5)
CLAIM_MINUTES = 30
MAX_BODY = 50_000
DUE = (OutboxStatus.QUEUED.value, OutboxStatus.SENDING.value)


class MailNotSetUp(Conflict):
    title = "Email is not set up"
    slug = "mail-not-configured"


def check_mail_ready(settings: Settings | None = None) -> None:
    """Refuse (409) to queue mail that could never leave: SMTP_HOST is empty."""
    if not mail_enabled(settings or get_settings()):
        raise MailNotSetUp("Email is not set up: set SMTP_HOST (and SMTP_FROM, SMTP_USERNAME, "
                           "SMTP_PASSWORD) in the server's configuration, then try again",
                           field="to")


@dataclass
class OutgoingMail:
    kind: str
    to: Sequence[str]
    subject: str
    body: str
    cc: Sequence[str] = ()
    object_type: str | None = None
    object_id: int | None = None
    attachment: tuple[str, bytes, str] | None = None  # (filename, content, MIME type)


def delay_after(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed try."""
    return BASE_DELAY * 2 ** max(attempts - 1, 0)


def enqueue(session: Session, book: Book, mail: OutgoingMail,
            now: datetime | None = None) -> OutboxMessage:
    """Queue ``mail``; it leaves when the surrounding transaction commits and the job runs.
    The caller checked the permission of the action the mail belongs to."""
    check_mail_ready()
    if not mail.to:
        raise ValidationError("A message needs at least one recipient", field="to")
    to = ", ".join(mail.to)
    cc = ", ".join(mail.cc)
    if len(to) > 1000 or len(cc) > 1000:
        raise ValidationError("Too many recipients", field="to" if len(to) > 1000 else "cc")
    subject = mail.subject.strip()
    if not subject or len(subject) > 300 or "\n" in subject or "\r" in subject:
        raise ValidationError("A subject of one line, 1 to 300 characters", field="subject")
    if len(mail.body) > MAX_BODY or "\x00" in mail.body:
        raise ValidationError(f"A message of at most {MAX_BODY} characters", field="message")
    name, content, media_type = mail.attachment or (None, None, None)
    message = OutboxMessage(
        book_id=book.id, kind=mail.kind, object_type=mail.object_type,
        object_id=mail.object_id, to_addresses=to, cc_addresses=cc, subject=subject,
        body=mail.body, attachment_name=name, attachment=content, attachment_type=media_type,
        status=OutboxStatus.QUEUED.value, attempts=0,
        next_attempt_at=now or datetime.now(UTC), created_by=actor_of(session).label[:200])
    session.add(message)
    session.flush()
    return message


def _claim(engine: Engine, now: datetime, limit: int) -> list[int]:
    """Mark due messages as being sent by this process; returns their ids."""
    claimed: list[int] = []
    with transaction(engine, actor=SYSTEM) as session:
        ids = list(session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.status.in_(DUE),
                                           OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)))
        for message_id in ids:
            done = session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message_id, OutboxMessage.status.in_(DUE),
                       OutboxMessage.next_attempt_at <= now)
                .values(status=OutboxStatus.SENDING.value,
                        attempts=OutboxMessage.attempts + 1,
                        next_attempt_at=now + timedelta(minutes=CLAIM_MINUTES)))
            if getattr(done, "rowcount", 0) == 1:
                claimed.append(message_id)
    return claimed


def _as_message(row: OutboxMessage) -> Message:
    to = parse_addresses(row.to_addresses, "to", limit=50)
    cc = parse_addresses(row.cc_addresses, "cc", limit=50) if row.cc_addresses else []
    attachments = ([(row.attachment_name, row.attachment, row.attachment_type
                     or "application/octet-stream")]
                   if row.attachment is not None and row.attachment_name else [])
    return Message(to=to, cc=cc, subject=row.subject, text=row.body, attachments=attachments)


@dataclass(frozen=True)
class SendResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def message(self) -> str:
        return f"{self.sent} sent, {self.retrying} to retry, {self.failed} failed"


def send_due(engine: Engine, settings: Settings, now: datetime | None = None,
             limit: int = 200) -> SendResult:
    """Send every message that is due at ``now``; each is recorded as sent, to retry or
    failed. Safe to run from two processes at once (a message is claimed by one)."""
    now = now or datetime.now(UTC)
    sent = retrying = failed = 0
    for message_id in _claim(engine, now, limit):
        with transaction(engine, write=False, actor=SYSTEM) as session:
            row = session.get_one(OutboxMessage, message_id)
            attempts = row.attempts
            error: str | None = None
            permanent = False
            try:
                message = _as_message(row)
            except ValidationError as exc:
                error, permanent = exc.detail, True
        message_id_header = None
        if error is None:
            try:
                message_id_header = send(message, settings)
            except ValidationError as exc:
                error, permanent = exc.detail, True
            except MailError as exc:
                error = str(exc)
        with transaction(engine, actor=SYSTEM) as session:
            row = session.get_one(OutboxMessage, message_id)
            if error is None:
                row.status, row.sent_at = OutboxStatus.SENT.value, now
                row.message_id = (message_id_header or "")[:300] or None
                row.last_error = None
                sent += 1
            else:
                row.last_error = error[:1000]
                if permanent or attempts >= MAX_ATTEMPTS:
                    row.status = OutboxStatus.FAILED.value
                    failed += 1
                else:
                    row.status = OutboxStatus.QUEUED.value
                    row.next_attempt_at = now + delay_after(attempts)
                    retrying += 1
    return SendResult(sent, retrying, failed)


# Reading and retrying ------------------------------------------------------------------

@dataclass
class OutboxPage:
    messages: list[OutboxMessage]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.page_size)


STATUSES = tuple(s.value for s in OutboxStatus)


def list_outbox(session: Session, book: Book, *, status: str | None = None,
                object_type: str | None = None, object_id: int | None = None,
                page: int = 1, page_size: int = 50) -> OutboxPage:
    """The book's outgoing mail, newest first (needs ``book.manage``: it holds customers'
    addresses and messages)."""
    require(session, book, "book.manage")
    query = select(OutboxMessage).where(OutboxMessage.book_id == book.id)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    if object_type is not None:
        query = query.where(OutboxMessage.object_type == object_type)
    if object_id is not None:
        query = query.where(OutboxMessage.object_id == object_id)
    rows, total = page_of(session, query,
                          order_by=(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()),
                          page=page, page_size=page_size)
    return OutboxPage(rows, total, page, page_size)


def mail_about(session: Session, book: Book, object_type: str,
               object_id: int) -> list[OutboxMessage]:
    """The mail sent about one document (needs only ``report.read``: no message bodies are
    shown, just who, when and how it went)."""
    require(session, book, "report.read")
    return list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.book_id == book.id, OutboxMessage.object_type == object_type,
        OutboxMessage.object_id == object_id).order_by(OutboxMessage.id.desc()).limit(20)))


def get_message(session: Session, book: Book, message_id: int) -> OutboxMessage:
    require(session, book, "book.manage")
    return record_in_book(session, book, OutboxMessage, message_id, noun="message",
                          field="message")


def _retry(session: Session, row: OutboxMessage, book: Book | None) -> OutboxMessage:
    if row.status == OutboxStatus.SENT.value:
        raise Conflict(f"Message {row.id} was already sent")
    if row.status == OutboxStatus.SENDING.value:
        raise Conflict(f"Message {row.id} is being sent now")
    check_mail_ready()
    before = {"status": row.status, "attempts": row.attempts}
    row.status, row.attempts = OutboxStatus.QUEUED.value, 0
    row.next_attempt_at = datetime.now(UTC)
    session.flush()
    audit.record(session, "send", "outbox_message", row.id, book=book, before=before,
                 after={"status": row.status}, summary=f"Retry mail {row.id}: {row.subject}")
    return row


def retry(session: Session, book: Book, message_id: int) -> OutboxMessage:
    """Queue a failed (or waiting) message again, now, with a fresh count of attempts."""
    return _retry(session, get_message(session, book, message_id), book)


def retry_any(session: Session, message_id: int) -> OutboxMessage:
    """``retry`` for the CLI, which acts on the whole installation."""
    row = session.get(OutboxMessage, message_id) if 0 < message_id < 2**63 else None
    if row is None:
        raise ValidationError(f"There is no message {message_id} in the outbox",
                              field="message")
    book = session.get_one(Book, row.book_id)
    require(session, book, "book.manage")
    return _retry(session, row, book)


def list_all(session: Session, status: str | None = None, limit: int = 200
             ) -> list[OutboxMessage]:
    """The installation's outbox for the CLI (acting as the system)."""
    query = select(OutboxMessage)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return list(session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit)))


def status_counts(session: Session, book: Book) -> dict[str, int]:
    require(session, book, "book.manage")
    return {str(s): int(n) for s, n in session.execute(
        select(OutboxMessage.status, func.count()).where(OutboxMessage.book_id == book.id)
        .group_by(OutboxMessage.status))}


def next_attempt(row: OutboxMessage) -> datetime:
    return as_utc(row.next_attempt_at)
