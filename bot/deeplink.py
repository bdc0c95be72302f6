"""A chat opened from an entry point (``t.me/<bot>?start=<payload>``, the admin's QR codes):
the booking starts with that service, and provider, already chosen, and asks for the time.

Channels hand the payload in as the action ``start:<payload>``; it is looked up among the
business's own entry points (``core.entry_points.resolve``), never parsed, so an unknown or
stale one (a service since removed) gets the usual greeting instead.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot import replies
from bot.messages import START_ACTION
from bot.session import Purpose, Session, State
from bot.transition import Context, Transition, say
from core.entry_points import resolve


def start_payload(action: str | None) -> str | None:
    """The payload of a deep-link action, or None for any other message."""
    if action is None or not action.startswith(START_ACTION):
        return None
    return action.removeprefix(START_ACTION)


def opened_with(session: Session, payload: str, now: datetime, ctx: Context) -> Transition:
    found = resolve(payload, ctx.business)
    if found is None:
        return say(session.reset(), replies.help_text(ctx.business, session.lang))
    service_key, provider_key = found
    fresh = replace(session.reset(), purpose=Purpose.BOOK, state=State.ASK_TIME,
                    service_key=service_key, provider_key=provider_key)
    zone = replies.zone_label(now.astimezone(ctx.zone(fresh)))
    return say(fresh, replies.ask_time(ctx.service_name(service_key), zone, session.lang))
