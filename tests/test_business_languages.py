"""Issue 14 in the business file: ``languages: {default, offered}`` and service names and
aliases per language, checked with the same file:line: key.path: message reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bookingbot.bootstrap import database
from bookingbot.business_file import parse_business
from core.model import Languages
from db.catalog import load_business, sync_business
from tests.db.conftest import BACKENDS, fresh_database
from tests.test_business_file import BASE, edit, only_problem, problems

LANGS = "languages:\n  default: es\n  offered: [es, en]\n"
NAMED = edit("    name: Haircut\n", "    name: {es: Corte de pelo, en: Haircut}\n",
             edit("    aliases: [cut, trim]\n", "    aliases: {es: [corte], en: [cut, trim]}\n"))


def test_without_the_section_english_and_every_catalog() -> None:
    business = parse_business(BASE)
    assert business.languages == Languages()
    assert business.services[0].names == ()


def test_languages_and_names_per_language() -> None:
    business = parse_business(NAMED + LANGS)
    assert business.languages == Languages("es", ("es", "en"))
    cut = business.services[0]
    assert (cut.key, cut.name) == ("haircut", "Corte de pelo")  # the default language's
    assert cut.name_in("en") == "Haircut"
    assert cut.name_in("pt") == "Corte de pelo"  # not given: the default language's name
    assert set(cut.aliases) == {"corte", "cut", "trim"}  # understood in every language


def test_only_a_default_offers_every_catalog_and_only_offered_defaults_to_the_first() -> None:
    assert parse_business(BASE + "languages:\n  default: de\n").languages == Languages(
        "de", ("en", "de", "es", "fr", "pt"))
    assert parse_business(BASE + "languages:\n  offered: [fr, en]\n").languages == Languages(
        "fr", ("fr", "en"))


@pytest.mark.parametrize(("section", "expected"), [
    ("languages:\n  default: de\n  offered: [es, en]\n",
     ("languages", 31, 'the default language "de" is not in offered: (es, en); add it there')),
    ("languages:\n  default: es\n  offered: [es, xx]\n",
     ("languages.offered[1]", 33, '"xx" is not a language the bot can speak; use one of: '
      "en, de, es, fr, pt")),
    ("languages:\n  default: klingon\n",
     ("languages.default", 32, '"klingon" is not a language the bot can speak; use one of: '
      "en, de, es, fr, pt")),
    ("languages:\n  offered: []\n", ("languages", 31, "offered: list at least one language")),
    ("languages:\n  defualt: es\n",
     ("languages.defualt", 32, 'unknown key "defualt"; did you mean "default"?')),
])
def test_language_section_problems(section: str, expected: tuple[str, int, str]) -> None:
    assert only_problem(BASE + section) == expected


def test_names_must_use_offered_languages_and_include_the_default() -> None:
    text = edit("    name: {es: Corte de pelo, en: Haircut}\n",
                "    name: {en: Haircut, fr: Coupe}\n", NAMED) + LANGS
    assert problems(text) == [
        ("services[0].name.fr", 7, '"fr" is not an offered language (offered: es, en)'),
        ("services[0].name", 7, 'give the name in the default language "es" too'),
    ]


def test_a_name_in_one_language_may_not_be_another_services_alias() -> None:
    text = edit("    name: Beard Trim\n", "    name: {es: Corte, en: Beard Trim}\n",
                NAMED + LANGS)
    assert problems(text) == [("services[1].name.es", 12, 'name "Corte" is already the alias of '
                      "services[0]; a customer typing it would be ambiguous")]
    # The control: with the alias renamed the same file is fine.
    fixed = parse_business(edit("{es: [corte]", "{es: [cortito]", text))
    assert fixed.services[1].name == "Corte"


@pytest.mark.parametrize("backend", BACKENDS)
def test_names_and_languages_survive_the_database(backend: str, tmp_path: Path) -> None:
    business = parse_business(NAMED + LANGS)
    with fresh_database(backend, tmp_path) as url:
        db = database(url)
        try:
            at = datetime(2030, 1, 1, tzinfo=UTC)
            with db.sessions() as s, s.begin():
                sync_business(s, business, raw_text="x", now=at)
            with db.sessions() as s:
                loaded = load_business(s)
            assert loaded is not None
            assert loaded.languages == business.languages
            assert loaded.services[0].names == (("es", "Corte de pelo"), ("en", "Haircut"))
            # The same file again changes nothing: names compare equal to what is stored.
            with db.sessions() as s, s.begin():
                report = sync_business(s, business, raw_text="x", now=at + timedelta(days=1))
            assert not report.changed
        finally:
            db.close()
