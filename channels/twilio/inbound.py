"""One inbound Twilio message (SMS or WhatsApp): keywords, opt-out, rate limit, conversation.

Replies go back in the webhook's own response as TwiML ``<Response><Message>``: one HTTP
round trip, no extra API call, and Twilio sends them from the number the customer wrote
to (on WhatsApp an inbound message has just opened the 24-hour window, so free-form text is
allowed). Nothing is ever sent to an opted-out address: after STOP the answer is an empty
``<Response/>``. The channel-specific parts (address form, keyword set, rendering, what to
record about an inbound message) are the fields of ``TwilioInbound``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from twilio.twiml.messaging_response import MessagingResponse

from bot.messages import InboundMessage, Reply
from bot.replies import failure
from bot.timeparse.lang import detect_language
from channels.http_guard import SenderLimiter, Verdict, rate_notice, verdict_for
from channels.location import zone_for
from channels.mount import MessageHandler, ReplyLedger
from channels.twilio.keywords import Keyword
from channels.twilio.optout import OptOutRegistry
from channels.twilio.phone import country_of
from channels.twilio.signature import TwilioSignature
from core.errors import DomainError

log = logging.getLogger(__name__)

# Called with (address, delivery id, now) before the conversation sees a message.
OnInbound = Callable[[str, str, datetime], None]


def shared_location(params: dict[str, str]) -> tuple[float, float] | None:
    """Twilio's ``Latitude``/``Longitude`` of a shared WhatsApp location, if sane."""
    try:
        lat, lng = float(params["Latitude"]), float(params["Longitude"])
    except (KeyError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):  # also refuses nan
        return None
    return lat, lng


def twiml(text: str | None, background: BackgroundTask | None = None) -> Response:
    response = MessagingResponse()
    if text:
        response.message(text)
    return Response(str(response), media_type="application/xml", background=background)


@dataclass(frozen=True)
class Settle:
    """The durable replies of one delivery (``channels.mount.ReplyLedger``): sent in the
    TwiML, or dropped (the customer opted out meanwhile)."""

    delivery_id: str
    count: int
    sent: bool


@dataclass
class TwilioInbound:
    channel: str
    signature: TwilioSignature
    handler: MessageHandler
    limiter: SenderLimiter
    opt_outs: OptOutRegistry
    clock: Callable[[], datetime]
    address: Callable[[str], str | None]  # Twilio's From -> our address, None: ignore it
    keyword: Callable[..., Keyword | None]  # (body, opted_out=) -> keyword
    render: Callable[[list[Reply]], str]
    on_inbound: OnInbound | None = None
    ledger: ReplyLedger | None = None  # set when the handler's replies are durable

    def text(self, params: dict[str, str]) -> str:
        """What the customer said: a tapped quick-reply button counts as its payload, a
        shared location (WhatsApp) as a timezone request, as on Telegram."""
        where = shared_location(params)
        if where is not None:
            return f"my timezone is {zone_for(*where)}"
        return params.get("ButtonPayload") or params.get("Body", "")

    async def process(self, params: dict[str, str]) -> tuple[str | None, Settle | None]:
        """The text to answer with (None for silence), and which durable replies it settles."""
        sender = self.address(params.get("From", ""))
        delivery = params.get("MessageSid") or params.get("SmsSid")
        if sender is None or not delivery:
            return None, None
        body = self.text(params)
        opted_out = await run_in_threadpool(self.opt_outs.is_opted_out, sender)
        word = self.keyword(body, opted_out=opted_out)
        if opted_out and word is not Keyword.OPT_IN:
            return None, None  # they said STOP: nothing from us, not even HELP, until START
        if self.on_inbound is not None:
            await run_in_threadpool(self.on_inbound, sender, delivery, self.clock())
        # STOP and START are honoured even in a flood; everything else is rate-limited.
        verdict = await verdict_for(self.limiter, f"{self.channel}:{sender}")
        if verdict is not Verdict.ALLOW and word not in (Keyword.OPT_OUT, Keyword.OPT_IN):
            return (rate_notice(detect_language(body)) if verdict is Verdict.NOTICE
                    else None), None
        message = InboundMessage(self.channel, sender, delivery, self.clock(), text=body,
                                 action=word.value if word else None,
                                 country=country_of(sender))
        failed = None  # nothing recorded: the error text is not a durable reply
        try:
            replies: list[Reply] = await run_in_threadpool(self.handler, message)
        except DomainError as err:  # e.g. BUSY: a concurrent message won; nothing was recorded
            log.warning("%s message not handled: %s", self.channel, err.code.value)
            failed = err.code.value
        except Exception:  # the database is down, say: still tell the customer (nothing done)
            log.exception("%s message from %s failed", self.channel, sender)
            failed = "internal"
        if failed is not None:
            return self.render([failure(failed, body)]) or None, None
        if await run_in_threadpool(self.opt_outs.is_opted_out, sender):
            return None, Settle(delivery, len(replies), sent=False) if replies else None
        return self.render(replies) or None, (Settle(delivery, len(replies), sent=True)
                                              if replies else None)

    def after(self, settle: Settle | None) -> BackgroundTask | None:
        """Runs once the TwiML is written: its replies count as sent (or as dropped)."""
        if settle is None or self.ledger is None:
            return None
        ledger, channel, now = self.ledger, self.channel, self.clock()
        indices = list(range(settle.count))

        async def run() -> None:  # on the loop: settle only queues the marks
            try:
                if settle.sent:
                    ledger.settle(channel, settle.delivery_id, sent=indices, now=now)
                else:
                    ledger.settle(channel, settle.delivery_id, dropped=indices, now=now)
            except Exception as exc:  # never raised into the server: the worker sends them
                log.warning("%s: replies of %s not settled: %s", channel, settle.delivery_id,
                            exc)

        return BackgroundTask(run)


def twilio_route(path: str, channel: TwilioInbound) -> Route:
    async def inbound(request: Request) -> Response:
        params = await channel.signature.read(request)
        if isinstance(params, Response):
            return params
        text, settle = await channel.process(params)
        if await request.is_disconnected():
            # Twilio stopped waiting (its 15 s timeout): the TwiML would reach nobody, so
            # nothing is settled as sent; the worker sends the replies when their lease ends.
            log.warning("%s: the client left before the answer; the worker will send its "
                        "replies", channel.channel)
            return twiml(None)
        return twiml(text, channel.after(settle))

    return Route(path, inbound, methods=["POST"])
