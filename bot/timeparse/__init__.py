"""Chat-style time phrases -> concrete windows in the customer's time zone.

``parse_time(text, now=..., tz=..., lang=None, locale=None)`` resolves what a
customer typed ("tmrw 3p", "fri afternoon", "3pm EST", "between 2 and 4pm
thursday") relative to an aware ``now`` and returns a :class:`TimeWindow` in the
customer's IANA zone ``tz``, or ``None`` when the text holds no usable time ("asdf", "yes", "42").

Languages: English, Spanish, German, French and Portuguese.  ``lang`` picks one, else
it is detected (:mod:`bot.timeparse.lang`); the language's lexicon file
(``lexicons/<code>.toml``, :mod:`bot.timeparse.lexicon`) rewrites the message into
the English tokens below ("mañana a las 10" -> "tomorrow at 10"), and the English
rules resolve it.  A reading that finds nothing is retried in English.

Pipeline: normalise (lowercase, strip emoji/punctuation, expand abbreviations
such as "tmrw"/"2morrow", "thurs", "nxt", "@", "a.m.", "o'clock"; correct near-miss
spellings of day/part-of-day/month words within edit distance 1, or 2 for words of
8+ letters: "satuday", "thrusday", "tomorrw", "wednsday"; drop politeness and
party sizes "for 2 people") -> pull out an explicit zone -> own regex rules ->
dateparser only for short phrases the rules could not fully account for (its
answer is sanity-checked and never in the past).  Text over 300 characters -> None.

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
    A number alone ("42") is not a time; "fri 3" and "3 tomorrow" are (a day
    was named).  Also: "14.30", "2.30pm"; "14h", "9h30", "01h30" (24-hour;
    "Nh" alone only for 8-23, so "2h"/"in 10h" stay durations); military
    "1430", "0930", "at 2000", "1900 hrs" (24-hour; a bare 4-digit number must
    be on the 5-minute grid and not 2020-2039, so "1234"/"2026" are not times);
    "930am", "at 930", "tmrw 130" (3 digits need am/pm, a keyword or a day word);
    number words "ten thirty", "at three", "three pm"; "half 3" (UK) = 3:30,
    "twenty past 2", "quarter to 5", "ten to four", "quarter of 3" (US),
    "quarter after 3" (US), "10 minutes to 3" (a bare "10 to 12" is a range).
Approximate times
    "3ish", "4pm-ish", "around 3", "about 4pm", "noon-ish" -> the instant.
Dates
    Numeric dates follow the customer's locale, language or zone (see
    :mod:`bot.timeparse.dateorder`): "12/3" is 12 March in Berlin, Sydney or Mumbai and
    December 3 in New York; "14/8" / "8/14" have one reading; with a zone only and
    both readings plausible the result is ambiguous (:func:`read_time`).  ISO
    "2026-12-03" and "dec 3", "3 dec", "3rd of december" also work.  A bare month
    name is a month only when the rest of the message is filler ("what about june");
    "June is my usual stylist" and "I'll bring Jan along" name people.  An ordinal
    that counts something ("1st time customer", "my 2nd visit") is not a date.
Parts of day (grain "part_of_day")
    morning 08-12, afternoon 12-17, evening/night/eve 17-21, lunchtime 12-14;
    early morning 08-10, mid/late morning 10-12, early afternoon 12-15, mid
    afternoon 14-16, late afternoon 15-17, after lunch 14-17, early evening
    17-19, late evening 19-21 (part_of_day = the base name, e.g. "afternoon");
    "first thing" = morning, "before lunch" = morning, "after work" = evening,
    "before work" = early morning; a lone "am"/"pm" next to a day word
    ("tomorrow pm", "pm tomorrow", "in the am") = morning/afternoon;
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
Day ranges (grain "range")
    "mon-wed", "mon to wed", "between tue and thu", "dec 1-3", "1-3 dec": first
    day 00:00 to the day after the last; a weekday range is the occurrence that
    has not ended (this week's if still running, from now).  With a part of day
    the ends narrow: "mon-wed mornings" = Mon 08:00 -> Wed 12:00, part_of_day
    "morning" (the bot filters to mornings).  A day range with a clock time
    ("mon-wed at 3pm") -> None.  Parts of a week: "early/start of (next) week" =
    Mon-Tue, "midweek"/"middle of the week" = Tue-Thu, "end of (the/next) week"
    / "late next week" = Thu-Sat; parts of a month: beginning = 1st-10th, middle
    = 11th-20th, end = 21st-last; the running one starts at now, an ended one
    of "this" week/month rolls to the next.
Days, weeks, months
    Day grain = local midnight to next local midnight (23 or 25 hours on DST
    days).  "this weekend" = Saturday 00:00 -> Monday 00:00 (from now when it
    is already the weekend); "next weekend" = the weekend of next week.  Weeks
    run Monday to Monday: "next week" is the next one, "this week" runs from
    now.  "next month", "this month" (from now), "december" / "in may" (grain
    "month"; bare "may"/"march" are ignored as words).  "the weekend after
    next", "the week after next", "the friday after next" (= "next fri" + 7),
    "next week wed" (= "wed next week"), "a week from friday", "a week on
    tuesday", "a week tomorrow", "tomorrow week", "2 weeks from friday" are
    pinned.  A weekday named with a date must agree with it: "fri the 13th"
    picks the first 13th that is a Friday among the usual candidates, "tues the
    2nd" when the 2nd is a Monday -> None.  Ordinal words work after "the" or a
    month: "december first", "the twenty-third", "first of december" ("the
    first available" is not a date).
Holidays
    Fixed dates only, as the next such date today or later: christmas/xmas
    (Dec 25), christmas/xmas eve (Dec 24), boxing day (Dec 26), new year's
    eve/nye (Dec 31), new year's day (Jan 1), halloween (Oct 31), valentine's
    (Feb 14), st patrick's (Mar 17), anzac day (Apr 25), waitangi day (Feb 6).
    Movable or regional ones (thanksgiving, easter, good/black friday, mother's
    day, labor/memorial day, diwali, eid, "independence day", "bank holiday",
    ...) and "the day after X" -> None: the bot asks.
Alternatives, negation, vague requests
    "X or Y" keeps the first option ("tomorrow or friday" -> tomorrow, "sat at
    11 or 12" -> 11:00, "sat/sun" -> saturday).  "not before 10" = "after 10",
    "no later than 5" = "before 5"; any other negation or exclusion ("not
    tomorrow", "can't do monday", "except friday", "busy") -> None.  "next
    available", "earliest", "asap", "soon", "whenever", "in a bit" -> None.
Relative to the current clock
    "this time tomorrow", "same time next week" -> the current wall-clock time
    on that day (wall time, so 10:00 EDT -> 10:00 EST across a DST change).
    "later today" = [now, 21:00) (until midnight after 21:00), grain "range".
Elapsed time
    "in 2 hours", "in 30 min", "in half an hour", "in a couple of hours", "in an
    hour and a half", "2 hours from now", "now" are exact instants computed in
    UTC.  "in 3 days", "in 2 weeks", "in a fortnight" are whole-day windows.  A
    bare duration ("2 hours", "2h") -> None.
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
Greetings
    A greeting that opens the message names no time ("good afternoon, thu at 10" = 10:00,
    "Guten Morgen, Freitag um 10" is Friday, "boa tarde, sexta às 10h" is 10:00): each
    lexicon lists its greetings.
Garbage
    Empty text, "asdf", "whenever", "yes", "asap", bare numbers -> None.
"""

from bot.timeparse.lang import detect_language
from bot.timeparse.model import Reading, TimeWindow
from bot.timeparse.parser import parse_time, read_time

__all__ = ["Reading", "TimeWindow", "detect_language", "parse_time", "read_time"]
