"""Texts sent outside the conversation follow the customer's language: notices rendered by
the worker (from the recipient's ``lang``), the SMS/WhatsApp footer (from the reply's),
the Stripe return page (from the browser's Accept-Language)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from starlette.requests import Request

from adapters.payments.webhook import returned
from bookingbot.notify_texts import render
from bot.messages import Choice, Reply
from channels.sms.render import render as sms_render
from core.booking import Booking, BookingStatus, Interval
from core.notifications import Audience, BookingFacts, Kind, Notice, Recipient
from i18n import browser_language

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
START = datetime(2026, 12, 9, 13, 0, tzinfo=UTC)  # Wed 9 Dec, 10:00 in São Paulo


def _facts(recipient: Recipient) -> BookingFacts:
    b = Booking("b1", "ana", "cut", "c1", "whatsapp", START, START + timedelta(hours=1),
                Interval(START, START + timedelta(hours=1)), BookingStatus.CONFIRMED,
                START - timedelta(days=1), paid_minor=8000, currency="BRL")
    return BookingFacts(b, recipient, None, "Corte", "Ana")


def _customer(lang: str | None) -> Recipient:
    return Recipient(Audience.CUSTOMER, "whatsapp", "whatsapp:+5511999990000", SAO_PAULO,
                     customer_id="c1", lang=lang)


def test_a_notice_is_written_for_its_recipients_language() -> None:
    who = _customer("pt_BR")
    notice = Notice(Kind.PAYMENT_RECEIVED, who, "b1", START, data=(("amount_minor", "8000"),))
    message = render(notice, _facts(who))
    assert message.lang == "pt_BR"  # WhatsApp picks the template of this language
    assert "R$\xa080,00" in message.text
    assert "qua., 9 de dez., 10:00 (UTC-03)" in message.text
    assert message.variables[0] == "R$\xa080,00"  # the template's values are localised too


def test_without_a_language_the_notice_stays_english() -> None:
    who = _customer(None)
    notice = Notice(Kind.PAYMENT_RECEIVED, who, "b1", START, data=(("amount_minor", "8000"),))
    message = render(notice, _facts(who))
    assert message.text == "Payment of 80.00 BRL received for Corte, Wed 9 Dec 10:00 AM UTC-03. " \
                           "Thank you!"
    assert message.lang is None


def test_sms_footer_is_in_the_replys_language() -> None:
    reply = Reply("x", (Choice("Sí", "yes"), Choice("No", "no")), lang="es")
    footer = sms_render(reply).splitlines()[-1]
    english = sms_render(Reply("x", reply.choices)).splitlines()[-1]
    assert english == "Reply YES or NO"
    assert footer == "Responde SI o NO"  # GSM-7 on SMS: the accent goes, one segment stays
    letters = Reply("x", (Choice("Confirmar", "c"), Choice("Cancelar", "x")), lang="es")
    assert sms_render(letters).splitlines()[-1] == "Responde C para confirmar o X para cancelar"


def test_stored_replies_keep_their_language() -> None:
    reply = Reply("hola", (Choice("Sí", "yes"),), lang="es")
    assert Reply.from_json(reply.to_json()) == reply
    assert "lang" not in Reply("hi").to_json()  # rows written before languages read the same
    assert Reply.from_json({"text": "hi", "choices": []}).lang is None


def test_browser_language_picks_an_offered_catalog() -> None:
    assert browser_language("") == "en"
    assert browser_language("zz-ZZ,zz;q=0.8") == "en"
    assert browser_language("en-GB,en;q=0.9") == "en"


def _return_page(query: str, accept: str) -> tuple[str, str]:
    scope = {"type": "http", "method": "GET", "path": "/stripe/return",
             "query_string": query.encode(), "headers": [(b"accept-language", accept.encode())]}
    page = asyncio.run(returned(Request(scope)))
    return bytes(page.body).decode(), page.headers["content-language"]


def test_payment_return_page_names_its_language() -> None:
    assert _return_page("result=paid", "en-US") == (
        "Thank you! Your confirmation will arrive in the chat in a moment.", "en")
