"""How the machine reads what the runner found or did (the second phase of a step)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot import asked, choosing, fee_texts, intake, manage, replies
from bot import commands as c
from bot.handoff import handed_off
from bot.offers import arrange, booking_line, refund_text, show_page, why_empty
from bot.session import Offer, Purpose, Session, State
from bot.transition import Context, Transition, say
from core.money import Money


def on_result(  # noqa: PLR0911  (a dispatcher: one return per result type)
        session: Session, result: c.Result, now: datetime, ctx: Context) -> Transition:
    match result:
        case c.SlotsFound():
            return _slots(session, result, now, ctx)
        case c.HandedOff():
            return handed_off(session, result, now, ctx)
        case c.Held():
            held = replace(session, hold_id=result.booking_id)
            if session.purpose is Purpose.RESCHEDULE:  # "Move it?" with the new slot held
                return manage.confirm_move(held, result.offer, ctx)
            return intake.after_hold(held, result, ctx)  # its questions, then "Confirm?"
        case c.Booked():
            return _booked(session, result, ctx)
        case c.BookingsListed():
            return manage.listed(session, result.bookings, now, ctx)
        case c.Cancelled():
            what = booking_line(result.booking, ctx, ctx.zone(session), session.lang)
            refund = refund_text(replace(result.booking, refund_minor=result.refund_minor),
                                 session.lang)
            return say(session.reset(), replies.cancelled(what, refund, session.lang))
        case c.Rescheduled():
            what = booking_line(result.booking, ctx, ctx.zone(session), session.lang)
            return say(session.reset(), replies.moved(what, session.lang))
        case c.AnswersSaved():
            return intake.saved(session, result, ctx)
        case c.WaitlistJoined():
            return say(session.reset(), replies.waitlisted(session.lang))
        case c.SeriesBooked():
            return _series(session, result, ctx)
        case c.Failed():
            return _failed(session, result, ctx)
    raise TypeError(f"unknown result {result!r}")  # pragma: no cover


def _slots(session: Session, found: c.SlotsFound, now: datetime, ctx: Context) -> Transition:
    tz = ctx.zone(session)
    offers = arrange(session, found.offers, tz)
    if offers:
        intro = asked.intro(session, offers, ctx, now)
        return show_page(replace(session, offers=offers, page=0), ctx, intro)
    theirs = choosing.provider_empty(session, found, ctx, now)
    if theirs is not None:  # "Jordan isn't working on Mon 8 Dec" + their next free times
        return theirs
    reason = why_empty(session, ctx, now)
    if found.alternatives:
        alts = tuple(found.alternatives[:40])
        return show_page(replace(session, offers=alts, page=0, anchor=None), ctx,
                         replies.nearest_times(reason, session.lang))
    if session.purpose is Purpose.RESCHEDULE:
        return say(replace(session, state=State.ASK_TIME),
                   replies.try_another_time(reason, session.lang))
    return say(replace(session, state=State.OFFER_WAITLIST),
               replies.nothing_fits(reason, session.lang))


def _booked(session: Session, booked: c.Booked, ctx: Context) -> Transition:
    b, lang = booked.booking, session.lang
    service = ctx.service_name(b.service_key, lang)
    start = replies.when(b.start, ctx.zone(session), lang)
    if booked.payment_due_minor > 0 and booked.payment_url:  # held until the webhook says paid
        due = replies.money(Money(booked.payment_due_minor, b.currency), lang)
        until = (replies.clock_zone(booked.payment_until.astimezone(ctx.zone(session)), lang)
                 if booked.payment_until else None)
        return say(session.reset(), replies.pay_to_confirm(
            service=service, start=start, due=due, url=booked.payment_url, until=until,
            test=booked.test_payment, ref=b.reference, lang=lang))
    if booked.payment_url:  # nothing due now: the link saves the card fees are charged to
        until = (replies.clock_zone(booked.payment_until.astimezone(ctx.zone(session)), lang)
                 if booked.payment_until else None)
        return say(session.reset(), fee_texts.save_card_to_confirm(
            service=service, start=start, url=booked.payment_url, until=until,
            test=booked.test_payment, ref=b.reference, lang=lang))
    return say(session.reset(), replies.booked(service=service, start=start,
                                               provider=ctx.provider_name(b.provider_key, lang),
                                               calendar_url=booked.calendar_url,
                                               ref=b.reference, lang=lang))


def _series(session: Session, done: c.SeriesBooked, ctx: Context) -> Transition:
    failed = [replies.series_failure(day, code, session.lang) for day, code in done.failed]
    total = len(done.booked) + len(done.failed)
    if done.payment_url:  # held until the page saves the card the fees are charged to
        until = (replies.clock_zone(done.payment_until.astimezone(ctx.zone(session)),
                                    session.lang) if done.payment_until else None)
        return say(session.reset(), fee_texts.save_card_for_series(
            held=len(done.booked), total=total, failed=failed, url=done.payment_url,
            until=until, test=done.test_payment, lang=session.lang))
    return say(session.reset(), replies.series_done(len(done.booked), total, failed,
                                                    session.lang))


def _failed(session: Session, failed: c.Failed, ctx: Context) -> Transition:
    reason = replies.error(failed.code, session.lang)
    if failed.alternatives:
        offers: tuple[Offer, ...] = tuple(failed.alternatives)
        session = replace(session, offers=offers, page=0, chosen=None)
        return show_page(session, ctx, replies.nearest_free(reason, session.lang))
    if session.state in (State.CONFIRM_CANCEL, State.PICK_BOOKING) or (
            session.purpose is Purpose.INTAKE):
        return say(session.reset(), reason)
    if session.service_key is None:
        return say(session.reset(), reason)
    return say(replace(session, state=State.ASK_TIME, chosen=None),
               replies.what_other_time(reason, session.lang))
