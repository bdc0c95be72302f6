"""Text clean-up: lowercase, strip noise, expand chat abbreviations and typos."""

from __future__ import annotations

import re
import unicodedata

from bot.timeparse.gate import Rewrite
from bot.timeparse.rewrite import clock_words, h_clock, holidays, intent
from bot.timeparse.typos import correct

_PHRASES: tuple[tuple[str, str], ...] = (
    (r"\bwe'd\b", "we would"),
    (r"\ba\.\s?m\b\.?", "am"),
    (r"\bp\.\s?m\b\.?", "pm"),
    (r"\bo'\s?clock\b|\bo\s?clock\b|\boclock\b", " oclock"),
    (r"@", " at "),
    (r"&", " and "),
    (r"[\u2010-\u2015\u2212]", "-"),
    (
        r"\b(in|within) (\d{1,2}) ?(?:h|hrs?|hours?) ?(?:and )?([0-5]?\d)"
        r"(?: ?(?:m|mins?|minutes?))?\b(?! ?(?:days?|weeks?|wks?)\b)",
        r"\1 \2 hours and \3 minutes",
    ),
    (r"\ban? (?:hour|hr) and a half\b", "90 minutes"),
    (r"\b(\d{1,2}) (?:hours?|hrs?) and a half\b", r"\1.5 hours"),
    (r"\bhalf an? (?:hour|hr)\b", "30 minutes"),
    (r"\ba couple (?:of )?", "2 "),
    (r"\b(?:an?|one) (hours?|hrs?|minutes?|mins?|days?|weeks?|wks?)\b", r"1 \1"),
    (r"\bmid ?day\b|\bnoonish\b|\b12 noon\b", "noon"),
    (r"\bday after (?:tomorrow|tmrw|tmr|tmw)\b|\bovermorrow\b", "overmorrow"),
    (r"\bup (?:to|till|until)\b(?= ?(?:\d|noon|midnight))", "until"),
    (r"\bright now\b|\bnow please\b", "now"),
    (r"\bany ?time\b", " "),
    (r"\bnext wk\b", "next week"),
    (r"\b(?:a|one) fortnight\b|\bfortnight\b", "2 weeks"),
    (r"(?<=[a-z])'(?:m|re|ll|ve|s|d)\b", ""),
    # "1st time customer", "my 2nd visit": an ordinal counting something is not a date.
    (
        r"\b\d{1,2}(?:st|nd|rd|th)\s+(?=(?:time|times|visit|visits|appointment|booking|session"
        r"|haircut|cut|customer|client|floor|choice|option|one|person|kid|child|try|attempt|step"
        r"|round)\b)",
        "",
    ),
)

# Compiled once: module-level re.sub looks its pattern up in re's cache on every call,
# which was about a third of the parser's time.
# Each skipped when the text lacks a word every match needs (bot.timeparse.gate).
_COMPILED_PHRASES = tuple(Rewrite(p, r) for p, r in _PHRASES)
_TENS_DASH = re.compile(r"\b(twenty|thirty)-(?=[a-z])")
_WORD_DASH = re.compile(r"(?<=[a-z])-(?=[a-z])")

_VARIANTS: tuple[tuple[str, str], ...] = (
    (
        "tomorrow",
        "tmrw tmr tmw tmrow tmrrw tomorow tommorow tommorrow tomorrw tomorro tomoro "
        "tomrrow tomrow 2morrow 2moro 2morow 2mrw 2mro 2mrrw tomoz tmorrow",
    ),
    ("today", "2day tday tdy"),
    ("tonight", "2nite tonite 2night tonigt"),
    ("night", "nite"),
    ("next", "nxt"),
    ("monday", "mon mondays"),
    ("tuesday", "tue tues tuesdays"),
    ("wednesday", "wed weds wednesdays wendesday wensday"),
    ("thursday", "thu thur thurs thursdays thrusday"),
    ("friday", "fri fridays firday"),
    ("saturday", "sat saturdays"),
    ("sunday", "sun sundays"),
    ("january", "jan"),
    ("february", "feb febuary"),
    ("march", "mar"),
    ("april", "apr"),
    ("june", "jun"),
    ("july", "jul"),
    ("august", "aug"),
    ("september", "sep sept"),
    ("october", "oct"),
    ("november", "nov"),
    ("december", "dec"),
    ("hours", "h hr hrs hour"),
    ("minutes", "m min mins minute"),
    ("days", "day"),
    ("week", "wk wks"),
    ("weekend", "wknd wkend weekends"),
    ("afternoon", "arvo aft aftn afternoons"),
    ("morning", "morn mornings"),
    ("evening", "evenings evng eve"),
    ("lunchtime", "lunch"),
    ("until", "til till untill"),
    ("before", "b4"),
    ("between", "btwn btw"),
    ("to", "thru through"),
    ("around", "abt about approx"),
)
_WORDS: dict[str, str] = {
    variant: canonical for canonical, variants in _VARIANTS for variant in variants.split()
}

_DOT_TIME = re.compile(
    r"(?<![\d.])(\d{1,2})\.([0-5]\d)(?![\d.])"
    r"(?!\s*(?:h|hr|hrs|hours?|m|mins?|minutes?)\b)"
)
_NOISE = re.compile(r"[^a-z0-9:/+\-_. ]+")
_STRAY_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")
_SPACE_MERIDIEM = re.compile(r"(\d)\s+(am|pm)\b")
_GLUED_UNIT = re.compile(r"(\d)(hrs?|hours?|mins?|minutes?|h|m)\b")
_SPACED_DASH = re.compile(r"(?<=\d)((?:am|pm|a|p)?)\s*-\s*(?=\d)")
_DANGLING_DASH = re.compile(r"(?<![\w:])-|-(?![\w])")
_KNOWN = frozenset(_WORDS.values()) | frozenset(_WORDS)
_WORD_SLASH = re.compile(r"\b([a-z]{3,9})/([a-z]{3,9})\b")
_PARTY = re.compile(
    r"\b(?:room|space|table|spots?|slots?|appointments?|booking|haircuts?)\s+for\s+\d{1,2}\b"
    r"|\b(?:for\s+)?\d{1,2}\s+(?:people|persons|ppl|guests|kids|children|adults|of\s+us"
    r"|haircuts|cuts)\b"
)
_UNITS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
_TEENS = [
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth",
    "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth",
]  # fmt: skip
_ORDINAL_WORDS = {
    **{w: i + 1 for i, w in enumerate(_UNITS)},
    **{w: i + 10 for i, w in enumerate(_TEENS)},
    "twentieth": 20, "thirtieth": 30, "thirty first": 31,
    **{f"twenty {w}": 21 + i for i, w in enumerate(_UNITS)},
}  # fmt: skip
_ORD = "|".join(sorted(_ORDINAL_WORDS, key=len, reverse=True))
_MONTHS = "january february march april may june july august september october november december"
_MONTH = "|".join(_MONTHS.split())
_ORDINAL = re.compile(
    rf"\b(?P<pre>the|{_MONTH})\s+(?P<o>{_ORD})\b(?!\s+(?:available|thing|slot|one|opening"
    r"|appointment|time|week|weekend|half|chance|day|free|possible|opportunity)\b)"
    rf"|\b(?P<o2>{_ORD})(?=\s+of\s+(?:{_MONTH})\b)"
)


def _suffix(day: int) -> str:
    return "th" if 10 < day < 14 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _ordinal(m: re.Match[str]) -> str:
    word = m.group("o") or m.group("o2")
    day = _ORDINAL_WORDS[word]
    prefix = f"{m.group('pre')} " if m.group("pre") else ""
    return f"{prefix}{day}{_suffix(day)}"


def _word(word: str) -> str:
    if word in _KNOWN:
        return _WORDS.get(word, word)
    fixed = correct(word)
    return _WORDS.get(fixed, fixed)


def _slash(m: re.Match[str]) -> str:
    both = _word(m.group(1)) in _WEEKDAY_NAMES and _word(m.group(2)) in _WEEKDAY_NAMES
    return f"{m.group(1)} or {m.group(2)}" if both else m.group(0)


_WEEKDAY_NAMES = frozenset(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
)


def _clean(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'")
    s = _WORD_SLASH.sub(_slash, s)
    for rule in _COMPILED_PHRASES:
        s = rule.sub(s)
    s = _DOT_TIME.sub(r"\1:\2", s)
    s = _NOISE.sub(" ", s)
    s = _STRAY_DOT.sub(" ", s)
    s = _SPACED_DASH.sub(r"\1-", s)  # "12 - 2pm", "10:30 - 11:30": keep the range dash
    s = _DANGLING_DASH.sub(" ", s)
    s = _TENS_DASH.sub(r"\1 ", s)
    s = _WORD_DASH.sub(" - ", s)
    return _GLUED_UNIT.sub(r"\1 \2", h_clock(s))


def normalize(text: str) -> str:
    """Return the canonical lowercase form of *text* that the rules operate on.

    An empty string means "no usable time" (also for excluded days and movable holidays).
    """
    s = holidays(_clean(text))
    if s is None:
        return ""
    s = _PARTY.sub(" ", s)
    s = " ".join(_word(word) for word in s.split())
    s = _ORDINAL.sub(_ordinal, s)
    s = _SPACE_MERIDIEM.sub(r"\1\2", s)
    s = _SPACE_MERIDIEM.sub(r"\1\2", clock_words(s))
    return intent(s) or ""
