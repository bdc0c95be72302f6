"""The ASGI app: ``GET /healthz`` plus the routes of every enabled channel.

Public routes, and nothing else: ``POST /telegram/webhook``, ``POST /twilio/sms``,
``POST /slack/events`` and ``POST /stripe/webhook`` (mounted by their issues through the
same ``ChannelMount``), ``GET /healthz`` (liveness: 200 while the process serves, 503 only
when the database is behind this code's migrations, a deployment error no retry will mend) and
``GET /readyz`` (readiness: 503 unless the database is reachable *and* migrated, so a load
balancer takes the process out of rotation during a database outage without restarting it).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
import uvicorn
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bookingbot.admin_wiring import admin_mount
from bookingbot.bootstrap import Database, database, utcnow
from bookingbot.channels_wiring import (
    SqlOptOuts,
    build_handler,
    build_mounts,
    build_runner,
    channel_states,
    describe,
    reply_ledger,
)
from bookingbot.cli_errors import CommandError
from bookingbot.logs import configure
from bookingbot.request_ids import RequestIds
from bookingbot.settings import Settings
from bot.warmup import warm_up
from channels.asgi_guard import AsgiGuard
from channels.mount import ChannelMount
from db.engine import pool_capacity
from db.migrate import current_revision, head_revision

log = logging.getLogger(__name__)
# Crash tests only: the path of a file to create when a POST's response is about to start
# (its work is committed, nothing is written back yet); the request then waits for ever,
# so the test can kill the process exactly between commit and reply.
PAUSE_ENV = "BOOKINGBOT_TEST_PAUSE_BEFORE_RESPONSE"
# Shutdown tests only: with it, the paused request goes on once this file exists.
RELEASE_ENV = "BOOKINGBOT_TEST_RELEASE_PAUSED"


class PauseBeforeResponse:
    """ASGI wrapper for ``PAUSE_ENV``: never installed unless the variable is set."""

    def __init__(self, app: ASGIApp, marker: Path, release: Path | None = None) -> None:
        self.app = app
        self.marker = marker
        self.release = release

    async def _wait(self) -> None:
        release = self.release
        if release is None:
            await asyncio.Event().wait()  # until the test kills the process
            return
        while not release.exists():
            await asyncio.sleep(0.01)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return

        async def paused(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.marker.write_text(str(scope["path"]))
                await self._wait()
            await send(message)

        await self.app(scope, receive, paused)


def _paths(routes: Sequence[BaseRoute]) -> list[str]:
    return [getattr(r, "path", "") for r in routes]


def handler_threads(engine: Engine) -> int:
    """How many requests may run their (blocking) handlers at once: half the pool.

    An inbound message holds one connection for its conversation's transaction and needs a
    second one meanwhile (the customer lookup, the catalogue, a booking). With as many
    handlers running as the pool has connections, each can hold one and wait for another:
    seen at 32 clients (30 connections idle in transaction, no request answered until the
    pool's timeout). Half the pool leaves one spare for each; more threads would not add
    throughput anyway, one process runs Python on one core."""
    return max(1, pool_capacity(engine) // 2)


def bound_threads(engine: Engine) -> None:
    """Starlette runs sync handlers on anyio's default thread limiter (40 by default)."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = handler_threads(engine)


def build_app(db: Database, *, mounts: Sequence[ChannelMount] = ()) -> Starlette:
    head = head_revision()

    def database_state() -> str:
        try:
            current = current_revision(db.engine)
        except Exception:  # any failure means "not healthy", never a crash
            return "unreachable"
        # Every webhook would fail on a database behind the code: not healthy either.
        return "ok" if current == head else "not migrated"

    async def healthz(_: Request) -> JSONResponse:
        state = await run_in_threadpool(database_state)
        live = state != "not migrated"
        return JSONResponse({"ok": state == "ok", "database": state},
                            status_code=200 if live else 503)

    async def readyz(_: Request) -> JSONResponse:
        state = await run_in_threadpool(database_state)
        # The pid tells which of `serve --workers N` processes answered.
        return JSONResponse({"ready": state == "ok", "database": state, "pid": os.getpid()},
                            status_code=200 if state == "ok" else 503)

    routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET"]),
                               Route("/readyz", readyz, methods=["GET"])]
    for mount in mounts:
        routes.extend(mount.routes)
    paths = _paths(routes)
    if len(paths) != len(set(paths)):
        raise ValueError(f"two channels claim the same path: {sorted(paths)}")

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        started: list[ChannelMount] = []
        bound_threads(db.engine)
        try:
            for mount in mounts:
                started.append(mount)
                for hook in mount.on_startup:
                    await hook()
            yield
        finally:
            for mount in reversed(started):
                for hook in mount.on_shutdown:
                    await hook()
            db.close()

    limits: dict[str, int] = {}
    for mount in mounts:
        limits.update(mount.body_limits)
    # The guard wraps everything inside Starlette's own error middleware: every body is
    # bounded, every response carries the security headers, no exception reaches uvicorn.
    # Outside it, every request gets its id (bookingbot.request_ids).
    return Starlette(routes=routes, lifespan=lifespan,
                     middleware=[Middleware(RequestIds), Middleware(AsgiGuard, limits=limits)])


# `serve --workers N` hands uvicorn an import string, so each web process builds its own app
# (its own pool, ledger and mounts) from the environment: these carry the command's options.
SERVE_DATABASE_ENV = "BOOKINGBOT_SERVE_DATABASE_URL"


def serve(*, host: str, port: int | None, db: str | None, telegram_polling: bool = False,
          workers: int = 1) -> int:
    settings = Settings()
    if workers > 1:
        if telegram_polling:
            raise CommandError("--telegram-polling runs in one process; drop --workers or "
                               "use the webhook")
        if db:
            os.environ[SERVE_DATABASE_ENV] = db
        # Migrate once, here: N processes starting together would run the same upgrade at once.
        database(db or settings.database_url).close()
        print(describe(channel_states(settings, telegram_polling=False)))  # noqa: T201
        print(f"web: {workers} processes on one socket")  # noqa: T201
        # uvicorn's own supervisor: it spawns the processes on one socket, restarts a dead
        # one and passes SIGTERM on for a graceful shutdown of each.
        uvicorn.run("bookingbot.web:create_app", factory=True, workers=workers, host=host,
                    port=port or settings.port, log_config=None, server_header=False,
                    access_log=False)  # bookingbot.request_ids writes it, with the id
        return 0
    app = _process_app(settings, db=db, telegram_polling=telegram_polling)
    # log_config=None: uvicorn's records go through bookingbot.logs (configured by the CLI);
    # no "server: uvicorn" banner.
    uvicorn.run(app, host=host, port=port or settings.port, log_config=None,
                server_header=False, access_log=False)
    return 0


def create_app() -> ASGIApp:
    """uvicorn's app factory for ``serve --workers N``: one web process's app."""
    configure(None)  # a spawned process starts without the CLI's logging configuration
    return _process_app(Settings(), db=os.environ.get(SERVE_DATABASE_ENV),
                        telegram_polling=False, announce=False, migrate=False)


def _process_app(settings: Settings, *, db: str | None, telegram_polling: bool,
                 announce: bool = True, migrate: bool = True) -> ASGIApp:
    handle = database(db or settings.database_url, migrate=migrate)
    warm_up()  # before uvicorn listens: the first customer does not pay for the tables
    runner = build_runner(handle, settings)
    ledger = reply_ledger(handle)
    mounts = build_mounts(settings, handler=build_handler(handle, runner),
                          opt_outs=SqlOptOuts(handle),
                          clock=utcnow, telegram_polling=telegram_polling, db=handle,
                          ledger=ledger)
    if announce:
        print(describe(channel_states(settings, telegram_polling=telegram_polling)))  # noqa: T201

    async def write_marks() -> None:  # uvicorn shuts down after the last request's work
        await run_in_threadpool(ledger.close)

    # Last in the list, so shut down first: before the database is closed.
    marks = ChannelMount("reply-ledger", (), on_shutdown=(write_marks,))
    app: ASGIApp = build_app(handle, mounts=[*mounts, admin_mount(handle, settings), marks])
    if os.environ.get(PAUSE_ENV):
        release = os.environ.get(RELEASE_ENV)
        app = PauseBeforeResponse(app, Path(os.environ[PAUSE_ENV]),
                                  Path(release) if release else None)
    return app
