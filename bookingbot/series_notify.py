"""The one confirmation of a recurring series (``core.series_notices``), for
``bookingbot.notify_texts``: the customer in their language, the provider in English; every
date in the recipient's zone with the zone named (a series may cross a DST change), one a
line. The provider's Slack alert with its buttons is ``channels.slack.series_alert``."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import replies
from core.notifications import BookingFacts, Kind, Message, Notice
from core.series_notices import SeriesDate, lost_starts, series_dates
from i18n import say, say_n


def _several(dates: tuple[SeriesDate, ...]) -> bool:
    """Booked with "anyone": the dates may be with different providers."""
    return len({d.provider_key for d in dates}) > 1


def customer_series_text(n: Notice, f: BookingFacts, hint: str) -> Message | None:
    """'Confirmed: Haircut with Alice, 3 dates:', a '- Tue 8 Jan 10:00 AM GMT' line per
    date, then ``hint``; None for every other kind."""
    if n.kind is not Kind.SERIES_CONFIRMED:
        return None
    lang, tz = n.recipient.lang, n.recipient.tz
    dates = series_dates(n)
    service = f.service_in(lang)
    if _several(dates):
        head = say_n(lang, "Confirmed: {service}, {n} date:", "Confirmed: {service}, {n} dates:",
                     len(dates), service=service)
        lines = [say(lang, "{when} with {provider}", when=replies.when(d.start, tz, lang),
                     provider=d.provider_name) for d in dates]
    else:
        provider = dates[0].provider_name if dates else f.provider_name
        head = say_n(lang, "Confirmed: {service} with {provider}, {n} date:",
                     "Confirmed: {service} with {provider}, {n} dates:", len(dates),
                     service=service, provider=provider)
        lines = [replies.when(d.start, tz, lang) for d in dates]
    return Message("\n".join([head, *(f"- {line}" for line in lines),
                              *_lost(n, lang, tz), hint]))


def _lost(n: Notice, lang: str | None, tz: ZoneInfo) -> list[str]:
    """The dates whose slot had gone before the card was saved: not booked, and said so."""
    lost = lost_starts(n)
    if not lost:
        return []
    head = say_n(lang, "{n} date could not be kept (the time was taken meanwhile):",
                 "{n} dates could not be kept (the times were taken meanwhile):", len(lost))
    return [head, *(f"- {replies.when(start, tz, lang)}" for start in lost)]


def provider_series_text(n: Notice, f: BookingFacts) -> Message | None:
    """The plain version (any renderer but the Slack alert's); None for other kinds."""
    if n.kind is not Kind.SERIES_CONFIRMED:
        return None
    tz = n.recipient.tz
    dates = series_dates(n)
    who = f.customer_name or "a customer"
    channel = f.customer.channel if f.customer else f.booking.channel
    several = _several(dates)
    lines = [replies.when(d.start, tz) + (f" with {d.provider_name}" if several else "")
             for d in dates]
    with_whom = "" if several else f" with {f.provider_name}"
    count = f"{len(dates)} date" + ("" if len(dates) == 1 else "s")
    return Message("\n".join([f"New series: {f.service_name}{with_whom}, {count}, {who} "
                              f"({channel}):", *(f"- {line}" for line in lines)]))
