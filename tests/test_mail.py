"""Sending mail through a real local SMTP server (aiosmtpd, see tests/smtp_server.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from folio.errors import ValidationError
from folio.mail import MailError, Message, build, mail_enabled, send
from folio.settings import Settings
from tests.smtp_server import PASSWORD, USERNAME, SmtpServer, free_port

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_mail_is_off_until_a_host_is_set() -> None:
    assert not mail_enabled(Settings(SMTP_HOST=""))
    assert mail_enabled(Settings(SMTP_HOST="smtp.example.com"))
    with pytest.raises(MailError, match="SMTP_HOST"):
        send(Message(to="a@example.com", subject="Hi", text="Hi"), Settings(SMTP_HOST=""))


def test_it_sends_plain_text(smtp_server: SmtpServer) -> None:
    message_id = send(Message(to="alice@example.com", subject="Your password reset link",
                              text="Open https://folio.example/reset/abc within an hour.\n"),
                      smtp_server.settings())
    [received] = smtp_server.messages
    assert received.rcpt_tos == ["alice@example.com"]
    assert received.mail_from == "folio@example.test"
    mail = received.message
    assert mail["Message-ID"] == message_id
    assert message_id.endswith("@example.test>")
    assert mail["From"] == "Folio <folio@example.test>"
    assert mail["Subject"] == "Your password reset link"
    assert mail["Date"]
    assert mail.get_content_type() == "text/plain"
    assert "https://folio.example/reset/abc" in mail.get_content()


def test_it_sends_html_as_an_alternative_to_the_text(smtp_server: SmtpServer) -> None:
    send(Message(to=["alice@example.com", "Bob <bob@example.com>"], subject="Invoice INV-7",
                 text="Invoice INV-7: Rp 1.500.000", html="<p>Invoice <b>INV-7</b></p>",
                 reply_to="Accounts <accounts@acme.example>"), smtp_server.settings())
    [received] = smtp_server.messages
    assert received.rcpt_tos == ["alice@example.com", "bob@example.com"]
    mail = received.message
    assert mail.get_content_type() == "multipart/alternative"
    assert mail["Reply-To"] == "Accounts <accounts@acme.example>"
    plain = mail.get_body(preferencelist=("plain",))
    html = mail.get_body(preferencelist=("html",))
    assert plain is not None
    assert "Rp 1.500.000" in plain.get_content()
    assert html is not None
    assert "<b>INV-7</b>" in html.get_content()


def test_an_attachment_arrives_byte_for_byte(smtp_server: SmtpServer) -> None:
    send(Message(to="alice@example.com", subject="Invoice INV-8", text="Attached.",
                 html="<p>Attached.</p>",
                 attachments=[("INV-8 Faktur.pdf", PDF, "application/pdf"),
                              ("lines.csv", b"a,b\n1,2\n", "text/csv")]),
         smtp_server.settings())
    mail = smtp_server.messages[0].message
    assert mail.get_content_type() == "multipart/mixed"
    attachments = {part.get_filename(): part for part in mail.iter_attachments()}
    assert set(attachments) == {"INV-8 Faktur.pdf", "lines.csv"}
    assert attachments["INV-8 Faktur.pdf"].get_content_type() == "application/pdf"
    assert attachments["INV-8 Faktur.pdf"].get_content() == PDF
    assert attachments["lines.csv"].get_content_type() == "text/csv"


def test_non_ascii_text_and_subject_survive(smtp_server: SmtpServer) -> None:
    send(Message(to="siti@example.co.id", subject="Tagihan — Rp 250.000 ✓",
                 text="Terima kasih, Ibu Siti. Ünïcödé ✓"), smtp_server.settings())
    mail = smtp_server.messages[0].message
    assert mail["Subject"] == "Tagihan — Rp 250.000 ✓"
    assert "Ünïcödé ✓" in mail.get_content()


def test_it_signs_in_to_the_server_when_given_credentials(smtp_server: SmtpServer) -> None:
    send(Message(to="alice@example.com", subject="Hi", text="Hi"),
         smtp_server.settings(SMTP_USERNAME=USERNAME, SMTP_PASSWORD=PASSWORD))
    assert len(smtp_server.wait_for(1)) == 1


def test_wrong_credentials_fail_without_revealing_the_password(
        smtp_server: SmtpServer) -> None:
    wrong = "not-the-password-Zq81"
    with pytest.raises(MailError) as caught:
        send(Message(to="alice@example.com", subject="Hi", text="Hi"),
             smtp_server.settings(SMTP_USERNAME=USERNAME, SMTP_PASSWORD=wrong))
    assert "535" in str(caught.value)
    assert wrong not in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__
    assert smtp_server.messages == []


def test_a_closed_port_fails_with_a_clear_error_and_no_password() -> None:
    port = free_port()
    settings = Settings(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False,
                        SMTP_USERNAME=USERNAME, SMTP_PASSWORD=PASSWORD, SMTP_TIMEOUT=2)
    with pytest.raises(MailError, match=f"127.0.0.1:{port}") as caught:
        send(Message(to="alice@example.com", subject="Hi", text="Hi"), settings)
    assert "refused" in str(caught.value).lower()
    assert PASSWORD not in str(caught.value)


def test_it_refuses_to_send_in_clear_when_starttls_is_unavailable(
        smtp_server: SmtpServer) -> None:
    with pytest.raises(MailError, match="STARTTLS"):
        send(Message(to="alice@example.com", subject="Hi", text="Hi"),
             smtp_server.settings(SMTP_STARTTLS=True, SMTP_USERNAME=USERNAME,
                                  SMTP_PASSWORD=PASSWORD))
    assert smtp_server.messages == []


@pytest.mark.parametrize(("message", "field"), [
    (Message(to="a@example.com", subject="Hi\r\nBcc: victim@example.com", text="x"), "subject"),
    (Message(to="a@example.com", subject="Hi\nX-Evil: 1", text="x"), "subject"),
    (Message(to="a@example.com\r\nBcc: victim@example.com", subject="Hi", text="x"), "to"),
    (Message(to="a@example.com, b@example.com", subject="Hi", text="x"), "to"),
    (Message(to="not an address", subject="Hi", text="x"), "to"),
    (Message(to=[], subject="Hi", text="x"), "to"),
    (Message(to="a@example.com", subject="Hi", text="x", reply_to="r@x.com\nBcc: v@x.com"),
     "reply_to"),
    (Message(to="a@example.com", subject="Hi", text="x",
             attachments=[("a.pdf\r\nX-Evil: 1", b"", "application/pdf")]), "attachments"),
    (Message(to="a@example.com", subject="Hi", text="x",
             attachments=[("a.pdf", b"", "pdf")]), "attachments"),
])
def test_header_injection_and_bad_addresses_are_refused(
        smtp_server: SmtpServer, message: Message, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        send(message, smtp_server.settings())
    assert caught.value.errors[0]["field"] == field
    assert smtp_server.messages == []


def test_build_makes_a_message_without_sending_it() -> None:
    mail = build(Message(to="alice@example.com", subject="Hi", text="Hello"))
    assert mail["To"] == "alice@example.com"
    assert mail["From"] is None
    assert mail["Message-ID"]


def test_the_smtp_password_can_come_from_a_file(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    from folio.settings import get_settings

    secret = tmp_path / "smtp_password"
    secret.write_text("from-a-file-pw\n")
    monkeypatch.setenv("SMTP_PASSWORD", "")
    monkeypatch.delenv("SMTP_PASSWORD")
    monkeypatch.setenv("SMTP_PASSWORD_FILE", str(secret))
    get_settings.cache_clear()
    try:
        assert get_settings().SMTP_PASSWORD == "from-a-file-pw"
    finally:
        get_settings.cache_clear()
