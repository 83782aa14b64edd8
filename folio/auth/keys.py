"""The server's signing key and the hashing of bearer secrets.

Tokens that we hand out (session cookies, API tokens, refresh tokens, setup and reset
links) are random; the database keeps only their SHA-256, so a leaked database does not
let anyone sign in. JWTs and CSRF tokens are signed with SECRET_KEY.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

from folio.settings import get_settings

KEY_FILE = ".secret_key"


@lru_cache(maxsize=1)
def secret_key() -> bytes:
    """SECRET_KEY; in development one made once and kept in DATA_DIR (mode 0600)."""
    settings = get_settings()
    if settings.SECRET_KEY:
        return settings.SECRET_KEY.encode()
    if settings.FOLIO_ENV == "test":
        return secrets.token_bytes(32)
    path = Path(settings.DATA_DIR) / KEY_FILE
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48).encode()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        return key


def new_token(prefix: str = "") -> str:
    """A random bearer secret with 256 bits of entropy."""
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def sign(purpose: str, value: str) -> str:
    """An HMAC of ``value`` for one ``purpose``, URL-safe."""
    mac = hmac.new(secret_key(), f"{purpose}\x00{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two strings."""
    return hmac.compare_digest(a.encode("utf-8", "surrogatepass"),
                               b.encode("utf-8", "surrogatepass"))
