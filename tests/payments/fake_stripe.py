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
    # Saved cards (core.fees): customers, the intents that saved a card, off-session charges.
    intents: dict[str, Json] = field(default_factory=dict)  # PaymentIntents by id
    setup_intents: dict[str, Json] = field(default_factory=dict)
    # payment method -> what an off-session charge on it does: "ok", "card_declined",
    # "authentication_required" (set with ``card_will``).
    card_behaviour: dict[str, str] = field(default_factory=dict)
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
        saving = s["setup_future_usage"] == "off_session"
        if saving and s["customer"] is None:
            s["customer"] = self.new_id("cus")
        self.intents[s["payment_intent"]] = {
            "id": s["payment_intent"], "object": "payment_intent", "status": "succeeded",
            "amount": s["amount_total"], "currency": s["currency"], "customer": s["customer"],
            "payment_method": self.new_id("pm"), "metadata": s["metadata"],
            "setup_future_usage": "off_session" if saving else None}
        return dict(s)

    def save_card(self, session_id: str) -> Json:
        """The customer completes a setup-mode session: a customer with a saved card."""
        s = self.sessions[session_id]
        assert s["mode"] == "setup"
        seti = self.new_id("seti")
        self.setup_intents[seti] = {"id": seti, "object": "setup_intent", "status": "succeeded",
                                    "customer": s["customer"] or self.new_id("cus"),
                                    "payment_method": self.new_id("pm"), "usage": "off_session",
                                    "metadata": s["metadata"]}
        s.update(status="complete", setup_intent=seti,
                 customer=self.setup_intents[seti]["customer"])
        return dict(s)

    def card_will(self, session_id: str, behaviour: str) -> None:
        """What charging the card saved by ``session_id`` will do from now on."""
        s = self.sessions[session_id]
        saver = (self.setup_intents[s["setup_intent"]] if s["mode"] == "setup"
                 else self.intents[s["payment_intent"]])
        self.card_behaviour[saver["payment_method"]] = behaviour

    def off_session_charges(self) -> list[Json]:
        """The PaymentIntents that moved money off-session (what the customer paid)."""
        return [i for i in self.intents.values()
                if i.get("off_session") and i["status"] == "succeeded"]

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
        if method == "POST" and path == "/v1/payment_intents":
            return self._charge(form)
        found = self._retrieve(method, path)
        if found is not None:
            return 200, found
        return 404, {"error": {"type": "invalid_request_error", "message": f"no {path}"}}

    def _retrieve(self, method: str, path: str) -> Json | None:
        kind, _, ident = path.removeprefix("/v1/").partition("/")
        store = {"payment_intents": self.intents, "setup_intents": self.setup_intents}.get(kind)
        return dict(store[ident]) if method == "GET" and store and ident in store else None

    def _charge(self, form: dict[str, str]) -> tuple[int, Json]:
        """An off-session PaymentIntent, confirmed at once, as Stripe answers it: 200 with
        status succeeded, or 402 card_error carrying the failed intent."""
        pm, customer = form["payment_method"], form["customer"]
        known = [i for i in (*self.intents.values(), *self.setup_intents.values())
                 if i.get("payment_method") == pm and i.get("customer") == customer]
        if not known:
            return 400, {"error": {"type": "invalid_request_error", "code": "resource_missing",
                                   "message": f"No such PaymentMethod: '{pm}'"}}
        pid = self.new_id("pi")
        outcome = self.card_behaviour.get(pm, "ok")
        intent = {"id": pid, "object": "payment_intent", "amount": int(form["amount"]),
                  "currency": form["currency"], "customer": customer, "payment_method": pm,
                  "off_session": form.get("off_session") == "true",
                  "confirm": form.get("confirm") == "true",
                  "metadata": _sub(form, "metadata"), "created": int(time.time()),
                  "status": "succeeded" if outcome == "ok" else "requires_payment_method",
                  "last_payment_error": None}
        self.intents[pid] = intent
        if outcome == "ok":
            return 200, intent
        message = ("This payment requires authentication." if outcome == "authentication_required"
                   else "Your card was declined.")
        error = {"type": "card_error", "code": outcome, "decline_code": outcome,
                 "message": message, "payment_method": {"id": pm, "object": "payment_method"}}
        intent["last_payment_error"] = error
        return 402, {"error": {**error, "payment_intent": intent}}

    def _create_session(self, form: dict[str, str]) -> Json:
        sid = self.new_id("cs")
        if form["mode"] == "setup":
            return self._setup_session(sid, form)
        qty = int(form.get("line_items[0][quantity]", "1"))
        session = {
            "id": sid, "object": "checkout.session", "mode": form["mode"],
            "url": f"https://checkout.stripe.test/c/pay/{sid}",
            "customer": None, "customer_creation": form.get("customer_creation"),
            "setup_intent": None,
            "setup_future_usage": form.get("payment_intent_data[setup_future_usage]"),
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

    def _setup_session(self, sid: str, form: dict[str, str]) -> Json:
        session = {
            "id": sid, "object": "checkout.session", "mode": "setup",
            "url": f"https://checkout.stripe.test/c/setup/{sid}", "amount_total": None,
            "currency": form["currency"], "customer": None,
            "customer_creation": form.get("customer_creation"), "setup_intent": None,
            "client_reference_id": form.get("client_reference_id"),
            "expires_at": int(form["expires_at"]), "created": int(time.time()),
            "metadata": _sub(form, "metadata"), "payment_intent": None,
            "payment_status": "no_payment_required", "status": "open", "livemode": False,
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
