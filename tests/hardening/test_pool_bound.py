"""``serve`` never runs more blocking handlers at once than its pool can serve twice over.

An inbound message holds a connection for its conversation's transaction and needs a second
one meanwhile. With anyio's default of 40 threads and a pool of 30, 32 concurrent webhooks
once left 30 transactions each holding a connection and waiting for another: nothing was
answered until the pool timed out (seen in bench/webhook_bench.py). The web app now bounds
its handler threads to half the pool (bookingbot.web.handler_threads).

The interleaving is forced: every handler blocks on an event inside its thread; the test
waits until the limiter reports the running and the waiting requests, then releases them.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator

import anyio.to_thread
import httpx
import pytest
from sqlalchemy.orm import sessionmaker
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bookingbot.bootstrap import Database
from bookingbot.web import build_app, handler_threads
from channels.mount import ChannelMount
from db.engine import make_engine
from db.migrate import upgrade
from tests.db.conftest import fresh_postgres

pytestmark = pytest.mark.postgres
REQUESTS = 6


@pytest.fixture
def small_pool() -> Iterator[Database]:
    """A pool of 4 connections (2 + 2 overflow): 2 handler threads."""
    with fresh_postgres("bb_pool") as url:
        upgrade(url)
        engine = make_engine(url, pool_size=2, max_overflow=2)
        try:
            yield Database(url, engine, sessionmaker(engine))
        finally:
            engine.dispose()


class Gate:
    """A blocking handler that counts who got in and waits for the test to let it go."""

    def __init__(self) -> None:
        self.inside = 0
        self.most_inside = 0
        self.lock = threading.Lock()
        self.release = threading.Event()

    def handler(self, _: Request) -> PlainTextResponse:  # sync: Starlette runs it in a thread
        with self.lock:
            self.inside += 1
            self.most_inside = max(self.most_inside, self.inside)
        try:
            if not self.release.wait(60):
                raise TimeoutError("the test never released the handlers")
            return PlainTextResponse("ok")
        finally:
            with self.lock:
                self.inside -= 1


async def until(condition: Callable[[], bool], what: str) -> None:
    for _ in range(3000):  # a bound on a wait for a state, not a timing assertion
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never reached: {what}")


async def run(db: Database, gate: Gate, *, threads: int | None) -> list[int]:
    app = build_app(db, mounts=[ChannelMount("gate", (Route("/gate", gate.handler),))])
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(
            transport=transport, base_url="http://t") as client:
        limiter = anyio.to_thread.current_default_thread_limiter()
        if threads is not None:  # the control: the bound taken away again
            limiter.total_tokens = threads
        bound = int(limiter.total_tokens)
        calls = [asyncio.create_task(client.get("/gate")) for _ in range(REQUESTS)]
        running = min(bound, REQUESTS)
        await until(lambda: gate.inside == running
                    and limiter.statistics().tasks_waiting == REQUESTS - running,
                    f"{running} handlers in, {REQUESTS - running} waiting")
        gate.release.set()
        return [r.status_code for r in await asyncio.gather(*calls)]


def test_handlers_are_bounded_to_half_the_pool(small_pool: Database) -> None:
    assert handler_threads(small_pool.engine) == 2
    gate = Gate()
    assert asyncio.run(run(small_pool, gate, threads=None)) == [200] * REQUESTS
    assert gate.most_inside == 2  # 4 waited for a thread, none for a connection


def test_control_without_the_bound_every_request_runs_at_once(small_pool: Database) -> None:
    gate = Gate()
    assert asyncio.run(run(small_pool, gate, threads=40)) == [200] * REQUESTS
    assert gate.most_inside == REQUESTS  # more handlers than the pool could serve twice
