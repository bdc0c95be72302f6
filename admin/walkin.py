"""Walk-in: book on behalf of a customer who phoned or came to the desk.

The same two use cases as the chat, hold then confirm, so the same guarantees: the slot is
re-checked under the provider's lock and the database refuses an overlap, so a slot taken
meanwhile is a clear "not booked", never a double booking. The actor is the staff account
(``staff``, its e-mail, via ``admin``): the audit trail names who booked, and since neither
the customer nor the provider made the change, both are told (the customer on their own
channel: SMS for a caller known by phone). A provider account books only for itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from admin.bookings import CHANNEL, business_of
from admin.guard import Gate, Who
from admin.render import render
from admin.viewer import day, day_window, hhmm, zone
from core.availability import Slot
from core.booking import Actor, AuditEntry, Booking
from core.errors import DomainError
from core.model import Business
from core.staff import Area
from core.usecases.booking import available_slots, confirm, hold_slot, release_hold
from i18n.phone import country_of, to_e164

NOTE_MAX = 500


@dataclass(frozen=True)
class Choice:
    """What the form has picked so far: service, provider ("" for anyone), day, zone."""

    service: str
    provider: str
    day: str
    tz: str


def phone_e164(raw: str, business: Business) -> str | None:
    """E.164 for a valid number. A number without ``+`` is read as the business's own
    country (from its phone in the business file), as a receptionist would dial it."""
    own = business.info.phone
    return to_e164(raw, region=country_of(own) if own else None)


def _provider(who: Who, asked: str) -> str:
    """A provider account books for itself; asking for someone else is refused."""
    mine = who.me.provider_key
    if mine is None:
        return asked
    if asked not in ("", mine):
        raise HTTPException(403, "A provider account books only for itself.")
    return mine


def _slots(gate: Gate, business: Business, choice: Choice) -> tuple[list[Slot], str]:
    if not choice.service:
        return [], ""
    tz = zone(choice.tz, business.tz)
    try:
        slots = available_slots(gate.deps.uow(), service_key=choice.service,
                                provider_key=choice.provider or None,
                                window=day_window(day(choice.day, gate.deps.clock().date()), tz),
                                now=gate.deps.clock())
    except DomainError as err:
        return [], err.message
    if not choice.provider:  # anyone: one line per time, whoever is free then is booked
        first: dict[datetime, Slot] = {}
        for slot in slots:
            first.setdefault(slot.start, slot)
        slots = list(first.values())
    return slots, ""


def walkin_form(gate: Gate, who: Who, *, error: str = "", status: int = 200,
                choice: Choice | None = None) -> Response:
    business, now = business_of(gate), gate.deps.clock()
    if choice is None:
        q = who.request.query_params
        choice = Choice(q.get("service", ""), _provider(who, q.get("provider", "")),
                        q.get("day", ""), q.get("tz", ""))
    tz = zone(choice.tz, business.tz)
    shown = day(choice.day, now.astimezone(tz).date())
    slots, problem = _slots(gate, business, Choice(choice.service, choice.provider,
                                                  shown.isoformat(), tz.key))
    mine = who.me.provider_key
    visible = None if mine is None else (mine,)
    query = who.request.query_params.get("q") or None
    link = {"service": choice.service, "provider": choice.provider, "tz": tz.key}
    return render(who, "walkin.html", status=status, error=error or problem, choice=choice,
                  business=business, tz=tz, day=shown, slots=slots,
                  time=lambda i: hhmm(i, tz), q=query or "", sms=gate.deps.sms_configured,
                  customers=gate.deps.lists.customers(visible, query, limit=50),
                  providers=[p for p in business.providers if who.me.sees_provider(p.key)],
                  names={p.key: p.name for p in business.providers}, locked=mine is not None,
                  prev=urlencode(link | {"day": (shown - timedelta(days=1)).isoformat()}),
                  next=urlencode(link | {"day": (shown + timedelta(days=1)).isoformat()}),
                  tz_given=bool(choice.tz), wired=gate.deps.walkin is not None)


def _customer(gate: Gate, who: Who, business: Business) -> str:
    """The customer id, or a ``ValueError`` whose text the form shows."""
    store = gate.deps.walkin
    if store is None:
        raise ValueError("Walk-in booking is not set up on this site.")
    picked = who.field("customer_id")
    mine = who.me.provider_key
    if picked:
        if not store.visible(picked, None if mine is None else (mine,)):
            raise ValueError("That customer was not found.")
        return picked
    name, raw = who.field("name"), who.field("phone")
    if not name or not raw:
        raise ValueError("Give the customer's name and phone number, or pick a customer.")
    e164 = phone_e164(raw, business)
    if e164 is None:
        raise ValueError(f"{raw!r} is not a phone number we can text (include the country "
                         "code, e.g. +1 312 555 0100).")
    return store.for_phone(phone_e164=e164, name=name[:120], now=gate.deps.clock())


def _book(gate: Gate, *, choice: Choice, start: datetime, customer_id: str,
          actor: Actor) -> Booking:
    hold = hold_slot(gate.deps.uow(), service_key=choice.service,
                     provider_key=choice.provider or None, start=start,
                     customer_id=customer_id, actor=actor, now=gate.deps.clock())
    try:
        return confirm(gate.deps.uow(), hold.id, actor=actor, now=gate.deps.clock())
    except DomainError:
        release_hold(gate.deps.uow(), hold.id, actor=actor, now=gate.deps.clock())
        raise


def _note(gate: Gate, booking: Booking, actor: Actor, note: str) -> None:
    """The desk's note rides in the booking's history, next to who booked it."""
    with gate.deps.uow() as uow:
        uow.audit.record(AuditEntry(booking.id, gate.deps.clock(), actor, "booking.note",
                                    {}, {"note": note[:NOTE_MAX]}))
        uow.commit()


def book_walkin(gate: Gate, who: Who) -> Response:
    business = business_of(gate)
    choice = Choice(who.field("service"), _provider(who, who.field("provider")),
                    who.field("day"), zone(who.field("tz"), business.tz).key)
    again = partial(walkin_form, gate, who, choice=choice)
    try:
        start = datetime.fromisoformat(who.field("start"))
    except ValueError:
        start = None
    if start is None or start.tzinfo is None:
        return again(error="Pick one of the free times.", status=400)
    try:
        customer_id = _customer(gate, who, business)
    except ValueError as err:
        return again(error=str(err), status=400)
    actor = Actor("staff", who.me.email, CHANNEL)
    try:
        booking = _book(gate, choice=choice, start=start, customer_id=customer_id, actor=actor)
    except DomainError as err:
        return again(error=f"Not booked: {err.message}", status=409)
    if who.field("note"):
        _note(gate, booking, actor, who.field("note"))
    return RedirectResponse(f"/admin/bookings/{booking.id}?{urlencode({'tz': choice.tz})}",
                            status_code=303)


def walkin_routes(gate: Gate) -> list[Route]:
    return [
        Route("/walkin", gate.page(partial(walkin_form, gate), area=Area.BOOKINGS),
              methods=["GET"]),
        Route("/walkin", gate.page(partial(book_walkin, gate), area=Area.BOOKINGS),
              methods=["POST"]),
    ]
