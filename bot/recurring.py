"""'every tuesday at 10 for 6 weeks' -> a SeriesRequest for core's book_series, and the
"Book them all?" that books it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import fee_texts, replies
from bot.booking_texts import series_total
from bot.intents import normalise
from bot.session import SeriesRequest, Session, State
from bot.timeparse import TimeWindow
from bot.transition import Context, Transition, say
from core.recurrence import MAX_COUNT

_DAYS = r"(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*"
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
            "nine": 9, "ten": 10, "twelve": 12}
_SERIES = re.compile(
    rf"every\s+(?P<other>other\s+|2nd\s+|second\s+)?(?P<day>{_DAYS})\s+(?:at\s+|@\s*)?"
    r"(?P<time>[0-9][0-9:]*\s*(?:am|pm|a|p)?)\s+for\s+(?:the\s+next\s+)?"
    r"(?P<n>\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+"
    r"(?P<unit>weeks?|times|sessions|appointments)")


def parse_series(text: str, *, now: datetime, tz: ZoneInfo,
                 parse: Callable[..., TimeWindow | None]) -> SeriesRequest | None:
    m = _SERIES.search(normalise(text))
    if not m:
        return None
    every = 2 if m.group("other") else 1
    n = int(m.group("n")) if m.group("n").isdigit() else _NUMBERS[m.group("n")]
    count = n // every if m.group("unit").startswith("week") else n
    first = parse(f"{m.group('day')} at {m.group('time')}", now=now, tz=tz)
    if first is None or first.start != first.end or not 1 <= count <= MAX_COUNT:
        return None
    local = first.start.astimezone(tz)
    return SeriesRequest(local.date(), local.time().replace(tzinfo=None), count, every)


def series_text(session: Session, ctx: Context) -> str:
    """'Haircut every Tue at 10:00 AM EST, 6 times from Tue 9 Dec'."""
    assert session.series is not None
    s = session.series
    tz = ctx.zone(session)
    start = datetime.combine(s.first_day, s.at, tz)
    lang = session.lang
    text = replies.series_text(service=ctx.service_name(session.service_key, lang), day=s.first_day,
                               at=replies.clock_zone(start, lang), count=s.count,
                               every_weeks=s.every_weeks,
                               first=replies.day_label(s.first_day, lang), lang=lang)
    service = ctx.business.service(session.service_key or "")
    if service is None:
        return text
    # The whole series' price, before the customer says yes to all of it.
    # "ab Di., 8. Dez." already ends its sentence: no second full stop.
    stop = " " if text.endswith(".") else ". "
    return f"{text}{stop}{series_total(lang, service.price, s.count)}"


def book_them_all(session: Session, ctx: Context) -> Transition:
    """"Haircut every Tue at 10:00 AM EST, 6 times from Tue 9 Dec. Total ... Book them all?"
    (a kept card's fee policy first): the one yes that books the whole series."""
    reply = replies.confirm_series(series_text(session, ctx), session.lang)
    service = ctx.business.service(session.service_key or "")
    if service is not None:  # a card kept and its fees bind every date: said first
        reply = fee_texts.with_fee_policy(reply, service, session.lang)
    return say(replace(session, state=State.CONFIRM_SERIES), reply)
