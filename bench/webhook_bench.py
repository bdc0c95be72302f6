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
        [--serve-workers N] [--senders 80]

``--serve-workers 2`` runs ``serve --workers 2`` as the Procfile does (serve CPU is then
summed over its processes). Each level has its own ``--senders`` new customers, who all
start at "hi" and walk the conversation line by line (a search, a pick, a confirmation or
a deposit link, a listing, a cancellation), so every level carries the same mix of work
whatever its speed; the per-sender rate limit is raised for the bench
(``RATE_LIMIT_PER_MINUTE``), since customers typing this fast would hit it.

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
# A booking conversation as people type it; each sender walks through it in order. The day
# and time differ by sender, as customers' do: had all of them asked for one time, most
# would lose the race for it and their dialogue would end there.
TEXTS = ("hi", "book a haircut {day} at {time}", "1", "yes", "my bookings",
         "haircut with alex {day2} afternoon", "2", "yes", "next tuesday at 3pm", "cancel",
         "help", "book a beard trim on {day2} at {time}")
DAYS = ("tomorrow", "on monday", "on tuesday", "on wednesday", "on thursday", "on friday",
        "on saturday", "next monday", "next wednesday", "next friday")
TIMES = ("9am", "9:30", "10am", "10:45", "11:15", "noon", "1:30pm", "2pm", "3:15pm", "4pm",
         "4:30pm", "5pm")


def text_for(sender: int, line: int) -> str:
    return TEXTS[line % len(TEXTS)].format(day=DAYS[sender % len(DAYS)],
                                            day2=DAYS[(sender // 3 + 5) % len(DAYS)],
                                            time=TIMES[(sender // 7) % len(TIMES)])


SENDERS = 80  # default --senders per level: ~1,000 requests a level walk the dialogue once
BENCH_RATE_LIMIT = "600"  # messages per minute per sender, for the bench's fast typists


@dataclass
class Level:
    clients: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    body_replies: int = 0
    rate_limited: int = 0
    first_sender: int = 0  # this level's block of chat ids
    steps: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def update(update_id: int, senders: int = SENDERS, step: int | None = None,
           first_sender: int = 0) -> bytes:
    """Update ``update_id`` (unique, as Telegram's are), the ``step``-th of its level:
    sender ``step % senders`` of the level's block, saying the next line of its dialogue."""
    step = update_id if step is None else step
    sender = step % senders
    text = text_for(sender, step // senders)
    chat_id = 1_000_000 + first_sender + sender
    user = {"id": chat_id, "is_bot": False, "first_name": "Ann", "language_code": "en"}
    return json.dumps({"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text, "from": user,
        "chat": {"id": chat_id, "type": "private", "first_name": "Ann"}}}).encode()


def request_bytes(body: bytes) -> bytes:
    return (f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\nContent-Length: {len(body)}\r\n"
            "\r\n").encode() + body


async def one_client(port: int, ids: itertools.count[int], level: Level, start: float,
                     stop: float, senders: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while (now := time.monotonic()) < stop:
            body = update(next(ids), senders, next(level.steps), level.first_sender)
            writer.write(request_bytes(body))
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
          senders: int = SENDERS, warmup: float = 1.0) -> Level:
    level = Level(clients, seconds, first_sender=clients * 100_000)  # new customers per level

    async def run() -> None:
        start = time.monotonic() + warmup
        await asyncio.gather(*(one_client(port, ids, level, start, start + seconds, senders)
                               for _ in range(clients)))

    asyncio.run(run())
    return level


def tree_cpu_s(pid: int) -> float:
    """CPU seconds of ``pid`` and every live process under it (serve --workers N)."""
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            total += cpu_s(p)
            for task in Path(f"/proc/{p}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (FileNotFoundError, ProcessLookupError):
            continue  # ended meanwhile
    return total


def bookings_made(libpq: str) -> dict[str, int]:
    with psycopg.connect(libpq) as conn:
        rows = conn.execute("SELECT status, count(*) FROM bookings GROUP BY status").fetchall()
    return {str(status): int(n) for status, n in rows}


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
    parser.add_argument("--serve-workers", type=int, default=1,
                        help="serve --workers N (the Procfile runs 2)")
    parser.add_argument("--senders", type=int, default=SENDERS,
                        help="customers sharing the load (each walks its conversation)")
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
        anchor_levels = {c: drive(port, c, 0.2 if args.no_anchor else args.seconds, ids,
                                  args.senders) for c in levels}
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
                       PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
                       RATE_LIMIT_PER_MINUTE=BENCH_RATE_LIMIT)
            subprocess.run([str(BIN), "setup", str(ROOT / "examples/business.yaml")], env=env,
                           check=True, capture_output=True, cwd=ROOT)
            serve = start([str(BIN), "serve", "--host", "127.0.0.1", "--port", str(port),
                           "--workers", str(args.serve_workers)], env)
            procs.append(serve)
            wait_healthy(port, serve)
            procs.append(start([str(BIN), "worker"], env))
            print(f"webhook bench: serve --workers {args.serve_workers}, {args.senders} "
                  f"senders, {args.seconds:.0f} s per level after 1 s warm-up; "
                  f"load {os.getloadavg()[0]:.1f}")
            for c in levels:
                sent_before = sum(double.received().values())
                cpu0 = tree_cpu_s(serve.pid)
                spy = (subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record",
                                         "-p", str(serve.pid), "-f", "raw", "-o",
                                         f"{args.profile}.{c}", "-d", str(int(args.seconds)),
                                         "--nonblocking", "--gil"], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL) if args.profile else None)
                ours = drive(port, c, args.seconds, ids, args.senders)
                if spy is not None:
                    spy.wait(60)
                at_stop = backlog(dsn)
                cpu = tree_cpu_s(serve.pid) - cpu0
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
                      f"{cpu * 1000 / done:.1f} ms per request; load {os.getloadavg()[0]:.1f}")
            print(f"  bookings by status at the end: {bookings_made(dsn)}")
    finally:
        for p in procs:
            stop(p)
        for name in names:
            drop_db(args.pg, name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
