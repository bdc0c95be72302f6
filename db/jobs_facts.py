"""Reading what a notification needs: the booking, how to reach both sides, who changed it.

Used by ``db.jobs_store``; every function runs inside the caller's session.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import RowMapping, select
from sqlalchemy.orm import Session

from core.booking import Booking
from core.confirmations import confirm_window
from core.intake import Answer
from core.model import Business, Languages
from core.notifications import Audience, BookingFacts, Recipient
from core.usecases.waitlist_offers import OfferStatus
from db.bookings import B, booking_from_row
from db.intake import SqlIntakeRepository
from db.jobs_tables import NOTIFICATIONS as N
from db.jobs_tables import WAITLIST_OFFERS as O
from db.resources import SqlResourceRepository
from db.tables import BookingAuditRow, CustomerRow, table_of

A = table_of(BookingAuditRow)
C = table_of(CustomerRow)
SLACK = "slack"
REMINDER = "reminder"


def customer_recipient(row: Mapping[Any, Any], business: Business) -> Recipient:
    """A customer row (``customers.*`` columns) as a recipient on their own channel."""
    tz = ZoneInfo(row["tz"]) if row["tz"] else business.tz
    return Recipient(Audience.CUSTOMER, row["channel"], row["sender_id"], tz,
                     opted_out=bool(row["opted_out"]), customer_id=row["id"],
                     lang=customer_lang(row, business.languages))


def customer_lang(row: Mapping[Any, Any], languages: Languages) -> str | None:
    """The customer's stored language (``customers.lang``, migration 0021), else the
    business default; None when that is the built-in default (the English source texts)."""
    stored = row.get("lang")
    if stored:
        return str(stored)
    return None if languages == Languages() else languages.default


def provider_recipient(business: Business, provider_key: str,
                       fallback_channel: str | None, *,
                       channel_first: bool = False) -> Recipient | None:
    """Providers hear in Slack: their own user (DM) or else the shared provider channel.
    Alerts about bookings (``channel_first``) go to the shared channel when there is one,
    where the whole team sees them and their buttons work for the provider concerned."""
    provider = business.provider(provider_key)
    if provider is None:
        return None
    first, second = ((fallback_channel, provider.slack_user_id) if channel_first
                     else (provider.slack_user_id, fallback_channel))
    address = first or second
    if not address:
        return None
    return Recipient(Audience.PROVIDER, SLACK, address, provider.tz)


def _names(business: Business, b: Booking) -> tuple[str, str]:
    service = business.service(b.service_key)
    provider = business.provider(b.provider_key)
    return (service.name if service else b.service_key,
            provider.name if provider else b.provider_key)


def facts_of(business: Business, b: Booking, customer: Mapping[Any, Any] | None, *,
             provider_channel: str | None, changed_by: str = "system",
             offer_id: str | None = None) -> BookingFacts:
    service_name, provider_name = _names(business, b)
    return BookingFacts(
        booking=b,
        customer=customer_recipient(customer, business) if customer is not None else None,
        provider=provider_recipient(business, b.provider_key, provider_channel,
                                    channel_first=True),
        service_name=service_name, provider_name=provider_name,
        customer_name=(customer["name"] or "") if customer is not None else "",
        changed_by=changed_by, offer_id=offer_id, since=b.created_at,
        business_name=business.name, service_names=_service_names(business, b),
        confirm_by=confirm_window(business.service(b.service_key), business.rules),
        owner=owner_recipient(business, provider_channel),
        provider_user=provider_recipient(business, b.provider_key, None))


def owner_recipient(business: Business, channel: str | None) -> Recipient | None:
    """The owner's team channel in Slack (the provider channel), in the business zone."""
    return Recipient(Audience.PROVIDER, SLACK, channel, business.tz) if channel else None


def _service_names(business: Business, b: Booking) -> tuple[tuple[str, str], ...]:
    service = business.service(b.service_key)
    return service.names if service else ()


def _customer_row(session: Session, customer_id: str) -> RowMapping | None:
    return session.execute(select(C).where(C.c.id == customer_id)).mappings().one_or_none()


def _changed_by(session: Session, booking_id: str, action: str | None) -> str:
    if action is None:
        return "system"
    stmt = (select(A.c.actor_kind).where(A.c.booking_id == booking_id,
                                         A.c.action.startswith(action))
            .order_by(A.c.at.desc(), A.c.id.desc()).limit(1))
    return session.execute(stmt).scalar_one_or_none() or "system"


def booking_facts(session: Session, business: Business, booking_id: str, *,
                  action: str | None, provider_channel: str | None) -> BookingFacts | None:
    row = session.execute(select(B).where(B.c.id == booking_id)).mappings().one_or_none()
    if row is None:
        return None
    booking = booking_from_row(row)
    # An accepted offer's hold is an ordinary hold for payment from then on.
    offer_id = session.execute(select(O.c.id).where(
        O.c.booking_id == booking_id,
        O.c.status != OfferStatus.ACCEPTED.value)).scalar_one_or_none()
    facts = facts_of(business, booking, _customer_row(session, booking.customer_id),
                     provider_channel=provider_channel,
                     changed_by=_changed_by(session, booking_id, action), offer_id=offer_id)
    return replace(facts, resource_names=_resource_names(session, business, booking),
                   answers=_answers(session, business, booking))


def _answers(session: Session, business: Business, booking: Booking) -> tuple[Answer, ...]:
    """Its intake answers (one query, only for services that ask questions)."""
    service = business.service(booking.service_key)
    if service is None or not service.questions:
        return ()
    return SqlIntakeRepository(session).of_booking(booking.id)


def _resource_names(session: Session, business: Business, booking: Booking) -> tuple[str, ...]:
    """The rooms and machines the booking holds, by name (one query, only for services
    that need any)."""
    service = business.service(booking.service_key)
    if service is None or not service.requires:
        return ()
    names = {r.key: r.name for r in business.resources}
    held = SqlResourceRepository(session).of_booking(booking.id)
    return tuple(names.get(held[k], held[k]) for k in service.requires if k in held)


def recorded_offsets(session: Session, bookings: Sequence[Booking]) -> dict[str, set[timedelta]]:
    """Per booking, the reminder offsets already recorded (sent or skipped) for its start."""
    if not bookings:
        return {}
    starts = {b.id: b.start for b in bookings}
    stmt = select(N.c.booking_id, N.c.start_at, N.c.offset_s).where(
        N.c.kind == REMINDER, N.c.booking_id.in_(list(starts)))
    out: dict[str, set[timedelta]] = {b.id: set() for b in bookings}
    for booking_id, start, offset_s in session.execute(stmt):
        if start == starts[booking_id] and offset_s is not None:
            out[booking_id].add(timedelta(seconds=offset_s))
    return out
