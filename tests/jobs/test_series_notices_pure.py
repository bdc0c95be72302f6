"""core.series_notices without a database: who hears about a series, about which dates, under
which key; a date confirmed with its series tells nobody on its own (its money still does)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from core.booking import Booking, BookingStatus
from core.events import BookingConfirmed, SeriesConfirmed
from core.interval import Interval
from core.notifications import Audience, BookingFacts, Kind, Notice, Recipient, notices_for
from core.series_notices import series_dates, series_notices
from db.codec import encode
from jobs.events import decode_event

H1 = timedelta(hours=1)
NY = ZoneInfo("America/New_York")
TUE = datetime(2030, 3, 5, 10, tzinfo=UTC)
EVENT = SeriesConfirmed("b0", "s1", ("b0", "b1", "b2"))


def _facts(i: int, provider: str, address: str, *, changed_by: str = "system",
           opted_out: bool = False) -> BookingFacts:
    start = TUE + timedelta(weeks=i)
    b = Booking(f"b{i}", provider, "cut", "c1", "telegram", start, start + H1,
                Interval(start, start + H1), BookingStatus.CONFIRMED, TUE - timedelta(days=9),
                series_id="s1")
    return BookingFacts(b, Recipient(Audience.CUSTOMER, "telegram", "42", NY,
                                     opted_out=opted_out),
                        Recipient(Audience.PROVIDER, "slack", address, NY), "Cut",
                        provider.title(), changed_by=changed_by)


def _told(notices: Sequence[Notice]) -> list[tuple[str, str, list[str]]]:
    return [(n.recipient.audience.value, n.recipient.address,
             [d.booking_id for d in series_dates(n)]) for n in notices]


def test_one_notice_per_person_each_listing_their_dates_in_order() -> None:
    facts = [_facts(2, "bob", "U2"), _facts(0, "alice", "U1"), _facts(1, "alice", "U1")]
    notices = series_notices(EVENT, facts)
    assert _told(notices) == [("customer", "42", ["b0", "b1", "b2"]),
                              ("provider", "U1", ["b0", "b1"]), ("provider", "U2", ["b2"])]
    assert {n.kind for n in notices} == {Kind.SERIES_CONFIRMED}
    assert [(n.booking_id, n.start) for n in notices] == [("b0", TUE), ("b0", TUE),
                                                          ("b2", TUE + timedelta(weeks=2))]
    (bob,) = series_dates(notices[2])
    assert (bob.start, bob.provider_key, bob.provider_name) == (TUE + timedelta(weeks=2),
                                                                "bob", "Bob")


def test_a_shared_provider_channel_hears_once_about_every_date() -> None:
    facts = [_facts(0, "alice", "C1"), _facts(1, "bob", "C1"), _facts(2, "alice", "C1")]
    assert _told(series_notices(EVENT, facts))[1:] == [("provider", "C1", ["b0", "b1", "b2"])]


def test_the_one_who_confirmed_in_the_chat_and_the_opted_out_hear_nothing() -> None:
    mine = [_facts(i, "alice", "U1", changed_by="customer") for i in range(3)]
    assert [a for a, _, _ in _told(series_notices(EVENT, mine))] == ["provider"]
    quiet = [_facts(i, "alice", "U1", opted_out=True) for i in range(3)]
    assert [a for a, _, _ in _told(series_notices(EVENT, quiet))] == ["provider"]


def test_keys_follow_the_series_and_the_recipient_not_the_order() -> None:
    facts = [_facts(i, "alice", "U1") for i in range(3)]
    a = series_notices(EVENT, facts)
    b = series_notices(SeriesConfirmed("b0", "s1", ("b2", "b1", "b0")), facts[::-1])
    assert [n.key for n in a] == [n.key for n in b]
    assert len({n.key for n in a}) == 2
    assert "series:s1" in a[0].key


def test_a_date_confirmed_with_its_series_tells_nobody_but_its_money_still_does() -> None:
    facts = _facts(0, "alice", "U1")
    paid = replace(facts, booking=replace(facts.booking, paid_minor=1000))
    assert [n.kind for n in notices_for(BookingConfirmed("b0", series_id="s1"), paid,
                                        tag="e1")] == [Kind.PAYMENT_RECEIVED]
    assert [n.kind for n in notices_for(BookingConfirmed("b0"), paid, tag="e1")] == [
        Kind.CONFIRMED, Kind.CONFIRMED, Kind.PAYMENT_RECEIVED]


def test_the_events_survive_the_outbox_round_trip() -> None:
    assert decode_event("SeriesConfirmed", encode(EVENT)) == EVENT
    marked = BookingConfirmed("b0", series_id="s1")
    assert decode_event("BookingConfirmed", encode(marked)) == marked
    # A row written before the field existed reads as a booking of its own.
    assert decode_event("BookingConfirmed", {"booking_id": "b0"}) == BookingConfirmed("b0")
