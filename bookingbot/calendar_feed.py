"""Calendar feeds over HTTP: a provider's bookings as a subscribable ``.ics``, and one
booking's ``.ics`` for a customer's "add to calendar" link.

* ``GET /calendar/{provider_key}/{token}.ics``: recent and upcoming bookings of one provider;
  ``token = feed_token(CALENDAR_FEED_SECRET, provider_key)``.
* ``GET /calendar/booking/{booking_id}/{token}.ics``: one booking;
  ``token = feed_token(CALENDAR_FEED_SECRET, "booking:" + booking_id)``.

A wrong token, an unknown provider or booking all answer the same 404 (tokens are
compared in constant time), so the addresses reveal nothing without the secret.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from adapters.calendar.feed import FeedEntry, build_event_ics, build_feed, feed_token
from adapters.calendar.feed import verify_feed_token as verify
from bookingbot.bootstrap import Database, utcnow
from bookingbot.settings import Settings
from channels.mount import ChannelMount
from core.booking import Booking
from core.calendar_sync import event_text
from core.interval import Interval
from core.model import Business
from db.calendar_store import feed_bookings
from db.catalog import load_business
from db.repositories import SqlBookingRepository
from db.uow import session_factory

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]
FEED_PATH = "/calendar/{provider_key}/{token}.ics"
BOOKING_PATH = "/calendar/booking/{booking_id}/{token}.ics"
RECENT = timedelta(days=30)  # past bookings a feed still shows
MEDIA_TYPE = "text/calendar; charset=utf-8"
_MIN_SECRET = 16


def feed_path(secret: bytes, provider_key: str) -> str:
    return f"/calendar/{provider_key}/{feed_token(secret, provider_key)}.ics"


def booking_ics_path(secret: bytes, booking_id: str) -> str:
    """The "add to calendar" path for a confirmation (prefix PUBLIC_BASE_URL)."""
    return f"/calendar/booking/{booking_id}/{feed_token(secret, 'booking:' + booking_id)}.ics"


def booking_link(settings: Settings) -> Callable[[str], str] | None:
    """A booking's "add to calendar" address (``PUBLIC_BASE_URL`` + ``booking_ics_path``) for
    customers' confirmations; None unless CALENDAR_FEED_SECRET and PUBLIC_BASE_URL are set."""
    secret = feed_secret(settings)
    base = (settings.public_base_url or "").strip().rstrip("/")
    if secret is None or not base:
        return None

    def link(booking_id: str) -> str:
        return base + booking_ics_path(secret, booking_id)

    return link


def feed_secret(settings: Settings) -> bytes | None:
    value = settings.calendar_feed_secret
    secret = value.get_secret_value().strip() if value is not None else ""
    if not secret:
        return None
    if len(secret) < _MIN_SECRET:
        log.warning("CALENDAR_FEED_SECRET is short; use 32+ random characters")
    return secret.encode()


def _not_found() -> Response:
    return PlainTextResponse("Not Found", status_code=404)


def _ics(body: bytes, name: str) -> Response:
    return Response(body, media_type=MEDIA_TYPE, headers={
        "Cache-Control": "private, max-age=300",
        "Content-Disposition": f'inline; filename="{name}.ics"'})


def feed_routes(db: Database, secret: bytes, *, clock: Clock = utcnow) -> list[Route]:
    sessions = session_factory(db.engine)

    def provider_feed(request: Request) -> Response:  # sync: Starlette runs it in a thread
        key = str(request.path_params["provider_key"])
        if not verify(secret, key, str(request.path_params["token"])):
            return _not_found()
        now = clock()
        with sessions() as session:
            business = load_business(session)
            provider = business.provider(key) if business is not None else None
            if business is None or provider is None:
                return _not_found()
            window = Interval(now - RECENT,
                              now + timedelta(days=business.rules.max_days_ahead + 1))
            rows = feed_bookings(session, key, window)
        entries = [_entry(business, b, name, changes) for b, name, changes in rows]
        title = f"{provider.name} · {business.name}"
        return _ics(build_feed(entries, name=title, now=now), f"{key}-bookings")

    def booking_file(request: Request) -> Response:
        booking_id = str(request.path_params["booking_id"])
        if not verify(secret, "booking:" + booking_id, str(request.path_params["token"])):
            return _not_found()
        with sessions() as session:
            business = load_business(session)
            booking = SqlBookingRepository(session, clock).get(booking_id)
        if business is None or booking is None:
            return _not_found()
        service = business.service(booking.service_key)
        summary = f"{service.name if service else booking.service_key} at {business.name}"
        entry = FeedEntry(booking, summary, f"Booking {booking.id}")
        return _ics(build_event_ics(entry, now=clock()), "booking")

    return [Route(BOOKING_PATH, booking_file, methods=["GET"]),
            Route(FEED_PATH, provider_feed, methods=["GET"])]


def _entry(business: Business, booking: Booking, customer: str | None,
           changes: int) -> FeedEntry:
    title, description = event_text(business, booking, customer)
    return FeedEntry(booking, title, description, sequence=changes)


def calendar_feed_mount(settings: Settings, db: Database, *,
                        clock: Clock = utcnow) -> ChannelMount | None:
    """The feed routes, or None when CALENDAR_FEED_SECRET is not set."""
    secret = feed_secret(settings)
    if secret is None:
        return None
    return ChannelMount("calendar", feed_routes(db, secret, clock=clock))


__all__ = ["booking_ics_path", "booking_link", "calendar_feed_mount", "feed_path",
           "feed_routes"]
