"""The README's own example, end to end through the runner the console uses (issue 13,
point 9): as shipped it books with no environment at all; with its calendars switched on
but unreadable, the customer hears "can't check that person's calendar" (never "fully
booked"), and `bookingbot slots` sees the same pause the bot does."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bookingbot.bootstrap import Database, database
from bookingbot.chat import make_runner
from bookingbot.cli import main
from bot.messages import InboundMessage
from bot.runner import Runner
from tests.example_file import EXAMPLE, example_file

NY = ZoneInfo("America/New_York")
SECRETS = ("ALEX_ICS_URL", "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET",
           "SAM_GOOGLE_REFRESH_TOKEN", "STRIPE_SECRET_KEY", "PAYMENTS_TEST_MODE")


def a_tuesday() -> date:
    """A Tuesday at least two days ahead: both providers work 14:00 New York time."""
    day = datetime.now(NY).date() + timedelta(days=2)
    return day + timedelta(days=(1 - day.weekday()) % 7)


@pytest.fixture
def clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in SECRETS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def _shop(url: str, file: Path) -> Iterator[tuple[Database, Runner]]:
    assert main(["setup", str(file), "--db", url]) == 0
    db = database(url)
    try:
        yield db, make_runner(db)  # the real clock, as `bookingbot chat` has
    finally:
        db.close()


@pytest.fixture
def shipped(clean: None, tmp_path: Path) -> Iterator[tuple[Database, Runner]]:
    yield from _shop(f"sqlite:///{tmp_path / 'shipped.sqlite3'}", EXAMPLE)


@pytest.fixture
def with_calendars(clean: None, tmp_path: Path) -> Iterator[tuple[Database, Runner]]:
    file = example_file(tmp_path, calendars=True)
    yield from _shop(f"sqlite:///{tmp_path / 'calendars.sqlite3'}", file)


def say(runner: Runner, text: str, sender: str = "newcomer") -> str:
    say.n += 1  # type: ignore[attr-defined]
    out = runner.handle(InboundMessage("console", sender, f"m{say.n}",  # type: ignore[attr-defined]
                                       datetime.now(UTC), text=text))
    return " | ".join([r.text for r in out] + [c.label for r in out for c in r.choices])


say.n = 0  # type: ignore[attr-defined]


def ask(day: date, provider: str = "") -> str:
    return f"haircut {provider}on {day:%b} {day.day} at 2pm"


def test_the_shipped_example_books_with_no_environment(
        shipped: tuple[Database, Runner]) -> None:
    _, runner = shipped
    day = a_tuesday()
    offered = say(runner, ask(day))
    assert "fully booked" not in offered
    assert f"{day:%a} {day.day} {day:%b} 2:00 PM" in offered, offered
    assert "Confirm?" in say(runner, "1")
    assert "Booked!" in say(runner, "yes")


def test_unreadable_calendars_say_so_and_slots_agree(
        with_calendars: tuple[Database, Runner], capsys: pytest.CaptureFixture[str],
        tmp_path: Path) -> None:
    _, runner = with_calendars
    day = a_tuesday()
    answer = say(runner, ask(day))
    assert "can't check that person's calendar" in answer, answer
    assert "fully booked" not in answer
    named = say(runner, ask(day, "with sam "), sender="other")
    assert "can't check that person's calendar" in named, named
    capsys.readouterr()
    url = f"sqlite:///{tmp_path / 'calendars.sqlite3'}"
    assert main(["slots", "Haircut", "--from", day.isoformat(), "--db", url]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "no free slots in that range"
    assert "bookings with Alex are paused" in err
    assert "ALEX_ICS_URL is not set" in err
    assert "bookings with Sam are paused" in err


def test_slots_sees_the_pause_before_any_chat(clean: None, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Fresh database, nobody has chatted: `slots` runs the same check the bot runs."""
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    assert main(["setup", str(example_file(tmp_path, calendars=True)), "--db", url]) == 0
    capsys.readouterr()
    day = a_tuesday()
    assert main(["slots", "haircut", "--provider", "Alex", "--from", day.isoformat(),
                 "--db", url]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "no free slots in that range"
    assert "bookings with Alex are paused" in err
