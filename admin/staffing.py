"""Time off per provider (add with the Slack command's conflict report, remove) and the
waitlist with the offers in flight. A provider account sees and changes only its own."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from admin.bookings import business_of
from admin.guard import Gate, Who
from admin.render import render
from admin.viewer import hhmm, zone
from core.errors import DomainError
from core.interval import Interval
from core.staff import Area
from core.timeutil import local_boundary
from core.usecases.provider import TimeOffConflict, block_time, unblock, waitlist

AHEAD = timedelta(days=60)


def _local(text: str, tz: ZoneInfo) -> datetime | None:
    """``YYYY-MM-DDTHH:MM`` (a datetime-local field) read in the viewer's zone; a time in a
    spring-forward gap becomes the first instant after it."""
    try:
        naive = datetime.fromisoformat(text)
    except ValueError:
        return None
    return local_boundary(naive.date(), naive.time(), tz)


def _providers(gate: Gate, who: Who) -> list[tuple[str, str]]:
    return [(p.key, p.name) for p in business_of(gate).providers if who.me.sees_provider(p.key)]


def timeoff_page(gate: Gate, who: Who, *, error: str = "", conflicts: tuple[str, ...] = (),
                 status: int = 200) -> Response:
    business, now = business_of(gate), gate.deps.clock()
    tz = zone(who.request.query_params.get("tz") or who.field("tz"), business.tz)
    window = Interval(now, now + AHEAD)
    blocks = []
    with gate.deps.uow() as uow:
        for key, name in _providers(gate, who):
            blocks += [(name, b) for b in gate.deps.queries.time_off(uow, key, window)]
    blocks.sort(key=lambda nb: nb[1].span.start)
    return render(who, "timeoff.html", status=status, blocks=blocks, tz=tz, error=error,
                  conflicts=conflicts, providers=_providers(gate, who),
                  time=lambda i: hhmm(i, tz), form=who.form or {},
                  tz_given="tz" in who.request.query_params)


def add_timeoff(gate: Gate, who: Who) -> Response:
    key = who.field("provider")
    if key not in dict(_providers(gate, who)):
        raise HTTPException(404)
    business = business_of(gate)
    tz = zone(who.field("tz"), business.tz)
    start, end = _local(who.field("start"), tz), _local(who.field("end"), tz)
    if start is None or end is None or end <= start:
        return timeoff_page(gate, who, error="Give a start and a later end.", status=400)
    try:
        block_time(gate.deps.uow(), gate.deps.queries, provider_key=key,
                   span=Interval(start, end), note=who.field("note"), now=gate.deps.clock(),
                   force=who.field("force") == "yes")
    except TimeOffConflict as clash:
        found = tuple(f"{hhmm(b.start, tz)} {b.start.astimezone(tz).date().isoformat()} "
                      f"({b.service_key})" for b in clash.bookings)
        return timeoff_page(gate, who, error="That time overlaps bookings:", conflicts=found,
                            status=409)
    except DomainError as err:
        return timeoff_page(gate, who, error=err.message, status=409)
    return RedirectResponse(f"/admin/timeoff?{urlencode({'tz': who.field('tz')})}",
                            status_code=303)


def remove_timeoff(gate: Gate, who: Who) -> Response:
    key = who.field("provider")
    if key not in dict(_providers(gate, who)):
        raise HTTPException(404)
    try:
        unblock(gate.deps.uow(), gate.deps.queries, provider_key=key,
                block_id=int(who.field("block") or "0"))
    except (DomainError, ValueError):
        return timeoff_page(gate, who, error="No such time off.", status=404)
    return RedirectResponse(f"/admin/timeoff?{urlencode({'tz': who.field('tz')})}",
                            status_code=303)


def waitlist_page(gate: Gate, who: Who) -> Response:
    business, now = business_of(gate), gate.deps.clock()
    tz = zone(who.request.query_params.get("tz"), business.tz)
    keys = [k for k, _ in _providers(gate, who)]
    waiting = {e.entry.id: e for k in keys for e in waitlist(
        gate.deps.uow(), gate.deps.queries, provider_key=k, now=now)}
    offers = gate.deps.lists.open_offers(tuple(keys))
    names = {p.key: p.name for p in business.providers}
    services = {s.key: s.name for s in business.services}
    return render(who, "waitlist.html", waiting=sorted(
        waiting.values(), key=lambda w: (w.entry.service_key, w.entry.window.start)),
        offers=offers, names=names, services=services, tz=tz, time=lambda i: hhmm(i, tz),
        day=lambda i: i.astimezone(tz).date().isoformat(),
        tz_given="tz" in who.request.query_params)


def staffing_routes(gate: Gate) -> list[Route]:
    area = Area.AGENDA
    return [
        Route("/timeoff", gate.page(partial(timeoff_page, gate), area=area), methods=["GET"]),
        Route("/timeoff", gate.page(partial(add_timeoff, gate), area=area), methods=["POST"]),
        Route("/timeoff/remove", gate.page(partial(remove_timeoff, gate), area=area),
              methods=["POST"]),
        Route("/waitlist", gate.page(partial(waitlist_page, gate), area=area), methods=["GET"]),
    ]


