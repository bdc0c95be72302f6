"""Real ``bookingbot worker`` processes on PostgreSQL, stopped mid-batch (issue 17).

Two workers deliver 30 due Telegram notifications (batches of 5) to one Bot API double,
each through its own URL prefix (``/A/bot...``, ``/B/bot...``) so the double knows who
sent what. The double holds each worker's second ``sendMessage`` until the test has dealt
with that worker: the interleaving is forced, never slept for.

* SIGTERM: the send in hand completes and is recorded, the rest of the batch is handed
  back at once, nothing more is claimed; a restarted worker sends the rest. Every
  notification arrives exactly once.
* SIGKILL: nothing is recorded or handed back; the killed worker's claims run out (a short
  lease here) and a restarted worker takes them over. Nothing is lost. What is sent twice
  is exactly what the killed worker had sent but not yet recorded: the send in flight and
  those of its last unrecorded group (none of our channels takes an idempotency key).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, insert, text

from db.jobs_tables import NOTIFICATIONS as N
from tests.channels.doubles import FakeTelegram
from tests.db.conftest import fresh_postgres
from tests.hardening.test_processes import BOOKINGBOT, _setup

pytestmark = pytest.mark.postgres
COUNT, BATCH = 30, 5
HELD_AT = 2  # the double holds each worker's second sendMessage
DEADLINE = 120.0  # seconds: far beyond need, even on a saturated machine


@dataclass
class HoldingTelegram(FakeTelegram):
    """The Bot API double, holding the ``HELD_AT``-th sendMessage of each ``holding`` URL
    prefix until ``release(prefix)``; ``held`` lists (prefix, text) in the order caught."""

    holding: frozenset[str] = frozenset({"A", "B"})  # the restarted worker is never held
    held: list[tuple[str, str]] = field(default_factory=list)
    _seen: Counter[str] = field(default_factory=Counter)
    _gates: dict[str, threading.Event] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, path: str, params: dict[str, Any]) -> tuple[int, Any]:
        prefix = path.strip("/").split("/", 1)[0]
        if path.endswith("/sendMessage"):
            with self._lock:
                self._seen[prefix] += 1
                gate = None
                if self._seen[prefix] == HELD_AT and prefix in self.holding:
                    gate = self._gates.setdefault(prefix, threading.Event())
                    self.held.append((prefix, str(params.get("text"))))
            if gate is not None:
                gate.wait(DEADLINE)  # bounded: a test that failed never hangs the suite
        return super().answer(path, params)

    def release(self, prefix: str) -> None:
        with self._lock:
            self._gates.setdefault(prefix, threading.Event()).set()

    def stop(self) -> None:
        with self._lock:
            for gate in self._gates.values():
                gate.set()
        super().stop()

    def texts(self, prefix: str | None = None) -> list[str]:
        return [str(r.params.get("text")) for r in self.calls("/sendMessage")
                if prefix is None or r.path.startswith(f"/{prefix}/")]


@dataclass
class Worker:
    name: str
    proc: subprocess.Popen[bytes]
    log: Path

    def lines(self) -> list[dict[str, Any]]:
        found = []
        for line in self.log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                found.append(json.loads(line))
        return found

    def logged(self, event: str) -> bool:
        return any(line.get("event") == event for line in self.lines())


def wait_for(what: str, condition: Callable[[], bool]) -> None:
    """Poll an observable condition until true, within a deadline far beyond need."""
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


@pytest.fixture
def telegram() -> Iterator[HoldingTelegram]:
    fake = HoldingTelegram()
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def salon(tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    """A set-up database with ``COUNT`` due notifications: ``message 00`` ... ``message 29``."""
    with fresh_postgres("bb_stop") as url:
        _setup(url, tmp_path)
        engine = create_engine(url)
        long_ago = datetime(2000, 1, 1, tzinfo=UTC)  # due before anything the worker plans
        rows = [{"idempotency_key": f"stop-test:{i}", "kind": "booking_confirmed",
                 "audience": "customer", "booking_id": None, "start_at": None,
                 "offset_s": None, "channel": "telegram", "address": str(7000 + i),
                 "customer_id": None, "quiet_tz": None, "text": f"message {i:02d}",
                 "choices": [], "template": None, "status": "pending", "attempts": 0,
                 "next_attempt_at": long_ago, "claim_token": None, "last_error": None,
                 "sent_at": None, "provider_message_id": None, "created_at": long_ago,
                 "request_id": f"req-{i:02d}"} for i in range(COUNT)]
        with engine.begin() as conn:
            conn.execute(insert(N), rows)
        try:
            yield url, engine
        finally:
            engine.dispose()


@contextmanager
def workers(url: str, tmp: Path, fake: HoldingTelegram) -> Iterator[Callable[..., Worker]]:
    """Starts ``bookingbot worker`` processes; any still running at the end is killed."""
    started: list[Worker] = []

    def start(name: str, **env: str) -> Worker:
        base = {k: v for k, v in os.environ.items()
                if not k.startswith(("TELEGRAM_", "SLACK_", "TWILIO_", "STRIPE_", "JOBS_"))}
        log = tmp / f"worker-{name}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [BOOKINGBOT, "worker"], cwd=tmp, stdout=out, stderr=subprocess.STDOUT,
                env={**base, "DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": fake.token,
                     "TELEGRAM_API_BASE_URL": f"{fake.base}/{name}/bot",
                     "JOBS_BATCH": str(BATCH), "LOG_LEVEL": "INFO", **env})
        worker = Worker(name, proc, log)
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        for w in started:
            if w.proc.poll() is None:
                w.proc.kill()
            w.proc.wait(30)


def statuses(engine: Engine) -> dict[str, tuple[str, str | None]]:
    """text -> (status, claim token) of every seeded notification."""
    with engine.connect() as conn:
        return {r.text: (r.status, r.claim_token) for r in conn.execute(text(
            "SELECT text, status, claim_token FROM notifications "
            "WHERE idempotency_key LIKE 'stop-test:%'"))}


def all_sent(engine: Engine) -> bool:
    return all(s == "sent" for s, _ in statuses(engine).values())


def held_by(fake: HoldingTelegram, count: int) -> Callable[[], bool]:
    return lambda: len(fake.held) >= count


def test_sigterm_mid_batch_then_restart_delivers_each_exactly_once(
        tmp_path: Path, salon: tuple[str, Engine], telegram: HoldingTelegram) -> None:
    url, engine = salon
    with workers(url, tmp_path, telegram) as start:
        running = {w.name: w for w in (start("A"), start("B"))}
        for n in (1, 2):  # each worker, as its second send is held
            wait_for(f"a held send ({n})", held_by(telegram, n))
            name, _ = telegram.held[n - 1]
            worker = running[name]
            worker.proc.send_signal(signal.SIGTERM)
            # The worker took the signal in (it logs after asking its sweeps to stop) ...
            wait_for(f"{name} to begin stopping", lambda w=worker: w.logged(
                "worker stopping: finishing the work in hand, handing back the rest"))
            telegram.release(name)  # ... and only then does the send in hand complete
        # (Exits awaited after both releases: the other's send is never held for long.)
        for worker in running.values():
            assert worker.proc.wait(DEADLINE) == 0
            assert worker.logged("worker stopped")
        assert sorted(running) == sorted(name for name, _ in telegram.held)
        # Each sent exactly what it had sent before the signal plus the send in hand.
        for name in running:
            assert len(telegram.texts(name)) == HELD_AT, name
        # Nothing is left leased: what they had claimed and not reached is due again now.
        after_stop = statuses(engine)
        assert {s for s, _ in after_stop.values()} == {"sent", "pending"}
        assert all(tok is None for _, tok in after_stop.values())
        assert sorted(t for t, (s, _) in after_stop.items() if s == "sent") == sorted(
            telegram.texts())

        restarted = start("C")
        wait_for("the restarted worker to send the rest", lambda: all_sent(engine))
        restarted.proc.send_signal(signal.SIGTERM)
        assert restarted.proc.wait(DEADLINE) == 0
    sent = Counter(telegram.texts())
    assert sent == Counter({f"message {i:02d}": 1 for i in range(COUNT)})
    assert sorted(telegram.texts("C")) == sorted(
        t for t, (s, _) in after_stop.items() if s == "pending")


def test_sigkill_mid_batch_then_restart_loses_nothing_and_repeats_only_unrecorded_sends(
        tmp_path: Path, salon: tuple[str, Engine], telegram: HoldingTelegram) -> None:
    url, engine = salon
    with workers(url, tmp_path, telegram) as start:
        # A short lease, so the restarted worker may take the killed ones' claims over soon.
        running = {w.name: w for w in (start("A", JOBS_LEASE_SECONDS="3"),
                                       start("B", JOBS_LEASE_SECONDS="3"))}
        for n in (1, 2):
            wait_for(f"a held send ({n})", held_by(telegram, n))
            name, _ = telegram.held[n - 1]
            running[name].proc.send_signal(signal.SIGKILL)
            assert running[name].proc.wait(DEADLINE) == -signal.SIGKILL
        # Both dead: the database is as they left it, and nobody touches it until C starts.
        at_kill = statuses(engine)
        tokens = {name: at_kill[text][1] for name, text in telegram.held}
        assert None not in tokens.values()
        unrecorded = {name: {t for t, (s, tok) in at_kill.items()
                             if s == "sending" and tok == tokens[name]} for name in running}
        already = {name: set(telegram.texts(name)) for name in running}
        for name in running:
            telegram.release(name)  # the held requests' workers are gone: nobody hears back

        restarted = start("C")
        wait_for("the restarted worker to take the killed claims over",
                 lambda: all_sent(engine))
        restarted.proc.send_signal(signal.SIGTERM)
        assert restarted.proc.wait(DEADLINE) == 0

    repeated = set().union(*(unrecorded[n] & already[n] for n in running))
    sent = Counter(telegram.texts())
    # Nothing lost; twice exactly the sends a killed worker made and had not recorded.
    assert sent == Counter({f"message {i:02d}": 2 if f"message {i:02d}" in repeated else 1
                            for i in range(COUNT)})
    assert {text for _, text in telegram.held} <= repeated  # the sends in flight at the kill
    for name in running:  # a killed worker repeats at most its one batch, never more
        assert len(unrecorded[name]) <= BATCH
        assert unrecorded[name] & already[name] <= set(telegram.texts("C"))
    # C sent what was not recorded as sent at the kill, each once.
    assert sorted(telegram.texts("C")) == sorted(
        t for t, (s, _) in at_kill.items() if s != "sent")
