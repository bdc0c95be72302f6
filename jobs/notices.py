"""Notices for the payment and provider-message events (``core.notifications.notices_for``
covers the booking lifecycle). Pure, like it: the dispatcher stores and delivers them.

* ``PaymentExpired``: the customer hears once that nothing was charged (shared key with
  the hold's own expiry, whichever comes first).
* ``LatePaymentRefunded``: an apology with the nearest free slots as choices; each choice
  payload is ``alt:<provider key>:<start, Unix seconds>`` (see ``alternative``).
* ``RefundNeedsAttention``: the provider, in Slack.
* ``FeeCharged`` / ``FeeChargeFailed``: the customer is told; a failure also goes to the
  owner's team channel and to the provider's own Slack user (a person must follow up).
* ``IntakeUpdated``: the provider, in Slack, with the customer's new intake answers.
* ``ProviderMessaged``: the provider's words, to the customer on their own channel.
* ``CalendarSyncFailed``: the provider, in Slack (``calendar_alert``; no booking concerned).
Opted-out customers get nothing (dropped here; delivery checks again).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

from core.availability import Slot
from core.calendar_sync import CalendarSyncFailed
from core.events import Event
from core.fees import FeeCharged, FeeChargeFailed
from core.intake import IntakeUpdated
from core.model import Business
from core.notifications import BookingFacts, Kind, Notice, Recipient, payment_expired_notice
from core.payments import LatePaymentRefunded, PaymentExpired, RefundNeedsAttention
from core.usecases.provider import ProviderMessaged

ALT = "alt:"
# Never held back because the appointment they concern has started: a refund, an apology
# or a provider's message still matters (money notices are in jobs.outbox.MONEY).
ALWAYS = frozenset({Kind.LATE_PAYMENT_REFUNDED, Kind.REFUND_ATTENTION, Kind.PROVIDER_MESSAGE,
                    Kind.FEE_CHARGED, Kind.FEE_FAILED, Kind.FEE_ATTENTION})


def alternative_payload(slot: Slot) -> str:
    return f"{ALT}{slot.provider_key}:{int(slot.start.timestamp())}"


def alternative(payload: str) -> tuple[str, datetime] | None:
    """``alt:<provider>:<seconds>`` -> (provider key, start), or None if it is not one."""
    if not payload.startswith(ALT):
        return None
    key, _, seconds = payload.removeprefix(ALT).rpartition(":")
    if not key or not seconds.isdigit():
        return None
    return key, datetime.fromtimestamp(int(seconds), UTC)


def encode_alternatives(slots: tuple[Slot, ...], business: Business) -> str:
    """[[payload, start ISO, provider name], ...]: what the text and its choices need."""
    def name(key: str) -> str:
        provider = business.provider(key)
        return provider.name if provider else key

    return json.dumps([[alternative_payload(s), s.start.isoformat(), name(s.provider_key)]
                       for s in slots])


def _customer(facts: BookingFacts) -> list[Recipient]:
    c = facts.customer
    return [c] if c is not None and not c.opted_out else []


def more_notices(event: Event, facts: BookingFacts, *, tag: str,  # noqa: PLR0911 - per event
                 business: Callable[[], Business]) -> list[Notice]:
    """The notices of the events ``notices_for`` does not know; [] for any other.
    ``business`` is read only when needed (provider names of alternatives)."""
    b = facts.booking

    def notice(kind: Kind, who: Recipient, **data: str) -> Notice:
        return Notice(kind, who, b.id, b.start, data=tuple(sorted(data.items())), tag=tag)

    match event:
        case PaymentExpired():
            return [payment_expired_notice(facts, r) for r in _customer(facts)]
        case LatePaymentRefunded():
            slots = encode_alternatives(event.alternatives, business())
            return [notice(Kind.LATE_PAYMENT_REFUNDED, r, amount_minor=str(event.amount_minor),
                           alternatives=slots) for r in _customer(facts)]
        case RefundNeedsAttention():
            who = facts.provider
            return [] if who is None else [notice(
                Kind.REFUND_ATTENTION, who, amount_minor=str(event.amount_minor),
                refund_id=event.refund_id, error=event.last_error)]
        case ProviderMessaged():
            return [notice(Kind.PROVIDER_MESSAGE, r, text=event.text) for r in _customer(facts)]
        case FeeCharged():
            return [notice(Kind.FEE_CHARGED, r, amount_minor=str(event.amount_minor),
                           fee=event.kind) for r in _customer(facts)]
        case FeeChargeFailed():
            told = [notice(Kind.FEE_FAILED, r, amount_minor=str(event.amount_minor),
                           fee=event.kind, reason=event.reason) for r in _customer(facts)]
            return told + [notice(Kind.FEE_ATTENTION, who, amount_minor=str(event.amount_minor),
                                  fee=event.kind, reason=event.reason, **extra)
                           for who, extra in fee_people(facts)]
        case IntakeUpdated():  # the provider reads the new answers (the customer was told)
            who = facts.provider
            return [] if who is None else [notice(Kind.INTAKE_UPDATED, who,
                                                  at=event.at.isoformat())]
    return []


def fee_people(facts: BookingFacts) -> list[tuple[Recipient, dict[str, str]]]:
    """Who must follow up a fee that could not be charged: the owner in the team channel
    (``to=owner``: the text names the provider) and the provider in their own Slack DM;
    one message when both are the same address (a provider without a Slack user)."""
    people: list[tuple[Recipient, dict[str, str]]] = []
    if facts.owner is not None:
        people.append((facts.owner, {"to": "owner"}))
    mine = facts.provider_user
    if mine is not None and (facts.owner is None or mine.address != facts.owner.address):
        people.append((mine, {}))
    return people


def calendar_alert(event: CalendarSyncFailed, who: Recipient | None, *,
                   now: datetime) -> list[Notice]:
    """A provider's calendar cannot be read: tell them once per failure streak, in Slack
    (``who``: their own user, else the provider channel; None: nowhere to say it).

    The streak (provider + its start) is the tag, so the event processed twice, or a second
    event of the same streak, is still one notification. ``paused`` is set when bookings
    with them are already paused as this is written (never read, or the copy is too old).
    """
    if who is None:
        return []
    data = {"error": event.error, "failing_since": event.failing_since.isoformat(),
            "pause_at": event.pause_at.isoformat(),
            "paused": "yes" if event.pause_at <= now else ""}
    tag = f"{event.provider_key}:{int(event.failing_since.timestamp())}"
    return [Notice(Kind.CALENDAR_FAILED, who, data=tuple(sorted(data.items())), tag=tag)]
