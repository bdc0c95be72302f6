"""Recognising what the customer wants from ordinary chat text: intents, services, providers.

Deliberately rule-based and small: keyword sets plus difflib for typos. The keywords are data,
one file per language in ``bot/lexicons/<lang>.toml`` (en, es, de, fr, pt; adding a language is
adding a file), merged into one table read once. Everything here is pure and cheap (well under
a millisecond per message), so it runs on every message.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from typing import Any

from core.model import Service


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
    INTAKE = "intake"  # "change my answers" (bot.intake)


ANYONE = "*"  # provider sentinel: the customer has no preference

_EMOJI_WORDS = {"👍": " yes ", "👌": " ok ", "✅": " yes ", "👎": " no ", "❌": " no "}
# The order phrases are tried in: the first intent with a phrase in the message wins.
_PHRASE_ORDER = (Intent.HUMAN, Intent.TIMEZONE, Intent.WAITLIST, Intent.INTAKE,
                 Intent.RESCHEDULE, Intent.CANCEL, Intent.LIST, Intent.BOOK)


@dataclass(frozen=True)
class Words:
    """Every language's intent words, normalised, as one table: a message is understood in
    whichever offered language it is written (the customer's language may not be known yet)."""

    exact: dict[Intent, frozenset[str]]
    phrases: tuple[tuple[Intent, tuple[str, ...]], ...]
    fuzzy: dict[str, Intent]
    yes: frozenset[str]
    yes_lead: frozenset[str]
    negation: frozenset[str]
    no: frozenset[str]
    no_lead: tuple[str, ...]
    more: frozenset[str]
    abort: frozenset[str]
    filler: frozenset[str]
    anyone: re.Pattern[str]
    by_language: dict[str, frozenset[str]]  # the words each file lists, for detection
    # Choosing a provider (bot.who): whole-message "no preference", "same as last time",
    # the words that introduce a name ("with"), and names that are also ordinary words.
    anyone_exact: frozenset[str] = frozenset()
    usual: re.Pattern[str] = re.compile(r"(?!x)x")
    same_time: re.Pattern[str] = re.compile(r"(?!x)x")  # "same time": the one discussed
    later: re.Pattern[str] = re.compile(r"(?!x)x")  # "something later" than the times shown
    earlier: re.Pattern[str] = re.compile(r"(?!x)x")
    provider_lead: frozenset[str] = frozenset()
    provider_question_start: tuple[str, ...] = ()  # "is", "does", "when" ... a name
    provider_question: frozenset[str] = frozenset()  # "in", "working", "trabaja" ...
    name_words: frozenset[str] = frozenset()
    # Small talk (bot.smalltalk): kind -> phrases of every language, longest first.
    smalltalk: dict[str, tuple[str, ...]] = field(default_factory=dict)
    smalltalk_filler: frozenset[str] = frozenset()
    # Ordinary words a typo match would take for an intent word ("any chance" is no cancel).
    not_typos: frozenset[str] = frozenset()
    # Receptionist questions (bot.questions): topic -> phrases of every language.
    questions: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _norm_all(items: list[str], *, keep_space: bool = False) -> list[str]:
    # A trailing space marks a prefix phrase ("i'm in "): normalising must keep it.
    return [normalise(x) + (" " if keep_space and x.endswith(" ") else "") for x in items]


def _load_files() -> dict[str, dict[str, Any]]:
    folder = resources.files("bot") / "lexicons"
    return {f.name.removesuffix(".toml"): tomllib.loads(f.read_text(encoding="utf-8"))
            for f in sorted(folder.iterdir(), key=lambda f: f.name)
            if f.name.endswith(".toml")}


@lru_cache(maxsize=1)
def lexicon_files() -> dict[str, dict[str, Any]]:
    """Every ``bot/lexicons/<lang>.toml`` as read (bot.language reads its [language] part)."""
    return _load_files()


@lru_cache(maxsize=1)
def tables() -> Words:
    """The intent tables of every ``bot/lexicons/<lang>.toml``, merged (read once)."""
    files = _load_files()

    def union(key: str) -> frozenset[str]:
        return frozenset(w for data in files.values() for w in _norm_all(data.get(key, [])))

    exact = {i: frozenset(w for d in files.values()
                          for w in _norm_all(d.get("exact", {}).get(i.value, [])))
             for i in Intent}
    phrases = tuple((i, tuple(dict.fromkeys(
        w for d in files.values()
        for w in _norm_all(d.get("phrases", {}).get(i.value, []), keep_space=True))))
        for i in _PHRASE_ORDER)
    fuzzy = {normalise(w): Intent(i) for d in files.values()
             for w, i in d.get("fuzzy", {}).items()}
    by_language = {code: frozenset(_language_words(d)) for code, d in files.items()}
    return Words(exact=exact, phrases=phrases, fuzzy=fuzzy, yes=union("yes"),
                 yes_lead=union("yes_lead"), negation=union("negation"), no=union("no"),
                 no_lead=tuple(sorted({w for d in files.values()
                                       for w in _norm_all(d.get("no_lead", []),
                                                          keep_space=True)})),
                 more=union("more"), abort=union("abort"), filler=union("filler"),
                 anyone=_any_of(union("anyone")), by_language=by_language,
                 anyone_exact=union("anyone_exact"), usual=_any_of(union("usual")),
                 same_time=_any_of(union("same_time")), later=_any_of(union("later")),
                 earlier=_any_of(union("earlier")),
                 provider_lead=union("provider_lead"),
                 provider_question_start=tuple(sorted(union("provider_question_start"))),
                 provider_question=union("provider_question"),
                 name_words=union("name_words") | _single_words(files),
                 smalltalk=_smalltalk(files), questions=_grouped(files, "questions"),
                 not_typos=union("not_typos"),
                 smalltalk_filler=frozenset(w for d in files.values() for w in _norm_all(
                     d.get("smalltalk", {}).get("filler", []))))


def _any_of(phrases: frozenset[str]) -> re.Pattern[str]:
    """One pattern for whole-word phrases, longest first (never matching when empty)."""
    if not phrases:
        return re.compile(r"(?!x)x")
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(map(re.escape, ordered)) + r")\b")


def _single_words(files: dict[str, dict[str, Any]]) -> frozenset[str]:
    """Every word the lexicons use for something else ("yes", "bitte", "vale")."""
    return frozenset(w for d in files.values() for w in _language_words(d) | set(
        _norm_all(d.get("filler", []))))


def _smalltalk(files: dict[str, dict[str, Any]]) -> dict[str, tuple[str, ...]]:
    return _grouped(files, "smalltalk", skip="filler")


def _grouped(files: dict[str, dict[str, Any]], table: str,
             skip: str = "") -> dict[str, tuple[str, ...]]:
    """A ``[table]`` of kind -> phrases, merged over every language, longest first."""
    kinds: dict[str, set[str]] = {}
    for d in files.values():
        for kind, phrases in d.get(table, {}).items():
            if kind != skip:
                kinds.setdefault(kind, set()).update(p for p in _norm_all(phrases) if p)
    return {k: tuple(sorted(v, key=lambda p: (-len(p), p))) for k, v in kinds.items()}


def _language_words(data: dict[str, Any]) -> set[str]:
    """The single words of a file's intent phrases (for telling languages apart)."""
    lists = [*data.get("exact", {}).values(), *data.get("phrases", {}).values(),
             data.get("yes", []), data.get("no", []), data.get("more", [])]
    return {w for items in lists for phrase in _norm_all(items) for w in phrase.split()
            if len(w) >= 2}


def keyword_scores(text: str) -> dict[str, float]:
    """Per language, how many of the message's words are that language's intent words; a
    word several languages share counts 1/k for each ("cancelar" is Spanish and Portuguese)."""
    table = tables().by_language
    scores: dict[str, float] = {}
    for word in set(normalise(text).split()):
        owners = [code for code, ws in table.items() if word in ws]
        for code in owners:
            scores[code] = scores.get(code, 0.0) + 1.0 / len(owners)
    return scores


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
    table = tables()
    for intent, exact in table.exact.items():
        if t in exact:
            return intent
    padded = f" {t} "
    for intent, phrases in table.phrases:
        if any(f" {p.strip()} " in padded or (p.endswith(" ") and f" {p}" in padded)
               for p in phrases):
            return intent
    for word in t.split():
        if len(word) >= 5 and word not in table.not_typos:
            hit = difflib.get_close_matches(word, table.fuzzy, n=1, cutoff=0.8)
            if hit:
                return table.fuzzy[hit[0]]
    return None


def is_yes(text: str) -> bool:
    said = normalise(text).split()
    table = tables()
    if not said or any(w in table.negation for w in said):
        return False
    return all(w in table.yes for w in said) or said[0] in table.yes_lead


def is_no(text: str) -> bool:
    t = normalise(text)
    table = tables()
    return t in table.no or t.startswith(table.no_lead)


def is_more(text: str) -> bool:
    return normalise(text) in tables().more


def is_abort(text: str) -> bool:
    """A bare 'cancel' (or 'stop that', 'never mind') inside a flow abandons the flow."""
    return normalise(text) in tables().abort


def pick_number(text: str, count: int) -> int | None:
    """'2', '#2', 'option 2', 'the 2nd' -> index 1 when within the choices shown."""
    m = re.fullmatch(r"(?:option |number |no |#|the )?(\d{1,2})(?:st|nd|rd|th)?(?: one)?",
                     normalise(text))
    if m and 1 <= int(m.group(1)) <= count:
        return int(m.group(1)) - 1
    return None


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text)


@lru_cache(maxsize=1024)  # services are frozen: a new business file, new keys
def _names(service: Service) -> tuple[str, ...]:
    return tuple(normalise(n) for n in (service.name, *(name for _, name in service.names),
                                        service.key.replace("_", " "),
                                        *service.aliases) if n)


def _content_words(text: str) -> list[str]:
    filler = tables().filler
    return [w for w in normalise(text).split() if w not in filler]


FUZZY_SERVICE = 0.8  # a service named this closely (difflib ratio) counts as meant


def _score(service: Service, words: list[str]) -> float:
    """1.0+ for an exact mention, else the best fuzzy ratio if it reaches FUZZY_SERVICE
    (0.0 below it: match_services never looks at a lower score)."""
    joined = _squash("".join(words))
    best = 0.0
    for name in _names(service):
        squashed = _squash(name)
        if squashed and squashed in joined:
            return 1.0 + len(squashed) / 100  # exact mention; longer names win ties
        for size in (1, 2, 3):  # fuzzy: compare every short run of words to the name
            for i in range(len(words) - size + 1):
                chunk = _squash("".join(words[i:i + size]))
                if len(chunk) < 3:
                    continue
                matcher = difflib.SequenceMatcher(None, chunk, squashed)
                # The cheap upper bounds first: most pairs cannot reach the threshold, and
                # ratio() is the costliest call of an ordinary message.
                floor = max(best, FUZZY_SERVICE)
                if matcher.real_quick_ratio() >= floor and matcher.quick_ratio() >= floor:
                    best = max(best, matcher.ratio())
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
    close = [(score, s) for score, _, s in scored if score >= FUZZY_SERVICE]
    if not close:
        return []
    return [s for score, s in close if close[0][0] - score < 0.05]
