"""Resident memory of ``bookingbot serve`` and ``bookingbot worker``: idle, and over a soak.

Both run as the Procfile runs them (their own processes) on a fresh PostgreSQL database
with the example business, Telegram pointed at a local Bot API double (another process).
Idle: RSS a few seconds after start-up. Soak: ``--clients`` threads post signed Telegram
webhooks (booking texts, many senders) for ``--seconds``; RSS of both is sampled every 5 s.
Growth is measured from the end of the warm-up (the first fifth of the soak: caches, pools
and prepared statements fill) to the end. Anchor, same run: a bare ``python -c pass``
interpreter's RSS, the floor of any Python process here.

    .venv/bin/python bench/memory_bench.py [--seconds 120] [--clients 4]
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
from platform_double import PlatformDouble
from sqlalchemy import make_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / "bookingbot"
SECRET = "bench-webhook-secret"
TEXTS = ("hi", "book a haircut tomorrow at 10am", "haircut with alex friday afternoon",
         "1", "yes", "my bookings", "next tuesday at 3pm", "cancel", "help", "2")
PEOPLE = 500


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_s(pid: int) -> float:
    """User + system CPU seconds the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bare_python_rss() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3)"])
    time.sleep(1.5)
    try:
        return rss_kib(proc.pid)
    finally:
        proc.wait()


def update(update_id: int, chat_id: int, text: str) -> bytes:
    user = {"id": chat_id, "is_bot": False, "first_name": "Ann", "language_code": "en"}
    return json.dumps({"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text, "from": user,
        "chat": {"id": chat_id, "type": "private", "first_name": "Ann"}}}).encode()


def wait_healthy(port: int, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            raise SystemExit("serve exited during start-up")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("serve did not come up")


def load(port: int, clients: int, seconds: float, counts: dict[str, int]) -> None:
    ids = itertools.count(1)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Content-Type": "application/json",
                   "X-Telegram-Bot-Api-Secret-Token": SECRET}
        while time.monotonic() < deadline:
            with lock:
                i = next(ids)
            body = update(i, 10_000 + (i * 7 + n) % PEOPLE, TEXTS[i % len(TEXTS)])
            conn.request("POST", "/telegram/webhook", body, headers)
            status = conn.getresponse()
            status.read()
            with lock:
                counts[str(status.status)] = counts.get(str(status.status), 0) + 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    name = f"bb_bench_{uuid.uuid4().hex[:8]}"
    libpq = make_url(args.pg).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(args.pg).set(database=name).render_as_string(hide_password=False)
    port = 18_000 + os.getpid() % 1000
    procs: list[subprocess.Popen[bytes]] = []
    try:
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
            out = subprocess.DEVNULL
            serve = subprocess.Popen([str(BIN), "serve", "--host", "127.0.0.1", "--port",
                                      str(port)], env=env, cwd=ROOT, stdout=out, stderr=out)
            procs.append(serve)
            wait_healthy(port, serve)
            worker = subprocess.Popen([str(BIN), "worker"], env=env, cwd=ROOT, stdout=out,
                                      stderr=out)
            procs.append(worker)
            time.sleep(5)
            anchor = bare_python_rss()
            idle = {"serve": rss_kib(serve.pid), "worker": rss_kib(worker.pid)}
            print(f"idle RSS: serve {idle['serve'] / 1024:.1f} MiB, worker "
                  f"{idle['worker'] / 1024:.1f} MiB; anchor (bare python) "
                  f"{anchor / 1024:.1f} MiB; ratio serve {idle['serve'] / anchor:.1f}x, "
                  f"worker {idle['worker'] / anchor:.1f}x")
            samples: list[tuple[float, int, int]] = []
            counts: dict[str, int] = {}
            runner = threading.Thread(target=load, args=(port, args.clients, args.seconds,
                                                         counts))
            started, cpu0 = time.monotonic(), cpu_s(serve.pid)
            runner.start()
            while runner.is_alive():
                samples.append((time.monotonic() - started, rss_kib(serve.pid),
                                rss_kib(worker.pid)))
                runner.join(5)
            samples.append((time.monotonic() - started, rss_kib(serve.pid),
                            rss_kib(worker.pid)))
            cpu = cpu_s(serve.pid) - cpu0
            report(samples, counts, args, sent=sum(double.received().values()))
            print(f"  serve CPU: {cpu:.1f} s, {cpu * 1000 / max(1, sum(counts.values())):.1f} "
                  "ms per webhook")
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(30)
        with psycopg.connect(libpq, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


def report(samples: list[tuple[float, int, int]], counts: dict[str, int],
           args: Any, *, sent: int) -> None:
    warm = [s for s in samples if s[0] >= args.seconds / 5] or samples
    done = sum(counts.values())
    print(f"soak: {args.seconds:.0f} s, {args.clients} clients, {done} webhooks "
          f"({done / args.seconds:.0f}/s), statuses {counts}, {sent} messages sent")
    for i, name in ((1, "serve"), (2, "worker")):
        first, last = warm[0][i], samples[-1][i]
        peak = max(s[i] for s in samples)
        print(f"  {name:6s} RSS after warm-up {first / 1024:.1f} MiB, at the end "
              f"{last / 1024:.1f} MiB, peak {peak / 1024:.1f} MiB; growth after warm-up "
              f"{(last - first) / 1024:+.1f} MiB")
    print("  samples (s, serve MiB, worker MiB): " + ", ".join(
        f"{t:.0f}:{s / 1024:.0f}/{w / 1024:.0f}" for t, s, w in samples))


if __name__ == "__main__":
    raise SystemExit(main())
