"""Argon2id hashing and the NIST 800-63B password policy."""

from __future__ import annotations

import pytest

from folio.auth.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    check_password,
    common_passwords,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from folio.errors import ValidationError


def test_it_hashes_with_argon2id() -> None:
    hashed = hash_password("a long enough passphrase")
    assert hashed.startswith("$argon2id$")
    assert "a long enough passphrase" not in hashed


def test_the_same_password_hashes_differently_each_time() -> None:
    assert hash_password("a long enough passphrase") != hash_password("a long enough passphrase")


def test_it_verifies_the_right_password_and_refuses_a_wrong_one() -> None:
    hashed = hash_password("a long enough passphrase")
    assert verify_password(hashed, "a long enough passphrase")
    assert not verify_password(hashed, "a long enough passphrasE")
    assert not verify_password(hashed, "")


def test_a_malformed_hash_matches_nothing() -> None:
    assert not verify_password("not a hash", "a long enough passphrase")


def test_a_fresh_hash_needs_no_rehash_but_one_with_other_parameters_does() -> None:
    from argon2 import PasswordHasher

    assert not needs_rehash(hash_password("a long enough passphrase"))
    old = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1).hash("x" * 12)
    assert needs_rehash(old)


def test_it_refuses_a_short_password() -> None:
    assert password_problem("x7!Kq9#mZ2a") is not None  # 11 characters, however mixed
    assert password_problem("v" * (MIN_LENGTH - 1) + "w") is None


def test_it_refuses_an_overlong_password() -> None:
    assert password_problem("horse " * 50) is not None
    assert password_problem("h" * MAX_LENGTH + "x") is not None


@pytest.mark.parametrize("password", [
    "password1234", "PasswordPassword", "qwerty123456", "123456789012", "iloveyou1234",
    "September2024", "1q2w3e4r5t6y", "qwertyuiop123", "welcome12345",
])
def test_it_refuses_a_common_password(password: str) -> None:
    assert password_problem(password) == "this password is too common; choose another"


def test_the_list_of_common_passwords_is_bundled_and_lower_case() -> None:
    passwords = common_passwords()
    assert len(passwords) > 2000
    assert "passwordpassword" in passwords
    assert "autumn2025" in passwords
    assert all(p == p.lower() for p in passwords)


def test_it_refuses_a_password_containing_the_email_name() -> None:
    assert password_problem("margaretha-2024-x", "Margaretha@example.com") is not None
    assert password_problem("margaretha.wijaya", "margaretha.wijaya@example.com") is not None


def test_a_very_short_email_name_is_not_held_against_a_password() -> None:
    assert password_problem("a pleasant afternoon", "a@example.com") is None


def test_it_accepts_a_long_passphrase_without_digits_capitals_or_symbols() -> None:
    assert password_problem("purple elephants dance quietly", "alice@example.com") is None
    check_password("purple elephants dance quietly", "alice@example.com")


def test_a_refusal_names_the_password_field() -> None:
    with pytest.raises(ValidationError) as raised:
        check_password("short")
    assert raised.value.errors[0]["field"] == "password"
