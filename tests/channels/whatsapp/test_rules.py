"""The 24-hour window and template choice with an injected clock, against the Twilio double."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.messages import Choice, Reply
from channels.twilio.optout import NoOptOuts
from channels.whatsapp import Templates, WhatsAppSender, to_whatsapp
from channels.whatsapp.render import render
from channels.whatsapp.window import MARGIN, WINDOW, inside
from core.errors import PermanentSendError
from core.notifications import Outgoing
from tests.channels.conftest import NOW
from tests.channels.doubles import FakeTwilio
from tests.jobs.harness import Clock

TOKEN = "twilio-auth-token"
FROM = "+14155238886"
ANN = "whatsapp:+447911123456"
OFFER = Outgoing("waitlist_offer", ANN, "A slot opened: Haircut with Bob, Wed 9 Jan 9:00 AM GMT.",
                 (("Yes, book it", "yes"), ("No thanks", "no")),
                 ("Haircut", "Bob", "Wed 9 Jan 9:00 AM GMT", "15"), "es")


class OneWindow:
    """Ann last wrote at ``at`` (None: never)."""

    def __init__(self, at: object) -> None:
        self.at = at
        self.closed = False

    def record(self, address: str, delivery_id: str, at: object) -> None:
        raise AssertionError("a sender never records inbound messages")

    def last_inbound(self, address: str) -> object:
        assert address == ANN
        return self.at

    def close(self, address: str) -> None:
        self.closed = True


def sender(fake: FakeTwilio, clock: Clock, window: OneWindow,
           templates: Templates) -> WhatsAppSender:
    return WhatsAppSender(fake.account_sid, TOKEN, FROM, opt_outs=NoOptOuts(),
                          windows=window, templates=templates,  # type: ignore[arg-type]
                          clock=clock, api_base_url=fake.base)


@pytest.mark.parametrize(("age", "open_"), [
    (timedelta(0), True), (WINDOW - MARGIN - timedelta(seconds=1), True),
    (WINDOW - MARGIN, False), (WINDOW, False), (timedelta(days=3), False),
    (-timedelta(seconds=1), False),  # a clock behind the record: not trusted
])
def test_window_edges(age: timedelta, open_: bool) -> None:
    assert inside(NOW - age, NOW) is open_
    assert not inside(None, NOW)


@pytest.mark.parametrize(("age", "expect"), [
    (timedelta(hours=23), "free-form"),
    (timedelta(hours=23, minutes=56), "template"),  # inside 24 h, but inside the margin too
    (timedelta(hours=25), "template"),
    (None, "template"),  # never wrote on WhatsApp
])
def test_inside_free_form_outside_template(fake_twilio: FakeTwilio, age: timedelta | None,
                                           expect: str) -> None:
    window = OneWindow(None if age is None else NOW - age)
    templates = Templates({"waitlist_offer": {"en": "HXen", "es": "HXes"}})
    with sender(fake_twilio, Clock(NOW), window, templates) as s:
        s.send_notification(OFFER)
    [sent] = fake_twilio.sent()
    assert sent["To"] == ANN
    assert sent["From"] == "whatsapp:" + FROM
    if expect == "free-form":
        text, footer = sent["Body"].split("\n")  # the text as given, the footer in its lang
        assert text == "A slot opened: Haircut with Bob, Wed 9 Jan 9:00 AM GMT."
        assert footer == "Responde SÍ o NO"
        assert "ContentSid" not in sent
    else:
        assert sent["ContentSid"] == "HXes"  # the customer's language
        assert sent["ContentVariables"] == {"1": "Haircut", "2": "Bob",
                                            "3": "Wed 9 Jan 9:00 AM GMT", "4": "15"}


def test_the_window_is_read_at_send_time(fake_twilio: FakeTwilio) -> None:
    clock = Clock(NOW)
    window = OneWindow(NOW - timedelta(hours=20))
    with sender(fake_twilio, clock, window, Templates({"waitlist_offer": {"en": "HX1"}})) as s:
        s.send_notification(OFFER)
        clock.advance(timedelta(hours=5))
        s.send_notification(OFFER)
    first, second = fake_twilio.sent()
    assert "Body" in first
    assert "ContentSid" not in first
    assert second["ContentSid"] == "HX1"  # no "es" template: English beats nothing


def test_no_template_outside_the_window_is_refused_before_any_call(
        fake_twilio: FakeTwilio) -> None:
    with sender(fake_twilio, Clock(NOW), OneWindow(None), Templates()) as s, \
            pytest.raises(PermanentSendError, match="no template configured for "
                                                    "'waitlist_offer' \\(es\\)"):
        s.send_notification(OFFER)
    with sender(fake_twilio, Clock(NOW), OneWindow(None), Templates()) as s, \
            pytest.raises(PermanentSendError, match="outside the 24-hour window"):
        s.send(ANN, "hello")
    assert fake_twilio.requests == []


def test_template_language_fallbacks() -> None:
    t = Templates({"reminder": {"en": "HXen", "pt": "HXpt"}})
    assert t.pick("reminder", "pt-BR") == "HXpt"
    assert t.pick("reminder", "pt_BR") == "HXpt"
    assert t.pick("reminder", "de") == "HXen"
    assert t.pick("reminder", None) == "HXen"
    assert t.pick("waitlist_offer", "en") is None
    assert Templates({"reminder": {"de": "HXde"}}).pick("reminder", "fr") is None


def test_addresses() -> None:
    assert to_whatsapp("whatsapp:+44 7911 123456") == ANN
    assert to_whatsapp("+447911123456") == ANN
    assert to_whatsapp("WhatsApp:+447911123456") == ANN
    assert to_whatsapp("whatsapp:SALONCO") is None
    assert to_whatsapp("") is None


def test_text_keeps_unicode_and_offers_cancel_as_a_word() -> None:
    reply = Reply("¿Cuándo? “Mañana” — 10:00",
                  (Choice("Mié 10:00", "slot:1"), Choice("Cancelar", "cancel")))
    assert render(reply) == "¿Cuándo? “Mañana” — 10:00\n1) Mié 10:00\nReply 1 or CANCEL"
