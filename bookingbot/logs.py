"""Structured logs (structlog over stdlib) with secrets and phone numbers masked."""

from __future__ import annotations

import logging
import re
from collections.abc import MutableMapping
from typing import Any

import structlog

_PHONE = re.compile(r"\+?\d[\d\s().-]{7,}\d")
_SECRET_KEYS = ("token", "secret", "password", "authorization", "api_key", "signature")


def mask_phone(text: str) -> str:
    """'+14155550123' -> '+1415***0123': enough to tell numbers apart, not to dial one."""
    def _mask(m: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", m.group())
        return f"+{digits[:4]}***{digits[-4:]}" if len(digits) >= 8 else m.group()
    return _PHONE.sub(_mask, text)


def _scrub(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key, value in list(event.items()):
        if any(s in key.lower() for s in _SECRET_KEYS):
            event[key] = "***"
        elif isinstance(value, str):
            event[key] = mask_phone(value)
    return event


def configure(level: str = "INFO") -> None:
    logging.basicConfig(level=level.upper(), format="%(message)s")
    structlog.configure(
        processors=[structlog.processors.add_log_level, structlog.processors.TimeStamper("iso"),
                    _scrub, structlog.processors.JSONRenderer()],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        cache_logger_on_first_use=True,
    )
