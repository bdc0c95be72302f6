"""Signed Telegram webhooks through ``bookingbot serve``, next to a bare anchor endpoint.

On a fresh PostgreSQL database with the example business, ``serve`` and ``worker`` run as
the Procfile runs them (their own processes), Telegram's Bot API is a local double in a
process of its own (``platform_double``), and a load generator (asyncio, raw HTTP/1.1
keep-alive connections, in this process) posts signed updates: realistic booking texts from
many senders (each sender's messages follow one another through the conversation, few
enough per minute to stay under the per-sender rate limit). At 1, 8 and 32 concurrent
clients it measures requests/s, p50 and p99, and the reply backlog when the load stops
(replies written to the outbox but not yet marked sent; a webhook-reply counts as sent once
the response is written). Anchor, same run, same clients: a bare Starlette + uvicorn
endpoint (``webhook_anchor.py``) that checks the secret header and does one INSERT + COMMIT.

    .venv/bin/python bench/webhook_bench.py [--seconds 10] [--clients 1,8,32]

Goals (issue 18): at every level >= 1/3 of the anchor's requests/s; p99 < 100 ms at 8
clients; every reply delivered by the time the load stops.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from memory_bench import cpu_s, wait_healthy
from platform_double import PlatformDouble
from sqlalchemy import make_url

from channels.http_guard import RATE_NOTICE

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / "bookingbot"
SECRET = "bench-webhook-secret"
PATH = "/telegram/webhook"
# A booking conversation as people type it; each sender walks through it in order.
TEXTS = ("hi", "book a haircut tomorrow at 10am", "1", "yes", "my bookings",
         "haircut with alex friday afternoon", "2", "yes", "next tuesday at 3pm", "cancel",
         "help", "book a beard trim on monday at 11")
PEOPLE = 20_000  # many senders: at a few hundred req/s each writes about once a minute


@dataclass
class Level:
    clients: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    body_replies: int = 0
    rate_limited: int = 0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def update(update_id: int) -> bytes:
    sender = update_id % PEOPLE
    text = TEXTS[(update_id // PEOPLE + sender) % len(TEXTS)]
    chat_id = 1_000_000 + sender
    user = {"id": chat_id, "is_bot": False, "first_name": "Ann", "language_code": "en"}
    return json.dumps({"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text, "from": user,
        "chat": {"id": chat_id, "type": "private", "first_name": "Ann"}}}).encode()


def request_bytes(body: bytes) -> bytes:
    return (f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\nContent-Length: {len(body)}\r\n"
            "\r\n").encode() + body


async def one_client(port: int, ids: itertools.count[int], level: Level, start: float,
                     stop: float) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while (now := time.monotonic()) < stop:
            writer.write(request_bytes(update(next(ids))))
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            length = next((int(x.split(":", 1)[1]) for x in lines[1:]
                           if x.lower().startswith("content-length:")), 0)
            body = await reader.readexactly(length) if length else b""
            if now < start:  # warm-up: not counted
                continue
            level.latencies.append(time.monotonic() - now)
            level.statuses[int(lines[0].split(" ")[1])] += 1
            if body[:1] == b"{":
                level.body_replies += 1
                if json.loads(body).get("text") == RATE_NOTICE:
                    level.rate_limited += 1
    finally:
        writer.close()


def drive(port: int, clients: int, seconds: float, ids: itertools.count[int],
          warmup: float = 1.0) -> Level:
    level = Level(clients, seconds)

    async def run() -> None:
        start = time.monotonic() + warmup
        await asyncio.gather(*(one_client(port, ids, level, start, start + seconds)
                               for _ in range(clients)))

    asyncio.run(run())
    return level


def backlog(libpq: str) -> int:
    with psycopg.connect(libpq) as conn:
        row = conn.execute("SELECT count(*) FROM notifications WHERE kind = 'reply' "
                           "AND status <> 'sent'").fetchone()
    return int(row[0]) if row else 0


def create_db(server: str) -> tuple[str, str, str]:
    """A fresh database: (its name, the SQLAlchemy URL, the libpq DSN)."""
    name = f"bb_webhook_{uuid.uuid4().hex[:8]}"
    libpq = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    return name, url, dsn


def drop_db(server: str, name: str) -> None:
    libpq = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start(cmd: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def wait_port(port: int, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            raise SystemExit("the anchor exited during start-up")
        try:
            asyncio.run(asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 1))
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the anchor did not come up")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    proc.wait(30)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--profile", metavar="FILE",
                        help="py-spy (collapsed stacks) of serve during each level, FILE.<n>")
    parser.add_argument("--no-anchor", action="store_true", help="skip the anchor (profiling)")
    args = parser.parse_args()
    levels = [int(c) for c in args.clients.split(",")]
    names: list[str] = []
    procs: list[subprocess.Popen[bytes]] = []
    port = 19_000 + os.getpid() % 1000
    ids = itertools.count(1)
    try:
        # The anchor, on its own database.
        name, _, anchor_dsn = create_db(args.pg)
        names.append(name)
        with psycopg.connect(anchor_dsn, autocommit=True) as conn:
            conn.execute("CREATE TABLE anchor_updates (id bigserial PRIMARY KEY, "
                         "update_id bigint NOT NULL, body text NOT NULL)")
        env = {**os.environ, "ANCHOR_DSN": anchor_dsn, "ANCHOR_SECRET": SECRET}
        anchor = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "webhook_anchor:app", "--app-dir",
             str(ROOT / "bench"), "--host", "127.0.0.1", "--port", str(port),
             "--log-level", "warning"], env=env, cwd=ROOT)
        procs.append(anchor)
        wait_port(port, anchor)
        anchor_levels = {c: drive(port, c, 0.2 if args.no_anchor else args.seconds, ids)
                         for c in levels}
        stop(anchor)
        procs.remove(anchor)

        # serve + worker on a fresh database with the example business.
        name, url, dsn = create_db(args.pg)
        names.append(name)
        with PlatformDouble() as double:
            env = {k: v for k, v in os.environ.items()
                   if not k.startswith(("TELEGRAM_", "SLACK_", "TWILIO_", "STRIPE_"))}
            env.update(DATABASE_URL=url, TELEGRAM_BOT_TOKEN="123456:bench",
                       TELEGRAM_WEBHOOK_SECRET=SECRET, LOG_LEVEL="WARNING",
                       PAYMENTS_TEST_MODE="true",  # the example business takes deposits
                       TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{double.port}/bot",
                       PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
            subprocess.run([str(BIN), "setup", str(ROOT / "examples/business.yaml")], env=env,
                           check=True, capture_output=True, cwd=ROOT)
            serve = start([str(BIN), "serve", "--host", "127.0.0.1", "--port", str(port)], env)
            procs.append(serve)
            wait_healthy(port, serve)
            procs.append(start([str(BIN), "worker"], env))
            print(f"webhook bench: {args.seconds:.0f} s per level after 1 s warm-up; "
                  f"load {os.getloadavg()[0]:.1f}")
            for c in levels:
                sent_before = sum(double.received().values())
                cpu0 = cpu_s(serve.pid)
                spy = (subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record",
                                         "-p", str(serve.pid), "-f", "raw", "-o",
                                         f"{args.profile}.{c}", "-d", str(int(args.seconds)),
                                         "--nonblocking", "--gil"], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL) if args.profile else None)
                ours = drive(port, c, args.seconds, ids)
                if spy is not None:
                    spy.wait(60)
                at_stop = backlog(dsn)
                cpu = cpu_s(serve.pid) - cpu0
                waited = 0.0
                while (left := backlog(dsn)) and waited < 60:
                    time.sleep(0.5)
                    waited += 0.5
                api_sent = sum(double.received().values()) - sent_before
                base = anchor_levels[c]
                done = max(1, len(ours.latencies))
                print(f"  x{c:<2} serve {ours.rate:6.0f} req/s p50 {ours.pct(0.5):6.1f} ms "
                      f"p99 {ours.pct(0.99):7.1f} ms | anchor {base.rate:6.0f} req/s p50 "
                      f"{base.pct(0.5):5.1f} ms p99 {base.pct(0.99):6.1f} ms | ratio "
                      f"{ours.rate / base.rate:.2f}")
                print(f"       statuses {dict(ours.statuses)}, replies in the response "
                      f"{ours.body_replies} (rate notices {ours.rate_limited}), via the Bot "
                      f"API {api_sent}; reply backlog at stop {at_stop}, "
                      f"{left} after {waited:.1f} s; serve CPU "
                      f"{cpu * 1000 / done:.1f} ms per request")
    finally:
        for p in procs:
            stop(p)
        for name in names:
            drop_db(args.pg, name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
