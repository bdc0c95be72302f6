"""Every standard reply fits one SMS segment where possible; the longest is printed."""

from __future__ import annotations

from datetime import UTC, datetime

from bot import replies
from tests.bot.conftest import make_business

WHEN = replies.when(datetime(2025, 12, 3, 19, 30, tzinfo=UTC), make_business().tz)


def standard_replies() -> dict[str, str]:
    b = make_business()
    return {
        "help": replies.help_text(b).text,
        "ask_service": replies.ask_service(b).text,
        "ask_time": replies.ask_time("Haircut and Beard", "EST").text,
        "unclear_time": replies.unclear_time().text,
        "summary": replies.summary(service="Haircut and Beard", provider="Jordan", start=WHEN,
                                   price="Price 40.00 USD",
                                   policy=replies.policy_line(b.policy), due=None).text,
        "booked": replies.booked(service="Haircut and Beard", start=WHEN, provider="Jordan").text,
        "nothing_fits": replies.nothing_fits(replies.error("outside_hours")).text,
        "confirm_cancel": replies.confirm_cancel(f"Haircut with Jordan, {WHEN}", "30.00 USD").text,
        "confirm_move": replies.confirm_move(WHEN, WHEN).text,
        **{name: getattr(replies, name) for name in (
            "STOPPED", "STARTED", "HUMAN", "ABORTED", "TIMED_OUT", "TOO_LONG",
            "UNKNOWN_ZONE", "NOT_UNDERSTOOD", "KEPT")},
    }


def test_longest_standard_reply() -> None:
    lengths = {name: len(text) for name, text in standard_replies().items()}
    name = max(lengths, key=lengths.__getitem__)
    print(f"longest standard reply: {name} = {lengths[name]} chars")
    over = {n: v for n, v in lengths.items() if v > replies.SMS_SEGMENT}
    assert not over, over
