"""Text clean-up: lowercase, strip noise, expand chat abbreviations and typos."""

from __future__ import annotations

import re
import unicodedata

_PHRASES: tuple[tuple[str, str], ...] = (
    (r"\bwe'd\b", "we would"),
    (r"\ba\.\s?m\b\.?", "am"),
    (r"\bp\.\s?m\b\.?", "pm"),
    (r"\bo'\s?clock\b|\bo\s?clock\b|\boclock\b", " oclock"),
    (r"@", " at "),
    (r"&", " and "),
    (r"[\u2010-\u2015\u2212]", "-"),
    (r"\bhalf an? (?:hour|hr)\b", "30 minutes"),
    (r"\ba couple (?:of )?", "2 "),
    (r"\b(?:an?|one) (hours?|hrs?|minutes?|mins?|days?|weeks?|wks?)\b", r"1 \1"),
    (r"\bmid ?day\b|\bnoonish\b|\b12 noon\b", "noon"),
    (r"\bday after (?:tomorrow|tmrw|tmr|tmw)\b|\bovermorrow\b", "overmorrow"),
    (r"\bright now\b|\bnow please\b", "now"),
    (r"\bany ?time\b", " "),
    (r"\bnext wk\b", "next week"),
)

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
    ("evening", "evenings evng"),
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
_ISH = re.compile(r"\b(\d{1,2}(?::\d{2})?(?:am|pm)?)ish\b")
_DANGLING_DASH = re.compile(r"(?<![\w:])-|-(?![\w])")


def normalize(text: str) -> str:
    """Return the canonical lowercase form of *text* that the rules operate on."""
    s = unicodedata.normalize("NFKC", text).lower()
    for pattern, repl in _PHRASES:
        s = re.sub(pattern, repl, s)
    s = _DOT_TIME.sub(r"\1:\2", s)
    s = _NOISE.sub(" ", s)
    s = _STRAY_DOT.sub(" ", s)
    s = _DANGLING_DASH.sub(" ", s)
    s = _GLUED_UNIT.sub(r"\1 \2", s)
    words = [_WORDS.get(word, word) for word in s.split()]
    s = " ".join(words)
    s = _ISH.sub(r"\1", s)
    return _SPACE_MERIDIEM.sub(r"\1\2", s)
