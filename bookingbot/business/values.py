"""Parsers for the small values of a business file: durations, spans, money, zones, days.

Each raises ``PydanticCustomError`` with a sentence for the owner, so pydantic reports it
at the exact key path and our formatter can print it unchanged.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import phonenumbers
from pydantic_core import PydanticCustomError

from bookingbot.business.problems import show
from core.model import LocalSpan
from core.timeutil import parse_duration

DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})$")
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")
# Long unit words an owner may write; core.timeutil only knows d/h/m/s.
_UNIT_WORDS = [
    (re.compile(r"(\d)\s*(?:days?)\b"), r"\1d"),
    (re.compile(r"(\d)\s*(?:hours?|hrs?)\b"), r"\1h"),
    (re.compile(r"(\d)\s*(?:minutes?|mins?)\b"), r"\1m"),
    (re.compile(r"(\d)\s*(?:seconds?|secs?)\b"), r"\1s"),
]


def fail(message: str) -> PydanticCustomError:
    # The message goes in through the context so braces in user text are not a template.
    return PydanticCustomError("business_file", "{message}", {"message": message})


@dataclass(frozen=True)
class PercentOfPrice:
    """A deposit written as "20%": resolved against the price once the currency is known."""

    percent: int


def text(value: object) -> str:
    if not isinstance(value, str):
        raise fail(f"{show(value)} should be text; put it in quotes")
    if not value.strip():
        raise fail("must not be empty")
    return value.strip()


def key(value: object) -> str:
    name = text(value)
    if not _KEY.match(name):
        raise fail(f'{show(name)} is not a key; use lowercase letters, digits, "-" and "_", '
                   f'like "{slug(name) or "haircut"}"')
    return name


def slug(name: str) -> str:
    """'Hair & Beard' -> 'hair-beard': the stable key derived from a display name."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def phone(value: object) -> str:
    """An international number ("+1 555 010 0199") -> E.164 ("+15550100199")."""
    written = text(value) if not isinstance(value, int) else str(value)
    try:
        number = phonenumbers.parse(written, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise fail(f"{show(written)} is not a phone number; write it in international form "
                   'with the country code, like "+1 555 010 0199"')
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def keyword(value: object) -> str:
    """A word or phrase a question is recognised by: lowercase, single spaces."""
    return re.sub(r"\s+", " ", text(value).lower())


def slack_user(value: object) -> str:
    user = text(value)
    if not _SLACK_USER.match(user):
        raise fail(f"{show(user)} is not a Slack user id like U0123ABC")
    return user


def duration(value: object) -> timedelta:
    """A positive duration such as 30m, 1h30m or 90s."""
    result = gap(value)
    if not result:
        raise fail("must be longer than 0")
    return result


def gap(value: object) -> timedelta:
    """A duration that may be zero (buffers, minimum notice, refund tiers)."""
    if value == 0 and not isinstance(value, bool):
        return timedelta(0)
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        raise fail(f'{show(value)} needs a unit, like "{value}m" or "{value}h"')
    if not isinstance(value, str):
        raise fail(f"{show(value)} is not a duration like 30m, 1h or 1h30m")
    spelled = value.strip().lower()
    for pattern, unit in _UNIT_WORDS:
        spelled = pattern.sub(unit, spelled)
    if spelled.isdigit() and int(spelled) != 0:
        raise fail(f'{show(value)} needs a unit, like "{spelled}m" or "{spelled}h"')
    try:
        return parse_duration(spelled)
    except ValueError:
        raise fail(f"{show(value)} is not a duration like 30m, 1h or 1h30m") from None


def span(value: object) -> LocalSpan:
    """'09:00-17:00' -> LocalSpan; '24:00' ends the day and is stored as 00:00."""
    wrong = fail(f'{show(value)} is not a time span like "09:00-17:00"')
    if not isinstance(value, str):
        raise wrong
    match = _SPAN.match(value.strip())
    if not match:
        raise wrong
    sh, sm, eh, em = (int(g) for g in match.groups())
    if sh > 23 or sm > 59 or em > 59 or eh > 24 or (eh == 24 and em):
        raise fail(f"{show(value)} has an impossible time; hours run 00-23 and 24:00 "
                   "may only end a span")
    if (eh, em) == (0, 0):
        raise fail(f'{show(value)} ends at 00:00; write "24:00" for midnight at the end of the day')
    if (eh, em) != (24, 0) and (eh, em) <= (sh, sm):
        raise fail(f"{show(value)} ends before it starts; a span cannot cross midnight, "
                   "so split it over two days")
    end = time(0, 0) if eh == 24 else time(eh, em)
    return LocalSpan(time(sh, sm), end)


def amount(value: object) -> Decimal:
    """A non-negative amount in major units (35, 35.00, "35.00"); exact, never a float."""
    wrong = fail(f"{show(value)} is not an amount like 35 or 35.00 (write the number only; "
                 "the currency is business.currency)")
    if isinstance(value, bool):
        raise wrong
    if isinstance(value, int):
        value = Decimal(value)
    if isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            raise wrong from None
    if not isinstance(value, Decimal) or not value.is_finite():
        raise wrong
    if value < 0:
        raise fail(f"{show(value)} must not be negative")
    return value


def percent(value: object) -> int:
    """'50%' -> 50, a whole percentage from 0 to 100."""
    if not isinstance(value, str) or not value.strip().endswith("%"):
        example = f"{value}%" if isinstance(value, int | Decimal) else "50%"
        raise fail(f'{show(value)} is not a percentage; write it with a % sign, like "{example}"')
    try:
        number = Decimal(value.strip()[:-1].strip())
    except InvalidOperation:
        raise fail(f'{show(value)} is not a percentage like "50%"') from None
    if not number.is_finite() or number != number.to_integral_value():
        raise fail(f"{show(value)} must be a whole percentage")
    if not 0 <= number <= 100:
        raise fail(f"{show(value)} must be between 0% and 100%")
    return int(number)


def deposit(value: object) -> Decimal | PercentOfPrice:
    """Either an amount (10.00) or a share of the price ("20%")."""
    if isinstance(value, str) and value.strip().endswith("%"):
        return PercentOfPrice(percent(value))
    return amount(value)


def zone(value: object) -> ZoneInfo:
    name = text(value)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    close = difflib.get_close_matches(name, sorted(available_timezones()), n=1)
    hint = f'; did you mean "{close[0]}"?' if close else ' like "America/New_York"'
    raise fail(f"{show(name)} is not a time zone name{hint}")


def currency(value: object) -> str:
    code = text(value)
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise fail(f'{show(code)} is not a currency code; use 3 letters like "USD" or "EUR"')
    return code.upper()


def iso_date(value: object) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise fail(f"{show(value)} is not a date like 2026-12-25")


def day_index(name: str) -> int | None:
    """'mon', 'tues', 'Thursday' or 'MONDAY' -> 0..6; None when it names no weekday.

    Any start of a day's name from three letters on counts, so "tues" and "thurs" work.
    """
    lowered = name.strip().lower()
    for index, day in enumerate(DAY_NAMES):
        if len(lowered) >= 3 and day.startswith(lowered):
            return index
    return None


def day_name(value: object) -> str:
    name = text(value)
    if day_index(name) is None:
        raise fail(f"{show(name)} is not a day; use mon, tue, wed, thu, fri, sat, sun "
                   "or the full names")
    return name


_CLASS_TIME = re.compile(r"^([a-z,\s]+?)\s+(\d{1,2}):(\d{2})$")


def class_times(value: object) -> tuple[tuple[int, time], ...]:
    """'mon,wed 18:00' -> ((0, 18:00), (2, 18:00)): the class's weekly starts."""
    raw = text(value)
    match = _CLASS_TIME.match(raw.strip().lower())
    if match is None:
        raise fail(f"{show(raw)} is not a class time; write days and a start, "
                   'e.g. "mon,wed 18:00"')
    hour, minute = int(match.group(2)), int(match.group(3))
    if hour > 23 or minute > 59:
        raise fail(f"{show(raw)}: {hour}:{minute:02d} is not a time of day")
    out = []
    for word in match.group(1).split(","):
        index = day_index(word)
        if index is None:
            raise fail(f"{show(word.strip())} is not a day; use mon, tue, wed, thu, fri, sat, "
                       "sun or the full names")
        out.append((index, time(hour, minute)))
    return tuple(out)


def language(value: object) -> str:
    """A language code the bot has texts for ("es", "pt"); "ES" and "pt-BR" read as the code."""
    from i18n import languages  # noqa: PLC0415 - the catalogs on disk, read when checked

    written = text(value)
    code = written.replace("-", "_").split("_")[0].lower()
    known = languages()
    if code not in known:
        raise fail(f"{show(written)} is not a language the bot can speak; use one of: "
                   f"{', '.join(known)}")
    return code


def local_text(value: object) -> str | dict[str, str]:
    """A name in every language ("Haircut") or per language ({en: Haircut, es: Corte})."""
    if not isinstance(value, dict):
        return text(value)
    if not value:
        raise fail("give at least one language's name, like {en: Haircut}")
    return {language(code): _named(code, v) for code, v in value.items()}


def local_words(value: object) -> list[str] | dict[str, list[str]]:
    """Aliases for every language (a list, or one word) or per language ({es: [corte]})."""
    if isinstance(value, dict):
        return {language(code): _words(v, f"{code}: ") for code, v in value.items()}
    return _words(value, "")


def _named(code: object, value: object) -> str:
    try:
        return text(value)
    except PydanticCustomError as err:
        raise fail(f"{code}: {err.context['message'] if err.context else err}") from None


def _words(value: object, where: str) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise fail(f"{where}{show(value)} should be a list of words, like [cut, trim]")
    try:
        return [text(item) for item in items]
    except PydanticCustomError as err:
        raise fail(f"{where}{err.context['message'] if err.context else err}") from None
