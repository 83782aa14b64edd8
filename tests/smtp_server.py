"""A real SMTP server for tests: aiosmtpd on a free port of 127.0.0.1, keeping what it gets.

Use the ``smtp_server`` fixture (registered in tests/conftest.py)::

    def test_it_mails_the_reset_link(smtp_server, monkeypatch):
        for name, value in smtp_server.environ.items():
            monkeypatch.setenv(name, value)          # then get_settings.cache_clear()
        ...
        [received] = smtp_server.wait_for(1)
        assert "reset" in received.message["Subject"]

It speaks plain SMTP (no STARTTLS) and accepts AUTH PLAIN/LOGIN with ``USERNAME`` and
``PASSWORD`` (or no AUTH at all).
"""

from __future__ import annotations

import socket
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USERNAME = "folio-mailer"
PASSWORD = "smtp-test-password-0xDEADBEEF"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    message: EmailMessage


@dataclass
class SmtpServer:
    host: str
    port: int
    messages: list[Received] = field(default_factory=list)
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    @property
    def environ(self) -> dict[str, str]:
        """Environment variables that point Folio at this server."""
        return {"SMTP_HOST": self.host, "SMTP_PORT": str(self.port), "SMTP_STARTTLS": "false",
                "SMTP_SSL": "false", "SMTP_USERNAME": "", "SMTP_PASSWORD": "",
                "SMTP_FROM": "Folio <folio@example.test>", "SMTP_TIMEOUT": "5"}

    def settings(self, **overrides: Any) -> Any:
        """A ``folio.settings.Settings`` pointing at this server."""
        from folio.settings import Settings

        values: dict[str, Any] = {"SMTP_HOST": self.host, "SMTP_PORT": self.port,
                                  "SMTP_STARTTLS": False, "SMTP_FROM": "Folio <folio@example.test>",
                                  "SMTP_TIMEOUT": 5}
        return Settings(**{**values, **overrides})

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list[Received]:
        """The first ``count`` messages, waiting for them to arrive (for background senders)."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.messages) >= count, timeout):
                raise AssertionError(f"expected {count} message(s), got {len(self.messages)}")
            return self.messages[:count]

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = bytes(envelope.content)
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self._arrived:
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), raw,
                                          message))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str,
                  auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login.decode() == USERNAME and auth_data.password.decode() == PASSWORD)
    return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers 535


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A running local SMTP server; ``.messages`` holds what it received, in order."""
    server = SmtpServer(host="127.0.0.1", port=free_port())
    controller = Controller(server, hostname=server.host, port=server.port,
                            authenticator=_authenticate, auth_require_tls=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "AUTH without TLS": fine on loopback in a test
        controller.start()
    try:
        yield server
    finally:
        controller.stop()
