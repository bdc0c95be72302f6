"""A booking's other actions: mark completed or no-show, reschedule to a free slot (picked
from the real availability), message the customer on their channel. Each is one core use
case with the booking's provider as the actor (a provider account can only reach its own
bookings: ``visible_booking``), recorded in the audit trail via the ``admin`` channel."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from urllib.parse import urlencode

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from admin.bookings import CHANNEL, actor_for, booking_page, business_of, visible_booking
from admin.guard import Gate, Who
from admin.render import render
from admin.viewer import day, day_window, hhmm, zone
from core.booking import Booking
from core.errors import DomainError
from core.staff import Area
from core.usecases.booking import available_slots
from core.usecases.lifecycle import complete, mark_no_show, reschedule
from core.usecases.provider import message_customer


def _back(gate: Gate, who: Who, booking: Booking) -> Response:
    tz = zone(who.field("tz"), business_of(gate).tz)
    return RedirectResponse(f"/admin/bookings/{booking.id}?{urlencode({'tz': tz.key})}",
                            status_code=303)


def _run(gate: Gate, who: Who, act: Callable[[Booking], object]) -> Response:
    booking = visible_booking(gate, who, who.request.path_params["booking_id"])
    try:
        act(booking)
    except DomainError as err:
        return booking_page(gate, who, error=f"Not done: {err.message}", status=409)
    return _back(gate, who, booking)


def mark(gate: Gate, who: Who, *, no_show: bool) -> Response:
    use_case = mark_no_show if no_show else complete

    def act(b: Booking) -> None:
        use_case(gate.deps.uow(), b.id, actor=actor_for("business", b), now=gate.deps.clock())
        if no_show and gate.deps.charge_fees is not None:  # the fee was owed with the mark
            gate.deps.charge_fees(b.id)

    return _run(gate, who, act)


def message(gate: Gate, who: Who) -> Response:
    text, ref = who.field("text"), who.field("ref") or str(uuid.uuid4())
    return _run(gate, who, lambda b: message_customer(
        gate.deps.uow(), provider_key=b.provider_key, booking_id=b.id, text=text,
        ref=f"admin:{ref}", channel=CHANNEL))


def move(gate: Gate, who: Who) -> Response:
    try:
        start = datetime.fromisoformat(who.field("start"))
    except ValueError:
        start = None
    if start is None or start.tzinfo is None:
        return booking_page(gate, who, error="Pick one of the free times.", status=400)
    return _run(gate, who, lambda b: reschedule(gate.deps.uow(), b.id, new_start=start,
                                                actor=actor_for("business", b),
                                                now=gate.deps.clock()))


def slot_picker(gate: Gate, who: Who) -> Response:
    booking = visible_booking(gate, who, who.request.path_params["booking_id"])
    business, now = business_of(gate), gate.deps.clock()
    tz = zone(who.request.query_params.get("tz"), business.tz)
    shown = day(who.request.query_params.get("day"), booking.start.astimezone(tz).date())
    slots = available_slots(gate.deps.uow(), service_key=booking.service_key,
                            provider_key=booking.provider_key,
                            window=day_window(shown, tz), now=now)
    link = {"tz": tz.key}
    return render(who, "reschedule.html", b=booking, slots=slots, tz=tz,
                  day=shown, time=lambda i: hhmm(i, tz), tz_given=True,
                  prev=urlencode(link | {"day": (shown - timedelta(days=1)).isoformat()}),
                  next=urlencode(link | {"day": (shown + timedelta(days=1)).isoformat()}),
                  ref=str(uuid.uuid4()))


def action_routes(gate: Gate) -> list[Route]:
    area, base = Area.BOOKINGS, "/bookings/{booking_id}"
    posts: list[tuple[str, Callable[[Who], Response]]] = [
        ("/complete", partial(mark, gate, no_show=False)),
        ("/no-show", partial(mark, gate, no_show=True)),
        ("/message", partial(message, gate)),
        ("/reschedule", partial(move, gate)),
    ]
    return [Route(base + "/reschedule", gate.page(partial(slot_picker, gate), area=area),
                  methods=["GET"]),
            *(Route(base + path, gate.page(handler, area=area), methods=["POST"])
              for path, handler in posts)]
