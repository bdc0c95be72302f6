"""`bookingbot chat` as a subprocess with the example business and a second customer on the
waitlist: when the customer at the keyboard cancels, the freed slot is offered to the other
customer and the provider is alerted, and both messages are printed labelled with their
recipient, never as bot replies to the person chatting (issue 13, point 10)."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bookingbot.bootstrap import database
from bookingbot.cli import main
from core.interval import Interval
from core.usecases import join_waitlist
from db.conversations import SqlCustomerDirectory
from tests.example_file import EXAMPLE

BIN = Path(sys.executable).with_name("bookingbot")
WAIT = 90.0  # seconds to wait for an expected line on a busy machine (not a sleep)


class Chat:
    """A running `bookingbot chat`: write lines, wait for output to show up."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [str(BIN), "chat", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env=env)
        self.seen: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def say(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def wait_for(self, needle: str, *, since: int | None = None) -> str:
        """The first line containing ``needle``, read from now on, or among the lines
        already read from index ``since`` (the jobs print in no fixed order)."""
        if since is not None:
            earlier = next((seen for seen in self.seen[since:] if needle in seen), None)
            if earlier is not None:
                return earlier
        while True:
            try:
                line = self._lines.get(timeout=WAIT)
            except queue.Empty:
                pytest.fail(f"no {needle!r} within {WAIT}s; output so far:\n{self.output}")
            if line is None:
                pytest.fail(f"chat ended before {needle!r}; output:\n{self.output}")
            self.seen.append(line)
            if needle in line:
                return line

    @property
    def output(self) -> str:
        return "".join(self.seen)

    def quit(self) -> tuple[int, str]:
        self.say("/quit")
        _, err = self.proc.communicate(timeout=WAIT)
        while not self._lines.empty():
            line = self._lines.get()
            if line is not None:
                self.seen.append(line)
        return self.proc.returncode, err


@pytest.fixture
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The example business as shipped, and Bob waiting for any haircut in the next 14 days."""
    monkeypatch.chdir(tmp_path)  # no stray .env
    url = f"sqlite:///{tmp_path / 'people.sqlite3'}"
    assert main(["setup", str(EXAMPLE), "--db", url]) == 0
    db = database(url)
    try:
        now = datetime.now(UTC)
        bob = SqlCustomerDirectory(db.sessions).identify("console", "bob", now=now)
        join_waitlist(db.uow(), customer_id=bob.id, channel="console", service_key="haircut",
                      provider_key=None, window=Interval(now, now + timedelta(days=14)), now=now)
    finally:
        db.close()
    return url


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("STRIPE_", "PAYMENTS_", "SLACK_", "TELEGRAM_", "TWILIO_"))}
    return {**env, "PYTHONUNBUFFERED": "1"}


def test_other_peoples_messages_are_labelled_not_replies(shop: str) -> None:
    chat = Chat(["--db", shop, "--sender", "alice", "--tz", "America/New_York"], _env())
    chat.say("haircut with alex next friday at 10am")
    chat.wait_for("  1) ")
    chat.say("1")
    chat.wait_for("Confirm?")
    chat.say("yes")
    chat.wait_for("Booked!")
    chat.say("cancel")
    chat.wait_for("Cancel ")
    since = len(chat.seen)  # what the cancellation sets off may print before its reply
    chat.say("yes")
    chat.wait_for("Cancelled:")
    offer = chat.wait_for("[to customer bob via console]", since=since)
    alert = chat.wait_for("[to provider Alex via slack] Cancelled", since=since)
    status, err = chat.quit()
    out = chat.output
    assert status == 0, err
    assert "A slot opened" in offer  # Bob's waitlist offer, addressed to Bob
    assert "Haircut" in alert
    replies_to_alice = [line for line in out.splitlines() if line.startswith("bot> ")]
    assert replies_to_alice
    assert not any("A slot opened" in line or "reply YES" in line for line in replies_to_alice)
    assert "(reply \"yes\")" not in out  # Bob's buttons are not offered to Alice


def test_no_jobs_keeps_other_peoples_messages_out(shop: str) -> None:
    chat = Chat(["--db", shop, "--sender", "alice", "--no-jobs"], _env())
    chat.say("haircut with alex next friday at 10am")
    chat.wait_for("  1) ")
    chat.say("1")
    chat.wait_for("Confirm?")
    chat.say("yes")
    chat.wait_for("Booked!")
    status, err = chat.quit()
    assert status == 0, err
    assert "[to " not in chat.output
