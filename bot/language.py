"""Which language to answer a customer in.

Precedence (``choose``, run by the runner on every message):

1. an explicit request ("español", "in English please", the /language menu) -- handled by
   the machine (bot.language_switch) and stored as ``Source.EXPLICIT``; only another
   explicit request changes it;
2. Telegram's ``from.language_code`` ("pt-BR" -> pt), when that language is offered;
3. the phone number's country on SMS/WhatsApp (+34 -> es, +1 -> en), when offered;
4. detection: the first message clearly written in an offered language (``detect``);
5. the business default.

2 and 3 are *weak priors*: they answer the first messages, but the first message clearly
written in another offered language wins over them (a Spaniard whose Telegram is in English
writing "quiero una cita mañana" is answered in Spanish). Once the customer's own words have
decided (``DETECTED``), or they asked (``EXPLICIT``), the language is settled and stored on
the customer, so their next conversation -- and every reminder -- starts in it.

Detection: the time parser's per-language lexicon scores (bot.timeparse.lang) plus the
intent words of bot/lexicons/<lang>.toml (intents.keyword_scores). Only a clear lead decides
("hola" or "morgen um 10" do; "10:30", "hi" or a bare service name do not), so a short
ambiguous message never switches a conversation into a language its writer does not use.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from enum import IntEnum, StrEnum
from functools import lru_cache

import i18n
from bot import intents
from bot.messages import InboundMessage
from bot.session import Session
from bot.timeparse.lang import language_scores
from core.model import Business

# A clear lead: this much evidence in all, and this much more than the runner-up.
MIN_EVIDENCE = 2.0
MIN_LEAD = 1.0


class Source(StrEnum):
    """What decided a customer's language (stored with it)."""

    DEFAULT = "default"
    PHONE = "phone"
    TELEGRAM = "telegram"
    DETECTED = "detected"
    EXPLICIT = "explicit"


class _Rank(IntEnum):
    DEFAULT = 0
    PHONE = 1
    TELEGRAM = 2
    DETECTED = 3
    EXPLICIT = 4


def rank(source: str | None) -> int:
    """How strongly a source decided: an unknown or missing one counts as nothing."""
    try:
        return _Rank[Source(source).name] if source else -1
    except ValueError:
        return -1


def settled(source: str | None) -> bool:
    """Decided by the customer's own words: detection no longer looks."""
    return rank(source) >= _Rank.DETECTED


def offered(business: Business) -> tuple[str, ...]:
    """The languages a customer may be answered in (the business file's, else every
    language with a catalog)."""
    return business.languages.offered or i18n.languages()


def default(business: Business) -> str:
    return business.languages.default


def scores(text: str) -> dict[str, float]:
    """Evidence per language code: time-parser lexicon scores plus intent keywords."""
    total = dict(language_scores(text))
    for code, score in intents.keyword_scores(text).items():
        total[code] = total.get(code, 0.0) + score
    return total


def detect(text: str, offered: Collection[str]) -> str | None:
    """The offered language *text* is clearly written in, or None when it does not tell."""
    ranked = sorted(((s, code) for code, s in scores(text).items() if code in offered),
                    reverse=True)
    if not ranked or ranked[0][0] < MIN_EVIDENCE:
        return None
    if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < MIN_LEAD:
        return None
    return ranked[0][1]


def from_tag(tag: str | None, offered: Collection[str]) -> str | None:
    """An app's language tag ("pt-BR", "de") as an offered language code, else None."""
    if not tag:
        return None
    full = tag.replace("-", "_")
    base = full.split("_")[0].lower()
    return full if full in offered else base if base in offered else None


def from_country(region: str | None, offered: Collection[str]) -> str | None:
    """The main offered language of a country ("ES" -> es, "US" -> en), else None."""
    if not region:
        return None
    return next((lang for lang in i18n.territory_languages(region) if lang in offered), None)


@dataclass(frozen=True)
class Stored:
    """The language on the customer's record (None: never decided)."""

    lang: str | None
    source: str | None


def choose(session: Session, message: InboundMessage, stored: Stored,
           business: Business) -> Session:
    """The session with its language settled for this message, by the precedence above."""
    langs = offered(business)
    lang, source = session.lang, session.lang_source
    if lang not in langs:  # a language the business no longer offers: decide again
        lang, source = None, None
    if stored.lang in langs and rank(stored.source) > rank(source):
        lang, source = stored.lang, stored.source  # the record is the truth (a new session)
    tag = message.language_code or message.lang_hint
    for hint, kind in ((from_tag(tag, langs), Source.TELEGRAM),
                       (from_country(message.country, langs), Source.PHONE)):
        if hint is not None and rank(kind) > rank(source):
            lang, source = hint, kind.value
    text = message.text if message.action is None else ""
    if text and not settled(source):
        found = detect(text, langs)
        if found is not None:
            lang, source = found, Source.DETECTED.value
    if lang is None or source == Source.DEFAULT:
        lang, source = default(business), Source.DEFAULT.value
    return replace(session, lang=lang, lang_source=source)


def worth_storing(session: Session, stored: Stored) -> bool:
    """Whether the customer's record should now hold the session's language: it was decided
    by something better than the default, and the record says otherwise."""
    return (session.lang_source != Source.DEFAULT.value and session.lang is not None
            and (session.lang, session.lang_source) != (stored.lang, stored.source))


# --- explicit requests ("español", "in English please", "/language") -------------------


@dataclass(frozen=True)
class Choosing:
    """The lexicons' [language] sections, merged: any language's words work everywhere."""

    names: dict[str, str]  # normalised word -> language code
    around: frozenset[str]
    menu: frozenset[str]
    own_name: dict[str, str]  # language code -> how it names itself ("Español")
    inline: dict[str, str]  # the same inside a sentence ("español")


@lru_cache(maxsize=1)
def choosing() -> Choosing:
    files = intents.lexicon_files()
    names: dict[str, str] = {}
    around: set[str] = set()
    menu: set[str] = set()
    own: dict[str, str] = {}
    inline: dict[str, str] = {}
    for code, data in files.items():
        section = data.get("language", {})
        if "self" in section:
            own[code] = str(section["self"])
            names[intents.normalise(own[code])] = code
            inline[code] = str(section.get("inline", own[code]))
        for target, words in section.get("names", {}).items():
            names.update({intents.normalise(w): target for w in words})
        around.update(intents.normalise(w) for w in section.get("around", []))
        menu.update(intents.normalise(w) for w in section.get("menu", []))
    return Choosing(names=names, around=frozenset(around), menu=frozenset(menu), own_name=own,
                    inline=inline)


def requested(text: str, offered: Collection[str]) -> str | None:
    """The offered language a message asks for ("en español por favor" -> es), or None.
    The message must be a language's name and nothing but request words around it, so
    "I'm Spanish, book me a cut" asks for nothing."""
    table = choosing()
    words = intents.normalise(text).split()
    named = {table.names[w] for w in words if w in table.names}
    rest = [w for w in words if w not in table.names and w not in table.around]
    if len(named) != 1 or rest:
        return None
    code = named.pop()
    return code if code in offered else None


def wants_menu(text: str) -> bool:
    """"/language", "idioma", "Sprache": the customer asks which languages there are."""
    return intents.normalise(text) in choosing().menu


def own_name(code: str) -> str:
    """A language's name in itself ("Deutsch"), for the menu and the confirmation."""
    return choosing().own_name.get(code, code)


def inline_name(code: str) -> str:
    """The same as written inside a sentence ("ahora te escribo en español")."""
    return choosing().inline.get(code, own_name(code))
