"""Quotations: drafts, numbering on send, revisions, expiry, decisions and conversion to
invoices in full and in milestones that add up exactly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.audit.models import AuditEvent
from folio.auth.roles import Role
from folio.books.models import Book
from folio.clock import today
from folio.errors import Conflict, Forbidden, ValidationError
from folio.parties.models import Party
from folio.parties.service import PartyInput, create_party
from folio.sales.invoices import InvoiceLineInput
from folio.sales.issuing import issue_invoice
from folio.sales.models import Invoice
from folio.sales.quotations import (
    Milestone,
    QuotationInput,
    client_decision,
    convert,
    create_quotation,
    delete_quotation,
    get_quotation,
    list_quotations,
    public_quotation,
    record_decision,
    revise,
    send_quotation,
    update_quotation,
)
from tests.conftest import Cli, said
from tests.sales.conftest import lines
from tests.sales.test_permissions import member_session

D = Decimal
TODAY = today()


def quote(session: Session, book: Book, customer: Party, *specs: tuple[Any, ...],
          **kwargs: Any) -> Any:
    made = create_quotation(session, book, QuotationInput(
        customer_id=customer.id, lines=lines(*(specs or ((5_550_000, "PPN12"),))), **kwargs))
    session.commit()
    return made


def approved(session: Session, book: Book, customer: Party, *specs: tuple[Any, ...],
             **kwargs: Any) -> Any:
    quotation = quote(session, book, customer, *specs, **kwargs)
    send_quotation(session, book, quotation)
    record_decision(session, book, quotation, approve=True, name="Budi")
    session.commit()
    return quotation


def test_a_draft_is_priced_like_an_invoice_and_unnumbered(session: Session, studio: Book,
                                                          client_co: Party) -> None:
    quotation = quote(session, studio, client_co)
    assert (quotation.status, quotation.number, quotation.revision) == ("draft", None, 1)
    assert (quotation.net_total, quotation.tax_total, quotation.total) == (
        5_550_000, 610_500, 6_160_500)
    assert quotation.lines[0].tax_base == 5_087_500
    assert quotation.valid_until == TODAY + timedelta(days=30)
    assert quotation.currency == "IDR"
    update_quotation(session, studio, quotation, QuotationInput(
        customer_id=client_co.id, lines=lines((1_000_000, ""), (2_000_000, "")),
        valid_until=TODAY + timedelta(days=7), notes="Two phases", terms="50% up front"))
    session.commit()
    assert (quotation.total, len(quotation.lines), quotation.terms) == (3_000_000, 2,
                                                                         "50% up front")


def test_bad_drafts_are_refused_with_every_field_named(session: Session, studio: Book,
                                                       client_co: Party) -> None:
    with pytest.raises(ValidationError) as caught:
        create_quotation(session, studio, QuotationInput(
            customer_id=client_co.id, currency="USD", issue_date=date(2026, 3, 2),
            valid_until=date(2026, 3, 1), project_id=999,
            lines=[InvoiceLineInput(description="x", unit_price=D(-1), tax_code="NOPE",
                                    quantity=D(0))]))
    fields = {e["field"] for e in caught.value.errors}
    assert {"currency", "valid_until", "project_id", "lines[0].unit_price",
            "lines[0].tax_code", "lines[0].quantity"} <= fields
    session.rollback()
    assert list_quotations(session, studio).total == 0


def test_sending_numbers_in_its_own_series(session: Session, studio: Book,
                                           client_co: Party) -> None:
    first = quote(session, studio, client_co, issue_date=date(2026, 3, 2),
                  valid_until=TODAY + timedelta(days=30))
    second = quote(session, studio, client_co, issue_date=date(2026, 3, 3),
                   valid_until=TODAY + timedelta(days=30))
    token = send_quotation(session, studio, second)
    send_quotation(session, studio, first)
    session.commit()
    assert (second.number, first.number) == ("QUO/2026/0001", "QUO/2026/0002")
    assert second.status == "sent"
    assert second.sent_at is not None
    assert token.startswith("q_")
    assert second.token_hash != token
    with pytest.raises(Conflict):
        send_quotation(session, studio, second)
    with pytest.raises(Conflict):
        update_quotation(session, studio, second, QuotationInput(customer_id=client_co.id,
                                                                 lines=lines((1, ""))))
    with pytest.raises(Conflict):
        delete_quotation(session, studio, second)
    events = session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "quotation", AuditEvent.action == "send")).all()
    assert len(events) == 2


def test_a_revision_supersedes_and_keeps_the_number(session: Session, studio: Book,
                                                    client_co: Party) -> None:
    original = quote(session, studio, client_co)
    old_token = send_quotation(session, studio, original)
    session.commit()
    copy = revise(session, studio, original)
    session.commit()
    assert (original.status, copy.status, copy.revision) == ("superseded", "draft", 2)
    assert copy.number == original.number
    assert copy.revision_of_id == original.id
    assert copy.total == original.total
    assert len(copy.lines) == 1
    with pytest.raises(Conflict):
        revise(session, studio, original)
    update_quotation(session, studio, copy, QuotationInput(
        customer_id=client_co.id, lines=lines((5_000_000, "PPN12"))))
    new_token = send_quotation(session, studio, copy)
    session.commit()
    assert copy.label == f"{original.number} rev. 2"
    # The old link shows the superseded revision and cannot approve it.
    assert public_quotation(session, old_token)[1].id == original.id
    with pytest.raises(Conflict):
        client_decision(session, old_token, approve=True, name="Budi")
    session.rollback()
    assert public_quotation(session, new_token)[1].id == copy.id


def test_expiry_is_derived_and_stops_decisions(session: Session, studio: Book,
                                               client_co: Party) -> None:
    quotation = quote(session, studio, client_co)
    token = send_quotation(session, studio, quotation)
    quotation.valid_until = TODAY - timedelta(days=1)  # time passes
    session.commit()
    assert quotation.status == "sent"
    assert quotation.status_on(TODAY) == "expired"
    assert [q.id for q in list_quotations(session, studio, status="expired").quotations] == [
        quotation.id]
    assert list_quotations(session, studio, status="sent").total == 0
    with pytest.raises(Conflict):
        client_decision(session, token, approve=True, name="Budi")
    session.rollback()
    copy = revise(session, studio, quotation)  # an expired quotation may be re-offered
    assert copy.status == "draft"


def test_the_client_decides_once_and_it_is_audited(session: Session, studio: Book,
                                                   client_co: Party) -> None:
    quotation = quote(session, studio, client_co)
    token = send_quotation(session, studio, quotation)
    session.commit()
    with pytest.raises(ValidationError):
        client_decision(session, token, approve=True, name="  ")
    client_decision(session, token, approve=True, name="Budi Santoso", comment="Go ahead")
    session.commit()
    assert (quotation.status, quotation.client_name, quotation.client_comment) == (
        "approved", "Budi Santoso", "Go ahead")
    assert quotation.decided_by == "client:Budi Santoso"
    assert quotation.decided_at
    with pytest.raises(Conflict):
        client_decision(session, token, approve=False, name="Budi Santoso")
    session.rollback()
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "approve",
                                                     AuditEvent.object_type == "quotation")).one()
    assert event.actor == "client:Budi Santoso"
    assert event.book_id == studio.id


def test_staff_record_a_decline(session: Session, studio: Book, client_co: Party) -> None:
    quotation = quote(session, studio, client_co)
    send_quotation(session, studio, quotation)
    record_decision(session, studio, quotation, approve=False, name="Budi",
                    comment="Too expensive")
    session.commit()
    assert quotation.status == "declined"
    assert session.scalars(select(AuditEvent.actor).where(
        AuditEvent.action == "reject")).one() == "system"
    with pytest.raises(Conflict):
        convert(session, studio, quotation)


def test_converting_in_full_copies_the_lines(session: Session, studio: Book,
                                             client_co: Party) -> None:
    quotation = approved(session, studio, client_co, (5_550_000, "PPN12"),
                         (1_000_000, "", 2, 10))
    invoices = convert(session, studio, quotation)
    session.commit()
    assert quotation.status == "converted"
    assert quotation.converted_at
    [invoice] = invoices
    assert (invoice.status, invoice.quotation_id, invoice.total) == ("draft", quotation.id,
                                                                     quotation.total)
    assert [(x.description, x.quantity, x.unit_price, x.discount_percent, x.net, x.tax)
            for x in invoice.lines] == [
        (x.description, x.quantity, x.unit_price, x.discount_percent, x.net, x.tax)
        for x in quotation.lines]
    assert invoice.reference == quotation.number
    with pytest.raises(Conflict):
        convert(session, studio, quotation)
    issue_invoice(session, studio, invoice)
    session.commit()
    assert invoice.number is not None
    assert invoice.number.startswith("INV/")


def test_a_30_70_split_adds_up_exactly(session: Session, studio: Book,
                                       client_co: Party) -> None:
    quotation = approved(session, studio, client_co)
    down, rest = convert(session, studio, quotation, [Milestone(percent=D(30)),
                                                      Milestone(percent=D(70))])
    session.commit()
    assert (down.total, rest.total) == (1_848_150, 4_312_350)
    assert down.total + rest.total == quotation.total == 6_160_500
    # In the book's language (the studio keeps its books in Bahasa Indonesia).
    assert down.lines[0].description == f"Uang muka 30% dari {quotation.number}"
    assert rest.lines[0].description == f"Pelunasan 70% dari {quotation.number}"
    assert down.prices_include_tax
    assert down.lines[0].tax_code_id == quotation.lines[0].tax_code_id
    assert {down.quotation_id, rest.quotation_id} == {quotation.id}


def test_thirds_and_mixed_tax_codes_leave_the_remainder_to_the_last(
        session: Session, studio: Book, client_co: Party) -> None:
    quotation = approved(session, studio, client_co, (5_550_001, "PPN12"), (333_333, ""),
                         (1_234_567, "PPN12"))
    invoices = convert(session, studio, quotation, [
        Milestone(percent=D("33.33")), Milestone(percent=D("33.33"), label="Termin 2"),
        Milestone(percent=D("33.34"))])
    session.commit()
    assert sum(i.total for i in invoices) == quotation.total
    assert invoices[0].total == int((Decimal(quotation.total) * D("0.3333")).quantize(D(1),
                                    "ROUND_HALF_UP"))
    assert invoices[1].lines[0].description.startswith("Termin 2 33.33% dari ")
    # Each tax code's share adds up too: the invoices' untaxed lines sum to the quotation's.
    untaxed = sum(x.amount for i in invoices for x in i.lines if x.tax_code_id is None)
    assert untaxed == 333_333


def test_milestones_by_amount_and_bad_splits(session: Session, studio: Book,
                                             client_co: Party) -> None:
    quotation = approved(session, studio, client_co)
    with pytest.raises(ValidationError) as caught:
        convert(session, studio, quotation, [Milestone(percent=D(30)),
                                             Milestone(percent=D(60))])
    assert "6160500" in caught.value.errors[0]["message"]
    with pytest.raises(ValidationError):
        convert(session, studio, quotation, [Milestone(percent=D(30), amount=D(5))])
    with pytest.raises(ValidationError):
        convert(session, studio, quotation, [Milestone(amount=D("0.5"))])
    session.rollback()
    assert get_quotation(session, studio, quotation.id).status == "approved"
    invoices = convert(session, studio, quotation, [Milestone(amount=D(1_000_000)),
                                                    Milestone(percent=D(75)),
                                                    Milestone(amount=D(540_125))])
    session.commit()
    assert [i.total for i in invoices] == [1_000_000, 4_620_375, 540_125]


@pytest.fixture
def dollars(session: Session, book: Book) -> Party:
    party, _ = create_party(session, book, PartyInput(name="Acme Inc", is_customer=True))
    session.commit()
    return party


def test_a_usd_split_keeps_the_cents(session: Session, book: Book, dollars: Party) -> None:
    quotation = approved(session, book, dollars, ("333.33", ""), ("666.68", ""))
    assert quotation.total == 100_001  # $1,000.01 in cents
    down, rest = convert(session, book, quotation, [Milestone(percent=D(30)),
                                                    Milestone(percent=D(70))])
    session.commit()
    assert (down.total, rest.total) == (30_000, 70_001)
    assert down.lines[0].unit_price == 30_000


@pytest.fixture
def viewer(engine: Engine, session: Session, studio: Book) -> Iterator[Session]:
    yield from member_session(engine, session, studio, "vera@example.com", Role.viewer)


@pytest.fixture
def staff(engine: Engine, session: Session, studio: Book) -> Iterator[Session]:
    yield from member_session(engine, session, studio, "sari@example.com", Role.staff)


def test_a_viewer_reads_but_may_not_draft_or_send(viewer: Session, session: Session,
                                                  studio: Book, client_co: Party) -> None:
    made = quote(session, studio, client_co)
    book = viewer.get_one(Book, studio.id)
    assert get_quotation(viewer, book, made.id).total == 6_160_500
    with pytest.raises(Forbidden):
        create_quotation(viewer, book, QuotationInput(customer_id=client_co.id,
                                                      lines=lines((1, ""))))
    with pytest.raises(Forbidden):
        send_quotation(viewer, book, get_quotation(viewer, book, made.id))


def test_staff_draft_and_revise_but_an_accountant_sends(staff: Session, session: Session,
                                                        studio: Book,
                                                        client_co: Party) -> None:
    book = staff.get_one(Book, studio.id)
    made = create_quotation(staff, book, QuotationInput(customer_id=client_co.id,
                                                        lines=lines((1_000, ""))))
    staff.commit()
    made_id = made.id
    with pytest.raises(Forbidden):
        send_quotation(staff, book, made)
    staff.rollback()
    with pytest.raises(Forbidden):
        record_decision(staff, book, get_quotation(staff, book, made_id), approve=True,
                        name="x")
    staff.rollback()
    sent = get_quotation(session, studio, made_id)
    send_quotation(session, studio, sent)
    session.commit()
    copy = revise(staff, book, get_quotation(staff, book, made_id))
    staff.commit()
    assert copy.revision == 2
    with pytest.raises(Forbidden):
        convert(staff, book, copy)


def test_invoices_link_back_and_listing_filters(session: Session, studio: Book,
                                                client_co: Party) -> None:
    other, _ = create_party(session, studio, PartyInput(name="CV Lain", is_customer=True))
    session.commit()
    quote(session, studio, client_co)
    quote(session, studio, other)
    assert list_quotations(session, studio, customer_id=other.id).total == 1
    assert list_quotations(session, studio, search="lain").total == 1
    assert list_quotations(session, studio, status="draft", page_size=1).pages == 2
    quotation = approved(session, studio, client_co)
    convert(session, studio, quotation)
    session.commit()
    linked = session.scalars(select(Invoice).where(Invoice.quotation_id == quotation.id)).all()
    assert len(linked) == 1


def test_the_cli_lists_sends_and_converts(cli: Cli, session: Session, studio: Book,
                                          client_co: Party) -> None:
    draft_id = quote(session, studio, client_co).id
    session.rollback()
    sent = cli("quotations", "send", str(draft_id))
    assert sent.exit_code == 0, said(sent)
    number = f"QUO/{TODAY.year}/0001"
    assert f"Sent {number}: 6160500 IDR" in said(sent)
    assert "/q/q_" in said(sent)
    listed = json.loads(cli("quotations", "list", "--format", "json").stdout)
    assert [(q["number"], q["status"]) for q in listed["quotations"]] == [(number, "sent")]
    as_csv = cli("quotations", "list", "--status", "sent", "--format", "csv")
    assert as_csv.stdout.splitlines()[0] == \
        "id,number,issue_date,valid_until,customer,status,total"
    early = cli("quotations", "convert", number)
    assert early.exit_code == 1
    assert "only an approved quotation" in said(early)
    session.expire_all()  # the CLI changed it in another transaction
    record_decision(session, studio, get_quotation(session, studio, draft_id), approve=True,
                    name="Budi")
    session.commit()
    session.rollback()
    bad = cli("quotations", "convert", number, "--milestone", "30%", "--milestone", "abc")
    assert bad.exit_code == 1
    assert "--milestone" in said(bad)
    done = cli("quotations", "convert", number, "--milestone", "30%", "--milestone", "70%")
    assert done.exit_code == 0, said(done)
    assert "1848150 IDR" in said(done)
    assert "4312350 IDR" in said(done)
    shown = json.loads(cli("quotations", "show", number, "--format", "json").stdout)
    assert shown["status"] == "converted"
    assert len(shown["invoice_ids"]) == 2
    assert cli("quotations", "show", "QUO/1999/9999").exit_code == 1
