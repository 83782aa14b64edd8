"""The real app on a localhost port, for browser tests and screenshots."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy.engine import Engine

from folio.app import create_app
from folio.auth.actor import SYSTEM
from folio.db import create_folio_engine, transaction
from folio.demo import create_demo_book
from folio.migrate import upgrade
from tests.conftest import OWNER, ensure_member, ensure_user

CHROMIUM = Path("/usr/bin/chromium")
# Debian's chromium, headless and quiet: no sandbox (containers), no network of its own.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def demo_engine(path: Path) -> Engine:
    """A migrated SQLite database at ``path`` holding the demo book."""
    engine = create_folio_engine(f"sqlite:///{path}")
    upgrade(engine)
    with transaction(engine, actor=SYSTEM) as session:
        book = create_demo_book(session)
        ensure_member(session, book, OWNER, "owner")
    return engine


def session_cookie(engine: Engine, base_url: str, email: str = OWNER) -> dict[str, Any]:
    """A signed-in browser session of ``email``, as a Playwright cookie for ``base_url``."""
    from folio.auth.sessions import cookie_name, start_session

    with transaction(engine, actor=SYSTEM) as session:
        user = ensure_user(session, email)
        _web, plain = start_session(session, user, mfa_passed=True)
    return {"name": cookie_name(), "value": plain, "url": base_url}


@contextmanager
def live_server(engine: Engine) -> Iterator[str]:
    """Serve Folio on ``engine`` with uvicorn in a thread; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(engine), log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the app did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
