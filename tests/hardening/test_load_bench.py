"""``bench/load.py`` kept from rotting: run tiny against real processes on PostgreSQL, its
correctness checks asserted (no overlap, one race winner, every reply exactly once) --
never its timings. The accounting is shown to catch a duplicate and a missing reply."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.db.conftest import require_postgres

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"


def _bench(name: str) -> ModuleType:
    """A module of ``bench/`` (a folder of scripts that import each other, not a package)."""
    sys.path.insert(0, str(BENCH))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(BENCH))


@pytest.mark.postgres
def test_a_tiny_load_run_books_without_overlap_and_answers_every_webhook_once(
        tmp_path: Path) -> None:
    server = require_postgres()
    out = tmp_path / "load.json"
    run = subprocess.run(
        [sys.executable, str(BENCH / "load.py"), "--clients", "2", "--customers", "4",
         "--race", "4", "--hang-ups", "0", "--pg", server, "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert out.exists(), run.stdout + run.stderr
    result = json.loads(out.read_text())
    assert result["failures"] == [], run.stdout
    assert run.returncode == 0, run.stdout + run.stderr
    load, race = result["levels"]
    assert load["label"] == "x2"
    assert load["outcomes"].get("unexpected", 0) == 0, load["unexpected"]
    # Every chat webhook (all but the Stripe ones) was accepted and recorded.
    assert load["tally"]["accepted"] == load["requests"] - result["paid"] > 0
    assert load["tally"]["refused"] == 0
    assert load["bookings"] == 4  # each of the four customers booked (or paid)
    for level in result["levels"]:
        assert level["overlaps"] == 0
        assert level["tally"]["duplicates"] == 0, level["tally"]["notes"]
        assert level["tally"]["missing"] == 0, level["tally"]["notes"]
        assert level["errors_5xx"] == 0
        assert level["left_after_drain"] == 0
    assert race["label"] == "race x4"
    assert result["race"]["offered the slot"] == 4  # all four raced for it ...
    assert result["race"]["held it"] == 1  # ... one held it ...
    assert result["race"]["bookings on the slot"] == 1  # ... and booked it
    assert result["rest"]["duplicates"] == result["rest"]["missing"] == 0
    assert result["paid_unconfirmed"] == 0


def _row(check: ModuleType, message_id: str | None) -> object:
    return check.Row("reply", "sms", "+14155550123", "sent", "reply:sms:SM1:0", message_id,
                     "Booked! Haircut", [])


def test_the_accounting_counts_a_reply_sent_twice_and_one_never_sent() -> None:
    check, client = _bench("load_check"), _bench("load_client")
    answered = client.Sent("sms", "+14155550123", "SM1", "yes", status=200,
                           text="Booked! Haircut")
    silent = client.Sent("sms", "+14155550123", "SM1", "yes", status=200, text=None)
    at_double = {"SM9": ("sms", "+14155550123", "Booked! Haircut", "SM9")}
    cases = [  # (what the web answered, the row's worker send) -> (duplicates, missing)
        (answered, None, (0, 0)),  # the TwiML carried it: once
        (silent, "SM9", (0, 0)),  # the worker sent it: once
        (answered, "SM9", (1, 0)),  # both: the duplicate the check exists for
        (silent, None, (0, 1)),  # neither: missing
    ]
    for sent, message_id, expected in cases:
        tally = check.Tally()
        check._one(_row(check, message_id), sent, tally, at_double, {}, set())
        assert (tally.duplicates, tally.missing) == expected, (sent, message_id)
