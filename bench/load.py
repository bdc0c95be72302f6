"""Load test (issue 17): two web processes and two workers on a fresh PostgreSQL database,
many customers booking over signed Telegram and Twilio webhooks, and every reply checked.

``bookingbot serve --workers 2`` (uvicorn's supervisor, two processes on one socket) and two
``bookingbot worker`` processes run on a fresh database ``bookingbot_load_<pid>`` with
``bench/load_business.yaml``; Telegram's Bot API, Twilio's Messages API and Stripe's
Checkout are one local double in a process of its own (``load_double.py``). At each level
(1, 8 and 32 concurrent clients by default) ``--customers`` new customers, half on Telegram
and half by SMS, each walk a journey that reads the bot's answers (``load_journey.py``):
hello, "book a haircut on <day> at <time>", pick, confirm, then cancel, pay a deposit through
a signed Stripe webhook, or small talk. Then ``--race`` customers (32) ask for one slot and
pick it at the same moment (an asyncio barrier releases the picks together): exactly one
may get it. ``--hang-ups`` customers (4) are platforms that stop waiting: their "hi" is sent
and the connection closed, then the same delivery retried; the reply must still arrive once
(by the worker, after the 30 s lease: the drain time of that row). After each level the
outbox is drained (the backlog when the level stopped and the time to drain are reported);
at the end every accepted webhook's replies are accounted
for at the doubles and in the responses (``load_check.py``) and overlapping bookings are
counted with SQL. The exit status is 1 when any check fails (5xx, overlaps, duplicates,
missing replies, a race with other than one winner).

    .venv/bin/python bench/load.py [--clients 1,8,32] [--customers 96] [--race 32]
                                   [--hang-ups 4]
    make bench-load

Not part of the test suite (``tests/hardening/test_load_bench.py`` runs it tiny and
asserts the checks, never the timings).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from load_check import Tally, account, backlog_detail, booking_counts, drain, overlaps
from load_client import Sent, Wire
from load_journey import (
    Customer,
    Outcomes,
    Session,
    customers,
    journey,
    stripe_request,
    when,
)
from load_stack import STRIPE_WEBHOOK_SECRET, Stack, running

ZONE = ZoneInfo("America/New_York")  # the business's zone: customers say times in it


@dataclass
class Level:
    label: str
    clients: int
    seconds: float = 0.0
    requests: int = 0
    rate: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors_5xx: int = 0
    bookings: int = 0
    overlaps: int = 0
    backlog_at_stop: int = 0
    backlog_detail: dict[str, int] = field(default_factory=dict)
    left_after_drain: int = 0
    drain_s: float = 0.0
    load: tuple[float, float] = (0.0, 0.0)
    outcomes: dict[str, int] = field(default_factory=dict)
    unexpected: list[str] = field(default_factory=list)
    tally: dict[str, Any] = field(default_factory=dict)


def _pct(latencies: list[float], q: float) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def _payer(stack: Stack, paid: list[str]) -> Any:
    async def pay(session_id: str, s: Session) -> bool:
        sessions = await asyncio.to_thread(stack.double.sessions)
        session = next((x for x in sessions if x["id"] == session_id), None)
        if session is None:
            return False
        sent, raw = stripe_request(session, STRIPE_WEBHOOK_SECRET)
        sent.level = s.level
        await s.post(sent, raw)
        if sent.status == 200:
            paid.append(session["metadata"]["booking_id"])
        return sent.status == 200
    return pay


async def _drive(stack: Stack, level: Level, cs: list[Customer], log: list[Sent],
                 out: Outcomes, pay: Any) -> None:
    queue = list(reversed(cs))

    async def client() -> None:
        wire = Wire(stack.port, stack.public)
        try:
            while queue:
                customer = queue.pop()
                try:
                    await journey(Session(wire, customer, log, level.label), out, pay)
                except (OSError, asyncio.IncompleteReadError, AssertionError) as exc:
                    out.note("client error", repr(exc))
                    await wire.close()
        finally:
            await wire.close()

    await asyncio.gather(*(client() for _ in range(level.clients)))


def finish(stack: Stack, level: Level, mine: list[Sent], out: Outcomes, begin: float,
           load0: float) -> None:
    """The level's figures once its load has stopped: backlog, drain, overlaps."""
    level.seconds = time.monotonic() - begin
    level.backlog_detail = backlog_detail(stack.dsn)
    level.backlog_at_stop = sum(level.backlog_detail.values())
    level.left_after_drain, level.drain_s = drain(stack.dsn)
    level.requests = len(mine)
    level.rate = len(mine) / level.seconds if level.seconds else 0.0
    latencies = [s.latency for s in mine]
    level.p50_ms, level.p99_ms = _pct(latencies, 0.5), _pct(latencies, 0.99)
    level.errors_5xx = sum(1 for s in mine if s.status >= 500 or s.status == 0)
    level.bookings = out.counts["booked"] + out.counts["paid"]
    level.overlaps = overlaps(stack.dsn)
    level.outcomes = dict(out.counts)
    level.unexpected = out.unexpected
    level.load = (load0, os.getloadavg()[0])


def run_level(stack: Stack, clients: int, cs: list[Customer], log: list[Sent],
              paid: list[str]) -> Level:
    level = Level(f"x{clients}", clients)
    out = Outcomes()
    before, load0, begin = len(log), os.getloadavg()[0], time.monotonic()
    asyncio.run(_drive(stack, level, cs, log, out, _payer(stack, paid)))
    finish(stack, level, log[before:], out, begin, load0)
    return level


def race_day(today: date) -> date:
    """A Tuesday seven weeks out: Alex works at 10:00 and no journey asks for that week."""
    day = today + timedelta(days=49)
    return day + timedelta(days=(1 - day.weekday()) % 7)


async def _race(stack: Stack, racers: list[Customer], log: list[Sent], out: Outcomes,
                label: str) -> dict[str, int]:
    sessions = [Session(Wire(stack.port, stack.public), c, log, label) for c in racers]
    ask = f"book a haircut with alex on {when(racers[0].day, 10)}"
    readings = await asyncio.gather(*(s.say(ask) for s in sessions))
    picks = [next((p for lab, p in r.options if "10:00 AM" in lab), None) for r in readings]
    ready = [(s, s.prepare(press=p) if s.customer.channel == "telegram" else s.prepare(text=p))
             for s, p in zip(sessions, picks, strict=True) if p is not None]
    barrier = asyncio.Barrier(len(ready) + 1)

    async def pick(s: Session, sent: Sent, raw: bytes) -> str:
        await s.wire.open()
        await barrier.wait()  # every pick leaves at once
        return (await s.send(sent, raw)).kind

    tasks = [asyncio.create_task(pick(s, *prepared)) for s, prepared in ready]
    await barrier.wait()
    kinds = await asyncio.gather(*tasks)
    won = [s for (s, _), kind in zip(ready, kinds, strict=True) if kind == "confirm"]
    confirmed = [await s.choose("yes") for s in won]
    for s in sessions:
        await s.wire.close()
    out.counts["booked"] = sum(1 for r in confirmed if r.kind == "booked")
    return {"racers": len(racers), "offered the slot": len(ready), "held it": len(won),
            "booked": out.counts["booked"]}


def run_race(stack: Stack, n: int, log: list[Sent], today: date) -> tuple[Level, dict[str, int]]:
    day = race_day(today)
    racers = [Customer("telegram" if i % 2 else "sms",
                       str(800_000_000 + i) if i % 2 else f"+1415{3_000_000 + i:07d}",
                       "race", day, 10) for i in range(n)]
    level = Level(f"race x{n}", n)
    out = Outcomes()
    before, load0, begin = len(log), os.getloadavg()[0], time.monotonic()
    result = asyncio.run(_race(stack, racers, log, out, level.label))
    finish(stack, level, log[before:], out, begin, load0)
    start = datetime(day.year, day.month, day.day, 10, tzinfo=ZONE).astimezone(UTC)
    with psycopg.connect(stack.dsn) as conn:
        row = conn.execute("SELECT count(*) FROM bookings WHERE provider_key = 'alex' AND "
                           "start_at = %s AND status IN ('held', 'confirmed')",
                           (start,)).fetchone()
    result["bookings on the slot"] = int(row[0]) if row else -1
    return level, result


HUNG_UP = -1  # the status recorded for a request the client hung up on (not a 5xx)


async def _hang_ups(stack: Stack, callers: list[Customer], log: list[Sent], label: str) -> None:
    """Each caller's "hi" is sent and the connection closed at once, as a platform that
    stopped waiting; a second later the platform retries the same delivery."""
    for c in callers:
        s = Session(Wire(stack.port, stack.public), c, log, label)
        sent, raw = s.prepare(text="hi")
        _, writer = await asyncio.open_connection("127.0.0.1", stack.port)
        writer.write(raw)
        await writer.drain()
        writer.close()
        log.append(Sent(sent.channel, sent.address, sent.delivery, "hi (hung up)",
                        status=HUNG_UP, level=label))
        await asyncio.sleep(1.0)
        await s.send(sent, raw)  # the retry: a duplicate, answered with nothing
        await s.wire.close()


def run_hang_ups(stack: Stack, n: int, log: list[Sent]) -> Level:
    callers = [Customer("telegram" if i % 2 else "sms",
                        str(900_000_000 + i) if i % 2 else f"+1415{4_000_000 + i:07d}",
                        "hang-up", datetime.now(ZONE).date(), 10) for i in range(n)]
    level = Level(f"hang-up x{n}", 1)
    before, load0, begin = len(log), os.getloadavg()[0], time.monotonic()
    asyncio.run(_hang_ups(stack, callers, log, level.label))
    finish(stack, level, [s for s in log[before:] if s.status != HUNG_UP], Outcomes(), begin,
           load0)
    return level


def report(levels: list[Level], rest: Tally, race: dict[str, int] | None,
           totals: dict[str, int], loads: tuple[float, float]) -> None:
    print(f"\nload test: serve --workers 2 + 2 workers, PostgreSQL; machine load "
          f"{loads[0]:.1f} at start, {loads[1]:.1f} at end (os.getloadavg, 1 min)")
    head = ("level", "req", "req/s", "p50 ms", "p99 ms", "5xx", "bookings", "overlaps",
            "dup", "missing", "backlog", "drain s", "load")
    print(" | ".join(f"{h:>8}" for h in head))
    for lv in levels:
        cells = (lv.label, lv.requests, f"{lv.rate:.1f}", f"{lv.p50_ms:.1f}",
                 f"{lv.p99_ms:.1f}", lv.errors_5xx, lv.bookings, lv.overlaps,
                 lv.tally.get("duplicates", 0), lv.tally.get("missing", 0),
                 lv.backlog_at_stop, f"{lv.drain_s:.1f}",
                 f"{lv.load[0]:.1f}-{lv.load[1]:.1f}")
        print(" | ".join(f"{c!s:>8}" for c in cells))
    for lv in levels:
        print(f"  {lv.label}: outcomes {lv.outcomes}; accepted {lv.tally.get('accepted')}, "
              f"refused {lv.tally.get('refused')}; replies in the response "
              f"{lv.tally.get('in_response')}, Bot API "
              f"messages after it {lv.tally.get('by_bot_api')}, sent by the worker "
              f"{lv.tally.get('by_worker')}; backlog at stop {lv.backlog_detail or 0}, "
              f"{lv.left_after_drain} left after the drain")
        for text in lv.unexpected + lv.tally.get("notes", []):
            print(f"    {text}")
    print(f"  other notifications (payments, notices): {rest.accepted} sent and at the "
          f"double; duplicates {rest.duplicates}, missing {rest.missing}")
    for text in rest.notes:
        print(f"    {text}")
    if race is not None:
        print(f"  race: {race}")
    print(f"  bookings by status at the end: {totals}")


def failures(levels: list[Level], rest: Tally, race: dict[str, int] | None,
             paid_unconfirmed: int) -> list[str]:
    bad = [f"{lv.label}: {what} {n}" for lv in levels for what, n in (
        ("5xx", lv.errors_5xx), ("overlaps", lv.overlaps),
        ("duplicates", lv.tally.get("duplicates", 0)), ("missing", lv.tally.get("missing", 0)),
        ("left after drain", lv.left_after_drain),
        ("client errors", lv.outcomes.get("client error", 0))) if n]
    bad += [f"notifications: {what} {n}" for what, n in
            (("duplicates", rest.duplicates), ("missing", rest.missing)) if n]
    if race is not None and (race["booked"] != 1 or race["bookings on the slot"] != 1):
        bad.append(f"race: {race}")
    if paid_unconfirmed:
        bad.append(f"paid but not confirmed: {paid_unconfirmed}")
    return bad


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="1,8,32", help="concurrent clients per level")
    parser.add_argument("--customers", type=int, default=96, help="new customers per level")
    parser.add_argument("--race", type=int, default=32, help="customers racing for one slot")
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                        help="the PostgreSQL server (a database is created on it and dropped)")
    parser.add_argument("--hang-ups", type=int, default=4,
                        help="customers whose platform hangs up before the answer, then retries")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    loads = [os.getloadavg()[0]]
    today = datetime.now(ZONE).date()
    log: list[Sent] = []
    paid: list[str] = []
    with running(args.pg) as stack:
        levels, first = [], 0
        for clients in (int(c) for c in args.clients.split(",")):
            cs = customers(args.customers, start=first, today=today, seed=args.seed + first)
            first += args.customers
            levels.append(run_level(stack, clients, cs, log, paid))
            print(f"{levels[-1].label}: {levels[-1].requests} requests in "
                  f"{levels[-1].seconds:.1f} s", flush=True)
        if args.hang_ups:
            levels.append(run_hang_ups(stack, args.hang_ups, log))
        race = None
        if args.race:
            level, race = run_race(stack, args.race, log, today)
            levels.append(level)
        tallies, rest = account(stack.dsn, log, stack.double.messages())
        for lv in levels:
            lv.tally = asdict(tallies[lv.label])
        totals = dict(booking_counts(stack.dsn))
        with psycopg.connect(stack.dsn) as conn:
            unconfirmed = sum(1 for b in paid if (conn.execute(
                "SELECT status FROM bookings WHERE id = %s", (b,)).fetchone() or ("",))[0]
                != "confirmed")
        errors = stack.errors()
        dead = stack.alive()
    loads.append(os.getloadavg()[0])
    report(levels, rest, race, totals, (loads[0], loads[1]))
    print(f"  paid deposits {len(paid)}, not confirmed after the drain {unconfirmed}; "
          f"error lines in the logs {errors}")
    bad = failures(levels, rest, race, unconfirmed) + [f"{d} died" for d in dead]
    print("checks: " + ("all passed" if not bad else "FAILED: " + "; ".join(bad)))
    if args.json:
        args.json.write_text(json.dumps({
            "levels": [asdict(lv) for lv in levels], "race": race, "rest": asdict(rest),
            "paid": len(paid), "paid_unconfirmed": unconfirmed, "bookings": totals,
            "errors": errors, "load": loads, "failures": bad}, indent=1))
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
