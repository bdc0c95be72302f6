"""Scale-out (issue 17): ``serve --workers N``, readiness beside liveness, the statement
timeout, and a dropped database connection costing at most the request in flight."""

from __future__ import annotations

import http.client
import json
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bookingbot import web
from bookingbot.bootstrap import database
from db.engine import make_engine
from tests.channels.asgi import AppClient
from tests.db.conftest import fresh_postgres
from tests.hardening.test_processes import _setup, _sms, serving


def _readyz(port: int) -> tuple[int, dict[str, object]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:  # a new connection each time: the kernel hands it to either process
        conn.request("GET", "/readyz")
        reply = conn.getresponse()
        return reply.status, json.loads(reply.read())
    finally:
        conn.close()


@pytest.mark.postgres
def test_serve_workers_two_processes_answer_on_one_port(tmp_path: Path) -> None:
    with fresh_postgres() as url:
        _setup(url, tmp_path)
        with serving(url, tmp_path, "pair", args=("--workers", "2")) as (port, supervisor):
            pids: set[object] = set()
            deadline = time.monotonic() + 60
            while len(pids) < 2:  # a condition polled until true, bounded
                status, body = _readyz(port)
                assert status == 200, body
                assert body["ready"] is True
                pids.add(body["pid"])
                assert time.monotonic() < deadline, f"only {pids} answered"
            assert supervisor not in pids  # the supervisor only supervises
            status, twiml = _sms(port, {"From": "+14155550123", "To": "+14155550100",
                                        "Body": "hi", "MessageSid": "SM" + "1" * 32})
            assert status == 200
            assert "<Message>" in twiml


def test_readyz_is_503_while_the_database_is_unreachable_and_healthz_stays_live(
        tmp_path: Path) -> None:
    # A directory is no database file: every connection attempt fails, as in an outage.
    handle = database(f"sqlite:///{tmp_path}", migrate=False)
    try:
        with AppClient(web.build_app(handle)) as client:
            ready, live = client.get("/readyz"), client.get("/healthz")
    finally:
        handle.close()
    assert ready.status_code == 503
    assert ready.json()["database"] == "unreachable"
    assert live.status_code == 200  # restarting the process would not bring the database back
    assert live.json() == {"ok": False, "database": "unreachable"}


@pytest.mark.postgres
def test_the_statement_timeout_bounds_every_query(monkeypatch: pytest.MonkeyPatch) -> None:
    with fresh_postgres() as url:
        monkeypatch.setenv("DB_STATEMENT_TIMEOUT", "250ms")
        handle = database(url)
        try:
            with handle.engine.connect() as conn:
                assert conn.execute(text("SHOW statement_timeout")).scalar() == "250ms"
                with pytest.raises(OperationalError, match="statement timeout"):
                    conn.execute(text("SELECT pg_sleep(30)"))
        finally:
            handle.close()
        default = make_engine(url)
        try:
            with default.connect() as conn:
                assert conn.execute(text("SHOW statement_timeout")).scalar() == "15s"
        finally:
            default.dispose()


@pytest.mark.postgres
def test_a_terminated_connection_costs_at_most_the_request_in_flight() -> None:
    with fresh_postgres() as url:
        handle = database(url)
        name = make_url(url).database
        try:
            with AppClient(web.build_app(handle)) as client:
                assert client.get("/readyz").status_code == 200  # a pooled connection now
                libpq = make_url(url).set(drivername="postgresql", database="postgres")
                with psycopg.connect(libpq.render_as_string(hide_password=False),
                                     autocommit=True) as admin:
                    killed = admin.execute(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()", (name,)).fetchone()
                assert killed is not None
                assert killed[0] >= 1  # the pool's connection is gone on the server
                client.get("/readyz")  # the request in flight may fail: one, no more
                after = client.get("/readyz")
        finally:
            handle.close()
        assert after.status_code == 200, after.text
