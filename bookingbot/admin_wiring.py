"""The web admin's wiring (``admin`` is handed its stores here) and ``bookingbot admin``."""

from __future__ import annotations

import getpass
import logging
import secrets
import sys
from datetime import datetime
from typing import TextIO

from starlette.routing import Mount

from admin.app import build_admin
from admin.passwords import hash_password, password_problem
from admin.ports import AdminDeps, BusinessChange
from bookingbot.bootstrap import Database, database, utcnow
from bookingbot.business_file import parse_business
from bookingbot.channels_wiring import sms_state
from bookingbot.cli_errors import CommandError
from bookingbot.customer_command import customer_data
from bookingbot.entry_wiring import ChannelDirectory
from bookingbot.payments_wiring import (
    Clock,
    build_payment_gateway,
    canceller,
    fee_charger,
    payments_uow,
)
from bookingbot.settings import Settings
from bookingbot.setup_flow import SetupRefused, apply, checked, current_text
from channels.mount import ChannelMount
from core.staff import Role, account_problem
from db.admin_queries import SqlAdminQueries, SqlWalkinCustomers
from db.provider_queries import SqlProviderQueries
from db.report_queries import SqlReportQueries
from db.staff import DuplicateAccount, SqlStaffStore

log = logging.getLogger(__name__)


class AdminBusinessDesk:
    """``admin.ports.BusinessDesk`` over ``bookingbot.setup_flow``: setup's own path."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    def current_text(self) -> str | None:
        return current_text(self.db.sessions)

    def apply_text(self, text: str, *, source: str, now: datetime) -> BusinessChange:
        try:
            file = checked(lambda: (parse_business(text, source=source), text), self.settings)
            report = apply(self.db.sessions, file, now=now)
        except SetupRefused as err:
            return BusinessChange(False, problems=tuple(err.lines))
        return BusinessChange(True, warnings=tuple(file.warnings),
                              created=tuple(report.created), updated=tuple(report.updated),
                              deactivated=tuple(report.deactivated))


def admin_deps(db: Database, settings: Settings, *, clock: Clock = utcnow) -> AdminDeps:
    if settings.admin_secret is not None:
        secret = settings.admin_secret.get_secret_value().encode()
    else:
        log.warning("ADMIN_SECRET is not set: admin sessions end when this process stops")
        secret = secrets.token_bytes(32)
    gateway = build_payment_gateway(settings)
    return AdminDeps(staff=SqlStaffStore(db.sessions), uow=db.uow_factory(),
                     queries=SqlProviderQueries(clock=clock), clock=clock, secret=secret,
                     lists=SqlAdminQueries(db.sessions), payments=payments_uow(db),
                     cancel=canceller(db, gateway), customer_data=customer_data(db),
                     walkin=SqlWalkinCustomers(db.sessions),
                     sms_configured=sms_state(settings).on,
                     reports=SqlReportQueries(db.sessions),
                     business_file=AdminBusinessDesk(db, settings),
                     charge_fees=fee_charger(db, gateway, clock),
                     addresses=ChannelDirectory(settings))


def admin_mount(db: Database, settings: Settings, *, clock: Clock = utcnow) -> ChannelMount:
    deps = admin_deps(db, settings, clock=clock)
    return ChannelMount("admin", (Mount("/admin", app=build_admin(deps)),))


def _read_password(stdin: TextIO, *, from_stdin: bool) -> str:
    if from_stdin:
        return stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise CommandError("the two passwords differ")
    return first


def add_user(email: str, *, role: str, provider: str | None, password_stdin: bool,
             db: str | None, stdin: TextIO = sys.stdin) -> int:
    if "@" not in email or len(email) > 254:
        raise CommandError(f"{email!r} is not an e-mail address")
    handle = database(db)
    try:
        with handle.uow() as uow:
            keys = frozenset(p.key for p in uow.business().providers)
        problem = account_problem(Role(role), provider, keys)
        if problem:
            raise CommandError(problem)
        password = _read_password(stdin, from_stdin=password_stdin)
        if (weak := password_problem(password)) is not None:
            raise CommandError(weak)
        try:
            account = SqlStaffStore(handle.sessions).add(
                email=email, role=Role(role), provider_key=provider,
                password_hash=hash_password(password), now=utcnow())
        except DuplicateAccount:
            raise CommandError(f"an account for {email.lower()} exists already") from None
        print(f"added {account.role.value} {account.email}")  # noqa: T201
        return 0
    finally:
        handle.close()
