"""Bookings: the filtered list, one booking's page, and cancelling it.

A provider account is held to its own provider here, on every route: the list is narrowed
whatever the form says, and a booking of another provider is "not found" (404), by URL or
by a posted form alike. Cancelling goes through the chat's own canceller (policy refund
for a cancellation the customer asked for, 100 % when the business cancels), after a page
that shows both refunds as ``core.usecases.booking.refund_quote`` computes them.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from admin.guard import Gate, Who
from admin.render import render
from admin.viewer import day, hhmm, zone
from core.booking import Actor, Booking
from core.errors import DomainError
from core.fees import FeeKind, FeeStatus
from core.listing import BookingFilter, PaymentState
from core.model import Business
from core.money import Money, exponent
from core.staff import Area
from core.timeutil import local_midnight
from core.usecases.booking import refund_quote
from i18n.formats import price

STATUSES = ("held", "confirmed", "cancelled", "expired", "completed", "no_show")
CHANNEL = "admin"  # the channel recorded in the audit trail for changes made here
FEE_KINDS = {FeeKind.NO_SHOW: "no-show", FeeKind.LATE_CANCEL: "late cancellation"}
FEE_WHY = {FeeStatus.DECLINED: "card declined",  # a failure: a person must follow it up
           FeeStatus.AUTH_REQUIRED: "the bank wants the customer to authenticate",
           FeeStatus.NO_CARD: "no card on file"}


def money(amount_minor: int, currency: str, lang: str | None = None) -> str:
    return price(amount_minor, currency, exponent(currency), lang)


def business_of(gate: Gate) -> Business:
    with gate.deps.uow() as uow:
        return uow.business()


def visible_booking(gate: Gate, who: Who, booking_id: str) -> Booking:
    """The booking if this account may see it; 404 otherwise (never "it exists")."""
    with gate.deps.uow() as uow:
        booking = uow.bookings.get(booking_id)
    if booking is None or not who.me.sees_provider(booking.provider_key):
        raise HTTPException(404)
    return booking


def _filter(who: Who, business: Business, now: datetime
            ) -> tuple[BookingFilter, dict[str, Any]]:
    params = who.request.query_params
    tz = zone(params.get("tz"), business.tz)
    first = day(params.get("from"), now.astimezone(tz).date())
    last = day(params.get("to"), first + timedelta(days=30))
    keys = [p.key for p in business.providers]
    wanted = params.get("provider") or None
    providers = tuple(who.me.visible_providers([wanted] if wanted else keys))
    f = BookingFilter(start=local_midnight(first, tz), end=local_midnight(last + timedelta(1), tz),
                      provider_keys=providers, service_key=params.get("service") or None,
                      status=params.get("status") or None, channel=params.get("channel") or None,
                      payment=params.get("payment") or None, text=params.get("q") or None)
    form = {"from": first.isoformat(), "to": last.isoformat(), "provider": wanted or "",
            "service": f.service_key or "", "status": f.status or "",
            "channel": f.channel or "", "payment": f.payment or "", "q": f.text or ""}
    return f, {"tz": tz, "form": form}


def bookings_page(gate: Gate, who: Who) -> Response:
    business = business_of(gate)
    f, extra = _filter(who, business, gate.deps.clock())
    lines = gate.deps.lists.bookings(f)
    tz = extra["tz"]
    return render(who, "bookings.html", lines=lines, business=business, statuses=STATUSES,
                  payments=PaymentState.ALL, time=lambda i: hhmm(i, tz), money=money,
                  providers=[p for p in business.providers if who.me.sees_provider(p.key)],
                  names={p.key: p.name for p in business.providers},
                  services={s.key: s.name for s in business.services},
                  tz_given="tz" in who.request.query_params, **extra)


def _quotes(business: Business, booking: Booking, gate: Gate) -> dict[str, Money]:
    now = gate.deps.clock()
    return {by: refund_quote(business, booking, actor=actor_for(by, booking), now=now)
            for by in ("customer", "business")}


def actor_for(by: str, booking: Booking) -> Actor:
    if by == "customer":  # the customer asked us to cancel: their policy applies
        return Actor("customer", booking.customer_id, CHANNEL)
    return Actor("provider", booking.provider_key, CHANNEL)


def booking_page(gate: Gate, who: Who, *, error: str = "", status: int = 200) -> Response:
    booking = visible_booking(gate, who, who.request.path_params["booking_id"])
    business = business_of(gate)
    tz = zone(who.request.query_params.get("tz"), business.tz)
    with gate.deps.uow() as uow:
        audit = uow.audit.for_booking(booking.id)
        answers = uow.intake.of_booking(booking.id)  # as asked then (core.intake)
        card = gate.deps.queries.customer_cards(uow, [booking.customer_id]).get(
            booking.customer_id)
    with gate.deps.payments() as pay:
        payments = pay.payments.payments_for(booking.id)
        refunds = pay.payments.refunds_for(booking.id)
        fees = pay.payments.fees_for(booking.id)
    provider, service = business.provider(booking.provider_key), business.service(
        booking.service_key)
    return render(who, "booking.html", status=status, b=booking, card=card, audit=audit,
                  payments=payments, refunds=refunds, error=error, fees=fees,
                  fee_kinds=FEE_KINDS, fee_why=FEE_WHY, answers=answers,
                  notices=gate.deps.lists.notifications(booking.id),
                  provider=provider.name if provider else booking.provider_key,
                  service=service.name if service else booking.service_key,
                  time=lambda i: hhmm(i, tz), money=money, tz=tz,
                  quotes=_quotes(business, booking, gate) if booking.occupies(
                      gate.deps.clock()) else None,
                  tz_given="tz" in who.request.query_params,
                  started=booking.start <= gate.deps.clock(), ref=str(uuid.uuid4()))


def cancel_booking(gate: Gate, who: Who) -> Response:
    booking = visible_booking(gate, who, who.request.path_params["booking_id"])
    by = who.field("by")
    if by not in ("customer", "business"):
        return booking_page(gate, who, error="Say who is cancelling.", status=400)
    try:
        gate.deps.cancel(booking.id, actor_for(by, booking), gate.deps.clock())
    except DomainError as err:
        return booking_page(gate, who, error=f"Not cancelled: {err.message}", status=409)
    tz = zone(who.field("tz"), business_of(gate).tz)
    return RedirectResponse(f"/admin/bookings/{booking.id}?{urlencode({'tz': tz.key})}",
                            status_code=303)


def booking_routes(gate: Gate) -> list[Route]:
    area = Area.BOOKINGS
    return [
        Route("/bookings", gate.page(partial(bookings_page, gate), area=area), methods=["GET"]),
        Route("/bookings/{booking_id}", gate.page(partial(booking_page, gate), area=area),
              methods=["GET"]),
        Route("/bookings/{booking_id}/cancel",
              gate.page(partial(cancel_booking, gate), area=area), methods=["POST"]),
    ]
