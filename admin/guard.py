"""Who is asking, and may they: the one place per request that decides.

Every admin route is declared through ``page``: it reads the signed cookie, loads the
account (its epoch must match: logout ends every copy of the cookie), checks the route's
``Area`` against the role, and on every POST checks the CSRF token before the handler
runs. Handlers are synchronous (database work) and run in the thread pool.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin.ports import AdminDeps
from admin.sessions import COOKIE, CSRF_FIELD, Signer, Visit, cookie_header
from core.staff import Area, StaffAccount

LOGIN = "/admin/login"


@dataclass
class Who:
    """The request as a handler sees it: the visitor's cookie state and the account."""

    request: Request
    visit: Visit
    csrf: str
    account: StaffAccount | None
    form: FormData | None = None
    new_cookie: str | None = field(default=None)  # set when the handler changed the visit

    def field(self, name: str, default: str = "") -> str:
        value = self.form.get(name) if self.form is not None else None
        return value.strip() if isinstance(value, str) else default

    @property
    def me(self) -> StaffAccount:
        if self.account is None:  # pragma: no cover - page() only calls with one
            raise HTTPException(403)
        return self.account


Handler = Callable[[Who], Response]


def secure_request(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip()
    return request.url.scheme == "https" or forwarded == "https"


class Gate:
    def __init__(self, deps: AdminDeps) -> None:
        self.deps = deps
        self.signer = Signer(deps.secret)

    def _account(self, visit: Visit) -> StaffAccount | None:
        if visit.account_id is None:
            return None
        account = self.deps.staff.by_id(visit.account_id)
        if account is None or not account.active or account.session_epoch != visit.epoch:
            return None
        return account

    def page(self, handler: Handler, *, area: Area | None,
             public: bool = False) -> Callable[[Request], Awaitable[Response]]:
        """``area`` None with ``public``: login pages; None otherwise: any logged-in role."""

        async def endpoint(request: Request) -> Response:
            visit = self.signer.load(request.cookies.get(COOKIE))
            fresh = visit is None
            visit = visit or Visit.fresh()
            form = await request.form() if request.method == "POST" else None
            try:  # an uploaded file (settings) is spooled to disk until the form is closed
                return await self._serve(request, handler, visit=visit, fresh=fresh,
                                         form=form, area=area, public=public)
            finally:
                if form is not None:
                    await form.close()

        return endpoint

    async def _serve(self, request: Request, handler: Handler, *, visit: Visit, fresh: bool,
                     form: FormData | None, area: Area | None, public: bool) -> Response:
        if form is not None and not self.signer.csrf_ok(visit, _text(form, CSRF_FIELD)):
            raise HTTPException(403, "The form has expired; reload the page and try again.")
        account = await run_in_threadpool(self._account, visit)
        if not public:
            if account is None:
                return RedirectResponse(LOGIN, status_code=303)
            if area is not None and not account.may_open(area):
                raise HTTPException(403)
        who = Who(request, visit, self.signer.csrf(visit), account, form)
        response = await run_in_threadpool(handler, who)
        value = who.new_cookie or (self.signer.dump(visit) if fresh else None)
        if value is not None:
            response.headers.append("set-cookie", cookie_header(
                value, secure=secure_request(request)))
        return response

    def start_session(self, who: Who, account: StaffAccount) -> None:
        """A new nonce at login: a cookie or token seen before it is worth nothing after."""
        who.visit = Visit.fresh(account.id, account.session_epoch)
        who.new_cookie = self.signer.dump(who.visit)

    def end_session(self, who: Who) -> None:
        if who.account is not None:
            self.deps.staff.end_sessions(who.account.id)
        who.visit = Visit.fresh()
        who.new_cookie = self.signer.dump(who.visit)


def _text(form: FormData, name: str) -> str | None:
    value: Any = form.get(name)
    return value if isinstance(value, str) else None
