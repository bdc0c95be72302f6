"""The console chat survives what crashed it: far dates, and a failing handler."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.messages import InboundMessage, Reply
from channels.console import run_console

BIN = Path(sys.executable).with_name("bookingbot")


def test_far_dates_get_the_horizon_answer_and_exit_0(tmp_path: Path) -> None:
    run = subprocess.run(
        [str(BIN), "chat", "--no-jobs", "--db", f"sqlite:///{tmp_path / 'c.sqlite3'}"],
        input="haircut on 31 dec 9999 at 10am\n30 dec 9999 at 10am\n", capture_output=True,
        text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("We take bookings up to 30 days ahead") == 2, run.stdout
    assert "Traceback" not in run.stderr


def test_a_failing_handler_is_answered_and_the_chat_goes_on() -> None:
    def broken(_: InboundMessage) -> list[Reply]:
        raise RuntimeError("database gone")

    out = io.StringIO()
    status = run_console(sender_id="me", stdin=io.StringIO("hi\nagain\n"), stdout=out,
                         handle=broken, clock=lambda: datetime(2030, 1, 1, tzinfo=UTC))
    assert status == 0
    assert out.getvalue().count("Sorry, something went wrong") == 2
