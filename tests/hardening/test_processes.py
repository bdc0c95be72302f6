"""Real ``bookingbot serve`` processes: copies of one delivery racing across two of them on
PostgreSQL, and 100 MB bodies thrown at every route of one."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

from tests.db.conftest import fresh_postgres

ROOT = Path(__file__).resolve().parents[2]
BOOKINGBOT = str(Path(sys.executable).with_name("bookingbot"))
TOKEN = "twilio-auth-token-0123456789abcdef"
PUBLIC = "https://bookings.example.com"
ENV = {"TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": TOKEN,
       "TWILIO_FROM_NUMBER": "+14155550100", "PUBLIC_BASE_URL": PUBLIC,
       "LOG_LEVEL": "WARNING"}
# Slack and Stripe on as well (no network at start-up); Telegram would call getMe.
ALL_ROUTES = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "slack-secret",
              "STRIPE_SECRET_KEY": "sk_test_0123456789abcdef",
              "STRIPE_WEBHOOK_SECRET": "whsec_0123456789abcdef"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(url: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SLACK_",
                                                                      "STRIPE_", "TWILIO_"))}
    return {**env, **ENV, **(extra or {}), "DATABASE_URL": url}


@contextmanager
def serving(url: str, tmp: Path, name: str, extra: dict[str, str] | None = None,
            args: tuple[str, ...] = ()) -> Iterator[tuple[int, int]]:
    """(port, pid) of a ``bookingbot serve`` answering /healthz."""
    port = _free_port()
    log = (tmp / f"{name}.log").open("wb")
    proc = subprocess.Popen([BOOKINGBOT, "serve", "--port", str(port), *args], cwd=tmp,
                            env=_env(url, extra), stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:  # a condition polled until true, bounded
            assert proc.poll() is None, (tmp / f"{name}.log").read_text()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            finally:
                conn.close()
            assert time.monotonic() < deadline, "serve did not come up"
            time.sleep(0.1)
        yield port, proc.pid
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()


def _setup(url: str, tmp: Path) -> None:
    subprocess.run([BOOKINGBOT, "setup", str(ROOT / "examples" / "business.yaml")],
                   cwd=tmp, env=_env(url), check=True, capture_output=True)


def _sms(port: int, form: dict[str, str]) -> tuple[int, str]:
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + "/twilio/sms", form)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", "/twilio/sms", body=urlencode(form),
                     headers={"X-Twilio-Signature": signature,
                              "Content-Type": "application/x-www-form-urlencoded"})
        reply = conn.getresponse()
        return reply.status, reply.read().decode()
    finally:
        conn.close()


@pytest.mark.postgres
def test_copies_of_one_delivery_across_two_processes(tmp_path: Path) -> None:
    with fresh_postgres() as url:
        _setup(url, tmp_path)
        with serving(url, tmp_path, "a") as (port_a, _), serving(url, tmp_path, "b") as (
                port_b, _):
            copies = 8
            form = {"From": "+447911123456", "To": "+14155550100", "MessageSid": "SM" + "7" * 32,
                    "Body": "book a haircut tomorrow at 10am"}
            start = threading.Barrier(copies)
            results: list[tuple[int, str]] = []
            lock = threading.Lock()

            def send(i: int) -> None:
                start.wait(30)  # all copies leave together
                answer = _sms(port_a if i % 2 else port_b, form)
                with lock:
                    results.append(answer)

            threads = [threading.Thread(target=send, args=(i,)) for i in range(copies)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                deliveries = conn.execute(text(
                    "SELECT count(*) FROM processed_deliveries WHERE delivery_id = :d"),
                    {"d": form["MessageSid"]}).scalar()
                sessions = conn.execute(text("SELECT count(*) FROM conversation_sessions")
                                        ).scalar()
        finally:
            engine.dispose()
    assert [status for status, _ in results] == [200] * copies
    answered = [body for _, body in results if "<Message>" in body]
    assert len(answered) == 1, results  # one reply, whichever copy won
    assert deliveries == 1
    assert sessions == 1


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def _hundred_mb(port: int, method: str, path: str, *, chunked: bool) -> int:
    """Send (or start sending) 100 MB; the status the server answered with."""
    size, chunk = 100 * 1024 * 1024, b"x" * (256 * 1024)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        return _send_big(conn, method, path, size, chunk, chunked=chunked)
    finally:
        conn.close()


def _send_big(conn: http.client.HTTPConnection, method: str, path: str, size: int,
              chunk: bytes, *, chunked: bool) -> int:
    conn.putrequest(method, path)
    if chunked:
        conn.putheader("Transfer-Encoding", "chunked")
    else:
        conn.putheader("Content-Length", str(size))
    conn.putheader("Content-Type", "application/json")
    conn.endheaders()
    sent = 0
    try:
        while sent < size:
            data = chunk if not chunked else b"%x\r\n%s\r\n" % (len(chunk), chunk)
            conn.send(data)
            sent += len(chunk)
    except OSError:
        pass  # the server answered and closed: it did not read the rest
    reply = conn.getresponse()
    reply.read()
    return reply.status


def test_a_100_mb_body_to_every_route_is_refused_without_growing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'big.db'}"
    _setup(url, tmp_path)
    routes = [("POST", "/twilio/sms"), ("POST", "/slack/events"), ("POST", "/stripe/webhook"),
              ("POST", "/telegram/webhook"), ("GET", "/healthz"), ("POST", "/nowhere")]
    with serving(url, tmp_path, "big", ALL_ROUTES) as (port, pid):
        _hundred_mb(port, "POST", "/twilio/sms", chunked=False)  # warm up
        before = _rss_kb(pid)
        for method, path in routes:
            for chunked in (False, True):
                status = _hundred_mb(port, method, path, chunked=chunked)
                # A declared size is refused on any path, routed or not. A streamed body is
                # refused once read past the limit -- by the webhooks, which read it; a route
                # that never reads its body (or no route) answers without reading it.
                reads = path in ("/twilio/sms", "/slack/events", "/stripe/webhook")
                expected = {413} if reads or not chunked else {200, 404}
                assert status in expected, (method, path, chunked, status)
        grown = _rss_kb(pid) - before
    assert grown < 10 * 1024, f"RSS grew by {grown} kB"
