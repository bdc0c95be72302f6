"""State handlers for booking: service -> time window -> slot -> summary -> confirm.

Each handler is (session, text, now, ctx) -> Transition and does no I/O. The table at the
bottom is the state table; bot/manage.py holds the cancel/reschedule handlers.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot import choosing, intake, intents, manage, memory, picks, replies
from bot import commands as c
from bot.intents import Intent
from bot.offers import find, show_page
from bot.recurring import parse_series
from bot.session import Offer, Purpose, Session, State
from bot.timeparse import TimeWindow
from bot.transition import Context, Handler, Transition, say
from core.model import Service


def _parse(text: str, now: datetime, ctx: Context, session: Session) -> TimeWindow | None:
    return ctx.parse_time(text, now=now, tz=ctx.zone(session))


def _zone(session: Session, now: datetime, ctx: Context) -> str:
    return replies.zone_label(now.astimezone(ctx.zone(session)))


def _with_provider(session: Session, text: str, ctx: Context) -> Session:
    return choosing.with_provider(session, text, ctx)


def _services(text: str, ctx: Context) -> list[Service]:
    return intents.match_services(text, ctx.business.services)


def _named_or_only(text: str, ctx: Context) -> list[Service]:
    """The services a message names; a business with one service never asks which."""
    found = _services(text, ctx)
    return found or (list(ctx.business.services) if len(ctx.business.services) == 1 else [])


def start_booking(session: Session, text: str, now: datetime, ctx: Context) -> Transition:
    """Start (or restart) a booking from whatever the first message already says."""
    session = replace(session, purpose=session.purpose or Purpose.BOOK)
    series = parse_series(text, now=now, tz=ctx.zone(session), parse=ctx.parse_time)
    if series is not None:
        session = replace(session, purpose=Purpose.SERIES, series=series)
    session = _with_provider(session, text, ctx)
    found = _named_or_only(text, ctx)
    known = ctx.business.service(session.service_key or "")
    if not found and known is not None:  # kept from the flow before ("waitlist for then")
        found = [known]
    if len(found) != 1:
        tw = memory.read_time(session, text, now, ctx)
        if tw is not None:  # kept for when the service is named
            session = memory.remember(session, tw)
        return _ask_service(replace(session, state=State.ASK_SERVICE), found, ctx)
    return _after_service(replace(session, service_key=found[0].key), text, now, ctx)


def _ask_service(session: Session, found: list[Service], ctx: Context) -> Transition:
    if len(found) > 1:
        ask = replies.ask_service(ctx.business, session.lang)
        names = [s.name_in(session.lang) for s in found]
        return say(session, replace(ask, text=replies.which_service(names, session.lang)))
    return say(session, replies.ask_service(ctx.business, session.lang))


def _after_service(session: Session, text: str, now: datetime, ctx: Context) -> Transition:
    """With a service known: confirm a series, or search the time already given, or ask."""
    if session.purpose is Purpose.SERIES and session.series is not None:
        # The service's questions first (once for every date), then "Book them all?".
        return intake.before_series(session, ctx)
    tw = memory.read_time(session, text, now, ctx)
    if tw is not None:
        return _got_window(session, tw, ctx)
    if session.window is not None:  # the time was said before the service
        return _go(session, ctx)
    session, note = choosing.check_offers(session, ctx)
    ask = replies.ask_time(ctx.service_name(session.service_key, session.lang),
                           _zone(session, now, ctx), session.lang)
    return say(replace(session, state=State.ASK_TIME), *note, ask)


def _got_window(session: Session, tw: TimeWindow, ctx: Context) -> Transition:
    return _go(memory.remember(session, tw), ctx)


def _go(session: Session, ctx: Context) -> Transition:
    """Service and time known: join the waitlist for it, or look for free slots (with a
    provider who does the service: "Jordan doesn't do Colour; Alex does.")."""
    session, note = choosing.check_offers(session, ctx)
    if session.purpose is Purpose.WAITLIST and session.window and session.service_key:
        start, end = session.window
        return say(session, *note, commands=(
            c.JoinWaitlist(session.service_key, session.provider_key, start, end),))
    t = find(session)
    return Transition(t.session, note + t.replies, t.commands)


def on_idle(session: Session, text: str, now: datetime, ctx: Context) -> Transition:
    wants_booking = (intents.detect(text) is Intent.BOOK or _services(text, ctx)
                     or choosing.names_someone(text, ctx)
                     or parse_series(text, now=now, tz=ctx.zone(session), parse=ctx.parse_time)
                     or memory.read_time(session, text, now, ctx) is not None)
    if wants_booking:
        return start_booking(session, text, now, ctx)
    return say(session, replies.not_understood_help(ctx.business, session.lang))


def on_ask_service(session: Session, text: str, now: datetime, ctx: Context) -> Transition:
    if text.startswith("service:"):
        found = [s for s in ctx.business.services if s.key == text.removeprefix("service:")]
    else:
        idx = intents.pick_number(text, len(ctx.business.services))
        found = [ctx.business.services[idx]] if idx is not None else _services(text, ctx)
    session = _with_provider(session, text, ctx)
    if len(found) != 1:
        tw = memory.read_time(session, text, now, ctx)
        return _ask_service(memory.remember(session, tw) if tw else session, found, ctx)
    return _after_service(replace(session, service_key=found[0].key), text, now, ctx)


def on_ask_time(session: Session, text: str, now: datetime, ctx: Context) -> Transition:
    before = session
    session = _with_provider(session, text, ctx)
    found = _services(text, ctx)
    if len(found) == 1 and found[0].key != session.service_key:
        session = replace(session, service_key=found[0].key)  # changed their mind
    tw = memory.read_time(session, text, now, ctx)
    if tw is not None:
        return _got_window(session, tw, ctx)
    changed = ((session.service_key, session.provider_key) != (before.service_key,
                                                               before.provider_key)
               or choosing.names_someone(text, ctx))  # "anyone": look again, even if so
    if changed and session.window is not None:  # same time, other service or person
        return _go(session, ctx)
    if len(found) == 1:
        name = found[0].name_in(session.lang)
        return say(session, replies.ask_time(name, _zone(session, now, ctx), session.lang))
    return say(session, replies.unclear_time(session.lang))


def on_pick_slot(session: Session, text: str, now: datetime, ctx: Context) -> Transition:
    if intents.is_more(text):
        if (session.page + 1) * 5 >= len(session.offers):
            return say(session, replies.no_more_offers(session.lang))
        return show_page(replace(session, page=session.page + 1), ctx, "")
    idx = picks.chosen(session, text, now, ctx)  # a number, "the first one", "9:30", "yes"
    if isinstance(idx, Transition):
        return idx
    if idx is not None:
        return hold_for_confirm(session, session.offers[idx])
    window = picks.shift(session, text, now, ctx)  # "something later?"
    if window is not None:
        return _go(replace(session, window=window, anchor=None, part_of_day=None), ctx)
    return on_ask_time(session, text, now, ctx)  # a new time or a different service


def hold_for_confirm(session: Session, offer: Offer) -> Transition:
    """Hold the picked slot first; the summary ("Confirm?", or "Move it?" when
    rescheduling) follows once it is held (bot.results), so the customer's yes cannot lose
    it to someone faster."""
    assert session.service_key is not None  # a slot was offered for a service
    return say(replace(session, chosen=offer),
               commands=(c.HoldSlot(session.service_key, offer.provider_key, offer.start,
                                    keep_provider=session.provider_key is not None),))


def on_confirm_booking(session: Session, text: str, now: datetime, ctx: Context) -> Transition:
    if intents.is_yes(text) and session.chosen and session.service_key:
        offer = session.chosen
        answers = session.answers if session.answers_for == session.service_key else ()
        return say(session, commands=(c.Book(session.service_key, offer.provider_key,
                                             offer.start, hold_id=session.hold_id,
                                             answers=answers),))
    if intents.is_no(text):
        ask = replies.ask_time_again(ctx.service_name(session.service_key, session.lang),
                                     _zone(session, now, ctx), session.lang)
        return say(replace(session, state=State.ASK_TIME, chosen=None), ask)
    return on_ask_time(session, text, now, ctx)


def on_offer_waitlist(session: Session, text: str, now: datetime, ctx: Context) -> Transition:
    if intents.is_yes(text) and session.window and session.service_key:
        start, end = session.window
        return say(session, commands=(c.JoinWaitlist(session.service_key, session.provider_key,
                                                     max(start, now), end),))
    if intents.is_no(text):
        return say(replace(session, state=State.ASK_TIME), replies.other_time(session.lang))
    return on_ask_time(session, text, now, ctx)


def on_confirm_series(session: Session, text: str, now: datetime, ctx: Context) -> Transition:
    s = session.series
    if intents.is_yes(text) and s is not None and session.service_key:
        answers = session.answers if session.answers_for == session.service_key else ()
        return say(session, commands=(c.BookSeries(
            session.service_key, session.provider_key, s.first_day, s.at,
            ctx.zone(session).key, s.count, s.every_weeks, answers=answers),))
    if intents.is_no(text):
        return say(session.reset(), replies.kept(session.lang))
    return start_booking(session.reset(), text, now, ctx)


HANDLERS: dict[State, Handler] = {
    State.IDLE: on_idle,
    State.ASK_SERVICE: on_ask_service,
    State.ASK_TIME: on_ask_time,
    State.PICK_SLOT: on_pick_slot,
    State.CONFIRM_BOOKING: on_confirm_booking,
    State.OFFER_WAITLIST: on_offer_waitlist,
    State.CONFIRM_SERIES: on_confirm_series,
    State.ANSWER_INTAKE: intake.on_answer,
    State.PICK_BOOKING: manage.on_pick_booking,
    State.CONFIRM_CANCEL: manage.on_confirm_cancel,
    State.CONFIRM_RESCHEDULE: manage.on_confirm_reschedule,
}
