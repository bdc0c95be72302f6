"""The calendar tests' local HTTP server: ``tests.http_double`` plus the calendar APIs' error shape.

The adapters talk to it through their real httpx clients, so URLs, query strings, headers,
JSON bodies and status codes all cross a socket exactly as they would in production.
"""

from __future__ import annotations

from typing import Any

from tests.http_double import App, LocalServer, Recorded, Reply

__all__ = ["App", "LocalServer", "Recorded", "Reply", "json_error"]


def json_error(status: int, message: str, **extra: Any) -> Reply:
    """The ``{"error": {...}}`` shape Google and Graph both use."""
    return Reply(status, {"error": {"code": extra.pop("code", status), "message": message,
                                    **extra}})
