"""Emailing quotations, invoices and payment reminders, with the document as a PDF.

The message is written in the book's language (English or Bahasa Indonesia) unless the
sender writes their own; it goes to the customer's primary contact person's
email (else the customer's own) unless told otherwise.
It is queued in the outbox in the same transaction as the action (a quotation is marked
sent when it is emailed), so an action that rolls back sends nothing. Sending needs
``sales.issue``; with no SMTP server configured it is refused (409) rather than queued.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date
from sqlalchemy.orm import Session, object_session

from folio import clock
from folio.audit import service as audit
from folio.auth.actor import actor_of
from folio.auth.guard import require
from folio.books.models import Book
from folio.books.profile import letterhead
from folio.errors import Conflict, ValidationError
from folio.i18n import translations
from folio.mail import parse_addresses
from folio.money import format_money, from_minor
from folio.outbox.models import OutboxMessage
from folio.outbox.service import OutgoingMail, check_mail_ready, enqueue
from folio.parties.models import Party
from folio.parties.service import primary_email
from folio.sales.invoices import OPEN
from folio.sales.models import Invoice, InvoiceKind, InvoiceStatus
from folio.sales.quotation_models import Quotation, QuotationStatus
from folio.sales.recurring_models import InvoiceReminder

PDF = "application/pdf"


@dataclass
class SendInput:
    """What the sender may change; None (or blank) takes the default."""

    to: str | None = None  # comma-separated addresses; default: the customer's email
    cc: str | None = None
    subject: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class Draft:
    """A message ready to queue: the defaults with the sender's changes."""

    to: list[str]
    cc: list[str]
    subject: str
    body: str


def language_of(book: Book) -> str:
    return "id" if book.locale.lower().startswith("id") else "en"


class _Writer:
    """Sentences in the book's language, amounts and dates in its locale."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self.catalog = translations(language_of(book))

    def __call__(self, message: str, **values: str) -> str:
        return str(self.catalog.gettext(message)) % values if values \
            else str(self.catalog.gettext(message))

    def money(self, units: int, currency: str) -> str:
        return format_money(from_minor(units, currency), currency, self.book.locale)

    def day(self, value: date) -> str:
        return format_date(value, "long", locale=self.book.locale)


def _signature(session: Session, book: Book, _: _Writer, *, payment: bool) -> list[str]:
    head = letterhead(session, book)
    lines: list[str] = []
    if payment and head.banks:
        lines += ["", _("Please pay to:")]
        lines += [f"  {b.bank_name} {b.account_number} ({b.account_name})" for b in head.banks]
    if payment and head.footer:
        lines += ["", head.footer]
    lines += ["", _("Thank you,"), head.name]
    lines += [c for c in head.contact]
    return lines


def _addresses(data: SendInput, customer: Party) -> tuple[list[str], list[str]]:
    to = parse_addresses(data.to, "to") if data.to and data.to.strip() else []
    if not to:
        session = object_session(customer)
        email = primary_email(session, customer) if session is not None else customer.email
        if not email:
            raise ValidationError(f"{customer.name} has no email address; enter one to "
                                  f"send to", field="to")
        to = parse_addresses(email, "to")
    cc = parse_addresses(data.cc, "cc") if data.cc and data.cc.strip() else []
    return to, cc


def _draft(data: SendInput, customer: Party, subject: str, body: list[str]) -> Draft:
    to, cc = _addresses(data, customer)
    own_subject = (data.subject or "").strip()
    if len(own_subject) > 300 or "\n" in own_subject or "\r" in own_subject:
        raise ValidationError("A subject of one line, at most 300 characters", field="subject")
    own_message = (data.message or "").replace("\r\n", "\n").strip()
    if len(own_message) > 20_000 or "\x00" in own_message:
        raise ValidationError("A message of at most 20000 characters", field="message")
    return Draft(to=to, cc=cc, subject=own_subject or subject,
                 body=(own_message or "\n".join(body)) + "\n")


def _file_name(label: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in label)[:150] + ".pdf"


# Invoices ------------------------------------------------------------------------------

def invoice_draft(session: Session, book: Book, invoice: Invoice,
                  data: SendInput | None = None) -> Draft:
    """The invoice email as it would go: for the send form and for sending."""
    _ = _Writer(book)  # named _ so that pybabel extracts the messages
    customer = session.get_one(Party, invoice.customer_id)
    head = letterhead(session, book)
    number = invoice.number or ""
    if invoice.kind == InvoiceKind.CREDIT_NOTE.value:
        subject = _("Credit note %(number)s from %(company)s", number=number, company=head.name)
        text = _("Please find attached credit note %(number)s for %(amount)s.",
                 number=number, amount=_.money(invoice.total, invoice.currency))
    else:
        subject = _("Invoice %(number)s from %(company)s", number=number, company=head.name)
        text = _("Please find attached invoice %(number)s for %(amount)s, due on %(due)s.",
                 number=number, amount=_.money(invoice.total, invoice.currency),
                 due=_.day(invoice.due_date))
    body = [_("Dear %(name)s,", name=customer.name), "", text,
            *_signature(session, book, _, payment=invoice.kind == InvoiceKind.INVOICE.value)]
    return _draft(data or SendInput(), customer, subject, body)


def _invoice_mail(session: Session, book: Book, invoice: Invoice, draft: Draft,
                  kind: str) -> OutboxMessage:
    from folio.documents.pdf import invoice_pdf

    pdf = invoice_pdf(session, book, invoice)
    return enqueue(session, book, OutgoingMail(
        kind=kind, to=draft.to, cc=draft.cc, subject=draft.subject, body=draft.body,
        object_type="invoice", object_id=invoice.id,
        attachment=(_file_name(invoice.number or f"invoice-{invoice.id}"), pdf, PDF)))


def send_invoice(session: Session, book: Book, invoice: Invoice,
                 data: SendInput | None = None) -> OutboxMessage:
    """Queue the issued invoice (or credit note) to the customer, its PDF attached."""
    require(session, book, "sales.issue")
    if invoice.status in (InvoiceStatus.DRAFT.value, InvoiceStatus.VOID.value):
        raise Conflict(f"Invoice {invoice.number or invoice.id} is {invoice.status}; issue it "
                       f"before emailing it" if invoice.status == InvoiceStatus.DRAFT.value
                       else f"Invoice {invoice.number} is void; it is not sent")
    check_mail_ready()
    draft = invoice_draft(session, book, invoice, data)
    message = _invoice_mail(session, book, invoice, draft, "invoice")
    audit.record(session, "send", "invoice", invoice.id, book=book,
                 after={"to": draft.to, "cc": draft.cc, "subject": draft.subject,
                        "outbox_id": message.id},
                 summary=f"Invoice {invoice.number} emailed to {', '.join(draft.to)}"[:300])
    return message


# Reminders -----------------------------------------------------------------------------

def reminder_draft(session: Session, book: Book, invoice: Invoice,
                   data: SendInput | None = None, on: date | None = None) -> Draft:
    _ = _Writer(book)  # named _ so that pybabel extracts the messages
    day = on or clock.today()
    customer = session.get_one(Party, invoice.customer_id)
    number = invoice.number or ""
    due = _.money(invoice.amount_due, invoice.currency)
    late = (day - invoice.due_date).days
    if late > 0:
        subject = _("Overdue: invoice %(number)s", number=number)
        text = _("Our records show that invoice %(number)s, due on %(due)s, is %(days)s days "
                 "overdue. The amount still due is %(amount)s.", number=number,
                 due=_.day(invoice.due_date), days=str(late), amount=due)
    else:
        subject = _("Reminder: invoice %(number)s", number=number)
        text = _("This is a friendly reminder that invoice %(number)s for %(amount)s is due "
                 "on %(due)s.", number=number, amount=due, due=_.day(invoice.due_date))
    body = [_("Dear %(name)s,", name=customer.name), "", text, "",
            _("If you have already paid, please ignore this message."),
            *_signature(session, book, _, payment=True)]
    return _draft(data or SendInput(), customer, subject, body)


def check_remindable(invoice: Invoice) -> None:
    if invoice.kind != InvoiceKind.INVOICE.value or invoice.status not in OPEN \
            or invoice.amount_due <= 0:
        raise Conflict(f"Invoice {invoice.number or invoice.id} is {invoice.status}; only an "
                       f"open invoice with an amount due gets reminders")


def send_reminder(session: Session, book: Book, invoice: Invoice,
                  data: SendInput | None = None, *, stage: int | None = None,
                  on: date | None = None) -> OutboxMessage:
    """Queue a payment reminder for an open invoice and log it (``stage`` None: by hand)."""
    require(session, book, "sales.issue")
    check_remindable(invoice)
    check_mail_ready()
    day = on or clock.today()
    draft = reminder_draft(session, book, invoice, data, on=day)
    message = _invoice_mail(session, book, invoice, draft, "reminder")
    session.add(InvoiceReminder(book_id=book.id, invoice_id=invoice.id, stage=stage,
                                status="queued", outbox_id=message.id, on_date=day,
                                created_by=actor_of(session).label[:200]))
    session.flush()
    audit.record(session, "send", "invoice", invoice.id, book=book,
                 after={"reminder_stage": stage, "to": draft.to, "outbox_id": message.id},
                 summary=f"Reminder for invoice {invoice.number} emailed to "
                         f"{', '.join(draft.to)}"[:300])
    return message


# Quotations ----------------------------------------------------------------------------

def quotation_draft(session: Session, book: Book, quotation: Quotation, link: str | None,
                    data: SendInput | None = None) -> Draft:
    _ = _Writer(book)  # named _ so that pybabel extracts the messages
    customer = session.get_one(Party, quotation.customer_id)
    head = letterhead(session, book)
    number = quotation.number or ""
    body = [_("Dear %(name)s,", name=customer.name), "",
            _("Please find attached our quotation %(number)s for %(amount)s, valid until "
              "%(date)s.", number=number, amount=_.money(quotation.total, quotation.currency),
              date=_.day(quotation.valid_until))]
    if link:
        body += ["", _("You can view, approve or decline it online: %(link)s", link=link)]
    body += _signature(session, book, _, payment=False)
    subject = _("Quotation %(number)s from %(company)s", number=number, company=head.name)
    return _draft(data or SendInput(), customer, subject, body)


def send_quotation_mail(session: Session, book: Book, quotation: Quotation,
                        data: SendInput | None = None,
                        base_url: str = "") -> tuple[OutboxMessage, str]:
    """Email the quotation with its public link (in the text and as the PDF's QR code).

    A draft is numbered and marked sent (folio.sales.quotations.send_quotation); a sent
    quotation gets a fresh link (the one emailed before stops working). Returns the queued
    message and the link."""
    from folio.documents.pdf import quotation_pdf
    from folio.sales import quotations

    require(session, book, "sales.issue")
    status = quotation.status_on(clock.today())
    if status not in (QuotationStatus.DRAFT.value, QuotationStatus.SENT.value):
        raise Conflict(f"Quotation {quotation.number or quotation.id} is {status}; only a "
                       f"draft or a sent quotation can be emailed")
    check_mail_ready()
    customer = session.get_one(Party, quotation.customer_id)
    _addresses(data or SendInput(), customer)  # refuse before the quotation changes
    if quotation.status == QuotationStatus.DRAFT.value:
        token = quotations.send_quotation(session, book, quotation)
    else:
        token = quotations.new_link(session, book, quotation)
    link = quotations.public_url(token, base_url)
    draft = quotation_draft(session, book, quotation, link, data)
    pdf = quotation_pdf(session, book, quotation, link)
    message = enqueue(session, book, OutgoingMail(
        kind="quotation", to=draft.to, cc=draft.cc, subject=draft.subject, body=draft.body,
        object_type="quotation", object_id=quotation.id,
        attachment=(_file_name(quotation.number or f"quotation-{quotation.id}"), pdf, PDF)))
    audit.record(session, "send", "quotation", quotation.id, book=book,
                 after={"to": draft.to, "cc": draft.cc, "outbox_id": message.id},
                 summary=f"Quotation {quotation.number} emailed to "
                         f"{', '.join(draft.to)}"[:300])
    return message, link
