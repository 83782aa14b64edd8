"""Where the rate limits apply: sign-in attempts per account and per address, and API
requests per token (the buckets are in folio.auth.throttle)."""

from __future__ import annotations

from fastapi import Request

from folio.auth.throttle import MemoryThrottle, Throttle, get_throttle, policies
from folio.errors import TooManyRequests
from folio.settings import Settings, get_settings


def make_throttle(settings: Settings) -> Throttle:
    """The app's throttle: shared through Redis when REDIS_URL is set, else its own memory."""
    if settings.RATE_LIMIT_ENABLED and not settings.REDIS_URL:
        return MemoryThrottle()
    return get_throttle(settings)


def check_login_rate(throttle: Throttle, email: str, ip: str) -> None:
    """TooManyRequests when this account or this address has tried too often.

    Both buckets are charged on every attempt, so a correct password after a guessing
    spree waits too; the message is the same whether or not the account exists.
    """
    rules = policies(get_settings())
    by_account = rules.login_per_account.hit(throttle, email)
    by_ip = rules.login_per_ip.hit(throttle, ip or "unknown")
    if not (by_account.allowed and by_ip.allowed):
        wait = max(by_account.retry_after, by_ip.retry_after)
        raise TooManyRequests(f"Too many sign-in attempts; try again in {wait} seconds",
                              retry_after=wait)


def login_succeeded(throttle: Throttle, email: str) -> None:
    """A correct password clears the account's failed attempts."""
    policies(get_settings()).login_per_account.reset(throttle, email)


def check_api_rate(request: Request) -> None:
    """429 when the request's token has used up its API allowance (cookie sessions, the
    pages, are not limited here)."""
    key = getattr(request.state, "rate_key", None)
    throttle = getattr(request.app.state, "throttle", None)
    if key is None or throttle is None:
        return
    decision = policies(get_settings()).api_per_token.hit(throttle, key)
    if not decision.allowed:
        raise TooManyRequests(f"Rate limit reached; retry in {decision.retry_after} seconds",
                              retry_after=decision.retry_after)
