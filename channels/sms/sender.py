"""``SmsSender``: ``core.ports.Sender`` over Twilio's REST API (``twilio.rest.Client``).

Refuses (``PermanentSendError``) to message an opted-out number before any API call, so
reminders and outbox notifications can never reach someone who said STOP.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from bot.messages import Choice, Reply
from channels.sms.gsm import segments
from channels.sms.optout import OptOutRegistry
from channels.sms.phone import to_e164
from channels.sms.render import render
from core.errors import PermanentSendError, SendError, TransientSendError

log = logging.getLogger(__name__)

UNSUBSCRIBED = 21610  # Twilio: "Attempt to send to unsubscribed recipient"


def send_error(exc: TwilioRestException) -> SendError:
    if exc.status == 429 or exc.status >= 500:
        return TransientSendError(f"twilio {exc.status}: {exc.msg}")
    return PermanentSendError(f"twilio {exc.status} ({exc.code}): {exc.msg}")


class SmsSender:
    channel = "sms"

    def __init__(self, account_sid: str, auth_token: str, from_number: str, *,
                 opt_outs: OptOutRegistry, api_base_url: str | None = None) -> None:
        self._client = Client(account_sid, auth_token)
        if api_base_url:
            self._client.api.base_url = api_base_url.rstrip("/")
        self._from = from_number
        self._opt_outs = opt_outs

    def send(self, recipient_id: str, text: str,
             choices: Sequence[tuple[str, str]] = ()) -> str:
        to = to_e164(recipient_id)
        if to is None:
            raise PermanentSendError(f"sms: not a phone number: {recipient_id!r}")
        if self._opt_outs.is_opted_out(to):
            raise PermanentSendError("sms: recipient opted out")
        body = render(Reply(text, tuple(Choice(label, payload) for label, payload in choices)))
        seg = segments(body)
        try:
            message = self._client.messages.create(to=to, from_=self._from, body=body)
        except TwilioRestException as exc:
            raise send_error(exc) from exc
        except TwilioException as exc:  # connection failures and the like
            raise TransientSendError(f"twilio: {exc}") from exc
        log.info("sms to %s: %d segment(s), %s", to, seg.count, seg.encoding)
        return str(message.sid)

    def close(self) -> None:
        session = getattr(self._client.http_client, "session", None)
        if session is not None:
            session.close()

    def __enter__(self) -> SmsSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
