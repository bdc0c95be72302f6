"""The ``bookingbot`` command. Each sub-command imports only what it needs."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

Handler = Callable[[argparse.Namespace], int]


def _db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", dest="db", default=None,
                   help="database URL (default: $DATABASE_URL or the embedded SQLite file)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bookingbot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("setup", help="validate a business file and load it into the database")
    p.add_argument("file")
    p.add_argument("--check", action="store_true", help="validate only; change nothing")
    _db_arg(p)

    p = sub.add_parser("db", help="database maintenance")
    p.add_argument("action", choices=["upgrade"])
    _db_arg(p)

    p = sub.add_parser("slots", help="list free slots for a service")
    p.add_argument("service")
    p.add_argument("--provider", default=None, help="provider key (default: anyone)")
    p.add_argument("--from", dest="start", default=None, help="first day, YYYY-MM-DD (today)")
    p.add_argument("--days", type=int, default=1)
    p.add_argument("--tz", default=None, help="show times in this zone (the business zone)")
    _db_arg(p)

    p = sub.add_parser("chat", help="chat with the bot in this terminal (console channel)")
    p.add_argument("--tz", default=None, help="the customer's timezone (the business zone)")
    p.add_argument("--sender", default="console-user", help="the customer's sender id")
    p.add_argument("--no-jobs", action="store_true",
                   help="do not run reminders and notifications in this process")
    _db_arg(p)

    p = sub.add_parser("parse-time", help="parse time phrases from stdin, one JSON line each")
    p.add_argument("--tz", default="UTC")
    p.add_argument("--now", default=None, help="reference instant, ISO 8601 (default: now)")
    p.add_argument("--jsonl", action="store_true", help='input lines are {"text","now","tz"}')

    p = sub.add_parser("serve", help="run the web app (webhooks, /healthz)")
    p.add_argument("--host", default="0.0.0.0")  # noqa: S104 - a server must listen publicly
    p.add_argument("--port", type=int, default=None)
    p.add_argument("--telegram-polling", action="store_true",
                   help="run Telegram by long polling (development without a public URL)")
    _db_arg(p)

    p = sub.add_parser("worker", help="run the jobs: notifications, reminders, expiry, waitlist")
    _db_arg(p)

    p = sub.add_parser("telegram", help="Telegram set-up")
    p.add_argument("action", choices=["set-webhook"],
                   help="register PUBLIC_BASE_URL/telegram/webhook with TELEGRAM_WEBHOOK_SECRET")
    p.add_argument("--drop-pending-updates", action="store_true",
                   help="discard updates Telegram queued while no webhook was set")

    p = sub.add_parser("calendar", help="providers' own calendars")
    p.add_argument("action", choices=["sync"], help="read providers' calendars now")
    p.add_argument("--provider", default=None, help="only this provider key (default: all)")
    _db_arg(p)
    return parser


def _run_setup(args: argparse.Namespace) -> int:
    from bookingbot.commands import setup

    return setup(args.file, db=args.db, check_only=args.check)


def _run_db(args: argparse.Namespace) -> int:
    from bookingbot.commands import db_upgrade

    return db_upgrade(db=args.db)


def _run_slots(args: argparse.Namespace) -> int:
    from bookingbot.commands import slots

    return slots(args.service, provider=args.provider, start=args.start, days=args.days,
                 tz=args.tz, db=args.db)


def _run_chat(args: argparse.Namespace) -> int:
    from bookingbot.commands import chat

    return chat(db=args.db, sender=args.sender, tz=args.tz, jobs=not args.no_jobs)


def _run_parse_time(args: argparse.Namespace) -> int:
    from bot.timeparse.cli import run

    argv = ["--tz", args.tz] + (["--now", args.now] if args.now else [])
    argv += ["--jsonl"] if args.jsonl else []
    return run(argv, sys.stdin, sys.stdout)


def _run_serve(args: argparse.Namespace) -> int:
    from bookingbot.web import serve

    return serve(host=args.host, port=args.port, db=args.db,
                 telegram_polling=args.telegram_polling)


def _run_worker(args: argparse.Namespace) -> int:
    from bookingbot.worker import run_worker

    return run_worker(db_url=args.db)


def _run_telegram(args: argparse.Namespace) -> int:
    from bookingbot.channels_wiring import SetupError, set_telegram_webhook
    from bookingbot.settings import Settings

    try:
        url = set_telegram_webhook(Settings(), drop_pending=args.drop_pending_updates)
    except SetupError as err:
        print(f"error: {err}", file=sys.stderr)  # noqa: T201
        return 2
    print(f"telegram webhook set: {url}")  # noqa: T201
    return 0


def _run_calendar(args: argparse.Namespace) -> int:
    from bookingbot.calendar_wiring import sync_command

    return sync_command(provider=args.provider, db_url=args.db)


HANDLERS: dict[str, Handler] = {
    "setup": _run_setup, "db": _run_db, "slots": _run_slots, "chat": _run_chat,
    "parse-time": _run_parse_time, "serve": _run_serve, "telegram": _run_telegram,
    "worker": _run_worker, "calendar": _run_calendar,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return HANDLERS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
