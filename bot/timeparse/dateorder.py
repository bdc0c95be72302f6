"""Numeric dates by locale: '14/8', '8/14', '12/1' become month names before the rules run.

Who writes which way
    Day-first almost everywhere; month-first in the US and its territories, the
    Philippines, Micronesia, Palau, the Marshall Islands, and in English-speaking Canada
    (locale ``en-CA``).  A lexicon with a ``date_order`` (es, de, fr, pt: "dmy") decides
    for its language; an English customer's order comes from the locale's country.
Unambiguous dates
    "14/8" and "8/14" have one possible reading, whatever the locale.
Zone-only context (no locale and no language with an order, only a zone)
    The zone's country gives the usual reading (America/* US zones -> month-first,
    Australia/Sydney, Asia/Kolkata, Europe/* -> day-first; a zone with no country, e.g.
    UTC, -> day-first).  But when the two readings are both plausible future dates
    (each one's next occurrence within :data:`PLAUSIBLE_DAYS`), nothing tells them
    apart: both readings are returned and the caller asks back.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from importlib import resources

from bot.timeparse.lexicon import lexicon_for

MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
MONTH_FIRST_COUNTRIES = frozenset(
    {"US", "PH", "FM", "MH", "PW", "AS", "GU", "MP", "PR", "VI", "UM"}
)
MONTH_FIRST_LOCALES = frozenset({"en-CA"})
# Countries where both orders are common: the zone alone is not enough to prefer one,
# but a tie-break is still needed when neither reading is plausible.
_ZONE_MONTH_FIRST = MONTH_FIRST_COUNTRIES | {"CA"}
PLAUSIBLE_DAYS = 183  # about the booking horizon: a date further out is not a likely meaning

_NUMERIC = re.compile(r"(?<![\d:/.\-])(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?(?![\d/])")


def locale_order(locale: str | None) -> str | None:
    """'en-US' / 'US' -> 'mdy'; 'en_IN' / 'IN' / 'pt-BR' / 'es' -> 'dmy'; 'en' or None -> None.

    A language without a country takes its lexicon's ``date_order`` (None for English).
    """
    parts = re.split(r"[-_]", (locale or "").strip())
    if not parts[0]:
        return None
    if len(parts) == 1 and len(parts[0]) == 2 and parts[0].isupper():
        language, country = "", parts[0]  # a bare country code
    else:
        language, country = parts[0].lower(), parts[-1].upper() if len(parts) > 1 else ""
    lex = lexicon_for(language)
    if not country and lex is not None:
        return lex.date_order  # "es" -> dmy; "en" alone does not say which side of the Atlantic
    month_first = f"{language}-{country}" in MONTH_FIRST_LOCALES
    return "mdy" if month_first or country in MONTH_FIRST_COUNTRIES else "dmy"


@lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    """IANA zone -> ISO country, from the tzdata package's zone.tab."""
    table = resources.files("tzdata") / "zoneinfo" / "zone.tab"
    countries: dict[str, str] = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            fields = line.split("\t")
            countries[fields[2]] = fields[0]
    return countries


def zone_order(zone_name: str) -> str:
    """The usual order in the zone's country ('mdy' for US zones, else 'dmy')."""
    return "mdy" if _zone_countries().get(zone_name) in _ZONE_MONTH_FIRST else "dmy"


def _next_occurrence(month: int, day: int, year: int | None, today: date) -> date | None:
    years = [year] if year is not None else [today.year, today.year + 1, today.year + 4]
    for y in years:
        try:
            found = date(y, month, day)
        except ValueError:
            continue
        if year is not None or found >= today:
            return found
    return None


def _plausible(month: int, day: int, year: int | None, today: date) -> bool:
    found = _next_occurrence(month, day, year, today)
    return found is not None and 0 <= (found - today).days <= PLAUSIBLE_DAYS


def _words(month: int, day: int, year: str | None) -> str:
    full = None if year is None else int(year) + (2000 if len(year) == 2 else 0)
    return f"{MONTH_NAMES[month - 1]} {day}" + (f" {full}" if full else "")


def _spell(m: re.Match[str], order: str) -> str:
    a, b = int(m.group(1)), int(m.group(2))
    day, month = (a, b) if order == "dmy" else (b, a)
    if month > 12 and day <= 12:
        day, month = month, day  # "8/14" in a day-first place: only one reading exists
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return m.group(0)
    return _words(month, day, m.group(3))


def readings(text: str, order: str | None, zone_name: str, today: date) -> list[str]:
    """*text* with numeric dates spelled out; two versions when the date is ambiguous.

    *order* is "dmy"/"mdy" when the locale or language is known, None in a zone-only
    context.  The first version is the usual reading for the zone.
    """
    m = _NUMERIC.search(text)
    if m is None:
        return [text]
    usual = order or zone_order(zone_name)
    first = _NUMERIC.sub(lambda x: _spell(x, usual), text)
    a, b = int(m.group(1)), int(m.group(2))
    if order is not None or a == b or not (1 <= a <= 12 and 1 <= b <= 12):
        return [first]
    year = None if m.group(3) is None else _words(1, 1, m.group(3)).split()[-1]
    y = None if year is None else int(year)
    if not (_plausible(a, b, y, today) and _plausible(b, a, y, today)):
        return [first]
    other = "mdy" if usual == "dmy" else "dmy"
    return [
        first,
        text[: m.start()]
        + _spell(m, other)
        + _NUMERIC.sub(lambda x: _spell(x, usual), text[m.end() :]),
    ]
