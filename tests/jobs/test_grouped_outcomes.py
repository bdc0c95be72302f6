"""Outcomes are recorded in groups (one commit each), on both databases: what was sent
stays sent when the worker is interrupted mid-batch, and reply contexts merged in one group
leave the state that sending them one by one leaves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar

import pytest
from sqlalchemy import Engine

from core.delivery import Outcome
from db.jobs_store import SqlJobsStore
from jobs.delivery import Deliverer
from jobs.reply_context import SESSION_KEY
from tests.jobs.conftest import at
from tests.jobs.harness import Clock, RecordingSender, World, make_world


@dataclass
class StopAfter(RecordingSender):
    """Sends ``limit`` messages, then the worker is interrupted (Ctrl-C, shutdown)."""

    limit: int = 0

    def send(self, recipient_id: str, text: str,
             choices: Sequence[tuple[str, str]] = ()) -> str:
        if len(self.sent) >= self.limit:
            raise KeyboardInterrupt
        return super().send(recipient_id, text, choices)


def reminders_due(w: World, clock: Clock, count: int) -> None:
    """``count`` bookings on the 10th, one customer each; their 24 h reminders planned."""
    for i in range(count):
        w.book(w.customer(sender=str(100 + i)), at(10, 9 + i // 2),
               provider=("alice", "bob")[i % 2])
    w.jobs.run_once()  # the confirmations go out now
    for sender in w.senders.values():
        sender.sent.clear()
    clock.set(at(9, 20))
    w.jobs.reminders()


def test_an_interrupted_worker_keeps_what_it_sent_and_nothing_is_sent_twice(
        jengine: Engine, clock: Clock) -> None:
    w = make_world(jengine, clock)
    reminders_due(w, clock, 5)
    interrupted = StopAfter("telegram", limit=3)
    first = Deliverer(w.store, {"telegram": interrupted}, clock, record_every=50,
                      record_after=3600.0)  # nothing recorded before the interrupt
    with pytest.raises(KeyboardInterrupt):
        first.sweep()
    rows = [r for r in w.rows() if r["kind"] == "reminder"]
    assert sorted(str(r["status"]) for r in rows) == ["sending"] * 2 + ["sent"] * 3
    clock.advance(timedelta(minutes=6))  # the interrupted worker's lease runs out
    w.jobs.deliver()
    again = [s.text for s in w.sent()]
    assert len(again) == 2
    assert not set(again) & {s.text for s in interrupted.sent}
    assert {str(r["status"]) for r in w.rows()} == {"sent"}


def test_contexts_merged_in_one_group_equal_one_by_one(jengine: Engine, clock: Clock) -> None:
    w = make_world(jengine, clock)
    now = clock()
    first = {SESSION_KEY: {"kind": "reminder", "booking_id": "b1"}, "keep": 1}
    second = {SESSION_KEY: {"kind": "waitlist_offer", "booking_id": "b2"}}
    w.store.merge_session_state("telegram", "7", {"bot": "state"}, now=now)
    w.store.merge_session_state("telegram", "7", first, now=now)
    w.store.merge_session_state("telegram", "7", second, now=now)
    one_by_one = w.store.session_state("telegram", "7")
    grouped = [Outcome(-1, "no-claim", "sent", now, session=("telegram", "8", values))
               for values in ({"bot": "state"}, first, second)]
    assert w.store.finish_many(grouped) == 0  # no such claim: no row written...
    assert w.store.session_state("telegram", "8") == one_by_one  # ...the contexts are
    assert one_by_one == {"bot": "state", "keep": 1, **second}


class BusyContexts(SqlJobsStore):
    """Writing a reply context fails (a session row busy); records every group's size."""

    calls: ClassVar[list[int]] = []

    def finish_many(self, outcomes: Sequence[Outcome]) -> int:
        self.calls.append(len(outcomes))
        if any(o.session for o in outcomes):
            raise RuntimeError("session row busy")
        return super().finish_many(outcomes)


def test_a_failed_group_is_recorded_again_without_its_contexts(jengine: Engine,
                                                               clock: Clock) -> None:
    w = make_world(jengine, clock, store_class=BusyContexts)
    reminders_due(w, clock, 2)
    BusyContexts.calls.clear()
    counts = w.jobs.deliver()
    assert counts["sent"] == 2
    assert BusyContexts.calls == [2, 2]  # the group, then the same group without contexts
    assert {str(r["status"]) for r in w.rows() if r["kind"] == "reminder"} == {"sent"}
    assert SESSION_KEY not in w.store.session_state("telegram", "100")
