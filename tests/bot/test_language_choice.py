"""The first message that clearly is in a language decides the language of the answers."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from bookingbot.bootstrap import database
from bookingbot.chat import make_runner
from bot import language, replies
from bot.messages import InboundMessage, Reply
from bot.runner import Runner
from db.catalog import sync_business
from tests.bot.conftest import NOW, make_business
from tests.db.conftest import fresh_database

OFFERED = ("en", "es", "de", "fr", "pt")
_ids = itertools.count()


@pytest.mark.parametrize(("text", "lang"), [
    ("quiero una cita mañana a las 10", "es"), ("hola", "es"), ("morgen um 10", "de"),
    ("Hallo", "de"), ("demain à 15h", "fr"), ("bonjour", "fr"), ("amanhã às 10", "pt"),
    ("olá", "pt"), ("book a haircut tomorrow at 10", "en"), ("cancel my booking", "en"),
])
def test_a_clear_message_names_its_language(text: str, lang: str) -> None:
    assert language.detect(text, OFFERED) == lang


@pytest.mark.parametrize("text", ["10:30", "hi", "ok", "Corte de pelo", "3"])
def test_an_unclear_message_decides_nothing(text: str) -> None:
    assert language.detect(text, OFFERED) is None


def test_only_offered_languages_are_chosen() -> None:
    assert language.detect("quiero una cita mañana a las 10", ("en", "de")) is None


@pytest.fixture
def runner(tmp_path: Path) -> Iterator[Runner]:
    with fresh_database("sqlite", tmp_path) as url:
        d = database(url)
        with d.sessions() as s, s.begin():
            sync_business(s, make_business(), raw_text="", now=NOW)
        r = make_runner(d)
        r.clock = lambda: NOW
        yield r
        d.close()


def _say(runner: Runner, text: str, sender: str) -> list[Reply]:
    return runner.handle(InboundMessage("test", sender, f"d{next(_ids)}", NOW, text=text))


@pytest.mark.parametrize(("greeting", "lang"), [("hola", "es"), ("Hallo", "de"),
                                                ("bonjour", "fr"), ("olá", "pt")])
def test_first_message_answered_in_its_language(runner: Runner, greeting: str,
                                                lang: str) -> None:
    out = _say(runner, greeting, f"s-{lang}")
    expected = replies.help_text(make_business(), lang).text
    assert expected != replies.help_text(make_business(), "en").text  # the catalog translates
    assert out[0].text == expected
    assert out[0].lang == lang
    # The language stays with the conversation: a later "hi" is still answered in it.
    assert _say(runner, "hi", f"s-{lang}")[0].text == expected


def test_an_undecided_first_message_gets_the_default(runner: Runner) -> None:
    out = _say(runner, "hi", "s-en")
    assert out[0].text == replies.help_text(make_business(), None).text
