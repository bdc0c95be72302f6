"""Issue 13 point 8: "talk to a person" is recorded, delivered on every configured team
channel, the customer is told honestly who answers and when, and the bot stays quiet until
the team answers or the customer writes "bot". Console channel, SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from core.model import BusinessInfo
from db.handoffs import end_handoff, open_handoffs
from tests.bot.conftest import NOW, make_business
from tests.bot.console_kit import Shop, open_shop
from tests.db.conftest import fresh_database


def _team(shop: Shop, *, reaches: bool = True) -> list[tuple[str, str, str, str]]:
    sent: list[tuple[str, str, str, str]] = []

    def slack(ch: str, sender: str, text: str, owner: str) -> str | None:
        sent.append((ch, sender, text, owner))
        return "slack" if reaches else None

    shop.runner.team = (slack,)
    return sent


def _open(shop: Shop) -> list[tuple[str, str, str]]:
    with shop.db.sessions() as s:
        return [(h.sender_id, h.text, ",".join(h.delivered_via)) for h in open_handoffs(s)]


def test_handoff_is_recorded_delivered_and_the_bot_goes_quiet(shop: Shop) -> None:
    sent = _team(shop)
    ann = shop.customer("ann", "America/New_York")  # Tue 2 Dec 9:00 AM EST: open
    ann("haircut tomorrow at 3pm")
    told = ann("can I talk to a real person please")
    assert "passed your message to the Demo Barbers team" in told
    assert "today, while we're open (until 5:00 PM EST)" in told  # Alex is in till 5
    assert _open(shop) == [("ann", "can I talk to a real person please", "slack")]
    assert sent == [("console", "ann", "can I talk to a real person please", "")]
    assert ann("hello?") == ""  # quiet: a person answers this conversation now
    assert ann("anyone there") == ""
    assert shop.rows("SELECT id FROM bookings") == []
    back = ann("bot")
    assert "I'm back" in back
    assert _open(shop) == []
    assert "free times" in ann("haircut tomorrow at 3pm")


def test_the_team_answering_ends_the_quiet(shop: Shop) -> None:
    _team(shop)
    bob = shop.customer("bob")
    bob("talk to a human")
    assert bob("my bookings") == ""
    with shop.db.sessions.begin() as s:  # what the web admin / Slack do when they reply
        end_handoff(s, "console", "bob", status="answered", now=NOW)
    assert "no upcoming bookings" in bob("my bookings")


def test_closed_shop_says_when_it_opens(sqlite_shop: Shop) -> None:
    _team(sqlite_shop)
    sqlite_shop.clock.now = NOW.replace(hour=3)  # Mon 1 Dec 10 PM EST: everyone is off
    cat = sqlite_shop.customer("cat", "America/New_York")
    told = cat("speak to someone")
    assert "when we open, Tue 2 Dec 9:00 AM EST" in told


def test_nobody_reachable_is_said_honestly_and_the_bot_keeps_answering(
        sqlite_shop: Shop) -> None:
    _team(sqlite_shop, reaches=False)
    dan = sqlite_shop.customer("dan")
    told = dan("operator")
    assert "couldn't reach the team" in told
    assert "passed your message" not in told
    assert _open(sqlite_shop) == [("dan", "operator", "")]  # still on record for the admin
    assert "free times" in dan("haircut tomorrow at 3pm")  # not quiet: nobody is coming


def test_owner_phone_from_the_business_file_reaches_the_team_channel(tmp_path: Path) -> None:
    info = BusinessInfo(owner_phone="+12125550199", phone="+12125550100")
    with fresh_database("sqlite", tmp_path) as url:
        shop = open_shop(url, replace(make_business(), info=info))
        sent = _team(shop)
        shop.customer("eve")("i want to talk to the owner")
        assert sent[0][3] == "+12125550199"
        shop.db.close()

