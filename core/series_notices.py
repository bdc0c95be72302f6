"""One confirmation per recurring series and recipient, listing its dates. Pure.

A series confirmed at once (``core.usecases.series.confirm_series``, or the card its checkout
saved, ``core.usecases.payments``) emits each date's own ``BookingConfirmed``, marked with the
series so that it sends no confirmation of its own (a payment notice still would), and one
``SeriesConfirmed`` in the same transaction. Each date keeps its audit entry; reminders and
calendar sync are planned from the bookings themselves, so they stay per date.
``series_notices`` turns that into one notice per person: the customer on their channel
(unless they confirmed it themselves in the chat, which answered them) and the provider in
Slack, each listing the dates concerned with them; a series booked with "anyone" may have
dates with several providers, and each address hears once about its own dates.

The key is the series (``tag``) plus the recipient, so the event dispatched twice, or the
series announced by a second outbox row, is still one message each.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from core.events import SeriesConfirmed
from core.notifications import Audience, BookingFacts, Kind, Notice, Recipient, to_tell


@dataclass(frozen=True)
class SeriesDate:
    """One date of the series as its message shows it."""

    booking_id: str
    start: datetime
    provider_key: str
    provider_name: str
    resources: tuple[str, ...] = ()  # rooms and machines it holds (the provider's alert)


def _date(facts: BookingFacts) -> SeriesDate:
    b = facts.booking
    return SeriesDate(b.id, b.start, b.provider_key, facts.provider_name, facts.resource_names)


def _encode(dates: Sequence[SeriesDate]) -> str:
    return json.dumps([[d.booking_id, d.start.isoformat(), d.provider_key, d.provider_name,
                        list(d.resources)] for d in dates])


def series_dates(notice: Notice) -> tuple[SeriesDate, ...]:
    """The dates a series notice lists, in order (its ``dates`` value)."""
    return tuple(SeriesDate(str(i), datetime.fromisoformat(start), str(key), str(name),
                            tuple(str(r) for r in rooms))
                 for i, start, key, name, rooms in json.loads(notice.value("dates") or "[]"))


def series_notices(event: SeriesConfirmed, facts: Sequence[BookingFacts]) -> list[Notice]:
    """One notice per recipient (in the order first met: customer, then provider) listing
    their dates by start, about the first of them (its booking and start). ``facts`` are
    the dates to tell, as read now: the dispatcher leaves out any gone or started since."""
    groups: dict[tuple[str, str, str], tuple[Recipient, list[BookingFacts]]] = {}
    for f in sorted(facts, key=lambda f: (f.booking.start, f.booking.id)):
        for who in to_tell(f):
            key = (who.audience.value, who.channel, who.address)
            groups.setdefault(key, (who, []))[1].append(f)
    tag = f"series:{event.series_id}"
    lost = json.dumps([start.isoformat() for start in event.lost_starts])
    return [Notice(Kind.SERIES_CONFIRMED, who, mine[0].booking.id, mine[0].booking.start,
                   data=(("dates", _encode([_date(f) for f in mine])),
                         *((("lost", lost),) if event.lost_starts
                           and who.audience is Audience.CUSTOMER else ())), tag=tag)
            for who, mine in groups.values()]


def lost_starts(notice: Notice) -> tuple[datetime, ...]:
    """The dates of the series the customer's notice says could not be kept."""
    return tuple(datetime.fromisoformat(s) for s in json.loads(notice.value("lost") or "[]"))
