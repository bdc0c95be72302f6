"""The runner against a real database: SQLite always, PostgreSQL when reachable."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from bookingbot.bootstrap import Database, database
from bookingbot.chat import make_runner
from bot.messages import InboundMessage, Reply
from bot.runner import Runner
from db.catalog import sync_business
from tests.bot.conftest import NOW, make_business
from tests.db.conftest import BACKENDS, fresh_database

_ids = itertools.count()


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    with fresh_database(str(request.param), tmp_path) as url:
        d = database(url)
        with d.sessions() as s, s.begin():
            sync_business(s, make_business(), raw_text="", now=NOW)
        yield d
        d.close()


@pytest.fixture
def runner(db: Database) -> Runner:
    r = make_runner(db)
    r.clock = lambda: NOW
    return r


def say(runner: Runner, text: str, *, sender: str = "alice",
        delivery: str | None = None) -> list[Reply]:
    msg = InboundMessage("test", sender, delivery or f"d{next(_ids)}", NOW, text=text)
    out = runner.handle(msg)
    print(f"{sender}: {text!r} -> {[r.text for r in out]}")
    return out


def text_of(replies: list[Reply]) -> str:
    return " | ".join(r.text for r in replies)


def test_book_list_reschedule_cancel(runner: Runner) -> None:
    assert "Haircut, free times (EST)" in text_of(say(runner, "haircut tomorrow afternoon"))
    assert "Confirm?" in text_of(say(runner, "1"))
    assert "Booked! Haircut" in text_of(say(runner, "yes"))
    assert "Wed 3 Dec 12:00 PM EST" in text_of(say(runner, "my bookings"))
    assert "What new day or time" in text_of(say(runner, "reschedule"))
    say(runner, "thursday morning")
    assert "Move from Wed 3 Dec 12:00 PM EST to Thu 4 Dec" in text_of(say(runner, "1"))
    assert "Done, moved" in text_of(say(runner, "yes"))
    assert "You'd get" not in text_of(say(runner, "cancel"))  # nothing was paid
    assert "Cancelled" in text_of(say(runner, "yes"))
    assert "no upcoming bookings" in text_of(say(runner, "my bookings"))


def test_duplicate_delivery_gets_no_reply_and_changes_nothing(runner: Runner) -> None:
    say(runner, "haircut tomorrow afternoon")
    say(runner, "1")
    first = say(runner, "yes", delivery="dup-1")
    again = say(runner, "yes", delivery="dup-1")
    assert "Booked!" in text_of(first)
    assert again == []  # answered once: a retry is never answered again
    listing = text_of(say(runner, "my bookings"))
    assert listing.count("Haircut") == 1


def test_slot_held_while_confirming_is_not_offered_to_another(runner: Runner) -> None:
    say(runner, "beard trim with alex tomorrow at 10am", sender="alice")
    assert "Wed 3 Dec 10:00 AM EST" in text_of(say(runner, "1", sender="alice"))
    offers = say(runner, "beard trim with alex tomorrow at 10am", sender="bob")
    assert "10:00 AM" not in " ".join(ch.label for ch in offers[-1].choices)  # held for alice
    say(runner, "1", sender="bob")
    assert "Booked!" in text_of(say(runner, "yes", sender="bob"))
    assert "Booked! Beard Trim with Alex, Wed 3 Dec 10:00 AM EST" in text_of(
        say(runner, "yes", sender="alice"))  # her yes cannot lose the slot


def test_never_shows_another_customers_booking(runner: Runner) -> None:
    say(runner, "haircut tomorrow afternoon", sender="bob")
    say(runner, "1", sender="bob")
    say(runner, "yes", sender="bob")
    assert "no upcoming bookings" in text_of(say(runner, "my bookings", sender="alice"))
    assert "no upcoming bookings" in text_of(say(runner, "cancel", sender="alice"))


def test_timezone_change_is_remembered(runner: Runner) -> None:
    say(runner, "I'm in London")
    out = text_of(say(runner, "haircut tomorrow at 5pm"))
    assert "(GMT)" in out


def test_recurring_series_reports_failures(runner: Runner) -> None:
    out = text_of(say(runner, "haircut every sunday at 10 for 3 weeks"))
    assert "3 times" in out
    done = text_of(say(runner, "yes"))
    assert "Booked 0 of 3" in done
    assert "outside" in done


class _CrashOnSave:
    """A session store whose first save dies, as a process killed mid-request would."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.crashes = 1

    def open(self, channel: str, sender_id: str):  # type: ignore[no-untyped-def]
        outer = self
        ctx = self.inner.open(channel, sender_id)  # type: ignore[attr-defined]

        class _Tx:
            def __enter__(self):  # type: ignore[no-untyped-def]
                self.tx = ctx.__enter__()
                return self

            def __exit__(self, *exc: object) -> None:
                ctx.__exit__(*exc)

            def __getattr__(self, name: str) -> object:
                return getattr(self.tx, name)

            def save(self, *args: object, **kwargs: object) -> bool:
                if outer.crashes:
                    outer.crashes -= 1
                    raise RuntimeError("worker killed")
                return bool(self.tx.save(*args, **kwargs))

        return _Tx()


def test_retry_after_crash_between_booking_and_session_save_finds_the_booking(
        runner: Runner) -> None:
    say(runner, "haircut tomorrow afternoon")
    say(runner, "1")
    runner.store = _CrashOnSave(runner.store)  # type: ignore[assignment]
    with pytest.raises(RuntimeError):
        say(runner, "yes", delivery="retry-1")
    # The platform retries the same delivery: the booking committed, the session did not.
    assert "Booked! Haircut" in text_of(say(runner, "yes", delivery="retry-1"))
    assert text_of(say(runner, "my bookings")).count("Haircut") == 1


def test_reschedule_with_the_new_time_in_the_same_message(runner: Runner) -> None:
    say(runner, "haircut tomorrow afternoon")
    say(runner, "1")
    say(runner, "yes")
    offered = say(runner, "can you move it to thursday morning?")
    assert "What new day or time" not in text_of(offered)  # the time was already given
    labels = [c.label for r in offered for c in r.choices]
    assert labels[0].startswith("Thu 4 Dec")
    assert "Move from Wed 3 Dec 12:00 PM EST to Thu 4 Dec" in text_of(say(runner, "1"))


def test_the_booked_reply_carries_an_add_to_calendar_link_that_works(
        runner: Runner, db: Database) -> None:
    import icalendar  # noqa: PLC0415 - only this test reads calendars
    from pydantic import SecretStr  # noqa: PLC0415
    from starlette.applications import Starlette  # noqa: PLC0415

    from bookingbot.calendar_feed import booking_link, calendar_feed_mount  # noqa: PLC0415
    from bookingbot.settings import Settings  # noqa: PLC0415
    from tests.channels.asgi import AppClient  # noqa: PLC0415

    settings = Settings(_env_file=None, public_base_url="https://book.example",  # type: ignore[call-arg]
                        calendar_feed_secret=SecretStr("s" * 32))
    runner.calendar_link = booking_link(settings)
    say(runner, "haircut tomorrow afternoon")
    say(runner, "1")
    booked = text_of(say(runner, "yes"))
    assert "Booked! Haircut" in booked
    url = booked.split("Add to calendar: ", 1)[1].strip()
    assert url.startswith("https://book.example/calendar/booking/")
    mount = calendar_feed_mount(settings, db)
    assert mount is not None
    with AppClient(Starlette(routes=list(mount.routes))) as client:
        answer = client.get(url.removeprefix("https://book.example"))
        forged = client.get(url.removeprefix("https://book.example")[:-8] + "AAAA.ics")
    assert answer.status_code == 200
    assert forged.status_code == 404
    [event] = icalendar.Calendar.from_ical(answer.content).walk("VEVENT")
    assert event.decoded("DTSTART").isoformat() == "2025-12-03T17:00:00+00:00"  # 12:00 EST
