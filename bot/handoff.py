"""Handing a conversation to a person: what the customer is told (honestly: who will
answer, where the request went, and when someone can be expected), and the quiet that
follows until the team answers or the customer writes "bot"."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta

from bot import commands as c
from bot import intents, replies
from bot.session import Session
from bot.transition import Context, Transition
from bot.transition import say as answer
from core.model import Business
from i18n import say

BACK_WORDS = frozenset({"bot", "/bot", "back to bot", "talk to the bot", "/start", "start over",
                        "restart", "menu", "reset", "start again"})
LOOK_AHEAD = 8  # days searched for the next opening


def _opening(business: Business, now: datetime) -> tuple[datetime | None, datetime | None]:
    """(open until, when open now; next opening, when closed), across every provider."""
    until: datetime | None = None
    nxt: datetime | None = None
    for p in business.providers:
        today = now.astimezone(p.tz).date()
        for day in (today + timedelta(days=i) for i in range(LOOK_AHEAD)):
            hours, _ = p.hours_on(day)
            for span in hours.spans:
                start = datetime.combine(day, span.start, p.tz)
                end = datetime.combine(day + timedelta(days=span.end == time(0)), span.end,
                                       p.tz)
                if start <= now < end:
                    until = max(until or end, end)
                elif start > now:
                    nxt = min(nxt or start, start)
    return until, nxt


def _when(business: Business, session: Session, now: datetime, ctx: Context) -> str:
    lang, tz = session.lang, ctx.zone(session)
    until, nxt = _opening(business, now)
    if until is not None:
        return say(lang, "today, while we're open (until {time})",
                    time=replies.clock_zone(until.astimezone(tz), lang))
    if nxt is not None:
        return say(lang, "when we open, {when}", when=replies.when(nxt, tz, lang))
    return say(lang, "as soon as someone is back")


def handed_off(session: Session, done: c.HandedOff, now: datetime, ctx: Context) -> Transition:
    lang, business = session.lang, ctx.business
    if not done.via:  # nobody could be reached: say so, and keep answering
        phone = business.info.phone
        said = (say(lang, "I couldn't reach the team right now. Your request is noted for "
                           "when they check in; to speak to someone sooner, call {phone}.",
                     phone=phone) if phone and done.recorded else
                say(lang, "I couldn't reach the team right now; to speak to someone, call "
                           "{phone}.", phone=phone) if phone else
                say(lang, "I couldn't reach the team right now. Your request is noted for when "
                           "they check in; meanwhile I can still book, move or cancel for you.")
                if done.recorded else
                say(lang, "Sorry, I can't reach the team from here right now. I can still book, "
                           "move or cancel for you."))
        return answer(replace(session, handoff=False), said)
    said = say(lang, "I've passed your message to the {business} team. A person will answer "
                      "here {when}. Until then I'll stay quiet; write \"bot\" to talk to me "
                      "again.", business=business.name, when=_when(business, session, now, ctx))
    return answer(replace(session, handoff=True), said)


def while_handed_off(session: Session, message_text: str, ctx: Context) -> Transition | None:
    """None lets the message through (STOP must always work); otherwise the bot either
    steps back in ("bot") or stays quiet: the team answers this conversation."""
    if intents.normalise(message_text) in BACK_WORDS:
        back = say(session.lang, "I'm back. What can I do for you?")
        return answer(session.reset(), back, replies.help_text(ctx.business, session.lang),
                   commands=(c.EndHandoff(),))
    if intents.detect(message_text) in (intents.Intent.STOP, intents.Intent.START):
        return None
    return Transition(session)
