"""Customers in the workspace book by direct message, through the same conversation runner."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import text

from tests.channels.conftest import snapshot
from tests.channels.slack.conftest import Harness
from tests.channels.slack.harness import JSON, sign

CUSTOMER = "UCUST"
DM = "D0CUST"


def dm(harness: Harness, words: str, *, event_id: str | None = None,
       retry: int | None = None) -> None:
    harness.slack.event({"type": "message", "channel_type": "im", "channel": DM,
                         "user": CUSTOMER, "text": words, "ts": "1893916800.000100"},
                        event_id=event_id, retry=retry)


def posted(harness: Harness) -> list[dict[str, Any]]:
    return harness.fake.of("chat.postMessage")


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def press(harness: Harness, message: dict[str, Any], index: int) -> None:
    chosen = buttons(message)[index]
    harness.slack.press(chosen["action_id"], chosen["value"], user=CUSTOMER, channel=DM,
                        label=chosen["text"]["text"])


def test_booking_by_direct_message_end_to_end(harness: Harness) -> None:
    harness.fake.user_tz[CUSTOMER] = "America/New_York"
    dm(harness, "i'd like a haircut")
    assert [c["user"] for c in harness.fake.of("users.info")] == [CUSTOMER]  # the zone
    dm(harness, "tomorrow morning")
    offers = posted(harness)[-1]
    assert "EST" in offers["text"]
    assert buttons(offers)[0]["action_id"] == "bb_choice_0"
    press(harness, offers, 0)
    summary = posted(harness)[-1]
    assert summary["text"].endswith("Confirm?")
    press(harness, summary, 0)  # "Yes"
    assert posted(harness)[-1]["text"].startswith("Booked! Haircut with Alice, Tue 8 Jan")
    assert len(harness.fake.of("chat.update")) == 2  # each pressed message lost its buttons
    assert len(harness.fake.of("users.info")) == 1
    with harness.db.engine.connect() as conn:
        row = conn.execute(text(
            "SELECT b.status, c.tz FROM bookings b JOIN customers c ON c.id = b.customer_id "
            "WHERE c.channel = 'slack' AND c.sender_id = :u"), {"u": CUSTOMER}).one()
    assert tuple(row) == ("confirmed", "America/New_York")


def test_a_retried_event_changes_nothing_and_is_not_answered_twice(harness: Harness) -> None:
    dm(harness, "i'd like a haircut", event_id="Ev-once")
    before, sent = snapshot(harness.db), len(posted(harness))
    dm(harness, "i'd like a haircut", event_id="Ev-once", retry=1)
    assert len(posted(harness)) == sent
    assert snapshot(harness.db) == before


def test_bot_posts_edits_and_channel_messages_are_ignored(harness: Harness) -> None:
    for event in (
        {"type": "message", "channel_type": "im", "channel": DM, "user": CUSTOMER,
         "bot_id": "B1", "text": "hi"},
        {"type": "message", "channel_type": "im", "channel": DM, "subtype": "message_changed",
         "message": {"text": "hi"}},
        {"type": "message", "channel_type": "channel", "channel": "C1", "user": CUSTOMER,
         "text": "hi"},
    ):
        harness.slack.event(event)
    assert posted(harness) == []


def test_slack_gets_its_answer_before_the_slow_work_is_done(harness: Harness) -> None:
    # Slack's own API is stuck until the test releases it: the ack must not wait for it.
    slow = harness.fake.gates["users.info"] = threading.Event()
    body = harness.slack.event_body({"type": "message", "channel_type": "im", "channel": DM,
                                     "user": CUSTOMER, "text": "hi"})
    response = harness.slack.client.post("/slack/events", content=body.encode(),
                                         headers={**JSON, **sign(body)})
    assert response.status_code == 200
    assert posted(harness) == []  # answered while the work was still blocked
    slow.set()
    harness.slack.executor.drain()
    assert posted(harness)  # and the reply still went out afterwards
