"""Accounts (owner only): who can log in, and inviting the rest of the staff with a first
password to hand over (the same rules as ``bookingbot admin add-user``)."""

from __future__ import annotations

from functools import partial

from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from admin.bookings import business_of
from admin.guard import Gate, Who
from admin.passwords import hash_password, password_problem
from admin.render import render
from core.staff import Area, Role, account_problem

ROLES = tuple(r.value for r in Role)


def accounts_page(gate: Gate, who: Who, *, error: str = "", status: int = 200) -> Response:
    return render(who, "accounts.html", status=status, error=error, roles=ROLES,
                  accounts=gate.deps.staff.all(), form=who.form or {},
                  providers=[(p.key, p.name) for p in business_of(gate).providers])


def add_account(gate: Gate, who: Who) -> Response:
    email, role_name = who.field("email").lower(), who.field("role")
    provider = who.field("provider") or None
    if "@" not in email or len(email) > 254 or role_name not in ROLES:
        return accounts_page(gate, who, error="Give an e-mail address and a role.", status=400)
    role = Role(role_name)
    if role is not Role.PROVIDER:
        provider = None  # the provider field only counts for provider accounts
    keys = frozenset(p.key for p in business_of(gate).providers)
    problem = account_problem(role, provider, keys) or password_problem(who.field("password"))
    if problem is None and gate.deps.staff.by_email(email) is not None:
        problem = f"an account for {email} exists already"
    if problem is not None:
        return accounts_page(gate, who, error=problem[0].upper() + problem[1:] + ".",
                             status=400)
    gate.deps.staff.add(email=email, role=role, provider_key=provider,
                        password_hash=hash_password(who.field("password")),
                        now=gate.deps.clock())
    return RedirectResponse("/admin/accounts", status_code=303)


def account_routes(gate: Gate) -> list[Route]:
    return [Route("/accounts", gate.page(partial(accounts_page, gate), area=Area.ACCOUNTS),
                  methods=["GET"]),
            Route("/accounts", gate.page(partial(add_account, gate), area=Area.ACCOUNTS),
                  methods=["POST"])]
