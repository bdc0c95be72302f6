"""A recurring series is told once per person, not once per date: the provider's Slack
channel gets one alert and the customer one confirmation listing every date, each in the
recipient's own zone with the zone named (here across both DST changes), in the customer's
language; the outbox row dispatched again sends nothing more; a single booking still gets
exactly its own messages. The jobs are built as ``bookingbot worker`` builds them (the Slack
alert renderer included), senders are the recording doubles; both backends."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, update

from core.booking import Booking, BookingStatus
from core.model import Business
from core.usecases import book_series, confirm_series
from core.usecases.provider import booking_ref
from db.bookings import B as BOOKINGS
from db.outbox import OUTBOX
from tests.jobs.harness import PROVIDER_CHANNEL, Clock, World
from tests.jobs.seams import (
    Changes,
    checkout,
    customer_actor,
    hold,
    pay,
    settle,
    worker_world,
)
from tests.payments.fee_kit import fee_business

LONDON = ZoneInfo("Europe/London")
# "every tuesday at 10 for 8 weeks" in Alice's zone, from 5 March 2030: New York moves to
# summer time on 10 March, London on 31 March, so the customer's zone changes name and
# offset mid-series and the provider's once.
FIRST = date(2030, 3, 5)
TUESDAYS = [datetime(2030, 3, 5, 10, tzinfo=UTC), datetime(2030, 3, 12, 10, tzinfo=UTC),
            datetime(2030, 3, 19, 10, tzinfo=UTC), datetime(2030, 3, 26, 10, tzinfo=UTC),
            datetime(2030, 4, 2, 9, tzinfo=UTC), datetime(2030, 4, 9, 9, tzinfo=UTC),
            datetime(2030, 4, 16, 9, tzinfo=UTC), datetime(2030, 4, 23, 9, tzinfo=UTC)]


def _business() -> Business:
    """The salon with a card-on-file service ("flow"), booking up to four months ahead."""
    base = fee_business()
    return replace(base, rules=replace(base.rules, max_days_ahead=120))


def _world(jengine: Engine, jobs_url: str, clock: Clock, changes: Changes | None = None) -> World:
    return worker_world(jengine, jobs_url, clock, business=_business(), on_change=changes)


def _ana(w: World) -> str:
    """A Spanish-speaking customer in New York."""
    ana = w.customer(sender="41", name="Ana", tz="America/New_York")
    with w.uow() as u:
        u.customers.set_lang(ana, "es", "explicit")
        u.commit()
    return ana


def _series(w: World, customer_id: str, service: str) -> list[Booking]:
    out = book_series(w.uow(), service_key=service, provider_key="alice", first_day=FIRST,
                      at=time(10), tz=LONDON, count=8, customer_id=customer_id,
                      actor=customer_actor(customer_id), now=w.clock())
    assert out.failed == []
    assert [b.start for b in out.booked] == TUESDAYS
    return out.booked


def _mine(w: World, bookings: list[Booking]) -> list[Booking]:
    with w.uow() as u:
        found = [u.bookings.get(b.id) for b in bookings]
    return [b for b in found if b is not None]


def _alerts(w: World) -> list[str]:
    return [s.text for s in w.sent("slack") if s.address == PROVIDER_CHANNEL
            and s.text.startswith(("New booking", "New series"))]


def _dispatch_again(w: World) -> None:
    """Every outbox row handed out once more, as if its "done" mark had been lost after its
    notifications were stored (a retry, a second worker taking over the lease)."""
    with w.engine.begin() as conn:
        conn.execute(update(OUTBOX).values(status="pending", next_attempt_at=w.clock()))
    before = len(w.rows())
    report = w.jobs.run_once()
    assert report["events"] > 0  # they were dispatched again...
    assert len(w.rows()) == before  # ...and made no notification that was not there
    assert report["sent"] == 0


def test_a_series_saved_by_its_card_is_one_message_each_for_customer_and_provider(
        jengine: Engine, jobs_url: str, clock: Clock) -> None:
    w = _world(jengine, jobs_url, clock)
    ana = _ana(w)
    held = _series(w, ana, "flow")
    pay(w, checkout(w, held[0]), held[0])  # the card saved on the first date's page
    dates = _mine(w, held)
    assert [b.status for b in dates] == [BookingStatus.CONFIRMED] * 8
    settle(w)

    (told,) = [s.text for s in w.sent("telegram") if s.address == "41"]
    assert told == "\n".join([
        "Confirmadas: Flow con Alice, 8 fechas:",
        "- mar 5 mar, 5:00 (EST)", "- mar 12 mar, 6:00 (EDT)", "- mar 19 mar, 6:00 (EDT)",
        "- mar 26 mar, 6:00 (EDT)", "- mar 2 abr, 5:00 (EDT)", "- mar 9 abr, 5:00 (EDT)",
        "- mar 16 abr, 5:00 (EDT)", "- mar 23 abr, 5:00 (EDT)",
        'Escribe "mis reservas" cuando quieras.'])

    (alert,) = _alerts(w)
    refs = [booking_ref(b.id) for b in dates]
    assert alert == (
        "New series: Flow with Alice, 8 dates, for Ana (telegram). Card on file."
        f"\n• Tue 5 Mar 10:00 AM GMT ref `{refs[0]}`\n• Tue 12 Mar 10:00 AM GMT ref `{refs[1]}`"
        f"\n• Tue 19 Mar 10:00 AM GMT ref `{refs[2]}`\n• Tue 26 Mar 10:00 AM GMT ref `{refs[3]}`"
        f"\n• Tue 2 Apr 10:00 AM BST ref `{refs[4]}`\n• Tue 9 Apr 10:00 AM BST ref `{refs[5]}`"
        f"\n• Tue 16 Apr 10:00 AM BST ref `{refs[6]}`\n• Tue 23 Apr 10:00 AM BST ref `{refs[7]}`")
    (buttons,) = [s.choices for s in w.sent("slack") if s.text == alert]
    assert buttons == (("Message customer", f"provider:message:{dates[0].id}"),)
    assert w.sent_kinds()[("booking_confirmed", "customer")] == 0
    assert w.sent_kinds()[("booking_confirmed", "provider")] == 0

    _dispatch_again(w)
    assert len([s for s in w.sent("telegram") if s.address == "41"]) == 1
    assert len(_alerts(w)) == 1


def test_a_series_confirmed_in_the_chat_is_one_alert_and_per_date_reminders(
        jengine: Engine, jobs_url: str, clock: Clock) -> None:
    changes = Changes()
    w = _world(jengine, jobs_url, clock, changes)
    ann = w.customer()
    held = _series(w, ann, "cut")
    done = confirm_series(w.uow(), held[0].series_id or "", actor=customer_actor(ann),
                          now=clock())
    assert [b.id for b in done] == [b.id for b in held]
    settle(w)

    (alert,) = _alerts(w)
    assert alert.startswith("New series: Haircut with Alice, 8 dates, for Ann (telegram).\n• "
                            "Tue 5 Mar 10:00 AM GMT ref `")
    assert alert.count("\n• ") == 8
    # The customer confirmed in the chat, which answered them: the worker adds nothing.
    assert [s for s in w.sent("telegram") if s.address == "42"] == []
    assert changes.seen == ["alice"]  # the provider's App Home: refreshed once, not 8 times

    # Reminders stay per booking: the day before the first date, that date's alone.
    clock.set(TUESDAYS[0].replace(day=4, hour=11))
    settle(w)
    reminders = [r for r in w.rows() if r["kind"] == "reminder" and r["status"] == "sent"]
    assert [r["booking_id"] for r in reminders] == [held[0].id]

    _dispatch_again(w)
    assert len(_alerts(w)) == 1


def test_a_single_booking_still_gets_its_own_messages(
        jengine: Engine, jobs_url: str, clock: Clock) -> None:
    w = _world(jengine, jobs_url, clock)
    ana = _ana(w)
    held = hold(w, ana, TUESDAYS[0], service="flow")  # one date, its card saved: as before
    pay(w, checkout(w, held), held)
    settle(w)
    (told,) = [s.text for s in w.sent("telegram") if s.address == "41"]
    assert told == 'Confirmada: Flow con Alice, mar 5 mar, 5:00 (EST). Escribe "mis reservas" ' \
                   "cuando quieras."
    ref = booking_ref(held.id)
    assert _alerts(w) == ["New booking: Flow with Alice, Tue 5 Mar 10:00 AM GMT, for Ana "
                          f"(telegram). Card on file. ref `{ref}`"]
    (buttons,) = [s.choices for s in w.sent("slack") if s.text in _alerts(w)]
    assert [payload for _, payload in buttons] == [f"provider:cancel:{held.id}",
                                                   f"provider:message:{held.id}",
                                                   f"provider:noshow:{held.id}"]
    assert {str(r["kind"]) for r in w.rows()} == {"booking_confirmed", "daily_agenda"}
    _dispatch_again(w)
    assert len(w.sent("telegram")) == 1
    assert len(_alerts(w)) == 1


def test_a_date_whose_slot_went_before_the_card_was_saved_is_named_to_the_customer(
        jengine: Engine, jobs_url: str, clock: Clock) -> None:
    w = _world(jengine, jobs_url, clock)
    ana = _ana(w)
    held = _series(w, ana, "flow")
    lapsed = held[3]
    with w.engine.begin() as conn:  # its hold ran out and the expiry sweep released it...
        conn.execute(update(BOOKINGS).where(BOOKINGS.c.id == lapsed.id).values(
            status="expired", hold_expires_at=clock()))
    bob = w.customer(sender="43", name="Bob")
    hold(w, bob, TUESDAYS[3], service="flow")  # ...and somebody else took the time
    pay(w, checkout(w, held[0]), held[0])
    settle(w)

    (told,) = [s.text for s in w.sent("telegram") if s.address == "41"]
    assert told == "\n".join([
        "Confirmadas: Flow con Alice, 7 fechas:",
        "- mar 5 mar, 5:00 (EST)", "- mar 12 mar, 6:00 (EDT)", "- mar 19 mar, 6:00 (EDT)",
        "- mar 2 abr, 5:00 (EDT)", "- mar 9 abr, 5:00 (EDT)", "- mar 16 abr, 5:00 (EDT)",
        "- mar 23 abr, 5:00 (EDT)",
        "1 fecha no se pudo mantener (la hora se ocupó mientras tanto):",
        "- mar 26 mar, 6:00 (EDT)",
        'Escribe "mis reservas" cuando quieras.'])
    (alert,) = _alerts(w)  # the provider's alert lists what is booked, nothing else
    assert alert.startswith("New series: Flow with Alice, 7 dates, for Ana (telegram).")
    assert "could not" not in alert
    _dispatch_again(w)
    assert len([s for s in w.sent("telegram") if s.address == "41"]) == 1
