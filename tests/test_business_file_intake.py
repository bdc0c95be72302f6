"""Intake questions in the business file: examples/clinic.yaml, each check with its line
(all reported in one run), the catalog round trip, and an edited question that leaves the
answers already given as they were asked."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from bookingbot.business.schema import QuestionIn
from bookingbot.business_file import load_business_file, parse_business
from core.booking import Actor
from core.intake import Option, Question, QuestionKind
from core.usecases import confirm, hold_slot
from core.usecases.intake import save_answers
from db.catalog import load_business, sync_business
from db.customers import SqlCustomerRepository
from db.engine import make_engine
from db.migrate import upgrade
from db.uow import SqlUnitOfWork, session_factory
from tests.test_business_file import BASE, edit, only_problem, problems

ROOT = Path(__file__).resolve().parents[1]
CLINIC = ROOT / "examples" / "clinic.yaml"
HAIRCUT = "    aliases: [cut, trim]\n"  # line 10: the questions go after it, from line 11


def with_questions(*lines: str, text: str = BASE) -> str:
    return edit(HAIRCUT, HAIRCUT + "    questions:\n" + "".join(f"{x}\n" for x in lines), text)


def test_the_clinic_example_asks_three_questions() -> None:
    business, _ = load_business_file(CLINIC)
    physio = business.service("physio")
    assert physio is not None
    injuries, first, referral = physio.questions
    assert injuries == Question("injuries", "Any injuries we should know about?",
                                QuestionKind.TEXT, True,
                                (("en", "Any injuries we should know about?"),
                                 ("es", "¿Alguna lesión que debamos conocer?")))
    assert (first.kind, first.required, first.text_in("es")) == (
        QuestionKind.YES_NO, True, "¿Es su primera visita?")
    assert (referral.kind, referral.required) == (QuestionKind.CHOICE, False)
    assert referral.options == (Option("No", (("es", "No"),)),
                                Option("GP", (("es", "Médico de cabecera"),)),
                                Option("Specialist", (("es", "Especialista"),)))
    assert referral.options[1].label_in("es-MX") == "Médico de cabecera"
    facial = business.service("facial")
    assert facial is not None
    assert facial.questions == ()


def test_a_plain_text_question_needs_only_key_and_text() -> None:
    business = parse_business(with_questions("      - key: allergies",
                                             "        text: Any allergies?",
                                             "        required: false"))
    haircut = business.service("haircut")
    assert haircut is not None
    assert haircut.questions == (Question("allergies", "Any allergies?", required=False),)


def test_every_problem_with_its_line_in_one_run() -> None:
    text = with_questions(
        "      - key: injuries",                               # 12
        "        text: Any injuries?",                         # 13
        "        required: maybe",                             # 14
        "      - key: injuries",                               # 15
        "        text: Again?",                                # 16
        "        kind: yesno",                                 # 17
        "      - key: level",                                  # 18
        "        text: Level?",                                # 19
        "        kind: choice",                                # 20
        "        options: {en: [Beginner, Regular], fr: [Débutant]}",  # 21
        "      - key: colour",                                 # 22
        "        text: Colour?",                               # 23
        "        options: [red, blue]",                        # 24
        "      - key: size",                                   # 25
        "        text: Size?",                                 # 26
        "        kind: choice",                                # 27
        "      - text: Without a key?",                        # 28
        "      - key: twice",                                  # 29
        "        text: Pick",                                  # 30
        "        kind: choice",                                # 31
        "        options: [Short, short]",                     # 32
    )
    text = edit("cancellation_policy:", "languages: {default: en, offered: [en, es]}\n"
                "cancellation_policy:", text)
    assert problems(text) == [
        ("services[0].questions[0].required", 14, '"maybe" should be true or false'),
        ("services[0].questions[1].key", 15,
         'question key "injuries" is already used by questions[0]'),
        ("services[0].questions[1].kind", 17,
         '"yesno" is not a question kind; use one of: text, yes_no, choice'),
        ("services[0].questions[2].options.fr", 21,
         '"fr" is not an offered language (offered: en, es)'),
        ("services[0].questions[2].options.fr", 21,
         "lists 1 answer but the default language lists 2; give the same answers in the "
         "same order"),
        ("services[0].questions[3].options", 24,
         'is only used with kind: choice (kind is "text")'),
        ("services[0].questions[4]", 25,
         "kind: choice needs options: (the answers to choose from)"),
        ("services[0].questions[5]", 28, 'missing required key "key"'),
        ("services[0].questions[6].options[1]", 32, '"short" is listed twice'),
    ]


def test_per_language_text_must_include_the_default() -> None:
    text = with_questions("      - key: allergies",
                          '        text: {es: "¿Alergias?"}')
    assert only_problem(text) == ("services[0].questions[0].text", 13,
                                  'give the text in the default language "en" too')


def test_the_questions_survive_the_catalog_and_old_answers_keep_their_question(
        tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    upgrade(url)
    business, raw = load_business_file(CLINIC)
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # a Tuesday
    engine = make_engine(url)
    try:
        sessions = session_factory(engine)
        with sessions.begin() as s:
            sync_business(s, business, raw_text=raw, now=now)
        with sessions() as s:
            stored = load_business(s)
        assert stored is not None
        assert [sv.questions for sv in stored.services] == [
            sv.questions for sv in business.services]
        with sessions.begin() as s:
            customer = SqlCustomerRepository(s).get_or_create("console", "ann", now=now)
        actor = Actor("customer", customer.id, "console")
        start = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
        hold = hold_slot(SqlUnitOfWork(sessions), service_key="physio", provider_key="priya",
                         start=start, customer_id=customer.id, actor=actor, now=now)
        save_answers(SqlUnitOfWork(sessions), hold.id, actor=actor, now=now,
                     given=[("injuries", "none"), ("first_visit", "yes")])
        confirm(SqlUnitOfWork(sessions), hold.id, actor=actor, now=now)
        # The owner rewords a question: the answer given stays with the question asked.
        reworded = raw.replace("en: Any injuries we should know about?",
                               "en: Any injuries or conditions?")
        assert reworded != raw
        later, _ = load_business_file(_write(tmp_path, reworded))
        with sessions.begin() as s:
            sync_business(s, later, raw_text=reworded, now=now + timedelta(hours=1))
        with SqlUnitOfWork(sessions) as uow:
            kept = uow.intake.of_booking(hold.id)
    finally:
        engine.dispose()
    assert [(a.key, a.question, a.value) for a in kept] == [
        ("injuries", "Any injuries we should know about?", "none"),
        ("first_visit", "Is this your first visit with us?", "yes")]


def _write(folder: Path, text: str) -> Path:
    path = folder / "clinic.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_readme_documents_every_question_key_with_an_example_that_parses() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("### Intake questions")
    section = readme[start:readme.index("\n### ", start + 1)]
    for name in QuestionIn.model_fields:
        assert re.search(rf"\b{name}:", section), name
    example = section.split("```yaml\n")[1].split("```")[0]
    doc = yaml.safe_load(example)
    doc["business"] = {"name": "Clinic", "timezone": "Europe/London", "currency": "GBP"}
    doc["providers"] = [{"name": "Priya", "hours": {"mon": "09:00-17:00"}}]
    business = parse_business(yaml.safe_dump(doc, allow_unicode=True), source="readme.yaml")
    assert [(q.key, q.kind, q.required) for q in business.services[0].questions] == [
        ("injuries", QuestionKind.TEXT, True), ("first_visit", QuestionKind.YES_NO, True),
        ("referral", QuestionKind.CHOICE, False)]
