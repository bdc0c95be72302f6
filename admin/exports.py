"""CSV exports for the accountant: bookings and money movements over a date range.

Streamed: rows are written as the database cursor yields them (``StreamingResponse`` over
a generator), so a year of bookings never sits in memory. Times are ISO 8601 in UTC plus a
column in the chosen zone; amounts in major units with the currency. A cell a spreadsheet
would run as a formula (``=``, ``+``, ``-``, ``@`` first) is prefixed with ``'``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import timedelta
from decimal import Decimal
from functools import partial
from zoneinfo import ZoneInfo

from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from admin.guard import Gate, Who
from admin.render import render
from admin.viewer import day, zone
from core.interval import Interval
from core.listing import BookingFilter, BookingLine, MoneyLine
from core.money import exponent
from core.staff import Area
from core.timeutil import local_midnight

BOOKING_COLUMNS = ("booking_id", "start_utc", "start_local", "end_utc", "provider", "service",
                   "status", "channel", "customer", "currency", "price", "due", "paid",
                   "refunded", "created_utc")
MONEY_COLUMNS = ("kind", "at_utc", "at_local", "booking_id", "amount", "currency", "status",
                 "stripe_id", "payment_intent", "livemode")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _major(amount_minor: int, currency: str) -> str:
    return str(Decimal(amount_minor).scaleb(-exponent(currency)))


def _csv(header: Iterable[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for n, row in enumerate(rows, 1):
        writer.writerow([_cell(v) for v in row])
        if n % 200 == 0:  # a chunk every 200 rows: small writes, bounded memory
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _booking_row(b: BookingLine, tz: ZoneInfo) -> list[object]:
    return [b.id, b.start.isoformat(), b.start.astimezone(tz).isoformat(), b.end.isoformat(),
            b.provider_key, b.service_key, b.status, b.channel, b.customer, b.currency,
            _major(b.price_minor, b.currency), _major(b.due_minor, b.currency),
            _major(b.paid_minor, b.currency), _major(b.refunded_minor, b.currency),
            b.created_at.isoformat()]


def _money_row(m: MoneyLine, tz: ZoneInfo) -> list[object]:
    live = "" if m.livemode is None else ("live" if m.livemode else "test")
    return [m.kind, m.at.isoformat(), m.at.astimezone(tz).isoformat(), m.booking_id,
            _major(m.amount_minor, m.currency), m.currency, m.status, m.stripe_id,
            m.payment_intent, live]


def _range(gate: Gate, who: Who) -> tuple[Interval, ZoneInfo, str]:
    params = who.request.query_params
    with gate.deps.uow() as uow:
        business_tz = uow.business().tz
    tz = zone(params.get("tz"), business_tz)
    today = gate.deps.clock().astimezone(tz).date()
    first = day(params.get("from"), today.replace(day=1))
    last = max(first, day(params.get("to"), today))
    span = Interval(local_midnight(first, tz), local_midnight(last + timedelta(days=1), tz))
    return span, tz, f"{first.isoformat()}_{last.isoformat()}"


def _download(lines: Iterator[str], name: str) -> StreamingResponse:
    return StreamingResponse(lines, media_type="text/csv; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="{name}"'})


def exports_page(gate: Gate, who: Who) -> Response:
    span, tz, _ = _range(gate, who)
    last = (span.end.astimezone(tz) - timedelta(days=1)).date()
    return render(who, "exports.html", first=span.start.astimezone(tz).date().isoformat(),
                  last=last.isoformat(), tz=tz, tz_given="tz" in who.request.query_params)


def bookings_csv(gate: Gate, who: Who) -> Response:
    span, tz, label = _range(gate, who)
    rows = gate.deps.lists.stream_bookings(BookingFilter(start=span.start, end=span.end,
                                                         limit=None))
    return _download(_csv(BOOKING_COLUMNS, (_booking_row(b, tz) for b in rows)),
                     f"bookings_{label}.csv")


def payments_csv(gate: Gate, who: Who) -> Response:
    span, tz, label = _range(gate, who)
    rows = gate.deps.lists.stream_money(span.start, span.end)
    return _download(_csv(MONEY_COLUMNS, (_money_row(m, tz) for m in rows)),
                     f"payments_{label}.csv")


def export_routes(gate: Gate) -> list[Route]:
    area = Area.EXPORTS
    return [Route(path, gate.page(partial(handler, gate), area=area), methods=["GET"])
            for path, handler in (("/exports", exports_page),
                                  ("/exports/bookings.csv", bookings_csv),
                                  ("/exports/payments.csv", payments_csv))]
