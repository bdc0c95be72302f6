"""Choosing a provider (issue 13.5): "with alex please", "anyone", "same person as last
time", honoured in availability and offers. Pure; understanding is bot.who.

- A provider named in any message is kept in the session until another is named or the
  customer says "anyone"/"whoever" (which clears it).
- "Same person as last time" needs the customer's history: the machine asks the runner
  (RecallProvider) and reads the same message again once the answer is in.
- A provider who does not do the service: the customer is told who does, and the search
  goes on with them. A provider with nothing in the window asked for (not working that day,
  or fully booked): said so, with their next free times and who else is free then.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot import commands as c
from bot import replies
from bot.messages import Reply
from bot.offers import empty_code, open_during, show_page
from bot.session import Offer, Session
from bot.transition import Context, Transition
from bot.transition import say as answer
from bot.who import ANYONE, USUAL, match_provider
from core.model import Provider
from i18n import say, say_n

Lang = str | None
# Reasons a named provider's empty window is theirs, not the shop's (bot.offers.empty_code).
_THEIRS = frozenset({"outside_hours", "day_full", "nothing_in_window"})


def with_provider(session: Session, text: str, ctx: Context) -> Session:
    """The session with the provider ``text`` asks for (unchanged when it names nobody)."""
    named = match_provider(text, ctx.business.providers)
    if named is None:
        return session
    if named == USUAL:
        usual = ctx.business.provider(session.usual_provider or "")
        return replace(session, provider_key=usual.key if usual else None)
    return replace(session, provider_key=None if named == ANYONE else named)


def names_someone(text: str, ctx: Context) -> bool:
    return match_provider(text, ctx.business.providers) is not None


def wants_recall(session: Session, text: str, ctx: Context) -> bool:
    """"Same person as last time" before we know who that was."""
    return (session.usual_provider is None
            and match_provider(text, ctx.business.providers) == USUAL)


def recall(session: Session, text: str) -> Transition:
    return answer(replace(session, recall_text=text), commands=(c.RecallProvider(),))


def recalled(session: Session, found: c.ProviderRecalled,
             ctx: Context) -> tuple[Session, str, Reply]:
    """The session knowing the usual provider, the message to read again, and what to say
    about it ("Alex, as last time." or that there is no earlier booking)."""
    provider = ctx.business.provider(found.provider_key or "")
    known = replace(session, usual_provider=provider.key if provider else "", recall_text=None)
    lang = session.lang
    if provider is None:
        note = say(lang, "I can't find an earlier booking of yours, so I'll look with "
                             "anyone who is free.")
    else:
        note = say(lang, "{provider}, as last time.", provider=provider.name)
    return known, session.recall_text or "", Reply(note)


def check_offers(session: Session, ctx: Context) -> tuple[Session, tuple[Reply, ...]]:
    """A provider who does not do the service: say who does, and look with them."""
    key = session.provider_key
    service = ctx.business.service(session.service_key or "")
    provider = ctx.business.provider(key or "")
    if provider is None or service is None or service.key in provider.services:
        return session, ()
    doers = ctx.business.providers_for(service.key)
    lang = session.lang
    if not doers:
        said = say(lang, "{provider} doesn't do {service}.", provider=provider.name,
                       service=service.name)
    else:
        said = say_n(lang, "{provider} doesn't do {service}; {names} does.",
                     "{provider} doesn't do {service}; {names} do.", len(doers),
                     provider=provider.name, service=service.name,
                     names=", ".join(p.name for p in doers))
    moved = doers[0].key if len(doers) == 1 else None
    return replace(session, provider_key=moved), (Reply(said),)


def provider_empty(session: Session, found: c.SlotsFound, ctx: Context,
                   now: datetime) -> Transition | None:
    """Nothing in the window with the provider asked for, while the shop is open then:
    their next free times, and who else is free in the window (None: not this case)."""
    provider = ctx.business.provider(session.provider_key or "")
    window = session.window
    if provider is None or window is None or empty_code(session, ctx, now) not in _THEIRS:
        return None
    anyone = replace(session, provider_key=None)
    if not open_during(ctx, anyone, *window):
        return None  # the whole shop is closed then: the general answer fits
    reason = _reason(session, ctx, provider)
    others = _names(found.others, ctx)
    lang = session.lang
    if found.alternatives:
        hint = (say_n(lang, "{names} is free then: reply \"anyone\" to see those times.",
                      "{names} are free then: reply \"anyone\" to see those times.",
                      len(others), names=", ".join(others)) if others else "")
        intro = say(lang, "{reason} {hint} Nearest free times with {provider}", reason=reason,
                        hint=hint, provider=provider.name)
        # An abbreviated day ("lun. 14 déc.") may end the sentence: one full stop, one space.
        intro = intro.replace("..", ".").replace("  ", " ")
        # The anchor stays: "anyone" then looks again around the very time asked for.
        alts = replace(session, offers=tuple(found.alternatives[:40]), page=0)
        return show_page(alts, ctx, intro)
    if found.others:
        intro = say(lang, "{reason} Free then with others", reason=reason)
        return show_page(replace(anyone, offers=tuple(found.others[:40]), page=0), ctx, intro)
    return None


def _reason(session: Session, ctx: Context, provider: Provider) -> str:
    """Off that day, or working but with nothing free (or not yet in) at that time."""
    window, lang = session.window, session.lang
    assert window is not None
    start, end = window
    if end - start > timedelta(days=1):
        if open_during(ctx, session, start, end):
            return say(lang, "{provider} has nothing free then.", provider=provider.name)
        return say(lang, "{provider} isn't working then.", provider=provider.name)
    local = start.astimezone(provider.tz).date()
    if provider.hours_on(local)[0].spans:
        return say(lang, "{provider} has nothing free then.", provider=provider.name)
    day = replies.day_label(start.astimezone(ctx.zone(session)).date(), lang)
    return say(lang, "{provider} isn't working on {day}.", provider=provider.name, day=day)


def _names(offers: tuple[Offer, ...], ctx: Context) -> list[str]:
    keys = dict.fromkeys(o.provider_key for o in offers)
    return [p.name for k in keys if (p := ctx.business.provider(k))]
