"""Corpus, property and CLI tests for bot.timeparse."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.timeparse import TimeWindow, parse_time
from bot.timeparse.cli import run

ROOT = Path(__file__).resolve().parents[2]
CORPUS_FILES = ("time_corpus.jsonl", "time_corpus_more.jsonl")


def _load(name: str) -> list[dict[str, Any]]:
    text = Path(__file__).with_name(name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line]


ORIGINAL = _load(CORPUS_FILES[0])
MORE = _load(CORPUS_FILES[1])
CORPUS: list[dict[str, Any]] = ORIGINAL + MORE
ZONES = [
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Europe/London",
    "Pacific/Auckland",
    "UTC",
]
RELATIVE_PHRASES = [
    "tomorrow",
    "in 2 hours",
    "fri 10:30",
    "3pm",
    "14h",
    "1430",
    "3ish",
    "mon-wed mornings",
    "tue-thu afternoons",
    "end of the week",
    "this time tomorrow",
    "first thing tomorrow",
    "late afternoon",
    "in half an hour",
]


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def test_corpus_is_big_and_varied() -> None:
    assert len(ORIGINAL) >= 250
    assert len(MORE) >= 200
    keys = [(c["text"], c["now"], c["tz"]) for c in MORE]
    assert len(set(keys)) == len(keys)
    assert not set(keys) & {(c["text"], c["now"], c["tz"]) for c in ORIGINAL}
    assert {case["tz"] for case in CORPUS} >= {
        "Asia/Kolkata",
        "Australia/Lord_Howe",
        "America/Los_Angeles",
        "Europe/Berlin",
        "Pacific/Auckland",
        "UTC",
    }


@pytest.mark.parametrize(
    "case", CORPUS, ids=[f"{i}:{c['tz']}:{c['text']!r}" for i, c in enumerate(CORPUS)]
)
def test_corpus(case: dict[str, Any]) -> None:
    tz = ZoneInfo(case["tz"])
    result = parse_time(case["text"], now=datetime.fromisoformat(case["now"]), tz=tz)
    got = (
        (None, None, None)
        if result is None
        else (_iso(result.start), _iso(result.end), result.grain)
    )
    assert got == (case["start"], case["end"], case["grain"])
    if "part_of_day" in case:
        assert result is not None
        assert result.part_of_day == case["part_of_day"]


def test_part_of_day_is_reported_for_wide_windows() -> None:
    tz = ZoneInfo("Europe/London")
    now = datetime(2026, 5, 15, 18, 30, tzinfo=tz)
    window = parse_time("any time next week in the morning", now=now, tz=tz)
    assert window is not None
    assert (window.grain, window.part_of_day, window.date_only) == ("week", "morning", True)
    afternoon = parse_time("tomorrow afternoon", now=now, tz=tz)
    assert afternoon is not None
    assert afternoon.part_of_day == "afternoon"


def test_naive_now_is_rejected() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_time("3pm", now=datetime(2026, 1, 1), tz=ZoneInfo("UTC"))


def _check_common(window: TimeWindow, now: datetime, tz: ZoneInfo) -> None:
    assert window.start.timestamp() <= window.end.timestamp()
    assert window.start.timestamp() >= now.timestamp()
    for moment in (window.start, window.end):
        assert moment.tzinfo is tz
        assert moment.utcoffset() == moment.astimezone(UTC).astimezone(tz).utcoffset()


_NOWS = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2030, 12, 31),
    timezones=st.just(UTC),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(zone=st.sampled_from(ZONES), now=_NOWS, phrase=st.sampled_from(RELATIVE_PHRASES))
def test_relative_phrases_never_in_past(zone: str, now: datetime, phrase: str) -> None:
    tz = ZoneInfo(zone)
    window = parse_time(phrase, now=now, tz=tz)
    assert window is not None
    _check_common(window, now, tz)
    if window.grain == "day":
        local = window.start.astimezone(tz)
        assert (local.hour, local.minute) == (0, 0)
        assert window.end.astimezone(tz).date() == local.date() + timedelta(days=1)
        assert (window.end.hour, window.end.minute) == (0, 0)


@settings(max_examples=150, deadline=None)
@given(zone=st.sampled_from(ZONES), now=_NOWS)
def test_in_two_hours_is_exact_elapsed_time(zone: str, now: datetime) -> None:
    window = parse_time("in 2 hours", now=now, tz=ZoneInfo(zone))
    assert window is not None
    assert window.start - now == timedelta(hours=2)


@settings(max_examples=150, deadline=None)
@given(zone=st.sampled_from(ZONES), now=_NOWS, other=st.sampled_from(["EST", "PT", "London"]))
def test_explicit_zone_result_is_in_customer_zone(zone: str, now: datetime, other: str) -> None:
    tz = ZoneInfo(zone)
    window = parse_time(f"3pm {other}", now=now, tz=tz)
    assert window is not None
    _check_common(window, now, tz)


_NOISE_TEXT = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyz0123456789 :/.-@!?'🙏é中")),
    max_size=400,
)


@settings(max_examples=300, deadline=None)
@given(text=_NOISE_TEXT, zone=st.sampled_from(ZONES), now=_NOWS)
def test_garbage_never_crashes(text: str, zone: str, now: datetime) -> None:
    # Speed is the throughput bench's business (bench/timeparse_throughput.py), not a timed test.
    parsed = parse_time(text, now=now, tz=ZoneInfo(zone))
    assert parsed is None or (parsed.start.tzinfo is not None and parsed.start <= parsed.end)


@pytest.mark.parametrize("size", [301, 5_000, 100_000])
def test_very_long_text_is_refused_before_parsing(size: int) -> None:
    tz = ZoneInfo("UTC")
    assert parse_time(("tomorrow 3pm " * size)[:size], now=datetime.now(UTC), tz=tz) is None


def _run(argv: list[str], text: str) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    code = run(argv, io.StringIO(text), out)
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_cli_plain_mode() -> None:
    code, rows = _run(
        ["--tz", "Europe/London", "--now", "2026-05-15T18:30:00+01:00"],
        "tmrw 3pm\nasdf\n3pm EST\n",
    )
    assert code == 0
    assert rows == [
        {
            "text": "tmrw 3pm",
            "start": "2026-05-16T15:00:00+01:00",
            "end": "2026-05-16T15:00:00+01:00",
            "grain": "minute",
        },
        {"text": "asdf", "start": None, "end": None, "grain": None},
        {
            "text": "3pm EST",
            "start": "2026-05-15T20:00:00+01:00",
            "end": "2026-05-15T20:00:00+01:00",
            "grain": "minute",
        },
    ]


def test_cli_accepts_subcommand_name_and_defaults() -> None:
    code, rows = _run(["parse-time"], "in 2 hours\n")
    assert code == 0
    start = datetime.fromisoformat(rows[0]["start"])
    assert start.utcoffset() == timedelta(0)
    assert abs(start - datetime.now(UTC) - timedelta(hours=2)) < timedelta(minutes=1)


def test_cli_jsonl_mode_with_bad_lines() -> None:
    lines = [
        json.dumps({"text": "tomorrow", "tz": "Asia/Kolkata", "now": "2026-05-15T18:30:00"}),
        "not json at all",
        json.dumps({"text": "3pm", "tz": "Mars/Olympus_Mons"}),
        json.dumps({"text": "3pm", "now": "yesterday-ish"}),
        json.dumps(["a", "list"]),
        json.dumps({"text": "in 2 hours"}),
        json.dumps({"text": "noon", "tz": "America/New_York"}),
    ]
    code, rows = _run(["--jsonl", "--now", "2026-05-15T18:30:00+00:00"], "\n".join(lines) + "\n")
    assert code == 0
    assert [row["text"] for row in rows] == [
        "tomorrow",
        None,
        "3pm",
        "3pm",
        None,
        "in 2 hours",
        "noon",
    ]
    assert rows[0]["start"] == "2026-05-16T00:00:00+05:30"
    assert rows[0]["grain"] == "day"
    assert all(rows[i]["start"] is None for i in (1, 2, 3, 4))
    assert rows[5]["start"] == "2026-05-15T20:30:00+00:00"
    assert rows[6]["start"] == "2026-05-16T12:00:00-04:00"


def test_cli_unknown_zone_flag_is_usage_error() -> None:
    code, rows = _run(["--tz", "Nowhere/Special"], "3pm\n")
    assert (code, rows) == (2, [])


def test_cli_as_module() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot.timeparse.cli", "--tz", "UTC", "--now", "2026-02-02T08:00:00Z"],
        input="tomorrow at 3pm\n{bad\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=60,
    )
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert rows[0]["start"] == "2026-02-03T15:00:00+00:00"
    assert rows[1] == {"text": "{bad", "start": None, "end": None, "grain": None}


def test_cli_as_module_jsonl() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bot.timeparse.cli", "--jsonl"],
        input='{"text": "3pm EST", "now": "2026-02-02T08:00:00+00:00", "tz": "UTC"}\n{oops\n',
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        timeout=60,
    )
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert rows[0]["start"] == "2026-02-02T20:00:00+00:00"
    assert rows[1] == {"text": None, "start": None, "end": None, "grain": None}
