"""Picking a slot in a pure dialogue test: the machine asks for a hold first (HoldSlot),
and the summary ("Confirm?") comes with the runner's Held result."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import commands as c
from bot.machine import step
from bot.messages import InboundMessage
from bot.session import Session
from bot.transition import Context, Transition


def picked(session: Session, text: str, now: datetime, ctx: Context) -> Transition:
    t = step(session, InboundMessage("test", "u1", "d1", now, text=text), now, ctx)
    [hold] = t.commands
    assert isinstance(hold, c.HoldSlot)
    offer_key = (hold.provider_key, hold.start)
    held = c.Held("hold-1", next(o for o in session.offers
                                 if (o.provider_key, o.start) == offer_key),
                  now + timedelta(minutes=10))
    return step(t.session, held, now, ctx)
