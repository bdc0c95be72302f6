"""``bookingbot calendar sync`` and the worker's sweep list."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookingbot.calendar_wiring import calendar_sweeps
from bookingbot.cli import main
from bookingbot.settings import Settings
from core.model import CalendarKind, CalendarLink
from tests.calendar.conftest import DATA
from tests.calendar.dbkit import Clock, blocks, open_database, salon_with, setup
from tests.calendar.httpserver import LocalServer, Reply


def test_sync_now_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    text = (DATA / "alice_personal.ics").read_text(encoding="utf-8")
    with LocalServer(lambda _: Reply(200, text)) as server, \
            open_database("sqlite", tmp_path) as db:
        link = CalendarLink(CalendarKind.ICS, ics_url=server.base_url + "/a.ics")
        setup(db, salon_with(alice=link, bob=CalendarLink(CalendarKind.ICS,
                                                          ics_url_env="BOB_ICS_UNSET")))
        assert main(["calendar", "sync", "--provider", "alice", "--db", db.url]) == 0
        # The real clock: the file's 2030 events lie beyond the horizon, so nothing is busy.
        assert capsys.readouterr().out == "alice: fresh; 0 busy block(s)\n"
        assert blocks(db, "alice") == []
        assert main(["calendar", "sync", "--db", db.url]) == 2  # bob's variable is not set
        out = capsys.readouterr().out
        assert "bob: unavailable; FAILED: calendar of bob: environment variable BOB_ICS_UNSET" \
            in out
        assert main(["calendar", "sync", "--provider", "zed", "--db", db.url]) == 1


def test_the_worker_gets_two_named_sweeps(tmp_path: Path) -> None:
    with open_database("sqlite", tmp_path) as db:
        setup(db, salon_with())
        sweeps = calendar_sweeps(db, Settings(), Clock())
        assert [(name, seconds) for name, seconds, _ in sweeps] == [
            ("calendar_sync", 60.0), ("calendar_write", 30.0)]
        assert [run() for _, _, run in sweeps] == [None, None]  # nothing to do: quiet
