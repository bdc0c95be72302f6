"""Customers: the list, one customer's history and opt-out state, and the buttons for their
data export and erasure (``core.usecases.customer_data``, the same use cases as
``bookingbot customer export|erase``). A provider account sees only customers who booked
with them, and cannot export or erase (``Area.CUSTOMER_DATA``)."""

from __future__ import annotations

import json
from functools import partial

from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from admin.bookings import business_of, money
from admin.guard import Gate, Who
from admin.render import render
from admin.viewer import hhmm, zone
from core.errors import DomainError
from core.listing import BookingFilter, BookingLine, CustomerLine
from core.staff import Area, Role
from core.usecases.customer_data import erase_customer, export_customer


def _scope(gate: Gate, who: Who) -> tuple[str, ...] | None:
    if who.me.role is not Role.PROVIDER:
        return None
    return tuple(who.me.visible_providers([p.key for p in business_of(gate).providers]))


def _customer(gate: Gate, who: Who) -> tuple[CustomerLine, list[BookingLine]]:
    customer_id = who.request.path_params["customer_id"]
    scope = _scope(gate, who)
    history = gate.deps.lists.bookings(BookingFilter(customer_id=customer_id,
                                                     provider_keys=scope, limit=500))
    matches = [c for c in gate.deps.lists.customers(scope, None, limit=10_000)
               if c.id == customer_id]
    if not matches:
        raise HTTPException(404)  # unknown, or never booked with this provider
    return matches[0], history


def customers_page(gate: Gate, who: Who) -> Response:
    text = who.request.query_params.get("q") or None
    return render(who, "customers.html", q=text or "",
                  customers=gate.deps.lists.customers(_scope(gate, who), text))


def customer_page(gate: Gate, who: Who, *, notice: str = "") -> Response:
    customer, history = _customer(gate, who)
    business = business_of(gate)
    tz = zone(who.request.query_params.get("tz"), business.tz)
    return render(who, "customer.html", c=customer, history=history, tz=tz, notice=notice,
                  time=lambda i: hhmm(i, tz), money=money, tz_given=True,
                  services={s.key: s.name for s in business.services},
                  data_rights=who.me.may_open(Area.CUSTOMER_DATA))


def export_data(gate: Gate, who: Who) -> Response:
    customer, _ = _customer(gate, who)
    data = export_customer(gate.deps.customer_data, customer.id)
    name = f"customer_{customer.id}.json"
    return Response(json.dumps(data, indent=2, ensure_ascii=False, default=str),
                    media_type="application/json",
                    headers={"content-disposition": f'attachment; filename="{name}"'})


def erase_data(gate: Gate, who: Who) -> Response:
    customer, _ = _customer(gate, who)
    if who.field("confirm") != "erase":
        return customer_page(gate, who, notice="Tick the box to confirm the erasure.")
    try:
        done = erase_customer(gate.deps.customer_data, customer.id, now=gate.deps.clock())
    except DomainError as err:
        return customer_page(gate, who, notice=f"Not erased: {err.message}")
    return customer_page(gate, who, notice=(
        f"Erased: {done.texts_erased} texts and {done.conversations_deleted} conversations "
        f"removed; {done.bookings_kept} bookings kept, anonymised."))


def customer_routes(gate: Gate) -> list[Route]:
    base = "/customers/{customer_id}"
    return [
        Route("/customers", gate.page(partial(customers_page, gate), area=Area.CUSTOMERS),
              methods=["GET"]),
        Route(base, gate.page(partial(customer_page, gate), area=Area.CUSTOMERS),
              methods=["GET"]),
        Route(base + "/export", gate.page(partial(export_data, gate),
                                          area=Area.CUSTOMER_DATA), methods=["POST"]),
        Route(base + "/erase", gate.page(partial(erase_data, gate),
                                         area=Area.CUSTOMER_DATA), methods=["POST"]),
    ]
