"""The admin as a Starlette app mounted at ``/admin`` by ``bookingbot.web``."""

from __future__ import annotations

import logging
from functools import partial

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from admin import login
from admin.accounts import account_routes
from admin.actions import action_routes
from admin.agenda import agenda_routes
from admin.bookings import booking_routes
from admin.customers import customer_routes
from admin.entry_points import entry_routes
from admin.exports import export_routes
from admin.fees import fee_routes
from admin.guard import Gate, Who
from admin.headers import AdminHeaders
from admin.ports import AdminDeps
from admin.render import STATIC, render
from admin.reports import report_routes
from admin.settings import settings_routes
from admin.staffing import staffing_routes
from admin.walkin import walkin_routes

log = logging.getLogger(__name__)
TITLES = {403: "Not allowed", 404: "Not found", 405: "Not allowed", 429: "Too many requests"}


def home(who: Who) -> Response:
    return render(who, "home.html")


async def http_error(_: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) and status != 404 else ""
    return render(None, "error.html", status=status, title=TITLES.get(status, "Error"),
                  detail=detail if detail != TITLES.get(status) else "")


async def server_error(_: Request, __: Exception) -> Response:
    # Logged (masked) by the guard around the whole app; the person sees no traceback.
    return render(None, "error.html", status=500, title="Something went wrong",
                  detail="The error was logged. Try again, or tell whoever runs this site.")


def build_admin(deps: AdminDeps) -> Starlette:
    gate = Gate(deps)
    routes = [
        Route("/", gate.page(home, area=None), methods=["GET"]),
        Route("/login", gate.page(login.login_form, area=None, public=True), methods=["GET"]),
        Route("/login", gate.page(partial(login.login, gate), area=None, public=True),
              methods=["POST"]),
        Route("/logout", gate.page(partial(login.logout, gate), area=None), methods=["POST"]),
        *agenda_routes(gate),
        *booking_routes(gate),
        *fee_routes(gate),
        *action_routes(gate),
        *export_routes(gate),
        *staffing_routes(gate),
        *customer_routes(gate),
        *account_routes(gate),
        *walkin_routes(gate),
        *report_routes(gate),
        *settings_routes(gate),
        *entry_routes(gate),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    return Starlette(routes=routes, middleware=[Middleware(AdminHeaders)],
                     exception_handlers={HTTPException: http_error, 500: server_error})
