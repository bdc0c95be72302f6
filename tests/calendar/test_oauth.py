"""Token helpers against a local OAuth token endpoint double."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest

from adapters.calendar.oauth import (
    AccessToken,
    CachedToken,
    client_credentials_token,
    refresh_access_token,
)
from core.errors import CalendarError
from tests.calendar.conftest import utc
from tests.calendar.fake_google import TOKEN, token_endpoint
from tests.calendar.httpserver import LocalServer


@pytest.fixture
def oauth() -> Iterator[LocalServer]:
    with LocalServer(token_endpoint) as server:
        yield server


def test_refresh_token_grant(oauth: LocalServer, http: httpx.Client) -> None:
    token = refresh_access_token("client-1", "s3cret", "1//refresh",
                                 oauth.base_url + "/token", http=http)
    assert token == AccessToken(TOKEN, timedelta(seconds=3599))
    [request] = oauth.requests
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.form() == {"grant_type": "refresh_token", "client_id": "client-1",
                              "client_secret": "s3cret", "refresh_token": "1//refresh"}


def test_a_revoked_refresh_token_is_a_calendar_error(oauth: LocalServer,
                                                     http: httpx.Client) -> None:
    with pytest.raises(CalendarError, match="invalid_grant Token has been expired or revoked"):
        refresh_access_token("client-1", "s3cret", "1//revoked", oauth.base_url + "/token",
                             http=http)


def test_client_credentials_grant_for_graph(oauth: LocalServer, http: httpx.Client) -> None:
    token = client_credentials_token("contoso.onmicrosoft.com", "app-1", "s3cret", http=http,
                                     token_url=oauth.base_url + "/{tenant}/oauth2/v2.0/token")
    assert token.value == TOKEN
    [request] = oauth.requests
    assert request.path == "/contoso.onmicrosoft.com/oauth2/v2.0/token"
    assert request.form()["scope"] == "https://graph.microsoft.com/.default"


def test_cached_token_refreshes_only_when_stale() -> None:
    now = [utc(2024, 9, 1, 12)]
    issued: list[int] = []

    def fetch() -> AccessToken:
        issued.append(1)
        return AccessToken(f"token-{len(issued)}", timedelta(hours=1))

    provider = CachedToken(fetch, clock=lambda: now[0])
    assert provider() == "token-1"
    now[0] += timedelta(minutes=58)
    assert provider() == "token-1"
    now[0] += timedelta(minutes=1)  # within a minute of expiry: refresh early
    assert provider() == "token-2"
