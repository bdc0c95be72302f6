"""OAuth 2 access tokens for the calendar APIs, as the ``token_provider`` callables they take.

Google: a provider authorises us once (offline access) and we keep their refresh token.
Microsoft Graph: the business registers an app with application permissions and we use the
client-credentials grant. Both answer ``{"access_token", "expires_in"}``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from adapters.calendar._http import json_object, send
from core.errors import CalendarError

GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"  # noqa: S105 (an endpoint, not a secret)
MICROSOFT_TOKEN_URL = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"  # noqa: S105
GRAPH_DEFAULT_SCOPE = "https://graph.microsoft.com/.default"

# Refresh a little early so a token never expires between fetching and using it.
_EARLY = timedelta(seconds=60)


@dataclass(frozen=True)
class AccessToken:
    value: str
    expires_in: timedelta


def refresh_access_token(client_id: str, client_secret: str, refresh_token: str,
                         token_url: str = GOOGLE_TOKEN_URL, *,
                         http: httpx.Client) -> AccessToken:
    """The refresh-token grant (Google; also works for delegated Microsoft tokens)."""
    return _token_request(http, token_url, {
        "grant_type": "refresh_token", "client_id": client_id,
        "client_secret": client_secret, "refresh_token": refresh_token})


def client_credentials_token(tenant: str, client_id: str, client_secret: str, *,
                             http: httpx.Client, scope: str = GRAPH_DEFAULT_SCOPE,
                             token_url: str = MICROSOFT_TOKEN_URL) -> AccessToken:
    """The client-credentials grant for a Graph app registration (application permissions)."""
    return _token_request(http, token_url.format(tenant=tenant), {
        "grant_type": "client_credentials", "client_id": client_id,
        "client_secret": client_secret, "scope": scope})


class CachedToken:
    """A thread-safe ``token_provider``: calls ``fetch`` only when the last token is stale.

    ``clock`` is injected (house rule: no hidden ``now``), e.g. ``lambda: datetime.now(UTC)``.
    """

    def __init__(self, fetch: Callable[[], AccessToken], *,
                 clock: Callable[[], datetime]) -> None:
        self._fetch = fetch
        self._clock = clock
        self._lock = threading.Lock()
        self._value: str | None = None
        self._good_until: datetime | None = None

    def __call__(self) -> str:
        with self._lock:
            now = self._clock()
            if self._value is None or self._good_until is None or now >= self._good_until:
                token = self._fetch()
                self._value = token.value
                self._good_until = now + token.expires_in - _EARLY
            return self._value


def _token_request(http: httpx.Client, url: str, form: Mapping[str, str]) -> AccessToken:
    what = "getting a calendar access token"
    body = json_object(send(http, "POST", url, what=what, data=form), what=what)
    value = body.get("access_token")
    if not isinstance(value, str) or not value:
        raise CalendarError(f"{what}: the token endpoint returned no access_token")
    try:
        seconds = int(body.get("expires_in", 3600))
    except (TypeError, ValueError):
        seconds = 3600  # the documented default lifetime for both providers
    return AccessToken(value, timedelta(seconds=seconds))
