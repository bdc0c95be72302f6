"""``/bookings``: agenda, time off and its effect on availability, cancel, waitlist, refusal."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import text

from core.booking import reference
from core.interval import Interval
from core.usecases import join_waitlist
from core.usecases.provider import booking_ref
from tests.channels.conftest import snapshot
from tests.channels.slack.bookings import HOUR, ann, book, free_starts, outbox
from tests.channels.slack.conftest import NOW, Harness
from tests.channels.slack.harness import FORM, STRANGER, sign

TUE_10 = datetime(2030, 1, 8, 10, 0, tzinfo=UTC)  # London is on GMT in January
TUE_14 = datetime(2030, 1, 8, 14, 0, tzinfo=UTC)


def test_agenda_in_the_providers_zone_with_customer_and_amounts(harness: Harness) -> None:
    b = book(harness.db, TUE_10, service="color", paid=2000)
    response = harness.slack.command("tomorrow")
    assert response.status_code == 200
    assert response.content == b""
    [answer] = harness.slack.responses()
    assert "*Alice, Tue 8 Jan* (times in Europe/London, GMT)" in answer
    assert "10:00 AM–11:30 AM  *Colour* · Ann (telegram)" in answer
    assert "price 90.00 EUR, due upfront 20.00 EUR, paid 20.00 EUR" in answer
    assert f"ref `{booking_ref(b.id)}`" in answer
    [call] = harness.fake.of("response")
    assert call["response_type"] == "ephemeral"


def test_a_weekday_and_an_empty_day(harness: Harness) -> None:
    harness.slack.command("sunday")
    assert "Sun 13 Jan" in harness.slack.responses()[-1]
    assert "Closed." in harness.slack.responses()[-1]


def test_non_provider_is_refused_and_nothing_changes(harness: Harness) -> None:
    b = book(harness.db, TUE_10)
    before = snapshot(harness.db)
    harness.slack.command(f"cancel {booking_ref(b.id)}", user=STRANGER)
    [answer] = harness.slack.responses()
    assert "only providers can use this command" in answer
    assert snapshot(harness.db) == before


def test_block_closes_availability_and_unblock_reopens_it(harness: Harness) -> None:
    assert TUE_14 in free_starts(harness.db, TUE_14, TUE_14 + 2 * HOUR)
    harness.slack.command("block tomorrow 2-4pm dentist")
    answer = harness.slack.responses()[-1]
    assert answer.startswith("Blocked Tue 8 Jan 2:00 PM GMT–4:00 PM (dentist).")
    # Lunch ends 13:15; a 13:30 cut's cleanup buffer would reach into the time off.
    assert free_starts(harness.db, TUE_14 - HOUR, TUE_14 + 2 * HOUR) == [TUE_14 - 3 * HOUR / 4]
    harness.slack.command("tomorrow")
    assert "2:00 PM–4:00 PM  Time off: dentist · #" in harness.slack.responses()[-1]
    block_id = answer.split("`unblock ")[1].split("`")[0]
    harness.slack.command(f"unblock {block_id}")
    assert harness.slack.responses()[-1].startswith(f"Removed time off #{block_id}")
    assert TUE_14 in free_starts(harness.db, TUE_14, TUE_14 + 2 * HOUR)


def test_unblock_by_time(harness: Harness) -> None:
    harness.slack.command("block tomorrow 2-4pm dentist")
    harness.slack.command("unblock tomorrow 3pm")
    assert "Removed time off #" in harness.slack.responses()[-1]
    assert TUE_14 in free_starts(harness.db, TUE_14, TUE_14 + 2 * HOUR)


def test_block_over_a_booking_is_refused_unless_forced(harness: Harness) -> None:
    b = book(harness.db, TUE_14 + HOUR)
    harness.slack.command("block tomorrow 2-4pm dentist")
    answer = harness.slack.responses()[-1]
    assert answer.startswith("Not blocked: that time overlaps these bookings:")
    assert booking_ref(b.id) in answer
    with harness.db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM busy_blocks")).scalar_one() == 0
    harness.slack.command("block tomorrow 2-4pm dentist force")
    assert "1 booking(s) in it were kept" in harness.slack.responses()[-1]
    assert free_starts(harness.db, TUE_14, TUE_14 + 2 * HOUR) == []


def test_provider_cancel_refunds_everything_and_queues_the_customer_notice(
        harness: Harness) -> None:
    # Three hours ahead: a customer cancelling now would get 50 % back; the provider's
    # cancellation refunds all of it.
    b = book(harness.db, NOW + 3 * HOUR, service="color", paid=2000)
    harness.slack.command(f"cancel {booking_ref(b.id)}")
    assert "Refund of 20.00 EUR (100 %)" in harness.slack.responses()[-1]
    with harness.db.engine.connect() as conn:
        status, refunded = conn.execute(text(
            "SELECT status, refunded_minor FROM bookings WHERE id = :id"), {"id": b.id}).one()
    assert (status, refunded) == ("cancelled", 2000)
    [event] = outbox(harness.db, "BookingCancelled")
    assert event == {"booking_id": b.id, "by": "provider", "refund_minor": 2000}
    harness.slack.command(f"cancel {booking_ref(b.id)}")  # a second, separate command
    assert harness.slack.responses()[-1] == "That booking can't be changed any more."
    assert len(outbox(harness.db, "BookingCancelled")) == 1


def test_the_reference_the_customer_was_given_names_the_booking(harness: Harness) -> None:
    b = book(harness.db, TUE_10)
    other = book(harness.db, TUE_14)
    code = reference(b.id)
    assert booking_ref(b.id) == code  # the provider is shown the customer's own code
    typed = code.lower().replace("0", "o")  # as a customer reads it out: lower case, O for 0
    harness.slack.command(f"cancel {typed[:3]}-{typed[3:]}")
    assert f"Cancelled ref `{code}`" in harness.slack.responses()[-1]
    with harness.db.engine.connect() as conn:
        statuses = dict(conn.execute(text("SELECT id, status FROM bookings")).all())
    assert statuses == {b.id: "cancelled", other.id: "confirmed"}
    # An id prefix, what alerts showed before they showed the reference, still works.
    harness.slack.command(f"cancel {other.id.replace('-', '')[:8]}")
    assert f"Cancelled ref `{reference(other.id)}`" in harness.slack.responses()[-1]
    harness.slack.command("cancel ZZZZZZ")  # a well-formed code that names nothing
    assert harness.slack.responses()[-1] == "I couldn't find that booking among yours."


def test_duplicate_delivery_changes_nothing(harness: Harness) -> None:
    harness.slack.command("block tomorrow 2-4pm dentist", trigger="T-same")
    before = snapshot(harness.db)
    harness.slack.command("block tomorrow 2-4pm dentist", trigger="T-same")
    assert len(harness.slack.responses()) == 1  # the repeat is not answered again
    assert snapshot(harness.db) == before
    with harness.db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM busy_blocks")).scalar_one() == 1


def test_waitlist(harness: Harness) -> None:
    harness.slack.command("waitlist")
    assert harness.slack.responses()[-1] == "Nobody is on the waitlist."
    join_waitlist(harness.db.uow(), customer_id=ann(harness.db), channel="telegram",
                  service_key="cut", provider_key=None, window=Interval(TUE_10, TUE_14),
                  now=NOW)
    harness.slack.command("waitlist")
    assert "Haircut · Ann (telegram) · wants Tue 8 Jan 10:00 AM GMT–2:00 PM" in \
        harness.slack.responses()[-1]


def test_help_and_unreadable_input(harness: Harness) -> None:
    harness.slack.command("help")
    assert "`/bookings block tomorrow 2-4pm dentist`" in harness.slack.responses()[-1]
    harness.slack.command("block whenever")
    assert harness.slack.responses()[-1].startswith("I couldn't read a time there.")


def test_commands_without_a_trigger_id_do_not_share_a_delivery_id(harness: Harness) -> None:
    def untriggered(words: str) -> str:
        fields = dict(parse_qsl(harness.slack.command_body(words)))
        del fields["trigger_id"]  # some clients and proxies leave it out
        return urlencode(fields)

    for hours in ("block tomorrow 2-3pm dentist", "block tomorrow 4-5pm school run"):
        assert harness.slack.post(untriggered(hours), FORM).status_code == 200
    assert len(harness.slack.responses()) == 2  # the second was not taken for a repeat
    with harness.db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM busy_blocks")).scalar_one() == 2
    body = untriggered("block tomorrow 6-7pm gym")
    headers = sign(body)
    for _ in range(2):  # the same signed request retried: still one effect
        harness.slack.post(body, FORM, headers=headers, signed=False)
    with harness.db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM busy_blocks")).scalar_one() == 3
