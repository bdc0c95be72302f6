"""The webhook bench's anchor: the least a signed webhook endpoint on this stack can do.

A bare Starlette app under uvicorn (the same server and framework ``serve`` uses): check the
Telegram secret header, then one INSERT + COMMIT of the update into PostgreSQL from a worker
thread (one psycopg connection per thread, as a pool would hand out), answer 200. Run by
``bench/webhook_bench.py`` as ``uvicorn webhook_anchor:app``; ``ANCHOR_DSN`` and
``ANCHOR_SECRET`` configure it.
"""

from __future__ import annotations

import hmac
import json
import os
import threading

import psycopg
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

DSN = os.environ.get("ANCHOR_DSN", "")
SECRET = os.environ.get("ANCHOR_SECRET", "")
_local = threading.local()


def _insert(update_id: int, body: str) -> None:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = psycopg.connect(DSN)
    conn.execute("INSERT INTO anchor_updates (update_id, body) VALUES (%s, %s)",
                 (update_id, body))
    conn.commit()


async def webhook(request: Request) -> Response:
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not hmac.compare_digest(given.encode(), SECRET.encode()):
        return PlainTextResponse("wrong secret token", status_code=403)
    body = (await request.body()).decode()
    await run_in_threadpool(_insert, int(json.loads(body)["update_id"]), body)
    return Response(status_code=200)


app = Starlette(routes=[Route("/telegram/webhook", webhook, methods=["POST"])])
