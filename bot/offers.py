"""Turning time windows into slot searches, and slot offers into short, pickable replies."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import commands as c
from bot import fee_texts, replies
from bot.session import BookingView, Offer, Session, State
from bot.timeparse import TimeWindow
from bot.transition import Context, Transition, say
from core.money import Money
from core.timeutil import local_date
from i18n import say_n

PAGE = 5
MAX_OFFERS = 40
# A bare time ("3pm") is a window: a little before and after, nearest first.
AROUND_BEFORE = timedelta(hours=1)
AROUND_AFTER = timedelta(hours=2)
PARTS = {"morning": (5, 12), "afternoon": (12, 17), "evening": (17, 24), "night": (17, 24),
         "lunchtime": (11, 14), "lunch": (11, 14)}


def window_of(tw: TimeWindow) -> tuple[datetime, datetime, datetime | None, str | None]:
    """(start, end, anchor, part of day to filter by) for a parsed time."""
    start, end = tw.start.astimezone(UTC), tw.end.astimezone(UTC)
    if start == end:  # an instant: search around it, show the nearest first
        return start - AROUND_BEFORE, start + AROUND_AFTER, start, None
    # The part is kept even when it is the window itself: a later bare day keeps it.
    return start, end, None, tw.part_of_day


def search(session: Session, tw: TimeWindow, *, state: State = State.PICK_SLOT) -> Transition:
    """Remember the window and ask the runner for the free slots in it."""
    start, end, anchor, part = window_of(tw)
    return find(replace(session, window=(start, end), anchor=anchor, part_of_day=part), state)


def find(session: Session, state: State = State.PICK_SLOT) -> Transition:
    """Ask the runner for the free slots in the window the session remembers."""
    service_key = session.service_key
    assert service_key is not None
    assert session.window is not None
    start, end = session.window
    session = replace(session, state=state, offers=(), page=0, chosen=None)
    return say(session, commands=(c.FindSlots(service_key, session.provider_key, start, end,
                                              near=session.anchor, part=session.part_of_day,
                                              tz=session.tz),))


def in_part(offer: Offer, tz: ZoneInfo, part: str | None) -> bool:
    if part not in PARTS:
        return True
    lo, hi = PARTS[part or ""]
    return lo <= offer.start.astimezone(tz).hour < hi


def arrange(session: Session, offers: tuple[Offer, ...], tz: ZoneInfo) -> tuple[Offer, ...]:
    kept = [o for o in offers if in_part(o, tz, session.part_of_day)]
    if session.anchor is not None:
        anchor = session.anchor
        kept.sort(key=lambda o: (abs(o.start - anchor), o.start))
    return tuple(kept[:MAX_OFFERS])


def show_page(session: Session, ctx: Context, intro: str) -> Transition:
    tz = ctx.zone(session)
    first = session.page * PAGE
    page = session.offers[first:first + PAGE]
    lang = session.lang
    zone = replies.zone_label(page[0].start.astimezone(tz)) if page else tz.key
    labels = [(replies.short_when(o.start, tz, lang), f"slot:{first + i}")
              for i, o in enumerate(page)]
    more = first + PAGE < len(session.offers)
    text = replies.offers_intro(intro, zone, lang)
    return say(replace(session, state=State.PICK_SLOT),
               replies.offers_text(text, labels, more=more, lang=lang))


def summary(session: Session, ctx: Context, offer: Offer) -> Transition:
    service = ctx.business.service(session.service_key or "")
    assert service is not None
    due = service.amount_due_upfront
    lang = session.lang
    deposit = service.deposit if service.deposit.amount_minor and due == service.deposit else None
    reply = replies.summary(
        service=service.name_in(lang), provider=ctx.provider_name(offer.provider_key, lang),
        start=replies.when(offer.start, ctx.zone(session), lang),
        price=replies.price_line(service.price, deposit, lang),
        # Nothing is paid before the visit, so there is nothing to refund: no policy quoted.
        policy=replies.policy_line(ctx.business.policy, lang) if due.amount_minor > 0 else "",
        due=replies.money(due, lang) if due.amount_minor > 0 else None, lang=lang)
    reply = fee_texts.with_fee_policy(reply, service, lang)
    return say(replace(session, state=State.CONFIRM_BOOKING, chosen=offer), reply)


def why_empty(session: Session, ctx: Context, now: datetime) -> str:
    """The most useful reason a window had no free slot (most specific first)."""
    code = empty_code(session, ctx, now)
    if code is None:
        return ""
    return horizon(ctx, now, session.lang) if code == "horizon" else replies.error(
        code, session.lang)


def empty_code(session: Session, ctx: Context, now: datetime) -> str | None:
    """Why the remembered window had no free slot, as an error code ("horizon": past the
    booking horizon); None when no window is remembered."""
    if session.window is None:
        return None
    start, end = session.window
    rules = ctx.business.rules
    if end <= now or (session.anchor is not None and session.anchor <= now):
        return "in_the_past"
    if start > now + timedelta(days=rules.max_days_ahead):
        return "horizon"
    if end <= now + rules.min_notice:
        return "too_soon"
    if not open_during(ctx, session, start, end):
        return "outside_hours"
    return "day_full" if end - start <= timedelta(days=1) else "nothing_in_window"


def horizon(ctx: Context, now: datetime, lang: str | None) -> str:
    """How far ahead one can book, with the last day named."""
    days = ctx.business.rules.max_days_ahead
    last = local_date(now, ctx.business.tz) + timedelta(days=days)
    return say_n(lang, "We take bookings up to {n} day ahead, until {day}.",
                 "We take bookings up to {n} days ahead, until {day}.", days,
                 day=replies.day_label(last, lang))


def open_during(ctx: Context, session: Session, start: datetime, end: datetime) -> bool:
    """True when some provider for the service (the session's provider, when one is asked
    for) has opening hours overlapping the window."""
    providers = [p for p in ctx.business.providers_for(session.service_key or "")
                 if session.provider_key in (None, p.key)]
    for p in providers:
        day = local_date(start, p.tz)
        while day <= local_date(end, p.tz):
            hours, _ = p.hours_on(day)
            for span in hours.spans:
                lo = datetime.combine(day, span.start, p.tz)
                hi = datetime.combine(day, span.end, p.tz) if span.end.hour or span.end.minute \
                    else datetime.combine(day + timedelta(days=1), span.end, p.tz)
                if lo < end and start < hi:
                    return True
            day += timedelta(days=1)
    return False


def booking_label(view: BookingView, ctx: Context, tz: ZoneInfo,
                  lang: str | None = None) -> str:
    return f"{ctx.service_name(view.service_key, lang)} {replies.short_when(view.start, tz, lang)}"


def booking_line(view: BookingView, ctx: Context, tz: ZoneInfo,
                 lang: str | None = None) -> str:
    return replies.booking_line(ctx.service_name(view.service_key, lang),
                                ctx.provider_name(view.provider_key, lang),
                                replies.when(view.start, tz, lang), lang)


def refund_text(view: BookingView, lang: str | None = None) -> str | None:
    if view.refund_minor <= 0:
        return None
    return replies.money(Money(view.refund_minor, view.currency), lang)
