"""Rate limits: buckets in memory (fake clock) and in the real Redis at 127.0.0.1:6379."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from folio.auth.throttle import (
    API_PER_TOKEN,
    KEY_PREFIX,
    LOGIN_PER_ACCOUNT,
    LOGIN_PER_IP,
    MemoryThrottle,
    NoThrottle,
    Policy,
    RedisThrottle,
    Throttle,
    get_throttle,
    policies,
)
from folio.settings import Settings

REDIS_URL = os.environ.get("FOLIO_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
SLOW: dict[str, Any] = {"capacity": 5, "refill_per_second": 1 / 60}  # the sign-in-per-account shape


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: nothing may be skipped for a missing service)")
    pytest.skip(reason)


class FakeClock:
    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own in the real Redis; its keys are deleted afterwards."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        client.close()
        _missing(f"Redis is not reachable at {REDIS_URL} ({exc.__class__.__name__}); "
                 "start it to run the Redis rate-limit tests")
    prefix = f"{KEY_PREFIX}test-{uuid.uuid4().hex[:12]}:"
    yield prefix
    for key in client.scan_iter(match=prefix + "*"):
        client.delete(key)
    client.close()


@pytest.fixture
def make_redis(redis_prefix: str) -> Iterator[Callable[..., RedisThrottle]]:
    made: list[RedisThrottle] = []

    def make(**kwargs: Any) -> RedisThrottle:
        throttle = RedisThrottle(REDIS_URL, prefix=redis_prefix, **kwargs)
        made.append(throttle)
        return throttle

    yield make
    for throttle in made:
        throttle.close()


@pytest.fixture(params=["memory", "redis"])
def throttle(request: pytest.FixtureRequest, clock: FakeClock) -> Throttle:
    """Both backends on the fake clock (Redis is passed the timestamps)."""
    if request.param == "memory":
        return MemoryThrottle(clock=clock)
    return request.getfixturevalue("make_redis")(clock=clock)


def drain(throttle: Throttle, key: str, times: int, **shape: Any) -> list[bool]:
    return [throttle.hit(key, **shape).allowed for _ in range(times)]


# -- both backends -----------------------------------------------------------------------

def test_it_allows_a_burst_then_refuses(throttle: Throttle) -> None:
    assert drain(throttle, "alice", 7, **SLOW) == [True] * 5 + [False] * 2


def test_it_counts_down_what_remains(throttle: Throttle) -> None:
    assert [throttle.hit("alice", **SLOW).remaining for _ in range(6)] == [4, 3, 2, 1, 0, 0]


def test_it_says_when_to_try_again(throttle: Throttle, clock: FakeClock) -> None:
    drain(throttle, "alice", 5, **SLOW)
    refused = throttle.hit("alice", **SLOW)
    assert (refused.allowed, refused.retry_after) == (False, 60)
    assert refused.headers() == {"Retry-After": "60"}
    clock.advance(45.5)
    assert throttle.hit("alice", **SLOW).retry_after == 15  # 14.5 s, rounded up


def test_it_recovers_one_token_per_refill_interval(throttle: Throttle,
                                                   clock: FakeClock) -> None:
    drain(throttle, "alice", 6, **SLOW)
    clock.advance(60)
    assert drain(throttle, "alice", 2, **SLOW) == [True, False]
    clock.advance(3600)  # refills to capacity and no further
    assert drain(throttle, "alice", 6, **SLOW) == [True] * 5 + [False]


def test_refused_hits_do_not_spend_tokens(throttle: Throttle, clock: FakeClock) -> None:
    drain(throttle, "alice", 5, **SLOW)
    for _ in range(10):
        clock.advance(5)
        assert not throttle.hit("alice", **SLOW).allowed
    clock.advance(10)  # 60 s since the bucket emptied
    assert throttle.hit("alice", **SLOW).allowed


def test_separate_keys_have_separate_buckets(throttle: Throttle) -> None:
    drain(throttle, "alice", 5, **SLOW)
    assert not throttle.hit("alice", **SLOW).allowed
    assert throttle.hit("bob", **SLOW).allowed
    assert throttle.hit("bob", **SLOW).remaining == 3


def test_a_hit_may_cost_several_tokens(throttle: Throttle) -> None:
    shape: dict[str, Any] = {"capacity": 10, "refill_per_second": 1.0}
    assert throttle.hit("batch", cost=7, **shape).remaining == 3
    refused = throttle.hit("batch", cost=5, **shape)
    assert (refused.allowed, refused.retry_after) == (False, 2)


def test_reset_refills_the_bucket(throttle: Throttle) -> None:
    drain(throttle, "alice", 5, **SLOW)
    throttle.reset("alice")
    assert throttle.hit("alice", **SLOW).remaining == 4
    throttle.reset("never-used")  # no error


def test_it_refuses_an_impossible_bucket(throttle: Throttle) -> None:
    with pytest.raises(ValueError, match="cost"):
        throttle.hit("alice", capacity=5, refill_per_second=1.0, cost=6)
    with pytest.raises(ValueError, match="refill"):
        throttle.hit("alice", capacity=5, refill_per_second=0)


def test_policies_key_their_subjects_without_revealing_them(throttle: Throttle) -> None:
    key = LOGIN_PER_ACCOUNT.key("Alice@Example.com ")
    assert key == LOGIN_PER_ACCOUNT.key("alice@example.com")
    assert "alice" not in key
    assert key.startswith("login-account:")
    assert LOGIN_PER_IP.key("alice@example.com") != key
    for _ in range(5):
        assert LOGIN_PER_ACCOUNT.hit(throttle, "alice@example.com").allowed
    assert not LOGIN_PER_ACCOUNT.hit(throttle, "ALICE@example.com").allowed
    LOGIN_PER_ACCOUNT.reset(throttle, "alice@example.com")  # a successful sign-in
    assert LOGIN_PER_ACCOUNT.hit(throttle, "alice@example.com").allowed


# -- memory ------------------------------------------------------------------------------

def test_memory_stays_bounded_under_a_flood_of_keys(clock: FakeClock) -> None:
    throttle = MemoryThrottle(clock=clock, max_keys=100)
    for n in range(5000):
        throttle.hit(f"flood-{n}", **SLOW)
    assert len(throttle) <= 100


def test_a_flood_evicts_refilled_buckets_before_an_emptied_one(clock: FakeClock) -> None:
    throttle = MemoryThrottle(clock=clock, max_keys=50)
    drain(throttle, "victim", 5, **SLOW)
    for n in range(500):  # each flood bucket refills soon after its one hit
        throttle.hit(f"flood-{n}", capacity=1, refill_per_second=100.0)
        clock.advance(0.05)  # 25 s in all: the victim gains less than one token
    assert len(throttle) <= 50
    assert not throttle.hit("victim", **SLOW).allowed  # the attacker did not reset it


def test_memory_buckets_hold_under_concurrent_hits() -> None:
    throttle = MemoryThrottle()
    allowed: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(50):
            result = throttle.hit("shared", capacity=100, refill_per_second=1e-6).allowed
            with lock:
                allowed.append(result)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 100


# -- Redis -------------------------------------------------------------------------------

def test_two_processes_share_one_redis_bucket(make_redis: Callable[..., RedisThrottle],
                                              clock: FakeClock) -> None:
    first, second = make_redis(clock=clock), make_redis(clock=clock)
    assert first._client is not second._client
    assert drain(first, "alice", 3, **SLOW) == [True] * 3
    assert drain(second, "alice", 3, **SLOW) == [True, True, False]
    assert not first.hit("alice", **SLOW).allowed
    second.reset("alice")
    assert first.hit("alice", **SLOW).allowed


def test_redis_uses_its_own_clock_when_none_is_passed(
        make_redis: Callable[..., RedisThrottle]) -> None:
    throttle = make_redis()
    fast: dict[str, Any] = {"capacity": 2, "refill_per_second": 20.0}
    assert drain(throttle, "alice", 3, **fast) == [True, True, False]
    assert throttle.hit("alice", **fast).retry_after == 1
    time.sleep(0.12)
    assert throttle.hit("alice", **fast).allowed


def test_redis_buckets_expire_once_they_would_be_full(
        make_redis: Callable[..., RedisThrottle], redis_prefix: str) -> None:
    throttle = make_redis()
    drain(throttle, "alice", 2, **SLOW)  # 2 of 5 tokens gone: full again in 120 s
    ttl = throttle._client.ttl(redis_prefix + "alice")
    assert 110 <= ttl <= 121
    assert [k.decode() for k in throttle._client.scan_iter(match=redis_prefix + "*")] == [
        redis_prefix + "alice"]


def test_an_unreachable_redis_falls_back_to_memory_with_one_warning(
        caplog: pytest.LogCaptureFixture) -> None:
    url = f"redis://:hunter2-redis-password@127.0.0.1:{closed_port()}/0"
    throttle = RedisThrottle(url, retry_interval=0)  # try Redis again on every hit
    with caplog.at_level(logging.WARNING, logger="folio.throttle"):
        results = drain(throttle, "alice", 8, **SLOW)
    assert results == [True] * 5 + [False] * 3  # still limited, in this process
    warnings = [r for r in caplog.records if r.name == "folio.throttle"]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()
    assert "hunter2" not in warnings[0].getMessage()
    throttle.reset("alice")
    assert throttle.hit("alice", **SLOW).allowed
    throttle.close()


# -- configuration -----------------------------------------------------------------------

def test_the_default_settings_give_the_documented_policies() -> None:
    configured = policies(Settings())
    assert configured.login_per_account == LOGIN_PER_ACCOUNT
    assert configured.login_per_ip == LOGIN_PER_IP
    assert configured.api_per_token == API_PER_TOKEN


def test_settings_change_the_policies() -> None:
    configured = policies(Settings(RATE_LIMIT_API_BURST=10, RATE_LIMIT_API_PER_MINUTE=30,
                                   RATE_LIMIT_LOGIN_ACCOUNT_BURST=3))
    assert configured.api_per_token == Policy("api-token", 10, 0.5)
    assert configured.login_per_account.capacity == 3


def test_get_throttle_picks_the_backend_and_keeps_it() -> None:
    memory = get_throttle(Settings(REDIS_URL=""))
    assert isinstance(memory, MemoryThrottle)
    assert get_throttle(Settings(REDIS_URL="")) is memory
    assert isinstance(get_throttle(Settings(REDIS_URL=REDIS_URL)), RedisThrottle)
    off = get_throttle(Settings(RATE_LIMIT_ENABLED=False))
    assert isinstance(off, NoThrottle)
    assert all(off.hit("x", capacity=1, refill_per_second=1).allowed for _ in range(5))


def test_redis_url_can_come_from_a_file(monkeypatch: pytest.MonkeyPatch,
                                        tmp_path: Path) -> None:
    from folio.settings import get_settings

    secret = tmp_path / "redis_url"
    secret.write_text("redis://:s3cret@cache:6379/0\n")
    monkeypatch.setenv("REDIS_URL", "")
    monkeypatch.delenv("REDIS_URL")
    monkeypatch.setenv("REDIS_URL_FILE", str(secret))
    get_settings.cache_clear()
    try:
        assert get_settings().REDIS_URL == "redis://:s3cret@cache:6379/0"
    finally:
        monkeypatch.delenv("REDIS_URL", raising=False)
        get_settings.cache_clear()



class RedisProcess:
    """A throwaway redis-server on a port of its own, to stop and start under a test."""

    def __init__(self, binary: str, directory: str) -> None:
        self.binary, self.directory, self.port = binary, directory, closed_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.directory],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(5)
            self.proc = None


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisProcess]:
    binary = shutil.which("redis-server")
    if binary is None:
        _missing("redis-server is not installed; it is needed to test Redis coming back")
    server = RedisProcess(str(binary), str(tmp_path))
    server.start()
    yield server
    server.stop()


def test_it_goes_back_to_redis_when_redis_answers_again(
        own_redis: RedisProcess, caplog: pytest.LogCaptureFixture) -> None:
    throttle = RedisThrottle(own_redis.url, retry_interval=0)  # try Redis on every hit
    other = RedisThrottle(own_redis.url)
    with caplog.at_level(logging.WARNING, logger="folio.throttle"):
        assert drain(throttle, "alice", 2, **SLOW) == [True, True]
        own_redis.stop()
        assert throttle.hit("alice", **SLOW).remaining == 4  # memory: a fresh bucket
        assert throttle.hit("alice", **SLOW).remaining == 3
        own_redis.start()
        assert throttle.hit("alice", **SLOW).remaining == 4  # an empty Redis again
        assert other.hit("alice", **SLOW).remaining == 3  # shared once more
    messages = [r.getMessage() for r in caplog.records if r.name == "folio.throttle"]
    assert len(messages) == 2
    assert "unreachable" in messages[0]
    assert "answers again" in messages[1]
    throttle.close()
    other.close()
