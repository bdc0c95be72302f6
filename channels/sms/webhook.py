"""``POST /twilio/sms``: verify, parse, honour keywords, run the conversation, answer TwiML.

Replies go back in the webhook's own response as TwiML ``<Response><Message>``: one HTTP
round trip, no extra API call, and Twilio sends them from the number the customer wrote
to. The conversation takes milliseconds, far inside Twilio's 15 s webhook timeout.
Nothing is ever sent to an opted-out number: after STOP the answer is an empty
``<Response/>`` (Twilio itself sends the carrier-required opt-out confirmation).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot.messages import InboundMessage, Reply
from bot.replies import error as error_text
from channels.http_guard import RATE_NOTICE, BodyTooLarge, RateLimiter, Verdict, read_body
from channels.mount import MessageHandler
from channels.sms.gsm import segments
from channels.sms.keywords import Keyword, keyword
from channels.sms.optout import OptOutRegistry
from channels.sms.phone import to_e164
from channels.sms.render import render_all
from core.errors import DomainError

log = logging.getLogger(__name__)

CHANNEL = "sms"
PATH = "/twilio/sms"
SIGNATURE_HEADER = "X-Twilio-Signature"


def twiml(text: str | None) -> Response:
    response = MessagingResponse()
    if text:
        response.message(text)
    return Response(str(response), media_type="application/xml")


@dataclass
class SmsChannel:
    auth_token: str
    public_base_url: str
    handler: MessageHandler
    limiter: RateLimiter
    opt_outs: OptOutRegistry
    clock: Callable[[], datetime]

    def signed_url(self, request: Request) -> str:
        """The URL Twilio signed: ours as the public sees it, not as the proxy forwarded it."""
        query = request.url.query
        return self.public_base_url.rstrip("/") + request.url.path + (f"?{query}" if query else "")

    def verify(self, request: Request, params: dict[str, str]) -> Response | None:
        signature = request.headers.get(SIGNATURE_HEADER)
        if signature is None:
            return PlainTextResponse("missing signature", status_code=401)
        # RequestValidator compares in constant time (twilio.request_validator.compare).
        if not RequestValidator(self.auth_token).validate(self.signed_url(request), params,
                                                          signature):
            return PlainTextResponse("bad signature", status_code=403)
        return None

    async def process(self, params: dict[str, str]) -> str | None:
        """The SMS text to answer with, or None for silence."""
        sender = to_e164(params.get("From", ""))
        delivery = params.get("MessageSid") or params.get("SmsSid")
        if sender is None or not delivery:
            return None
        body = params.get("Body", "")
        opted_out = await run_in_threadpool(self.opt_outs.is_opted_out, sender)
        word = keyword(body, opted_out=opted_out)
        if opted_out and word is not Keyword.OPT_IN:
            return None  # they said STOP: nothing from us, not even HELP, until START
        # STOP and START are honoured even in a flood; everything else is rate-limited.
        verdict = self.limiter.check(f"sms:{sender}")
        if verdict is not Verdict.ALLOW and word not in (Keyword.OPT_OUT, Keyword.OPT_IN):
            return RATE_NOTICE if verdict is Verdict.NOTICE else None
        message = InboundMessage(CHANNEL, sender, delivery, self.clock(), text=body,
                                 action=word.value if word else None)
        try:
            replies: list[Reply] = await run_in_threadpool(self.handler, message)
        except DomainError as err:  # e.g. BUSY: a concurrent message won; nothing was recorded
            log.warning("sms from %s not handled: %s", sender, err.code.value)
            replies = [Reply(error_text(err.code.value))]
        if await run_in_threadpool(self.opt_outs.is_opted_out, sender):
            return None
        text = render_all(replies)
        if text:
            seg = segments(text)
            log.info("sms reply to %s: %d segment(s), %s", sender, seg.count, seg.encoding)
        return text or None


def sms_route(channel: SmsChannel) -> Route:
    async def inbound(request: Request) -> Response:
        try:
            body = await read_body(request)
        except BodyTooLarge:
            return PlainTextResponse("request body too large", status_code=413)
        try:
            params = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                                    strict_parsing=False))
        except UnicodeDecodeError:
            return PlainTextResponse("not a form", status_code=400)
        refused = channel.verify(request, params)
        if refused is not None:
            return refused
        return twiml(await channel.process(params))

    return Route(PATH, inbound, methods=["POST"])
