"""What the customer already said, kept across turns until they change it (issue 13.1).

A receptionist who heard "anything saturday morning?" does not ask "when?" again once the
service is named; told "9:30" while Saturday is being discussed, they hear Saturday 9:30.
The session's window, anchor and part of day are that memory; this module reads a new
message against it. Pure: the same (session, text, now) always reads the same.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.intents import normalise, tables
from bot.offers import window_of
from bot.session import Purpose, Session
from bot.timeparse import TimeWindow
from bot.transition import Context

# Grains that say only a time of day: they belong to the day already under discussion.
_TIME_OF_DAY = frozenset({"minute", "part_of_day", "range"})
# Words that tie a time to today or to now, never to the remembered day.
_CLAUSE = re.compile(r"[,.;!?\n]+|\b(?:so|but|because|since)\b", re.IGNORECASE)
_SOON = re.compile(r"\b(asap|a s a p|as soon as (?:possible|you can)|next (?:available|free|"
                   r"opening|slot)|first (?:available|free|opening|slot)|earliest|soonest|"
                   r"next one you have)\b")
SOON = timedelta(days=14)  # "asap" looks this far ahead, in time order
_NOW_WORDS = re.compile(r"\b(today|tonight|now|asap|in \d+|in an?|hours?|hrs?|mins?|minutes?)\b")


def _parse(ctx: Context, text: str, now: datetime, tz: ZoneInfo) -> TimeWindow | None:
    """The whole message's time, else the first clause's that has one: in a long message
    ("... on Thursday at 4:30, I finish work at 4 so ...") two times confuse the parser,
    and the first one said is the one asked for."""
    whole = ctx.parse_time(text, now=now, tz=tz)
    if whole is not None:
        return whole
    clauses = [c for c in _CLAUSE.split(text) if c and c.strip()]
    if len(clauses) < 2:
        return None
    return next((tw for c in clauses if (tw := ctx.parse_time(c, now=now, tz=tz))), None)


def _soon(ctx: Context, text: str, now: datetime, tz: ZoneInfo) -> TimeWindow:
    """"asap", "earliest you have": the earliest free times from now, in time order (or
    in the day named: "earliest you have on friday")."""
    named = _parse(ctx, _SOON.sub(" ", normalise(text)), now, tz)
    if named is None or named.start == named.end:
        return TimeWindow(now.astimezone(tz), (now + SOON).astimezone(tz), "week")
    return named


def remember(session: Session, tw: TimeWindow) -> Session:
    """The session with ``tw`` as the time under discussion."""
    start, end, anchor, part = window_of(tw)
    return replace(session, window=(start, end), anchor=anchor, part_of_day=part)


def remembered_day(session: Session, tz: ZoneInfo) -> date | None:
    """The one local day being discussed, if the remembered time is within a day."""
    if session.anchor is not None:
        return session.anchor.astimezone(tz).date()
    if session.window is not None and session.window[1] - session.window[0] <= timedelta(days=1):
        return session.window[0].astimezone(tz).date()
    return None


def _same_time(session: Session, text: str, tz: ZoneInfo) -> str:
    """"Move it to friday, same time": the time of the booking being moved (else the time
    under discussion) stands in for the words, so the day said lands on that clock time."""
    moving = session.booking(session.booking_id) if session.purpose is Purpose.RESCHEDULE \
        else None
    at = moving.start if moving is not None else session.anchor
    pattern = tables().same_time
    said = normalise(text)
    if at is None or not pattern.search(said):
        return text
    return pattern.sub(at.astimezone(tz).strftime(" %H:%M "), said)


def read_time(session: Session, text: str, now: datetime, ctx: Context) -> TimeWindow | None:
    """The time ``text`` names, read against what was said before: a bare time of day
    falls on the day under discussion; a bare day keeps the part of day asked for."""
    tz = ctx.zone(session)
    text = _same_time(session, text, tz)
    if _SOON.search(normalise(text)):
        return _soon(ctx, text, now, tz)
    tw = _parse(ctx, text, now, tz)
    if tw is None:
        return None
    if tw.grain == "day" and tw.part_of_day is None and session.part_of_day:
        return replace(tw, part_of_day=session.part_of_day)  # "what about sunday?"
    day = remembered_day(session, tz)
    if day is None or tw.grain not in _TIME_OF_DAY or _NOW_WORDS.search(normalise(text)):
        return tw
    # Read as if the remembered day had just begun: "9:30" then lands on it, while a
    # message that names its own day ("tomorrow 9:30", "fri 9:30") lands elsewhere.
    on_day = _parse(ctx, text, max(now, datetime.combine(day, time(0), tz)), tz)
    if on_day is not None and on_day.start.astimezone(tz).date() == day:
        return on_day
    return tw
