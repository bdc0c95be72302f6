"""``SmsSender``: ``core.ports.Sender`` over Twilio's REST API (``channels.twilio.rest``).

Refuses (``PermanentSendError``) to message an opted-out number before any API call, so
reminders and outbox notifications can never reach someone who said STOP.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.messages import Choice, Reply
from channels.sms.gsm import segments
from channels.sms.render import render
from channels.twilio.optout import OptOutRegistry
from channels.twilio.phone import to_e164
from channels.twilio.rest import TwilioRest, send_error
from core.errors import PermanentSendError
from core.notifications import Outgoing

log = logging.getLogger(__name__)

UNSUBSCRIBED = 21610  # Twilio: "Attempt to send to unsubscribed recipient"

__all__ = ["UNSUBSCRIBED", "SmsSender", "send_error"]


class SmsSender:
    channel = "sms"

    def __init__(self, account_sid: str, auth_token: str, from_number: str, *,
                 opt_outs: OptOutRegistry, api_base_url: str | None = None,
                 status_callback: str | None = None) -> None:
        self._rest = TwilioRest(account_sid, auth_token, api_base_url=api_base_url,
                                status_callback=status_callback)
        self._from = from_number
        self._opt_outs = opt_outs

    def send(self, recipient_id: str, text: str,
             choices: Sequence[tuple[str, str]] = (), lang: str | None = None) -> str:
        to = to_e164(recipient_id)
        if to is None:
            raise PermanentSendError("sms: not a phone number")
        if self._opt_outs.is_opted_out(to):
            raise PermanentSendError("sms: recipient opted out")
        body = render(Reply(text, tuple(Choice(label, payload) for label, payload in choices),
                            lang))
        seg = segments(body)
        sid = self._rest.create(to=to, from_=self._from, body=body)
        log.info("sms sent: %d segment(s), %s", seg.count, seg.encoding)
        return sid

    def send_notification(self, message: Outgoing) -> str:
        """``core.ports.TemplateSender``: SMS has no templates, but the footer it adds
        ("Reply C to confirm") is written in the notification's language."""
        return self.send(message.address, message.text, message.choices, message.lang)

    def close(self) -> None:
        self._rest.close()

    def __enter__(self) -> SmsSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
