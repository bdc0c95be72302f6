"""Customers as the bot meets them: a journey of signed webhooks that reads each answer.

A customer (a Telegram chat or an SMS number) says hello, asks for a service on a day and
time ("book a haircut on december 15 at 10am"), picks the first time offered (a button
press on Telegram, its number by SMS), confirms, and then, depending on the customer,
lists and cancels the booking ("cancel my booking" by SMS: a bare CANCEL is a carrier
opt-out there), pays a deposit (a signed ``checkout.session.completed`` Stripe webhook for
the Checkout session the double created) or makes small talk. Each next message depends
on the bot's answer, parsed as a customer reads it, so a changed text shows up as
``unexpected`` in the report rather than as a silently shorter journey.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from load_client import (
    Sent,
    Wire,
    read_telegram,
    read_twiml,
    sms_form,
    telegram_update,
)

STRIPE_PATH = "/stripe/webhook"
_OPTION = re.compile(r"^(\d+)\) (.*)$", re.M)
_SESSION = re.compile(r"/c/pay/(cs_test_\w+)")


@dataclass(frozen=True)
class Customer:
    channel: str  # "telegram" | "sms"
    address: str  # the chat id, or the E.164 number
    plan: str  # "book", "book+cancel", "pay", "book+chat"
    day: date
    hour: int
    service: str = "haircut"


@dataclass
class Outcomes:
    """What the journeys ended in, summed over a level."""

    counts: Counter[str] = field(default_factory=Counter)
    unexpected: list[str] = field(default_factory=list)

    def note(self, what: str, text: str | None = None) -> None:
        self.counts[what] += 1
        if what == "unexpected" and text is not None and len(self.unexpected) < 5:
            self.unexpected.append(text[:160])


def customers(n: int, *, start: int, today: date, seed: int) -> list[Customer]:
    """``n`` customers numbered from ``start``: every other one by SMS, days spread over the
    next six weeks, a mix of plans (one in six pays a deposit for colour)."""
    rng = random.Random(seed)
    out = []
    for i in range(start, start + n):
        channel = "telegram" if i % 2 else "sms"
        address = str(700_000_000 + i) if channel == "telegram" else f"+1415{2_000_000 + i:07d}"
        plan = rng.choice(("book", "book+cancel", "book+chat", "book+cancel", "pay", "book"))
        service = "colour" if plan == "pay" else rng.choice(("haircut", "haircut", "beard trim"))
        out.append(Customer(channel, address, plan, today + timedelta(days=rng.randint(2, 42)),
                            rng.randint(9, 16), service))
    return out


def when(day: date, hour: int) -> str:
    suffix = "am" if hour < 12 else "pm"
    return f"{day:%B} {day.day} at {(hour - 1) % 12 + 1}{suffix}"


@dataclass
class Reading:
    """One answer as the customer sees it: the text and what can be picked."""

    text: str | None
    options: list[tuple[str, str]]  # (label, what to press or type)

    @property
    def kind(self) -> str:
        t = self.text or ""
        if t.startswith("Booked!"):
            return "booked"
        if t.startswith("Held for you"):
            return "held"
        if t.startswith("Cancelled:"):
            return "cancelled"
        if "Confirm?" in t:
            return "confirm"
        if t.startswith("Cancel ") and "?" in t:
            return "cancel?"
        if any(not _word(payload) for _, payload in self.options):
            return "offers"
        return "other" if t else "silent"


def _word(payload: str) -> bool:
    return payload.replace(" ", "").isalpha()


class Session:
    """One customer's side of the conversation over one connection."""

    def __init__(self, wire: Wire, customer: Customer, log: list[Sent], level: str) -> None:
        self.wire, self.customer, self.log, self.level = wire, customer, log, level

    def prepare(self, text: str | None = None, press: str | None = None) -> tuple[Sent, bytes]:
        """The record and bytes of the next message (built ahead of a barrier)."""
        c = self.customer
        if c.channel == "telegram":
            delivery, update = telegram_update(int(c.address), text=text, press=press)
            raw = self.wire.telegram(update)
        else:
            delivery, form = sms_form(c.address, text if text is not None else str(press))
            raw = self.wire.sms(form)
        return Sent(c.channel, c.address, delivery, text or f"[{press}]", level=self.level), raw

    async def post(self, sent: Sent, raw: bytes) -> bytes:
        """Send, time and record one request; the response body."""
        begin = time.monotonic()
        try:
            sent.status, body = await self.wire.exchange(raw)
        finally:  # a broken connection is recorded too (status 0)
            sent.latency = time.monotonic() - begin
            self.log.append(sent)
        return body

    async def send(self, sent: Sent, raw: bytes) -> Reading:
        body = await self.post(sent, raw)
        if self.customer.channel == "telegram":
            sent.text, sent.buttons = read_telegram(body)
            return Reading(sent.text, sent.buttons)
        sent.text = read_twiml(body)
        found = _OPTION.findall(sent.text or "")
        return Reading(sent.text, [(label, number) for number, label in found]
                       + [(w, w.lower()) for w in _sms_words(sent.text or "")])

    async def say(self, text: str) -> Reading:
        return await self.send(*self.prepare(text=text))

    async def choose(self, payload: str) -> Reading:
        """A button press on Telegram; the number or word typed by SMS."""
        if self.customer.channel == "telegram":
            return await self.send(*self.prepare(press=payload))
        return await self.send(*self.prepare(text=payload))


def _sms_words(text: str) -> list[str]:
    last = text.rsplit("\n", 1)[-1]
    if not last.startswith("Reply "):
        return []
    return [w for w in re.split(r", | or ", last[6:]) if w.isalpha()]


def first_slot(reading: Reading) -> str | None:
    return next((p for _, p in reading.options if not _word(p)), None)


async def book(s: Session, out: Outcomes, pay: PayFn) -> str:
    """From asking to booked (or held and paid): the journey's booking part."""
    c = s.customer
    reading = await s.say(f"book a {c.service} on {when(c.day, c.hour)}")
    for _ in range(6):  # offers -> confirm -> booked, with a retry if a slot just went
        kind = reading.kind
        if kind == "offers":
            slot = first_slot(reading)
            assert slot is not None
            reading = await s.choose(slot)
        elif kind == "confirm":
            reading = await s.choose("yes")
        elif kind == "booked":
            out.note("booked")
            return kind
        elif kind == "held":
            found = _SESSION.search(reading.text or "")
            out.note("held")
            if found and await pay(found.group(1), s):
                out.note("paid")
            return kind
        else:
            break
    out.note("unexpected", reading.text)
    return "unexpected"


PayFn = Any  # (session id, Session) -> awaitable bool: paid (the webhook answered 200)


async def journey(s: Session, out: Outcomes, pay: PayFn) -> None:
    c = s.customer
    await s.say("hi")
    if await book(s, out, pay) != "booked":
        return
    if c.plan == "book+cancel":
        await s.say("my bookings")
        reading = await s.say("cancel" if c.channel == "telegram" else "cancel my booking")
        if reading.kind == "cancel?":
            reading = await s.choose("yes")
        out.note("cancelled" if reading.kind == "cancelled" else "unexpected", reading.text)
    elif c.plan == "book+chat":
        await s.say("thanks!")
        await s.say("where are you?")


def stripe_request(session: dict[str, Any], secret: str) -> tuple[Sent, bytes]:
    """A signed ``checkout.session.completed`` for a session the double created."""
    event = {"id": f"evt_{session['id'][8:]}", "object": "event", "livemode": False,
             "type": "checkout.session.completed", "created": int(time.time()),
             "data": {"object": {
                 "id": session["id"], "object": "checkout.session", "mode": "payment",
                 "payment_status": "paid", "status": "complete",
                 "payment_intent": f"pi_{session['id'][8:]}",
                 "amount_total": session["amount_total"], "currency": session["currency"],
                 "metadata": session["metadata"]}}}
    body = json.dumps(event).encode()
    stamp = int(time.time())
    mac = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    raw = (f"POST {STRIPE_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json"
           f"\r\nStripe-Signature: t={stamp},v1={mac}\r\nContent-Length: {len(body)}\r\n"
           "\r\n").encode() + body
    return Sent("stripe", session["metadata"].get("booking_id", ""), event["id"],
                "[checkout.session.completed]"), raw
