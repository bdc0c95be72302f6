"""A worker asked to stop mid-batch (SIGTERM: ``Jobs.stop``) finishes the send in hand,
records what it sent, hands the rest of its batch back at once and claims nothing more.

The stop is asked from inside the second send, as a signal landing while the platform is
answering would; the control never asks and shows what the guard prevents: the stopping
worker going on through its batch and claiming batch after batch (a shutdown as long as
the backlog, cut short by the platform's SIGKILL, whose claims then wait out the lease).
The process-level version (real ``bookingbot worker`` processes, SIGTERM and SIGKILL) is
tests/hardening/test_worker_shutdown.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine, insert, select

from db.jobs_tables import NOTIFICATIONS as N
from jobs.sweeps import JobSettings
from tests.jobs.harness import Clock, RecordingSender, make_world

COUNT, BATCH = 12, 5


@dataclass
class SignalDuringSend(RecordingSender):
    """Runs ``during`` while its ``at``-th send is in flight (before it returns)."""

    at: int = 2
    during: Callable[[], None] = field(default=lambda: None)

    def send(self, recipient_id: str, text: str,
             choices: Sequence[tuple[str, str]] = ()) -> str:
        if len(self.sent) + 1 == self.at:
            self.during()
        return super().send(recipient_id, text, choices)


def seed(engine: Engine, clock: Clock) -> None:
    due = clock() - timedelta(minutes=1)
    with engine.begin() as conn:
        conn.execute(insert(N), [
            {"idempotency_key": f"stop:{i}", "kind": "booking_confirmed",
             "audience": "customer", "channel": "telegram", "address": str(100 + i),
             "text": f"n{i:02d}", "choices": [], "status": "pending", "attempts": 0,
             "next_attempt_at": due, "created_at": due} for i in range(COUNT)])


def rows(engine: Engine) -> list[tuple[str, str, int, str | None]]:
    with engine.connect() as conn:
        return [(r.text, r.status, r.attempts, r.claim_token) for r in conn.execute(
            select(N.c.text, N.c.status, N.c.attempts, N.c.claim_token).order_by(N.c.id))]


def test_stop_mid_batch_finishes_the_send_in_hand_and_hands_back_the_rest(
        jengine: Engine, clock: Clock) -> None:
    sender = SignalDuringSend("telegram")
    w = make_world(jengine, clock, settings=JobSettings(batch=BATCH),
                   senders={"telegram": sender})
    sender.during = w.jobs.stop
    seed(jengine, clock)
    counts = w.jobs.deliver()
    assert dict(counts) == {"sent": 2, "released": BATCH - 2}
    assert [s.text for s in sender.sent] == ["n00", "n01"]  # the one in hand completed
    stored = rows(jengine)
    assert [(t, s, a) for t, s, a, _ in stored[:2]] == [("n00", "sent", 1), ("n01", "sent", 1)]
    # Handed back as if never claimed, due now: any worker takes them at once.
    assert {(s, a, tok) for _, s, a, tok in stored[2:]} == {("pending", 0, None)}
    assert w.jobs.deliver() == {}  # stopped: claims nothing more
    assert [s.text for s in sender.sent] == ["n00", "n01"]

    # Another worker (a restart) delivers the rest, each once.
    other = RecordingSender("telegram")
    make_world(jengine, clock, settings=JobSettings(batch=BATCH),
               senders={"telegram": other}).jobs.deliver()
    assert sorted(s.text for s in other.sent) == [f"n{i:02d}" for i in range(2, COUNT)]
    assert {s for _, s, _, _ in rows(jengine)} == {"sent"}


def test_control_without_the_stop_the_worker_sends_on_through_the_backlog(
        jengine: Engine, clock: Clock) -> None:
    asked: list[int] = []
    sender = SignalDuringSend("telegram")
    w = make_world(jengine, clock, settings=JobSettings(batch=BATCH),
                   senders={"telegram": sender})
    sender.during = lambda: asked.append(len(sender.sent))  # the signal, unheeded
    seed(jengine, clock)
    counts = w.jobs.deliver()
    assert asked == [1]
    assert dict(counts) == {"sent": COUNT}  # ten more sends after the signal, three claims
    assert len(sender.sent) - asked[0] - 1 == COUNT - 2
