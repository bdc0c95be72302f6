"""One logging configuration for every process (serve, worker, CLI): JSON lines, masked.

structlog renders both its own events and stdlib records (ours, uvicorn, SQLAlchemy,
apscheduler, httpx) through ``structlog.stdlib.ProcessorFormatter``, so every line on
stderr is one JSON object. The last processor before rendering masks personal data in
*every* string field, exception tracebacks included: phone numbers, e-mail addresses,
API tokens, and the values of fields that carry message text. Engines are also built
with ``hide_parameters=True`` (``db.engine``), so SQL errors never carry row values.

Every line written while a request id is current (``core.tracing``: an HTTP request, or
the worker handling a row that request wrote) carries it as ``request_id``.

``LOG_LEVEL`` (DEBUG, INFO, WARNING, ...) sets the level; uvicorn's own config is not
used (``log_config=None``), its records flow through this one.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog

from core.tracing import current_request_id

# A phone number as we store and print them: E.164 with a "+", digits possibly grouped by
# spaces, dots, dashes or brackets; 8-15 digits. A "+" is required so that dates, times,
# ids and amounts survive ("2026-12-06T22:02" is a timestamp, not a number to hide); digits
# that go on as a date or a time ("T22", ":02", "-06") are left alone.
_PHONE = re.compile(r"(?<![\w+])\+\d[\d ().-]{6,20}\d(?!\d|[T:-]\d)")
_DATE_LIKE = re.compile(r"\d{4}-\d{2}-\d{2}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Bot API tokens (123456:AA...), Slack tokens, Stripe keys and webhook secrets, bearer tokens.
_TOKENS = re.compile(
    r"(?<!\d)\d{6,12}:[A-Za-z0-9_-]{30,}"
    r"|\bxox[abposr]-[A-Za-z0-9-]{10,}"
    r"|\b(?:sk|rk|pk)_(?:test|live)_[A-Za-z0-9]{10,}"
    r"|\bwhsec_[A-Za-z0-9]{10,}"
    r"|(?i:bearer)\s+[A-Za-z0-9._~+/=-]{16,}")
_SECRET_KEYS = ("token", "secret", "password", "authorization", "api_key", "signature")
# Fields whose values are what a customer wrote (or what we wrote to them).
_TEXT_KEYS = frozenset({"text", "body", "message_text", "transcript", "reply_text"})


def mask_phone(text: str) -> str:
    """'+14155550123' -> '+1415***0123': enough to tell numbers apart, not to dial one."""
    def _mask(m: re.Match[str]) -> str:
        found = m.group()
        digits = re.sub(r"\D", "", found)
        if not 8 <= len(digits) <= 15 or _DATE_LIKE.search(found):
            return found
        return f"+{digits[:4]}***{digits[-4:]}"
    return _PHONE.sub(_mask, text)


def mask(text: str) -> str:
    """Every kind of personal data or secret we know how to recognise in free text."""
    text = _TOKENS.sub("***", text)
    text = _EMAIL.sub("***@***", text)
    return mask_phone(text)


def _scrub(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key, value in list(event.items()):
        lowered = key.lower()
        if any(s in lowered for s in _SECRET_KEYS):
            event[key] = "***"
        elif lowered in _TEXT_KEYS and value:
            event[key] = f"<{len(str(value))} chars>"
        elif isinstance(value, str):
            event[key] = mask(value)
        elif value is not None and not isinstance(value, int | float | bool):
            event[key] = mask(str(value))
    return event


def _request_id(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    found = current_request_id()
    if found is not None:
        event.setdefault("request_id", found)
    return event


def _level(level: str | None) -> int:
    name = (level or os.environ.get("LOG_LEVEL") or "INFO").strip().upper()
    value = logging.getLevelName(name)
    return value if isinstance(value, int) else logging.INFO


# Loggers that bring their own handlers (uvicorn) or are loud at INFO (SQL statements).
_ROUTED = ("uvicorn", "uvicorn.error", "uvicorn.access", "sqlalchemy", "apscheduler", "httpx")


def configure(level: str | None = None, *, stream: TextIO | None = None) -> None:
    """Route all logging through one JSON handler on ``stream`` (stderr). Idempotent."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        _request_id,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder()],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info, _scrub,
                    structlog.processors.JSONRenderer()],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    handler.set_name("bookingbot")
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "bookingbot"]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(_level(level))
    for name in _ROUTED:
        routed = logging.getLogger(name)
        routed.handlers.clear()
        routed.propagate = True
    # SQL statements at INFO would log every query; warnings and errors still come through.
    logging.getLogger("sqlalchemy.engine").setLevel(max(_level(level), logging.WARNING))
    logging.getLogger("httpx").setLevel(max(_level(level), logging.WARNING))
