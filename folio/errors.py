"""Domain errors raised by services; the API maps them to problem+json, pages to messages."""

from __future__ import annotations


class FolioError(Exception):
    """Base of every error a user can cause and fix."""

    status = 400
    title = "Bad request"
    slug = "bad-request"

    def __init__(self, detail: str, *, field: str | None = None,
                 errors: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors: list[dict[str, str]] = list(errors or [])
        if field is not None and not self.errors:
            self.errors.append({"field": field, "message": detail})


class ValidationError(FolioError):
    status = 422
    title = "Invalid input"
    slug = "validation-error"


class NotFound(FolioError):
    status = 404
    title = "Not found"
    slug = "not-found"


class Conflict(FolioError):
    status = 409
    title = "Conflict"
    slug = "conflict"


class PeriodLocked(FolioError):
    status = 409
    title = "Period locked"
    slug = "period-locked"


class Unbalanced(ValidationError):
    title = "Entry does not balance"
    slug = "unbalanced"


class Forbidden(FolioError):
    status = 403
    title = "Forbidden"
    slug = "forbidden"


class Unauthorized(FolioError):
    """No valid credentials: sign in (pages) or send a valid Bearer token (API)."""

    status = 401
    title = "Unauthorized"
    slug = "unauthorized"


class TooManyRequests(FolioError):
    status = 429
    title = "Too many requests"
    slug = "too-many-requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = max(1, int(retry_after))
