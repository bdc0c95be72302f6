"""The catalog lookup: translation, English fallback, plurals by the language's rules."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from i18n import formats
from i18n.catalogs import Catalogs

PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
"n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"

msgid "Booked: {service}."
msgstr "Reservado: {service}."

msgid "{n} seat left"
msgid_plural "{n} seats left"
msgstr[0] "{n} A"
msgstr[1] "{n} B"
msgstr[2] "{n} C"

#, fuzzy
msgid "Unsure"
msgstr "Dudoso"
"""


@pytest.fixture
def catalogs(tmp_path: Path) -> Catalogs:
    folder = tmp_path / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "bookingbot.po").write_text(PO, encoding="utf-8")
    return Catalogs(tmp_path)


def test_a_translated_text_is_filled_in(catalogs: Catalogs) -> None:
    assert catalogs.say("xx", "Booked: {service}.", service="Corte") == "Reservado: Corte."


def test_regional_and_unknown_languages_fall_back(catalogs: Catalogs) -> None:
    assert catalogs.say("xx-YY", "Booked: {service}.", service="a") == "Reservado: a."
    assert catalogs.say("zz", "Booked: {service}.", service="a") == "Booked: a."
    assert catalogs.say(None, "Not in any catalog") == "Not in any catalog"


def test_fuzzy_entries_are_not_used(catalogs: Catalogs) -> None:
    assert catalogs.say("xx", "Unsure") == "Unsure"


@pytest.mark.parametrize(("n", "expected"), [(1, "1 A"), (3, "3 B"), (5, "5 C"), (21, "21 A")])
def test_plural_forms_follow_the_catalog_rule(catalogs: Catalogs, n: int, expected: str) -> None:
    assert catalogs.say_n("xx", "{n} seat left", "{n} seats left", n) == expected
    assert catalogs.say_n("en", "{n} seat left", "{n} seats left", n).endswith(
        "seat left" if n == 1 else "seats left")


def test_languages_lists_english_and_each_catalog(catalogs: Catalogs) -> None:
    assert catalogs.languages() == ("en", "xx")


def test_formats_per_language() -> None:
    instant = datetime(2026, 12, 9, 9, 0, tzinfo=UTC)
    madrid = ZoneInfo("Europe/Madrid")
    assert formats.when(instant, ZoneInfo("America/New_York")) == "Wed 9 Dec 4:00 AM EST"
    spanish = formats.when(instant, madrid, "es")
    assert spanish.startswith("mié")
    assert "10:00" in spanish
    assert spanish.endswith("(CET)")
    assert formats.price(8000, "BRL", 2, "pt_BR").replace("\xa0", " ") == "R$ 80,00"
    assert formats.day_label(date(2026, 12, 9), "de").startswith("Mi")
