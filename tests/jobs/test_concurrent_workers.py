"""Two workers (threads, separate connection pools) over 1,000 due reminders on PostgreSQL
deliver each exactly once; the control removes the row locks and shows duplicates.

The control forces its interleaving: both workers read the due rows, then meet at a barrier,
then both claim them. That is exactly the check-then-act window the row lock closes, and a
barrier (unlike a sleep) opens it on an idle machine and a saturated one alike."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, select, update

from core.booking import BookingStatus
from core.model import Business
from db.engine import make_engine
from db.jobs_store import DUE, SqlClaimed, SqlJobsStore
from db.jobs_tables import NOTIFICATIONS as N
from db.repositories import SqlBookingRepository
from tests.db.helpers import NOW, make_booking, make_business
from tests.jobs.harness import Clock, RecordingSender, World, make_world, rules

pytestmark = pytest.mark.postgres
COUNT = 1000


@pytest.fixture
def jobs_backend() -> str:
    return "postgres"


def seed_due_reminders(w: World, count: int = COUNT) -> None:
    """``count`` confirmed one-minute bookings in the next ~9 hours, booked days ago."""
    ann = w.customer()
    with w.uow() as u:
        repo = u.bookings
        assert isinstance(repo, SqlBookingRepository)
        for i in range(count):
            provider = ("alice", "bob")[i % 2]
            start = NOW + timedelta(hours=1, minutes=i // 2)
            b = make_booking(ann, provider=provider, start=start, minutes=1,
                             status=BookingStatus.CONFIRMED)
            repo.add(replace(b, created_at=NOW - timedelta(days=3)))
        u.commit()


class NoLockStore(SqlJobsStore):
    """The guard removed: due rows are read without FOR UPDATE SKIP LOCKED.

    ``between`` runs once, on the first claim, between the read and the write: the race
    below hands every worker the same barrier there, so both have read before either writes.
    """

    between: Callable[[], object] = staticmethod(lambda: None)
    _first = True

    def claim_notifications(self, *, now: datetime, limit: int,
                            lease: timedelta) -> list[SqlClaimed]:
        token = str(uuid.uuid4())
        with self._sessions.begin() as s:
            ids = list(s.execute(select(N.c.id).where(N.c.status.in_(DUE),
                                                      N.c.next_attempt_at <= now)
                                 .order_by(N.c.id).limit(limit)).scalars())
            if self._first:  # the check-then-act window the lock closes, held open
                self._first = False
                type(self).between()
            s.execute(update(N).where(N.c.id.in_(ids)).values(
                status="sending", next_attempt_at=now + lease, claim_token=token))
        # Delivered as plain notices: the reminder re-checks are not what is under test.
        return [SqlClaimed(id=i, token=token, kind="booking_confirmed", channel="telegram",
                           address="42", text=f"n{i}", choices=(), booking_id=None,
                           start=None, valid_until=None, attempts=1, quiet_tz=None, opted_out=False,
                           booking_status=None, booking_start=None) for i in ids]


def race(url: str, clock: Clock, sender: RecordingSender, *,
         store_class: type[SqlJobsStore] = SqlJobsStore) -> Counter[str]:
    """Two workers plan and deliver at the same moment; returns sends per worker."""
    barrier = threading.Barrier(2)
    per_worker: Counter[str] = Counter()
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        engine = make_engine(url)
        try:
            w = make_world(engine, clock, make_world_business(), senders={"telegram": sender},
                           store_class=store_class)
            barrier.wait()
            w.jobs.reminders()
            per_worker[name] = w.jobs.deliver()["sent"]
        except BaseException as exc:  # surfaced by the test below
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("w1", "w2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return per_worker


def make_world_business() -> Business:
    return make_business(rules=rules(reminders=(timedelta(hours=24),)))


def test_two_workers_deliver_each_due_reminder_exactly_once(jengine: Engine,
                                                            jobs_url: str) -> None:
    clock = Clock(NOW)
    w = make_world(jengine, clock, make_world_business())
    seed_due_reminders(w)
    sender = RecordingSender("telegram")
    per_worker = race(jobs_url, clock, sender)
    rows = [r for r in w.rows() if r["kind"] == "reminder"]
    assert len(rows) == COUNT
    assert {r["status"] for r in rows} == {"sent"}
    assert len({r["idempotency_key"] for r in rows}) == COUNT
    texts = Counter(s.text for s in sender.sent)
    assert len(sender.sent) == COUNT
    assert max(texts.values()) == 1
    assert sum(per_worker.values()) == COUNT
    print(f"sends per worker: {dict(per_worker)}")


def test_control_without_row_locks_sends_twice(jengine: Engine, jobs_url: str) -> None:
    clock = Clock(NOW)
    w = make_world(jengine, clock, make_world_business())
    seed_due_reminders(w, 200)
    w.jobs.reminders()  # plan once, so only the delivery races
    sender = RecordingSender("telegram")
    meet = threading.Barrier(2, timeout=60)

    class MeetingStore(NoLockStore):
        between = staticmethod(meet.wait)

    race(jobs_url, clock, sender, store_class=MeetingStore)
    texts = Counter(s.text for s in sender.sent)
    # Both workers read all 200 rows before either claimed them, so every one goes out twice.
    assert len(texts) == 200
    assert set(texts.values()) == {2}, "the race did not show: the control proves nothing"
