"""Twilio's REST Messages API through the real ``twilio`` client, errors as send errors.

``api_base_url`` points the client elsewhere (a Twilio edge, a proxy, the tests' local
double): the SDK builds every Messages URL from ``client.api.base_url``.
"""

from __future__ import annotations

from typing import Any

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from core.errors import PermanentSendError, SendError, TransientSendError


def send_error(exc: TwilioRestException) -> SendError:
    if exc.status == 429 or exc.status >= 500:
        return TransientSendError(f"twilio {exc.status}: {exc.msg}")
    return PermanentSendError(f"twilio {exc.status} ({exc.code}): {exc.msg}")


class TwilioRest:
    def __init__(self, account_sid: str, auth_token: str, *, api_base_url: str | None = None,
                 status_callback: str | None = None) -> None:
        self._client = Client(account_sid, auth_token)
        # Where Twilio reports delivery (``channels.twilio.status``), on every message.
        self._callback = {"status_callback": status_callback} if status_callback else {}
        if api_base_url:
            self._client.api.base_url = api_base_url.rstrip("/")

    def create(self, **fields: Any) -> str:
        """``POST .../Messages.json``; the new message's SID."""
        try:
            message = self._client.messages.create(**fields, **self._callback)
        except TwilioRestException as exc:
            raise send_error(exc) from exc
        except TwilioException as exc:  # connection failures and the like
            raise TransientSendError(f"twilio: {exc}") from exc
        return str(message.sid)

    def close(self) -> None:
        session = getattr(self._client.http_client, "session", None)
        if session is not None:
            session.close()
