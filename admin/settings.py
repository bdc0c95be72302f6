"""Settings (owner only): the business file as a readable summary, and a new one uploaded
or pasted. A new file goes through the path ``bookingbot setup`` takes (handed in as
``BusinessDesk``): every problem is listed as ``file:line: key.path: message`` and nothing
changes, or it is applied and the page says what changed.
"""

from __future__ import annotations

import re
from datetime import time, timedelta
from functools import partial
from typing import Any

from starlette.datastructures import UploadFile
from starlette.responses import Response
from starlette.routing import Route

from admin.bookings import business_of, money
from admin.guard import Gate, Who
from admin.ports import BusinessChange
from admin.render import render
from core.model import DayHours, LocalSpan, Provider
from core.staff import Area

MAX_BYTES = 512 * 1024  # a business file is a few kilobytes; this is many times that
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
PASTED = "pasted.yaml"


def span(delta: timedelta) -> str:
    """'1h30m', '45m', '2d': the way the business file writes durations."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{mins}m" if mins else ""]
    return "".join(parts) or "0m"


def _local(s: LocalSpan) -> str:
    end = "24:00" if s.end == time(0) else f"{s.end:%H:%M}"  # "until midnight" in the file
    return f"{s.start:%H:%M}-{end}"


def hours_of(day: DayHours) -> str:
    if not day.spans:
        return "closed"
    text = ", ".join(_local(s) for s in day.spans)
    if day.breaks:
        text += " (breaks " + ", ".join(_local(b) for b in day.breaks) + ")"
    return text


def week_of(provider: Provider) -> list[tuple[str, str]]:
    return [(DAYS[i], hours_of(d)) for i, d in enumerate(provider.weekly)]


def _source(upload: UploadFile | None) -> str:
    """The name the problems are reported under: the uploaded file's own, or 'pasted.yaml'."""
    name = (upload.filename or "") if upload is not None else ""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1])
    return name[:80] or PASTED


def settings_page(gate: Gate, who: Who, *, change: BusinessChange | None = None,
                  text: str | None = None, status: int = 200) -> Response:
    business = business_of(gate)
    desk = gate.deps.business_file
    current = desk.current_text() if desk is not None else None
    return render(who, "settings.html", status=status, b=business, span=span,
                  week_of=week_of, money=money, change=change, wired=desk is not None,
                  text=current if text is None else text,
                  names={s.key: s.name for s in business.services})


def _uploaded(who: Who) -> tuple[str | None, str, str]:
    """(the text or None, its source name, a problem) from the file field or the textarea."""
    form: Any = who.form
    upload = form.get("file") if form is not None else None
    if isinstance(upload, UploadFile) and upload.filename:
        raw = upload.file.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return None, _source(upload), "The file is too large for a business file."
        try:
            return raw.decode("utf-8-sig"), _source(upload), ""
        except UnicodeDecodeError:
            return None, _source(upload), f"{_source(upload)}: is not UTF-8 text"
    pasted = form.get("text") if form is not None else None
    if isinstance(pasted, str) and pasted.strip():
        return pasted.replace("\r\n", "\n"), PASTED, ""
    return None, PASTED, "Choose a file or paste the business file's text."


def upload(gate: Gate, who: Who) -> Response:
    desk = gate.deps.business_file
    if desk is None:
        return settings_page(gate, who, status=503)
    text, source, problem = _uploaded(who)
    if text is None:
        return settings_page(gate, who, change=BusinessChange(False, problems=(problem,)),
                             status=400)
    change = desk.apply_text(text, source=source, now=gate.deps.clock())
    if not change.applied:  # the form keeps what was sent, so it can be fixed and re-sent
        return settings_page(gate, who, change=change, text=text, status=400)
    return settings_page(gate, who, change=change)


def settings_routes(gate: Gate) -> list[Route]:
    return [
        Route("/settings", gate.page(partial(settings_page, gate), area=Area.SETTINGS),
              methods=["GET"]),
        Route("/settings", gate.page(partial(upload, gate), area=Area.SETTINGS),
              methods=["POST"]),
    ]
