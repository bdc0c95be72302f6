"""State handlers for the customer's existing bookings: list, cancel, reschedule.

Only the customer's own bookings ever reach the session (the runner lists them by the
customer id), and every change is confirmed before the command is issued.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot import commands as c
from bot import fee_texts, intake, intents, replies, smalltalk
from bot.booking_texts import listing_line
from bot.offers import booking_label, booking_line, refund_text
from bot.session import BookingView, Offer, Purpose, Session, State
from bot.transition import Context, Transition, say


def listed(session: Session, bookings: tuple[BookingView, ...], now: datetime,
           ctx: Context) -> Transition:
    """The runner's answer to ListBookings, read according to why we asked."""
    tz = ctx.zone(session)
    if session.purpose is Purpose.GREET:
        return smalltalk.greeted(session, bookings, ctx)
    if session.purpose is Purpose.INTAKE:
        return intake.listed(session, bookings, ctx)
    if not bookings:
        return say(session.reset(), replies.no_bookings(session.lang))
    if session.purpose not in (Purpose.CANCEL, Purpose.RESCHEDULE):
        lines = [f"{i}. {listing_line(session.lang, booking_line(b, ctx, tz, session.lang), b, tz)}"
                 for i, b in enumerate(bookings, 1)]
        return say(session.reset(), replies.bookings_list(lines, session.lang))
    session = replace(session, bookings=bookings)
    named = _named_in_request(session, now, ctx)
    if len(bookings) == 1 or named is not None:
        return _chosen(session, named or bookings[0], now, ctx)
    action = "cancel" if session.purpose is Purpose.CANCEL else "move"
    labels = [(booking_label(b, ctx, tz, session.lang), f"booking:{b.id}")
              for b in bookings[:9]]
    return say(replace(session, state=State.PICK_BOOKING),
               replies.pick_booking(action, labels, session.lang))


def _named_in_request(session: Session, now: datetime, ctx: Context) -> BookingView | None:
    """"cancel the one on the 22nd": the request itself names the booking to cancel. (A
    reschedule's text names the *new* time, so it is not read as picking a booking.)"""
    if session.purpose is not Purpose.CANCEL or not session.pending_text:
        return None
    return _by_time(session, session.pending_text, now, ctx)


def _chosen(session: Session, booking: BookingView, now: datetime, ctx: Context) -> Transition:
    tz = ctx.zone(session)
    if session.purpose is Purpose.INTAKE:
        return intake.start_edit(session, booking, ctx)
    session = replace(session, booking_id=booking.id, service_key=booking.service_key,
                      provider_key=booking.provider_key)
    what = booking_line(booking, ctx, tz, session.lang)
    if session.purpose is Purpose.CANCEL:
        reply = replies.confirm_cancel(what, refund_text(booking, session.lang), session.lang)
        reply = fee_texts.with_late_fee(reply, booking.fee_minor, booking.currency, session.lang)
        return say(replace(session, state=State.CONFIRM_CANCEL, pending_text=None), reply)
    asking = replace(session, state=State.ASK_TIME)
    if asking.pending_text and ctx.parse_time(asking.pending_text, now=now, tz=tz):
        return say(asking)  # the machine reads the pending time next (bot.machine.step)
    return say(replace(asking, pending_text=None), replies.ask_new_time(what, session.lang))


def on_pick_booking(session: Session, text: str, now: datetime, ctx: Context) -> Transition:
    if text.startswith("booking:"):
        booking = session.booking(text.removeprefix("booking:"))
    else:
        idx = intents.pick_number(text, len(session.bookings))
        booking = session.bookings[idx] if idx is not None else _by_time(session, text, now, ctx)
    if booking is None:
        action = {Purpose.CANCEL: "cancel", Purpose.INTAKE: "answers"}.get(
            session.purpose or Purpose.RESCHEDULE, "move")
        tz = ctx.zone(session)
        labels = [(booking_label(b, ctx, tz, session.lang), f"booking:{b.id}")
                  for b in session.bookings]
        return say(session, replies.pick_booking(action, labels, session.lang, again=True))
    return _chosen(session, booking, now, ctx)


def _by_time(session: Session, text: str, now: datetime, ctx: Context) -> BookingView | None:
    """'the friday one' / 'the haircut' / its reference: pick one when exactly one matches."""
    words = set(intents.normalise(text).upper().split())
    by_ref = [b for b in session.bookings if b.reference in words]
    if len(by_ref) == 1:
        return by_ref[0]
    tw = ctx.parse_time(text, now=now, tz=ctx.zone(session))
    if tw is not None:
        hits = [b for b in session.bookings if tw.start <= b.start < max(tw.end, tw.start) or
                b.start == tw.start]
        if len(hits) == 1:
            return hits[0]
    services = intents.match_services(text, ctx.business.services)
    hits = [b for b in session.bookings if services and b.service_key == services[0].key]
    return hits[0] if len(hits) == 1 else None


def on_confirm_cancel(session: Session, text: str, _now: datetime, _ctx: Context) -> Transition:
    if intents.is_yes(text) and session.booking_id:
        return say(session, commands=(c.CancelBooking(session.booking_id),))
    if intents.is_no(text):
        return say(session.reset(), replies.kept(session.lang))
    return say(session, replies.cancel_yes_or_no(session.lang))


def confirm_move(session: Session, offer: Offer, ctx: Context) -> Transition:
    booking = session.booking(session.booking_id)
    tz = ctx.zone(session)
    lang = session.lang
    old = replies.when(booking.start, tz, lang) if booking else replies.your_booking(lang)
    reply = replies.confirm_move(old, replies.when(offer.start, tz, lang), lang)
    return say(replace(session, state=State.CONFIRM_RESCHEDULE, chosen=offer), reply)


def on_confirm_reschedule(session: Session, text: str, _now: datetime,
                          _ctx: Context) -> Transition:
    if intents.is_yes(text) and session.booking_id and session.chosen:
        offer = session.chosen
        return say(session, commands=(c.RescheduleBooking(
            session.booking_id, offer.provider_key, offer.start, hold_id=session.hold_id),))
    if intents.is_no(text):
        ask = replies.ask_new_time(replies.your_booking(session.lang), session.lang)
        return say(replace(session, state=State.ASK_TIME, chosen=None), ask)
    return say(session, replies.move_yes_or_no(session.lang))
