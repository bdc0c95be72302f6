"""Exponential backoff for transient failures, with a cap and a final attempt count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Backoff:
    base: timedelta = timedelta(seconds=30)
    cap: timedelta = timedelta(hours=1)
    max_attempts: int = 8  # 30 s, 1, 2, 4, 8, 16, 32 min, 1 h: about two hours in all

    def delay(self, attempts: int) -> timedelta:
        """The wait after the ``attempts``-th failed try (1-based)."""
        grown: timedelta = self.base * 2 ** max(attempts - 1, 0)
        return min(grown, self.cap)

    def retry_at(self, attempts: int, now: datetime) -> datetime | None:
        """When to try again, or None when the attempts are used up (give up: dead)."""
        if attempts >= self.max_attempts:
            return None
        return now + self.delay(attempts)
