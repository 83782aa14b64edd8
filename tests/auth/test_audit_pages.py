"""The audit log pages: a book's log for owners and admins, everything for administrators."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.auth.service import set_role
from folio.books.models import Book
from tests.conftest import OWNER, ensure_member, post, sign_in_as
from tests.web.page import Page


def rows(html: str) -> list[str]:
    return [attrs["id"] for tag, attrs in Page(html).elements
            if tag == "tr" and attrs.get("id", "").startswith("event-")]


def test_an_owner_sees_the_books_events_with_a_readable_diff(client: Any, session: Session,
                                                             book: Book) -> None:
    clerk = ensure_member(session, book, "clerk@example.test", "staff")
    set_role(session, book, clerk, "accountant")
    post(session, book, "2026-01-05", [("1020", "5000"), ("3100", "-5000")],
         description="Owner's capital")
    page = client.get("/books/acme/audit")
    assert page.status_code == 200
    text = Page(page.text).text
    assert "role_change" in text
    assert "role : staff → accountant" in text.replace("role:", "role :")
    assert "member_add" in text
    assert "clerk@example.test" in text
    assert "post" in text
    assert 'aria-current="page"' in page.text


def test_filters_narrow_the_log(client: Any, session: Session, book: Book) -> None:
    ensure_member(session, book, "clerk@example.test", "staff")
    session.commit()
    everything = rows(client.get("/books/acme/audit").text)
    by_action = client.get("/books/acme/audit", params={"action": "member_add"}).text
    assert 0 < len(rows(by_action)) < len(everything)
    assert "filtered" in by_action
    assert "role_change membership" not in Page(by_action).text
    by_type = rows(client.get("/books/acme/audit", params={"object_type": "membership"}).text)
    assert len(by_type) == 2
    by_actor = rows(client.get("/books/acme/audit", params={"actor": "nobody"}).text)
    assert by_actor == []
    assert "No events match" in client.get("/books/acme/audit",
                                           params={"actor": "nobody"}).text
    future = client.get("/books/acme/audit", params={"from": "2999-01-01", "to": ""})
    assert future.status_code == 200
    assert rows(future.text) == []
    today = client.get("/books/acme/audit", params={"from": "2000-01-01", "to": "2999-12-31"})
    assert len(rows(today.text)) == len(everything)


def test_the_date_range_includes_its_last_day(client: Any, session: Session,
                                             book: Book) -> None:
    from folio.clock import today

    audit.record(session, "update", "party", 7, book=book, summary="Renamed",
                 before={"name": "A"}, after={"name": "B"})
    session.commit()
    day = today().isoformat()
    assert "Renamed" in client.get("/books/acme/audit", params={"from": day, "to": day}).text
    assert "Renamed" not in client.get("/books/acme/audit", params={"to": "2000-01-01"}).text


def test_the_log_is_paged(client: Any, session: Session, book: Book) -> None:
    for n in range(60):
        audit.record(session, "update", "party", n, book=book, summary=f"change {n}")
    session.commit()
    first = client.get("/books/acme/audit")
    assert len(rows(first.text)) == 50
    assert "Page 1 of 2" in first.text
    second = client.get("/books/acme/audit", params={"page": 2})
    assert len(rows(second.text)) >= 10
    assert not set(rows(first.text)) & set(rows(second.text))
    assert client.get("/books/acme/audit", params={"page": 0}).status_code == 422


def test_a_viewer_and_an_accountant_get_403(anonymous: Any, engine: Engine, session: Session,
                                            book: Book) -> None:
    for email, role in (("viewer@example.test", "viewer"), ("acc@example.test", "accountant")):
        ensure_member(session, book, email, role)
        session.commit()
        sign_in_as(anonymous, engine, email)
        refused = anonymous.get("/books/acme/audit")
        assert refused.status_code == 403
        assert "audit.read" in refused.text


def test_an_outsider_gets_404(anonymous: Any, engine: Engine, book: Book) -> None:
    sign_in_as(anonymous, engine, "outsider@example.test")
    assert anonymous.get("/books/acme/audit").status_code == 404


def test_special_characters_in_events_come_back_escaped(client: Any, session: Session,
                                                       book: Book) -> None:
    nasty = "<script>alert(1)</script>"
    audit.record(session, "update", "party", 1, book=book, summary=nasty,
                 before={"name": "' OR 1=1 --"}, after={"name": nasty})
    session.commit()
    html = client.get("/books/acme/audit").text
    assert nasty not in html
    assert nasty in Page(html).text
    assert "' OR 1=1 -- → <script>" in Page(html).text


def test_the_installation_log_shows_every_book_and_sign_ins(
        client: Any, session: Session, book: Book, idr_book: Book) -> None:
    audit.record(session, "sign_in", "user", 1, summary="password")
    session.commit()
    page = client.get("/admin/audit")
    assert page.status_code == 200
    text = Page(page.text).text
    assert "Audit log of the whole installation" in text
    assert "sign_in" in text
    assert "acme" in text
    assert "studio" in text
    assert "Audit log of the whole installation" in client.get("/account").text


def test_the_installation_log_is_for_administrators_only(anonymous: Any, engine: Engine,
                                                         session: Session, book: Book) -> None:
    ensure_member(session, book, "co-owner@example.test", "owner")
    session.commit()
    sign_in_as(anonymous, engine, "co-owner@example.test")
    assert anonymous.get("/admin/audit").status_code == 403
    assert anonymous.get("/books/acme/audit").status_code == 200
    assert OWNER  # the fixture's owner administers the installation
