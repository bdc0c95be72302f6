"""Intents in each language, read from bot/lexicons/<lang>.toml: accents optional, typos close."""

from __future__ import annotations

import pytest

from bot import intents, who
from bot.intents import Intent

DETECTED = [
    # Spanish
    ("quiero una cita mañana a las 10", Intent.BOOK), ("quiero una cita manana", Intent.BOOK),
    ("cancelar mi cita", Intent.CANCEL), ("quiero cambiar mi cita", Intent.RESCHEDULE),
    ("mis citas", Intent.LIST), ("¿cuándo es mi cita?", Intent.LIST),
    ("lista de espera", Intent.WAITLIST), ("ayuda", Intent.HELP), ("hola", Intent.GREET),
    ("buenos dias", Intent.GREET), ("reprogarmar", Intent.RESCHEDULE),
    # German
    ("Ich möchte einen Termin morgen um 10", Intent.BOOK),
    ("Termin verschieben", Intent.RESCHEDULE),
    ("meinen Termin stornieren", Intent.CANCEL), ("meine Termine", Intent.LIST),
    ("Warteliste bitte", Intent.WAITLIST), ("Hilfe", Intent.HELP), ("Guten Morgen", Intent.GREET),
    ("Termin ändern", Intent.RESCHEDULE), ("Termin andern", Intent.RESCHEDULE),
    ("storneiren", Intent.CANCEL),
    # French
    ("je voudrais un rendez-vous demain à 15h", Intent.BOOK),
    ("annuler mon rendez-vous", Intent.CANCEL), ("déplacer mon rdv", Intent.RESCHEDULE),
    ("deplacer mon rdv", Intent.RESCHEDULE), ("mes rendez-vous", Intent.LIST),
    ("liste d'attente", Intent.WAITLIST), ("aide", Intent.HELP), ("bonjour", Intent.GREET),
    ("anuler", Intent.CANCEL),
    # Portuguese
    ("quero marcar amanhã às 10", Intent.BOOK), ("cancelar minha marcação", Intent.CANCEL),
    ("remarcar", Intent.RESCHEDULE), ("reagendar para sexta", Intent.RESCHEDULE),
    ("meus agendamentos", Intent.LIST), ("lista de espera", Intent.WAITLIST),
    ("ajuda", Intent.HELP), ("olá", Intent.GREET), ("oi", Intent.GREET),
    ("desmarcra", Intent.CANCEL),
    # English stays as it was
    ("cancel my booking", Intent.CANCEL), ("reshedule", Intent.RESCHEDULE), ("hi", Intent.GREET),
    ("STOP", Intent.STOP), ("my bookings", Intent.LIST),
]


@pytest.mark.parametrize(("text", "intent"), DETECTED)
def test_intent_in_each_language(text: str, intent: Intent) -> None:
    assert intents.detect(text) is intent


@pytest.mark.parametrize("text", ["sí", "si", "vale", "sí, por favor", "de acuerdo", "ja",
                                  "ja gerne", "passt", "genau", "oui", "d'accord", "oui merci",
                                  "sim", "pode ser", "claro", "combinado", "yes please"])
def test_yes_in_each_language(text: str) -> None:
    assert intents.is_yes(text)
    assert not intents.is_no(text)


@pytest.mark.parametrize("text", ["no", "no gracias", "nein", "nein danke", "non", "non merci",
                                  "não", "nao obrigado", "nope"])
def test_no_in_each_language(text: str) -> None:
    assert intents.is_no(text)
    assert not intents.is_yes(text)


@pytest.mark.parametrize("text", ["sí no", "ja nicht", "oui mais pas", "sim não"])
def test_a_negation_is_never_a_yes(text: str) -> None:
    assert not intents.is_yes(text)


@pytest.mark.parametrize("text", ["más", "mas horas", "mehr", "andere Zeiten", "plus",
                                  "d'autres horaires", "mais", "outros horários"])
def test_more_offers_in_each_language(text: str) -> None:
    assert intents.is_more(text)


@pytest.mark.parametrize("text", ["olvídalo", "abbrechen", "laisse tomber", "esquece"])
def test_abort_in_each_language(text: str) -> None:
    assert intents.is_abort(text)


@pytest.mark.parametrize("text", ["me da igual", "egal wer", "peu importe", "tanto faz"])
def test_anyone_in_each_language(text: str) -> None:
    assert who.match_provider(text, ()) == who.ANYONE


@pytest.mark.parametrize(("text", "lang"), [("quiero una cita", "es"), ("Termin buchen", "de"),
                                            ("annuler mon rendez-vous", "fr"),
                                            ("meus agendamentos", "pt"),
                                            ("cancel my booking", "en")])
def test_keyword_scores_name_the_language(text: str, lang: str) -> None:
    scores = intents.keyword_scores(text)
    assert max(scores, key=lambda code: scores[code]) == lang


def test_every_language_file_has_every_table() -> None:
    table = intents.tables()
    assert set(table.by_language) == {"en", "es", "de", "fr", "pt"}
    for intent in (Intent.BOOK, Intent.CANCEL, Intent.RESCHEDULE, Intent.LIST, Intent.WAITLIST):
        phrases = dict(table.phrases)[intent]
        assert all(any(p in table.by_language[code] for p in " ".join(phrases).split())
                   for code in table.by_language), intent
