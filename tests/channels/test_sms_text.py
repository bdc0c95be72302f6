"""SMS text: GSM-7 transliteration, segment counts, numbered options, keywords, E.164."""

from __future__ import annotations

import pytest

from bot.messages import Choice, Reply
from channels.sms.gsm import segments, to_gsm
from channels.sms.keywords import Keyword, keyword
from channels.sms.phone import to_e164
from channels.sms.render import render, render_all


def test_transliteration_keeps_messages_in_gsm7() -> None:
    text = "Don’t be late – it’s “important”… • café — naïve\u00a0x"
    assert to_gsm(text) == "Don't be late - it's \"important\"... - café - naive x"
    assert segments(to_gsm(text)).encoding == "GSM-7"
    assert segments(text).encoding == "UCS-2"


def test_what_has_no_equivalent_is_kept_and_sent_as_ucs2() -> None:
    assert to_gsm("Привет 👋") == "Привет 👋"
    assert segments("👋").units == 2  # a surrogate pair


@pytest.mark.parametrize(("text", "encoding", "count"), [
    ("a" * 160, "GSM-7", 1), ("a" * 161, "GSM-7", 2), ("a" * 306, "GSM-7", 2),
    ("a" * 307, "GSM-7", 3), ("€" * 80, "GSM-7", 1), ("€" * 81, "GSM-7", 2),
    ("é" * 160, "GSM-7", 1), ("ą" * 70, "UCS-2", 1), ("ą" * 71, "UCS-2", 2),
    ("ą" * 134, "UCS-2", 2), ("ą" * 135, "UCS-2", 3),
])
def test_segment_counts(text: str, encoding: str, count: int) -> None:
    found = segments(text)
    assert (found.encoding, found.count) == (encoding, count)


def test_items_are_numbered_and_words_offered_as_words() -> None:
    reply = Reply("Haircut, free times (GMT):",
                  (Choice("Tue 8 Jan 9:00 AM", "slot:0"), Choice("Tue 8 Jan 9:15 AM", "slot:1"),
                   Choice("More times", "more")))
    assert render(reply) == ("Haircut, free times (GMT):\n1) Tue 8 Jan 9:00 AM\n"
                             "2) Tue 8 Jan 9:15 AM\nReply 1-2 or MORE")


def test_yes_no_and_a_single_item() -> None:
    assert render(Reply("Confirm?", (Choice("Yes", "yes"), Choice("No", "no")))) == (
        "Confirm?\nReply YES or NO")
    assert render(Reply("Which?", (Choice("Haircut", "service:cut"),))) == (
        "Which?\n1) Haircut\nReply 1")


def test_carrier_keywords_are_never_offered_alone() -> None:
    menu = Reply("Menu", (Choice("Book", "book"), Choice("Cancel a booking", "cancel")))
    assert render(menu) == "Menu\nReply BOOK or CANCEL A BOOKING"


def test_replies_join_into_one_message() -> None:
    assert render_all([Reply("One."), Reply("Two.")]) == "One.\n\nTwo."
    assert render_all([]) == ""


@pytest.mark.parametrize(("body", "opted_out", "expected"), [
    ("STOP", False, Keyword.OPT_OUT), (" stop. ", False, Keyword.OPT_OUT),
    ("Cancel", False, Keyword.OPT_OUT), ("QUIT", True, Keyword.OPT_OUT),
    ("cancel my booking", False, None), ("stop please", False, None),
    ("START", False, Keyword.OPT_IN), ("unstop", True, Keyword.OPT_IN),
    ("YES", True, Keyword.OPT_IN), ("yes", False, None),
    ("HELP", False, Keyword.HELP), ("info", True, Keyword.HELP), ("help me book", False, None),
])
def test_keywords(body: str, opted_out: bool, expected: Keyword | None) -> None:
    assert keyword(body, opted_out=opted_out) is expected


@pytest.mark.parametrize(("raw", "e164"), [
    ("+14155552671", "+14155552671"), ("+1 (415) 555-2671", "+14155552671"),
    ("+44 7911 123456", "+447911123456"), ("+33 6 12 34 56 78", "+33612345678"),
    ("07911 123456", None), ("SALON", None), ("", None), ("+1234", None),
])
def test_e164(raw: str, e164: str | None) -> None:
    assert to_e164(raw) == e164
