"""One process, no sockets: the Telegram webhook app of ``serve`` driven by an ASGI client.

A developer's tool beside ``webhook_bench.py``. It builds the app ``serve`` builds, on a
fresh PostgreSQL database with the example business, posts the bench's signed updates one
after another, and prints the CPU and SQL statements per request; ``--show-sql`` lists the
last request's statements with the code that sent them, and ``--profile FILE`` writes
py-spy's raw stacks of the run (every thread, only while it holds the GIL; needs
``pip install py-spy``), to fold by function or by package.

    .venv/bin/python bench/webhook_profile.py [--requests 2000] [--profile FILE] [--show-sql]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import signal
import subprocess
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import psycopg
from platform_double import PlatformDouble
from webhook_bench import BENCH_RATE_LIMIT, PATH, ROOT, SECRET, create_db, drop_db, update

from bookingbot.logs import configure
from bookingbot.settings import Settings
from bookingbot.web import _process_app

BIN = Path(sys.executable).parent / "bookingbot"
HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--profile", metavar="FILE")
    parser.add_argument("--show-sql", action="store_true", help="statements of one request")
    args = parser.parse_args()
    name, url, _ = create_db(args.pg)
    try:
        with PlatformDouble() as double:
            for key in [k for k in os.environ
                        if k.startswith(("TELEGRAM_", "SLACK_", "TWILIO_", "STRIPE_"))]:
                del os.environ[key]
            os.environ.update({
                "DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": "123456:bench",
                "TELEGRAM_WEBHOOK_SECRET": SECRET, "LOG_LEVEL": "WARNING",
                "PAYMENTS_TEST_MODE": "true",
                "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{double.port}/bot",
                "PUBLIC_BASE_URL": "http://127.0.0.1:1",
                "RATE_LIMIT_PER_MINUTE": BENCH_RATE_LIMIT})
            subprocess.run([str(BIN), "setup", str(ROOT / "examples/business.yaml")],
                           check=True, capture_output=True, cwd=ROOT)
            return asyncio.run(drive(args))
    finally:
        drop_db(args.pg, name)


class Statements:
    """Counts every statement sent; while ``showing``, keeps it with our calling frames.
    Counted at the driver: db.pipeline sends prebuilt statements past SQLAlchemy's events."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.shown: list[str] = []
        self.showing = False
        for name in ("execute", "executemany"):
            original = getattr(psycopg.Cursor, name)
            setattr(psycopg.Cursor, name, self._counting(original))

    def _counting(self, original: Any) -> Any:
        def send(cursor: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
            self.seen(query)
            return original(cursor, query, *args, **kwargs)
        return send

    def seen(self, query: Any) -> None:
        statement = query if isinstance(query, str) else str(getattr(query, "_obj", query))
        self.counts[statement.split(None, 1)[0].upper()] += 1
        if self.showing:
            ours = [f"{Path(f.filename).parent.name}/{Path(f.filename).name}:{f.lineno} "
                    f"{f.name}" for f in traceback.extract_stack()
                    if "/site-packages/" not in f.filename and "/bench/" not in f.filename
                    and "/lib/python" not in f.filename]
            self.shown.append(" ".join(statement.split())[:110] + "\n      <- "
                              + " < ".join(reversed(ours[-3:])))


def spy(path: str | None) -> subprocess.Popen[bytes] | None:
    if path is None:
        return None
    proc = subprocess.Popen([str(BIN.parent / "py-spy"), "record", "-p", str(os.getpid()),
                             "-r", "400", "--gil", "-f", "raw", "-o", path],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # py-spy attaches
    return proc


async def drive(args: argparse.Namespace) -> int:
    configure(None)
    app = _process_app(Settings(), db=None, telegram_polling=False, announce=False)
    sql = Statements()
    ids = itertools.count(1)
    statuses: Counter[int] = Counter()
    transport = httpx.ASGITransport(app=app)
    async with (httpx.AsyncClient(transport=transport, base_url="http://t") as client,
                app.router.lifespan_context(app)):
        for _ in range(200):  # warm-up
            await client.post(PATH, content=update(next(ids)), headers=HEADERS)
        sql.counts.clear()
        profiler = spy(args.profile)
        cpu0, t0 = time.process_time(), time.monotonic()
        for i in range(args.requests):
            sql.showing = args.show_sql and i == args.requests - 1
            r = await client.post(PATH, content=update(next(ids)), headers=HEADERS)
            statuses[r.status_code] += 1
        cpu, wall = time.process_time() - cpu0, time.monotonic() - t0
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
            profiler.wait(60)
    n = args.requests
    print(f"{n} requests {dict(statuses)}: CPU {cpu * 1000 / n:.2f} ms/request, "
          f"wall {wall * 1000 / n:.2f} ms/request")
    print(f"SQL statements per request {sum(sql.counts.values()) / n:.1f}: "
          + ", ".join(f"{k} {v / n:.2f}" for k, v in sql.counts.most_common()))
    for line in sql.shown:
        print("  ", line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
