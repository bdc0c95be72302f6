"""Agenda: a day (rows per real hour) or a week (rows per day) across providers, one column
each, in the viewer's zone. The grid is a fragment that ``admin.js`` re-fetches every few
seconds, so a booking made on any channel appears without a reload."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from starlette.responses import Response
from starlette.routing import Route

from admin.guard import Gate, Who
from admin.render import render
from admin.viewer import day, day_window, hhmm, hours, zone
from core.interval import Interval
from core.staff import Area
from core.usecases.board import Column, Entry, EntryKind, board
from i18n.formats import day_label, zone_label

REFRESH_S = 4
KIND_LABELS = {EntryKind.BOOKING: "Booked", EntryKind.HOLD: "Hold",
               EntryKind.TIME_OFF: "Time off", EntryKind.BUSY: "Busy (calendar)"}


@dataclass(frozen=True)
class Cell:
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Query:
    view: str
    day: date
    tz: ZoneInfo

    def link(self, **changes: str) -> str:
        params = {"view": self.view, "day": self.day.isoformat(), "tz": self.tz.key} | changes
        return urlencode(params)


def _query(gate: Gate, who: Who) -> Query:
    with gate.deps.uow() as uow:
        business_tz = uow.business().tz
    params = who.request.query_params
    tz = zone(params.get("tz"), business_tz)
    today = gate.deps.clock().astimezone(tz).date()
    return Query("week" if params.get("view") == "week" else "day", day(params.get("day"), today),
                 tz)


def _in_row(entry: Entry, row: Interval, *, first: bool, spread: bool) -> bool:
    if entry.item is not None:  # bookings and holds: where they start
        return row.start <= entry.span.start < row.end
    if not (entry.span.start < row.end and row.start < entry.span.end):
        return False
    # Busy time: on every day it touches (week), at its first hour only (day).
    return spread or first or entry.span.start >= row.start


def _rows(query: Query, window: Interval, columns: list[Column]) -> list[Row]:
    days = 7 if query.view == "week" else 1
    if query.view == "week":
        spans = [day_window(query.day + timedelta(days=i), query.tz) for i in range(days)]
        labels = [day_label(query.day + timedelta(days=i)) for i in range(days)]
    else:
        spans = hours(window)
        labels = [hhmm(s.start, query.tz) for s in spans]
    rows = []
    for index, (span, label) in enumerate(zip(spans, labels, strict=True)):
        cells = tuple(Cell(tuple(e for e in c.entries if _in_row(
            e, span, first=index == 0, spread=query.view == "week"))) for c in columns)
        rows.append(Row(label, cells))
    return rows


def _grid_context(gate: Gate, who: Who) -> dict[str, Any]:
    query = _query(gate, who)
    days = 7 if query.view == "week" else 1
    window = day_window(query.day, query.tz, days)
    with gate.deps.uow() as uow:
        keys = [p.key for p in uow.business().providers]
    columns = board(gate.deps.uow(), gate.deps.queries, window=window,
                    provider_keys=who.me.visible_providers(keys), now=gate.deps.clock())
    rows = _rows(query, window, columns)
    return {"q": query, "columns": columns, "rows": rows, "labels": KIND_LABELS,
            "kinds": EntryKind, "time": lambda i: hhmm(i, query.tz),
            "zone": f"{query.tz.key} ({zone_label(window.start.astimezone(query.tz))})",
            "title": day_label(query.day) + (" – " + day_label(query.day + timedelta(days=6))
                                             if query.view == "week" else ""),
            "refresh": REFRESH_S}


def agenda_page(gate: Gate, who: Who) -> Response:
    context = _grid_context(gate, who)
    query = context["q"]
    assert isinstance(query, Query)
    step = 7 if query.view == "week" else 1
    return render(who, "agenda.html",
                  prev=query.link(day=(query.day - timedelta(days=step)).isoformat()),
                  next=query.link(day=(query.day + timedelta(days=step)).isoformat()),
                  tz_given="tz" in who.request.query_params, **context)


def agenda_grid(gate: Gate, who: Who) -> Response:
    return render(who, "agenda_grid.html", **_grid_context(gate, who))


def agenda_routes(gate: Gate) -> list[Route]:
    return [Route("/agenda", gate.page(partial(agenda_page, gate), area=Area.AGENDA),
                  methods=["GET"]),
            Route("/agenda/grid", gate.page(partial(agenda_grid, gate), area=Area.AGENDA),
                  methods=["GET"])]
