"""The bolt ``App`` and its one Starlette route, ``POST /slack/events``.

Sync ``App`` behind a thin async wrapper rather than ``AsyncApp``: our use cases are
synchronous database work, the sync ``WebClient`` needs no aiohttp session (whose
unclosed-session warnings fail a ``filterwarnings = error`` test run), and
``run_in_threadpool`` keeps bolt's blocking parts (the first ``auth.test``, waiting for
``ack()``) off the event loop. ``slack_bolt.adapter.starlette``'s own sync handler calls
``dispatch`` on the event loop, so only its request/response converters are reused.

The route verifies ``X-Slack-Signature`` (v0 HMAC over the raw bytes, constant-time) and
the 5-minute ``X-Slack-Request-Timestamp`` window before anything parses the body (bolt
checks again): a forged, missing or stale signature gets 401 and reaches no listener,
whatever the body; a signed body that is not JSON or a form gets 400.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from concurrent.futures import Executor

from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk import WebClient
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from channels.http_guard import BodyTooLarge, read_body

log = logging.getLogger(__name__)
PATH = "/slack/events"
# Interactivity payloads carry the whole message or view they came from: more room than
# the 64 KiB chat webhooks get, still a firm cap.
MAX_BODY_BYTES = 512 * 1024
DEFAULT_API_URL = "https://slack.com/api/"


def web_client(token: str, *, base_url: str | None = None) -> WebClient:
    """The Web API client (``SLACK_API_URL`` for GovSlack or a local test double)."""
    if not token:
        raise ValueError("SLACK_BOT_TOKEN is empty")
    return WebClient(token=token, base_url=base_url or DEFAULT_API_URL)


def bolt_app(*, client: WebClient, signing_secret: str, executor: Executor) -> App:
    if not signing_secret:
        raise ValueError("SLACK_SIGNING_SECRET is empty")
    return App(client=client, signing_secret=signing_secret,
               # a long-lived web worker: answer on ack(), finish on the executor
               process_before_response=False, listener_executor=executor,
               # no Web API call while the app is being built; auth.test runs (once,
               # cached) on the first request, off the event loop
               token_verification_enabled=False)


def _signed(secret: bytes, timestamp: str, body: bytes, signature: str) -> bool:
    """Slack's v0 scheme over the raw bytes (the SDK's verifier decodes them as UTF-8 first,
    which raises on a body that is not). Constant-time compare, 5-minute window."""
    if abs(time.time() - int(timestamp)) > 5 * 60:
        return False
    digest = hmac.new(secret, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256)
    return hmac.compare_digest(f"v0={digest.hexdigest()}".encode(), signature.encode())


def _refusal(request: Request, body: bytes, secret: bytes) -> Response | None:
    """401 unless the request carries a fresh, valid Slack signature over these raw bytes.

    Checked here, before bolt parses anything: bolt builds its request (JSON, form) first,
    so a malformed unsigned body would otherwise be a parse error -- a 500 and a traceback
    per request for anyone who can reach the URL."""
    timestamp = request.headers.get("x-slack-request-timestamp", "")
    signature = request.headers.get("x-slack-signature")
    if not timestamp or not signature:
        return PlainTextResponse("missing signature", status_code=401)
    if not timestamp.isdigit() or len(timestamp) > 12 or \
            not _signed(secret, timestamp, body, signature):
        return PlainTextResponse("bad or stale signature", status_code=401)
    return None


def events_route(app: App, *, signing_secret: str, path: str = PATH) -> Route:
    secret = signing_secret.encode()

    async def events(request: Request) -> Response:
        try:
            body = await read_body(request, MAX_BODY_BYTES)
        except BodyTooLarge:
            return PlainTextResponse("request body too large", status_code=413)
        refused = _refusal(request, body, secret)
        if refused is not None:
            return refused
        try:
            bolt_request = to_bolt_request(request, body)
        # signed, yet not UTF-8, not JSON or a form, or JSON but not an object ("null",
        # [1]: bolt calls .get on it): Slack never sends it
        except (ValueError, AttributeError, TypeError):
            return PlainTextResponse("malformed request", status_code=400)
        try:
            bolt_response = await run_in_threadpool(app.dispatch, bolt_request)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            # a signed payload of a shape Slack never sends (bolt reads it before listeners)
            log.warning("slack: malformed signed request: %s", type(exc).__name__)
            return PlainTextResponse("malformed request", status_code=400)
        return to_starlette_response(bolt_response)

    return Route(path, events, methods=["POST"])
