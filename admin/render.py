"""Pages from Jinja2 templates (autoescaped), with what every page needs: the account,
the CSRF token for its forms and the menu the role may open."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

from admin.guard import Who
from core.staff import Area

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
ENV = Environment(loader=FileSystemLoader(HERE / "templates"),
                  autoescape=select_autoescape(default=True), trim_blocks=True,
                  lstrip_blocks=True)
MENU: tuple[tuple[Area, str, str], ...] = (
    (Area.AGENDA, "/admin/agenda", "Agenda"),
    (Area.BOOKINGS, "/admin/bookings", "Bookings"),
    (Area.BOOKINGS, "/admin/fees", "Fees"),
    (Area.AGENDA, "/admin/timeoff", "Time off"),
    (Area.AGENDA, "/admin/waitlist", "Waitlist"),
    (Area.CUSTOMERS, "/admin/customers", "Customers"),
    (Area.EXPORTS, "/admin/exports", "Exports"),
    (Area.ACCOUNTS, "/admin/accounts", "Accounts"),
    (Area.BOOKINGS, "/admin/walkin", "Walk-in"),
    (Area.REPORTS, "/admin/reports", "Reports"),
    (Area.SETTINGS, "/admin/settings", "Settings"),
    (Area.ENTRY_POINTS, "/admin/entry-points", "Entry points"),
)


def render(who: Who | None, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    account = who.account if who else None
    menu = [(href, label) for area, href, label in MENU if account and account.may_open(area)]
    html = ENV.get_template(template).render(account=account, csrf=who.csrf if who else "",
                                             menu=menu, **context)
    return HTMLResponse(html, status_code=status)
