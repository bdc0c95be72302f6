"""Accuracy and speed of bot.timeparse vs plain dateparser on the test corpora.

Run from the repository root:  .venv/bin/python bench/timeparse_accuracy.py

A case counts as correct when the parsed start is the same instant as the
expected start (expected null: correct when the parser also returns null).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import dateparser  # noqa: E402

from bot.timeparse import parse_time  # noqa: E402

CORPORA = [
    ROOT / "tests" / "bot" / name for name in ("time_corpus.jsonl", "time_corpus_more.jsonl")
]
Parser = Callable[[str, datetime, ZoneInfo], datetime | None]


def ours(text: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    window = parse_time(text, now=now, tz=tz)
    return None if window is None else window.start


def plain(text: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    settings = {
        "PREFER_DATES_FROM": "future",
        "TIMEZONE": tz.key,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "RELATIVE_BASE": now.astimezone(tz).replace(tzinfo=None),
    }
    try:
        result = dateparser.parse(text, settings=settings)
    except Exception:  # plain dateparser raises on some DST-ambiguous times
        return None
    return result if isinstance(result, datetime) else None


def _correct(got: datetime | None, expected: str | None) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    # Compare timestamps: PEP 495 makes == false for inter-zone values in a fold.
    return got.timestamp() == datetime.fromisoformat(expected).timestamp()


def evaluate(parser: Parser, cases: list[dict[str, Any]]) -> tuple[int, list[float]]:
    hits, timings = 0, []
    for case in cases:
        tz, now = ZoneInfo(case["tz"]), datetime.fromisoformat(case["now"])
        began = time.perf_counter()
        got = parser(case["text"], now, tz)
        timings.append((time.perf_counter() - began) * 1000)
        hits += _correct(got, case["start"])
    return hits, timings


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def _report(title: str, cases: list[dict[str, Any]]) -> None:
    nulls = sum(c["start"] is None for c in cases)
    print(f"\n{title}: {len(cases)} cases ({nulls} expect null)")
    print(f"{'parser':<22}{'correct':>9}{'accuracy':>10}{'median ms':>11}{'p99 ms':>9}")
    for name, parser in (("bot.timeparse", ours), ("plain dateparser", plain)):
        hits, timings = evaluate(parser, cases)
        print(
            f"{name:<22}{hits:>9}{hits / len(cases):>10.1%}"
            f"{statistics.median(timings):>11.3f}{_p99(timings):>9.3f}"
        )


def main() -> int:
    corpora = {
        path.name: [
            json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line
        ]
        for path in CORPORA
    }
    for case in next(iter(corpora.values()))[:5]:  # warm up imports and caches for both parsers
        ours(case["text"], datetime.fromisoformat(case["now"]), ZoneInfo(case["tz"]))
        plain(case["text"], datetime.fromisoformat(case["now"]), ZoneInfo(case["tz"]))
    for name, cases in corpora.items():
        _report(name, cases)
    _report("both corpora", [case for cases in corpora.values() for case in cases])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
