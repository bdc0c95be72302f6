"""What each CLI sub-command does, kept apart from argument parsing."""

from __future__ import annotations

import sys
from pathlib import Path

from bookingbot.bootstrap import database, utcnow
from bookingbot.business_file import BusinessFileError, load_business_file
from bookingbot.calendar_wiring import missing_calendar_secrets
from bookingbot.payments_wiring import check_payment_config
from bookingbot.settings import Settings
from core.errors import DomainError


def _err(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def db_upgrade(*, db: str | None) -> int:
    handle = database(db)
    print(f"database is up to date: {handle.engine.url.render_as_string(hide_password=True)}")
    handle.close()
    return 0


def setup(file: str, *, db: str | None, check_only: bool) -> int:
    from db.catalog import sync_business

    settings = Settings()
    try:
        business, raw = load_business_file(Path(file))
    except BusinessFileError as err:
        # Setup's own checks run on what could be read, so every problem shows in one run.
        more = check_payment_config(err.partial, settings) if err.partial else []
        return _err("\n".join([str(err), *more, "nothing was changed"]))
    problems = check_payment_config(business, settings)
    if problems:
        return _err("\n".join(problems) + "\nnothing was changed")
    for warning in missing_calendar_secrets(business, settings):
        print(f"warning: {warning}", file=sys.stderr)
    if check_only:
        print(f"{file}: valid ({len(business.services)} services, "
              f"{len(business.providers)} providers)")
        return 0
    handle = database(db)
    try:
        with handle.sessions.begin() as session:
            report = sync_business(session, business, raw_text=raw, now=utcnow())
    except DomainError as err:
        return _err(f"{err.message} (nothing was changed)")
    finally:
        handle.close()
    print(f"loaded {business.name!r} into {handle.engine.url.render_as_string(hide_password=True)}")
    for label, keys in (("created", report.created), ("updated", report.updated),
                        ("deactivated", report.deactivated)):
        if keys:
            print(f"  {label}: {', '.join(keys)}")
    if not report.changed:
        print("  nothing changed")
    return 0


def chat(*, db: str | None, sender: str, tz: str | None, jobs: bool) -> int:
    from bookingbot.chat import run_chat

    return run_chat(db_url=db, sender_id=sender, tz=tz, stdin=sys.stdin, stdout=sys.stdout,
                    jobs=jobs)
