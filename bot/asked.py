"""Why the time the customer asked for is not the first one offered (issue 13.6): taken,
not a start time we use, outside the hours, too soon or past. The offers are then the
nearest free ones around it, before and after."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import replies
from bot.session import Offer, Session
from bot.transition import Context
from i18n import say


def intro(session: Session, offers: tuple[Offer, ...], ctx: Context, now: datetime) -> str:
    """'Haircut, free times', or 'Sorry, 9:15 AM is taken. Nearest free times'."""
    lang, anchor = session.lang, session.anchor
    service = ctx.service_name(session.service_key, lang)
    if anchor is None or any(o.start == anchor for o in offers):
        return replies.free_times(service, lang)
    at = replies.clock(anchor.astimezone(ctx.zone(session)), lang)
    if anchor <= now:
        reason = replies.error("in_the_past", lang)
    elif anchor < now + ctx.business.rules.min_notice:
        reason = replies.error("too_soon", lang)
    else:
        fit = _fit(session, ctx, anchor)
        reason = (say(lang, "Sorry, {time} is taken.", time=at) if fit == "grid" else
                  say(lang, "Sorry, {time} isn't free.", time=at) if fit == "open" else
                  replies.error("outside_hours", lang))
    return replies.nearest_times(reason, lang)


def _fit(session: Session, ctx: Context, at: datetime) -> str | None:
    """'grid' when some provider would start a booking at ``at`` on an ordinary day (so it
    is taken), 'open' when it is inside the hours but between start times, else None."""
    service = ctx.business.service(session.service_key or "")
    length = service.duration if service else timedelta(0)
    step = ctx.business.rules.slot_step
    found = None
    for p in ctx.business.providers_for(session.service_key or ""):
        if session.provider_key not in (None, p.key):
            continue
        local = at.astimezone(p.tz).replace(tzinfo=None)
        hours, _ = p.hours_on(local.date())
        for span in hours.spans:
            lo = datetime.combine(local.date(), span.start)
            hi = (datetime.combine(local.date(), span.end) if span.end.hour or span.end.minute
                  else datetime.combine(local.date() + timedelta(days=1), span.end))
            if lo <= local and local + length <= hi:
                if (local - lo) % step == timedelta(0):
                    return "grid"
                found = "open"
    return found
