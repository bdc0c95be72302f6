"""Greetings, thanks and small talk (issue 13.3): a short fitting answer, then the question
the conversation was waiting on asked again (bot.answers.resume), so the flow goes on where
it was. Pure; the phrases are data, a ``[smalltalk]`` table in each bot/lexicons/<lang>.toml
("gracias", "danke", "merci", "obrigado", "vale"), and the answer is in the customer's
language."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from functools import lru_cache

from bot import commands as c
from bot import replies
from bot.answers import resume
from bot.intents import normalise, tables
from bot.messages import Reply
from bot.offers import booking_line
from bot.session import BookingView, Purpose, Session, State
from bot.transition import Context, Transition
from bot.transition import say as answer_with
from i18n import say


def kinds(text: str, lang: str | None = None) -> set[str]:
    """The kinds of small talk a message is made of ("thanks", "greet", "ack", "bye",
    "how"), in any offered language; empty if it says anything else. ``lang`` is not
    needed to understand (the customer may write "gracias" before their language is
    known); the answer is given in the session's language."""
    del lang
    rest = f" {normalise(text)} "
    found: set[str] = set()
    for phrase, kind in _longest_first():  # "ta bom" (pt, ok) before "ta" (en, thanks)
        if f" {phrase} " in rest:
            found.add(kind)
            rest = rest.replace(f" {phrase} ", " ")
    if any(w not in tables().smalltalk_filler for w in rest.split()):
        return set()
    return found


@lru_cache(maxsize=1)
def _longest_first() -> tuple[tuple[str, str], ...]:
    pairs = {(p, kind) for kind, phrases in tables().smalltalk.items() for p in phrases}
    return tuple(sorted(pairs, key=lambda pk: (-len(pk[0]), pk)))


def answer(session: Session, text: str, now: datetime, ctx: Context) -> Transition | None:
    """A short answer and the pending question again; None if the message is no small talk."""
    found = kinds(text, session.lang)
    if not found:
        return None
    lang = session.lang
    if session.state is State.IDLE and found & {"greet", "how"}:
        hello = replies.help_text(ctx.business, lang)
        lead = say(lang, "I'm well, thanks for asking!") + " " if "how" in found else ""
        # A returning customer also hears their next booking (greeted, after the list).
        return answer_with(replace(session.reset(), purpose=Purpose.GREET),
                   Reply(lead + hello.text, hello.choices), commands=(c.ListBookings(),))
    said = _words(found, lang, idle=session.state is State.IDLE)
    return Transition(session, (Reply(said), *resume(session, now, ctx)))


def _words(found: set[str], lang: str | None, *, idle: bool) -> str:
    if "bye" in found:
        return say(lang, "Bye for now! Write any time.")
    if "thanks" in found:
        return (say(lang, "You're welcome! Anything else?") if idle
                else say(lang, "You're welcome!"))
    if "how" in found:
        return say(lang, "I'm well, thanks for asking!")
    if "greet" in found:
        return say(lang, "Hello again!")
    return say(lang, "Anything else I can help with?") if idle else say(lang, "OK.")


def greeted(session: Session, bookings: tuple[BookingView, ...], ctx: Context) -> Transition:
    """After a hello: a returning customer's next booking (the help came first)."""
    if not bookings:
        return answer_with(session.reset())
    b, lang, tz = bookings[0], session.lang, ctx.zone(session)
    line = booking_line(b, ctx, tz, lang)
    text = say(lang, "Good to see you again. Your next booking: {booking} (ref {ref}).",
               booking=line, ref=b.reference)
    return answer_with(session.reset(), text)
