"""The app-wide guard (channels.asgi_guard) on the real app: bounded bodies on every route,
security headers on every response, crashes answered rather than propagated, an honest
/healthz."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import uvicorn
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bookingbot import web
from bookingbot.bootstrap import Database, database
from bookingbot.cli import listen_host
from channels.asgi_guard import DEFAULT_BODY_LIMIT
from channels.mount import ChannelMount
from tests.channels.asgi import AppClient


async def _echo_size(request: Request) -> Response:
    return Response(str(len(await request.body())))  # the unbounded call the guard tames


async def _crash(_: Request) -> Response:
    raise RuntimeError("boom")


MOUNT = ChannelMount("probe", (Route("/probe", _echo_size, methods=["POST"]),
                               Route("/big", _echo_size, methods=["POST"]),
                               Route("/crash", _crash, methods=["GET"])),
                     body_limits={"/big": 1024 * 1024})


@pytest.fixture
def client(db: Database) -> Iterator[AppClient]:
    with AppClient(web.build_app(db, mounts=[MOUNT])) as c:
        yield c


def test_declared_oversize_is_refused_before_reading(client: AppClient) -> None:
    reply = client.post("/probe", content=b"x" * (DEFAULT_BODY_LIMIT + 1))
    assert reply.status_code == 413
    assert client.post("/probe", content=b"x" * DEFAULT_BODY_LIMIT).text == str(
        DEFAULT_BODY_LIMIT)


def test_streamed_oversize_is_refused_chunk_by_chunk(client: AppClient) -> None:
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: chunked
        nonlocal sent
        for _ in range(1000):
            sent += 1
            yield b"y" * 4096

    reply = client.post("/probe", content=chunks())
    assert reply.status_code == 413
    assert reply.text == "request body too large"


def test_a_mount_can_raise_its_own_limit(client: AppClient) -> None:
    assert client.post("/big", content=b"x" * 500_000).text == "500000"
    assert client.post("/big", content=b"x" * (1024 * 1024 + 1)).status_code == 413


def test_a_bad_content_length_is_a_400(client: AppClient) -> None:
    assert client.post("/probe", content=b"x", headers={"content-length": "abc"}
                       ).status_code == 400


def test_security_headers_on_every_response(client: AppClient) -> None:
    for reply in (client.get("/healthz"), client.get("/nowhere"),
                  client.post("/probe", content=b"x" * (DEFAULT_BODY_LIMIT + 1)),
                  client.get("/crash")):
        assert reply.headers["x-content-type-options"] == "nosniff"
        assert reply.headers["x-frame-options"] == "DENY"
        assert reply.headers["content-security-policy"] == "frame-ancestors 'none'"
        assert reply.headers["referrer-policy"] == "no-referrer"
        assert "strict-transport-security" not in reply.headers  # plain http
    behind_tls = client.get("/healthz", headers={"x-forwarded-proto": "https"})
    assert behind_tls.headers["strict-transport-security"].startswith("max-age=")


def test_a_crash_is_answered_500_without_detail(client: AppClient) -> None:
    reply = client.get("/crash")
    assert reply.status_code == 500
    assert reply.text == "internal error"
    assert client.get("/healthz").status_code == 200  # the app lives on


def test_healthz_is_503_on_an_unmigrated_database(tmp_path: Path) -> None:
    handle = database(f"sqlite:///{tmp_path / 'empty.db'}", migrate=False)
    try:
        with AppClient(web.build_app(handle)) as c:
            reply = c.get("/healthz")
    finally:
        handle.close()
    assert reply.status_code == 503
    assert reply.json() == {"ok": False, "database": "not migrated"}


def test_after_a_500_uvicorn_keeps_the_connection_open(db: Database) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(web.build_app(db, mounts=[MOUNT]), host="127.0.0.1",
                                           port=port, log_config=None, server_header=False,
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:  # a condition polled, bounded
            assert time.monotonic() < deadline
            time.sleep(0.01)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            _crash_then_health(conn)
        finally:
            conn.close()
    finally:
        server.should_exit = True
        thread.join(10)


def _crash_then_health(conn: http.client.HTTPConnection) -> None:
    conn.request("GET", "/crash")
    crashed = conn.getresponse()
    crashed.read()
    sock = conn.sock
    assert crashed.status == 500
    assert crashed.getheader("connection") != "close"
    assert crashed.getheader("server") is None  # no banner
    conn.request("GET", "/healthz")
    fine = conn.getresponse()
    fine.read()
    assert fine.status == 200
    assert conn.sock is sock  # the same keep-alive connection, not a reconnect


def test_serve_listens_on_loopback_unless_told_otherwise() -> None:
    assert listen_host(None, {}) == "127.0.0.1"
    assert listen_host(None, {"PORT": "5000"}) == "0.0.0.0"
    assert listen_host("10.0.0.5", {"PORT": "5000"}) == "10.0.0.5"
    procfile = (Path(__file__).resolve().parents[2] / "Procfile").read_text()
    assert "bookingbot serve --port $PORT" in procfile  # $PORT set there: public, as before
