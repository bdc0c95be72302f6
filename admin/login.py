"""Log in and out. Wrong passwords are counted per account and per address
(``core.staff.Failures``); a throttled key is refused before the password is looked at."""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response

from admin.guard import Gate, Who
from admin.passwords import verify
from admin.render import render


def _keys(who: Who, email: str) -> tuple[str, str]:
    address = who.request.client.host if who.request.client else "unknown"
    return f"account:{email.lower()}", f"address:{address}"


def login_form(who: Who) -> Response:
    if who.account is not None:
        return RedirectResponse("/admin/", status_code=303)
    return render(who, "login.html")


def login(gate: Gate, who: Who) -> Response:
    staff, now = gate.deps.staff, gate.deps.clock()
    email, password = who.field("email").lower(), who.field("password")
    keys = _keys(who, email)
    for key in keys:
        failures = staff.failures(key)
        if failures is not None and failures.throttled(now):
            minutes = max(1, int((failures.retry_at() - now).total_seconds() // 60) + 1)
            return render(who, "login.html", status=429, email=email,
                          error=f"Too many wrong passwords. Try again in {minutes} minutes.")
    account = staff.by_email(email) if email else None
    usable = account if account is not None and account.active else None
    # Always one argon2 verification, known e-mail or not (see admin.passwords._DUMMY).
    if not verify(usable.password_hash if usable else None, password) or usable is None:
        for key in keys:
            staff.record_failure(key, now)
        return render(who, "login.html", status=401, email=email,
                      error="Wrong e-mail or password.")
    staff.clear_failures(keys[0])
    gate.start_session(who, usable)
    return RedirectResponse("/admin/", status_code=303)


def logout(gate: Gate, who: Who) -> Response:
    gate.end_session(who)
    return RedirectResponse("/admin/login", status_code=303)
