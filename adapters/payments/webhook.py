"""``POST /stripe/webhook``: verify, translate, hand over, answer fast.

The route knows no database: ``handle_event`` (built by the composition root) runs the
use case, which records the event id in the same transaction as its effect. It may
return a follow-up (sending refunds) that runs after the response has gone.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import stripe
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from adapters.payments.events import translate
from core.payments import PaymentEvent
from i18n import browser_language, say

log = logging.getLogger(__name__)

FollowUp = Callable[[], None]
EventHandler = Callable[[PaymentEvent], FollowUp | None]
PATH = "/stripe/webhook"
RETURN_PATH = "/stripe/return"  # where Checkout sends the customer back (success/cancel URL)
MAX_BODY = 512 * 1024  # Stripe events are a few kB; anything larger is not from Stripe


async def returned(request: Request) -> PlainTextResponse:
    """The customer's browser after Checkout. It proves nothing (anyone can open it): only
    the signed webhook confirms a booking, so this page just points back to the chat, in
    the language the browser asks for (Checkout itself follows it too: locale "auto")."""
    lang = browser_language(request.headers.get("accept-language", ""))
    if request.query_params.get("result") == "paid":
        text = say(lang, "Thank you! Your confirmation will arrive in the chat in a moment.")
    else:
        text = say(lang, "No payment was taken. Go back to the chat to try again or pick "
                         "another time.")
    return PlainTextResponse(text, headers={"Content-Language": lang})


def _bad(reason: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": reason}, status_code=status)


def _parsed(body: bytes) -> dict[str, Any]:
    """The (already verified) event as a dict; raises ValueError."""
    event = json.loads(body)
    if not isinstance(event, dict) or event.get("object") != "event" or \
            not isinstance(event.get("id"), str):
        raise ValueError("not a Stripe event")
    return event


def stripe_routes(*, webhook_secret: str, handle_event: EventHandler,
                  tolerance: int = stripe.Webhook.DEFAULT_TOLERANCE) -> list[Route]:
    if not webhook_secret:
        raise ValueError("STRIPE_WEBHOOK_SECRET is required to accept Stripe webhooks")

    async def webhook(request: Request) -> JSONResponse:  # noqa: PLR0911 - one per status
        # The app's guard (channels.asgi_guard) has bounded the body to MAX_BODY already;
        # checked again here so the route is safe on its own.
        body = await request.body()
        if len(body) > MAX_BODY:
            return _bad("body too large", 413)
        header = request.headers.get("stripe-signature")
        if not header:
            return _bad("missing signature", 401)
        try:  # Stripe's own check: HMAC-SHA256 over ``t.body``, constant time, ``t`` fresh
            stripe.WebhookSignature.verify_header(body, header, webhook_secret, tolerance)
        except (stripe.SignatureVerificationError, UnicodeDecodeError):  # Stripe sends UTF-8
            return _bad("bad or stale signature", 403)
        try:
            event = _parsed(body)
            neutral = translate(event)
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as err:
            return _bad(str(err) if isinstance(err, ValueError) else "malformed event")
        if neutral is None:
            return JSONResponse({"received": True, "ignored": True})
        try:
            follow = await run_in_threadpool(handle_event, neutral)
        except Exception:  # rolled back, event id not recorded: Stripe will deliver again
            log.exception("stripe event %s failed", event["id"])
            return JSONResponse({"error": "temporary failure"}, status_code=500)
        task = BackgroundTask(follow) if follow is not None else None
        return JSONResponse({"received": True}, background=task)

    return [Route(PATH, webhook, methods=["POST"]),
            Route(RETURN_PATH, returned, methods=["GET"])]
