"""Dates, times and prices as a person in a given language reads them, with the zone named.

English keeps the short house style ("Fri 5 Dec 2:30 PM EST"); every other language uses its
CLDR patterns through Babel ("mié 9 dic, 10:00 (CET)", "R$ 80,00"), so a new catalog brings
its formats with it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, format_time
from babel.lists import format_list
from babel.numbers import format_currency

from i18n.catalogs import SOURCE_LANG, base_language


def locale_of(lang: str | None) -> Locale:
    try:
        return Locale.parse((lang or SOURCE_LANG).replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(base_language(lang) or SOURCE_LANG)


def _english(lang: str | None) -> bool:
    return base_language(lang) == SOURCE_LANG


def zone_label(dt: datetime) -> str:
    name = dt.tzname() or ""
    return f"UTC{name}" if name[:1] in "+-" else name  # "+0530" alone reads like a typo


def clock(dt: datetime, lang: str | None = None) -> str:
    if _english(lang):
        return f"{dt.hour % 12 or 12}:{dt.minute:02d} {'AM' if dt.hour < 12 else 'PM'}"
    return format_time(dt, "short", locale=locale_of(lang))


# CLDR's short day for Spanish is "mié, 9 dic"; followed by ", 10:00" that reads as a list,
# so Spanish drops the first comma as people write it ("mié 9 dic, 10:00").
_DAY_PATTERNS = {"es": "EEE d MMM"}


def day_label(day: date, lang: str | None = None) -> str:
    if _english(lang):
        return f"{day:%a} {day.day} {day:%b}"
    pattern = _DAY_PATTERNS.get(base_language(lang))
    if pattern:
        return format_date(day, pattern, locale=locale_of(lang))
    return format_skeleton("MMMEd", day, locale=locale_of(lang))


def short_when(instant: datetime, tz: ZoneInfo, lang: str | None = None) -> str:
    """Button label: 'Fri 5 Dec 2:30 PM' (the zone is named once in the text around it)."""
    local = instant.astimezone(tz)
    if _english(lang):
        return f"{day_label(local.date())} {clock(local)}"
    return f"{day_label(local.date(), lang)}, {clock(local, lang)}"


def when(instant: datetime, tz: ZoneInfo, lang: str | None = None) -> str:
    """'Fri 5 Dec 2:30 PM EST', 'mié 9 dic, 10:00 (CET)'."""
    local = instant.astimezone(tz)
    if _english(lang):
        return f"{short_when(instant, tz)} {zone_label(local)}"
    return f"{short_when(instant, tz, lang)} ({zone_label(local)})"


def long_date(day: date, lang: str | None = None) -> str:
    return format_date(day, "full", locale=locale_of(lang))


def price(amount_minor: int, currency: str, exponent: int, lang: str | None = None) -> str:
    """'$25.00' in English, 'R$ 80,00' in Portuguese, '25,00 €' in German."""
    amount = Decimal(amount_minor).scaleb(-exponent)
    return format_currency(amount, currency.upper(), locale=locale_of(lang))


def weekday(day: date, lang: str | None = None) -> str:
    """'Tue', 'mar.', 'Di.': the abbreviated weekday name."""
    if _english(lang):
        return f"{day:%a}"
    return format_date(day, "EEE", locale=locale_of(lang))


def or_list(items: list[str], lang: str | None = None) -> str:
    """'A, B or C' per CLDR ('A, B oder C', 'A, B ou C')."""
    return format_list(items, style="or", locale=locale_of(lang))


def alternatives(items: list[str], lang: str | None = None) -> str:
    """'A or B' (English house style: 'A or B or C'), 'A o B', 'A oder B' per CLDR."""
    if _english(lang):
        return " or ".join(items)
    return or_list(items, lang)
