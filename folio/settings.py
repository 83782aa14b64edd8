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

_SECRET_NAMES = ("SECRET_KEY", "DATABASE_URL", "METRICS_TOKEN", "REDIS_URL", "SMTP_PASSWORD",
                 "BACKUP_PASSPHRASE", "CRON_SECRET", "BACKUP_S3_SECRET_KEY", "ALERT_WEBHOOK_URL")
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
    EXPENSE_MAX_UPLOAD_MB: float = 10  # the largest receipt or bill attachment accepted
    HOST: str = "127.0.0.1"
    PORT: int = 8000
    DEFAULT_LANGUAGE: Literal["en", "id"] = "en"
    SQLITE_BUSY_TIMEOUT_MS: int = 10_000
    LOG_LEVEL: str = "INFO"
    METRICS_ALLOW: str = "127.0.0.1,::1"  # addresses or networks that may read /metrics
    METRICS_TOKEN: str = ""  # or a bearer token that may; empty: none
    # Sign-in and the client's address behind a reverse proxy (docs/security.md).
    TRUSTED_PROXIES: str = "127.0.0.1,::1"  # whose X-Forwarded-For/-Proto is believed
    PUBLIC_URL: str = ""  # e.g. https://books.example.com, for links in emails
    # Backups (docs/backups.md) and scheduled jobs.
    BACKUP_DIR: Path | None = None  # default: DATA_DIR/backups
    BACKUP_PASSPHRASE: str = ""  # set: backups are encrypted (AES-256-GCM, scrypt key)
    BACKUP_INTERVAL_MINUTES: int = 360
    BACKUP_KEEP_DAILY: int = 7
    BACKUP_KEEP_WEEKLY: int = 4
    BACKUP_KEEP_MONTHLY: int = 12
    # Offsite copies on S3-compatible storage (docs/backups.md); empty bucket: none.
    BACKUP_S3_BUCKET: str = ""
    BACKUP_S3_PREFIX: str = "folio"
    BACKUP_S3_ENDPOINT: str = ""  # e.g. https://s3.eu-central-003.backblazeb2.com; empty: AWS
    BACKUP_S3_REGION: str = ""
    BACKUP_S3_ACCESS_KEY: str = ""
    BACKUP_S3_SECRET_KEY: str = ""
    JOBS_SCHEDULER: bool | None = None  # default: on in production only
    CRON_SECRET: str = ""  # bearer token for POST /api/v1/cron/{job}; empty: endpoint off
    # Request log, error groups, alerts (docs/monitoring.md).
    REQUEST_LOG_ENABLED: bool | None = None  # default: on, except under FOLIO_ENV=test
    REQUEST_LOG_QUEUE_SIZE: int = 10_000  # rows waiting to be written; beyond: dropped
    REQUEST_LOG_RETENTION_DAYS: int = 30  # 0: keep forever
    ERROR_RETENTION_DAYS: int = 90  # error groups not seen for this long are deleted
    JOB_RUN_RETENTION_DAYS: int = 90
    ALERT_EMAIL_TO: str = ""  # comma-separated addresses; empty: no alert email
    ALERT_WEBHOOK_URL: str = ""  # empty: no webhook (also ALERT_WEBHOOK_URL_FILE)
    ALERT_WEBHOOK_FORMAT: Literal["generic", "slack"] = "generic"
    ALERT_WEBHOOK_TIMEOUT: float = 5
    ALERT_ERROR_RATE: float = 0.05  # share of 5xx over the last 5 minutes
    ALERT_MIN_REQUESTS: int = 20  # fewer requests in 5 minutes: no error-rate/latency alert
    ALERT_P95_MS: float = 2000
    ALERT_DISK_FREE_RATIO: float = 0.10
    ALERT_BACKUP_MAX_AGE_HOURS: float = 26
    ALERT_REPEAT_HOURS: float = 24  # remind about a still-firing alert this often
    # Rate limits (token buckets): a burst, then so many per minute; see docs/security.md
    REDIS_URL: str = ""  # empty: buckets live in this process's memory
    RATE_LIMIT_ENABLED: bool = True
    RATE_LIMIT_LOGIN_ACCOUNT_BURST: int = 5
    RATE_LIMIT_LOGIN_ACCOUNT_PER_MINUTE: float = 1
    RATE_LIMIT_LOGIN_IP_BURST: int = 20
    RATE_LIMIT_LOGIN_IP_PER_MINUTE: float = 10
    RATE_LIMIT_API_BURST: int = 120
    RATE_LIMIT_API_PER_MINUTE: float = 120
    # Outgoing mail; an empty SMTP_HOST turns mail off
    SMTP_HOST: str = ""
    SMTP_PORT: int = 587
    SMTP_USERNAME: str = ""
    SMTP_PASSWORD: str = ""
    SMTP_STARTTLS: bool = True  # upgrade a plain connection; refuse to send if the server can't
    SMTP_SSL: bool = False  # implicit TLS from the first byte (usually port 465)
    SMTP_FROM: str = "Folio <folio@localhost>"
    SMTP_TIMEOUT: float = 10

    @model_validator(mode="after")
    def _check_networks(self) -> Settings:
        import ipaddress

        for name in ("TRUSTED_PROXIES",):
            for part in getattr(self, name).split(","):
                try:
                    if part.strip():
                        ipaddress.ip_network(part.strip(), strict=False)
                except ValueError:
                    raise ValueError(f"{name}: {part.strip()!r} is not an address or "
                                     "network (e.g. 10.0.0.0/8)") from None
        return self

    @model_validator(mode="after")
    def _refuse_weak_secrets(self) -> Settings:
        if self.FOLIO_ENV == "production":
            key = self.SECRET_KEY
            if len(key) < 32 or key.lower() in KNOWN_EXAMPLE_SECRETS:
                raise ValueError(
                    "SECRET_KEY must be set to at least 32 random characters in production "
                    "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
                )
            cron = self.CRON_SECRET
            if cron and (len(cron) < 32 or cron.lower() in KNOWN_EXAMPLE_SECRETS):
                raise ValueError("CRON_SECRET must be empty (cron endpoint off) or at least "
                                 "32 random characters in production")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.DATABASE_URL.startswith("sqlite")

    @property
    def backup_dir(self) -> Path:
        return self.BACKUP_DIR or self.DATA_DIR / "backups"

    @property
    def scheduler_enabled(self) -> bool:
        if self.JOBS_SCHEDULER is None:
            return self.FOLIO_ENV == "production"
        return self.JOBS_SCHEDULER


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    _load_file_secrets()
    return Settings()
