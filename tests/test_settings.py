"""Settings: one object from the environment, *_FILE secrets, no weak secrets in production."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pydantic
import pytest

from folio.settings import Settings, get_settings

STRONG_KEY = "q3V9-vJx2m8Lr0bT6yZk1pWcN4sHd7Ae5uGf"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """A clean slate: no Folio variables set; restored (and the cache cleared) afterwards."""
    for name in ("DATABASE_URL", "DATABASE_URL_FILE", "SECRET_KEY", "SECRET_KEY_FILE",
                 "FOLIO_ENV", "PORT", "DEFAULT_LANGUAGE"):
        # setenv first so that monkeypatch restores whatever a test (or the code) leaves
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_the_defaults_run_on_a_local_sqlite_file(env: pytest.MonkeyPatch) -> None:
    settings = Settings()
    assert settings.DATABASE_URL == "sqlite:///./data/folio.db"
    assert settings.is_sqlite
    assert (settings.FOLIO_ENV, settings.HOST, settings.PORT) == ("development", "127.0.0.1",
                                                                  8000)


def test_the_environment_overrides_the_defaults(env: pytest.MonkeyPatch) -> None:
    env.setenv("DATABASE_URL", "postgresql://folio@db/folio")
    env.setenv("PORT", "9000")
    env.setenv("DEFAULT_LANGUAGE", "id")
    settings = Settings()
    assert (settings.DATABASE_URL, settings.PORT, settings.DEFAULT_LANGUAGE) == (
        "postgresql://folio@db/folio", 9000, "id")
    assert not settings.is_sqlite


def test_get_settings_is_read_once_until_the_cache_is_cleared(env: pytest.MonkeyPatch) -> None:
    env.setenv("PORT", "9001")
    first = get_settings()
    env.setenv("PORT", "9002")
    assert get_settings() is first
    get_settings.cache_clear()
    assert get_settings().PORT == 9002


@pytest.mark.parametrize("key", ["", "changeme", "secret", "short-but-random-Xy7",
                                 "folio"])
def test_production_refuses_a_weak_secret_key(env: pytest.MonkeyPatch, key: str) -> None:
    env.setenv("FOLIO_ENV", "production")
    env.setenv("SECRET_KEY", key)
    with pytest.raises(pydantic.ValidationError, match="SECRET_KEY must be set"):
        Settings()


def test_production_starts_with_a_strong_secret_key(env: pytest.MonkeyPatch) -> None:
    env.setenv("FOLIO_ENV", "production")
    env.setenv("SECRET_KEY", STRONG_KEY)
    assert Settings().SECRET_KEY == STRONG_KEY


def test_development_runs_without_a_secret_key(env: pytest.MonkeyPatch) -> None:
    assert Settings().SECRET_KEY == ""


def test_an_unknown_environment_name_is_refused(env: pytest.MonkeyPatch) -> None:
    env.setenv("FOLIO_ENV", "staging")
    with pytest.raises(pydantic.ValidationError):
        Settings()


def test_secrets_may_come_from_files(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "key").write_text(STRONG_KEY + "\n", encoding="utf-8")
    (tmp_path / "db").write_text("postgresql://folio:pw@db/folio\n", encoding="utf-8")
    env.setenv("SECRET_KEY_FILE", str(tmp_path / "key"))
    env.setenv("DATABASE_URL_FILE", str(tmp_path / "db"))
    env.setenv("FOLIO_ENV", "production")
    settings = get_settings()
    assert settings.SECRET_KEY == STRONG_KEY
    assert settings.DATABASE_URL == "postgresql://folio:pw@db/folio"


def test_a_variable_wins_over_its_file(env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "key").write_text("from-the-file", encoding="utf-8")
    env.setenv("SECRET_KEY_FILE", str(tmp_path / "key"))
    env.setenv("SECRET_KEY", STRONG_KEY)
    assert get_settings().SECRET_KEY == STRONG_KEY
