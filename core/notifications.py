"""Which notifications an event or a due reminder produces, to whom, with what data. Pure.

Nothing here sends or renders: a ``Notice`` names a kind, a recipient and the facts its
text needs; jobs/ turns notices into stored notifications (text rendered in the
recipient's zone by a renderer the composition root hands in) and delivers them.

Rules worth knowing:

* Opted-out customers get nothing: every customer notice for them is dropped here, and
  delivery checks again (they may opt out between planning and sending).
* The party who made a change in a conversation already got the bot's answer there, so
  an event does not notify that same party again (a customer cancelling in chat gets the
  bot's "Cancelled: ..." reply, the provider gets a Slack notice). Money notices
  (payment received, refund issued) always go out: they are a record, not an echo.
* Reminder timing (offsets, downtime, SMS quiet hours) is ``plan_reminders``; see there.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from core.booking import Booking
from core.events import BookingCancelled, BookingConfirmed, BookingRescheduled, Event, HoldExpired
from core.intake import Answer
from core.timeutil import local_boundary


@dataclass(frozen=True)
class WaitlistOffered(Event):
    """A waitlist offer was made (its hold is ``booking_id``); the customer must be told."""

    offer_id: str
    expires_at: datetime


class Kind(StrEnum):
    CONFIRMED = "booking_confirmed"
    SERIES_CONFIRMED = "series_confirmed"  # every date of a recurring series, one message
    CANCELLED = "booking_cancelled"
    RESCHEDULED = "booking_rescheduled"
    HOLD_EXPIRED = "hold_expired"
    OFFER_LAPSED = "offer_lapsed"  # a waitlist offer's hold ran out unanswered
    PAYMENT_RECEIVED = "payment_received"
    REFUND_ISSUED = "refund_issued"
    REMINDER = "reminder"
    WAITLIST_OFFER = "waitlist_offer"
    DAILY_AGENDA = "daily_agenda"
    PAYMENT_EXPIRED = "payment_expired"  # a hold for payment ran out: nothing was charged
    LATE_PAYMENT_REFUNDED = "late_payment_refunded"  # paid after the slot went: refunded
    REFUND_ATTENTION = "refund_needs_attention"  # provider: a refund needs a person
    PROVIDER_MESSAGE = "provider_message"  # the provider's own words to the customer
    CALENDAR_FAILED = "calendar_sync_failed"  # provider: their calendar cannot be read
    FEE_CHARGED = "fee_charged"  # customer: a no-show / late-cancellation fee was charged
    FEE_FAILED = "fee_failed"  # customer: the fee could not be charged to the saved card
    FEE_ATTENTION = "fee_needs_attention"  # provider: a fee needs a person (declined, ...)
    INTAKE_UPDATED = "intake_updated"  # provider: the customer changed their intake answers


class Audience(StrEnum):
    CUSTOMER = "customer"
    PROVIDER = "provider"


SMS = "sms"


@dataclass(frozen=True)
class Recipient:
    audience: Audience
    channel: str  # "telegram" | "sms" | "slack" | "console" | ...
    address: str  # the channel's id for them: chat id, E.164 number, Slack user or channel
    tz: ZoneInfo  # times in their texts are shown in this zone
    opted_out: bool = False
    customer_id: str | None = None  # customers: re-checked for opt-out at delivery
    lang: str | None = None  # the language their texts are written in; None = the default

    @property
    def quiet_hours(self) -> bool:
        """SMS is the channel that wakes people up; chat apps have their own mute."""
        return self.channel == SMS


@dataclass(frozen=True)
class BookingFacts:
    """What every notice about one booking needs, read together by the store."""

    booking: Booking
    customer: Recipient | None  # None: the customer row is gone
    provider: Recipient | None  # None: the provider has no Slack address configured
    service_name: str
    provider_name: str
    customer_name: str = ""
    changed_by: str = "system"  # actor kind behind the latest change ("customer", ...)
    offer_id: str | None = None  # set when the booking is a waitlist offer's hold
    since: datetime | None = None  # when the customer last heard the time (reminder cut-off)
    business_name: str = ""
    resource_names: tuple[str, ...] = ()  # the rooms/machines the booking holds
    confirm_by: timedelta | None = None  # its confirmation deadline (core.confirmations)
    # The service's name per language (``Service.names``): the customer reads their own.
    service_names: tuple[tuple[str, str], ...] = ()
    # Who hears what needs a person besides the provider: the owner's team channel (Slack
    # ``SLACK_PROVIDER_CHANNEL``, where "talk to a person" goes too); None: not configured.
    owner: Recipient | None = None
    # The provider's own Slack user (a DM), also when ``provider`` is the shared channel.
    provider_user: Recipient | None = None
    answers: tuple[Answer, ...] = ()  # its intake answers (core.intake), for the provider

    def service_in(self, lang: str | None) -> str:
        base = (lang or "").replace("-", "_").split("_")[0]
        named = dict(self.service_names)
        return named.get(lang or "") or named.get(base) or self.service_name


@dataclass(frozen=True)
class Notice:
    kind: Kind
    recipient: Recipient
    booking_id: str | None = None
    start: datetime | None = None  # the appointment start it is about (part of the key)
    offset: timedelta | None = None  # reminders: how long before the start
    data: tuple[tuple[str, str], ...] = ()
    tag: str = ""  # what else tells two otherwise equal notices apart (event id, agenda day)

    def value(self, name: str) -> str | None:
        return next((v for k, v in self.data if k == name), None)

    @property
    def key(self) -> str:
        """The idempotency key: booking + kind + start instant + recipient (+ offset/tag).

        Storing it under a unique constraint is what makes every sweep safe to repeat."""
        start = str(int(self.start.timestamp())) if self.start else "-"
        offset = str(int(self.offset.total_seconds())) if self.offset is not None else "-"
        who = f"{self.recipient.channel}:{self.recipient.address}".encode()
        digest = hashlib.sha256(who).hexdigest()[:16]
        return "|".join((self.kind.value, self.booking_id or "-", start, offset,
                         self.recipient.audience.value, self.tag, digest))


@dataclass(frozen=True)
class Message:
    text: str
    choices: tuple[tuple[str, str], ...] = ()  # (label, payload), rendered by the channel
    # For channels that must use a pre-approved template outside a conversation (WhatsApp
    # outside its 24-hour window): the template's numbered values {{1}}, {{2}}, ... in order
    # (see the README's WhatsApp template texts), and the language the text is written in.
    variables: tuple[str, ...] = ()
    lang: str | None = None


@dataclass(frozen=True)
class Outgoing:
    """One stored notification as a template-capable sender (``core.ports.TemplateSender``)
    receives it: its kind picks the template, ``variables`` fill it, ``text`` is the
    free-form version."""

    kind: str
    address: str
    text: str
    choices: tuple[tuple[str, str], ...] = ()
    variables: tuple[str, ...] = ()
    lang: str | None = None


@dataclass(frozen=True)
class Draft:
    """A notice with its text, ready to store; ``skip_reason`` stores it as handled only."""

    notice: Notice
    message: Message
    not_before: datetime
    skip_reason: str | None = None


# --- events -> notices --------------------------------------------------------------------


def to_tell(facts: BookingFacts, *, skip_actor: bool = True) -> list[Recipient]:
    """Customer then provider, leaving out the one who made the change and the opted out."""
    out = []
    for who in (facts.customer, facts.provider):
        if who is None or who.opted_out:
            continue
        if skip_actor and facts.changed_by == who.audience.value:
            continue
        out.append(who)
    return out


def _customer(facts: BookingFacts) -> list[Recipient]:
    c = facts.customer
    return [c] if c is not None and not c.opted_out else []


def notices_for(event: Event, facts: BookingFacts, *, tag: str) -> list[Notice]:
    """The notices one outbox event produces. ``tag`` identifies the event (its outbox row),
    so the same event processed twice yields the same keys."""
    b = facts.booking

    def notice(kind: Kind, who: Recipient, start: datetime = b.start,
               **data: str) -> Notice:
        return Notice(kind, who, b.id, start, data=tuple(sorted(data.items())), tag=tag)

    match event:
        case BookingConfirmed():
            # A date confirmed with its series is told once for all (core.series_notices).
            told = [] if event.series_id else to_tell(facts)
            out = [notice(Kind.CONFIRMED, r) for r in told]
            if b.paid_minor > 0:
                out += [notice(Kind.PAYMENT_RECEIVED, r, amount_minor=str(b.paid_minor))
                        for r in _customer(facts)]
            return out
        case BookingCancelled():
            out = [notice(Kind.CANCELLED, r, by=event.by, refund_minor=str(event.refund_minor))
                   for r in to_tell(facts)]
            if event.refund_minor > 0:
                out += [notice(Kind.REFUND_ISSUED, r, amount_minor=str(event.refund_minor))
                        for r in _customer(facts)]
            return out
        case BookingRescheduled():
            return [notice(Kind.RESCHEDULED, r, event.new_start,
                           old_start=event.old_start.isoformat()) for r in to_tell(facts)]
        case HoldExpired():  # a hold for payment: see payment_expired_notice
            paying = facts.offer_id is None and b.due_minor > 0
            kind = Kind.OFFER_LAPSED if facts.offer_id else Kind.HOLD_EXPIRED
            return [payment_expired_notice(facts, r) if paying else notice(kind, r)
                    for r in _customer(facts)]
        case WaitlistOffered():
            return [notice(Kind.WAITLIST_OFFER, r, offer_id=event.offer_id,
                           expires_at=event.expires_at.isoformat()) for r in _customer(facts)]
    return []  # SlotHeld, SlotFreed, ...: nothing to tell anyone


def payment_expired_notice(facts: BookingFacts, who: Recipient) -> Notice:
    """A hold for payment ended unpaid. Its hold expiry and the gateway's "checkout expired"
    both say so, in either order or alone: one key (no event tag), so one message."""
    return Notice(Kind.PAYMENT_EXPIRED, who, facts.booking.id, facts.booking.start)


# --- reminders ----------------------------------------------------------------------------

QUIET_START = time(21, 0)
QUIET_END = time(8, 0)
LAST_BEFORE_QUIET = time(20, 59)
# The most a quiet-hours shift moves a reminder earlier: 08:00 back to 20:59 the day before.
MAX_QUIET_SHIFT = timedelta(hours=11, minutes=1)


def _at(day: date, at: time, tz: ZoneInfo) -> datetime:
    return local_boundary(day, at, tz)  # a DST gap maps to the instant the clocks jump


def in_quiet_hours(instant: datetime, tz: ZoneInfo) -> bool:
    t = instant.astimezone(tz).time()
    return t >= QUIET_START or t < QUIET_END


def last_moment_before_quiet(instant: datetime, tz: ZoneInfo) -> datetime:
    """20:59 local on the evening the quiet period holding ``instant`` began."""
    local = instant.astimezone(tz)
    day = local.date() if local.time() >= QUIET_START else local.date() - timedelta(days=1)
    return _at(day, LAST_BEFORE_QUIET, tz)


def quiet_ends(instant: datetime, tz: ZoneInfo) -> datetime:
    """08:00 local on the morning that ends the quiet period holding ``instant``."""
    local = instant.astimezone(tz)
    day = local.date() + timedelta(days=1) if local.time() >= QUIET_START else local.date()
    return _at(day, QUIET_END, tz)


def reminder_due(start: datetime, offset: timedelta, who: Recipient) -> datetime:
    """When a reminder goes out: ``start - offset``, pulled earlier out of SMS quiet hours."""
    nominal = start - offset
    if who.quiet_hours and in_quiet_hours(nominal, who.tz):
        return last_moment_before_quiet(nominal, who.tz)
    return nominal


@dataclass(frozen=True)
class ReminderPlan:
    send: timedelta | None = None
    skip: tuple[tuple[timedelta, str], ...] = ()  # (offset, reason): recorded, never sent


def plan_reminders(*, start: datetime, offsets: tuple[timedelta, ...], now: datetime,
                   who: Recipient, since: datetime | None,
                   done: frozenset[timedelta]) -> ReminderPlan:
    """Which reminder (at most one) to send now, and which to record as skipped.

    * Only still-useful reminders: never at or after the start; when several are due
      (the worker was down) only the shortest offset is sent and the longer ones are
      skipped (a 24 h reminder for an appointment 10 minutes away is noise).
    * A reminder whose nominal time had passed when the customer last heard the time
      (``since``: booked or moved 2 h before, a 24 h reminder) is skipped: they just heard.
    * SMS quiet hours 21:00-08:00 in the recipient's zone: a reminder falling due in them is
      due at 20:59 the evening before instead; one that is due while it is quiet now (the
      booking was made late at night) waits until 08:00, or is skipped if that is too late.
    ``done`` holds the offsets already recorded (sent or skipped) for this start.
    """
    if start <= now or who.opted_out:
        return ReminderPlan()
    late = tuple((o, "booked_late") for o in offsets
                 if o not in done and since is not None and start - o <= since)
    live = [o for o in offsets if not any(o == x for x, _ in late)]
    due = sorted((o for o in live if reminder_due(start, o, who) <= now), reverse=True)
    if not due:
        return ReminderPlan(skip=late)
    shortest = due[-1]
    skip = late + tuple((o, "superseded") for o in due[:-1] if o not in done)
    if shortest in done:
        return ReminderPlan(skip=skip)
    if who.quiet_hours and in_quiet_hours(now, who.tz):
        if quiet_ends(now, who.tz) >= start:
            return ReminderPlan(skip=(*skip, (shortest, "quiet_until_start")))
        return ReminderPlan(skip=skip)  # re-planned at 08:00 by a later sweep
    return ReminderPlan(send=shortest, skip=skip)


def reminder_notice(facts: BookingFacts, who: Recipient, offset: timedelta) -> Notice:
    b = facts.booking
    return Notice(Kind.REMINDER, who, b.id, b.start, offset)


# --- daily agenda -------------------------------------------------------------------------


def agenda_day(now: datetime, tz: ZoneInfo, at: time) -> date | None:
    """The provider's local day whose agenda is due by ``now`` (once ``at`` has passed)."""
    local = now.astimezone(tz)
    return local.date() if local.time() >= at else None


def agenda_notice(provider_key: str, who: Recipient, day: date) -> Notice:
    return Notice(Kind.DAILY_AGENDA, who, data=(("day", day.isoformat()),),
                  tag=f"{provider_key}:{day.isoformat()}")
