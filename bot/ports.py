"""What the runner needs from outside besides core's UnitOfWork (db/ implements these)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from core.booking import Actor, Booking
from core.payments import CheckoutLink
from core.usecases import CancelOutcome


@dataclass(frozen=True)
class CustomerInfo:
    id: str
    tz: str | None = None
    opted_out: bool = False
    lang: str | None = None  # their stored language (None: not decided yet)
    lang_source: str | None = None  # what decided it: bot.language.Source


class CustomerDirectory(Protocol):
    def identify(self, channel: str, sender_id: str, *, now: datetime) -> CustomerInfo:
        """The customer behind (channel, sender), created on first contact."""

    def set_tz(self, customer_id: str, tz: str) -> None: ...

    def set_opted_out(self, customer_id: str, opted_out: bool) -> None: ...

    def set_lang(self, customer_id: str, lang: str, source: str) -> None:
        """Store the language the customer is answered in from now on (all channels'
        business-initiated texts read it too)."""


class HumanNotifier(Protocol):
    def __call__(self, *, channel: str, sender_id: str, text: str) -> bool | None:
        """Tell the business someone asked for a person (the Slack/provider side fills it)."""


class HandoffLog(Protocol):
    """Where "talk to a person" requests are recorded (db.handoffs implements it)."""

    def record(self, *, channel: str, sender_id: str, customer_id: str, text: str,
               via: tuple[str, ...], now: datetime) -> str: ...

    def is_open(self, channel: str, sender_id: str) -> bool: ...

    def end(self, channel: str, sender_id: str, *, status: str, now: datetime) -> None: ...


# Delivers a request to the team on one provider channel; returns the channel's name
# ("slack", "sms") when it went out, None when it could not: (channel, sender, text,
# owner phone from the business file).
TeamChannel = Callable[[str, str, str, str], str | None]


class MemoryCustomers:
    """For tests and the in-memory console: customers keyed by (channel, sender)."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str], CustomerInfo] = {}

    def identify(self, channel: str, sender_id: str, *, now: datetime) -> CustomerInfo:
        del now  # the database version stamps created_at; a dict has nothing to stamp
        return self.by_key.setdefault((channel, sender_id),
                                      CustomerInfo(f"{channel}:{sender_id}"))

    def set_tz(self, customer_id: str, tz: str) -> None:
        for key, info in self.by_key.items():
            if info.id == customer_id:
                self.by_key[key] = replace(info, tz=tz)

    def set_opted_out(self, customer_id: str, opted_out: bool) -> None:
        for key, info in self.by_key.items():
            if info.id == customer_id:
                self.by_key[key] = replace(info, opted_out=opted_out)

    def set_lang(self, customer_id: str, lang: str, source: str) -> None:
        for key, info in self.by_key.items():
            if info.id == customer_id:
                self.by_key[key] = replace(info, lang=lang, lang_source=source)


def no_notifier(*, channel: str, sender_id: str, text: str) -> None:
    """Default hand-off: nobody to tell yet (the provider-side Slack issue wires a real one)."""


# Starts a checkout for a held booking that needs money up front: (hold, description, now).
PaymentStarter = Callable[[Booking, str, datetime], CheckoutLink]
# Cancels a booking and refunds what the policy gives: (booking id, actor, now).
Canceller = Callable[[str, Actor, datetime], CancelOutcome]
# Re-reads a provider's own calendar when the cached copy is old (provider key or None for
# anyone, now); raises DomainError(CALENDAR_UNAVAILABLE) when that provider cannot be booked,
# and returns the keys of the providers whose bookings are paused (so an empty search can say
# why instead of "fully booked").
CalendarCheck = Callable[[str | None, datetime], Collection[str]]
