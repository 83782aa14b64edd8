"""Token-bucket rate limits: sign-in attempts per account and per address, API calls per token.

A bucket holds up to ``capacity`` tokens and gains ``refill_per_second`` back; each hit
takes ``cost`` tokens or is refused with the seconds until it could succeed. With
``REDIS_URL`` set the buckets live in Redis, so every app process shares them; otherwise
in this process's memory. A Redis outage never locks anyone out: the process falls back
to its own memory (and says so once in the log) until Redis answers again.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from folio.settings import Settings

log = logging.getLogger("folio.throttle")

KEY_PREFIX = "folio:throttle:"
_EPSILON = 1e-9  # float refill arithmetic may land a hair under a whole token


@dataclass(frozen=True)
class Decision:
    """The answer to one hit: allowed or not, and when to try again."""

    allowed: bool
    retry_after: int  # whole seconds until the hit would succeed; 0 when allowed
    remaining: int  # whole tokens left in the bucket

    def headers(self) -> dict[str, str]:
        """``Retry-After`` for a 429 response; nothing when allowed."""
        return {} if self.allowed else {"Retry-After": str(self.retry_after)}


class Throttle(Protocol):
    def hit(self, key: str, *, capacity: int, refill_per_second: float,
            cost: int = 1) -> Decision: ...

    def reset(self, key: str) -> None: ...


@dataclass(frozen=True)
class Policy:
    """A named bucket shape; ``key(subject)`` names one subject's bucket under it."""

    name: str
    capacity: int
    refill_per_second: float

    def key(self, subject: str) -> str:
        # Subjects are emails, addresses or tokens: keep them out of Redis and memory dumps.
        digest = hashlib.sha256(subject.strip().lower().encode()).hexdigest()[:32]
        return f"{self.name}:{digest}"

    def hit(self, throttle: Throttle, subject: str, cost: int = 1) -> Decision:
        return throttle.hit(self.key(subject), capacity=self.capacity,
                            refill_per_second=self.refill_per_second, cost=cost)

    def reset(self, throttle: Throttle, subject: str) -> None:
        throttle.reset(self.key(subject))


# The defaults; the settings RATE_LIMIT_* override them (see ``policies``).
LOGIN_PER_ACCOUNT = Policy("login-account", capacity=5, refill_per_second=1 / 60)
LOGIN_PER_IP = Policy("login-ip", capacity=20, refill_per_second=1 / 6)
API_PER_TOKEN = Policy("api-token", capacity=120, refill_per_second=2.0)


@dataclass(frozen=True)
class Policies:
    login_per_account: Policy
    login_per_ip: Policy
    api_per_token: Policy


def policies(settings: Settings) -> Policies:
    """The three policies as configured."""
    return Policies(
        Policy(LOGIN_PER_ACCOUNT.name, settings.RATE_LIMIT_LOGIN_ACCOUNT_BURST,
               settings.RATE_LIMIT_LOGIN_ACCOUNT_PER_MINUTE / 60),
        Policy(LOGIN_PER_IP.name, settings.RATE_LIMIT_LOGIN_IP_BURST,
               settings.RATE_LIMIT_LOGIN_IP_PER_MINUTE / 60),
        Policy(API_PER_TOKEN.name, settings.RATE_LIMIT_API_BURST,
               settings.RATE_LIMIT_API_PER_MINUTE / 60),
    )


def _check(capacity: int, refill_per_second: float, cost: int) -> None:
    if capacity < 1 or refill_per_second <= 0 or not 1 <= cost <= capacity:
        raise ValueError(f"a bucket needs capacity >= 1, refill > 0 and 1 <= cost <= capacity "
                         f"(got {capacity}, {refill_per_second}, {cost})")


def _retry_after(missing: float, refill_per_second: float) -> int:
    return max(1, math.ceil(missing / refill_per_second - _EPSILON))


class MemoryThrottle:
    """Buckets in this process's memory; thread-safe, bounded to ``max_keys`` buckets."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 10_000) -> None:
        self._clock = clock
        self._max_keys = max_keys
        self._lock = threading.Lock()
        # key -> [tokens, updated, capacity, refill_per_second], least recently used first
        self._buckets: OrderedDict[str, list[float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def hit(self, key: str, *, capacity: int, refill_per_second: float,
            cost: int = 1) -> Decision:
        _check(capacity, refill_per_second, cost)
        with self._lock:
            now = self._clock()
            bucket = self._buckets.get(key)
            tokens = float(capacity) if bucket is None else min(
                float(capacity), bucket[0] + max(0.0, now - bucket[1]) * refill_per_second)
            allowed = tokens + _EPSILON >= cost
            if allowed:
                tokens = max(0.0, tokens - cost)
            self._buckets[key] = [tokens, now, capacity, refill_per_second]
            self._buckets.move_to_end(key)
            if len(self._buckets) > self._max_keys:
                self._evict(now)
        retry = 0 if allowed else _retry_after(cost - tokens, refill_per_second)
        return Decision(allowed, retry, math.floor(tokens + _EPSILON))

    def reset(self, key: str) -> None:
        with self._lock:
            self._buckets.pop(key, None)

    def _evict(self, now: float) -> None:
        """Drop buckets that have refilled (they equal no bucket), then the least recent."""
        for key in [k for k, (tokens, updated, capacity, rate) in self._buckets.items()
                    if tokens + (now - updated) * rate >= capacity]:
            del self._buckets[key]
        while len(self._buckets) > self._max_keys * 0.9:
            self._buckets.popitem(last=False)


# One round trip per hit, atomic, so processes sharing a bucket cannot both take its last
# token. Time comes from the Redis server (one clock for every process) unless passed.
_HIT_SCRIPT = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now
if ARGV[4] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
else
  now = tonumber(ARGV[4])
end
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = capacity
  ts = now
end
tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate)
local allowed = 0
if tokens + 1e-9 >= cost then
  tokens = math.max(0, tokens - cost)
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate) + 1)
return {allowed, tostring(tokens)}
"""


def _redacted(url: str) -> str:
    """The URL without its password, for log lines."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc}"))


class RedisThrottle:
    """Buckets in Redis under ``folio:throttle:``, shared by every process that uses it.

    While Redis is unreachable, hits go to an in-process ``MemoryThrottle``; Redis is tried
    again after ``retry_interval`` seconds. One warning per outage, one note on recovery.
    """

    def __init__(self, url: str, *, prefix: str = KEY_PREFIX,
                 clock: Callable[[], float] | None = None, timeout: float = 0.5,
                 retry_interval: float = 5.0, fallback: MemoryThrottle | None = None) -> None:
        import redis

        self._url = url
        self._prefix = prefix
        self._clock = clock  # None: the Redis server's clock
        self._client: Any = redis.Redis.from_url(
            url, socket_connect_timeout=timeout, socket_timeout=timeout)
        self._script = self._client.register_script(_HIT_SCRIPT)
        # Any Redis failure (down, wrong password, read-only replica) degrades to memory.
        self._errors: tuple[type[Exception], ...] = (redis.exceptions.RedisError,)
        self._retry_interval = retry_interval
        self.fallback = fallback or MemoryThrottle()
        self._lock = threading.Lock()
        self._down_until: float | None = None  # monotonic time; None while Redis is up

    def hit(self, key: str, *, capacity: int, refill_per_second: float,
            cost: int = 1) -> Decision:
        _check(capacity, refill_per_second, cost)
        if self._use_fallback():
            return self.fallback.hit(key, capacity=capacity,
                                     refill_per_second=refill_per_second, cost=cost)
        now = "" if self._clock is None else repr(float(self._clock()))
        try:
            allowed, tokens_text = self._script(
                keys=[self._prefix + key],
                args=[capacity, repr(float(refill_per_second)), cost, now])
        except self._errors as exc:
            self._went_down(exc)
            return self.fallback.hit(key, capacity=capacity,
                                     refill_per_second=refill_per_second, cost=cost)
        self._came_back()
        tokens = float(tokens_text)
        retry = 0 if allowed else _retry_after(cost - tokens, refill_per_second)
        return Decision(bool(allowed), retry, math.floor(tokens + _EPSILON))

    def reset(self, key: str) -> None:
        self.fallback.reset(key)
        if self._use_fallback():
            return
        try:
            self._client.delete(self._prefix + key)
        except self._errors as exc:
            self._went_down(exc)
        else:
            self._came_back()

    def close(self) -> None:
        self._client.close()

    def _use_fallback(self) -> bool:
        with self._lock:
            return self._down_until is not None and time.monotonic() < self._down_until

    def _went_down(self, exc: Exception) -> None:
        with self._lock:
            first = self._down_until is None
            self._down_until = time.monotonic() + self._retry_interval
        if first:
            log.warning("Redis at %s is unreachable (%s: %s); rate limits are kept in this "
                        "process's memory until it answers again", _redacted(self._url),
                        exc.__class__.__name__, exc)

    def _came_back(self) -> None:
        with self._lock:
            if self._down_until is None:
                return
            self._down_until = None
        log.warning("Redis at %s answers again; rate limits are shared again",
                    _redacted(self._url))


class NoThrottle:
    """Allows everything (RATE_LIMIT_ENABLED=false)."""

    def hit(self, key: str, *, capacity: int, refill_per_second: float,
            cost: int = 1) -> Decision:
        return Decision(True, 0, capacity)

    def reset(self, key: str) -> None:
        return None


_instances: dict[tuple[bool, str], Throttle] = {}
_instances_lock = threading.Lock()


def get_throttle(settings: Settings) -> Throttle:
    """This process's throttle for these settings (the same object on every call)."""
    config = (settings.RATE_LIMIT_ENABLED, settings.REDIS_URL)
    with _instances_lock:
        throttle = _instances.get(config)
        if throttle is None:
            if not settings.RATE_LIMIT_ENABLED:
                throttle = NoThrottle()
            elif settings.REDIS_URL:
                throttle = RedisThrottle(settings.REDIS_URL)
            else:
                throttle = MemoryThrottle()
            _instances[config] = throttle
        return throttle
