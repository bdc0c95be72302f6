"""The request id: one customer's message followed from the webhook to the worker's send.

One ``ContextVar`` that every room may read (core is the only room they all import): the
web app sets it for each HTTP request, the stores copy it into every outbox and
notification row written meanwhile, the worker sets it again from the row it processes,
and the log configuration adds it to every line. Nothing here is domain logic; it is kept
in core only so that ``db`` and ``jobs`` need no import of each other or of the shell.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

REQUEST_ID: ContextVar[str | None] = ContextVar("request_id", default=None)
MAX_LENGTH = 64  # the columns' width (migration 0029)


def current_request_id() -> str | None:
    return REQUEST_ID.get()


def new_request_id() -> str:
    """32 hex digits: nothing a log scrubber could take for a phone number or a token."""
    return uuid.uuid4().hex


@contextmanager
def request_scope(request_id: str | None) -> Iterator[None]:
    """``request_id`` is the current one inside the block (None: no request, e.g. a
    reminder the worker planned on its own); the previous one is restored after."""
    token = REQUEST_ID.set(request_id)
    try:
        yield
    finally:
        REQUEST_ID.reset(token)
