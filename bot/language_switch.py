"""The customer asks for a language: "español", "in English please", "auf Deutsch", or the
/language menu (one button per offered language; on text channels the same list to type).

Checked in every state before the state's own handler: the switch is immediate, confirmed
in the new language, stored on the customer (``SetLanguage``), and the question the
conversation was waiting on is asked again in it -- offers, a held slot at "Confirm?" and
the rest of the pending booking are kept. Pure; the words are the lexicons' [language]
sections (bot.language), not code.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot import commands as c
from bot import language
from bot.answers import resume
from bot.messages import Choice, Reply
from bot.session import Session
from bot.transition import Context, Transition
from i18n import say


def on_text(session: Session, text: str, now: datetime, ctx: Context) -> Transition | None:
    """The switch or the menu a message asks for; None when it asks for neither."""
    offered = language.offered(ctx.business)
    if language.wants_menu(text):
        return menu(session, offered)
    code = language.requested(text, offered)
    if code is None:
        return None
    return switch(session, code, now, ctx)


def menu(session: Session, offered: tuple[str, ...]) -> Transition:
    """The offered languages, each named in itself; its payload is that name, which every
    channel sends back as text the request understands (a button, a number, typed)."""
    choices = tuple(Choice(language.own_name(code), language.own_name(code))
                    for code in offered)
    text = say(session.lang, "Which language would you like me to write in?")
    return Transition(session, (Reply(text, choices),))


def switch(session: Session, code: str, now: datetime, ctx: Context) -> Transition:
    moved = replace(session, lang=code, lang_source=language.Source.EXPLICIT.value)
    said = say(code, "OK, I'll write in {language} from now on.",
               language=language.inline_name(code))
    return Transition(moved, (Reply(said, lang=code), *resume(moved, now, ctx)),
                      (c.SetLanguage(code, language.Source.EXPLICIT.value),))
