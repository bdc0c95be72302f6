"""bookingbot: customers book, reschedule and cancel by chat; providers run their day from Slack.

Start with `bookingbot setup examples/business.yaml` and `bookingbot chat`; in production run
`bookingbot serve` (the web app) and `bookingbot worker` (the jobs). Each command has its own
--help. Errors are one line on stderr with a non-zero exit status (2: fix the request,
1: the command could not do its work); --debug shows the traceback of an unexpected one.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version

from bookingbot.cli_errors import run_guarded

Handler = Callable[[argparse.Namespace], int]
DESCRIPTION, _, EPILOG = (__doc__ or "").partition("\n\n")


def _version() -> str:
    try:
        return version("bookingbot")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def _positive(text: str) -> int:
    value = int(text) if text.isdigit() else 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return value


def _db_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", dest="db", default=None, metavar="URL",
                   help="database URL (default: $DATABASE_URL or the embedded SQLite file)")


def _common() -> argparse.ArgumentParser:
    """Options every sub-command also accepts after its name."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the traceback of an unexpected error")
    return common


def _command(sub: argparse._SubParsersAction[argparse.ArgumentParser], name: str, text: str,
             *, details: str = "") -> argparse.ArgumentParser:
    return sub.add_parser(name, help=text, description=f"{text[0].upper()}{text[1:]}."
                          + (f" {details}" if details else ""), parents=[_common()])


def _admin_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = _command(sub, "admin", "web admin accounts (/admin, served by `bookingbot serve`)")
    p.add_argument("action", choices=["add-user"], help="add-user: create a staff account")
    p.add_argument("email", help="the account's e-mail address (its login)")
    p.add_argument("--role", required=True, choices=["owner", "manager", "provider"],
                   help="owner: everything; manager: all but accounts and settings; "
                        "provider: own agenda and customers")
    p.add_argument("--provider", default=None, metavar="KEY",
                   help="the provider key a provider account belongs to")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of stdin (default: prompt)")
    _db_arg(p)


def _links_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = _command(sub, "links", "print each service's entry links (Telegram, SMS, WhatsApp)",
                 details="The links that open a chat with a service (and provider) already "
                         "chosen, as the admin's Entry points page shows them.")
    p.add_argument("--qr", dest="qr_dir", default=None, metavar="DIR",
                   help="also write each link's QR code into DIR (SVG and PNG)")
    _db_arg(p)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bookingbot", description=DESCRIPTION,
                                     epilog=EPILOG.strip(), parents=[_common()])
    parser.add_argument("--version", action="version", version=f"bookingbot {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = _command(sub, "setup", "validate a business file and load it into the database",
                 details="Every problem is reported at once; nothing changes unless all is well. "
                         "Re-running after an edit updates by key.")
    p.add_argument("file", help="the business file (YAML, or TOML ending in .toml)")
    p.add_argument("--check", action="store_true", help="validate only; change nothing")
    _db_arg(p)

    p = _command(sub, "db", "database maintenance")
    p.add_argument("action", choices=["upgrade"], help="upgrade: apply the migrations")
    _db_arg(p)

    p = _command(sub, "slots", "list free slots for a service, as the bot would offer them")
    p.add_argument("service", help='service key, name or alias, any case ("Beard Trim")')
    p.add_argument("--provider", default=None, metavar="KEY",
                   help="provider key or name (default: anyone)")
    p.add_argument("--from", dest="start", default=None, metavar="DATE",
                   help="first day, YYYY-MM-DD (today)")
    p.add_argument("--days", type=int, default=1, metavar="N", help="how many days (1)")
    p.add_argument("--tz", default=None, metavar="ZONE",
                   help="show times in this zone (the business zone)")
    _db_arg(p)

    p = _command(sub, "chat", "chat with the bot in this terminal (console channel)",
                 details="Messages for other people (other customers, providers) are shown "
                         "labelled with their recipient.")
    p.add_argument("--tz", default=None, metavar="ZONE",
                   help="the customer's timezone (the business zone)")
    p.add_argument("--sender", default="console-user", help="the customer's sender id")
    p.add_argument("--no-jobs", action="store_true",
                   help="do not run reminders and notifications in this process")
    _db_arg(p)

    p = _command(sub, "parse-time", "parse time phrases from stdin, one JSON line each")
    p.add_argument("--tz", default="UTC", metavar="ZONE", help="the zone phrases are read in (UTC)")
    p.add_argument("--now", default=None, help="reference instant, ISO 8601 (default: now)")
    p.add_argument("--lang", default=None, help="en, es, de, fr, pt (default: detect)")
    p.add_argument("--locale", default=None, help="customer locale or country: en-US, en-IN, BR")
    p.add_argument("--jsonl", action="store_true",
                   help='input lines are {"text","now","tz","lang","locale"}')

    p = _command(sub, "serve", "run the web app (webhooks, /healthz)")
    p.add_argument("--host", default=None,
                   help="address to listen on (default: 127.0.0.1, or 0.0.0.0 when $PORT is "
                        "set, as on a platform that routes to it)")
    p.add_argument("--port", type=int, default=None, help="port (default: $PORT)")
    p.add_argument("--telegram-polling", action="store_true",
                   help="run Telegram by long polling (development without a public URL)")
    p.add_argument("--workers", type=_positive, default=1, metavar="N",
                   help="web processes on one socket (uvicorn's supervisor; default 1)")
    _db_arg(p)

    p = _command(sub, "worker", "run the jobs: notifications, reminders, expiry, waitlist",
                 details="Prints which sweeps run, how often, and which senders are on.")
    _db_arg(p)

    p = _command(sub, "customer", "export or erase one customer's data",
                 details="export prints everything held about them as JSON; erase anonymises "
                         "name, phone, chat handle and message texts (bookings and payments "
                         "keep their totals).")
    p.add_argument("action", choices=["export", "erase"])
    p.add_argument("ref", metavar="ID-OR-PHONE",
                   help="customer id, E.164 phone number or chat handle")
    _db_arg(p)

    _admin_parser(sub)

    p = _command(sub, "telegram", "Telegram set-up")
    p.add_argument("action", choices=["set-webhook"],
                   help="set-webhook: register PUBLIC_BASE_URL/telegram/webhook with "
                        "TELEGRAM_WEBHOOK_SECRET")
    p.add_argument("--drop-pending-updates", action="store_true",
                   help="discard updates Telegram queued while no webhook was set")

    _links_parser(sub)

    p = _command(sub, "calendar", "providers' own calendars")
    p.add_argument("action", choices=["sync"], help="sync: read providers' calendars now")
    p.add_argument("--provider", default=None, metavar="KEY",
                   help="only this provider key (default: all)")
    _db_arg(p)
    return parser


def _run_setup(args: argparse.Namespace) -> int:
    from bookingbot.commands import setup

    return setup(args.file, db=args.db, check_only=args.check)


def _run_db(args: argparse.Namespace) -> int:
    from bookingbot.commands import db_upgrade

    return db_upgrade(db=args.db)


def _run_slots(args: argparse.Namespace) -> int:
    from bookingbot.slots_command import slots

    return slots(args.service, provider=args.provider, start=args.start, days=args.days,
                 tz=args.tz, db=args.db)


def _run_chat(args: argparse.Namespace) -> int:
    from bookingbot.commands import chat

    return chat(db=args.db, sender=args.sender, tz=args.tz, jobs=not args.no_jobs)


def _run_parse_time(args: argparse.Namespace) -> int:
    from bot.timeparse.cli import run

    argv = ["--tz", args.tz] + (["--now", args.now] if args.now else [])
    argv += ["--lang", args.lang] if args.lang else []
    argv += ["--locale", args.locale] if args.locale else []
    argv += ["--jsonl"] if args.jsonl else []
    return run(argv, sys.stdin, sys.stdout)


def listen_host(given: str | None, env: Mapping[str, str]) -> str:
    """Loopback unless told otherwise: a platform that sets $PORT (the Procfile's web line)
    routes to every interface; a developer's laptop should not expose the webhooks."""
    return given or ("0.0.0.0" if env.get("PORT") else "127.0.0.1")  # noqa: S104


def _run_serve(args: argparse.Namespace) -> int:
    from bookingbot.web import serve

    return serve(host=listen_host(args.host, os.environ), port=args.port, db=args.db,
                 telegram_polling=args.telegram_polling, workers=args.workers)


def _run_worker(args: argparse.Namespace) -> int:
    from bookingbot.worker import run_worker

    return run_worker(db_url=args.db)


def _run_customer(args: argparse.Namespace) -> int:
    from bookingbot.customer_command import customer

    return customer(args.action, args.ref, db=args.db)


def _run_admin(args: argparse.Namespace) -> int:
    from bookingbot.admin_wiring import add_user

    return add_user(args.email, role=args.role, provider=args.provider,
                    password_stdin=args.password_stdin, db=args.db)


def _run_telegram(args: argparse.Namespace) -> int:
    from bookingbot.channels_wiring import set_telegram_webhook
    from bookingbot.settings import Settings

    # A SetupError (missing settings) or no network ends as one line (bookingbot.cli_errors).
    url = set_telegram_webhook(Settings(), drop_pending=args.drop_pending_updates)
    print(f"telegram webhook set: {url}")  # noqa: T201
    return 0


def _run_calendar(args: argparse.Namespace) -> int:
    from bookingbot.calendar_wiring import sync_command

    return sync_command(provider=args.provider, db_url=args.db)


def _run_links(args: argparse.Namespace) -> int:
    from bookingbot.links_command import links

    return links(db=args.db, qr_dir=args.qr_dir)


HANDLERS: dict[str, Handler] = {
    "setup": _run_setup, "db": _run_db, "slots": _run_slots, "chat": _run_chat,
    "parse-time": _run_parse_time, "serve": _run_serve, "telegram": _run_telegram,
    "worker": _run_worker, "calendar": _run_calendar, "customer": _run_customer,
    "admin": _run_admin, "links": _run_links,
}


# Long-running processes log at INFO; one-shot commands only say what went wrong (their
# output is for a person), unless LOG_LEVEL says otherwise. Same configuration for all.
_SERVICES = frozenset({"serve", "worker"})


def main(argv: Sequence[str] | None = None) -> int:
    from bookingbot.logs import configure

    args = _parser().parse_args(argv)
    configure(None if args.command in _SERVICES or os.environ.get("LOG_LEVEL") else "WARNING")
    return run_guarded(lambda: HANDLERS[args.command](args),
                       debug=getattr(args, "debug", False))


if __name__ == "__main__":
    sys.exit(main())
