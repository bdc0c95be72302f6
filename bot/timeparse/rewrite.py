"""Phrase rewrites applied by :mod:`bot.timeparse.normalize` (tables, not logic).

* :func:`holidays` turns fixed-date holidays into dates ("xmas eve" -> "december 24")
  and flags movable ones ("thanksgiving", "easter monday") as unusable.
* :func:`clock_words` turns chat clock spellings into canonical tokens: "14h30",
  "0930", "930am", "ten thirty", "3ish", "tomorrow pm", "first thing".
* :func:`intent` handles alternatives ("fri or sat" -> "fri"), negations and
  phrases relative to the current clock ("this time tomorrow", "later today").
"""

from __future__ import annotations

import re

from bot.timeparse.gate import Rewrite

NOW_CLOCK = "nowclock"  # replaced by the current local HH:MM before the rules run
WEEKDAY_WORDS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_DAY_WORDS = rf"today|tomorrow|overmorrow|tonight|{WEEKDAY_WORDS}"

_FIXED_HOLIDAYS: tuple[tuple[str, str], ...] = (
    (r"\b(?:christmas|xmas|x mas)\s+eve\b", "december 24"),
    (r"\bnew\s+years?(?:\s+s)?\s+eve\b|\bnye\b", "december 31"),
    (r"\bnew\s+years?(?:\s+s)?\s+day\b", "january 1"),
    (r"\b(?:christmas|xmas|x mas)(?:\s+day)?\b", "december 25"),
    (r"\bboxing\s+day\b", "december 26"),
    (r"\bhalloween\b", "october 31"),
    (r"\bvalentines?(?:\s+s)?(?:\s+day)?\b", "february 14"),
    (r"\b(?:st|saint)\s+patricks?(?:\s+s)?(?:\s+day)?\b", "march 17"),
    (r"\banzac\s+day\b", "april 25"),
    (r"\bwaitangi\s+day\b", "february 6"),
)
_FIXED_COMPILED = tuple(Rewrite(p, words) for p, words in _FIXED_HOLIDAYS)
_MOVABLE_HOLIDAYS = re.compile(
    r"\b(?:thanksgiving|easter|good\s+friday|black\s+friday|cyber\s+monday|mothering\s+sunday"
    r"|(?:mother|father)s?(?:\s+s)?\s+day|labou?r\s+day|memorial\s+day|presidents?(?:\s+s)?\s+day"
    r"|mlk|diwali|eid|ramadan|hanukkah|chanukah|passover|(?:chinese|lunar)\s+new\s+year"
    r"|independence\s+day|bank\s+holiday|public\s+holiday|holidays?)\b"
)


def holidays(text: str) -> str | None:
    """Fixed-date holidays become dates; None when a movable holiday is named."""
    if _MOVABLE_HOLIDAYS.search(text):
        return None
    for rule in _FIXED_COMPILED:
        text = rule.sub(text)
    return text


_HOURS = [
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]
_HOUR_WORD = "|".join(_HOURS)
_MINUTES = {
    "oh five": 5, "o five": 5, "ten": 10, "fifteen": 15, "twenty": 20, "twenty five": 25,
    "thirty": 30, "thirty five": 35, "forty": 40, "forty five": 45, "fifty": 50,
    "fifty five": 55,
}  # fmt: skip
_MINUTE_WORD = "|".join(sorted(_MINUTES, key=len, reverse=True))
_COUNTS = {**{w: i + 1 for i, w in enumerate(_HOURS)}, "fifteen": 15, "twenty": 20,
           "thirty": 30, "forty five": 45, "ninety": 90}  # fmt: skip
_COUNT_WORD = "|".join(sorted(_COUNTS, key=len, reverse=True))
_PART_AFTER = r"in the (?:morning|afternoon|evening)|at night"
_NOT_MINUTES_OF = r"(?!\s+(?:past|to|after|of|until|before)\b)"
_CLOCK_KEYWORD = r"at|around|by|from|after|before|until|between|and|to|half|past"


def _hour(word: str) -> str:
    return str(_HOURS.index(word) + 1)


_FROM_TO_WORDS = re.compile(rf"\bfrom\s+({_HOUR_WORD})\s+(to|until)\s+({_HOUR_WORD})\b")
_HOUR_MINUTE_WORDS = re.compile(
    rf"\b({_HOUR_WORD})\s+({_MINUTE_WORD})\b{_NOT_MINUTES_OF}(?!\s+(?:hours|minutes))"
)
_COUNT_WORDS = re.compile(rf"\b({_COUNT_WORD})(?=\s+(?:hours|minutes|days|week|weeks)\b)")
_HOUR_BEFORE_MERIDIEM = re.compile(
    rf"\b({_HOUR_WORD})(?=\s*-?\s*(?:am|pm|oclock|ish|{_PART_AFTER})\b)"
)
_KEYWORD_HOUR = re.compile(rf"\b({_CLOCK_KEYWORD})\s+({_HOUR_WORD})\b{_NOT_MINUTES_OF}")


_ANY_NUMBER_WORD = re.compile(rf"\b(?:{_HOUR_WORD}|{_COUNT_WORD})\b")  # what all five need


def _number_words(text: str) -> str:
    if _ANY_NUMBER_WORD.search(text) is None:
        return text
    text = _FROM_TO_WORDS.sub(  # "from ten to four" is a range, not 15:50
        lambda m: f"from {_hour(m.group(1))} {m.group(2)} {_hour(m.group(3))}", text
    )
    text = _HOUR_MINUTE_WORDS.sub(lambda m: f"{_hour(m.group(1))}:{_MINUTES[m.group(2)]:02d}", text)
    text = _COUNT_WORDS.sub(lambda m: str(_COUNTS[m.group(1)]), text)
    text = _HOUR_BEFORE_MERIDIEM.sub(lambda m: _hour(m.group(1)), text)
    return _KEYWORD_HOUR.sub(lambda m: f"{m.group(1)} {_hour(m.group(2))}", text)


_GLUED_H = re.compile(r"(?<![\w:/.])(?P<h>\d{1,2})h(?P<m>[0-5]\d)?\b")
_DURATION_BEFORE = re.compile(r"\b(?:in|within|for|next|last|every)\s*$")


def h_clock(text: str) -> str:
    """'14h', '9h30', '01h30' -> 24-hour 'HH:MM'; '2h'/'in 10h' stay durations."""

    def swap(m: re.Match[str]) -> str:
        hour, minute = int(m.group("h")), m.group("m")
        duration = _DURATION_BEFORE.search(text[: m.start()]) is not None
        if hour > 23 or duration or (minute is None and hour < 8):
            return m.group(0)
        return f"{hour:02d}:{minute or '00'}"

    return _GLUED_H.sub(swap, text)


_MILITARY = re.compile(
    r"(?<![\d:/.\-])(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d)(?![\d:/\-])(?P<suffix>\s*\bhours\b)?"
)
_KEYWORD_BEFORE = re.compile(rf"\b(?:{_CLOCK_KEYWORD})\s*$")


def _military(text: str) -> str:
    """'1430', '0930', 'at 2000', '2000 hrs' -> 'HH:MM'; a bare '2026' stays a year."""

    def swap(m: re.Match[str]) -> str:
        hour = m.group("h")
        anchored = m.group("suffix") or _KEYWORD_BEFORE.search(text[: m.start()])
        # Unanchored: not a likely year (2020-2039) and on the 5-minute grid ("1234").
        minute = int(m.group("m"))
        if not anchored and ((hour == "20" and 20 <= minute < 40) or minute % 5):
            return m.group(0)
        return f"{hour}:{m.group('m')}"

    return _MILITARY.sub(swap, text)


_SHORT_CLOCK = (
    (re.compile(r"(?<![\d:/.\-])(\d{1,2})([0-5]\d)(am|pm)\b"), r"\1:\2\3"),
    (re.compile(rf"\b({_CLOCK_KEYWORD}|{_DAY_WORDS})\s+(\d)([0-5]\d)\b(?![\d:/])"), r"\1 \2:\3"),
)
_ISH = (
    (re.compile(r"\b(\d{1,2}(?::\d{2})?(?:am|pm)?)\s*-?\s*ish\b"), r"around \1"),
    (re.compile(r"\b(noon|midnight)\s*-?\s*ish\b"), r"\1"),
)
_LONE_MERIDIEM = (
    (re.compile(rf"\b({_DAY_WORDS})\s+am\b"), r"\1 morning"),
    (re.compile(rf"\b({_DAY_WORDS})\s+pm\b"), r"\1 afternoon"),
    (re.compile(r"(?<![\d:])([5-9]|1[01])(:[0-5]\d)?\s+at\s+night\b"), r"\1\2pm"),
    (re.compile(r"(?<![\d:])12\s+at\s+night\b"), "midnight"),
    (re.compile(rf"^am\s+(?=(?:{_DAY_WORDS})\b)|\b(?:in\s+)?the\s+am\b"), "morning "),
    (re.compile(rf"^pm\s+(?=(?:{_DAY_WORDS})\b)|\b(?:in\s+)?the\s+pm\b"), "afternoon "),
)
_PART_PHRASES = (
    (re.compile(r"\bfirst\s+thing\b"), "morning"),
    (re.compile(r"\b(early|mid|late)\s*-?\s*(morning|afternoon|evening)\b"), r"\1_\2"),
    (re.compile(r"\bafter\s+lunchtime\b"), "after_lunch"),
    (re.compile(r"\bbefore\s+lunchtime\b"), "morning"),
    (re.compile(r"\bafter\s+work\b"), "evening"),
    (re.compile(r"\bbefore\s+work\b"), "early_morning"),
)


_CLOCK_RULES = tuple(
    Rewrite(p, r) for table in (_SHORT_CLOCK, _ISH, _LONE_MERIDIEM, _PART_PHRASES) for p, r in table
)


def clock_words(text: str) -> str:
    """Canonical clock tokens for the rules (runs after word-level normalisation)."""
    text = _military(_number_words(text))
    for rule in _CLOCK_RULES:
        text = rule.sub(text)
    return text


_BOUNDS = (
    (re.compile(r"\b(?:not|no)\s+(?:before|earlier\s+than)\b"), "after"),
    (re.compile(r"\b(?:not|no)\s+(?:after|later\s+than)\b"), "before"),
)
_BOUND_RULES = tuple(Rewrite(p, r) for p, r in _BOUNDS)
_NEGATION = re.compile(
    r"\b(?:not|except|excluding|cant|can\s+t|cannot|dont|don\s+t|wont|won\s+t|unable"
    r"|unavailable|busy|other\s+than|apart\s+from|never)\b"
)
_RELATIVE_TO_DAY = re.compile(r"\bdays?\s+(?:after|before)\b")  # "the day after xmas": ask
_ALTERNATIVE = re.compile(
    r"\s+or\s+(?:(?:next|this|on|at|the|maybe|even|possibly|perhaps|else|around)\s+)*\S+"
)
_EITHER = re.compile(r"\beither\b")
_NEXT_WEEK = re.compile(r"\bnext\s+week\b")
_SAME_TIME = re.compile(r"\b(?:at\s+)?(?:this|the\s+same|same)\s+time\b")
_LATER_TODAY = re.compile(r"\blater\s+(?:on\s+)?today\b")


def intent(text: str) -> str | None:
    """Resolve alternatives and bounds; None when the customer excludes something."""
    for rule in _BOUND_RULES:
        text = rule.sub(text)
    if _NEGATION.search(text):
        return None
    text = _ALTERNATIVE.sub(" ", _EITHER.sub(" ", text))
    if _RELATIVE_TO_DAY.search(text):
        return None
    text = _LATER_TODAY.sub(f"after {NOW_CLOCK} today", text)
    if _SAME_TIME.search(text):
        text = _SAME_TIME.sub(f"at {NOW_CLOCK}", text)
        text = _NEXT_WEEK.sub("in 7 days", text)
    return " ".join(text.split())
