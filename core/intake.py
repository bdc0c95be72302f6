"""Intake questions: what a service asks after the time is chosen, and the answers kept.

A question is written by the business per language (like service names); an answer is
stored with a snapshot of the question's text in the business's default language, so a
later edit of the business file never changes what an old answer seems to say.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from core.events import Event

# A free-text answer longer than this is asked again shorter: an intake note, not an essay.
MAX_ANSWER = 300
# What a yes/no answer is stored as (providers read the stored value; Slack stays English).
YES, NO = "yes", "no"


class QuestionKind(StrEnum):
    TEXT = "text"
    YES_NO = "yes_no"
    CHOICE = "choice"


def _in(pairs: tuple[tuple[str, str], ...], lang: str | None) -> str | None:
    base = (lang or "").replace("-", "_").split("_")[0]
    named = dict(pairs)
    return named.get(lang or "") or named.get(base)


@dataclass(frozen=True)
class Option:
    """One answer of a choice: ``label`` in the default language, ``labels`` per language."""

    label: str
    labels: tuple[tuple[str, str], ...] = ()

    def label_in(self, lang: str | None) -> str:
        return _in(self.labels, lang) or self.label


@dataclass(frozen=True)
class Question:
    key: str
    text: str  # in the business's default language
    kind: QuestionKind = QuestionKind.TEXT
    required: bool = True
    # (language, text) pairs when the file gives the text per language.
    texts: tuple[tuple[str, str], ...] = ()
    options: tuple[Option, ...] = ()  # for a choice, in the order shown

    def text_in(self, lang: str | None) -> str:
        return _in(self.texts, lang) or self.text

    def every_label(self) -> tuple[tuple[int, str], ...]:
        """(option index, label) in every language written: a customer may answer in any."""
        return tuple((i, label) for i, o in enumerate(self.options)
                     for label in (o.label, *(text for _, text in o.labels)))


@dataclass(frozen=True)
class Answer:
    """One answer kept on a booking; ``value`` "" is an optional question skipped."""

    key: str
    question: str  # the question's text when it was answered (default language)
    kind: QuestionKind
    value: str


def snapshot(questions: Sequence[Question], given: Sequence[tuple[str, str]]) -> tuple[Answer, ...]:
    """The answers to store: each given (key, value) with its question's text now, in the
    service's question order; keys no longer asked are dropped."""
    values = dict(given)
    return tuple(Answer(q.key, q.text, q.kind, values[q.key][:MAX_ANSWER])
                 for q in questions if q.key in values)


def shown(answer: Answer) -> str:
    """The answer as a provider reads it."""
    return answer.value or "(skipped)"


class IntakeRepository(Protocol):
    """The answers kept on bookings (one row per booking and question)."""

    def save(self, booking_id: str, answers: Sequence[Answer], *, at: datetime) -> None:
        """Replace the booking's answers with these."""

    def of_booking(self, booking_id: str) -> tuple[Answer, ...]: ...

    def of_bookings(self, booking_ids: Sequence[str]) -> dict[str, tuple[Answer, ...]]: ...


@dataclass(frozen=True)
class IntakeUpdated(Event):
    """The customer changed their answers after booking: the provider is told. ``at`` makes
    each change its own outbox row (the key is a digest of the payload)."""

    at: datetime
