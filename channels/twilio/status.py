"""``POST /twilio/status``: Twilio's message status callbacks (SMS and WhatsApp).

Twilio accepts a message at once and reports later whether it reached the phone. Only
failures matter to us: "failed"/"undelivered" are handed to the ``StatusSink`` with
Twilio's error code. WhatsApp's 63016 ("outside the allowed window") means our record of
the 24-hour window was wrong (e.g. the customer's message never reached us): the sink closes
the window and queues the notification again, so the next attempt goes as its template.
Signed like every Twilio webhook; a repeated callback changes nothing (the sink only acts
on a notification still marked sent under that message SID).
"""

from __future__ import annotations

from typing import Protocol

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from channels.twilio.signature import TwilioSignature

PATH = "/twilio/status"
FAILED = frozenset({"failed", "undelivered"})
WINDOW_CLOSED = "63016"  # WhatsApp: free-form message outside the 24-hour window


class StatusSink(Protocol):
    def failed(self, message_sid: str, *, error: str, window_closed: bool) -> None:
        """The message did not reach the recipient; ``error`` says why."""


def status_route(signature: TwilioSignature, sink: StatusSink) -> Route:
    async def callback(request: Request) -> Response:
        params = await signature.read(request)
        if isinstance(params, Response):
            return params
        sid, status = params.get("MessageSid", ""), params.get("MessageStatus", "")
        if sid and status in FAILED:
            code = params.get("ErrorCode", "")
            await run_in_threadpool(sink.failed, sid, error=f"twilio {status} ({code or '-'})",
                                    window_closed=code == WINDOW_CLOSED)
        return Response(status_code=204)

    return Route(PATH, callback, methods=["POST"])
