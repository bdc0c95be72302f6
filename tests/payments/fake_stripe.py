"""A local HTTP server that answers the Stripe calls bookingbot makes, in Stripe's wire format.

The real ``stripe`` library talks to it (``StripeClient(key, base_addresses={"api": url})``).
It records every request (form fields with bracket keys, the ``Idempotency-Key`` header),
replays the saved answer for a repeated key like Stripe does, and can be told to fail.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.http_double import HttpDouble, Reply
from tests.http_double import Recorded as Request

Json = dict[str, Any]


@dataclass
class Recorded:
    method: str
    path: str
    form: dict[str, str]
    idempotency_key: str | None
    authorization: str | None


@dataclass
class FakeStripe(HttpDouble):
    sessions: dict[str, Json] = field(default_factory=dict)
    refunds: dict[str, Json] = field(default_factory=dict)
    saved: dict[tuple[str, str], tuple[int, Json]] = field(default_factory=dict)
    # path -> status codes to answer with next (500s are not saved: Stripe keeps no result
    # for a request that failed before the endpoint ran, and the retry executes afresh).
    failures: dict[str, list[int]] = field(default_factory=dict)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return self.base

    @property
    def requests(self) -> list[Recorded]:
        return [Recorded(r.method, r.raw_path, r.form(), r.headers.get("idempotency-key"),
                         r.headers.get("authorization")) for r in self.received()]

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_test_{next(self._ids):08d}"

    def fail(self, path: str, *statuses: int) -> None:
        self.failures.setdefault(path, []).extend(statuses)

    def calls(self, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.path == path]

    def pay(self, session_id: str) -> Json:
        """The customer pays on the hosted page: the session as Stripe then reports it."""
        s = self.sessions[session_id]
        s.update(status="complete", payment_status="paid",
                 payment_intent=s["payment_intent"] or self.new_id("pi"))
        return dict(s)

    def expire(self, session_id: str) -> Json:
        s = self.sessions[session_id]
        s.update(status="expired")
        return dict(s)

    # --- the endpoints -----------------------------------------------------------------

    def _serve(self, request: Request) -> Reply:
        path, form = request.raw_path, request.form()
        key = request.headers.get("idempotency-key")
        with self._lock:
            saved = self.saved.get((path, key)) if key else None
            status, body = saved or self.handle(request.method, path, form)
            if key and saved is None and status < 500:
                self.saved[(path, key)] = (status, body)
        headers = {"Content-Type": "application/json", "Request-Id": f"req_{next(self._ids)}"}
        if saved is not None:
            headers["Idempotent-Replayed"] = "true"
        return Reply(status, body, headers)

    def handle(self, method: str, path: str, form: dict[str, str]) -> tuple[int, Json]:
        queued = self.failures.get(path)
        if queued:
            status = queued.pop(0)
            return status, {"error": {"type": "api_error", "message": "fake outage"}}
        if method == "POST" and path == "/v1/checkout/sessions":
            return 200, self._create_session(form)
        if method == "POST" and path == "/v1/refunds":
            return self._create_refund(form)
        return 404, {"error": {"type": "invalid_request_error", "message": f"no {path}"}}

    def _create_session(self, form: dict[str, str]) -> Json:
        sid = self.new_id("cs")
        qty = int(form.get("line_items[0][quantity]", "1"))
        session = {
            "id": sid, "object": "checkout.session", "mode": form["mode"],
            "url": f"https://checkout.stripe.test/c/pay/{sid}",
            "amount_total": int(form["line_items[0][price_data][unit_amount]"]) * qty,
            "currency": form["line_items[0][price_data][currency]"],
            "client_reference_id": form.get("client_reference_id"),
            "expires_at": int(form["expires_at"]), "created": int(time.time()),
            "metadata": _sub(form, "metadata"), "payment_intent": None,
            "payment_status": "unpaid", "status": "open", "livemode": False,
            "success_url": form["success_url"], "cancel_url": form["cancel_url"],
        }
        self.sessions[sid] = session
        return session

    def _create_refund(self, form: dict[str, str]) -> tuple[int, Json]:
        intent = form["payment_intent"]
        paid = next((s for s in self.sessions.values() if s["payment_intent"] == intent), None)
        if paid is None:
            return 400, {"error": {"type": "invalid_request_error", "code": "resource_missing",
                                   "message": f"No such payment_intent: '{intent}'"}}
        rid = self.new_id("re")
        refund = {"id": rid, "object": "refund", "amount": int(form["amount"]),
                  "currency": paid["currency"], "payment_intent": intent,
                  "status": "succeeded", "metadata": _sub(form, "metadata"),
                  "created": int(time.time())}
        self.refunds[rid] = refund
        return 200, refund


def _sub(form: dict[str, str], name: str) -> dict[str, str]:
    prefix = f"{name}["
    return {k[len(prefix):-1]: v for k, v in form.items() if k.startswith(prefix)}


@contextmanager
def running() -> Iterator[FakeStripe]:
    with FakeStripe() as fake:
        yield fake
