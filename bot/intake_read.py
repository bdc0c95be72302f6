"""Understanding an answer to an intake question (core.intake): yes/no in any language, a
choice by its text, number or position ("the second"), a skip word for an optional one.

Pure; the words are data: the yes/no words of the lexicons and their ``[intake]`` ``skip``
lists (``bot/lexicons/<lang>.toml``), merged so an answer is read in any language.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from bot import intents, picks
from bot.intents import lexicon_files, normalise
from core.intake import MAX_ANSWER, NO, YES, Question, QuestionKind


@dataclass(frozen=True)
class Reading:
    """A valid answer's stored value ("" = skipped), or why it is not one."""

    value: str | None = None
    problem: str | None = None  # "required", "too_long", "yes_no", "choice", "empty"


@lru_cache(maxsize=1)
def skip_words() -> frozenset[str]:
    return frozenset(normalise(w) for data in lexicon_files().values()
                     for w in data.get("intake", {}).get("skip", []))


@lru_cache(maxsize=1)
def keep_words() -> frozenset[str]:
    """"keep", "same": an answer being changed stays as it was."""
    return frozenset(normalise(w) for data in lexicon_files().values()
                     for w in data.get("intake", {}).get("keep", []))


def is_skip(text: str) -> bool:
    t = normalise(text)
    return t in skip_words() or text.strip() in {"-", "–", "—", "/", "answer:skip"}


def read(question: Question, text: str, lang: str | None) -> Reading:
    said = text.strip()
    if not said:
        return Reading(problem="empty")
    if question.kind is QuestionKind.TEXT:
        return _text(question, said)
    if not question.required and (is_skip(said) or (question.kind is QuestionKind.CHOICE
                                                   and intents.is_no(said))):
        return Reading("")
    if question.kind is QuestionKind.YES_NO:
        return _yes_no(said)
    return _choice(question, said, lang)


def _text(question: Question, said: str) -> Reading:
    if is_skip(said):
        return Reading("") if not question.required else Reading(problem="required")
    if len(said) > MAX_ANSWER:
        return Reading(problem="too_long")
    return Reading(" ".join(said.split()))


def _yes_no(said: str) -> Reading:
    if said in (f"answer:{YES}", f"answer:{NO}"):  # a button
        return Reading(said.removeprefix("answer:"))
    if intents.is_yes(said):
        return Reading(YES)
    if intents.is_no(said):
        return Reading(NO)
    return Reading(problem="required" if is_skip(said) else "yes_no")


def _choice(question: Question, said: str, lang: str | None) -> Reading:
    labels = [o.label for o in question.options]
    if said.startswith("answer:") and said.removeprefix("answer:").isdigit():
        index: int | None = int(said.removeprefix("answer:"))
    else:
        index = pick(question, said, lang)
    if index is not None and 0 <= index < len(labels):
        return Reading(labels[index])
    return Reading(problem="required" if is_skip(said) else "choice")


def pick(question: Question, said: str, lang: str | None) -> int | None:
    """The option a reply names: its text in any language, its number, "the second"."""
    t = normalise(said)
    labels = question.every_label()
    exact = {i for i, label in labels if normalise(label) == t}
    if len(exact) == 1:
        return exact.pop()
    number = intents.pick_number(said, len(question.options))
    if number is not None:
        return number
    ordinal = picks.ordinal(said, len(question.options), lang)
    if ordinal is not None:
        return ordinal
    inside = {i for i, label in labels if f" {normalise(label)} " in f" {t} "}
    return inside.pop() if len(inside) == 1 else None
