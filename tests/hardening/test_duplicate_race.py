"""Two copies of one delivery racing in two "processes" (two runners, two engines) on
PostgreSQL: the second copy waits on the sender's row lock, then finds the delivery
recorded and does nothing -- no unique violation, no second effect, no second reply.

The interleaving is forced: copy A is held inside its transaction (after the duplicate
check, before its save) until copy B is seen waiting for a lock in ``pg_stat_activity``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from sqlalchemy import text

from bookingbot.bootstrap import Database, database
from bookingbot.chat import make_runner
from bot.messages import InboundMessage, Reply
from bot.runner import Runner
from bot.session import ConversationTx, SessionStore
from db.catalog import sync_business
from tests.bot.conftest import NOW, make_business
from tests.db.conftest import fresh_postgres

pytestmark = pytest.mark.postgres


class _HeldStore:
    """Lets copy A's save wait for a signal: the check-then-act window held open."""

    def __init__(self, inner: SessionStore, release: threading.Event,
                 reached: threading.Event) -> None:
        self.inner, self.release, self.reached = inner, release, reached

    def open(self, channel: str, sender_id: str) -> AbstractContextManager[ConversationTx]:
        outer = self
        ctx = self.inner.open(channel, sender_id)

        class _Tx:
            def __enter__(self) -> _Tx:
                self.tx = ctx.__enter__()
                return self

            def __exit__(self, *exc: object) -> None:
                ctx.__exit__(*exc)  # type: ignore[arg-type]

            def processed_reply(self, delivery_id: str) -> Any:
                return self.tx.processed_reply(delivery_id)

            def load(self) -> Any:
                return self.tx.load()

            def save(self, *args: Any, **kwargs: Any) -> bool:
                outer.reached.set()
                assert outer.release.wait(30), "copy B never showed up waiting"
                return self.tx.save(*args, **kwargs)

        return _Tx()  # type: ignore[return-value]


@pytest.fixture
def two_dbs() -> Iterator[tuple[Database, Database]]:
    with fresh_postgres() as url:
        a, b = database(url), database(url)
        with a.sessions() as s, s.begin():
            sync_business(s, make_business(), raw_text="", now=NOW)
        yield a, b
        a.close()
        b.close()


def _runner(db: Database) -> Runner:
    r = make_runner(db)
    r.clock = lambda: NOW
    return r


def _say(r: Runner, text_: str, delivery: str) -> list[Reply]:
    return r.handle(InboundMessage("test", "ann", delivery, NOW, text=text_))


def _waiting_for_lock(db: Database) -> bool:
    with db.engine.connect() as conn:
        return bool(conn.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'")).scalar())


def test_simultaneous_copies_in_two_processes_have_one_effect_and_one_reply(
        two_dbs: tuple[Database, Database]) -> None:
    db_a, db_b = two_dbs
    first, second = _runner(db_a), _runner(db_b)
    _say(first, "haircut tomorrow afternoon", "m1")
    _say(first, "1", "m2")
    release, reached = threading.Event(), threading.Event()
    first.store = _HeldStore(first.store, release, reached)  # type: ignore[assignment]
    results: dict[str, list[Reply] | BaseException] = {}

    def copy(name: str, r: Runner) -> None:
        try:
            results[name] = _say(r, "yes", "m3")
        except BaseException as exc:  # reported by the assertion below
            results[name] = exc

    a = threading.Thread(target=copy, args=("a", first))
    a.start()
    assert reached.wait(30)
    b = threading.Thread(target=copy, args=("b", second))
    b.start()
    deadline = time.monotonic() + 30
    while not _waiting_for_lock(db_a):  # a condition polled, not a sleep that hopes
        assert time.monotonic() < deadline, "copy B did not wait for the sender's lock"
        assert b.is_alive(), f"copy B finished without waiting: {results.get('b')}"
        time.sleep(0.01)
    release.set()
    a.join(30)
    b.join(30)
    assert isinstance(results["a"], list), results["a"]
    assert isinstance(results["b"], list), results["b"]
    assert "Booked!" in " ".join(r.text for r in results["a"])
    assert results["b"] == []  # the copy: no reply at all
    with db_a.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM bookings WHERE status = 'confirmed'")
                            ).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM processed_deliveries "
                                 "WHERE delivery_id = 'm3'")).scalar() == 1
