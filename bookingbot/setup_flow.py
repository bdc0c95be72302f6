"""Checking and applying a business file: the one path ``bookingbot setup`` and the web
admin's settings page both take, so a file is judged and loaded the same way from either.

``checked`` runs the business-file validator (every problem as ``file:line: key.path:
message``) and setup's own checks on top (payment configuration); ``apply`` loads it in one
transaction (``db.catalog.sync_business``), which refuses to drop what still has future
bookings. Nothing is changed unless both pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bookingbot.business_file import BusinessFileError
from bookingbot.calendar_wiring import missing_calendar_secrets
from bookingbot.payments_wiring import check_payment_config
from bookingbot.settings import Settings
from core.errors import DomainError
from core.model import Business
from db.catalog import SyncReport, sync_business
from db.tables import BusinessRow, table_of


class SetupRefused(Exception):
    """The file was not applied; ``lines`` say why, one problem a line."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Checked:
    business: Business
    raw: str
    warnings: list[str]


def checked(load: Callable[[], tuple[Business, str]], settings: Settings) -> Checked:
    try:
        business, raw = load()
    except BusinessFileError as err:
        # Setup's own checks run on what could be read, so every problem shows in one run.
        more = check_payment_config(err.partial, settings) if err.partial else []
        raise SetupRefused([*str(err).splitlines(), *more]) from None
    problems = check_payment_config(business, settings)
    if problems:
        raise SetupRefused(problems)
    return Checked(business, raw, missing_calendar_secrets(business, settings))


def apply(sessions: sessionmaker[Session], file: Checked, *, now: datetime) -> SyncReport:
    try:
        with sessions.begin() as session:
            return sync_business(session, file.business, raw_text=file.raw, now=now)
    except DomainError as err:
        raise SetupRefused([err.message]) from None


def current_text(sessions: sessionmaker[Session]) -> str | None:
    """The business file as last applied (its text, comments and all)."""
    row = table_of(BusinessRow)
    with sessions() as s:
        return s.execute(select(row.c.raw_text).where(row.c.id == 1)).scalar_one_or_none()
