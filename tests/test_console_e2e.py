"""Drive `bookingbot chat` as a subprocess: book, list, reschedule, cancel."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).with_name("bookingbot")

SCRIPT = [
    "hi",
    "i'd like a haircut",
    "next friday afternoon",
    "1",  # the first slot offered
    "yes",
    "my bookings",
    "reschedule",
    "next saturday at 11am",
    "1",
    "yes",
    "my bookings",
    "cancel",
    "yes",
    "my bookings",
]


def test_console_book_list_reschedule_cancel(tmp_path: Path) -> None:
    db = tmp_path / "chat.sqlite3"
    run = subprocess.run(
        [str(BIN), "chat", "--db", f"sqlite:///{db}", "--tz", "America/New_York",
         "--sender", "test"],
        input="\n".join(SCRIPT) + "\n", capture_output=True, text=True, timeout=120,
        check=False)
    out = run.stdout
    print(out)
    assert run.returncode == 0, run.stderr
    assert "Booked! Haircut" in out
    assert "Your upcoming bookings:\n1. Haircut" in out
    assert "Done, moved to Haircut" in out
    assert "Cancelled: Haircut" in out
    assert out.rstrip().endswith("  1) Book")  # the last "my bookings" finds none
    assert "You have no upcoming bookings" in out.split("Cancelled:")[-1]
    assert " EST" in out or " EDT" in out  # every time names the zone
