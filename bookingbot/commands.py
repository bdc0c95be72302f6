"""What each CLI sub-command does, kept apart from argument parsing."""

from __future__ import annotations

import sys
from pathlib import Path

from bookingbot.bootstrap import database, utcnow
from bookingbot.business_file import load_business_file
from bookingbot.settings import Settings


def _err(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def db_upgrade(*, db: str | None) -> int:
    handle = database(db)
    print(f"database is up to date: {handle.engine.url.render_as_string(hide_password=True)}")
    handle.close()
    return 0


def setup(file: str, *, db: str | None, check_only: bool) -> int:
    from bookingbot.setup_flow import SetupRefused, apply, checked

    try:
        business_file = checked(lambda: load_business_file(Path(file)), Settings())
    except SetupRefused as err:
        return _err("\n".join([*err.lines, "nothing was changed"]))
    business = business_file.business
    for warning in business_file.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if check_only:
        print(f"{file}: valid ({len(business.services)} services, "
              f"{len(business.providers)} providers)")
        return 0
    handle = database(db)
    try:
        report = apply(handle.sessions, business_file, now=utcnow())
    except SetupRefused as err:
        return _err(f"{err.lines[0]} (nothing was changed)")
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
