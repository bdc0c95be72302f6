"""Provider alerts for the provider channel: one per new booking, cancellation, reschedule,
and one per recurring series confirmed (``series_alert``: every date listed, not one each).

``provider_alert`` is pure (event + booking + business + customer -> ``Reply``), so the
jobs engineer's outbox dispatcher calls it and hands the result to ``SlackSender.send``
with ``SLACK_PROVIDER_CHANNEL`` as the recipient. The buttons it carries (cancel,
message the customer) are handled by this app's action listeners.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.messages import Choice, Reply
from bot.replies import money, when
from core.booking import Booking
from core.events import BookingCancelled, BookingConfirmed, BookingRescheduled, Event
from core.intake import Answer, IntakeUpdated, shown
from core.model import Business
from core.money import Money
from core.series_notices import SeriesDate
from core.usecases.provider import CustomerCard, booking_ref

log = logging.getLogger(__name__)


def _who(customer: CustomerCard | None, booking: Booking) -> str:
    name = customer.label if customer else "a customer"
    return f"{name} ({booking.channel})"


def _what(booking: Booking, business: Business) -> tuple[str, str]:
    service = business.service(booking.service_key)
    provider = business.provider(booking.provider_key)
    return (service.name if service else booking.service_key,
            provider.name if provider else booking.provider_key)


def _buttons(booking: Booking, *, can_cancel: bool) -> tuple[Choice, ...]:
    message = Choice("Message customer", f"provider:message:{booking.id}")
    if not can_cancel:
        return (message,)
    return (Choice("Cancel booking", f"provider:cancel:{booking.id}"), message)


def _no_show(booking: Booking, business: Business) -> tuple[Choice, ...]:
    """A "Mark no-show" button where a no-show costs a fee (pressed after the start)."""
    service = business.service(booking.service_key)
    if service is None or service.fees is None or service.fees.no_show is None:
        return ()
    return (Choice("Mark no-show", f"provider:noshow:{booking.id}"),)


def _fee_note(booking: Booking, business: Business) -> str:
    service = business.service(booking.service_key)
    return " Card on file." if service is not None and service.card_required else ""


def _amounts(b: Booking, refund_minor: int = 0) -> str:
    """What was paid (a deposit named as such) and refunded: the provider's money view."""
    def m(minor: int) -> str:
        return money(Money(minor, b.currency))

    out = ""
    if b.paid_minor:
        deposit = (f" (deposit; price {m(b.price_minor)})"
                   if 0 < b.due_minor < b.price_minor else "")
        out += f" Paid {m(b.paid_minor)}{deposit}."
    if refund_minor:
        out += f" Refund {m(refund_minor)}."
    elif b.refunded_minor:
        out += f" Refunded {m(b.refunded_minor)}."
    return out


def answers_text(answers: Sequence[Answer]) -> str:
    """The intake answers, one line each, as the provider reads them (question as asked)."""
    return "".join(f"\n> {a.question} *{shown(a)}*" for a in answers)


def provider_alert(event: Event, *, booking: Booking, business: Business,
                   customer: CustomerCard | None, resources: Sequence[str] = (),
                   answers: Sequence[Answer] = ()) -> Reply | None:
    """The alert for ``event`` (None for events providers are not alerted about).
    Times are in the booking's provider's zone, with the zone named; ``resources`` are the
    names of the rooms/machines the booking holds; ``answers`` its intake answers."""
    provider = business.provider(booking.provider_key)
    tz = provider.tz if provider else business.tz
    service, person = _what(booking, business)
    ref = f"ref `{booking_ref(booking.id)}`"
    who = _who(customer, booking) + (f", in {', '.join(resources)}" if resources else "")
    if isinstance(event, BookingConfirmed):
        return Reply(f"New booking: {service} with {person}, {when(booking.start, tz)}, "
                     f"for {who}.{_amounts(booking)}{_fee_note(booking, business)} {ref}"
                     f"{answers_text(answers)}",
                     (*_buttons(booking, can_cancel=True), *_no_show(booking, business)))
    if isinstance(event, IntakeUpdated):
        return Reply(f"Answers updated: {service} with {person}, {when(booking.start, tz)}, "
                     f"for {who}. {ref}{answers_text(answers)}",
                     _buttons(booking, can_cancel=False))
    if isinstance(event, BookingCancelled):
        return Reply(f"Cancelled by {event.by}: {service} with {person}, "
                     f"{when(booking.start, tz)}, for {who}."
                     f"{_amounts(booking, event.refund_minor)} {ref}",
                     _buttons(booking, can_cancel=False))
    if isinstance(event, BookingRescheduled):
        return Reply(f"Rescheduled: {service} with {person} for {who}, from "
                     f"{when(event.old_start, tz)} to {when(event.new_start, tz)}."
                     f"{_amounts(booking)} {ref}{answers_text(answers)}",
                     _buttons(booking, can_cancel=True))
    return None


def series_alert(dates: Sequence[SeriesDate], *, first: Booking, business: Business,
                 customer: CustomerCard | None, answers: Sequence[Answer] = ()) -> Reply:
    """One alert for a series' dates (``first``: its first booking), each in its provider's
    zone with the zone named and its ref (``/bookings cancel <ref>`` picks one), the
    provider named per date when the series has several. One button: message the customer
    (a Cancel button could not say which date)."""
    service, person = _what(first, business)
    several = len({d.provider_key for d in dates}) > 1
    count = f"{len(dates)} date" + ("" if len(dates) == 1 else "s")

    def line(d: SeriesDate) -> str:
        provider = business.provider(d.provider_key)
        tz = provider.tz if provider else business.tz
        rooms = f", in {', '.join(d.resources)}" if d.resources else ""
        with_whom = f" with {d.provider_name}" if several else ""
        return f"\n• {when(d.start, tz)}{with_whom}{rooms} ref `{booking_ref(d.booking_id)}`"

    head = f"New series: {service}" + ("" if several else f" with {person}")
    return Reply(f"{head}, {count}, for {_who(customer, first)}.{_fee_note(first, business)}"
                 f"{''.join(line(d) for d in dates)}{answers_text(answers)}",
                 _buttons(first, can_cancel=False))


class SlackHumanNotifier:
    """``bot.ports.HumanNotifier``: "a customer asked for a person" in the provider channel.
    A Slack failure is logged, never raised into the customer's conversation."""

    def __init__(self, client: WebClient, channel: str) -> None:
        self._client = client
        self._channel = channel

    def __call__(self, *, channel: str, sender_id: str, text: str) -> bool:
        """True when the message reached the channel (the customer is told so)."""
        try:
            self._client.chat_postMessage(
                channel=self._channel,
                text=f"A customer on {channel} ({sender_id}) asked for a person: {text}")
        except (SlackApiError, SlackClientError) as exc:
            log.warning("slack: could not tell the team about %s/%s: %s",
                        channel, sender_id, exc)
            return False
        return True
