"""Which shown option a reply describes (issue 13.2): "the first one", "the earliest", "the
later one", "the second", a number, or the time itself ("9:30"). Pure; the words are a
table per language so a language adds a row, not code.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

from bot import intents, memory, replies
from bot.intents import normalise
from bot.offers import PAGE, show_page
from bot.session import Session
from bot.transition import Context, Transition
from bot.who import ANYONE, USUAL, match_provider
from i18n import say, say_n

# position words -> index among the shown options (negative: from the end)
ORDINALS: dict[str, dict[str, int]] = {
    "en": {"first": 0, "1st": 0, "top": 0, "former": 0, "second": 1, "2nd": 1, "third": 2,
           "3rd": 2, "fourth": 3, "4th": 3, "fifth": 4, "5th": 4, "last": -1, "latter": -1,
           "bottom": -1, "final": -1},
    # Only words that are no day or time of their own: Portuguese "segunda", "quarta" and
    # "quinta" are Monday, Wednesday and Thursday, so those are said by number there.
    "es": {"primero": 0, "primera": 0, "primer": 0, "1o": 0, "1a": 0, "segundo": 1,
           "segunda": 1, "2o": 1, "2a": 1, "tercero": 2, "tercera": 2, "tercer": 2,
           "cuarto": 3, "cuarta": 3, "quinto": 4, "quinta": 4, "ultimo": -1, "ultima": -1},
    "de": {"erste": 0, "ersten": 0, "erster": 0, "erstes": 0, "zweite": 1, "zweiten": 1,
           "zweiter": 1, "dritte": 2, "dritten": 2, "vierte": 3, "vierten": 3, "funfte": 4,
           "fuenfte": 4, "funften": 4, "letzte": -1, "letzten": -1, "letzter": -1},
    "fr": {"premier": 0, "premiere": 0, "1er": 0, "1re": 0, "deuxieme": 1, "second": 1,
           "seconde": 1, "2e": 1, "troisieme": 2, "3e": 2, "quatrieme": 3, "cinquieme": 4,
           "dernier": -1, "derniere": -1},
    "pt": {"primeiro": 0, "primeira": 0, "1o": 0, "1a": 0, "segundo": 1, "terceiro": 2,
           "terceira": 2, "ultimo": -1, "ultima": -1},
}
# Words that may stand around a pick word in a short reply ("el primero, por favor").
FILLER: dict[str, frozenset[str]] = {
    "es": frozenset({"el", "la", "lo", "uno", "una", "por", "favor", "porfa", "quiero", "me",
                     "quedo", "con", "ese", "esa", "opcion", "hora", "vale", "si"}),
    "de": frozenset({"der", "die", "das", "den", "dem", "bitte", "ich", "nehme", "nehm",
                     "gerne", "gern", "termin", "uhrzeit", "ja", "ok"}),
    "fr": frozenset({"le", "la", "l", "je", "prends", "prendrai", "s'il", "vous", "plait",
                     "svp", "celui", "celle", "ci", "merci", "voudrais", "oui", "creneau"}),
    "pt": frozenset({"o", "a", "por", "favor", "quero", "eu", "fico", "com", "esse", "essa",
                     "opcao", "horario", "sim"}),
}
# time words -> "earliest" or "latest" of the shown options, by their times
BY_TIME: dict[str, dict[str, str]] = {
    "en": {"earliest": "min", "earlier": "min", "soonest": "min", "sooner": "min",
           "latest": "max", "later": "max"},
}
_NUMBER = re.compile(r"(?:option |number |no |#|the )?(\d{1,3})(?:st|nd|rd|th)?(?: one)?")
# Short replies only: "the later one please" is a pick, "later next week" is not.
MAX_WORDS = 5
_FILLER = frozenset({"the", "one", "please", "pls", "that", "i'll", "take", "ill", "go",
                     "with", "i", "want", "id", "like", "option", "slot", "time", "ok", "okay"})


# "later"/"earlier" alone ask for other times (bot.picks.shift); "the later one" picks.
_COMPARATIVE = frozenset({"later", "earlier", "sooner"})
SHIFT_MAX_WORDS = 6


def shift(session: Session, text: str, now: datetime,
          ctx: Context) -> tuple[datetime, datetime] | None:
    """"Something later?" / "más temprano": the window after the last time shown (to the
    end of that day) or before the first one (from the start of that day); None when the
    reply says something else (a time of its own, or no such words)."""
    table = intents.tables()
    said = normalise(text)
    later, earlier = table.later.search(said), table.earlier.search(said)
    shown = [o.start for o in session.offers[session.page * PAGE:(session.page + 1) * PAGE]]
    if not shown or bool(later) == bool(earlier) or len(said.split()) > SHIFT_MAX_WORDS:
        return None
    rest = (table.later if later else table.earlier).sub(" ", said)
    if memory.read_time(session, rest, now, ctx) is not None:
        return None  # "later next week": a time of its own
    tz = ctx.zone(session)
    if later:
        lo = max(shown) + timedelta(minutes=1)
        day = lo.astimezone(tz).date() + timedelta(days=1)
        return lo, datetime.combine(day, time(0), tz).astimezone(UTC)
    hi = min(shown)
    start = datetime.combine(hi.astimezone(tz).date(), time(0), tz).astimezone(UTC)
    return max(start, now), hi


def position(text: str, starts: list[datetime], lang: str | None = None) -> int | None:
    """The index (in ``starts``, the options shown) a short description names, or None;
    an ordinal past the end ("the fifth" of three) is returned as is."""
    words = _pick_words(text, lang)
    if not words or not starts:
        return None
    ordinals, by_time = _ordinals(lang), BY_TIME.get(lang or "en", BY_TIME["en"])
    for w in words:
        if w in _COMPARATIVE and not {"the", "one"} & set(words):
            continue  # "later" alone asks for later times; "the later one" picks
        if w in by_time:
            pick = min if by_time[w] == "min" else max
            return starts.index(pick(starts))
        if w in ordinals:
            i = ordinals[w]  # may be past the end: the caller says there are fewer
            return len(starts) + i if i < 0 else i
    return None


def _pick_words(text: str, lang: str | None) -> list[str]:
    """The words of a short reply made only of pick words and filler; [] otherwise
    (something else is said too, as in "later next week": not a pick)."""
    words = normalise(text).split()
    known = _known(lang)
    filler = _FILLER | FILLER.get(lang or "en", frozenset())
    if len(words) > MAX_WORDS or any(w not in filler and w not in known for w in words):
        return []
    return words if any(w in known for w in words) else []


def _ordinals(lang: str | None) -> dict[str, int]:
    """The language's position words, and English's (customers mix them: "the primero")."""
    return {**ORDINALS["en"], **ORDINALS.get(lang or "en", {})}


def _known(lang: str | None) -> set[str]:
    return set(_ordinals(lang)) | set(BY_TIME.get(lang or "en", BY_TIME["en"]))


def ordinal(text: str, count: int, lang: str | None = None) -> int | None:
    """The index a position word names in a list of ``count`` ("the second", "el último"),
    or None (also when past the end)."""
    ordinals = _ordinals(lang)
    for w in _pick_words(text, lang):
        if w in ordinals:
            i = ordinals[w]
            i = count + i if i < 0 else i
            return i if 0 <= i < count else None
    return None


def number(text: str) -> int | None:
    """A bare option number ("6", "#6", "option 6"), whatever the list's length."""
    m = _NUMBER.fullmatch(normalise(text))
    return int(m.group(1)) if m else None


def describes(text: str, lang: str | None = None) -> bool:
    """True for a short reply that only describes a position ("the last one")."""
    return number(text) is not None or bool(_pick_words(text, lang))


def chosen(session: Session, text: str, now: datetime,
           ctx: Context) -> int | Transition | None:
    """The index in ``session.offers`` a reply picks; a Transition when it cannot pick (it
    says why and shows the times again); None when it is no pick (a new time, say)."""
    first = session.page * PAGE
    page = session.offers[first:first + PAGE]
    if text.startswith("slot:"):
        raw = text.removeprefix("slot:")
        return int(raw) if raw.isdigit() and int(raw) < len(session.offers) else None
    if not page:
        return None
    lang = session.lang
    said = number(text)
    if said is None:
        said = _plus_one(position(text, [o.start for o in page], lang))
    if said is not None:
        return first + said - 1 if 1 <= said <= len(page) else _again(session, ctx, say_n(
            lang, "There is only {n} time here: reply with its number or its time.",
            "There are only {n} times here: reply 1 to {n}, or name another time.",
            len(page)))
    if (intents.is_yes(text) and not _only_thanks(text)
            and memory.read_time(session, text, now, ctx) is None):  # "ok, what about fri?"
        return first if len(page) == 1 else _again(session, ctx, say(
            lang, "Which one? Reply with its number or its time."))
    return _at_time(session, text, now, ctx)


def _plus_one(i: int | None) -> int | None:
    return None if i is None else i + 1


def _only_thanks(text: str) -> bool:
    return set(normalise(text).split()) <= {"thanks", "thank", "you", "ok", "okay", "k"}


def _at_time(session: Session, text: str, now: datetime, ctx: Context) -> int | None:
    """The offer at the time named ("9:30", "the 2:15 one"), with the provider if named."""
    tw = memory.read_time(session, text, now, ctx)
    if tw is None or tw.start != tw.end:
        return None
    who = match_provider(text, ctx.business.providers)
    return next((i for i, o in enumerate(session.offers) if o.start == tw.start
                 and who in (None, ANYONE, USUAL, o.provider_key)), None)


def _again(session: Session, ctx: Context, why: str) -> Transition:
    name = ctx.service_name(session.service_key, session.lang)
    shown = show_page(session, ctx, replies.free_times(name, session.lang))
    return Transition(shown.session, (replies.simple(why), *shown.replies))
