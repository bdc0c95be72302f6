"""Table-driven dialogue tests: (state, text) -> (next state, reply contains ...), pure step."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot import commands as c
from bot.intents import Intent, detect
from bot.machine import step
from bot.messages import InboundMessage
from bot.session import BookingView, Offer, Purpose, Session, State
from bot.transition import Context
from tests.bot.conftest import NOW
from tests.bot.holding import picked

SLOT = datetime(2025, 12, 3, 19, 0, tzinfo=UTC)  # Wed 3 Dec 2:00 PM EST
BOOKING = BookingView("b1", "haircut", "alex", SLOT, 3000, "USD")
OFFERS = tuple(Offer("alex", SLOT + timedelta(minutes=15 * i)) for i in range(7))

ASK_TIME = Session(State.ASK_TIME, Purpose.BOOK, service_key="haircut")
PICK = replace(ASK_TIME, state=State.PICK_SLOT, offers=OFFERS)
CONFIRM = replace(PICK, state=State.CONFIRM_BOOKING, chosen=OFFERS[0])
CONFIRM_CANCEL = Session(State.CONFIRM_CANCEL, Purpose.CANCEL, booking_id="b1",
                         bookings=(BOOKING,))
LATER = replace(BOOKING, id="b2", start=SLOT + timedelta(days=2))
PICK_BOOKING = Session(State.PICK_BOOKING, Purpose.CANCEL, bookings=(BOOKING, LATER))


def msg(text: str, action: str | None = None) -> InboundMessage:
    return InboundMessage("test", "u1", "d1", NOW, text=text, action=action)


CASES = [
    # greet / help / empty / long
    (Session(), "hi", State.IDLE, "I can book, move or cancel"),
    (Session(), "HELLO", State.IDLE, "I can book, move or cancel"),
    (Session(), "", State.IDLE, "I can book, move or cancel"),
    (Session(), "   ", State.IDLE, "I can book, move or cancel"),
    (Session(), "x" * 501, State.IDLE, "under 500"),
    (PICK, "y" * 600, State.PICK_SLOT, "under 500"),
    (Session(), "help", State.IDLE, "What would you like"),
    (ASK_TIME, "help", State.ASK_TIME, "What would you like"),
    # book: service matching with typos, lowercase, fillers
    (Session(), "I'd like a haircut", State.ASK_TIME, "Haircut: when"),
    (Session(), "hair cut pls", State.ASK_TIME, "Haircut: when"),
    (Session(), "a beard trim", State.ASK_TIME, "Beard Trim: when"),
    (Session(), "beard", State.ASK_TIME, "Beard Trim"),
    (Session(), "can i get a haiurcut", State.ASK_TIME, "Haircut: when"),
    (Session(), "book", State.ASK_SERVICE, "Which service"),
    (Session(), "book an appointment", State.ASK_SERVICE, "Which service"),
    (Session(), "haircut tomorrow afternoon", State.PICK_SLOT, ""),
    (Session(), "haircut with jordan tmrw at 3", State.PICK_SLOT, ""),
    (Session(State.ASK_SERVICE, Purpose.BOOK), "colour", State.ASK_TIME, "Colour"),
    (Session(State.ASK_SERVICE, Purpose.BOOK), "2", State.ASK_TIME, "Beard Trim"),
    (Session(State.ASK_SERVICE, Purpose.BOOK), "service:haircut", State.ASK_TIME, "Haircut"),
    (Session(State.ASK_SERVICE, Purpose.BOOK), "pizza", State.ASK_SERVICE, "Which service"),
    # time window
    (ASK_TIME, "tomorrow afternoon", State.PICK_SLOT, ""),
    (ASK_TIME, "fri 10:30", State.PICK_SLOT, ""),
    (ASK_TIME, "whenever lol", State.ASK_TIME, "didn't catch"),
    (ASK_TIME, "asdf", State.ASK_TIME, "e.g."),
    (ASK_TIME, "actually a beard trim", State.ASK_TIME, "Beard Trim: when"),
    # pick a slot
    (PICK, "1", State.PICK_SLOT, ""),  # held first: see test_a_pick_is_held_then_summarised
    (PICK, "slot:2", State.PICK_SLOT, ""),
    (PICK, "more", State.PICK_SLOT, "More times (EST)"),
    (PICK, "next tue at 3", State.PICK_SLOT, ""),
    # confirm
    (CONFIRM, "yes", State.CONFIRM_BOOKING, ""),
    (CONFIRM, "👍", State.CONFIRM_BOOKING, ""),
    (CONFIRM, "OK", State.CONFIRM_BOOKING, ""),
    (CONFIRM, "no", State.ASK_TIME, "No problem"),
    (CONFIRM, "nah", State.ASK_TIME, "No problem"),
    # global fallbacks from inside a flow
    (CONFIRM, "cancel", State.IDLE, "Nothing was changed"),
    (PICK, "never mind", State.IDLE, "Nothing was changed"),
    (PICK, "start over", State.IDLE, "Starting over"),
    (ASK_TIME, "reschedule", State.IDLE, ""),  # -> ListBookings
    (ASK_TIME, "my bookings", State.IDLE, ""),
    (PICK, "talk to a human", State.PICK_SLOT, ""),  # told once delivered: test_handoff
    (ASK_TIME, "I'm in London", State.ASK_TIME, "Europe/London"),
    (Session(), "my timezone is America/Chicago", State.IDLE, "America/Chicago"),
    (Session(), "timezone: Narnia", State.IDLE, "don't know that place"),
    (Session(), "STOP", State.IDLE, "unsubscribed"),
    (Session(opted_out=True), "start", State.IDLE, "Welcome back"),
    # cancel a booking
    (Session(), "cancel", State.IDLE, ""),  # top level: -> ListBookings for cancelling
    (Session(), "cancle my appointment", State.IDLE, ""),
    (PICK_BOOKING, "2", State.CONFIRM_CANCEL, "Cancel Haircut with Alex, Fri 5 Dec"),
    (PICK_BOOKING, "booking:b1", State.CONFIRM_CANCEL, "You'd get 30.00 USD back"),
    (PICK_BOOKING, "whatever", State.PICK_BOOKING, "Please pick one"),
    (CONFIRM_CANCEL, "yes cancel it", State.CONFIRM_CANCEL, ""),
    (CONFIRM_CANCEL, "no", State.IDLE, "kept"),
    # unknown
    (Session(), "what is the meaning of life", State.IDLE, "didn't get that"),
]


@pytest.mark.parametrize(("session", "text", "state", "contains"), CASES)
def test_dialogue(ctx: Context, session: Session, text: str, state: State,
                  contains: str) -> None:
    t = step(session, msg(text), NOW, ctx)
    said = " | ".join(r.text for r in t.replies)
    print(repr(text), "->", t.session.state, said, t.commands)
    assert t.session.state is state
    assert contains in said


COMMANDS = [
    (CONFIRM, "yes", c.Book("haircut", "alex", SLOT)),
    (CONFIRM_CANCEL, "y", c.CancelBooking("b1")),
    (Session(), "my bookings", c.ListBookings()),
    (Session(), "cancel", c.ListBookings()),
    (PICK, "get me a person", c.NotifyHuman("get me a person")),
    (Session(), "I'm in Tokyo", c.SetTimezone("Asia/Tokyo")),
    (Session(), "stop", c.SetOptOut(True)),
]


@pytest.mark.parametrize(("session", "text", "command"), COMMANDS)
def test_commands(ctx: Context, session: Session, text: str, command: c.Command) -> None:
    assert step(session, msg(text), NOW, ctx).commands == (command,)


def test_bare_time_is_a_window_nearest_first(ctx: Context) -> None:
    t = step(ASK_TIME, msg("tomorrow at 3pm"), NOW, ctx)
    (find,) = t.commands
    assert isinstance(find, c.FindSlots)
    assert find.start < datetime(2025, 12, 3, 20, 0, tzinfo=UTC) < find.end
    offers = tuple(Offer("alex", find.start + timedelta(minutes=15 * i)) for i in range(12))
    shown = step(t.session, c.SlotsFound(offers), NOW, ctx)
    assert shown.replies[0].choices[0].label == "Wed 3 Dec 3:00 PM"


def test_part_of_day_filters_week(ctx: Context) -> None:
    t = step(ASK_TIME, msg("any time next week in the morning"), NOW, ctx)
    assert t.session.part_of_day == "morning"


def test_recurring_goes_to_series(ctx: Context) -> None:
    t = step(Session(), msg("haircut every tuesday at 10 for 6 weeks"), NOW, ctx)
    assert t.session.state is State.CONFIRM_SERIES
    assert "6 times" in t.replies[0].text
    done = step(t.session, msg("yes"), NOW, ctx)
    (cmd,) = done.commands
    assert isinstance(cmd, c.BookSeries)
    assert cmd.count == 6


def test_empty_window_offers_alternatives_then_waitlist(ctx: Context) -> None:
    t = step(ASK_TIME, msg("sunday"), NOW, ctx)
    alt = step(t.session, c.SlotsFound((), OFFERS[:2]), NOW, ctx)
    assert "outside our opening hours" in alt.replies[0].text
    assert alt.session.state is State.PICK_SLOT
    none = step(t.session, c.SlotsFound(()), NOW, ctx)
    assert none.session.state is State.OFFER_WAITLIST
    join = step(none.session, msg("yes"), NOW, ctx)
    assert isinstance(join.commands[0], c.JoinWaitlist)


def test_past_time_gives_reason(ctx: Context) -> None:
    t = step(ASK_TIME, msg("today at 8am"), NOW, ctx)
    alt = step(t.session, c.SlotsFound((), OFFERS[:1]), NOW, ctx)
    assert "already passed" in alt.replies[0].text


def test_slot_taken_between_offer_and_confirm(ctx: Context) -> None:
    t = step(CONFIRM, c.Failed("slot_taken", OFFERS[3:5]), NOW, ctx)
    assert t.session.state is State.PICK_SLOT
    assert "that slot just went" in t.replies[0].text


def test_idle_timeout_resets_politely(ctx: Context) -> None:
    old = replace(PICK, updated_at=NOW - timedelta(hours=2))
    t = step(old, msg("1"), NOW, ctx)
    assert "timed out" in t.replies[0].text
    assert t.session.state is State.IDLE


def test_session_round_trips_json() -> None:
    s = replace(CONFIRM_CANCEL, offers=OFFERS, chosen=OFFERS[1], window=(SLOT, SLOT),
                updated_at=NOW, tz="Europe/London")
    assert Session.from_json(s.to_json()) == s


def test_customer_zone_named_on_every_time(ctx: Context) -> None:
    london = replace(PICK, tz="Europe/London")
    t = picked(london, "1", NOW, ctx)
    assert "Wed 3 Dec 7:00 PM GMT" in t.replies[0].text


@pytest.mark.parametrize(("text", "index", "contains"), [
    ("1", 0, "Haircut with Alex, Wed 3 Dec 2:00 PM EST"), ("slot:2", 2, "2:30 PM EST")])
def test_a_pick_is_held_then_summarised(ctx: Context, text: str, index: int,
                                        contains: str) -> None:
    t = step(PICK, msg(text), NOW, ctx)
    assert t.commands == (c.HoldSlot("haircut", "alex", OFFERS[index].start),)
    assert t.replies == ()  # nothing is said before the slot is safely held
    done = picked(PICK, text, NOW, ctx)
    assert done.session.state is State.CONFIRM_BOOKING
    assert done.session.hold_id == "hold-1"
    assert contains in done.replies[0].text
    assert "Confirm?" in done.replies[0].text


@pytest.mark.parametrize(("text", "state"), [
    ("no", State.ASK_TIME), ("tomorrow at 4pm", State.PICK_SLOT), ("start over", State.IDLE),
    ("cancel", State.IDLE), ("my bookings", State.IDLE)])
def test_leaving_confirm_releases_the_hold(ctx: Context, text: str, state: State) -> None:
    confirming = picked(PICK, "1", NOW, ctx).session
    t = step(confirming, msg(text), NOW, ctx)
    assert t.session.state is state
    assert t.commands[0] == c.ReleaseHold("hold-1")  # first: the slot is free before a search
    assert t.session.hold_id is None


def test_yes_confirms_the_hold_and_a_question_keeps_it(ctx: Context) -> None:
    confirming = picked(PICK, "1", NOW, ctx).session
    yes = step(confirming, msg("yes"), NOW, ctx)
    assert yes.commands == (c.Book("haircut", "alex", OFFERS[0].start, hold_id="hold-1"),)
    aside = step(confirming, msg("help"), NOW, ctx)
    assert not any(isinstance(cmd, c.ReleaseHold) for cmd in aside.commands)


def test_an_idle_timeout_releases_the_hold(ctx: Context) -> None:
    confirming = replace(picked(PICK, "1", NOW, ctx).session, updated_at=NOW)
    later = NOW + timedelta(hours=1)
    t = step(confirming, InboundMessage("test", "u1", "d2", later, text="hi"), later, ctx)
    assert c.ReleaseHold("hold-1") in t.commands


@pytest.mark.parametrize(("text", "intent"), [
    ("list", Intent.LIST),  # the menu's "My bookings" button payload
    ("cancel my booking", Intent.CANCEL),
    ("change my booking", Intent.RESCHEDULE),
    ("move my appointment to friday", Intent.RESCHEDULE),
    ("my bookings", Intent.LIST),
])
def test_menu_payloads_and_booking_verbs_reach_their_intent(text: str, intent: Intent) -> None:
    assert detect(text) is intent


def test_talk_to_a_human_asks_the_runner_to_hand_off(ctx: Context) -> None:
    t = step(PICK, msg("talk to a human"), NOW, ctx)
    assert t.commands == (c.NotifyHuman("talk to a human"),)
    told = step(t.session, c.HandedOff(("slack",), recorded=True), NOW, ctx)
    assert told.session.handoff
    assert "A person will answer here" in told.replies[0].text
    assert step(told.session, msg("hello?"), NOW, ctx).replies == ()  # quiet from now on
