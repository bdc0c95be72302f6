"""The ASGI web app. Channel webhooks mount here; for now: /healthz only."""

from __future__ import annotations

import uvicorn
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bookingbot.bootstrap import Database, database
from bookingbot.settings import Settings


def build_app(db: Database) -> Starlette:
    async def healthz(_: Request) -> JSONResponse:
        try:
            with db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:  # any failure means "not healthy", never a crash
            return JSONResponse({"ok": False, "database": "unreachable"}, status_code=503)
        return JSONResponse({"ok": True, "database": "ok"})

    return Starlette(routes=[Route("/healthz", healthz, methods=["GET"])])


def serve(*, host: str, port: int | None, db: str | None) -> int:
    settings = Settings()
    app = build_app(database(db or settings.database_url))
    uvicorn.run(app, host=host, port=port or settings.port, log_level="info")
    return 0
