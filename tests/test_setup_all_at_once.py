"""`bookingbot setup` reports every problem of a file in one run (issue 13, point 12): an
entry that fails its schema still goes through the checks across entries (overlapping
hours, unknown services, duplicate names, money) and setup's own payment check, and a file
with exactly those problems fixed is valid (no second round)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bookingbot.cli import main

BROKEN = """\
business:
  name: Bad Cuts
  timezone: America/NewYork
  currency: USD
services:
  - key: haircut
    name: Haircut
    duration: 30m
    price: 35.00
    payment: deposit
    deposit: 10
  - name: Beard
    duration: 20m
    price: 20
    colour: red
    deposit: 5
  - name: Beard
    duration: 2h
    price: 20.001
providers:
  - key: alex
    name: Alex
    slack_user: nope
    hours:
      mon: ["9-10", "09:00-12:30", "12:00-18:00"]
      tue: "9-17"
  - key: sam
    name: Sam
    timezone: Mars/Base
    services: [haircut, tattoo]
    hours:
      wed: ["09:00-12:00", "11:00-13:00"]
rules:
  slot_step: 0m
  hold: 10
"""

FIXES = [  # one per problem reported
    ("America/NewYork", "America/New_York"),
    ("    colour: red\n", ""),
    ("    deposit: 5\n", ""),
    ("  - name: Beard\n    duration: 2h", "  - name: Shave\n    duration: 2h"),
    ("20.001", "20.00"),
    ("slack_user: nope", "slack_user: U0123ABC"),
    ('"9-10", ', ""),
    ('"12:00-18:00"', '"13:00-18:00"'),
    ('"9-17"', '"09:00-17:00"'),
    ("Mars/Base", "America/Chicago"),
    ("[haircut, tattoo]", "[haircut]"),
    ('"11:00-13:00"', '"12:00-13:00"'),
    ("slot_step: 0m", "slot_step: 5m"),
    ("hold: 10\n", "hold: 10m\n"),
    ("    payment: deposit\n    deposit: 10\n", ""),
]


@pytest.fixture(autouse=True)
def no_stripe(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("STRIPE_SECRET_KEY", "PAYMENTS_TEST_MODE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_every_problem_in_one_run_then_none(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "business.yaml"
    file.write_text(BROKEN)
    assert main(["setup", str(file), "--check"]) == 2
    lines = capsys.readouterr().err.splitlines()
    said = "\n".join(lines)
    for needle in (
            'business.timezone: "America/NewYork"',
            'services[1].colour: unknown key "colour"',
            "services[1].deposit: is only used with payment: deposit",
            'services[2].name: name "Beard" is already the name of services[1]',
            "services[2].price: 20.001 has more decimals than USD allows",
            'providers[0].slack_user: "nope"',
            'providers[0].hours.mon[0]: "9-10" is not a time span',
            'providers[0].hours.mon[2]: "12:00-18:00" overlaps "09:00-12:30"',  # its own place
            'providers[0].hours.tue: "9-17"',
            'providers[1].timezone: "Mars/Base"',
            'providers[1].services[1]: unknown service "tattoo"',
            'providers[1].hours.wed[1]: "11:00-13:00" overlaps "09:00-12:00"',
            "rules.slot_step: must be longer than 0",
            'rules.hold: 10 needs a unit',
            "services that take payment: haircut (deposit 10.00 USD); STRIPE_SECRET_KEY"):
        assert needle in said, said
    assert lines[-1] == "nothing was changed"
    assert len(lines) == 17  # the 15 above, the second line about "Beard", and the last

    fixed = BROKEN
    for old, new in FIXES:
        assert old in fixed, old
        fixed = fixed.replace(old, new, 1)
    file.write_text(fixed)
    assert main(["setup", str(file), "--check"]) == 0, capsys.readouterr().err
    assert "valid (3 services, 2 providers)" in capsys.readouterr().out


def test_a_dropped_value_leaves_no_echo(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """A bad payment mode is reported once; its deposit is not called unused because of it."""
    file = tmp_path / "business.yaml"
    file.write_text(BROKEN.replace("payment: deposit", "payment: deposti"))
    assert main(["setup", str(file), "--check"]) == 2
    said = capsys.readouterr().err
    assert 'services[0].payment: "deposti" is not a payment mode' in said
    assert "services[0].deposit" not in said
