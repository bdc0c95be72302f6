"""The ASGI app: ``GET /healthz`` plus the routes of every enabled channel.

Public routes, and nothing else: ``POST /telegram/webhook``, ``POST /twilio/sms``,
``POST /slack/events`` and ``POST /stripe/webhook`` (mounted by their issues through the
same ``ChannelMount``), ``GET /healthz``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import uvicorn
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bookingbot.bootstrap import Database, database, utcnow
from bookingbot.channels_wiring import (
    SqlOptOuts,
    build_handler,
    build_mounts,
    build_runner,
    channel_states,
    describe,
)
from bookingbot.settings import Settings
from channels.mount import ChannelMount

log = logging.getLogger(__name__)


def _paths(routes: Sequence[BaseRoute]) -> list[str]:
    return [getattr(r, "path", "") for r in routes]


def build_app(db: Database, *, mounts: Sequence[ChannelMount] = ()) -> Starlette:
    async def healthz(_: Request) -> JSONResponse:
        try:
            with db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:  # any failure means "not healthy", never a crash
            return JSONResponse({"ok": False, "database": "unreachable"}, status_code=503)
        return JSONResponse({"ok": True, "database": "ok"})

    routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET"])]
    for mount in mounts:
        routes.extend(mount.routes)
    paths = _paths(routes)
    if len(paths) != len(set(paths)):
        raise ValueError(f"two channels claim the same path: {sorted(paths)}")

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        started: list[ChannelMount] = []
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

    return Starlette(routes=routes, lifespan=lifespan)


def serve(*, host: str, port: int | None, db: str | None, telegram_polling: bool = False) -> int:
    settings = Settings()
    handle = database(db or settings.database_url)
    runner = build_runner(handle, settings)
    mounts = build_mounts(settings, handler=build_handler(handle, runner),
                          opt_outs=SqlOptOuts(handle),
                          clock=utcnow, telegram_polling=telegram_polling, db=handle)
    print(describe(channel_states(settings, telegram_polling=telegram_polling)))  # noqa: T201
    app = build_app(handle, mounts=mounts)
    uvicorn.run(app, host=host, port=port or settings.port, log_level="info")
    return 0
