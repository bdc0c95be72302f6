"""The App Home tab: the provider's next seven days, refreshed on demand."""

from __future__ import annotations

from datetime import UTC, datetime

from channels.slack import SlackHome, web_client
from db.provider_queries import SqlProviderQueries
from tests.channels.slack.bookings import book
from tests.channels.slack.conftest import NOW, Harness
from tests.channels.slack.harness import PROVIDER, STRANGER


def _texts(view: dict[str, object]) -> str:
    blocks = view["blocks"]
    assert isinstance(blocks, list)
    return "\n".join(str(b.get("text", {}).get("text", "")) for b in blocks)


def test_home_opened_publishes_the_providers_schedule(harness: Harness) -> None:
    book(harness.db, datetime(2030, 1, 8, 10, 0, tzinfo=UTC))
    harness.slack.event({"type": "app_home_opened", "user": PROVIDER, "tab": "home",
                         "channel": "D0ALICE"})
    [call] = harness.fake.of("views.publish")
    assert call["user_id"] == PROVIDER
    text = _texts(call["view"])
    assert "Alice: the next 7 days" in text
    assert "Tue 8 Jan" in text
    assert "10:00 AM–10:30 AM  *Haircut* · Ann (telegram)" in text


def test_home_for_a_customer_explains_how_to_book(harness: Harness) -> None:
    harness.slack.event({"type": "app_home_opened", "user": STRANGER, "tab": "home"})
    [call] = harness.fake.of("views.publish")
    assert "Send me a direct message" in _texts(call["view"])


def test_refresh_home_for_jobs(harness: Harness) -> None:
    home = SlackHome(client=web_client("xoxb-test", base_url=harness.fake.api_url),
                     uow=harness.db.uow, queries=SqlProviderQueries(), clock=lambda: NOW)
    assert home.refresh("alice") is True
    assert home.refresh("bob") is False  # no Slack user in the business file
    assert [c["user_id"] for c in harness.fake.of("views.publish")] == [PROVIDER]
