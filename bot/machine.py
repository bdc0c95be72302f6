"""The conversation as an explicit state table and a pure ``step`` function.

``step(session, input, now, ctx) -> Transition`` does no I/O. Where it needs data (free
slots, the customer's bookings) it returns a command; the runner executes it through a core
use case and calls ``step`` again with the result. Diagram: bot/diagram.md.

Global fallbacks, checked in every state before the state's own handler:
- a bare "cancel" / "never mind" inside a flow abandons the flow (nothing is changed);
  at the top level "cancel" starts cancelling a booking, and "cancel my booking" always does;
- "start over", "help", "stop"/"start", "talk to a human", "I'm in London", "my bookings";
- a language asked for ("español", "auf Deutsch", "/language"): bot.language_switch;
- naming another flow ("reschedule", "book") mid-flow switches to it: people change their mind.
Answers the current state is waiting for (yes/no, a number, "more") win over these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import (
    choosing,
    deeplink,
    flows,
    intake,
    intents,
    language_switch,
    picks,
    replies,
    smalltalk,
)
from bot import commands as c
from bot.answers import answer_question
from bot.commands import Result
from bot.flows import HANDLERS
from bot.handoff import while_handed_off
from bot.intents import Intent
from bot.messages import InboundMessage, Reply
from bot.results import on_result
from bot.session import Purpose, Session, State
from bot.transition import Context, Transition, say
from bot.zones import zone_request

__all__ = ["Context", "Input", "Transition", "step"]

Input = InboundMessage | Result
_CONFIRMING = {State.CONFIRM_BOOKING, State.CONFIRM_CANCEL, State.CONFIRM_RESCHEDULE,
               State.CONFIRM_SERIES, State.OFFER_WAITLIST}
_PICKING = {State.PICK_SLOT, State.PICK_BOOKING, State.ASK_SERVICE}
# Where "same person as last time" chooses the provider of the booking being made.
_CHOOSING = {State.IDLE, State.ASK_SERVICE, State.ASK_TIME, State.PICK_SLOT,
             State.CONFIRM_BOOKING, State.OFFER_WAITLIST}
# The states in which the hold on the chosen slot is kept (intake questions come before
# "Confirm?", on the same hold).
_CONFIRMING_HOLD = {State.CONFIRM_BOOKING, State.CONFIRM_RESCHEDULE, State.ANSWER_INTAKE}


def step(session: Session, message: Input, now: datetime, ctx: Context) -> Transition:
    """The whole conversation logic; deterministic in (session, message, now, ctx)."""
    if isinstance(message, c.ProviderRecalled):
        return _recalled(session, message, now, ctx)
    if not isinstance(message, InboundMessage):
        return _pending_time(on_result(session, message, now, ctx), now, ctx)
    prefix: tuple[Reply, ...] = ()
    before = session
    if session.idle_since(now):
        session, prefix = session.reset(), (replies.simple(replies.timed_out(session.lang)),)
    t = _release_left_hold(before, _pending_time(_on_message(session, message, now, ctx),
                                                 now, ctx))
    return Transition(t.session.touched(now), prefix + t.replies, t.commands)


def _release_left_hold(before: Session, t: Transition) -> Transition:
    """The hold taken at "Confirm?" ends as soon as the conversation leaves that question
    without booking -- a no, a new time or service, a restart, the idle timeout -- so the
    slot is offered to others again at once (its expiry would free it later anyway)."""
    held = before.hold_id
    if held is None:
        return t
    booking = any(isinstance(cmd, c.Book | c.RescheduleBooking) and cmd.hold_id == held
                  for cmd in t.commands)
    if booking or (t.session.state in _CONFIRMING_HOLD and t.session.hold_id == held):
        return t
    return Transition(replace(t.session, hold_id=None), t.replies,
                      (c.ReleaseHold(held), *t.commands))


def _pending_time(t: Transition, now: datetime, ctx: Context) -> Transition:
    """"move it to fri at 3": once the booking to move is known, the time said with the
    request is used as the answer to "what new time?" instead of asking for it again."""
    pending = t.session.pending_text
    if t.session.state is not State.ASK_TIME or not pending:
        return t
    nxt = flows.on_ask_time(replace(t.session, pending_text=None), pending, now, ctx)
    return Transition(nxt.session, t.replies + nxt.replies, t.commands + nxt.commands)


def _on_message(session: Session, message: InboundMessage, now: datetime,
                ctx: Context) -> Transition:
    text = (message.action or message.text or "").strip()
    if len(text) > replies.MAX_INPUT:
        return say(session, replies.too_long(session.lang))
    if not text:
        return say(session, replies.help_text(ctx.business, session.lang))
    # A hand-off or a deep link first; then "español", "in English please", "/language":
    # switched at once, the flow kept; then the answers the current state is waiting for.
    first = (_handed_off_or_linked(session, message, text, now, ctx)
             or language_switch.on_text(session, text, now, ctx)
             or (_by_state(session, text, now, ctx) if _state_answer_first(session, text, ctx)
                 else None))
    if first is not None:
        return first
    aside = _recall_or_aside(session, text, now, ctx)
    if aside is not None:
        return aside
    fallback = _global(session, text, now, ctx)
    return fallback or _by_state(session, text, now, ctx)


def _handed_off_or_linked(session: Session, message: InboundMessage, text: str,
                          now: datetime, ctx: Context) -> Transition | None:
    if session.handoff:  # a person answers here now (bot.handoff)
        quiet = while_handed_off(session, text, ctx)
        if quiet is not None:
            return quiet
    if (link := deeplink.start_payload(message.action)) is not None:  # an entry point's link
        return deeplink.opened_with(session, link, now, ctx)
    return None


def _recall_or_aside(session: Session, text: str, now: datetime,
                     ctx: Context) -> Transition | None:
    if session.state in _CHOOSING and choosing.wants_recall(session, text, ctx):
        return choosing.recall(session, text)  # read again once we know who (_recalled)
    # A receptionist question ("are you open sunday?") is answered from the business file
    # and the flow carries on where it was (bot.answers).
    # "hi", "thanks!", "ok" mid-flow: a short answer, then the pending question again.
    return (answer_question(session, text, now, ctx)
            or smalltalk.answer(session, text, now, ctx))


def _recalled(session: Session, found: c.ProviderRecalled, now: datetime,
              ctx: Context) -> Transition:
    """"Same person as last time": now that the runner said who that was, the message is
    read again, as if the customer had named them."""
    known, text, note = choosing.recalled(session, found, ctx)
    again = InboundMessage("recall", "", "", now, text=text)
    t = _release_left_hold(session, _pending_time(_on_message(known, again, now, ctx),
                                                  now, ctx))
    return Transition(t.session, (note, *t.replies), t.commands)


def _state_answer_first(session: Session, text: str, ctx: Context) -> bool:
    if session.state is State.ANSWER_INTAKE:
        return intake.answers_first(session, text, ctx)
    if session.state in _CONFIRMING:
        return intents.is_yes(text) or intents.is_no(text)
    if session.state in _PICKING:
        return (intents.is_more(text) or intents.pick_number(text, 99) is not None
                or (session.state is State.PICK_SLOT and picks.describes(text, session.lang))
                or (":" in text and text.split(":", 1)[0] in {"slot", "booking", "service"}))
    return False


def _global(  # noqa: PLR0911  (one early return per global intent reads best)
        session: Session, text: str, now: datetime, ctx: Context) -> Transition | None:
    in_flow = session.state is not State.IDLE
    if in_flow and intents.is_abort(text):
        return say(session.reset(), replies.aborted(session.lang))
    intent = intents.detect(text)
    if intent is Intent.TIMEZONE or zone_request(text)[0]:
        return _set_zone(session, text, now)
    simple = _SIMPLE.get(intent) if intent else None
    if simple is not None:
        return simple(session, text, ctx)
    if intent is Intent.INTAKE:  # "change my answers": their upcoming bookings first
        return say(replace(session.reset(), purpose=Purpose.INTAKE), commands=(c.ListBookings(),))
    if intent is Intent.LIST:
        return say(replace(session.reset(), purpose=None), commands=(c.ListBookings(),))
    if intent in (Intent.CANCEL, Intent.RESCHEDULE):
        purpose = Purpose.CANCEL if intent is Intent.CANCEL else Purpose.RESCHEDULE
        pending = text  # the request may already say which booking, or the new time
        return say(replace(session.reset(), purpose=purpose, pending_text=pending),
                   commands=(c.ListBookings(),))
    if intent is Intent.WAITLIST:
        return flows.start_booking(_waitlist(session), text, now, ctx)
    if intent is Intent.BOOK and session.purpose not in (None, Purpose.BOOK, Purpose.WAITLIST):
        return flows.start_booking(session.reset(), text, now, ctx)
    return None


def _waitlist(session: Session) -> Session:
    """"Put me on the waitlist for that day": what the flow already knows (service, person,
    time) is kept; the request itself may still change any of it."""
    fresh = replace(session.reset(), purpose=Purpose.WAITLIST)
    if session.purpose not in (Purpose.BOOK, Purpose.WAITLIST):
        return fresh
    return replace(fresh, service_key=session.service_key, provider_key=session.provider_key,
                   window=session.window, anchor=session.anchor,
                   part_of_day=session.part_of_day)


def _help(session: Session, _text: str, ctx: Context) -> Transition:
    return say(session, replies.help_text(ctx.business, session.lang))


def _restart(session: Session, _text: str, ctx: Context) -> Transition:
    return say(session.reset(), replies.simple(replies.restarted(session.lang)),
               replies.help_text(ctx.business, session.lang))


def _stop(session: Session, _text: str, _ctx: Context) -> Transition:
    return say(replace(session.reset(), opted_out=True), replies.stopped(session.lang),
               commands=(c.SetOptOut(True),))


def _start(session: Session, _text: str, _ctx: Context) -> Transition:
    return say(replace(session, opted_out=False), replies.started(session.lang),
               commands=(c.SetOptOut(False),))


def _human(session: Session, text: str, _ctx: Context) -> Transition:
    # What the customer is told depends on where it reached (bot.handoff.handed_off).
    return say(session, commands=(c.NotifyHuman(text),))


def _greet(session: Session, text: str, ctx: Context) -> Transition | None:
    return _help(session, text, ctx) if session.state is State.IDLE else None


_SIMPLE: dict[Intent, Callable[[Session, str, Context], Transition | None]] = {
    Intent.HELP: _help, Intent.RESTART: _restart, Intent.STOP: _stop, Intent.START: _start,
    Intent.HUMAN: _human, Intent.GREET: _greet,
}


def _set_zone(session: Session, text: str, now: datetime) -> Transition:
    _, zone = zone_request(text)
    if zone is None:
        return say(session, replies.unknown_zone(session.lang))
    local = now.astimezone(ZoneInfo(zone))
    label = replies.clock_zone(local, session.lang)
    return say(replace(session, tz=zone), replies.zone_set(zone, label, session.lang),
               commands=(c.SetTimezone(zone),))


def _by_state(session: Session, text: str, now: datetime, ctx: Context) -> Transition:
    return HANDLERS[session.state](session, text, now, ctx)
