"""``bookingbot links``: the entry points' links, as the admin's Entry points page lists
them (per service, then per provider offering it), for when the admin is not at hand.
``--qr DIR`` also writes each link's QR code there as SVG and PNG."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from admin.entry_points import CHANNELS, NOT_SET_UP, qr_code
from bookingbot.bootstrap import database
from bookingbot.entry_wiring import ChannelDirectory
from bookingbot.settings import Settings
from core.entry_points import ChannelAddresses, EntryPoint, entry_points


def _title(point: EntryPoint) -> str:
    who = point.provider.name if point.provider else "anyone"
    return f"{point.service.name} with {who}  [start={point.payload}]"


def _write_codes(point: EntryPoint, folder: Path) -> list[Path]:
    written = []
    for link in point.links:
        for fmt in ("svg", "png"):
            path = folder / f"{point.payload}-{link.channel}.{fmt}"
            path.write_bytes(qr_code(link.url, fmt))
            written.append(path)
    return written


def links(*, db: str | None, qr_dir: str | None = None, settings: Settings | None = None,
          out: TextIO | None = None) -> int:
    out = out or sys.stdout
    where: ChannelAddresses = ChannelDirectory(settings or Settings())()
    handle = database(db)
    try:
        with handle.uow() as uow:
            business = uow.business()
    finally:
        handle.close()
    on = {"telegram": where.telegram_bot, "sms": where.sms_number,
          "whatsapp": where.whatsapp_number}
    for channel, _ in CHANNELS:
        if not on[channel]:
            out.write(f"# {NOT_SET_UP[channel]}\n")
    folder = Path(qr_dir) if qr_dir else None
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    names = dict(CHANNELS)
    count = 0
    for point in entry_points(business, where):
        out.write(_title(point) + "\n")
        for link in point.links:
            out.write(f"  {names[link.channel]:<9} {link.url}\n")
        if folder is not None:
            count += len(_write_codes(point, folder))
    if folder is not None:
        out.write(f"# {count} QR code files written to {folder}\n")
    return 0
