"""`bookingbot parse-time`: batch-parse phrases, one JSON result line per input line.

    bookingbot parse-time --tz Europe/London --now 2026-05-15T18:30:00+01:00 < phrases.txt
    bookingbot parse-time --jsonl < cases.jsonl   # {"text", "now"?, "tz"?} per line

Per-line "now"/"tz" override the flags (defaults: UTC and the current time; a
naive "now" is read in the line's zone).  A malformed line, unknown zone or bad
"now" gives {"text": ..., "start": null, "end": null, "grain": null} and the run
continues.  An invalid --tz/--now flag is a usage error (exit status 2).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.timeparse.parser import parse_time
from bot.timeparse.zones import zone_for

Result = dict[str, str | None]


def _null(text: str | None) -> Result:
    return {"text": text, "start": None, "end": None, "grain": None}


def _parse_now(raw: object, tz: ZoneInfo) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


def _resolve(text: str, now: datetime, tz: ZoneInfo) -> Result:
    try:
        window = parse_time(text, now=now, tz=tz)
    except (ValueError, OverflowError):
        window = None
    if window is None:
        return _null(text)
    return {
        "text": text,
        "start": window.start.isoformat(),
        "end": window.end.isoformat(),
        "grain": window.grain,
    }


def _jsonl_line(line: str, default_tz: ZoneInfo, default_now: object) -> Result:
    try:
        record: Any = json.loads(line)
    except ValueError:
        return _null(None)
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return _null(None)
    text: str = record["text"]
    tz_name = record.get("tz")
    tz = default_tz if tz_name is None else zone_for(tz_name) if isinstance(tz_name, str) else None
    if tz is None:
        return _null(text)
    raw_now = record.get("now", default_now)
    now = datetime.now(UTC) if raw_now is None else _parse_now(raw_now, tz)
    return _null(text) if now is None else _resolve(text, now, tz)


def _plain_line(line: str, tz: ZoneInfo, raw_now: str | None) -> Result:
    now = datetime.now(UTC) if raw_now is None else _parse_now(raw_now, tz)
    return _null(line) if now is None else _resolve(line, now, tz)


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bookingbot parse-time")
    parser.add_argument("--tz", default="UTC", help="customer IANA zone (default UTC)")
    parser.add_argument("--now", default=None, help="reference instant, ISO 8601")
    parser.add_argument("--jsonl", action="store_true", help='input lines are {"text","now","tz"}')
    args = argv[1:] if argv[:1] == ["parse-time"] else argv
    return parser.parse_args(args)


def run(argv: list[str], stdin: TextIO, stdout: TextIO) -> int:
    """Entry point; returns the process exit status."""
    try:
        args = _arguments(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    tz = zone_for(args.tz)
    if tz is None or (args.now is not None and _parse_now(args.now, tz) is None):
        sys.stderr.write(f"bookingbot parse-time: invalid --tz {args.tz!r} or --now {args.now!r}\n")
        return 2
    for raw in stdin:
        line = raw.rstrip("\r\n")
        result = _jsonl_line(line, tz, args.now) if args.jsonl else _plain_line(line, tz, args.now)
        stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:], sys.stdin, sys.stdout))
