"""No-show protection in the business file: examples/studio.yaml, each key's checks with its
line, the catalog round trip, and setup refusing card-keeping services without Stripe."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bookingbot.business_file import load_business_file, parse_business
from bookingbot.cli import main
from core.fees import Fee, FeePolicy
from core.money import Money
from db.catalog import load_business, sync_business
from db.engine import make_engine
from db.migrate import upgrade
from db.uow import session_factory
from tests.test_business_file import BASE, edit, only_problem

ROOT = Path(__file__).resolve().parents[1]
STUDIO = ROOT / "examples" / "studio.yaml"
HAIRCUT = "    aliases: [cut, trim]\n"


def test_the_studio_example_parses_with_its_class_and_fees() -> None:
    business, _ = load_business_file(STUDIO)
    vinyasa = business.service("vinyasa")
    private = business.service("private")
    assert vinyasa is not None
    assert private is not None
    assert (vinyasa.capacity, vinyasa.max_seats, len(vinyasa.timetable)) == (14, 2, 3)
    assert vinyasa.fees == FeePolicy(card_required=True, no_show=Fee(percent=100),
                                     late_cancel=Fee(amount=Money(900, "EUR")),
                                     late_window=timedelta(hours=12))
    assert private.fees == FeePolicy(card_required=True, no_show=Fee(percent=50))
    assert private.card_required
    assert (vinyasa.confirm_by, private.confirm_by) == (timedelta(hours=6), None)
    assert business.rules.confirm_by is None


def test_confirm_by_for_the_business_and_a_service() -> None:
    text = edit("  max_days_ahead: 60\n", "  max_days_ahead: 60\n  confirm_by: 12h\n"
                "  reminders: [24h, 1h]\n")
    text = edit(HAIRCUT, HAIRCUT + "    confirm_by: 3h\n", text)
    business = parse_business(text, source="business.yaml")
    haircut, beard = business.service("haircut"), business.service("beard")
    assert business.rules.confirm_by == timedelta(hours=12)
    assert haircut is not None
    assert beard is not None
    assert (haircut.confirm_by, beard.confirm_by) == (timedelta(hours=3), None)


def test_a_deadline_no_reminder_comes_before_is_refused() -> None:
    text = edit("  max_days_ahead: 60\n", "  max_days_ahead: 60\n  reminders: [2h]\n")
    path, line, said = only_problem(edit(HAIRCUT, HAIRCUT + "    confirm_by: 2h\n", text))
    assert path == "services[0].confirm_by"
    assert said.startswith("needs a reminder sent before it")
    assert line == 11


def test_keys_in_the_small_file() -> None:
    text = edit(HAIRCUT, HAIRCUT + "    card_on_file: true\n    no_show_fee: 12.50\n"
                "    late_cancel_fee: \"20%\"\n")
    haircut = parse_business(text, source="business.yaml").service("haircut")
    assert haircut is not None
    assert haircut.fees == FeePolicy(card_required=True, no_show=Fee(amount=Money(1250, "USD")),
                                     late_cancel=Fee(percent=20))
    plain = parse_business(BASE, source="business.yaml").service("haircut")
    assert plain is not None
    assert plain.fees is None


@pytest.mark.parametrize(("added", "where", "message"), [
    ("    no_show_fee: 10\n", "services[0].no_show_fee",
     "is charged from the card kept at booking; add card_on_file: true to this service"),
    ("    card_on_file: true\n    late_cancel_fee: 0\n", "services[0].late_cancel_fee",
     "must be more than 0 (leave it out for no fee)"),
    ("    card_on_file: true\n    late_cancel_window: 6h\n", "services[0].late_cancel_window",
     "is only used with late_cancel_fee:"),
    ("    card_on_file: true\n    no_show_fee: 10.001\n", "services[0].no_show_fee",
     "10.001 has more decimals than USD allows"),
])
def test_each_mistake_is_named(added: str, where: str, message: str) -> None:
    path, line, said = only_problem(edit(HAIRCUT, HAIRCUT + added))
    assert (path, said) == (where, message)
    assert line is not None


def test_the_fees_survive_the_catalog(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    upgrade(url)
    business, raw = load_business_file(STUDIO)
    engine = make_engine(url)
    try:
        sessions = session_factory(engine)
        with sessions.begin() as s:
            sync_business(s, business, raw_text=raw, now=datetime(2026, 12, 1, tzinfo=UTC))
        with sessions() as s:
            stored = load_business(s)
    finally:
        engine.dispose()
    assert stored is not None
    assert [(sv.fees, sv.confirm_by) for sv in stored.services] == [
        (sv.fees, sv.confirm_by) for sv in business.services]


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "PAYMENTS_TEST_MODE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.mark.usefixtures("clean_env")
def test_setup_refuses_a_card_on_file_without_stripe(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 's.sqlite3'}"
    assert main(["setup", str(STUDIO), "--db", url]) == 2
    err = capsys.readouterr().err
    assert "vinyasa (card on file)" in err
    assert "STRIPE_SECRET_KEY is not set" in err
    monkeypatch.setenv("PAYMENTS_TEST_MODE", "true")
    assert main(["setup", str(STUDIO), "--db", url]) == 0
