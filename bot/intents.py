"""Recognising what the customer wants from ordinary chat text: intents, services, providers.

Deliberately rule-based and small: keyword sets plus difflib for typos. Everything here is
pure and cheap (well under a millisecond per message), so it runs on every message.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from enum import StrEnum

from core.model import Provider, Service


class Intent(StrEnum):
    GREET = "greet"
    HELP = "help"
    BOOK = "book"
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"
    LIST = "list"
    WAITLIST = "waitlist"
    TIMEZONE = "timezone"
    HUMAN = "human"
    STOP = "stop"
    START = "start"
    RESTART = "restart"


ANYONE = "*"  # provider sentinel: the customer has no preference

_EMOJI_WORDS = {"👍": " yes ", "👌": " ok ", "✅": " yes ", "👎": " no ", "❌": " no "}
_FILLER = frozenset({"a", "an", "the", "pls", "please", "plz", "i", "id", "i'd", "want",
                     "wanna", "need", "to", "get", "for", "me", "my", "some", "can", "could",
                     "would", "like", "just", "book", "booking", "appointment", "appt"})

# Whole-message commands (the SMS conventions: a lone STOP/START).
_EXACT = {
    Intent.STOP: {"stop", "unsubscribe", "stopall", "stop all", "opt out", "optout"},
    Intent.START: {"start", "unstop", "subscribe", "opt in", "optin", "resume"},
    Intent.LIST: {"list", "bookings", "appointments", "mybookings", "/mybookings"},
    Intent.RESTART: {"start over", "restart", "reset", "start again", "begin again", "menu"},
    Intent.HELP: {"help", "?", "h", "what can you do", "info", "options"},
    Intent.GREET: {"hi", "hello", "hey", "hiya", "yo", "howdy", "good morning",
                   "good afternoon", "good evening", "hi there", "hey there"},
}

# Phrases that name an intent anywhere in a message.
_PHRASES: list[tuple[Intent, tuple[str, ...]]] = [
    (Intent.HUMAN, ("human", "real person", "a person", "agent", "speak to someone",
                    "talk to someone", "operator", "receptionist", "the owner", "call me")),
    (Intent.TIMEZONE, ("timezone", "time zone", "tz ", "i'm in ", "im in ", "i am in ",
                       "i'm from ", "i am from ", "i live in ")),
    (Intent.WAITLIST, ("waitlist", "wait list", "waiting list")),
    (Intent.RESCHEDULE, ("reschedule", "re-schedule", "resched", "move my", "change my",
                         "postpone", "different time", "another time", "move it")),
    (Intent.CANCEL, ("cancel",)),
    (Intent.LIST, ("my bookings", "my booking", "my appointments", "my appointment", "my appts",
                   "what do i have", "upcoming", "list bookings", "show bookings",
                   "when is my", "what have i booked", "bookings")),
    (Intent.BOOK, ("book", "appointment", "appt", "schedule", "reserve", "make a booking",
                   "get a", "i want", "i need", "can i", "i'd like", "id like")),
]

# Single words worth a typo-tolerant look ("reshedule", "cancle", "bokking").
_FUZZY_WORDS = {"reschedule": Intent.RESCHEDULE, "cancel": Intent.CANCEL,
                "booking": Intent.BOOK, "bookings": Intent.LIST, "appointment": Intent.BOOK,
                "waitlist": Intent.WAITLIST, "timezone": Intent.TIMEZONE}

# A yes must be unmistakable: the whole message is made of these words ...
_YES = frozenset({"yes", "y", "yeah", "yep", "yup", "ya", "yea", "ok", "okay", "k", "sure",
                  "confirm", "confirmed", "correct", "perfect", "great", "fine", "go", "ahead",
                  "sounds", "good", "do", "it", "please", "pls", "book", "that", "works",
                  "absolutely", "definitely", "lets", "let's", "thanks", "thank", "you"})
# ... or starts with one of these and says nothing negative ("yes cancel it").
_YES_LEAD = frozenset({"yes", "y", "yeah", "yep", "yup", "ok", "okay", "sure", "confirm"})
_NO = frozenset({"no", "n", "nope", "nah", "no thanks", "no thank you", "wrong", "neither"})
_MORE = frozenset({"more", "next", "others", "other times", "show more", "more times",
                   "any others", "later ones", "more please"})


def normalise(text: str) -> str:
    """Lowercase, emoji-as-words, accents off, punctuation to spaces (keep ' : / + -)."""
    for emoji, word in _EMOJI_WORDS.items():
        text = text.replace(emoji, word)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.lower().replace("’", "'")
    text = re.sub(r"[^a-z0-9':/+\-_ ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def detect(text: str) -> Intent | None:
    """The top-level intent a message names, or None (it may be a service or a time)."""
    t = normalise(text)
    for intent, words in _EXACT.items():
        if t in words:
            return intent
    padded = f" {t} "
    for intent, phrases in _PHRASES:
        if any(f" {p.strip()} " in padded or (p.endswith(" ") and f" {p}" in padded)
               for p in phrases):
            return intent
    for word in t.split():
        if len(word) >= 5:
            hit = difflib.get_close_matches(word, _FUZZY_WORDS, n=1, cutoff=0.8)
            if hit:
                return _FUZZY_WORDS[hit[0]]
    return None


def is_yes(text: str) -> bool:
    words = normalise(text).split()
    if not words or any(w in {"no", "not", "don't", "dont", "nope"} for w in words):
        return False
    return all(w in _YES for w in words) or words[0] in _YES_LEAD


def is_no(text: str) -> bool:
    t = normalise(text)
    return t in _NO or t.startswith(("no ", "nope", "nah", "not ", "don't", "dont"))


def is_more(text: str) -> bool:
    return normalise(text) in _MORE


def is_abort(text: str) -> bool:
    """A bare 'cancel' (or 'stop that', 'never mind') inside a flow abandons the flow."""
    return normalise(text) in {"cancel", "cancel that", "nevermind", "never mind", "forget it",
                               "abort", "quit", "exit", "nvm", "cancle", "x"}


def pick_number(text: str, count: int) -> int | None:
    """'2', '#2', 'option 2', 'the 2nd' -> index 1 when within the choices shown."""
    m = re.fullmatch(r"(?:option |number |no |#|the )?(\d{1,2})(?:st|nd|rd|th)?(?: one)?",
                     normalise(text))
    if m and 1 <= int(m.group(1)) <= count:
        return int(m.group(1)) - 1
    return None


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text)


def _names(service: Service) -> list[str]:
    return [normalise(n) for n in (service.name, service.key.replace("_", " "),
                                   *service.aliases) if n]


def _content_words(text: str) -> list[str]:
    return [w for w in normalise(text).split() if w not in _FILLER]


def _score(service: Service, words: list[str]) -> float:
    joined = _squash("".join(words))
    best = 0.0
    for name in _names(service):
        squashed = _squash(name)
        if squashed and squashed in joined:
            return 1.0 + len(squashed) / 100  # exact mention; longer names win ties
        for size in (1, 2, 3):  # fuzzy: compare every short run of words to the name
            for i in range(len(words) - size + 1):
                chunk = _squash("".join(words[i:i + size]))
                if len(chunk) >= 3:
                    best = max(best, difflib.SequenceMatcher(None, chunk, squashed).ratio())
    return best


def _distinct_word(services: Sequence[Service], words: list[str]) -> list[Service]:
    """'beard' alone picks 'beard trim' when no other service has that word."""
    found = []
    for word in (w for w in words if len(w) >= 4):
        owners = [s for s in services if any(word in n.split() for n in _names(s))]
        if len(owners) == 1:
            found.append(owners[0])
    return found


def match_services(text: str, services: Sequence[Service]) -> list[Service]:
    """Best matches first: one element when clear, several when ambiguous, none if absent."""
    words = _content_words(text)
    if not words:
        return []
    scored = sorted(((_score(s, words), i, s) for i, s in enumerate(services)),
                    key=lambda x: (-x[0], x[1]))
    top = [s for score, _, s in scored if score >= 1.0]
    if top:
        return top[:1]
    distinct = _distinct_word(services, words)
    if len(distinct) == 1:
        return distinct
    close = [(score, s) for score, _, s in scored if score >= 0.8]
    if not close:
        return []
    return [s for score, s in close if close[0][0] - score < 0.05]


def match_provider(text: str, providers: Sequence[Provider]) -> str | None:
    """A provider key, ANYONE, or None when no provider is named."""
    t = normalise(text)
    if re.search(r"\b(anyone|anybody|whoever|no preference|any one|doesn't matter|any)\b", t):
        return ANYONE
    words = t.split()
    for p in providers:
        first = normalise(p.name).split()[0] if p.name.strip() else p.key
        if first in words or normalise(p.name) in t:
            return p.key
        # A typo'd name counts only after "with"/"by", so no stray word picks someone.
        if (len(first) >= 4 and re.search(r"\b(with|by)\b", t)
                and difflib.get_close_matches(first, words, n=1, cutoff=0.85)):
            return p.key
    return None
