"""``WhatsAppSender``: free-form inside the 24-hour window, an approved template outside it.

It is a ``core.ports.TemplateSender``: the deliverer hands it each notification's kind,
values and language. Inside the window (``window.inside``, with the injected clock) the
text goes as written, choices as numbered options / words to type. Outside, the kind's
Content template goes with ``ContentSid`` + ``ContentVariables`` (its quick-reply buttons
carry the same payloads the text offers); a kind without a template cannot be sent and
fails permanently with that reason (the notification is stored as dead with it, and
logged), never silently dropped. Opted-out addresses are refused before any API call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from bot.messages import Choice, Reply
from channels.twilio.optout import OptOutRegistry
from channels.twilio.rest import TwilioRest
from channels.whatsapp.address import to_whatsapp
from channels.whatsapp.render import render
from channels.whatsapp.templates import Templates, variables_json
from channels.whatsapp.window import ServiceWindows, inside
from core.errors import PermanentSendError
from core.notifications import Outgoing

log = logging.getLogger(__name__)

CHANNEL = "whatsapp"


class WhatsAppSender:
    channel = CHANNEL

    def __init__(self, account_sid: str, auth_token: str, from_number: str, *,
                 opt_outs: OptOutRegistry, windows: ServiceWindows, templates: Templates,
                 clock: Callable[[], datetime], api_base_url: str | None = None,
                 status_callback: str | None = None) -> None:
        sender = to_whatsapp(from_number)
        if sender is None:
            raise ValueError("TWILIO_WHATSAPP_FROM is not a phone number")
        self._rest = TwilioRest(account_sid, auth_token, api_base_url=api_base_url,
                                status_callback=status_callback)
        self._from = sender
        self._opt_outs = opt_outs
        self._windows = windows
        self._templates = templates
        self._clock = clock

    def _to(self, address: str) -> str:
        to = to_whatsapp(address)
        if to is None:
            raise PermanentSendError("whatsapp: not a phone number")
        if self._opt_outs.is_opted_out(to):
            raise PermanentSendError("whatsapp: recipient opted out")
        return to

    def _open(self, to: str) -> bool:
        return inside(self._windows.last_inbound(to), self._clock())

    def _free_form(self, to: str, text: str, choices: Sequence[tuple[str, str]],
                   lang: str | None = None) -> str:
        body = render(Reply(text, tuple(Choice(label, payload) for label, payload in choices),
                            lang))
        return self._rest.create(to=to, from_=self._from, body=body)

    def send(self, recipient_id: str, text: str,
             choices: Sequence[tuple[str, str]] = ()) -> str:
        """``core.ports.Sender``: free-form only, so only inside the window."""
        to = self._to(recipient_id)
        if not self._open(to):
            raise PermanentSendError("whatsapp: outside the 24-hour window, and a message "
                                     "with no kind has no template")
        return self._free_form(to, text, choices)

    def send_notification(self, message: Outgoing) -> str:
        to = self._to(message.address)
        if self._open(to):
            return self._free_form(to, message.text, message.choices, message.lang)
        sid = self._templates.pick(message.kind, message.lang)
        if sid is None:
            reason = (f"whatsapp: outside the 24-hour window and no template configured for "
                      f"{message.kind!r} ({message.lang or self._templates.fallback}); set "
                      "TWILIO_WHATSAPP_TEMPLATES")
            log.warning("%s", reason)
            raise PermanentSendError(reason)
        log.info("whatsapp %s outside the window: template %s", message.kind, sid)
        return self._rest.create(to=to, from_=self._from, content_sid=sid,
                                 content_variables=variables_json(message.variables))

    def close(self) -> None:
        self._rest.close()

    def __enter__(self) -> WhatsAppSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
