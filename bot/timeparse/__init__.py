"""Chat-style time phrases -> concrete windows in the customer's time zone.

``parse_time(text, now=..., tz=...)`` resolves what a customer typed ("tmrw 3p",
"fri afternoon", "3pm EST", "between 2 and 4pm thursday") relative to an aware
``now`` and returns a :class:`TimeWindow` in the customer's IANA zone ``tz``,
or ``None`` when the text holds no usable time ("asdf", "yes", "42").

Pipeline: normalise (lowercase, strip emoji/punctuation, expand typos such as
"tmrw"/"2morrow"/"tomorow", "thurs", "nxt", "@", "a.m.", "o'clock") -> pull out
an explicit zone -> own regex rules -> dateparser only for phrases the rules
could not fully account for (its answer is sanity-checked).

Semantics
---------
Future preference
    A phrase without a pinned day picks the earliest matching moment that is
    not in the past: "3pm" at 16:00 -> tomorrow 15:00; "fri 10:30" on a Friday
    at 11:00 -> next Friday; "dec 3" / "12/3" / "the 5th" -> the next such date
    that is today or later (the 31st skips short months).  A bare weekday
    ("fri") on a Friday is today.  Windows (parts of day, ranges) pick the first
    occurrence that has not ended and, if already running, start at ``now``.
Pinned days
    "today", "tomorrow", "this morning", "tonight", "next tue", "last monday",
    "yesterday", "in 3 days", "tuesday next week", dates with a year: never
    rolled forward.  If the result is past ("today 3pm" at 16:00, "yesterday",
    "last monday") it is returned as is so the bot can say it is in the past.
    "next tue" = the first Tuesday strictly after today (on a Monday that is
    tomorrow); "this tue" = "tue".
Clock times
    "3pm", "3p", "3 pm", "15:00", "3:30", "noon", "midnight" (00:00 ending the
    named day), "half past 3", "3 o'clock", "at 3".  An hour without am/pm is
    read as business hours: 1-7 -> pm, 8-11 -> am, 12 -> noon; a zero-padded
    or >12 hour ("07:45", "15:00") is a 24-hour clock; a named part of day
    overrides ("tomorrow morning at 7" -> 07:00, "tonight at 8" -> 20:00).
    A number alone ("42") is not a time; "fri 3" is (a day was named).
Dates
    Numeric dates are month-first ("12/3" = December 3) for every zone;
    ISO "2026-12-03" and "dec 3", "3 dec", "3rd of december" also work.
Parts of day (grain "part_of_day")
    morning 08-12, afternoon 12-17, evening/night 17-21, lunchtime 12-14;
    "tonight" = today 17-21, from now if later, and after 21:00 it is
    [now, midnight).  ``TimeWindow.part_of_day`` carries the name, also for
    wider windows: "any time next week in the morning" -> grain "week",
    part_of_day "morning".
Ranges (grain "range")
    "between 2 and 4pm thursday", "2-4pm fri", "from 10 to 12 tomorrow":
    am/pm is shared from the end unless that would reverse the range
    ("11-1pm" = 11:00-13:00).  "after 3pm" = [15:00, 21:00) (business day end;
    after 21:00 -> until midnight); "before noon" / "until 11" / "by 11" =
    [08:00, 12:00) (from midnight if the bound is 08:00 or earlier).
Days, weeks, months
    Day grain = local midnight to next local midnight (23 or 25 hours on DST
    days).  "this weekend" = Saturday 00:00 -> Monday 00:00 (from now when it
    is already the weekend); "next weekend" = the weekend of next week.  Weeks
    run Monday to Monday: "next week" is the next one, "this week" runs from
    now.  "next month", "this month" (from now), "december" / "in may" (grain
    "month"; bare "may"/"march" are ignored as words).
Elapsed time
    "in 2 hours", "in 30 min", "2 hours from now", "now" are exact instants
    computed in UTC.  "in 3 days", "in 2 weeks" are whole-day windows.
Explicit zones
    "3pm EST", "10am PT", "3pm London", "9am America/Chicago", "UTC+5:30":
    the whole phrase is resolved on that zone's calendar and clock, then
    converted to the customer's zone.  Abbreviations name regions, not fixed
    offsets: ET/EST/EDT -> America/New_York (so "EST" in July means New York
    daylight time), CT/CST/CDT -> America/Chicago, MT/MST/MDT ->
    America/Denver, PT/PST/PDT -> America/Los_Angeles, BST -> Europe/London,
    CET/CEST -> Europe/Berlin, IST -> Asia/Kolkata, AEST/AEDT ->
    Australia/Sydney, NZST/NZDT -> Pacific/Auckland; GMT and UTC are UTC+0.
DST
    A wall time inside a spring-forward gap moves forward by the gap (02:30 on
    2026-03-08 in New York -> 03:30 EDT); an ambiguous fall-back time takes its
    first occurrence (fold=0, e.g. 01:30 EDT on 2026-11-01).
Garbage
    Empty text, "asdf", "whenever", "yes", "asap", bare numbers -> None.
"""

from bot.timeparse.model import TimeWindow
from bot.timeparse.parser import parse_time

__all__ = ["TimeWindow", "parse_time"]
