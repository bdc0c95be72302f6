"""Time off with the conflict report, and the waitlist, over HTTP (their pages' content)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from core.booking import Actor, Booking
from core.interval import Interval
from core.staff import Role
from core.usecases.booking import available_slots, confirm, hold_slot
from core.usecases.waitlist import join_waitlist
from db.conversations import SqlCustomerDirectory
from db.provider_queries import SqlProviderQueries
from tests.admin.conftest import PAID_NOW, Site, csrf_of, http_login

NEW_YORK = ZoneInfo("America/New_York")  # Alex's zone


def alex_haircut(site: Site, sender: str) -> Booking:
    customer = SqlCustomerDirectory(site.db.sessions).identify("console", sender, now=PAID_NOW)
    window = Interval(PAID_NOW + timedelta(hours=3), PAID_NOW + timedelta(hours=20))
    slot = available_slots(site.db.uow(), service_key="haircut", provider_key="alex",
                           window=window, now=PAID_NOW)[0]
    actor = Actor("customer", customer.id, "console")
    hold = hold_slot(site.db.uow(), service_key="haircut", provider_key="alex",
                     start=slot.start, customer_id=customer.id, actor=actor, now=PAID_NOW)
    return confirm(site.db.uow(), hold.id, actor=actor, now=PAID_NOW)


def _local(instant: object) -> str:
    return instant.astimezone(NEW_YORK).strftime("%Y-%m-%dT%H:%M")  # type: ignore[attr-defined]


def test_time_off_over_a_booking_reports_it_then_force_and_remove(paid_site: Site) -> None:
    booking = alex_haircut(paid_site, "in-the-way")
    alex = paid_site.account("alex@example.com", Role.PROVIDER, provider="alex")
    span = {"provider": "alex", "start": _local(booking.start - timedelta(minutes=30)),
            "end": _local(booking.end + timedelta(minutes=30)), "note": "dentist",
            "tz": "America/New_York"}
    with http_login(paid_site, alex) as client:
        token = csrf_of(client.get("/admin/timeoff").text)
        refused = client.post("/admin/timeoff", data={"csrf_token": token, **span})
        assert refused.status_code == 409
        assert "That time overlaps bookings" in refused.text
        assert booking.start.astimezone(NEW_YORK).strftime("%H:%M") in refused.text
        assert "Block it anyway" in refused.text
        with paid_site.db.uow() as uow:
            window = Interval(booking.start - timedelta(hours=1), booking.end + timedelta(hours=1))
            assert SqlProviderQueries().time_off(uow, "alex", window) == []  # nothing blocked
        forced = client.post("/admin/timeoff", data={"csrf_token": token, "force": "yes", **span})
        assert forced.status_code == 303
        with paid_site.db.uow() as uow:
            (block,) = SqlProviderQueries().time_off(uow, "alex", window)
        assert block.note == "dentist"
        assert block.span.start == booking.start - timedelta(minutes=30)
        listed = client.get("/admin/timeoff?tz=America/New_York").text
        assert "dentist" in listed
        # Another provider's calendar cannot be touched by a tampered form.
        stranger = client.post("/admin/timeoff", data={"csrf_token": token, **span,
                                                       "provider": "sam"})
        assert stranger.status_code == 404
        removed = client.post("/admin/timeoff/remove", data={
            "csrf_token": token, "provider": "alex", "block": str(block.id)})
        assert removed.status_code == 303
        with paid_site.db.uow() as uow:
            assert SqlProviderQueries().time_off(uow, "alex", window) == []


def test_the_waitlist_lists_who_waits_for_what(paid_site: Site) -> None:
    customer = SqlCustomerDirectory(paid_site.db.sessions).identify(
        "console", "patient", now=PAID_NOW)
    window = Interval(PAID_NOW + timedelta(days=1), PAID_NOW + timedelta(days=2))
    join_waitlist(paid_site.db.uow(), customer_id=customer.id, channel="console",
                  service_key="color", provider_key="sam", window=window, now=PAID_NOW)
    owner = paid_site.account("owner@example.com", Role.OWNER)
    with http_login(paid_site, owner) as client:
        page = client.get("/admin/waitlist?tz=America/Chicago").text
    assert "Hair Colour" in page
    assert "console patient" in page
    alex = paid_site.account("alex@example.com", Role.PROVIDER, provider="alex")
    with http_login(paid_site, alex) as client:
        assert "console patient" not in client.get("/admin/waitlist").text  # Sam's customer
