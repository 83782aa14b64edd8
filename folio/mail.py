"""Outgoing email over SMTP: password resets, invoices, reminders.

Mail is off until ``SMTP_HOST`` is set. A plain connection is upgraded with STARTTLS unless
``SMTP_STARTTLS=false``; if the server cannot, nothing is sent (no silent plain text).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid, parseaddr
from typing import TYPE_CHECKING

from folio.errors import ValidationError

if TYPE_CHECKING:
    from folio.settings import Settings

Attachment = tuple[str, bytes, str]  # (filename, content, MIME type such as "application/pdf")


class MailError(Exception):
    """A message could not be handed to the SMTP server; the text names no secret."""


@dataclass
class Message:
    to: str | list[str]
    subject: str
    text: str
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    reply_to: str | None = None
    cc: list[str] = field(default_factory=list)

    @property
    def recipients(self) -> list[str]:
        return [self.to] if isinstance(self.to, str) else list(self.to)


def mail_enabled(settings: Settings) -> bool:
    return bool(settings.SMTP_HOST.strip())


def _one_line(value: str, field_name: str) -> str:
    if "\r" in value or "\n" in value or "\0" in value:
        raise ValidationError("Line breaks are not allowed here.", field=field_name)
    return value


def _address(value: str, field_name: str) -> str:
    """One address, as written; refuses line breaks, lists and anything without an @."""
    _one_line(value, field_name)
    parsed = getaddresses([value])
    _, addr = parseaddr(value)
    if len(parsed) != 1 or "@" not in addr or addr.startswith("@") or addr.endswith("@"):
        raise ValidationError(f"{value!r} is not one email address.", field=field_name)
    return value.strip()


def build(message: Message, sender: str | None = None) -> EmailMessage:
    """The MIME message: text, an HTML alternative, then attachments."""
    recipients = [_address(to, "to") for to in message.recipients]
    if not recipients:
        raise ValidationError("A message needs at least one recipient.", field="to")
    mail = EmailMessage()
    mail["Subject"] = _one_line(message.subject, "subject")
    mail["To"] = ", ".join(recipients)
    if message.cc:
        mail["Cc"] = ", ".join(_address(cc, "cc") for cc in message.cc)
    if sender:
        mail["From"] = _address(sender, "from")
    if message.reply_to:
        mail["Reply-To"] = _address(message.reply_to, "reply_to")
    mail["Date"] = format_datetime(datetime.now(UTC))
    domain = parseaddr(sender or "")[1].rpartition("@")[2] or None
    mail["Message-ID"] = make_msgid(domain=domain)
    mail.set_content(message.text)
    if message.html is not None:
        mail.add_alternative(message.html, subtype="html")
    for filename, content, mime_type in message.attachments:
        maintype, _, subtype = mime_type.partition("/")
        if not subtype:
            raise ValidationError(f"{mime_type!r} is not a MIME type.", field="attachments")
        mail.add_attachment(content, maintype=maintype, subtype=subtype,
                            filename=_one_line(filename, "attachments"))
    return mail


def _reason(exc: BaseException, settings: Settings) -> str:
    text = f"{exc.__class__.__name__}: {exc}"
    return text.replace(settings.SMTP_PASSWORD, "***") if settings.SMTP_PASSWORD else text


def send(message: Message, settings: Settings) -> str:
    """Hand ``message`` to the SMTP server; returns its Message-ID."""
    if not mail_enabled(settings):
        raise MailError("Mail is not configured: set SMTP_HOST to send email.")
    mail = build(message, sender=settings.SMTP_FROM)
    host, port = settings.SMTP_HOST.strip(), settings.SMTP_PORT
    context = ssl.create_default_context()
    try:
        smtp: smtplib.SMTP = (
            smtplib.SMTP_SSL(host, port, timeout=settings.SMTP_TIMEOUT, context=context)
            if settings.SMTP_SSL else smtplib.SMTP(host, port, timeout=settings.SMTP_TIMEOUT))
        with smtp:
            if settings.SMTP_STARTTLS and not settings.SMTP_SSL:
                smtp.starttls(context=context)
            if settings.SMTP_USERNAME:
                smtp.login(settings.SMTP_USERNAME, settings.SMTP_PASSWORD)
            smtp.send_message(mail)
    except (smtplib.SMTPException, OSError) as exc:
        # ``from None``: the original exception could carry the credentials into a log.
        raise MailError(f"Could not send mail through {host}:{port} "
                        f"({_reason(exc, settings)})") from None
    return str(mail["Message-ID"])



def check_address(value: str, field_name: str = "to") -> str:
    """One address as written (``Name <a@b.example>`` or ``a@b.example``), else 422."""
    return _address(value, field_name)


def parse_addresses(value: str, field_name: str = "to", limit: int = 20) -> list[str]:
    """Comma- or semicolon-separated addresses as people type them, each checked."""
    from email.utils import formataddr

    _one_line(value, field_name)
    found: list[str] = []
    for name, addr in getaddresses([value.replace(";", ",")]):
        if not name and not addr:
            continue
        if "@" not in addr or addr.startswith("@") or addr.endswith("@") or " " in addr:
            raise ValidationError(f"{(name or addr)!r} is not an email address.",
                                  field=field_name)
        found.append(formataddr((name, addr)) if name else addr)
    if len(found) > limit:
        raise ValidationError(f"At most {limit} addresses.", field=field_name)
    return found
