"""The conversation's memory between messages, serialisable to JSON for the database."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Protocol

from core.booking import reference

# A conversation idle this long is politely reset: the offers it holds are stale by then.
IDLE_TIMEOUT = timedelta(minutes=30)


class State(StrEnum):
    IDLE = "idle"
    ASK_SERVICE = "ask_service"
    ASK_TIME = "ask_time"
    PICK_SLOT = "pick_slot"
    CONFIRM_BOOKING = "confirm_booking"
    PICK_BOOKING = "pick_booking"
    CONFIRM_CANCEL = "confirm_cancel"
    CONFIRM_RESCHEDULE = "confirm_reschedule"
    OFFER_WAITLIST = "offer_waitlist"
    CONFIRM_SERIES = "confirm_series"
    ANSWER_INTAKE = "answer_intake"  # the service's intake questions, one by one (bot.intake)


class Purpose(StrEnum):
    """Why the current flow was started; decides what a picked slot or booking is for."""

    BOOK = "book"
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"
    WAITLIST = "waitlist"
    SERIES = "series"
    INTAKE = "intake"  # changing the answers of a booking already made
    GREET = "greet"  # a hello: the customer's next booking is shown after the greeting


@dataclass(frozen=True)
class Offer:
    provider_key: str
    start: datetime  # UTC


@dataclass(frozen=True)
class BookingView:
    """What the customer may see of one of their own bookings."""

    id: str
    service_key: str
    provider_key: str
    start: datetime  # UTC
    refund_minor: int = 0  # what cancelling now would refund
    currency: str = "USD"
    pay_by: datetime | None = None  # UTC; set while an unpaid hold waits for its payment
    fee_minor: int = 0  # the late-cancellation fee cancelling now would charge (core.fees)
    answers: tuple[tuple[str, str], ...] = ()  # its intake answers, (question key, value)

    @property
    def reference(self) -> str:
        return reference(self.id)


@dataclass(frozen=True)
class SeriesRequest:
    first_day: date
    at: time
    count: int
    every_weeks: int = 1


@dataclass(frozen=True)
class Session:
    state: State = State.IDLE
    purpose: Purpose | None = None
    tz: str | None = None  # the customer's IANA zone once known
    lang: str | None = None  # the customer's language once known; None = the business default
    # What decided ``lang`` (bot.language.Source): a weak prior (Telegram's language, the
    # phone's country, the default) still gives way to a clearly written other language.
    lang_source: str | None = None
    opted_out: bool = False
    service_key: str | None = None
    provider_key: str | None = None  # None = anyone
    window: tuple[datetime, datetime] | None = None
    part_of_day: str | None = None
    anchor: datetime | None = None  # a bare time asked for: offers sort nearest to it
    offers: tuple[Offer, ...] = ()
    page: int = 0
    chosen: Offer | None = None
    # The short hold taken on ``chosen`` while the customer reads "Confirm?" (a held booking's
    # id): released by the machine whenever the conversation leaves that question unbooked.
    hold_id: str | None = None
    # Handed to a person: the bot says nothing here until the team answers (the runner
    # reads db.handoffs) or the customer writes "bot" / starts over.
    handoff: bool = False
    booking_id: str | None = None
    bookings: tuple[BookingView, ...] = ()
    series: SeriesRequest | None = None
    # What the customer said when starting a reschedule ("move it to fri at 3"): used as
    # the new time once the booking to move is known, so they need not say it twice.
    pending_text: str | None = None
    # "Same person as last time": the provider of the customer's last booking once looked
    # up ("" = they have none), and the message that asked, read again once it is known.
    usual_provider: str | None = None
    recall_text: str | None = None
    # Intake answers given so far, (question key, value), for the service ``answers_for``;
    # ``hold_until``: when the hold on ``chosen`` lapses unless an answer keeps it.
    answers: tuple[tuple[str, str], ...] = ()
    answers_for: str | None = None
    hold_until: datetime | None = None
    updated_at: datetime | None = None

    def reset(self) -> Session:
        """Back to the top, keeping what we know about the customer."""
        return Session(tz=self.tz, lang=self.lang, lang_source=self.lang_source,
                       opted_out=self.opted_out, usual_provider=self.usual_provider,
                       updated_at=self.updated_at)

    def idle_since(self, now: datetime) -> bool:
        return (self.state is not State.IDLE and not self.handoff and self.updated_at is not None
                and now - self.updated_at > IDLE_TIMEOUT)

    def booking(self, booking_id: str | None) -> BookingView | None:
        return next((b for b in self.bookings if b.id == booking_id), None)

    def touched(self, now: datetime) -> Session:
        return replace(self, updated_at=now)

    def to_json(self) -> dict[str, Any]:
        return _encode(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Session:
        return _decode(data)

    def dumps(self) -> str:
        return json.dumps(self.to_json(), sort_keys=True)


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt is not None else None


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text is not None else None


def _encode(s: Session) -> dict[str, Any]:
    return {
        "state": s.state.value, "purpose": s.purpose.value if s.purpose else None, "tz": s.tz,
        "lang": s.lang, "lang_source": s.lang_source,
        "opted_out": s.opted_out, "service_key": s.service_key, "provider_key": s.provider_key,
        "window": [_iso(s.window[0]), _iso(s.window[1])] if s.window else None,
        "part_of_day": s.part_of_day, "anchor": _iso(s.anchor),
        "offers": [[o.provider_key, _iso(o.start)] for o in s.offers], "page": s.page,
        "chosen": [s.chosen.provider_key, _iso(s.chosen.start)] if s.chosen else None,
        "booking_id": s.booking_id, "hold_id": s.hold_id, "handoff": s.handoff,
        "bookings": [[b.id, b.service_key, b.provider_key, _iso(b.start), b.refund_minor,
                      b.currency, _iso(b.pay_by), [list(a) for a in b.answers]]
                     for b in s.bookings],
        "series": ([s.series.first_day.isoformat(), s.series.at.isoformat(), s.series.count,
                    s.series.every_weeks] if s.series else None),
        "pending_text": s.pending_text,
        "usual_provider": s.usual_provider, "recall_text": s.recall_text,
        "answers": [list(a) for a in s.answers], "answers_for": s.answers_for,
        "hold_until": _iso(s.hold_until),
        "updated_at": _iso(s.updated_at),
    }


def _offer(pair: list[Any]) -> Offer:
    return Offer(str(pair[0]), datetime.fromisoformat(pair[1]))


def _pairs(raw: list[Any]) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(v)) for k, v in raw)


def _decode(d: dict[str, Any]) -> Session:
    window = d.get("window")
    series = d.get("series")
    return Session(
        state=State(d.get("state", "idle")),
        purpose=Purpose(d["purpose"]) if d.get("purpose") else None,
        tz=d.get("tz"), lang=d.get("lang"),
        # Sessions saved before sources were kept had only the detected language.
        lang_source=d.get("lang_source") or ("detected" if d.get("lang") else None),
        opted_out=bool(d.get("opted_out", False)),
        service_key=d.get("service_key"), provider_key=d.get("provider_key"),
        window=(datetime.fromisoformat(window[0]), datetime.fromisoformat(window[1]))
        if window else None,
        part_of_day=d.get("part_of_day"), anchor=_dt(d.get("anchor")),
        offers=tuple(_offer(p) for p in d.get("offers", [])), page=int(d.get("page", 0)),
        chosen=_offer(d["chosen"]) if d.get("chosen") else None,
        booking_id=d.get("booking_id"), hold_id=d.get("hold_id"),
        handoff=bool(d.get("handoff", False)),
        bookings=tuple(BookingView(b[0], b[1], b[2], datetime.fromisoformat(b[3]), int(b[4]),
                                   b[5], _dt(b[6] if len(b) > 6 else None),
                                   answers=_pairs(b[7] if len(b) > 7 else []))
                       for b in d.get("bookings", [])),
        series=SeriesRequest(date.fromisoformat(series[0]), time.fromisoformat(series[1]),
                             int(series[2]), int(series[3])) if series else None,
        pending_text=d.get("pending_text"),
        usual_provider=d.get("usual_provider"), recall_text=d.get("recall_text"),
        answers=_pairs(d.get("answers", [])), answers_for=d.get("answers_for"),
        hold_until=_dt(d.get("hold_until")),
        updated_at=_dt(d.get("updated_at")),
    )


class ConversationTx(Protocol):
    """One sender's conversation, locked for the duration of one inbound message."""

    def processed_reply(self, delivery_id: str) -> list[dict[str, Any]] | None:
        """The replies already sent for this delivery, or None if it is new."""

    def load(self) -> Session | None: ...

    def save(self, session: Session, *, delivery_id: str, replies: list[dict[str, Any]],
             now: datetime) -> bool:
        """Store the session and record the delivery (with its replies) atomically.

        Returns False, having written nothing, when the delivery was already recorded (a
        copy handled concurrently): the caller must then send nothing."""


class SessionStore(Protocol):
    def open(self, channel: str, sender_id: str) -> AbstractContextManager[ConversationTx]:
        """The sender's conversation, serialised against their other messages while open."""


@dataclass
class _MemoryTx:
    store: MemorySessionStore
    key: tuple[str, str]

    def processed_reply(self, delivery_id: str) -> list[dict[str, Any]] | None:
        return self.store.deliveries.get((self.key[0], delivery_id))

    def load(self) -> Session | None:
        raw = self.store.sessions.get(self.key)
        return Session.from_json(json.loads(raw)) if raw else None

    def save(self, session: Session, *, delivery_id: str, replies: list[dict[str, Any]],
             now: datetime) -> bool:
        if (self.key[0], delivery_id) in self.store.deliveries:
            return False
        self.store.sessions[self.key] = session.touched(now).dumps()
        self.store.deliveries[(self.key[0], delivery_id)] = replies
        return True

    def __enter__(self) -> _MemoryTx:
        return self

    def __exit__(self, *exc: object) -> None:
        return None  # nothing to release: a dict has no transaction


@dataclass
class MemorySessionStore:
    """For tests and the pure-machine benchmarks: a dict standing in for the two tables."""

    sessions: dict[tuple[str, str], str] = field(default_factory=dict)
    deliveries: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)

    def open(self, channel: str, sender_id: str) -> _MemoryTx:
        return _MemoryTx(self, (channel, sender_id))
