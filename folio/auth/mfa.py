"""Two-factor sign-in: TOTP codes (RFC 6238) from an authenticator app, and recovery codes.

Pure functions; the caller stores the secret, the last accepted time step and the hashed
recovery codes on the user. Remembering the last step is what makes a code single-use.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from datetime import datetime

import pyotp
import segno

DIGITS = 6
INTERVAL = 30  # seconds per time step
WINDOW = 1  # steps accepted either side of now, for clocks that drift
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i to misread
RECOVERY_GROUP = 5  # "xxxxx-xxxxx": 10 characters, about 50 bits


def new_secret() -> str:
    """A fresh base32 TOTP secret (160 bits)."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str, issuer: str = "Folio") -> str:
    """The ``otpauth://`` URI an authenticator app reads from the enrolment QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(
        name=email, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (black on white, readable in dark mode too)."""
    return str(segno.make(uri, error="m").svg_inline(scale=4, border=4, dark="#000",
                                                     light="#fff", title="QR code"))


def _timestamp(now: datetime | float | None) -> float:
    if now is None:
        return time.time()
    return now.timestamp() if isinstance(now, datetime) else float(now)


def verify_totp(secret: str, code: str, last_step: int | None,
                now: datetime | float | None = None) -> int | None:
    """The time step ``code`` belongs to, or None when it is wrong, stale or already used.

    Accepts the step before and after now; refuses any step at or before ``last_step`` so
    an overheard code cannot be replayed. Store the returned step as the new ``last_step``.
    """
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL)
    current = int(_timestamp(now)) // INTERVAL
    accepted = None
    for step in range(current - WINDOW, current + WINDOW + 1):
        # Compare every candidate, so timing does not tell which one matched.
        matches = hmac.compare_digest(totp.generate_otp(step), code)
        if matches and (last_step is None or step > last_step) and accepted is None:
            accepted = step
    return accepted


def new_recovery_codes(n: int = 10) -> list[str]:
    """``n`` single-use codes like ``k7m2p-x9c4t``, shown to the user once."""
    return ["-".join("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUP))
                     for _ in range(2)) for _ in range(n)]


def _normalized(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _digest(salt: bytes, code: str) -> str:
    return hashlib.sha256(salt + _normalized(code).encode()).hexdigest()


def hash_recovery_codes(codes: list[str]) -> str:
    """The codes as a JSON list of ``sha256$salt$digest`` (they are random, so SHA-256 is
    enough; the salt keeps equal codes of two users apart)."""
    hashed = []
    for code in codes:
        salt = secrets.token_bytes(16)
        hashed.append(f"sha256${salt.hex()}${_digest(salt, code)}")
    return json.dumps(hashed)


def _load(stored_json: str) -> list[str]:
    try:
        stored = json.loads(stored_json or "[]")
    except ValueError:
        return []
    return [item for item in stored if isinstance(item, str)] if isinstance(stored, list) else []


def use_recovery_code(stored_json: str, code: str) -> str | None:
    """The stored codes without ``code`` (store them back), or None when it matches none."""
    stored = _load(stored_json)
    if not _normalized(code):
        return None
    match = None
    for index, item in enumerate(stored):
        scheme, _, rest = item.partition("$")
        salt_hex, _, digest = rest.partition("$")
        try:
            salt = bytes.fromhex(salt_hex)
        except ValueError:
            continue
        if hmac.compare_digest(_digest(salt, code), digest) and scheme == "sha256" \
                and match is None:
            match = index
    if match is None:
        return None
    return json.dumps(stored[:match] + stored[match + 1:])


def recovery_codes_left(stored_json: str) -> int:
    """How many unused recovery codes remain (to warn a user who is running out)."""
    return len(_load(stored_json))
