"""One look at a conversation's state per inbound message, however many layers look.

Before the conversation's own transaction, two wrappers peek at the sender's state: the
data requests ("delete my data", confirmed first) and the reply router (an answer to a
reminder or a waitlist offer). Both read the same row moments apart, outside any lock, so
one read serves both: a statement less on every message. The memo lives for one message on
one thread (``scope``) and a write through ``merge`` drops it; outside a scope every call
reads the database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Read = Callable[[str, str], dict[str, Any]]


class PeekedStates:
    def __init__(self, read: Read) -> None:
        self._read = read
        self._local = threading.local()

    @contextmanager
    def scope(self) -> Iterator[None]:
        self._local.memo = {}
        try:
            yield
        finally:
            self._local.memo = None

    def session_state(self, channel: str, address: str) -> dict[str, Any]:
        memo: dict[tuple[str, str], dict[str, Any]] | None = getattr(self._local, "memo", None)
        if memo is None:
            return self._read(channel, address)
        key = (channel, address)
        if key not in memo:
            memo[key] = self._read(channel, address)
        return dict(memo[key])  # as the store does: a copy of its own to each caller

    def forget(self, channel: str, address: str) -> None:
        memo = getattr(self._local, "memo", None)
        if memo is not None:
            memo.pop((channel, address), None)
