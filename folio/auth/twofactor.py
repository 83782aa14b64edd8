"""Two-factor sign-in for a user: enrolment, the check at sign-in, recovery codes, removal.

The TOTP and recovery-code mechanics are in folio.auth.mfa; this module keeps them on the
user row and writes the audit log.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from folio.audit import service as audit
from folio.auth import mfa
from folio.auth.models import User
from folio.auth.passwords import verify_password
from folio.auth.signin import log_failure
from folio.errors import Conflict, Unauthorized, ValidationError


def verify_code(session: Session, user: User, code: str) -> str | None:
    """'totp' or 'recovery' when ``code`` is the user's current code or an unused recovery
    code (which is then spent); None otherwise. The caller commits."""
    if user.totp_secret is None:
        return None
    step = mfa.verify_totp(user.totp_secret, code, user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        return "totp"
    remaining = mfa.use_recovery_code(user.recovery_codes or "[]", code)
    if remaining is not None:
        user.recovery_codes = remaining
        return "recovery"
    return None


def check_second_factor(session: Session, user: User, code: str | None, *, ip: str) -> None:
    """Nothing for a user without 2FA; otherwise Unauthorized unless ``code`` is right."""
    if not user.has_mfa:
        return
    if not code:
        raise Unauthorized("This account uses two-factor sign-in: send the code as 'otp'",
                           field="otp")
    if verify_code(session, user, code) is None:
        log_failure(ip, "bad_otp")
        audit.record(session, "sign_in_failed", "user", user.id, summary="bad_otp")
        raise Unauthorized("The two-factor code is wrong or was already used", field="otp")


def enable(session: Session, user: User, secret: str, code: str) -> list[str]:
    """Turn 2FA on once the user proves their app has ``secret``; returns recovery codes
    (shown once)."""
    if user.has_mfa:
        raise Conflict("Two-factor sign-in is already on")
    step = mfa.verify_totp(secret, code, None)
    if step is None:
        raise ValidationError("That code does not match; check the time on your phone and "
                              "enter the current code", field="code")
    codes = mfa.new_recovery_codes()
    user.totp_secret = secret
    user.totp_last_step = step
    user.recovery_codes = mfa.hash_recovery_codes(codes)
    session.flush()
    audit.record(session, "mfa_enable", "user", user.id, summary=user.email)
    return codes


def disable(session: Session, user: User, password: str) -> None:
    """Turn 2FA off; the password is asked again."""
    if not verify_password(user.password_hash, password):
        raise ValidationError("The password is wrong", field="password")
    user.totp_secret = None
    user.totp_last_step = None
    user.recovery_codes = None
    session.flush()
    audit.record(session, "mfa_disable", "user", user.id, summary=user.email)


def new_recovery_codes(session: Session, user: User) -> list[str]:
    """Replace the recovery codes (the old ones stop working)."""
    if not user.has_mfa:
        raise Conflict("Two-factor sign-in is off")
    codes = mfa.new_recovery_codes()
    user.recovery_codes = mfa.hash_recovery_codes(codes)
    session.flush()
    return codes
