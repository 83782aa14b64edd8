"""Purchase pages: bills (list, detail, approve, void, pay, apply a credit), vendor credits,
expenses with receipts, expense claims from submission to approval, and payables aging."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.books.models import Book
from folio.parties.models import Party
from folio.parties.service import PartyInput, create_party
from folio.purchases.claims import ClaimInput, create_claim
from folio.purchases.expenses import ExpenseInput, record_expense
from folio.purchases.models import (
    Attachment,
    Bill,
    BillPayment,
    Expense,
    ExpenseClaim,
    VendorCredit,
)
from folio.purchases.vendor_credits import (
    VendorCreditInput,
    VendorCreditLineInput,
    create_vendor_credit,
)
from tests.conftest import ensure_member, sign_in_as
from tests.purchases.conftest import D, MakeBill, service, stored_files, tiny_pdf, tiny_png
from tests.sales.test_pages import no_inline_script_or_style
from tests.web.page import Page

BOOK = "/books/studio"
BILLS = f"{BOOK}/bills"


def rows(session: Session, model: Any) -> int:
    count = int(session.scalar(select(func.count()).select_from(model)) or 0)
    session.rollback()
    return count


def post_forms(html: str) -> list[str]:
    """Where the page's POST forms go, leaving out the layout's own (sign out, language)."""
    return [attrs.get("action", "") for tag, attrs in Page(html).elements
            if tag == "form" and attrs.get("method") == "post"
            and attrs.get("action", "").startswith(BOOK)]


def vendor_credit(session: Session, book: Book, vendor: Party, amount: int = 500_000,
                  reference: str = "CN-1") -> VendorCredit:
    from datetime import date

    made = create_vendor_credit(session, book, VendorCreditInput(
        vendor_id=vendor.id, vendor_reference=reference, date=date(2026, 3, 5),
        lines=[VendorCreditLineInput(description="Discount", amount=D(amount))]))
    session.commit()
    return made


# Bills --------------------------------------------------------------------------------

def test_the_bill_list_filters_and_pages(client: Any, session: Session, studio: Book,
                                         make_bill: MakeBill, vendor: Party) -> None:
    approved = make_bill(service(5_550_000), approve=True)
    draft = make_bill(day="2026-04-10", vendor_reference="LATE-1")
    response = client.get(BILLS)
    assert response.status_code == 200
    assert approved.number in response.text
    assert "PT Vendor Kreatif" in response.text
    assert "6.160.500" in response.text  # 5.550.000 + PPN 610.500, id_ID format
    no_inline_script_or_style(response.text)
    drafts = client.get(BILLS, params={"status": "draft"}).text
    assert f"{BILLS}/{draft.id}" in drafts
    assert approved.number not in drafts
    assert approved.number in client.get(BILLS, params={"q": "kreatif"}).text
    assert approved.number not in client.get(BILLS, params={"q": "nobody"}).text
    assert approved.number in client.get(BILLS, params={"status": "overdue"}).text
    dated = client.get(BILLS, params={"from": "2026-04-01", "to": "2026-04-30"}).text
    assert "LATE-1" in dated
    assert approved.number not in dated
    assert approved.number in client.get(BILLS, params={"vendor": vendor.id}).text
    assert client.get(BILLS, params={"status": "nonsense"}).status_code == 422
    for _ in range(50):
        make_bill()
    assert 'rel="next"' in client.get(BILLS).text
    assert 'rel="prev"' in client.get(BILLS, params={"page": 2}).text


def test_the_bill_detail_shows_totals_withholding_and_escapes(
        client: Any, session: Session, studio: Book, make_bill: MakeBill) -> None:
    party, _ = create_party(session, studio, PartyInput(name="<i>Evil</i> & Co",
                                                        is_vendor=True, tax_id="0123456789012345"))
    session.commit()
    bill = make_bill(service(5_550_000), withholding_code="PPH23", vendor_id=party.id,
                     approve=True)
    response = client.get(f"{BILLS}/{bill.id}")
    assert response.status_code == 200
    assert "&lt;i&gt;Evil&lt;/i&gt; &amp; Co" in response.text
    assert "<i>Evil" not in response.text
    text = Page(response.text).text
    for figure in ("5.550.000", "610.500", "6.160.500", "111.000", "6.049.500"):
        assert figure in text
    no_inline_script_or_style(response.text)
    assert client.get(f"{BILLS}/999999").status_code == 404
    assert client.get(f"{BILLS}/{2**70}").status_code in (404, 422)


def test_approving_paying_and_voiding_through_the_forms(
        client: Any, session: Session, studio: Book, make_bill: MakeBill) -> None:
    draft_id = make_bill(service(1_000_000, None)).id
    session.rollback()
    assert f"{BILLS}/{draft_id}/approve" in client.get(f"{BILLS}/{draft_id}").text
    done = client.post(f"{BILLS}/{draft_id}/approve", follow_redirects=False)
    assert done.status_code == 303
    assert "notice=approved" in done.headers["location"]
    assert "The bill is approved" in client.get(done.headers["location"]).text
    again = client.post(f"{BILLS}/{draft_id}/approve")
    assert again.status_code == 409
    assert 'role="alert"' in again.text

    paid = client.post(f"{BILLS}/{draft_id}/payments", data={
        "paid_on": "2026-03-20", "account": "1111", "amount": "400.000", "bank_fee": "6500"},
        follow_redirects=False)
    assert paid.status_code == 303
    session.expire_all()
    bill = session.get_one(Bill, draft_id)
    assert (bill.status, bill.amount_paid) == ("partially_paid", 400_000)
    payment = session.scalars(select(BillPayment)).one()
    assert (payment.amount, payment.bank_fee) == (400_000, 6_500)
    session.rollback()
    shown = client.get(paid.headers["location"]).text
    assert "The payment is recorded" in shown
    assert f"{BILLS}/{draft_id}/void" not in shown  # money has gone out

    other_id = make_bill(service(1_000_000, None), approve=True).id
    session.rollback()
    voided = client.post(f"{BILLS}/{other_id}/void", data={"reason": "twice"},
                         follow_redirects=False)
    assert voided.status_code == 303
    session.expire_all()
    assert session.get_one(Bill, other_id).status == "void"


def test_a_bad_payment_is_explained_at_the_field_and_writes_nothing(
        client: Any, counts: Any, session: Session, studio: Book, make_bill: MakeBill) -> None:
    bill_id = make_bill(service(1_000_000, None), approve=True).id
    session.rollback()
    before = counts()
    for data, field in (({"paid_on": "2026-03-20", "account": "1111", "amount": "lots"},
                         "amount"),
                        ({"paid_on": "", "account": "1111", "amount": "100"}, "date"),
                        ({"paid_on": "2026-03-20", "account": "", "amount": "100"}, "account"),
                        ({"paid_on": "2026-03-20", "account": "1111", "amount": "2000000"},
                         "allocations[0].amount")):
        response = client.post(f"{BILLS}/{bill_id}/payments", data=data)
        assert response.status_code == 422, data
        assert 'role="alert"' in response.text
        assert f'id="error-{field.replace("[", "-").replace("]", "").replace(".", "-")}"' \
            in response.text, data
    assert counts() == before


def test_applying_a_vendor_credit_on_the_bill_page(
        client: Any, session: Session, studio: Book, make_bill: MakeBill, vendor: Party) -> None:
    bill_id = make_bill(service(1_000_000, None), approve=True).id
    credit_id = vendor_credit(session, studio, vendor).id
    session.rollback()
    page = client.get(f"{BILLS}/{bill_id}").text
    assert f"{BILLS}/{bill_id}/credits" in page
    assert "CN-1" in page
    done = client.post(f"{BILLS}/{bill_id}/credits",
                       data={"credit": str(credit_id), "amount": "200000"},
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    session.expire_all()
    assert session.get_one(Bill, bill_id).amount_due == 800_000
    assert session.get_one(VendorCredit, credit_id).remaining == 300_000
    session.rollback()
    too_much = client.post(f"{BILLS}/{bill_id}/credits",
                           data={"credit": str(credit_id), "amount": "400000"})
    assert too_much.status_code == 422
    assert "is left on this credit" in too_much.text


# Vendor credits -----------------------------------------------------------------------

def test_recording_a_vendor_credit_through_the_form(
        client: Any, counts: Any, session: Session, studio: Book, make_bill: MakeBill,
        vendor: Party) -> None:
    bill_id = make_bill(service(1_000_000, None), approve=True).id
    vendor_id = vendor.id
    session.rollback()
    form = Page(client.get(f"{BOOK}/vendor-credits/new").text)
    assert f"{BOOK}/vendor-credits/new" in form.attribute_values("action")
    before = counts()
    bad = client.post(f"{BOOK}/vendor-credits/new", data={
        "vendor_id": str(vendor_id), "vendor_reference": "", "date": "2026-03-10",
        "lines-0-description": "Returned", "lines-0-amount": "-5"})
    assert bad.status_code == 422
    assert 'id="error-vendor_reference"' in bad.text
    assert 'id="error-lines-0-amount"' in bad.text
    assert 'value="Returned"' in bad.text  # what was typed stays
    assert counts() == before
    made = client.post(f"{BOOK}/vendor-credits/new", data={
        "vendor_id": str(vendor_id), "vendor_reference": "CN-9", "date": "2026-03-10",
        "bill_id": str(bill_id), "lines-0-description": "Returned footage",
        "lines-0-amount": "1.200.000", "lines-0-tax_code": "PPN-IN"}, follow_redirects=False)
    assert made.status_code == 303, made.text
    shown = client.get(made.headers["location"]).text
    assert "1.332.000" in shown  # 1.200.000 + PPN 132.000
    no_inline_script_or_style(shown)
    listing = client.get(f"{BOOK}/vendor-credits").text
    assert "CN-9" in listing
    credit_id = session.scalars(select(VendorCredit.id)).one()
    session.rollback()
    applied = client.post(f"{BOOK}/vendor-credits/{credit_id}/apply",
                          data={"bill": str(bill_id)}, follow_redirects=False)
    assert applied.status_code == 303, applied.text
    refunded = client.post(f"{BOOK}/vendor-credits/{credit_id}/refund",
                           data={"refunded_on": "2026-03-20", "account": "1111"},
                           follow_redirects=False)
    assert refunded.status_code == 303, refunded.text
    session.expire_all()
    credit = session.get_one(VendorCredit, credit_id)
    assert (credit.status, credit.amount_applied, credit.amount_refunded) == \
        ("closed", 1_000_000, 332_000)
    session.rollback()
    assert client.post(f"{BOOK}/vendor-credits/{credit_id}/void").status_code == 409


def test_voiding_an_unused_vendor_credit(client: Any, session: Session, studio: Book,
                                         vendor: Party) -> None:
    credit_id = vendor_credit(session, studio, vendor).id
    session.rollback()
    assert f"/vendor-credits/{credit_id}/void" in client.get(
        f"{BOOK}/vendor-credits/{credit_id}").text
    done = client.post(f"{BOOK}/vendor-credits/{credit_id}/void", data={"reason": "dup"},
                       follow_redirects=False)
    assert done.status_code == 303
    session.expire_all()
    assert session.get_one(VendorCredit, credit_id).status == "void"


# Expenses -----------------------------------------------------------------------------

def expense_form(**extra: str) -> dict[str, str]:
    return {"date": "2026-03-03", "payee": "Blue Bird", "account": "6207",
            "paid_from": "1101", "amount": "111.000", "description": "Taxi to the client",
            **extra}


def test_a_new_expense_with_its_receipt_and_the_download(
        client: Any, session: Session, studio: Book, data_dir: Path) -> None:
    form = client.get(f"{BOOK}/expenses/new")
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in form.text
    no_inline_script_or_style(form.text)
    done = client.post(f"{BOOK}/expenses/new", data=expense_form(),
                       files={"receipt": ("taxi.png", tiny_png(), "image/png")},
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    expense = session.scalars(select(Expense)).one()
    assert (expense.amount, expense.payee) == (111_000, "Blue Bird")
    expense_id = expense.id
    attachment_id = session.scalars(select(Attachment.id)).one()
    session.rollback()
    shown = client.get(done.headers["location"]).text
    link = f"{BOOK}/attachments/{attachment_id}"
    assert link in shown
    download = client.get(link)
    assert download.status_code == 200
    assert download.headers["content-type"] == "image/png"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert "taxi.png" in download.headers["content-disposition"]
    assert download.content == tiny_png()
    assert "Blue Bird" in client.get(f"{BOOK}/expenses").text
    more = client.post(f"{BOOK}/expenses/{expense_id}/receipts",
                       files={"receipt": ("bill.pdf", tiny_pdf(), "application/pdf")},
                       follow_redirects=False)
    assert more.status_code == 303
    assert len(stored_files(data_dir)) == 2


def test_a_wrong_or_too_large_receipt_is_refused_and_nothing_is_stored(
        client: Any, counts: Any, session: Session, studio: Book, data_dir: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    before = counts()
    wrong = client.post(f"{BOOK}/expenses/new", data=expense_form(),
                        files={"receipt": ("taxi.png", b"MZ\x90\x00not an image", "image/png")})
    assert wrong.status_code == 422
    assert "Only JPEG, PNG, WebP or HEIC images and PDF" in wrong.text
    assert 'id="error-file"' in wrong.text
    assert 'value="Blue Bird"' in wrong.text
    from folio.settings import get_settings

    monkeypatch.setenv("EXPENSE_MAX_UPLOAD_MB", "0.001")
    get_settings.cache_clear()
    big = client.post(f"{BOOK}/expenses/new", data=expense_form(),
                      files={"receipt": ("big.png", tiny_png() + b"\x00" * 2_000, "image/png")})
    assert big.status_code == 413
    assert "larger than" in big.text
    assert counts() == before
    assert stored_files(data_dir) == []


def test_bad_expense_fields_are_shown_at_the_field(client: Any, counts: Any,
                                                   studio: Book) -> None:
    before = counts()
    response = client.post(f"{BOOK}/expenses/new",
                           data=expense_form(amount="-5", payee="", account="4101"))
    assert response.status_code == 422
    for field in ("amount", "payee", "account"):
        assert f'id="error-{field}"' in response.text
    assert counts() == before


def test_another_books_member_cannot_download_a_receipt(
        client: Any, engine: Engine, session: Session, studio: Book) -> None:
    import io

    from folio.purchases.attachments import store

    expense = record_expense(session, studio, ExpenseInput(
        date=__import__("datetime").date(2026, 3, 3), payee="Taxi", account="6207",
        amount=D(50_000), description="Taxi", paid_from="1101"))
    made = store(session, studio, "expense", expense.id, io.BytesIO(tiny_png()), "t.png")
    session.commit()
    sign_in_as(client, engine, "stranger@example.test")
    assert client.get(f"{BOOK}/attachments/{made.id}").status_code in (403, 404)


# Claims -------------------------------------------------------------------------------

def claim_form(**extra: str) -> dict[str, str]:
    return {"title": "Client visit", "items-0-date": "2026-03-04", "items-0-payee": "Hotel",
            "items-0-account": "6207", "items-0-amount": "900000",
            "items-0-description": "Hotel night", "submit": "1", **extra}


def test_staff_submit_a_claim_and_an_owner_approves_it(
        client: Any, engine: Engine, session: Session, studio: Book, data_dir: Path) -> None:
    ensure_member(session, studio, "staff@example.test", "staff")
    session.commit()
    owner_cookies = dict(client.cookies)
    owner_csrf = client.headers["X-CSRF-Token"]
    sign_in_as(client, engine, "staff@example.test")
    assert client.get(f"{BOOK}/claims/new").status_code == 200
    done = client.post(f"{BOOK}/claims/new", data=claim_form(),
                       files={"items-0-receipt": ("hotel.pdf", tiny_pdf(), "application/pdf")},
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    claim = session.scalars(select(ExpenseClaim)).one()
    assert (claim.status, claim.total) == ("submitted", 900_000)
    claim_id = claim.id
    session.rollback()
    assert len(stored_files(data_dir)) == 1
    mine = client.get(f"{BOOK}/claims/mine").text
    assert "Client visit" in mine
    shown = Page(client.get(f"{BOOK}/claims/{claim_id}").text)
    assert not [a for a in shown.attribute_values("action") if a.endswith("/approve")]
    assert client.post(f"{BOOK}/claims/{claim_id}/approve").status_code == 403

    client.cookies.clear()
    for name, value in owner_cookies.items():
        client.cookies.set(name, value)
    client.headers["X-CSRF-Token"] = owner_csrf
    waiting = client.get(f"{BOOK}/claims/to-approve").text
    assert "Client visit" in waiting
    assert f"{BOOK}/claims/{claim_id}/approve" in client.get(f"{BOOK}/claims/{claim_id}").text
    no_reason = client.post(f"{BOOK}/claims/{claim_id}/reject", data={"reason": " "})
    assert no_reason.status_code == 422
    assert 'id="error-reason"' in no_reason.text
    approved = client.post(f"{BOOK}/claims/{claim_id}/approve", follow_redirects=False)
    assert approved.status_code == 303
    session.expire_all()
    assert session.get_one(ExpenseClaim, claim_id).status == "approved"
    session.rollback()
    paid = client.post(f"{BOOK}/claims/{claim_id}/reimburse",
                       data={"paid_on": "2026-03-10", "account": "1111"},
                       follow_redirects=False)
    assert paid.status_code == 303, paid.text
    session.expire_all()
    assert session.get_one(ExpenseClaim, claim_id).status == "paid"


def test_rejecting_a_claim_with_a_reason(client: Any, engine: Engine, session: Session,
                                         studio: Book) -> None:
    from datetime import date

    from folio.auth.actor import Actor, set_actor

    user = ensure_member(session, studio, "staff@example.test", "staff")
    session.commit()
    set_actor(session, Actor(label="staff@example.test", user_id=user.id))
    claim = create_claim(session, studio, ClaimInput(title="Lunch", submit=True, items=[
        ExpenseInput(date=date(2026, 3, 4), payee="Warung", account="6207",
                     amount=D(75_000), description="Lunch")]))
    session.commit()
    claim_id = claim.id
    rejected = client.post(f"{BOOK}/claims/{claim_id}/reject",
                           data={"reason": "Personal expense"}, follow_redirects=False)
    assert rejected.status_code == 303
    shown = client.get(rejected.headers["location"]).text
    assert "Personal expense" in shown


def test_a_bad_claim_is_refused_with_field_errors_and_writes_nothing(
        client: Any, counts: Any, studio: Book, data_dir: Path) -> None:
    before = counts()
    response = client.post(f"{BOOK}/claims/new", data=claim_form(
        **{"title": "", "items-0-amount": "abc"}))
    assert response.status_code == 422
    assert 'id="error-items-0-amount"' in response.text
    wrong = client.post(f"{BOOK}/claims/new", data=claim_form(),
                        files={"items-0-receipt": ("x.png", b"GIF89a....", "image/png")})
    assert wrong.status_code == 422
    assert 'id="error-items-0-receipt"' in wrong.text
    assert counts() == before
    assert stored_files(data_dir) == []


# Aging, permissions, CSRF, navigation ---------------------------------------------------

def test_the_aging_page_with_downloads(client: Any, session: Session, studio: Book,
                                       make_bill: MakeBill, vendor: Party) -> None:
    make_bill(service(1_000_000, None), day="2026-01-02", approve=True)
    vendor_credit(session, studio, vendor, 200_000)
    session.rollback()
    page = client.get(f"{BOOK}/payables-aging", params={"as_of": "2026-03-10"})
    assert page.status_code == 200
    text = Page(page.text).text
    assert "PT Vendor Kreatif" in text
    assert "800.000" in text  # 1.000.000 owed less the 200.000 credit
    hrefs = Page(page.text).hrefs()
    assert any("reports/payables-aging?as_of=2026-03-10&format=csv" in h for h in hrefs)
    assert client.get(f"{BOOK}/payables-aging", params={"as_of": "not-a-day"}).status_code \
        == 422


def test_a_viewer_sees_the_pages_but_no_actions(
        client: Any, engine: Engine, session: Session, studio: Book, make_bill: MakeBill,
        vendor: Party) -> None:
    draft_id = make_bill().id
    open_id = make_bill(approve=True).id
    credit_id = vendor_credit(session, studio, vendor).id
    ensure_member(session, studio, "viewer@example.test", "viewer")
    session.commit()
    sign_in_as(client, engine, "viewer@example.test")
    for path in (BILLS, f"{BILLS}/{draft_id}", f"{BILLS}/{open_id}", f"{BOOK}/vendor-credits",
                 f"{BOOK}/vendor-credits/{credit_id}", f"{BOOK}/expenses",
                 f"{BOOK}/claims/mine", f"{BOOK}/claims/to-approve", f"{BOOK}/payables-aging"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert post_forms(response.text) == [], path
    for path, data in ((f"{BILLS}/{draft_id}/approve", {}),
                       (f"{BILLS}/{open_id}/payments", {"paid_on": "2026-03-20",
                                                       "account": "1111", "amount": "100"}),
                       (f"{BOOK}/vendor-credits/{credit_id}/void", {}),
                       (f"{BOOK}/expenses/new", expense_form()),
                       (f"{BOOK}/claims/new", claim_form())):
        assert client.post(path, data=data).status_code == 403, path
    for path in (f"{BOOK}/expenses/new", f"{BOOK}/vendor-credits/new", f"{BOOK}/claims/new"):
        assert client.get(path).status_code == 403, path
    assert rows(session, BillPayment) == 0
    assert rows(session, Expense) == 0


def test_a_form_without_the_csrf_token_is_refused(
        client: Any, session: Session, studio: Book, make_bill: MakeBill) -> None:
    draft_id = make_bill().id
    session.rollback()
    del client.headers["X-CSRF-Token"]
    assert client.post(f"{BILLS}/{draft_id}/approve").status_code == 403
    assert client.post(f"{BOOK}/expenses/new", data=expense_form(),
                       files={"receipt": ("t.png", tiny_png(), "image/png")}).status_code == 403
    assert client.post(f"{BOOK}/claims/new", data=claim_form()).status_code == 403
    assert session.get_one(Bill, draft_id).status == "draft"
    assert rows(session, Expense) == 0


def test_the_navigation_has_a_purchases_section(client: Any, studio: Book) -> None:
    hrefs = Page(client.get(BOOK).text).hrefs()
    for path in (BILLS, f"{BOOK}/expenses", f"{BOOK}/claims/mine", f"{BOOK}/payables-aging"):
        assert path in hrefs


# Bill drafts with the line editor -------------------------------------------------------

def bill_form(vendor_id: int, **extra: str) -> dict[str, str]:
    return {"vendor_id": str(vendor_id), "vendor_reference": "INV-V-500",
            "bill_date": "2026-03-02", "withholding_code": "PPH23",
            "lines-0-description": "Video production", "lines-0-quantity": "1",
            "lines-0-unit_price": "5.550.000", "lines-0-tax_code": "PPN-IN",
            "action": "save", **extra}


def test_a_new_bill_draft_through_the_line_editor(client: Any, session: Session,
                                                  studio: Book, vendor: Party) -> None:
    vendor_id = vendor.id
    session.rollback()
    form = client.get(f"{BILLS}/new", params={"vendor": vendor_id})
    assert form.status_code == 200
    assert "line_editor.js" in form.text
    no_inline_script_or_style(form.text)
    totals = client.post(f"{BILLS}/preview", data=bill_form(vendor_id))
    assert totals.status_code == 200
    assert "6.160.500" in totals.text  # 5.550.000 + PPN 610.500
    assert "111.000" in totals.text  # PPh 23 2%
    more = client.post(f"{BILLS}/new", data=bill_form(vendor_id, action="add_line"))
    assert 'name="lines-1-description"' in more.text
    assert rows(session, Bill) == 0
    done = client.post(f"{BILLS}/new", data=bill_form(vendor_id), follow_redirects=False)
    assert done.status_code == 303, done.text
    bill = session.scalars(select(Bill)).one()
    assert (bill.status, bill.total, bill.withholding_amount, bill.payable) == \
        ("draft", 6_160_500, 111_000, 6_049_500)
    bill_id = bill.id
    session.rollback()
    shown = client.get(done.headers["location"]).text
    assert f"{BILLS}/{bill_id}/edit" in shown
    edit = client.get(f"{BILLS}/{bill_id}/edit")
    assert 'value="INV-V-500"' in edit.text
    assert "5.550.000" in edit.text
    changed = client.post(f"{BILLS}/{bill_id}/edit", data=bill_form(
        vendor_id, **{"lines-0-unit_price": "1000000", "lines-0-tax_code": "",
                      "withholding_code": ""}), follow_redirects=False)
    assert changed.status_code == 303, changed.text
    session.expire_all()
    assert session.get_one(Bill, bill_id).total == 1_000_000
    session.rollback()
    deleted = client.post(f"{BILLS}/{bill_id}/delete", follow_redirects=False)
    assert deleted.status_code == 303
    assert rows(session, Bill) == 0


def test_a_bad_bill_draft_keeps_what_was_typed_and_writes_nothing(
        client: Any, counts: Any, session: Session, studio: Book, vendor: Party,
        make_bill: MakeBill) -> None:
    vendor_id = vendor.id
    approved_id = make_bill(approve=True).id
    session.rollback()
    before = counts()
    bad = client.post(f"{BILLS}/new", data=bill_form(
        vendor_id, vendor_reference="", **{"lines-0-quantity": "abc",
                                           "lines-0-tax_code": "NOPE"}))
    assert bad.status_code == 422
    assert "Nothing was saved." in bad.text
    assert 'id="error-lines-0-quantity"' in bad.text
    assert 'id="error-vendor_reference"' in bad.text
    assert 'value="Video production"' in bad.text
    assert counts() == before
    assert client.get(f"{BILLS}/{approved_id}/edit").status_code == 409
    assert client.post(f"{BILLS}/{approved_id}/edit", data=bill_form(vendor_id)).status_code \
        == 409
    assert counts() == before


def test_a_viewer_cannot_draft_bills(client: Any, engine: Engine, session: Session,
                                     studio: Book, vendor: Party, counts: Any,
                                     make_bill: MakeBill) -> None:
    vendor_id = vendor.id
    draft_id = make_bill().id
    ensure_member(session, studio, "viewer@example.test", "viewer")
    session.commit()
    sign_in_as(client, engine, "viewer@example.test")
    assert f"{BILLS}/new" not in Page(client.get(BILLS).text).hrefs()
    assert client.get(f"{BILLS}/new").status_code == 403
    before = counts()
    assert client.post(f"{BILLS}/new", data=bill_form(vendor_id)).status_code == 403
    assert client.post(f"{BILLS}/{draft_id}/delete").status_code == 403
    assert counts() == before
