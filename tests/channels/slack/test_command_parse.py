"""The text after /bookings, read in the provider's zone (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from channels.slack.commands import (
    Block,
    CancelRef,
    Help,
    ShowAgenda,
    ShowWaitlist,
    UnblockAt,
    UnblockId,
    parse_command,
)

KOLKATA = ZoneInfo("Asia/Kolkata")
NOW = datetime(2030, 1, 7, 20, 0, tzinfo=UTC)  # Tue 8 Jan 01:30 in Kolkata


def parse(text: str) -> object:
    return parse_command(text, now=NOW, tz=KOLKATA)


@pytest.mark.parametrize(("text", "day"), [
    ("", date(2030, 1, 8)), ("today", date(2030, 1, 8)), ("tomorrow", date(2030, 1, 9)),
    ("fri", date(2030, 1, 11)), ("12/3", date(2030, 3, 12)),  # India writes day-first
    ("12/31", date(2030, 12, 31)),
])
def test_agenda_days_are_local_to_the_provider(text: str, day: date) -> None:
    assert parse(text) == ShowAgenda(day)


def test_block_splits_time_and_note() -> None:
    cmd = parse("block tomorrow 2-4pm dentist appointment")
    assert isinstance(cmd, Block)
    assert cmd.note == "dentist appointment"
    assert not cmd.force
    assert cmd.span.start == datetime(2030, 1, 9, 14, 0, tzinfo=KOLKATA)
    assert cmd.span.end == datetime(2030, 1, 9, 16, 0, tzinfo=KOLKATA)
    forced = parse("block fri school run force")
    assert isinstance(forced, Block)
    assert forced.force
    assert forced.note == "school run"


@pytest.mark.parametrize(("text", "expected"), [
    ("unblock 12", UnblockId(12)), ("unblock #7", UnblockId(7)),
    ("cancel 1a2b3c4d", CancelRef("1a2b3c4d")), ("waitlist", ShowWaitlist()), ("help", Help()),
])
def test_other_commands(text: str, expected: object) -> None:
    assert parse(text) == expected


def test_unblock_by_time_and_refusals() -> None:
    assert isinstance(parse("unblock tomorrow 3pm"), UnblockAt)
    assert isinstance(parse("block tomorrow 3pm"), Help)  # an instant is not a span
    assert isinstance(parse("block"), Help)
    assert isinstance(parse("cancel"), Help)
    assert isinstance(parse("gibberish words"), Help)
