"""The shared rate limit's counter in Redis, when ``REDIS_URL`` is set."""

from __future__ import annotations

import math

import redis


class RedisHitCounter:
    """``channels.http_guard.HitCounter``: SET NX with the window's expiry, then INCR, in one
    MULTI/EXEC round trip, so the first message of a window starts it and the key goes away
    by itself."""

    def __init__(self, url: str, *, prefix: str = "bookingbot:rate:") -> None:
        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._prefix = prefix

    def hit(self, key: str, window_s: float) -> int:
        name = self._prefix + key
        pipe = self._redis.pipeline(transaction=True)
        pipe.set(name, 0, ex=max(1, math.ceil(window_s)), nx=True)
        pipe.incr(name)
        _, hits = pipe.execute()
        return int(hits)
