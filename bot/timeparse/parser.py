"""The rule pipeline behind :func:`bot.timeparse.parse_time`."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from bot.timeparse.clock import PARTS, TimeParse, TimeSpec, bare_hour, find_time
from bot.timeparse.dateorder import locale_order, readings
from bot.timeparse.days import DayParse, DaySpec, SpanSpec, find_day
from bot.timeparse.fallback import fallback
from bot.timeparse.lang import rank_languages
from bot.timeparse.lexicon import BASE, Lexicon, lexicon_for, lexicons
from bot.timeparse.localtime import is_before
from bot.timeparse.model import Reading, TimeWindow
from bot.timeparse.normalize import normalize
from bot.timeparse.relative import parse_relative
from bot.timeparse.resolve import Window, resolve, resolve_part_span, resolve_span
from bot.timeparse.rewrite import NOW_CLOCK
from bot.timeparse.spans import find_span
from bot.timeparse.zones import extract_zone

_DIGIT = re.compile(r"\d")
MAX_LENGTH = 300  # longer messages are not a time phrase; the bot asks instead
Outcome = tuple[Window, str, str | None]


def ENGLISH() -> Lexicon:
    """The base lexicon (English, identity translation)."""
    return lexicons()[BASE]


class _Unhandled(Exception):
    """The rules could not account for the whole phrase."""


def _components(text: str, today: date) -> tuple[DayParse, TimeParse]:
    day = find_span(text, today) or find_day(text, today)
    time = find_time(day.rest)
    named = isinstance(day.spec, DaySpec) or time.part is not None
    if named and (time.spec is None or time.spec.grain == "part_of_day") and not time.invalid:
        hint = PARTS[time.part][2] if time.part else None
        spec, rest = bare_hour(time.rest, hint)
        if spec is not None:
            spec = TimeSpec(spec.start, spec.end, spec.grain, time.part)
            time = TimeParse(spec, time.part, time.today, rest)
    if _DIGIT.search(time.rest):
        raise _Unhandled(text)
    return day, time


def _apply_rules(text: str, now: datetime, zone: tzinfo) -> Outcome | None:
    moment = parse_relative(text, now, zone)
    if moment is not None:
        return (moment, moment), "minute", None
    day, time = _components(text, now.date())
    if day.invalid or time.invalid:
        return None
    if isinstance(day.spec, SpanSpec):
        return _span_outcome(day.spec, time.spec, now, zone)
    day_spec = day.spec
    if day_spec is None and time.today:
        day_spec = DaySpec((now.date(),), True)
    resolved = resolve(day_spec, time.spec, now, zone)
    if resolved is None:
        raise _Unhandled(text)
    return resolved[0], resolved[1], time.part


def _span_outcome(
    span: SpanSpec, spec: TimeSpec | None, now: datetime, zone: tzinfo
) -> Outcome | None:
    part = spec.part if spec is not None else None
    if span.grain != "range" or spec is None:
        return resolve_span(span, now, zone), span.grain, part
    if spec.grain != "part_of_day":
        return None  # "mon-wed at 3pm": one time on which day?  The bot asks.
    return resolve_part_span(span, spec, now, zone), "range", part


def _outcome(text: str, now: datetime, zone: tzinfo) -> Outcome | None:
    try:
        return _apply_rules(text, now, zone)
    except _Unhandled:
        found = fallback(text, now, zone)
        if found is None or is_before(found[0][1], now):
            return None  # never a past answer from the fallback
        return found[0], found[1], None


# The last whole UTC day that every zone can still express as an aware local datetime.
FAR_AHEAD = datetime(9999, 12, 29, tzinfo=UTC)


def _window(text: str, now: datetime, tz: ZoneInfo) -> TimeWindow | None:
    """The English rule pipeline on one (translated) phrase."""
    clean = normalize(text)
    if not clean:
        return None
    explicit, clean = extract_zone(clean)
    frame = explicit or tz
    local_now = now.astimezone(frame)
    clean = clean.replace(NOW_CLOCK, f"{local_now:%H:%M}")
    try:
        result = _outcome(clean, local_now, frame)
        if result is None:
            return None
        (start, end), grain, part = result
        return TimeWindow(start.astimezone(tz), end.astimezone(tz), grain, part)
    except OverflowError:
        # A date at the end of the calendar ("31 dec 9999"): an honest "far ahead" day, so
        # the bot gives its horizon answer instead of crashing on date arithmetic.
        return TimeWindow(FAR_AHEAD.astimezone(tz), (FAR_AHEAD + timedelta(days=1)
                                                     ).astimezone(tz), "day")


def _read(text: str, lex: Lexicon, order: str | None, now: datetime, tz: ZoneInfo) -> Reading:
    today = now.astimezone(tz).date()
    versions = readings(lex.translate(text), lex.date_order or order, tz.key, today)
    windows = [_window(version, now, tz) for version in versions]
    found = tuple(w for w in windows if w is not None)
    if len(found) > 1 and found[0] != found[1]:
        return Reading(None, lex.code, found)
    return Reading(found[0] if found else None, lex.code)


def read_time(
    text: str,
    *,
    now: datetime,
    tz: ZoneInfo,
    lang: str | None = None,
    locale: str | None = None,
) -> Reading:
    """Like :func:`parse_time`, but says which language was used and reports ambiguity.

    *lang* ("es", "pt-BR"...) picks the lexicon; None detects it from the text (with
    *locale*, e.g. "en-IN" or "pt-BR", as a hint).  *locale* also fixes the order of
    numeric dates; without it (zone-only) an ambiguous "3/4" whose two readings are
    both plausible gives ``Reading(window=None, ambiguous=(first, second))``.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    chosen = lexicon_for(lang)
    if len(text) > MAX_LENGTH or not text.strip():
        return Reading(None, (chosen or ENGLISH()).code)
    order = locale_order(locale)
    if chosen is not None:
        reading = _read(text, chosen, order, now, tz)
        if reading.window is not None or reading.ambiguous:
            return reading
    # Then the detected languages (a customer may switch language), English last: a
    # misdetected or mixed message still gets the base rules.
    detected = rank_languages(text, hint=locale)
    tried = {chosen.code} if chosen else set()
    for code in dict.fromkeys([*detected, BASE]):
        if code not in tried:
            reading = _read(text, lexicons()[code], order, now, tz)
            if reading.window is not None or reading.ambiguous:
                return reading
    return Reading(None, chosen.code if chosen else (detected or [BASE])[0])


def parse_time(
    text: str,
    *,
    now: datetime,
    tz: ZoneInfo,
    lang: str | None = None,
    locale: str | None = None,
) -> TimeWindow | None:
    """Resolve a chat phrase to a window in the customer's zone *tz*, or None.

    An ambiguous numeric date also gives None (use :func:`read_time` to ask back).
    """
    return read_time(text, now=now, tz=tz, lang=lang, locale=locale).window
