"""Intake questions through the real webhooks: the same script on the console, the signed
Telegram webhook (buttons pressed as callback queries on the Bot API double) and the
Twilio-signed SMS webhook (tests/channels/replay.py), answers checked in the database."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from core.intake import Option, Question, QuestionKind
from core.model import Service
from core.money import Money
from db.catalog import sync_business
from tests.channels.replay import CHANNELS, Replay, replay, replay_business

# A consultation with Alex that asks two questions (the replay shop's other services ask none).
CONSULT = Service("consult", "Consultation", timedelta(minutes=30), Money(0, "USD"),
                  Money(0, "USD"), questions=(
                      Question("goal", "What would you like to change?"),
                      Question("length", "How long is your hair now?", QuestionKind.CHOICE,
                               options=(Option("Short"), Option("Medium"), Option("Long")))))


def _with_consult(r: Replay) -> None:
    base = replay_business()
    providers = tuple(replace(p, services=p.services | {"consult"}) if p.key == "alex" else p
                      for p in base.providers)
    business = replace(base, services=(*base.services, CONSULT), providers=providers)
    with r.shop.db.sessions() as s, s.begin():
        sync_business(s, business, raw_text="", now=r.shop.clock())


@pytest.mark.parametrize("channel", CHANNELS)
def test_intake_questions_on_every_channel(channel: str, tmp_path: Path) -> None:
    with replay(channel, tmp_path) as r:
        _with_consult(r)
        jo = r.customer()
        assert "free times" in jo("consultation tomorrow at 10am")
        asked = jo("1")
        assert "Before you confirm, 2 questions." in asked, asked
        assert "(1/2) What would you like to change?" in asked
        second = jo("shorter, with a fringe")
        assert "(2/2) How long is your hair now?" in second, second
        assert "Please pick one of the options" in jo("purple")
        summary = jo("3")  # a button on Telegram, the number on SMS and the console
        assert "- How long is your hair now? Long" in summary, summary
        assert "Confirm?" in summary
        assert "Booked!" in jo("yes")
        rows = r.shop.rows("SELECT question_key, answer FROM booking_answers ORDER BY position")
        assert rows == [("goal", "shorter, with a fringe"), ("length", "Long")]
