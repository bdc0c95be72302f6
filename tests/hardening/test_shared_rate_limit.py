"""The per-sender rate limit shared by every web process (issue 17): counted in PostgreSQL by
default or in Redis when ``REDIS_URL`` is set, with the in-process limiter's rule (``limit``
messages a window, then one notice, then silence)."""

from __future__ import annotations

import secrets
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path

import pytest
import redis

from adapters.rate_limit_redis import RedisHitCounter
from bookingbot.bootstrap import Database, database
from channels.http_guard import RATE_NOTICE, SharedRateLimiter, Verdict
from db.rate_limits import SqlHitCounter
from tests.db.conftest import fresh_postgres
from tests.hardening.test_processes import _setup, _sms, serving

REDIS_URL = "redis://127.0.0.1:6379/0"
RULE = [Verdict.ALLOW, Verdict.ALLOW, Verdict.ALLOW, Verdict.NOTICE, Verdict.DROP, Verdict.DROP]


def _redis_or_skip() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")


@pytest.fixture(scope="module")
def pg() -> Iterator[Database]:
    with fresh_postgres() as url:
        handle = database(url)
        try:
            yield handle
        finally:
            handle.close()


@pytest.mark.postgres
def test_postgres_counts_one_window_then_notices_once_then_drops(pg: Database) -> None:
    now = [datetime(2026, 12, 7, 9, 0, tzinfo=UTC)]
    limiter = SharedRateLimiter(SqlHitCounter(pg.engine, clock=lambda: now[0]), limit=3,
                                window_s=60)
    assert [limiter.check("sms:+14155550123") for _ in RULE] == RULE
    assert limiter.check("sms:+14155550999") is Verdict.ALLOW  # another sender: its own count
    now[0] += timedelta(seconds=60)  # the window has run out: a fresh allowance
    assert [limiter.check("sms:+14155550123") for _ in RULE] == RULE


@pytest.mark.postgres
def test_postgres_loses_no_hit_when_two_processes_count_at_once(pg: Database) -> None:
    limiter = SharedRateLimiter(SqlHitCounter(pg.engine), limit=40, window_s=60)
    start = threading.Barrier(8)
    verdicts: list[Verdict] = []
    lock = threading.Lock()

    def count() -> None:
        start.wait()  # all eight upsert into the one row together
        for _ in range(6):
            verdict = limiter.check("telegram:42")
            with lock:
                verdicts.append(verdict)

    threads = [threading.Thread(target=count) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert verdicts.count(Verdict.ALLOW) == 40
    assert verdicts.count(Verdict.NOTICE) == 1
    assert verdicts.count(Verdict.DROP) == 7


def test_redis_counts_the_same_rule_and_the_window_expires_by_itself() -> None:
    _redis_or_skip()
    prefix = f"bookingbot-test:{uuid.uuid4().hex}:"
    limiter = SharedRateLimiter(RedisHitCounter(REDIS_URL, prefix=prefix), limit=3, window_s=60)
    assert [limiter.check("sms:+14155550123") for _ in RULE] == RULE
    client = redis.Redis.from_url(REDIS_URL)
    try:
        assert 0 < int(client.ttl(prefix + "sms:+14155550123")) <= 60
    finally:
        client.delete(prefix + "sms:+14155550123")


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgres", "redis"])
def test_two_serve_processes_share_one_limit(tmp_path: Path, store: str) -> None:
    # A sender of its own: Redis db 0 is shared by every test run on the machine.
    sender = f"+1415555{secrets.randbelow(10_000):04d}"
    if store == "redis":
        _redis_or_skip()
        redis.Redis.from_url(REDIS_URL).delete(f"bookingbot:rate:sms:{sender}")
    extra = {"RATE_LIMIT_PER_MINUTE": "2", **({"REDIS_URL": REDIS_URL} if store == "redis"
                                               else {})}
    with fresh_postgres() as url:
        _setup(url, tmp_path)
        with serving(url, tmp_path, "a", extra) as (port_a, _), \
                serving(url, tmp_path, "b", extra) as (port_b, _):
            answers = []
            for n, port in enumerate([port_a, port_b, port_a, port_b]):
                status, twiml = _sms(port, {"From": sender, "To": "+14155550100",
                                            "Body": "hi", "MessageSid": f"SM{n:032d}"})
                assert status == 200
                answers.append(unescape(twiml))
    assert all(RATE_NOTICE not in a and "<Message>" in a for a in answers[:2])
    assert RATE_NOTICE in answers[2]  # the third message, whichever process it reached
    assert "<Message>" not in answers[3]  # then silence
