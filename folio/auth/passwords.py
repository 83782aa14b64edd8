"""Password hashing (Argon2id) and the password policy of NIST SP 800-63B.

The policy: a minimum length, a generous maximum, no composition rules, and no password
from a list of common ones or containing the account's email name.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from folio.errors import ValidationError

MIN_LENGTH = 12
MAX_LENGTH = 256


@cache
def _hasher(env: str) -> PasswordHasher:
    if env == "test":
        # Hashing at production cost would make the test suite slow; the format is the same.
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()  # argon2-cffi's defaults: Argon2id, RFC 9106 low-memory profile


def hasher() -> PasswordHasher:
    from folio.settings import get_settings

    return _hasher(get_settings().FOLIO_ENV)


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches; a malformed hash matches nothing."""
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other parameters than today's (rehash at sign-in)."""
    return hasher().check_needs_rehash(password_hash)


@cache
def common_passwords() -> frozenset[str]:
    text = files("folio.auth").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def password_problem(password: str, email: str = "") -> str | None:
    """Why ``password`` is not acceptable, or None when it is."""
    if len(password) < MIN_LENGTH:
        return f"use at least {MIN_LENGTH} characters; a few unrelated words make a good one"
    if len(password) > MAX_LENGTH:
        return f"use at most {MAX_LENGTH} characters"
    lowered = password.lower()
    if lowered in common_passwords():
        return "this password is too common; choose another"
    local_part = email.partition("@")[0].lower()
    if local_part and (lowered == local_part or (len(local_part) >= 3 and local_part in lowered)):
        return "the password must not contain your email address"
    return None


def check_password(password: str, email: str = "") -> None:
    """Raise ValidationError on the field 'password' when the policy refuses it."""
    problem = password_problem(password, email)
    if problem is not None:
        raise ValidationError(problem, field="password")
