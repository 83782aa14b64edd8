"""One settings object for the whole process, read from the environment.

Every secret may also come from ``NAME_FILE`` (a path whose content is the value), the
convention of Docker and systemd credentials.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_SECRET_NAMES = ("SECRET_KEY", "DATABASE_URL", "METRICS_TOKEN")
KNOWN_EXAMPLE_SECRETS = frozenset(
    {"changeme", "change-me", "secret", "your-secret-key", "dev", "development", "folio"}
)


def _load_file_secrets() -> None:
    """Copy ``NAME_FILE`` contents into ``NAME`` when only the file form is given."""
    for name in _SECRET_NAMES:
        path = os.environ.get(f"{name}_FILE")
        if path and not os.environ.get(name):
            os.environ[name] = Path(path).read_text(encoding="utf-8").strip()


class Settings(BaseSettings):
    """Folio's configuration; see docs/operations.md for every variable."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", case_sensitive=True)

    DATABASE_URL: str = "sqlite:///./data/folio.db"
    FOLIO_ENV: Literal["development", "test", "production"] = "development"
    SECRET_KEY: str = ""
    DATA_DIR: Path = Path("./data")
    HOST: str = "127.0.0.1"
    PORT: int = 8000
    DEFAULT_LANGUAGE: Literal["en", "id"] = "en"
    SQLITE_BUSY_TIMEOUT_MS: int = 10_000
    LOG_LEVEL: str = "INFO"
    METRICS_ALLOW: str = "127.0.0.1,::1"  # addresses or networks that may read /metrics
    METRICS_TOKEN: str = ""  # or a bearer token that may; empty: none

    @model_validator(mode="after")
    def _refuse_weak_secrets(self) -> Settings:
        if self.FOLIO_ENV == "production":
            key = self.SECRET_KEY
            if len(key) < 32 or key.lower() in KNOWN_EXAMPLE_SECRETS:
                raise ValueError(
                    "SECRET_KEY must be set to at least 32 random characters in production "
                    "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
                )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.DATABASE_URL.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    _load_file_secrets()
    return Settings()
