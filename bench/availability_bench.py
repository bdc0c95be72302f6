"""Time ``free_slots`` over 30 days for one busy provider.

Mon-Sat 09:00-18:00 with lunch 12:30-13:15, two holidays, one afternoon off, buffers
5/10 min, a 15-minute grid, 1,000 existing bookings and a few calendar blocks.
Run: ``.venv/bin/python bench/availability_bench.py`` (target: median well under 20 ms).
"""

from __future__ import annotations

import random
import statistics
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.availability import Taken, free_slots
from core.interval import Interval
from core.model import (
    Business,
    DatedException,
    DayHours,
    ExceptionKind,
    LocalSpan,
    Provider,
    Rules,
    Service,
)
from core.money import Money
from core.policy import DEFAULT_POLICY
from core.timeutil import local_instant

TZ = ZoneInfo("Europe/London")
FIRST = date(2026, 3, 16)  # spans the 2026-03-29 DST change
RUNS = 50


def build_business() -> Business:
    workday = DayHours(spans=(LocalSpan(time(9), time(18)),),
                       breaks=(LocalSpan(time(12, 30), time(13, 15)),))
    exceptions = (
        DatedException(FIRST + timedelta(days=4), ExceptionKind.CLOSED, note="holiday"),
        DatedException(FIRST + timedelta(days=18), ExceptionKind.CLOSED, note="holiday"),
        DatedException(FIRST + timedelta(days=9), ExceptionKind.TIME_OFF,
                       blocked=(LocalSpan(time(15), time(18)),)),
    )
    provider = Provider(key="ana", name="Ana", tz=TZ, services=frozenset({"cut"}),
                        weekly=(workday,) * 6 + (DayHours(),), exceptions=exceptions)
    service = Service(key="cut", name="Haircut", duration=timedelta(minutes=30),
                      price=Money(3000, "GBP"), deposit=Money(0, "GBP"),
                      buffer_before=timedelta(minutes=5), buffer_after=timedelta(minutes=10))
    return Business(name="Bench", tz=TZ, currency="GBP", services=(service,),
                    providers=(provider,), rules=Rules(max_days_ahead=60, max_per_day=40),
                    policy=DEFAULT_POLICY)


def build_taken(rng: random.Random, n: int = 1000) -> list[Taken]:
    # Distinct 5-minute positions within opening hours; 10-minute visits plus buffers.
    positions = [(FIRST + timedelta(days=d), time(h, m)) for d in range(30)
                 for h in range(9, 18) for m in range(0, 60, 5)
                 if (FIRST + timedelta(days=d)).weekday() < 6]
    taken = []
    for day, at in rng.sample(positions, n):
        start = local_instant(day, at, TZ)
        assert start is not None
        block = Interval(start - timedelta(minutes=5), start + timedelta(minutes=20))
        taken.append(Taken("ana", start, block))
    return taken


def main() -> None:
    rng = random.Random(7)
    business = build_business()
    taken = build_taken(rng)
    now = datetime(2026, 3, 15, 12, tzinfo=UTC)
    window = Interval(now, now + timedelta(days=30))
    busy = {"ana": [Interval(now + timedelta(days=d, hours=10), now + timedelta(days=d, hours=11))
                    for d in range(0, 30, 3)]}
    timings, count = [], 0
    for _ in range(RUNS):
        started = clock.perf_counter()
        slots = free_slots(business=business, service_key="cut", provider_key="ana",
                           window=window, now=now, taken=taken, busy=busy)
        timings.append((clock.perf_counter() - started) * 1000)
        count = len(slots)
    timings.sort()
    p99 = timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))]
    print(f"free_slots, 30 days, {len(taken)} taken, {count} slots offered, {RUNS} runs: "
          f"median {statistics.median(timings):.2f} ms, p99 {p99:.2f} ms, "
          f"max {timings[-1]:.2f} ms")


if __name__ == "__main__":
    main()
