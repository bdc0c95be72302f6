"""The text after ``/bookings`` -> one provider command (pure: text, now and zone in).

Times are read with ``bot.timeparse.parse_time`` in the provider's zone. For ``block``
the time phrase comes first and the rest is the note: the shortest leading run of words
that parses to the same window as the longest one ("tomorrow 2-4pm" of
"tomorrow 2-4pm dentist").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.timeparse import TimeWindow, parse_time
from core.interval import Interval


@dataclass(frozen=True)
class ShowAgenda:
    day: date


@dataclass(frozen=True)
class Block:
    span: Interval
    note: str
    force: bool = False


@dataclass(frozen=True)
class UnblockId:
    block_id: int


@dataclass(frozen=True)
class UnblockAt:
    window: Interval


@dataclass(frozen=True)
class CancelRef:
    ref: str


@dataclass(frozen=True)
class NoShowRef:
    ref: str


@dataclass(frozen=True)
class ShowWaitlist:
    pass


@dataclass(frozen=True)
class Help:
    problem: str = ""


ProviderCommand = (ShowAgenda | Block | UnblockId | UnblockAt | CancelRef | NoShowRef
                   | ShowWaitlist | Help)


def _leading_time(words: list[str], now: datetime, tz: ZoneInfo) -> tuple[TimeWindow, int] | None:
    """The window named by the first words, and how many words name it."""
    for longest in range(len(words), 0, -1):
        found = parse_time(" ".join(words[:longest]), now=now, tz=tz)
        if found is not None:
            break
    else:
        return None
    for shortest in range(1, longest):
        if parse_time(" ".join(words[:shortest]), now=now, tz=tz) == found:
            return found, shortest
    return found, longest


def _block(words: list[str], now: datetime, tz: ZoneInfo) -> ProviderCommand:
    force = bool(words) and words[-1].lower() == "force"
    if force:
        words = words[:-1]
    parsed = _leading_time(words, now, tz)
    if parsed is None:
        return Help("I couldn't read a time there. Try `block tomorrow 2-4pm dentist`.")
    window, used = parsed
    if window.start == window.end:
        return Help("Give a range or a day, e.g. `block tomorrow 2-4pm` or `block fri`.")
    return Block(Interval(window.start, window.end), " ".join(words[used:]), force)


def _unblock(rest: str, now: datetime, tz: ZoneInfo) -> ProviderCommand:
    ident = rest.strip().lstrip("#")
    if ident.isdigit():
        return UnblockId(int(ident))
    window = parse_time(rest, now=now, tz=tz)
    if window is None:
        return Help("Say which time off: `unblock 12` or `unblock tomorrow 3pm`.")
    return UnblockAt(Interval(window.start, window.end))


def _agenda(text: str, now: datetime, tz: ZoneInfo) -> ProviderCommand:
    if not text:
        return ShowAgenda(now.astimezone(tz).date())
    window = parse_time(text, now=now, tz=tz)
    if window is None:
        return Help(f"I didn't understand {text!r}.")
    return ShowAgenda(window.start.astimezone(tz).date())


# Commands naming one booking by its reference.
_BY_REF: dict[str, type[CancelRef] | type[NoShowRef]] = {
    "cancel": CancelRef, "noshow": NoShowRef, "no-show": NoShowRef}


def parse_command(text: str, *, now: datetime, tz: ZoneInfo) -> ProviderCommand:
    words = text.split()
    head = words[0].lower() if words else ""
    rest = " ".join(words[1:])
    if head in {"help", "?"}:
        return Help()
    if head == "block":
        return _block(words[1:], now, tz)
    if head == "unblock":
        return _unblock(rest, now, tz)
    if head in _BY_REF:
        return _BY_REF[head](rest) if rest else Help(f"Say which booking: `{head} 1a2b3c4d`.")
    if head == "waitlist":
        return ShowWaitlist()
    return _agenda(text.strip(), now, tz)
