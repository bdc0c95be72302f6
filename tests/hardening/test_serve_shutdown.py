"""SIGTERM to a real ``bookingbot serve`` with a webhook in flight, on PostgreSQL (issue 17).

The request is held after its commit, just before its response starts (the web app's
test-only pause), until the test has sent SIGTERM and seen uvicorn begin its graceful
shutdown. Released, the request completes with its 200 and its reply, the reply row is
settled as sent before the process exits (so no worker sends it again), and the process
exits cleanly. Every step waits on something observable: a file, a log line, a response.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bookingbot.bootstrap import Database, database, utcnow
from bookingbot.web import PAUSE_ENV, RELEASE_ENV
from channels.telegram.webhook import SECRET_HEADER
from db.catalog import sync_business
from db.reply_outbox import DEFAULT_LEASE
from tests.channels import updates as u
from tests.channels.conftest import NOW, fake_telegram
from tests.channels.doubles import FakeTelegram
from tests.channels.test_durable_replies import SECRET, URL, deliver, free_port
from tests.db.conftest import fresh_postgres
from tests.db.helpers import make_business
from tests.hardening.test_processes import BOOKINGBOT, ROOT

__all__ = ["fake_telegram"]
DEADLINE = 120.0
TRACE = "sigterm-in-flight-1"


def wait_for(what: str, condition: Any) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def logged(log: Path, event: str) -> bool:
    return any(line.startswith("{") and json.loads(line).get("event") == event
               for line in log.read_text(errors="replace").splitlines())


def post(port: int, update: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE)
    try:
        conn.request("POST", URL, json.dumps(update).encode(),
                     {"Content-Type": "application/json", SECRET_HEADER: SECRET,
                      "X-Request-ID": TRACE})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@pytest.mark.postgres
@pytest.mark.parametrize("processes", [1, 2])
def test_sigterm_with_a_webhook_in_flight_completes_it_and_its_reply_is_durable(
        tmp_path: Path, fake_telegram: FakeTelegram, processes: int) -> None:
    """One process, and ``--workers 2`` (uvicorn's supervisor passes SIGTERM on)."""
    with fresh_postgres("bb_term") as url:
        db = database(url)
        try:
            with db.sessions.begin() as session:
                sync_business(session, make_business(), raw_text="salon: {}", now=NOW)
            _terminate_in_flight(db, url, tmp_path, fake_telegram, processes)
        finally:
            db.close()


def _terminate_in_flight(db: Database, url: str, tmp: Path, fake: FakeTelegram,
                         processes: int) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "SLACK_", "TWILIO_", "STRIPE_", "BOOKINGBOT_"))}
    marker, release, log = tmp / "paused", tmp / "release", tmp / "serve.log"
    env.update(DATABASE_URL=url, TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_WEBHOOK_SECRET=SECRET,
               TELEGRAM_API_BASE_URL=fake.api_base, LOG_LEVEL="INFO",
               **{PAUSE_ENV: str(marker), RELEASE_ENV: str(release)})
    port = free_port()
    with log.open("wb") as out:
        serve = subprocess.Popen([BOOKINGBOT, "serve", "--host", "127.0.0.1", "--port",
                                  str(port), "--workers", str(processes)], env=env, cwd=ROOT,
                                 stdout=out, stderr=subprocess.STDOUT)
    outcome: list[tuple[int, dict[str, str], bytes]] = []
    poster = threading.Thread(target=lambda: outcome.append(post(port, u.message(5, "/start"))))
    try:
        wait_for("serve to listen", lambda: logged(log, "Application startup complete."))
        poster.start()
        wait_for("the request to be paused after its commit",
                 lambda: marker.exists() and marker.read_text() == URL)
        serve.send_signal(signal.SIGTERM)
        wait_for("uvicorn to drain", lambda: logged(
            log, "Waiting for connections to close. (CTRL+C to force quit)"))
        assert serve.poll() is None  # still serving the request in flight ...
        assert not outcome  # ... which has not been answered yet
        release.touch()
        poster.join(DEADLINE)
        # One process: uvicorn re-raises the signal once its graceful shutdown is done, so it
        # ends "by SIGTERM" as a supervisor expects. ``--workers``: uvicorn's supervisor
        # waits for its processes to drain and returns, and ``serve`` exits with 0.
        assert serve.wait(DEADLINE) == (-signal.SIGTERM if processes == 1 else 0)
        assert logged(log, "Application shutdown complete.")
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait(30)
    [(status, headers, body)] = outcome
    assert status == 200
    assert headers["x-request-id"] == TRACE
    answer = json.loads(body)
    assert answer["method"] == "sendMessage"
    assert answer["text"].startswith("Hi!")
    with db.engine.connect() as conn:
        stored = [tuple(r) for r in conn.execute(text(
            "SELECT status, text, request_id FROM notifications WHERE kind = 'reply'"))]
        deliveries = conn.execute(text("SELECT count(*) FROM processed_deliveries")).scalar()
    # Settled before the process exited: the worker will not send it a second time.
    assert stored == [("sent", answer["text"], TRACE)]
    assert deliveries == 1
    assert deliver(db, fake, utcnow() + DEFAULT_LEASE * 10) == {}
    assert fake.sent() == []
