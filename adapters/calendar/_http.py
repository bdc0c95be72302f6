"""Shared HTTP plumbing: every transport or protocol failure becomes a ``CalendarError``.

Messages name the host and the HTTP status but never the full URL or a token: an iCal
subscription URL is itself a secret, and these messages end up in logs and Slack alerts.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from core.errors import CalendarError

TokenProvider = Callable[[], str]


def rfc3339(instant: datetime) -> str:
    """UTC with a ``Z``, the one form both Google and Graph accept everywhere."""
    return instant.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def parse_instant(text: str, *, what: str) -> datetime:
    """An RFC 3339 instant from an API answer, as aware UTC."""
    try:
        parsed = datetime.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise CalendarError(f"{what}: unreadable time {text!r}") from exc
    if parsed.tzinfo is None:
        raise CalendarError(f"{what}: time without a zone {text!r}")
    return parsed.astimezone(UTC)


def host_of(url: str) -> str:
    return urlsplit(url).hostname or "the calendar server"


def send(http: httpx.Client, method: str, url: str, *, what: str,
         headers: Mapping[str, str] | None = None, params: Mapping[str, str] | None = None,
         json: Any = None, data: Mapping[str, str] | None = None,
         allow: Collection[int] = ()) -> httpx.Response:
    """One request; a 2xx or an ``allow``-ed status comes back, anything else raises."""
    try:
        response = http.request(method, url, headers=headers, params=params, json=json,
                                data=data, follow_redirects=True)
    except httpx.TimeoutException as exc:
        raise CalendarError(f"{what}: {host_of(url)} did not answer in time") from exc
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise CalendarError(f"{what}: could not reach {host_of(url)} "
                            f"({type(exc).__name__})") from exc
    if response.is_success or response.status_code in allow:
        return response
    raise CalendarError(f"{what}: {host_of(url)} answered HTTP {response.status_code}"
                        f"{_api_message(response)}")


def json_object(response: httpx.Response, *, what: str) -> dict[str, Any]:
    """The body as a JSON object, or a CalendarError naming what came back instead."""
    try:
        body = response.json()
    except ValueError as exc:  # includes JSONDecodeError and undecodable bytes
        kind = response.headers.get("content-type", "no content type")
        raise CalendarError(f"{what}: expected JSON from {host_of(str(response.url))}, "
                            f"got {kind}") from exc
    if not isinstance(body, dict):
        raise CalendarError(f"{what}: expected a JSON object, got {type(body).__name__}")
    return body


@contextmanager
def answer_shape(what: str) -> Iterator[None]:
    """Reading fields of an outside answer: a missing or mistyped field is a calendar error."""
    try:
        yield
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        raise CalendarError(f"{what}: the answer has an unexpected shape ({exc!r})") from exc


def bearer(token_provider: TokenProvider, *, what: str) -> dict[str, str]:
    """Ask the provider for a token on every request so it can refresh as it sees fit."""
    try:
        token = token_provider()
    except CalendarError:
        raise
    except Exception as exc:  # a token callable is outside code: any failure is a calendar failure
        raise CalendarError(f"{what}: could not get an access token ({exc})") from exc
    return {"Authorization": f"Bearer {token}"}


def _api_message(response: httpx.Response) -> str:
    # Google and Graph both answer {"error": {"message": ...}}; OAuth token endpoints
    # answer {"error": "invalid_grant", "error_description": ...}.
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    error = body.get("error")
    if isinstance(error, dict):
        message = str(error.get("message") or error.get("code") or "")
    else:
        message = " ".join(str(p) for p in (error, body.get("error_description")) if p)
    return f": {message[:200]}" if message else ""
