"""Provider alerts and their buttons: cancel (with Slack's confirm dialog), message the customer."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from channels.slack import SlackHumanNotifier, SlackSender, provider_alert, web_client
from core.errors import PermanentSendError, TransientSendError
from core.events import BookingCancelled, BookingConfirmed, BookingRescheduled
from core.usecases.provider import CustomerCard, booking_ref
from tests.channels.conftest import snapshot
from tests.channels.slack.bookings import HOUR, ann, book, outbox
from tests.channels.slack.conftest import Harness
from tests.channels.slack.harness import STRANGER
from tests.db.helpers import make_business

TUE_10 = datetime(2030, 1, 8, 10, 0, tzinfo=UTC)
PROVIDERS = "C0PROVIDERS"


def test_alerts_name_the_time_in_the_providers_zone(harness: Harness) -> None:
    b = book(harness.db, TUE_10, service="color", paid=2000)
    card = CustomerCard(ann(harness.db), "telegram", "42", "Ann")
    new = provider_alert(BookingConfirmed(b.id), booking=b, business=make_business(),
                         customer=card)
    assert new is not None
    assert new.text == (f"New booking: Colour with Alice, Tue 8 Jan 10:00 AM GMT, for Ann "
                        f"(telegram). Paid 20.00 EUR (deposit; price 90.00 EUR). "
                        f"ref `{booking_ref(b.id)}`")
    assert [c.payload for c in new.choices] == [f"provider:cancel:{b.id}",
                                                f"provider:message:{b.id}"]
    gone = provider_alert(BookingCancelled(b.id, "customer", 1000), booking=b,
                          business=make_business(), customer=card)
    assert gone is not None
    assert "Refund 10.00 EUR" in gone.text
    assert len(gone.choices) == 1
    moved = provider_alert(BookingRescheduled(b.id, TUE_10, TUE_10 + HOUR), booking=b,
                           business=make_business(), customer=card)
    assert moved is not None
    assert "from Tue 8 Jan 10:00 AM GMT to Tue 8 Jan 11:00 AM GMT" \
        in moved.text


def test_sender_posts_alert_buttons_to_the_provider_channel(harness: Harness) -> None:
    b = book(harness.db, TUE_10)
    alert = provider_alert(BookingConfirmed(b.id), booking=b, business=make_business(),
                           customer=None)
    assert alert is not None
    sender = SlackSender(web_client("xoxb-test", base_url=harness.fake.api_url))
    ts = sender.send(PROVIDERS, alert.text, [(c.label, c.payload) for c in alert.choices])
    [call] = harness.fake.of("chat.postMessage")
    assert ts
    assert call["channel"] == PROVIDERS
    cancel, message = call["blocks"][1]["elements"]
    assert cancel["action_id"] == "bb_provider_cancel"
    assert "confirm" in cancel
    assert message["action_id"] == "bb_provider_message"


def test_sender_errors_are_permanent_or_transient(harness: Harness) -> None:
    sender = SlackSender(web_client("xoxb-test", base_url=harness.fake.api_url))
    harness.fake.errors["chat.postMessage"] = "channel_not_found"
    with pytest.raises(PermanentSendError):
        sender.send("C404", "hello")
    harness.fake.errors["chat.postMessage"] = "ratelimited"
    with pytest.raises(TransientSendError):
        sender.send("C1", "hello")


def test_cancel_button_cancels_once_with_a_full_refund(harness: Harness) -> None:
    b = book(harness.db, TUE_10, service="color", paid=2000)
    harness.slack.press("bb_provider_cancel", f"provider:cancel:{b.id}", trigger="T-cancel")
    assert "Refund of 20.00 EUR (100 %)" in harness.slack.responses()[-1]
    before = snapshot(harness.db)
    harness.slack.press("bb_provider_cancel", f"provider:cancel:{b.id}", trigger="T-cancel")
    assert len(harness.slack.responses()) == 1
    assert snapshot(harness.db) == before
    assert [e["refund_minor"] for e in outbox(harness.db, "BookingCancelled")] == [2000]


def test_cancel_button_refuses_a_non_provider(harness: Harness) -> None:
    b = book(harness.db, TUE_10)
    before = snapshot(harness.db)
    harness.slack.press("bb_provider_cancel", f"provider:cancel:{b.id}", user=STRANGER)
    assert "only providers" in harness.slack.responses()[-1]
    assert snapshot(harness.db) == before


def test_message_the_customer_through_a_modal_and_the_outbox(harness: Harness) -> None:
    b = book(harness.db, TUE_10)
    harness.slack.press("bb_provider_message", f"provider:message:{b.id}",
                        channel=PROVIDERS, trigger="T-open")
    [opened] = harness.fake.of("views.open")
    assert opened["trigger_id"] == "T-open"
    view = opened["view"]
    assert json.loads(view["private_metadata"]) == {"booking": b.id, "channel": PROVIDERS}
    submission = {"type": "view_submission", "user": {"id": "U123"}, "view": {
        "id": "V123", "type": "modal", "callback_id": view["callback_id"],
        "private_metadata": view["private_metadata"],
        "state": {"values": {"message": {"text": {"type": "plain_text_input",
                                                  "value": "Running 10 min late, sorry!"}}}}}}
    for _ in range(2):  # the second is a duplicate delivery of the same view
        response = harness.slack.interact(json.loads(json.dumps(submission)))
        assert response.status_code == 200
    assert outbox(harness.db, "ProviderMessaged") == [{
        "booking_id": b.id, "provider_key": "alice", "text": "Running 10 min late, sorry!",
        "ref": "view:V123"}]
    [ephemeral] = harness.fake.of("chat.postEphemeral")
    assert ephemeral["channel"] == PROVIDERS
    assert ephemeral["user"] == "U123"


def test_human_notifier_posts_to_the_provider_channel(harness: Harness) -> None:
    notify = SlackHumanNotifier(web_client("xoxb-test", base_url=harness.fake.api_url),
                                PROVIDERS)
    notify(channel="sms", sender_id="+447700900123", text="can I talk to someone?")
    [call] = harness.fake.of("chat.postMessage")
    assert call["channel"] == PROVIDERS
    assert "+447700900123" in call["text"]
    harness.fake.errors["chat.postMessage"] = "channel_not_found"
    notify(channel="sms", sender_id="+447700900123", text="hello?")  # logged, not raised
