"""Time per signed Twilio webhook (SMS and WhatsApp), next to the conversation alone.

The whole web path in-process (httpx's ASGI transport, no sockets): read the form, verify
``X-Twilio-Signature`` with the SDK's RequestValidator, keywords and opt-out, the WhatsApp
window record, the reply router and runner on SQLite, TwiML out. Anchors in the same run:
the same dialogue straight into ``handler`` (what bench/message_bench.py measures), and one
signature check alone. The difference between a channel line and the anchor is what the
Twilio layer costs per message.
Usage: .venv/bin/python bench/twilio_webhook_bench.py [rounds]
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx
from pydantic import SecretStr
from twilio.request_validator import RequestValidator

from bookingbot.bootstrap import Database, database
from bookingbot.business_file import load_business_file
from bookingbot.channels_wiring import SqlOptOuts, build_handler, build_mounts
from bookingbot.chat import DEMO, make_runner
from bookingbot.settings import Settings
from bookingbot.web import build_app
from bot.messages import InboundMessage
from channels.http_guard import RateLimiter
from db.catalog import sync_business

TOKEN = "bench-auth-token-0123456789abcdef"
PUBLIC = "https://bookings.example.com"
DIALOGUE = ["hi", "haircut tomorrow afternoon", "more", "1", "no", "fri 10:30", "start over",
            "my bookings", "I'm in London", "cancel my booking"]  # "cancel" alone: SMS opt-out
USERS = 5


def setup(url: str) -> Database:
    db = database(url)
    business, raw = load_business_file(DEMO)
    with db.sessions() as s, s.begin():
        sync_business(s, business, raw_text=raw, now=datetime.now(UTC))
    return db


def form(text: str, sender: str) -> dict[str, str]:
    sid = "SM" + uuid.uuid4().hex
    return {"MessageSid": sid, "SmsSid": sid, "AccountSid": "AC" + "0" * 32, "From": sender,
            "To": "+14155550100", "Body": text, "NumMedia": "0", "ApiVersion": "2010-04-01"}


async def webhooks(db: Database, path: str, senders: list[str], rounds: int) -> list[float]:
    settings = Settings(_env_file=None, twilio_account_sid="AC1",  # type: ignore[call-arg]
                        twilio_auth_token=SecretStr(TOKEN), twilio_from_number="+14155550100",
                        twilio_whatsapp_from="+14155238886", public_base_url=PUBLIC)
    handler = build_handler(db, make_runner(db))
    app = build_app(db, mounts=build_mounts(settings, handler=handler, opt_outs=SqlOptOuts(db),
                                            limiter=RateLimiter(limit=10**9), db=db))
    validator = RequestValidator(TOKEN)
    timings = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://testserver") as client:
        for i in range(rounds):
            for text in DIALOGUE:
                params = form(text, senders[i % USERS])
                headers = {"X-Twilio-Signature":
                           validator.compute_signature(PUBLIC + path, params)}
                start = time.perf_counter()
                response = await client.post(path, data=params, headers=headers)
                timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, response.text
                assert "<Message>" in response.text, response.text  # answered, not silent
    return timings[len(DIALOGUE):]  # the first loop warms caches and pools


def direct(db: Database, rounds: int) -> list[float]:
    handler = build_handler(db, make_runner(db))
    timings = []
    for i in range(rounds):
        for text in DIALOGUE:
            msg = InboundMessage("bench", f"user{i % USERS}", str(uuid.uuid4()),
                                 datetime.now(UTC), text=text)
            start = time.perf_counter()
            handler(msg)
            timings.append((time.perf_counter() - start) * 1000)
    return timings[len(DIALOGUE):]


def signature_us(n: int = 2000) -> float:
    validator = RequestValidator(TOKEN)
    params = form("haircut tomorrow afternoon", "whatsapp:+447911123456")
    sig = validator.compute_signature(PUBLIC + "/twilio/whatsapp", params)
    start = time.perf_counter()
    for _ in range(n):
        assert validator.validate(PUBLIC + "/twilio/whatsapp", params, sig)
    return (time.perf_counter() - start) / n * 1e6


def report(name: str, ms: list[float], anchor: float | None = None) -> None:
    p99 = statistics.quantiles(ms, n=100)[98]
    ratio = f" x{statistics.median(ms) / anchor:.2f} of direct" if anchor else ""
    print(f"{name:18s} messages={len(ms):5d} median={statistics.median(ms):6.2f} ms "
          f"p99={p99:6.2f} ms{ratio}")


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    with tempfile.TemporaryDirectory() as tmp:
        runs = {}
        for name in ("direct", "sms", "whatsapp"):
            db = setup(f"sqlite:///{Path(tmp) / name}.db")
            try:
                if name == "direct":
                    runs[name] = direct(db, rounds)
                else:
                    path = f"/twilio/{name}"
                    prefix = "whatsapp:" if name == "whatsapp" else ""
                    senders = [f"{prefix}+4479111234{u:02d}" for u in range(USERS)]
                    runs[name] = asyncio.run(webhooks(db, path, senders, rounds))
            finally:
                db.close()
    anchor = statistics.median(runs["direct"])
    report("sqlite direct", runs["direct"])
    report("sqlite sms webhook", runs["sms"], anchor)
    report("sqlite whatsapp", runs["whatsapp"], anchor)
    print(f"signature check    {signature_us():.1f} us (RequestValidator.validate)")


if __name__ == "__main__":
    main()
