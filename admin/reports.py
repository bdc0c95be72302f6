"""Reports: bookings, money and rates per provider and service over a date range.

The range is local days in the viewer's zone (this month by default); every figure is
computed in SQL by the read-only ``ReportQueries`` handed in (what counts is
``core.reports``), and only summed up here for the totals. A provider account sees its own
figures only, whatever the query string says. Money is shown in the business currency,
formatted for the browser's language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from functools import partial
from typing import Any

from babel.numbers import format_percent
from starlette.responses import Response
from starlette.routing import Route

from admin.bookings import business_of, money
from admin.chart import Chart, bar_chart
from admin.guard import Gate, Who
from admin.render import render
from admin.viewer import day, day_window, zone
from core.interval import Interval
from core.reports import Figures, ReportLine
from core.staff import Area
from i18n import browser_language
from i18n.formats import locale_of

MAX_DAYS = 366  # a year (and a leap day) per page: the day table stays small


def date_range(params: Any, today: date) -> tuple[date, date]:
    first = day(params.get("from"), today.replace(day=1))
    month_end = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    last = day(params.get("to"), month_end if "from" not in params else first)
    if last < first:
        first, last = last, first
    return first, min(last, first + timedelta(days=MAX_DAYS - 1))


def totals(lines: Iterable[ReportLine], key: Callable[[ReportLine], str]) -> dict[str, Figures]:
    out: dict[str, Figures] = {}
    for line in lines:
        out[key(line)] = out.get(key(line), Figures()).plus(line.figures)
    return out


def named(figures: dict[str, Figures], names: dict[str, str]) -> list[tuple[str, Figures]]:
    """Rows under the names people know, in their order (a key no longer in the file as is)."""
    return sorted(((names.get(k, k), f) for k, f in figures.items()), key=lambda r: r[0])


def _charts(days: list[date], figures: list[Figures], show: Callable[[int], str]) -> list[Chart]:
    labels = [d.isoformat() for d in days]
    counts = [f.bookings for f in figures]
    collected = [f.collected_minor for f in figures]
    return [bar_chart("Bookings per day", labels, counts, [str(c) for c in counts]),
            bar_chart("Collected per day", labels, collected, [show(c) for c in collected])]


def reports_page(gate: Gate, who: Who) -> Response:
    business = business_of(gate)
    reports = gate.deps.reports
    params = who.request.query_params
    tz = zone(params.get("tz"), business.tz)
    first, last = date_range(params, gate.deps.clock().astimezone(tz).date())
    mine = who.me.provider_key
    visible = None if mine is None else (mine,)
    lang = browser_language(who.request.headers.get("accept-language", ""))
    cur = business.currency

    def show(amount: int, currency: str = cur) -> str:
        return money(amount, currency, lang)

    def rate(value: float | None) -> str:
        return "–" if value is None else format_percent(value, "#0.0%", locale=locale_of(lang))

    if reports is None:
        lines, charts = [], []
    else:
        window = Interval(day_window(first, tz).start, day_window(last, tz).end)
        lines = reports.by_provider_service(window, visible)
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        per_day = reports.by_day([day_window(d, tz) for d in days], visible, currency=cur)
        charts = _charts(days, per_day, show)
    ours = [line for line in lines if line.currency == cur]
    providers = {p.key: p.name for p in business.providers}
    services = {s.key: s.name for s in business.services}
    return render(
        who, "reports.html", tz=tz, tz_given="tz" in params, first=first, last=last,
        lines=lines, total=totals(ours, lambda _: "all").get("all", Figures()),
        by_provider=named(totals(ours, lambda x: x.provider_key), providers),
        by_service=named(totals(ours, lambda x: x.service_key), services),
        providers=providers, services=services, charts=charts,
        show=show, rate=rate, currency=cur, others=len(ours) != len(lines),
        wired=reports is not None, mine=mine)


def report_routes(gate: Gate) -> list[Route]:
    return [Route("/reports", gate.page(partial(reports_page, gate), area=Area.REPORTS),
                  methods=["GET"])]
