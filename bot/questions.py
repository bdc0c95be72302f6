"""Understanding a receptionist question ("are you open sunday?", "how much is a beard
trim?", "where are you?"): which topic it asks about. Pure and table-driven: the English
phrases are ``TOPIC_PHRASES``, the other languages' the ``[questions]`` table of their
bot/lexicons/<lang>.toml ("¿cuánto cuesta?", "Öffnungszeiten", "où êtes-vous ?", "quanto
custa?"), all understood whatever the customer's language; nothing in the logic names one.

The business's own FAQ entries come first (their keywords, or the question itself closely
matched), so an owner can answer anything in their own words, overriding a built-in topic.
"""

from __future__ import annotations

import difflib
from enum import StrEnum

from bot.intents import normalise, tables
from core.model import FaqEntry


class Topic(StrEnum):
    HOURS = "hours"
    PRICES = "prices"
    SERVICES = "services"
    ADDRESS = "address"
    PHONE = "phone"
    PAYMENT = "payment"
    POLICY = "policy"
    STAFF = "staff"
    ABOUT = "about"


# Phrases (normalised: lowercase, no accents or punctuation) that name a topic anywhere in
# a message; checked in this order, so the more specific topics come first.
TOPIC_PHRASES: dict[str | None, tuple[tuple[Topic, tuple[str, ...]], ...]] = {
    None: (  # the source language; other languages add their own rows
        (Topic.POLICY, ("cancellation policy", "cancelation policy", "cancel policy",
                        "refund policy", "refunds", "refund", "if i cancel",
                        "cancellation fee", "what happens if i cancel", "cancellations")),
        (Topic.PAYMENT, ("how do i pay", "how can i pay", "pay by card", "pay with card",
                         "pay cash", "pay in cash", "pay by cash", "do you take", "accept card",
                         "accept cards", "credit card", "payment", "payments", "pay upfront",
                         "pay in advance", "deposit", "when do i pay", "pay online")),
        (Topic.STAFF, ("who works", "who is working", "who's working", "whos working",
                       "who is in", "who's in", "whos in", "who is on", "which barbers",
                       "which stylists", "who are your", "staff", "who can do", "who does")),
        (Topic.HOURS, ("opening hours", "opening times", "open hours", "business hours",
                       "your hours", "what are the hours", "hours", "when are you open",
                       "are you open", "will you be open", "is the shop open",
                       "are you guys open", "what time do you open", "what time do you close",
                       "when do you open", "when do you close", "closing time", "open on",
                       "open today", "open tomorrow")),
        (Topic.PRICES, ("how much", "price", "prices", "pricing", "cost", "costs",
                        "rates", "how long", "duration", "take long", "price list")),
        (Topic.SERVICES, ("which services", "what services", "services do you", "what do you",
                          "what can i book", "do you offer", "do you do", "your services",
                          "services", "menu")),
        (Topic.ADDRESS, ("address", "where are you", "where is the", "where is your",
                         "located", "location", "directions", "how do i get", "how to get",
                         "find you", "parking", "where do i go")),
        (Topic.PHONE, ("phone number", "your number", "call you", "telephone", "phone you",
                       "ring you")),
        (Topic.ABOUT, ("about you", "about the shop", "about your", "who are you",
                       "tell me about")),
    ),
}


def _has(padded: str, phrase: str) -> bool:
    return f" {phrase} " in padded


def faq_match(text: str, faq: tuple[FaqEntry, ...]) -> FaqEntry | None:
    """The owner's entry the message asks about: a keyword in it, or the question itself."""
    t = normalise(text)
    padded = f" {t} "
    for entry in faq:
        if any(_has(padded, normalise(k)) for k in entry.keywords if normalise(k)):
            return entry
    best = max(faq, default=None,
               key=lambda e: difflib.SequenceMatcher(None, t, normalise(e.question)).ratio())
    if best is not None and difflib.SequenceMatcher(
            None, t, normalise(best.question)).ratio() >= 0.8:
        return best
    return None


def topic_of(text: str, lang: str | None = None) -> Topic | None:
    """The built-in topic a message asks about, or None (it may be a booking request)."""
    padded = f" {normalise(text)} "
    rows = TOPIC_PHRASES.get(lang, ()) + TOPIC_PHRASES[None] if lang else TOPIC_PHRASES[None]
    other = tables().questions  # the [questions] tables of bot/lexicons/<lang>.toml
    for topic, phrases in rows:
        if any(_has(padded, p) for p in (*phrases, *other.get(topic.value, ()))):
            return topic
    return None
