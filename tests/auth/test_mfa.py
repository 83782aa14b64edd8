"""Two-factor sign-in: TOTP codes at fixed times (RFC 6238 vectors) and recovery codes."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest

from folio.auth.mfa import (
    RECOVERY_ALPHABET,
    hash_recovery_codes,
    new_recovery_codes,
    new_secret,
    provisioning_uri,
    qr_svg,
    recovery_codes_left,
    use_recovery_code,
    verify_totp,
)

# RFC 6238 appendix B: the SHA-1 seed "12345678901234567890", 6-digit codes.
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
AT_1234567890 = "005924"  # step 41152263
STEP = 1234567890 // 30


def test_a_new_secret_is_random_base32_of_160_bits() -> None:
    secret = new_secret()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert new_secret() != secret


def test_the_provisioning_uri_names_the_account_and_issuer() -> None:
    uri = provisioning_uri(RFC_SECRET, "alice@example.com")
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc) == ("otpauth", "totp")
    assert parts.path == "/Folio:alice%40example.com"
    query = parse_qs(parts.query)
    assert query["secret"] == [RFC_SECRET]
    assert query["issuer"] == ["Folio"]
    assert "Acme" in provisioning_uri(RFC_SECRET, "a@b.c", issuer="Acme Books")


def test_the_qr_code_is_an_inline_svg_without_inline_style() -> None:
    svg = qr_svg(provisioning_uri(RFC_SECRET, "alice@example.com"))
    assert svg.startswith("<svg")
    assert svg.rstrip().endswith("</svg>")
    assert "<?xml" not in svg
    assert "style=" not in svg
    assert "<script" not in svg


@pytest.mark.parametrize(("at", "code"), [(59, "287082"), (1111111109, "081804"),
                                          (1234567890, "005924"), (2000000000, "279037")])
def test_it_accepts_the_rfc_6238_codes(at: int, code: str) -> None:
    assert verify_totp(RFC_SECRET, code, None, now=at) == at // 30


def test_it_accepts_a_datetime_for_now() -> None:
    now = datetime.fromtimestamp(1234567890, tz=UTC)
    assert verify_totp(RFC_SECRET, AT_1234567890, None, now=now) == STEP


def test_it_tolerates_spaces_in_the_code() -> None:
    assert verify_totp(RFC_SECRET, " 005 924 ", None, now=1234567890) == STEP


def test_it_accepts_one_step_of_clock_drift_either_way() -> None:
    assert verify_totp(RFC_SECRET, AT_1234567890, None, now=1234567890 - 30) == STEP
    assert verify_totp(RFC_SECRET, AT_1234567890, None, now=1234567890 + 30) == STEP


def test_it_refuses_a_code_two_steps_away() -> None:
    assert verify_totp(RFC_SECRET, AT_1234567890, None, now=1234567890 + 60) is None
    assert verify_totp(RFC_SECRET, AT_1234567890, None, now=1234567890 - 60) is None


def test_a_code_cannot_be_used_twice() -> None:
    step = verify_totp(RFC_SECRET, AT_1234567890, None, now=1234567890)
    assert verify_totp(RFC_SECRET, AT_1234567890, step, now=1234567890) is None
    assert verify_totp(RFC_SECRET, AT_1234567890, step, now=1234567890 + 20) is None


def test_an_older_code_is_refused_after_a_newer_one_was_used() -> None:
    totp = pyotp.TOTP(RFC_SECRET)
    newer = verify_totp(RFC_SECRET, totp.at(1234567890 + 30), None, now=1234567890 + 30)
    assert newer == STEP + 1
    assert verify_totp(RFC_SECRET, AT_1234567890, newer, now=1234567890 + 30) is None


def test_the_next_code_is_accepted_after_one_was_used() -> None:
    totp = pyotp.TOTP(RFC_SECRET)
    assert verify_totp(RFC_SECRET, totp.at(1234567890 + 30), STEP,
                       now=1234567890 + 30) == STEP + 1


@pytest.mark.parametrize("code", ["", "00592", "0059244", "abcdef", "005 92x", "٠٠٥٩٢٤",
                                  "123456"])
def test_it_refuses_malformed_or_wrong_codes(code: str) -> None:
    assert verify_totp(RFC_SECRET, code, None, now=1234567890) is None


def test_a_fresh_secret_round_trips_through_an_authenticator() -> None:
    secret = new_secret()
    now = 1_800_000_000
    assert verify_totp(secret, pyotp.TOTP(secret).at(now), None, now=now) == now // 30


def test_recovery_codes_are_distinct_and_easy_to_read() -> None:
    codes = new_recovery_codes()
    assert len(codes) == 10
    assert len(set(codes)) == 10
    alphabet = re.escape(RECOVERY_ALPHABET)
    for code in codes:
        assert re.fullmatch(rf"[{alphabet}]{{5}}-[{alphabet}]{{5}}", code)
    assert not set("01ilo") & set(RECOVERY_ALPHABET)
    assert len(new_recovery_codes(3)) == 3


def test_recovery_codes_are_stored_salted_and_hashed() -> None:
    codes = new_recovery_codes(4)
    stored = hash_recovery_codes(codes)
    for code in codes:
        assert code not in stored
        assert code.replace("-", "") not in stored
    entries = json.loads(stored)
    assert len(entries) == 4
    assert all(e.startswith("sha256$") for e in entries)
    assert hash_recovery_codes(["same"]) != hash_recovery_codes(["same"])


def test_a_recovery_code_works_once() -> None:
    codes = new_recovery_codes(3)
    stored = hash_recovery_codes(codes)
    after = use_recovery_code(stored, codes[1])
    assert after is not None
    assert recovery_codes_left(after) == 2
    assert use_recovery_code(after, codes[1]) is None
    assert use_recovery_code(after, codes[0]) is not None
    assert use_recovery_code(after, codes[2]) is not None


def test_a_recovery_code_may_be_typed_loosely() -> None:
    stored = hash_recovery_codes(["k7m2p-x9c4t"])
    assert use_recovery_code(stored, " K7M2P X9C4T ") == "[]"
    assert use_recovery_code(stored, "k7m2px9c4t") == "[]"


@pytest.mark.parametrize("stored", ["", "not json", "{}", '["sha256$zz$00"]', "[1, 2]"])
def test_a_wrong_or_damaged_store_matches_nothing(stored: str) -> None:
    assert use_recovery_code(stored, "k7m2p-x9c4t") is None


def test_an_unknown_recovery_code_matches_nothing() -> None:
    stored = hash_recovery_codes(new_recovery_codes(2))
    assert use_recovery_code(stored, "zzzzz-zzzzz") is None
    assert use_recovery_code(stored, "") is None
    assert recovery_codes_left(stored) == 2
