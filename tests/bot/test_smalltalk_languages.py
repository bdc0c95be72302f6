"""Issue 13 point 3 in every offered language: greetings, thanks and "ok" mid-flow ("hola",
"gracias", "danke", "merci", "obrigado", "vale", "ok") get a fitting answer in the
customer's language and the flow carries on where it was. The phrases are data (the
``[smalltalk]`` table of bot/lexicons/<lang>.toml); the answers are catalog texts."""

from __future__ import annotations

from datetime import timedelta

import pytest

import i18n
from bot import smalltalk
from bot.machine import step
from bot.messages import InboundMessage
from bot.session import Offer, Purpose, Session, State
from bot.transition import Context
from tests.bot.conftest import NOW
from tests.bot.console_kit import Shop

# (language, message, kind of small talk, the English of the expected answer)
MID_FLOW = [
    ("es", "gracias", "thanks", "You're welcome!"), ("es", "muchas gracias!", "thanks",
                                                     "You're welcome!"),
    ("es", "hola", "greet", "Hello again!"), ("es", "vale", "ack", "OK."),
    ("es", "ok", "ack", "OK."), ("es", "adiós", "bye", "Bye for now! Write any time."),
    ("de", "danke", "thanks", "You're welcome!"), ("de", "vielen Dank", "thanks",
                                                   "You're welcome!"),
    ("de", "hallo", "greet", "Hello again!"), ("de", "alles klar", "ack", "OK."),
    ("de", "wie geht's?", "how", "I'm well, thanks for asking!"),
    ("fr", "merci", "thanks", "You're welcome!"), ("fr", "merci beaucoup", "thanks",
                                                   "You're welcome!"),
    ("fr", "bonjour", "greet", "Hello again!"), ("fr", "d'accord", "ack", "OK."),
    ("fr", "ça va ?", "how", "I'm well, thanks for asking!"),
    ("pt", "obrigado", "thanks", "You're welcome!"), ("pt", "muito obrigada", "thanks",
                                                      "You're welcome!"),
    ("pt", "olá", "greet", "Hello again!"), ("pt", "tá bom", "ack", "OK."),
    ("pt", "tchau", "bye", "Bye for now! Write any time."),
]


@pytest.mark.parametrize(("lang", "text", "kind", "_english"), MID_FLOW)
def test_small_talk_is_understood_in_every_language(lang: str, text: str, kind: str,
                                                    _english: str) -> None:
    assert smalltalk.kinds(text) == {kind}


@pytest.mark.parametrize("text", ["gracias, mañana a las 10", "danke, morgen um 10",
                                  "merci pour demain", "obrigado, amanhã às 10",
                                  "vale, el viernes", "ok friday"])
def test_small_talk_with_something_else_is_no_small_talk(text: str) -> None:
    assert smalltalk.kinds(text) == set()


@pytest.mark.parametrize(("lang", "text", "_kind", "english"), MID_FLOW)
def test_mid_flow_the_answer_is_in_the_customers_language_and_the_flow_goes_on(
        ctx: Context, lang: str, text: str, _kind: str, english: str) -> None:
    asking = Session(state=State.ASK_TIME, purpose=Purpose.BOOK, service_key="haircut",
                     lang=lang, updated_at=NOW)
    t = step(asking, InboundMessage("t", "u", "d1", NOW, text=text), NOW, ctx)
    expected = i18n.say(lang, english)
    assert expected != english  # translated: this is the customer's language, not English
    assert t.replies[0].text == expected
    assert t.session.state is State.ASK_TIME  # nothing changed ...
    assert t.commands == ()
    again = i18n.say(lang, "{service}: when suits you? ({zone} time) {examples}",
                     service="Haircut", zone="EST", examples="").split("(")[0]
    assert any(again in r.text for r in t.replies[1:])  # ... and the question is asked again


@pytest.mark.parametrize(("lang", "text"), [("es", "gracias"), ("de", "danke"),
                                            ("fr", "merci"), ("pt", "obrigado")])
def test_thanks_while_picking_shows_the_times_again(ctx: Context, lang: str,
                                                    text: str) -> None:
    start = NOW + timedelta(days=1, hours=1)
    picking = Session(state=State.PICK_SLOT, purpose=Purpose.BOOK, service_key="haircut",
                      lang=lang, offers=(Offer("alex", start),), updated_at=NOW)
    t = step(picking, InboundMessage("t", "u", "d1", NOW, text=text), NOW, ctx)
    assert t.replies[0].text == i18n.say(lang, "You're welcome!")
    assert t.session.state is State.PICK_SLOT
    assert t.commands == ()  # "thanks" is not a pick, even of a single time
    assert t.replies[-1].choices[0].payload == "slot:0"


@pytest.mark.parametrize(("first", "thanks", "welcome", "yes", "booked"), [
    ("quiero un haircut mañana a las 10", "gracias", "De nada", "vale", "Reservado"),
    ("ich möchte einen Termin für haircut morgen um 10", "danke", "Gern geschehen", "ja",
     "Gebucht"),
    ("je voudrais un haircut demain à 10h", "merci", "Avec plaisir", "oui", "Réservé"),
    ("quero marcar um haircut amanhã às 10", "obrigado", "De nada", "sim", "Agendado"),
])
def test_a_conversation_in_another_language_with_small_talk(
        sqlite_shop: Shop, first: str, thanks: str, welcome: str, yes: str,
        booked: str) -> None:
    ana = sqlite_shop.customer("ana", "Europe/Madrid")
    offers = ana(first)
    assert "1)" in offers
    said = ana(thanks)
    assert welcome in said
    assert "1)" in said  # the times again
    ana("1")
    assert booked in ana(yes)
    [(status,)] = sqlite_shop.rows("SELECT status FROM bookings")
    assert status == "confirmed"
