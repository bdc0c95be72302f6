"""A small, independent reference for the multilingual time corpora.

A case is written as ``(text, day, time)`` in a tiny notation and resolved here to the
expected ``start``/``end``/``grain`` for a given ``now`` and zone, without using
``bot.timeparse``:

day   ``+N``   today + N days (pinned)          ``wdK``  weekday K (0 = Monday), today counts
      ``nwdK`` first weekday K after today      ``nwkK`` weekday K of next week
      ``YYYY-MM-DD``  that date (pinned)         ``MM-DD`` next such date, today or later
      ``week+1`` next week (Mon-Mon)            ``weekend`` this weekend (Sat-Mon), from now
      ``-``    no day named: today, else tomorrow
time  ``HH:MM`` an instant          ``HH:MM-HH:MM`` a range        ``p:HH:MM-HH:MM`` a part of day
      ``day``  the whole day (or week/weekend for those day forms)
``None`` as *day* means the phrase must give no answer.

Semantics follow the parser's documented rules: an unpinned day moves to its next
occurrence when the instant is past or the window has ended; a window already running
starts at ``now``; pinned days are never moved.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent


def localize(day: date, minute: int, zone: ZoneInfo) -> datetime:
    wall = datetime(day.year, day.month, day.day, tzinfo=zone) + timedelta(minutes=minute)
    return wall.replace(fold=0).astimezone(UTC).astimezone(zone)


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _candidates(day: str, today: date) -> tuple[list[date], bool, str]:
    """(candidate days, pinned, grain for a day-only answer)."""
    if day == "-":
        return [today, today + timedelta(days=1)], False, "day"
    if day.startswith("+"):
        return [today + timedelta(days=int(day[1:]))], True, "day"
    if day.startswith("wd"):
        first = today + timedelta(days=(int(day[2:]) - today.weekday()) % 7)
        return [first, first + timedelta(days=7)], False, "day"
    if day.startswith("nwd"):
        ahead = (int(day[3:]) - today.weekday() - 1) % 7 + 1
        return [today + timedelta(days=ahead)], True, "day"
    if day.startswith("nwk"):
        monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
        return [monday + timedelta(days=int(day[3:]))], True, "day"
    if len(day) == 10:
        return [date.fromisoformat(day)], True, "day"
    month, dom = (int(x) for x in day.split("-"))
    found = [date(y, month, dom) for y in (today.year, today.year + 1)]
    return [d for d in found if d >= today][:2], False, "day"


def _span(day: str, now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime, str]:
    today = now.date()
    monday = today - timedelta(days=today.weekday())
    if day == "week+1":
        start = monday + timedelta(days=7)
        return localize(start, 0, zone), localize(start + timedelta(days=7), 0, zone), "week"
    saturday = monday + timedelta(days=5)
    start, end = localize(saturday, 0, zone), localize(saturday + timedelta(days=2), 0, zone)
    return max(start, now, key=lambda d: d.timestamp()), end, "weekend"


def expected(day: str | None, time: str, now: datetime, zone: ZoneInfo) -> dict[str, Any]:
    if day is None:
        return {"start": None, "end": None, "grain": None}
    now = now.astimezone(zone)
    if day in ("week+1", "weekend"):
        start, end, grain = _span(day, now, zone)
        return _result(start, end, grain)
    days, pinned, _ = _candidates(day, now.date())
    if time == "day":
        first = days[0]
        return _result(
            localize(first, 0, zone), localize(first + timedelta(days=1), 0, zone), "day"
        )
    if "-" not in time:
        minute = _minutes(time)
        moment = localize(days[0], minute, zone)
        for candidate in days:
            moment = localize(candidate, minute, zone)
            if pinned or moment.timestamp() >= now.timestamp():
                break
        return _result(moment, moment, "minute")
    grain = "part_of_day" if time.startswith("p:") else "range"
    a, b = time.removeprefix("p:").split("-")
    start = end = now
    for candidate in days:
        start, end = localize(candidate, _minutes(a), zone), localize(candidate, _minutes(b), zone)
        if now.timestamp() < end.timestamp():
            start = max(start, now, key=lambda d: d.timestamp())
            break
        if pinned:
            break
    return _result(start, end, grain)


def _result(start: datetime, end: datetime, grain: str) -> dict[str, Any]:
    return {"start": start.isoformat(), "end": end.isoformat(), "grain": grain}


def write_corpus(path: Path, cases: list[dict[str, Any]]) -> None:
    path.write_text(
        "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8"
    )


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
