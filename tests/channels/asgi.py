"""A synchronous test client for the ASGI app: httpx's ASGI transport on one event loop.

Lifespan (start-up/shut-down hooks), requests and background tasks all run on the same
loop, as under uvicorn, so python-telegram-bot's HTTP client stays on the loop it was
opened on. (Starlette's TestClient wants the ``httpx2`` package; this needs only httpx.)
"""

from __future__ import annotations

import asyncio
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
from starlette.applications import Starlette


class AppClient:
    def __init__(self, app: Starlette) -> None:
        self.app = app
        self._loop = asyncio.Runner()
        self._lifespan: AbstractAsyncContextManager[Any] | None = None
        self._http: httpx.AsyncClient | None = None

    def __enter__(self) -> AppClient:
        self._loop.__enter__()
        self._lifespan = self.app.router.lifespan_context(self.app)
        self._loop.run(self._lifespan.__aenter__())
        self._http = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app),
                                       base_url="http://testserver")
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self._http is not None:
                self._loop.run(self._http.aclose())
            if self._lifespan is not None:
                self._loop.run(self._lifespan.__aexit__(None, None, None))
        finally:
            self._loop.close()

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        assert self._http is not None, "use AppClient as a context manager"
        return self._loop.run(self._http.request(method, url, **kwargs))

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def run(self, coro: Any) -> Any:
        """Run a coroutine on the app's loop (e.g. a poller round)."""
        return self._loop.run(coro)
