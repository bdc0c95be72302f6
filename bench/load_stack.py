"""What ``load.py`` runs against: a fresh PostgreSQL database, ``bookingbot serve --workers 2``
and two ``bookingbot worker`` processes, all pointed at one ``LoadDouble`` for Telegram,
Twilio and Stripe -- started as the Procfile starts them, each in a process of its own,
with their logs kept in a temporary folder (the last lines are printed if one dies)."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from load_client import SHOP_NUMBER, TG_SECRET, TWILIO_SID, TWILIO_TOKEN
from load_double import LoadDouble
from sqlalchemy import make_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / "bookingbot"
BUSINESS = Path(__file__).resolve().parent / "load_business.yaml"
STRIPE_WEBHOOK_SECRET = "whsec_load0123456789abcdef"


@dataclass
class Stack:
    port: int
    public: str
    dsn: str  # libpq, for the checks' SQL
    double: LoadDouble
    logs: Path
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def alive(self) -> list[str]:
        """Names of the processes that died (with the tail of their logs printed)."""
        dead = [name for name, p in self.procs.items() if p.poll() is not None]
        for name in dead:
            print(f"!! {name} exited with {self.procs[name].returncode}:\n"
                  + "\n".join((self.logs / f"{name}.log").read_text().splitlines()[-20:]))
        return dead

    def errors(self) -> dict[str, int]:
        """ERROR/Traceback lines per process log (reported, not fatal)."""
        return {name: sum(1 for line in (self.logs / f"{name}.log").read_text().splitlines()
                          if "ERROR" in line or line.startswith("Traceback"))
                for name in self.procs}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _libpq(url: str, database: str | None = None) -> str:
    u = make_url(url).set(drivername="postgresql")
    return (u.set(database=database) if database else u).render_as_string(hide_password=False)


def _env(url: str, port: int, double: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "SLACK_", "TWILIO_", "STRIPE_", "PAYMENTS_"))}
    base = f"http://127.0.0.1:{double}"
    env.update(DATABASE_URL=url, LOG_LEVEL="WARNING", PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
               TELEGRAM_BOT_TOKEN="123456:load", TELEGRAM_WEBHOOK_SECRET=TG_SECRET,
               TELEGRAM_API_BASE_URL=f"{base}/bot", TWILIO_ACCOUNT_SID=TWILIO_SID,
               TWILIO_AUTH_TOKEN=TWILIO_TOKEN, TWILIO_FROM_NUMBER=SHOP_NUMBER,
               TWILIO_API_BASE_URL=base, STRIPE_SECRET_KEY="sk_test_load0123456789abcdef",
               STRIPE_WEBHOOK_SECRET=STRIPE_WEBHOOK_SECRET, STRIPE_API_BASE=base)
    return env


def _wait_ready(port: int, proc: subprocess.Popen[bytes], logs: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("serve exited during start-up:\n" + logs.read_text()[-3000:])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/readyz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    raise SystemExit("serve did not become ready in 120 s")


def _talks_to_postgres(pid: int, port: int = 5432) -> bool:
    """Whether ``pid`` holds an established TCP connection to PostgreSQL: a worker has one
    from its first sweep on (the sweeps run at once on start-up), so it is up."""
    try:
        inodes = {os.readlink(f).removeprefix("socket:[").rstrip("]")
                  for f in Path(f"/proc/{pid}/fd").iterdir()
                  if os.readlink(f).startswith("socket:[")}
    except OSError:
        return False
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            cols = line.split()
            if cols[2].endswith(f":{port:04X}") and cols[3] == "01" and cols[9] in inodes:
                return True
    return False


def _wait_workers(procs: list[subprocess.Popen[bytes]], logs: Path) -> None:
    deadline = time.monotonic() + 120
    waiting = list(procs)
    while waiting and time.monotonic() < deadline:
        for p in list(waiting):
            if p.poll() is not None:
                raise SystemExit("a worker exited during start-up:\n"
                                 + "\n".join(f.read_text()[-2000:] for f in logs.glob("worker*")))
            if _talks_to_postgres(p.pid):
                waiting.remove(p)
        time.sleep(0.2)
    if waiting:
        raise SystemExit("the workers did not start in 120 s")


@contextmanager
def running(server: str, *, web: int = 2, workers: int = 2,
            business: Path = BUSINESS) -> Iterator[Stack]:
    """A fresh database ``bookingbot_load_<pid>`` and the processes on it; all gone after."""
    name = f"bookingbot_load_{os.getpid()}"
    with psycopg.connect(_libpq(server), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="bookingbot_load_") as tmp, LoadDouble() as double:
        logs = Path(tmp)
        env = _env(url, port, double.port)
        stack = Stack(port, env["PUBLIC_BASE_URL"], _libpq(url), double, logs)
        try:
            subprocess.run([str(BIN), "setup", str(business)], env=env, check=True,
                           capture_output=True, cwd=tmp)
            stack.procs["serve"] = _start([str(BIN), "serve", "--host", "127.0.0.1", "--port",
                                           str(port), "--workers", str(web)], env, logs, "serve")
            _wait_ready(port, stack.procs["serve"], logs / "serve.log")
            for i in range(workers):
                stack.procs[f"worker{i + 1}"] = _start([str(BIN), "worker"], env, logs,
                                                       f"worker{i + 1}")
            _wait_workers([p for n, p in stack.procs.items() if n != "serve"], logs)
            yield stack
        finally:
            for proc in stack.procs.values():
                proc.terminate()
            for proc in stack.procs.values():
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
            with psycopg.connect(_libpq(server), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _start(cmd: list[str], env: dict[str, str], logs: Path,
           name: str) -> subprocess.Popen[bytes]:
    log = (logs / f"{name}.log").open("wb")
    return subprocess.Popen(cmd, env=env, cwd=logs, stdout=log, stderr=subprocess.STDOUT)
