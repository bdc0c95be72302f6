"""core.notifications without a database: reminder timing, quiet hours, who hears what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from core.booking import Booking, BookingStatus
from core.events import BookingCancelled, BookingConfirmed, SlotFreed
from core.interval import Interval
from core.notifications import (
    Audience,
    BookingFacts,
    Kind,
    Recipient,
    in_quiet_hours,
    notices_for,
    plan_reminders,
    reminder_due,
)

H24, H1 = timedelta(hours=24), timedelta(hours=1)
NY = ZoneInfo("America/New_York")
ZONES = [ZoneInfo(z) for z in ("America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
                               "Europe/London", "UTC")]
START = datetime(2030, 3, 10, 14, 0, tzinfo=UTC)  # a DST change day in New York


def who(channel: str = "telegram", tz: ZoneInfo = NY, **kw: object) -> Recipient:
    return Recipient(Audience.CUSTOMER, channel, "42", tz, **kw)  # type: ignore[arg-type]


def plan(now: datetime, *, channel: str = "telegram", tz: ZoneInfo = NY,
         done: frozenset[timedelta] = frozenset(), since: datetime | None = None,
         start: datetime = START) -> tuple[timedelta | None, dict[timedelta, str]]:
    p = plan_reminders(start=start, offsets=(H24, H1), now=now, who=who(channel, tz),
                       since=since or start - timedelta(days=7), done=done)
    return p.send, dict(p.skip)


def test_due_ones_in_order_and_nothing_before() -> None:
    assert plan(START - H24 - timedelta(seconds=1)) == (None, {})
    assert plan(START - H24) == (H24, {})
    assert plan(START - H1, done=frozenset({H24})) == (H1, {})
    assert plan(START - H1 + timedelta(minutes=5), done=frozenset({H24, H1})) == (None, {})


def test_after_downtime_only_the_shortest_due_one_is_sent() -> None:
    assert plan(START - timedelta(minutes=10)) == (H1, {H24: "superseded"})


def test_never_at_or_after_the_start() -> None:
    assert plan(START) == (None, {})
    assert plan(START + timedelta(minutes=1)) == (None, {})


def test_booked_late_reminders_are_skipped() -> None:
    booked = START - timedelta(hours=3)
    assert plan(booked, since=booked) == (None, {H24: "booked_late"})
    assert plan(START - H1, since=booked, done=frozenset({H24})) == (H1, {})


def test_sms_quiet_hours_move_a_reminder_earlier() -> None:
    early = datetime(2030, 3, 12, 12, 30, tzinfo=UTC)  # 08:30 EDT: the 1 h one is 07:30
    due = reminder_due(early, H1, who("sms"))
    assert due.astimezone(NY).strftime("%d %H:%M") == "11 20:59"
    assert reminder_due(early, H1, who("telegram")) == early - H1
    # Due at 20:59 the evening before, the 24 h one having gone out that morning.
    assert plan(due, channel="sms", start=early, done=frozenset({H24})) == (H1, {})


def test_a_reminder_due_in_quiet_hours_now_waits_or_is_dropped() -> None:
    early = datetime(2030, 3, 12, 12, 30, tzinfo=UTC)  # 08:30 EDT
    booked = datetime(2030, 3, 12, 3, 0, tzinfo=UTC)  # 23:00 EDT the night before
    assert plan(booked, channel="sms", start=early, since=booked) == (None,
                                                                        {H24: "booked_late"})
    at_eight = datetime(2030, 3, 12, 12, 0, tzinfo=UTC)  # 08:00 EDT: quiet is over
    assert plan(at_eight, channel="sms", start=early, since=booked,
                done=frozenset({H24})) == (H1, {})
    seven_thirty = datetime(2030, 3, 12, 11, 45, tzinfo=UTC)  # 07:45: quiet until after 08:00?
    assert plan(seven_thirty, channel="sms", start=datetime(2030, 3, 12, 11, 59, tzinfo=UTC),
                since=booked, done=frozenset({H24})) == (None, {H1: "quiet_until_start"})


@given(st.datetimes(min_value=datetime(2030, 1, 1), max_value=datetime(2031, 1, 1),
                    timezones=st.just(UTC)),
       st.sampled_from(ZONES),
       st.sampled_from([timedelta(seconds=90), H1, timedelta(hours=3), H24]))
def test_sms_reminders_never_fall_due_in_quiet_hours(start: datetime, tz: ZoneInfo,
                                                    offset: timedelta) -> None:
    due = reminder_due(start, offset, who("sms", tz))
    assert due <= start - offset
    assert not in_quiet_hours(due, tz)
    assert start - offset - due <= timedelta(hours=11, minutes=1)


@given(st.datetimes(min_value=datetime(2030, 3, 1), max_value=datetime(2030, 3, 20),
                    timezones=st.just(UTC)),
       st.sampled_from(["sms", "telegram"]))
def test_plan_never_sends_at_or_after_the_start(now: datetime, channel: str) -> None:
    send, _ = plan(now, channel=channel)
    if send is not None:
        assert now < START
        assert START - send <= now + timedelta(hours=11, minutes=1)


def _facts(changed_by: str, *, opted_out: bool = False) -> BookingFacts:
    b = Booking("b1", "alice", "cut", "c1", "telegram", START, START + H1,
                Interval(START, START + H1), BookingStatus.CONFIRMED, START - H24,
                paid_minor=1000)
    return BookingFacts(b, who(opted_out=opted_out),
                        Recipient(Audience.PROVIDER, "slack", "U1", NY), "Cut", "Alice",
                        changed_by=changed_by)


def test_the_party_who_made_the_change_is_not_told_again() -> None:
    kinds = [(n.kind, n.recipient.audience) for n in
             notices_for(BookingCancelled("b1", "customer", 500), _facts("customer"), tag="e1")]
    assert kinds == [(Kind.CANCELLED, Audience.PROVIDER), (Kind.REFUND_ISSUED, Audience.CUSTOMER)]
    assert notices_for(SlotFreed("b1", "alice", "cut", START, START + H1), _facts("system"),
                       tag="e2") == []


def test_opted_out_customers_get_no_notice_at_all() -> None:
    notices = notices_for(BookingConfirmed("b1"), _facts("system", opted_out=True), tag="e1")
    assert [n.recipient.audience for n in notices] == [Audience.PROVIDER]


def test_keys_are_stable_and_distinct() -> None:
    a = notices_for(BookingConfirmed("b1"), _facts("system"), tag="e1")
    b = notices_for(BookingConfirmed("b1"), _facts("system"), tag="e1")
    assert [n.key for n in a] == [n.key for n in b]
    assert len({n.key for n in a}) == len(a) == 3
