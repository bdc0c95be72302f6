"""Issue 13: thirty-odd varied customer conversations on the console channel over a real
database, in several zones, each ending as the customer intended. Each line's reply is
checked for its gist (a few words, not the wording), and the end for its outcome: the
booking row's local start (and service), or the waitlist entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.bot.console_kit import Shop

NY, LON, CHI = "America/New_York", "Europe/London", "America/Chicago"


@dataclass(frozen=True)
class Talk:
    name: str
    tz: str
    lines: tuple[tuple[str, str], ...]  # (the customer says, a gist of the reply, "" for any)
    booked: str = ""  # the booking's local start, "%a %d %b %H:%M" (a prefix is enough)
    service: str = ""
    waitlisted: bool = False
    before: tuple[str, ...] = ()  # another customer books this first (it is then taken)


TALKS = [
    Talk("saturday morning kept", NY, (("anything saturday morning?", "which service"),
                                       ("haircut", "free times"), ("9:30", "confirm"),
                                       ("yes", "booked")), "Sat 06 Dec 09:30", "haircut"),
    Talk("greeting then first one", LON, (("hi", "i can book"), ("i need a beard trim", "when"),
                                          ("friday at 4pm", "free times"),
                                          ("the first one", "confirm"), ("yes", "booked")),
         "Fri 05 Dec 16:00", "beard"),
    Talk("with jordan, thanks as yes", CHI, (
        ("can I get a haircut with jordan thursday around 4:30?", "free times"),
        ("4:30", "jordan"), ("thanks!", "booked")), "Thu 04 Dec 16:30", "haircut"),
    Talk("waitlist time kept", NY, (("put me on the waitlist for tomorrow 9:30", "which service"),
                                    ("haircut", "waitlist")), waitlisted=True),
    Talk("the earliest", NY, (("haircut friday at 2pm", "free times"), ("the earliest", "1:30"),
                              ("yes", "booked")), "Fri 05 Dec 13:30"),
    Talk("the later one", NY, (("haircut friday at 2pm", "free times"),
                               ("the later one", "2:30"), ("yes", "booked")), "Fri 05 Dec 14:30"),
    Talk("the second", "Asia/Kolkata", (("beard trim saturday", "free times"),
                                        ("the second", "confirm"), ("yes", "booked")),
         "Sat 06 Dec 00:", "beard"),
    Talk("past the end", NY, (("haircut tomorrow at 10", "free times"),
                              ("option 6", "only 5"), ("2", "confirm"), ("yes", "booked")),
         "Wed 03 Dec"),
    Talk("taken then the next one", NY, (("beard trim saturday at 9:15", "taken"),
                                         ("9:30", "confirm"), ("yes", "booked")),
         "Sat 06 Dec 09:30", before=("beard trim saturday at 9:15am",)),
    Talk("asap far away", "Australia/Sydney", (("haircut asap", "free times"),
                                               ("1", "confirm"), ("yes", "booked")),
         "Wed 03 Dec 02:00"),
    Talk("next available, yes asks which", NY, (("next available beard trim please", "10:00"),
                                                ("yes", "which one"),
                                                ("the first one", "confirm"),
                                                ("yes", "booked")), "Tue 02 Dec 10:00"),
    Talk("past the horizon", NY, (("haircut on 20 february", "30 days ahead"),
                                  ("1", "confirm"), ("yes", "booked")), "Tue 30 Dec"),
    Talk("hello mid-flow", NY, (("book a haircut", "when suits"), ("hello", "when suits"),
                                ("tomorrow at 3pm", "free times"), ("ok", "3:00 PM"),
                                ("1", "confirm"), ("yes", "booked")), "Wed 03 Dec 15:00"),
    Talk("thanks mid-list", LON, (("haircut thursday afternoon", "free times"),
                                  ("thanks", "welcome"), ("the last one", "confirm"),
                                  ("yes", "booked")), "Thu 04 Dec 1"),
    Talk("a bare time on the day discussed", NY, (("haircut saturday morning", "free times"),
                                                  ("what about 3pm?", "3:00 PM"),
                                                  ("1", "confirm"), ("yes", "booked")),
         "Sat 06 Dec 15:00"),
    Talk("a bare day keeps the afternoon", NY, (("beard trim thursday afternoon", "free times"),
                                                ("and friday?", "Fri 5 Dec"),
                                                ("1", "confirm"), ("yes", "booked")),
         "Fri 05 Dec 12:00"),
    Talk("another service same time", NY, (("haircut friday at 2pm", "free times"),
                                           ("actually a beard trim", "beard trim"),
                                           ("1", "beard trim"), ("yes", "booked")),
         "Fri 05 Dec 14:00", "beard"),
    Talk("a long message", CHI, (
        ("Hi there, hope you're well! I was wondering if I could get a beard trim with Jordan "
         "on Thursday at 4:30, I finish work at 4 so that would be perfect", "4:30 PM"),
        ("1", "jordan"), ("yes", "booked")), "Thu 04 Dec 16:30", "beard"),
    Talk("how are you first", NY, (("how are you?", "well"), ("book a beard trim", "when"),
                                   ("wednesday at noon", "free times"), ("noon", "12:00 PM"),
                                   ("yes", "booked")), "Wed 03 Dec 12:00"),
    Talk("good morning from Berlin", "Europe/Berlin", (
        ("good morning", "i can book"), ("haircut", "when suits"),
        ("saturday 3pm", "free times"), ("that first one please", "confirm"),
        ("yes", "booked")), "Sat 06 Dec 15:00"),
    Talk("earliest on a named day", NY, (("haircut earliest you have on friday", "9:00 AM"),
                                         ("1", "confirm"), ("yes", "booked")),
         "Fri 05 Dec 09:00"),
    Talk("earliest after the service", "America/Los_Angeles", (
        ("beard trim", "when suits"), ("earliest you have", "7:00 AM"),
        ("yes", "which one"), ("1", "confirm"), ("yes", "booked")), "Tue 02 Dec 07:00"),
    Talk("the 10:30 one", NY, (("haircut saturday at 10", "free times"),
                               ("the 10:30 one", "10:30"), ("yes", "booked")),
         "Sat 06 Dec 10:30"),
    Talk("Lord Howe summer time", "Australia/Lord_Howe", (("haircut friday at 7am", "free times"),
                                                          ("1", "7:00"), ("yes", "booked")),
         "Fri 05 Dec 07:00"),
    Talk("hey, thanks, ok, a time", NY, (("hey", "i can book"), ("thanks", "welcome"),
                                         ("haircut wednesday 11am", "free times"),
                                         ("ok", "11:00 AM"), ("yes", "which one"),
                                         ("11am", "confirm"), ("yes", "booked")),
         "Wed 03 Dec 11:00"),
    Talk("taken at opening", NY, (("haircut saturday at 9:15", "taken"),
                                  ("the earliest", "9:30"), ("yes", "booked")),
         "Sat 06 Dec 09:30", before=("haircut saturday at 9am",)),
    Talk("next week afternoons", NY, (
        ("can i book a beard trim for next week in the afternoon", "Mon 8 Dec 12:00 PM"),
        ("1", "confirm"), ("yes", "booked")), "Mon 08 Dec 12:00"),
    Talk("waitlist from London", LON, (("waitlist for saturday morning please", "which service"),
                                       ("beard trim", "waitlist")), waitlisted=True),
    Talk("another day and time", NY, (("haircut friday at 2pm", "free times"),
                                      ("how about saturday at 11?", "Sat 6 Dec 11:00 AM"),
                                      ("1", "confirm"), ("yes", "booked")), "Sat 06 Dec 11:00"),
    Talk("evening, the last one", NY, (
        ("hello, do you have anything thursday evening for a haircut?", "free times"),
        ("the last one", "6:00 PM"), ("yes", "booked")), "Thu 04 Dec 18:00"),
    Talk("Tokyo night owl", "Asia/Tokyo", (("beard trim tomorrow at 1am", "free times"),
                                           ("1", "1:00"), ("yes", "booked")),
         "Wed 03 Dec 01:00"),
    Talk("returning customer says hi", NY, (("beard trim friday at 10am", "free times"),
                                            ("1", "confirm"), ("yes", "booked"),
                                            ("hi", "your next booking")), "Fri 05 Dec 10:00"),
    Talk("bye keeps the question", NY, (("haircut", "when suits"), ("bye", "when suits"),
                                        ("thursday 2pm", "free times"), ("1", "confirm"),
                                        ("yes", "booked")), "Thu 04 Dec 14:00"),
]


def _theirs(shop: Shop, sender: str) -> list[tuple[datetime, str]]:
    rows = shop.rows("SELECT b.start_at, b.service_key FROM bookings b JOIN customers c "
                     "ON c.id = b.customer_id WHERE c.sender_id = :s AND b.status <> 'cancelled'",
                     s=sender)
    out = []
    for raw, service in rows:
        at = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
        out.append((at, str(service)))
    return out


def test_there_are_thirty_varied_conversations() -> None:
    assert len(TALKS) >= 30
    assert len({t.name for t in TALKS}) == len(TALKS)
    assert len({t.tz for t in TALKS}) >= 5


@pytest.mark.parametrize("talk", TALKS, ids=[t.name for t in TALKS])
def test_conversation_ends_as_the_customer_intended(sqlite_shop: Shop, talk: Talk) -> None:
    for line in talk.before:
        other = sqlite_shop.customer("other")
        other(line)
        other("1")
        assert "Booked!" in other("yes")
    me = sqlite_shop.customer("me", talk.tz)
    for said, gist in talk.lines:
        reply = me(said)
        assert gist.lower() in reply.lower(), (said, gist, reply)
    mine = _theirs(sqlite_shop, "me")
    if talk.booked:
        [(start, service)] = mine
        assert start.astimezone(ZoneInfo(talk.tz)).strftime("%a %d %b %H:%M").startswith(
            talk.booked)
        assert service == (talk.service or service)
    else:
        assert mine == []
    waiting = sqlite_shop.rows("SELECT count(*) FROM waitlist_entries")
    assert waiting == [(1 if talk.waitlisted else 0,)]
