"""The shared webhook guards: rate limits and constant-time compares."""

from __future__ import annotations

from channels.http_guard import RateLimiter, Verdict, secrets_equal


def test_one_notice_per_flood_window() -> None:
    now = [0.0]
    limiter = RateLimiter(limit=3, window_s=10, clock=lambda: now[0])
    verdicts = [limiter.check("a") for _ in range(6)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.NOTICE, Verdict.DROP, Verdict.DROP]
    assert limiter.check("b") is Verdict.ALLOW  # per sender
    now[0] = 10.0
    assert limiter.check("a") is Verdict.ALLOW  # the window slid on
    now[0] = 10.5
    assert [limiter.check("a") for _ in range(3)] == [Verdict.ALLOW] * 2 + [Verdict.NOTICE]


def test_idle_senders_are_forgotten() -> None:
    now = [0.0]
    limiter = RateLimiter(limit=1, window_s=1, clock=lambda: now[0], max_senders=2)
    for key in "abc":
        limiter.check(key)
    now[0] = 5.0
    limiter.check("d")
    assert len(limiter._hits) <= 2


def test_secrets_equal() -> None:
    assert secrets_equal("abc", "abc")
    assert not secrets_equal("abd", "abc")
    assert not secrets_equal("", "abc")
    assert not secrets_equal(None, "abc")
    assert secrets_equal("çé", "çé")
