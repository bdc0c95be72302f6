"""Entry points: per service (and per provider offering it) the links that open a chat with
it already chosen, and their QR codes, drawn here as SVG or PNG with segno.

The links come from ``core.entry_points`` (the bot looks the same payloads up); which
channels get one is what the composition root hands in (``AdminDeps.addresses``: the bot's
username, the SMS and WhatsApp numbers, only for channels that are set up). Owners and
managers see every service; a provider account sees the services they offer, each with the
anyone-link and their own, and cannot fetch another provider's QR code by its address.
"""

from __future__ import annotations

import io
from functools import partial

import segno
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Route

from admin.bookings import business_of
from admin.guard import Gate, Who
from admin.render import render
from core.entry_points import ChannelAddresses, EntryPoint, entry_points
from core.staff import Area, Role

CHANNELS = (("telegram", "Telegram"), ("sms", "SMS"), ("whatsapp", "WhatsApp"))
FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
NOT_SET_UP = {
    "telegram": "Telegram is not set up (TELEGRAM_BOT_TOKEN; the bot's name comes from getMe "
                "or TELEGRAM_BOT_USERNAME).",
    "sms": "SMS is not set up (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER).",
    "whatsapp": "WhatsApp is not set up (TWILIO_WHATSAPP_FROM with the Twilio account).",
}


def _points(gate: Gate, who: Who) -> tuple[list[EntryPoint], ChannelAddresses]:
    where = gate.deps.addresses()
    mine = (frozenset({who.me.provider_key or ""}) if who.me.role is Role.PROVIDER else None)
    return entry_points(business_of(gate), where, providers=mine), where


def entry_page(gate: Gate, who: Who) -> Response:
    points, where = _points(gate, who)
    on = {"telegram": where.telegram_bot, "sms": where.sms_number,
          "whatsapp": where.whatsapp_number}
    missing = [NOT_SET_UP[c] for c, _ in CHANNELS if not on[c]]
    return render(who, "entry_points.html", points=points, channels=dict(CHANNELS),
                  missing=missing)


def qr_code(url: str, fmt: str) -> bytes:
    """A regular QR code (never a Micro QR, which phone cameras do not read), medium error
    correction so a slightly worn print still scans, and the standard four-module margin."""
    code = segno.make_qr(url, error="m")
    out = io.BytesIO()
    if fmt == "svg":
        code.save(out, kind="svg", scale=6, border=4, title=url)
    else:
        code.save(out, kind="png", scale=10, border=4)
    return out.getvalue()


def qr_image(gate: Gate, who: Who) -> Response:
    params = who.request.path_params
    fmt = params["fmt"]
    points, _ = _points(gate, who)
    point = next((p for p in points if p.payload == params["payload"]), None)
    link = point.link(params["channel"]) if point is not None else None
    if link is None or fmt not in FORMATS:
        raise HTTPException(404)  # unknown, not set up, or another provider's
    headers = {}
    if who.request.query_params.get("download"):
        name = f"{point.payload if point else 'entry'}-{link.channel}.{fmt}"
        headers["content-disposition"] = f'attachment; filename="{name}"'
    return Response(qr_code(link.url, fmt), media_type=FORMATS[fmt], headers=headers)


def entry_routes(gate: Gate) -> list[Route]:
    return [
        Route("/entry-points", gate.page(partial(entry_page, gate), area=Area.ENTRY_POINTS),
              methods=["GET"]),
        Route("/entry-points/{payload}/{channel}.{fmt}",
              gate.page(partial(qr_image, gate), area=Area.ENTRY_POINTS), methods=["GET"]),
    ]
