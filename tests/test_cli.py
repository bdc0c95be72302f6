"""The `bookingbot` command as a user runs it: setup, slots, db upgrade (SQLite, in-process)."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, func, select

from bookingbot.cli import main
from db.tables import ProviderRow, ServiceRow
from tests.example_file import example_file

EXAMPLE = Path(__file__).resolve().parent.parent / "bookingbot" / "demo" / "demo_business.yaml"


def _count(url: str, row: type) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(row)).scalar_one())
    finally:
        engine.dispose()


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite3'}"


def test_setup_is_idempotent(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["setup", str(EXAMPLE), "--db", url]) == 0
    assert "created: service:" in capsys.readouterr().out
    services, providers = _count(url, ServiceRow), _count(url, ProviderRow)
    assert main(["setup", str(EXAMPLE), "--db", url]) == 0
    assert "nothing changed" in capsys.readouterr().out
    assert (_count(url, ServiceRow), _count(url, ProviderRow)) == (services, providers)


def test_setup_edit_updates_without_duplicates(url: str, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["setup", str(EXAMPLE), "--db", url]) == 0
    services = _count(url, ServiceRow)
    edited = tmp_path / "edited.yaml"
    text = EXAMPLE.read_text()
    edited.write_text(re.sub(r"price: (\d+)", lambda m: f"price: {int(m[1]) + 5}", text, count=1))
    capsys.readouterr()
    assert main(["setup", str(edited), "--db", url]) == 0
    assert "updated: service:" in capsys.readouterr().out
    assert _count(url, ServiceRow) == services


def test_invalid_file_names_key_and_line_and_changes_nothing(
        url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.read_text().replace("America/New_York", "America/NewYork", 1))
    assert main(["setup", str(bad), "--db", url]) == 2
    err = capsys.readouterr().err
    assert re.search(r"bad\.yaml:\d+: business\.timezone: .*America/NewYork", err)
    assert "nothing was changed" in err
    assert not Path(url.removeprefix("sqlite:///")).exists()  # not even a database was made


def test_check_only_validates_without_a_database(url: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["setup", str(EXAMPLE), "--check", "--db", url]) == 0
    assert "valid" in capsys.readouterr().out
    assert not Path(url.removeprefix("sqlite:///")).exists()


def test_slots_lists_times_in_the_requested_zone(url: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    main(["setup", str(EXAMPLE), "--db", url])
    capsys.readouterr()
    ny, london = ZoneInfo("America/New_York"), ZoneInfo("Europe/London")
    today = datetime.now(ny).date()
    tuesday = today + timedelta(days=2 + (1 - (today + timedelta(days=2)).weekday()) % 7)
    assert main(["slots", "haircut", "--from", tuesday.isoformat(), "--tz", "Europe/London",
                 "--db", url]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    # The demo shop opens at 09:00 New York time; shown in London time with its zone named.
    opening = datetime.combine(tuesday, time(9), ny).astimezone(london)
    assert first.startswith(f"{opening:%a %Y-%m-%d %H:%M} {opening.tzname()}  alex")


def test_slots_unknown_service_is_a_clear_error(url: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    main(["setup", str(EXAMPLE), "--db", url])
    assert main(["slots", "tattoo", "--db", url]) == 2
    assert "no service called 'tattoo'" in capsys.readouterr().err


def test_db_upgrade_creates_the_schema(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade", "--db", url]) == 0
    assert "up to date" in capsys.readouterr().out
    assert _count(url, ServiceRow) == 0


def test_setup_warns_about_calendars_whose_secrets_are_missing(
        url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    example = example_file(tmp_path, calendars=True)
    monkeypatch.setenv("PAYMENTS_TEST_MODE", "true")
    monkeypatch.delenv("ALEX_ICS_URL", raising=False)
    monkeypatch.delenv("STRIPE_SECRET_KEY", raising=False)
    assert main(["setup", str(example), "--db", url]) == 0
    assert "alex: calendar needs ALEX_ICS_URL" in capsys.readouterr().err
    monkeypatch.setenv("ALEX_ICS_URL", "https://calendar.example/secret.ics")
    assert main(["setup", str(example), "--db", url]) == 0
    assert "ALEX_ICS_URL" not in capsys.readouterr().err
