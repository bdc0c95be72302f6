"""`bookingbot parse-time`: batch-parse phrases, one JSON result line per input line.

    bookingbot parse-time --tz Europe/London --now 2026-05-15T18:30:00+01:00 < phrases.txt
    bookingbot parse-time --jsonl < cases.jsonl   # {"text", "now"?, "tz"?, "lang"?, "locale"?}
    bookingbot parse-time --lang es --tz Europe/Madrid < frases.txt

Per-line "now"/"tz"/"lang"/"locale" override the flags (defaults: UTC, the current
time, language detected from the text, no locale; a naive "now" is read in the
line's zone).  An unknown language code falls back to detection.

Ambiguity: when a numeric date such as "3/4" has two plausible readings and no
locale decides (see :mod:`bot.timeparse.dateorder`), the line has null
start/end/grain like any unparsed phrase, plus ``"ambiguous": [{"start", "end",
"grain"}, {...}]`` with both candidates, the zone's usual reading first.

A malformed line, unknown zone or bad "now" gives {"text": ..., "start": null,
"end": null, "grain": null} and the run continues.  An invalid --tz/--now flag is a
usage error (exit status 2).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.timeparse.model import TimeWindow
from bot.timeparse.parser import read_time
from bot.timeparse.zones import zone_for

Result = dict[str, Any]


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


def _window(window: TimeWindow) -> Result:
    return {"start": window.start.isoformat(), "end": window.end.isoformat(), "grain": window.grain}


def _resolve(text: str, now: datetime, tz: ZoneInfo, lang: object, locale: object) -> Result:
    try:
        reading = read_time(
            text,
            now=now,
            tz=tz,
            lang=lang if isinstance(lang, str) else None,
            locale=locale if isinstance(locale, str) else None,
        )
    except (ValueError, OverflowError):
        return _null(text)
    if reading.ambiguous:
        return {**_null(text), "ambiguous": [_window(w) for w in reading.ambiguous]}
    if reading.window is None:
        return _null(text)
    return {"text": text, **_window(reading.window)}


def _jsonl_line(line: str, default_tz: ZoneInfo, args: argparse.Namespace) -> Result:
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
    raw_now = record.get("now", args.now)
    now = datetime.now(UTC) if raw_now is None else _parse_now(raw_now, tz)
    if now is None:
        return _null(text)
    lang, locale = record.get("lang", args.lang), record.get("locale", args.locale)
    return _resolve(text, now, tz, lang, locale)


def _plain_line(line: str, tz: ZoneInfo, args: argparse.Namespace) -> Result:
    now = datetime.now(UTC) if args.now is None else _parse_now(args.now, tz)
    return _null(line) if now is None else _resolve(line, now, tz, args.lang, args.locale)


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bookingbot parse-time")
    parser.add_argument("--tz", default="UTC", help="customer IANA zone (default UTC)")
    parser.add_argument("--now", default=None, help="reference instant, ISO 8601")
    parser.add_argument(
        "--lang", default=None, help="language code (en, es, de, fr, pt); default: detect"
    )
    parser.add_argument(
        "--locale", default=None, help="customer locale or country (en-US, en-IN, BR)"
    )
    parser.add_argument(
        "--jsonl", action="store_true", help='input lines are {"text","now","tz","lang","locale"}'
    )
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
        result = _jsonl_line(line, tz, args) if args.jsonl else _plain_line(line, tz, args)
        stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:], sys.stdin, sys.stdout))
