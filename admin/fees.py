"""Fees not charged: the no-show and late-cancellation fees whose off-session charge failed
(card declined, the bank wants the customer, no card), newest first, each linked to its
booking. The owner was alerted in Slack; this is where the list stays until followed up.
A provider account sees only its own bookings' fees (``sees_provider``)."""

from __future__ import annotations

from functools import partial

from starlette.responses import Response
from starlette.routing import Route

from admin.bookings import FEE_KINDS, FEE_WHY, business_of, money
from admin.guard import Gate, Who
from admin.render import render
from admin.viewer import hhmm, zone
from core.staff import Area
from core.usecases.fees import fees_not_charged


def fees_page(gate: Gate, who: Who) -> Response:
    business = business_of(gate)
    tz = zone(who.request.query_params.get("tz"), business.tz)
    rows = [(f, b) for f, b in fees_not_charged(gate.deps.payments())
            if who.me.sees_provider(b.provider_key)]
    return render(who, "fees.html", rows=rows, kinds=FEE_KINDS, why=FEE_WHY, money=money, tz=tz,
                  time=lambda i: hhmm(i, tz), tz_given="tz" in who.request.query_params,
                  services={s.key: s.name for s in business.services},
                  names={p.key: p.name for p in business.providers})


def fee_routes(gate: Gate) -> list[Route]:
    return [Route("/fees", gate.page(partial(fees_page, gate), area=Area.BOOKINGS),
                  methods=["GET"])]
