"""Time phrases in Spanish, German, French and Portuguese; language detection; numeric
dates by locale and the ambiguous reading; the lexicon files as the only per-language code."""

from __future__ import annotations

import dataclasses
import io
import json
import random
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.timeparse import Reading, detect_language, parse_time, read_time
from bot.timeparse.cli import run
from bot.timeparse.dateorder import PLAUSIBLE_DAYS, locale_order, zone_order
from bot.timeparse.gate import DIGIT, Rewrite, required_words
from bot.timeparse.lexicon import _compile, fold, lexicons

HERE = Path(__file__).resolve().parent
LANGS = ("es", "de", "fr", "pt")
DST_ZONES = {
    "Europe/Madrid", "Europe/Berlin", "Europe/Paris", "America/Sao_Paulo", "America/New_York",
}  # fmt: skip


def _load(name: str) -> list[dict[str, Any]]:
    text = (HERE / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line]


CORPORA = {lang: _load(f"time_corpus_{lang}.jsonl") for lang in LANGS}
HELDOUT = {lang: _load(f"time_heldout_{lang}.jsonl") for lang in (*LANGS, "en")}
# Hand-written probe of customer phrasings in all five languages (tests/bot/probe_phrases.py).
PROBE = _load("time_probe_2026_12.jsonl")
CASES = (
    [c for lang in LANGS for c in CORPORA[lang]]
    + [c for s in HELDOUT.values() for c in s]
    + PROBE
)


def _got(case: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    window = parse_time(
        case["text"],
        now=datetime.fromisoformat(case["now"]),
        tz=ZoneInfo(case["tz"]),
        lang=case.get("lang"),
    )
    if window is None:
        return None, None, None
    return window.start.isoformat(), window.end.isoformat(), window.grain


@pytest.mark.parametrize("lang", LANGS)
def test_each_corpus_is_big_and_spans_zones_and_dst(lang: str) -> None:
    cases = CORPORA[lang]
    assert len(cases) >= 250
    assert len({c["text"] for c in cases}) >= 250
    assert len({c["tz"] for c in cases}) >= 2
    assert {c["tz"] for c in cases} & DST_ZONES
    assert any(not c.get("lang") for c in cases), "detection must be exercised"
    offsets = {datetime.fromisoformat(c["start"]).utcoffset() for c in cases if c["start"]}
    assert len(offsets) >= 2, "expected answers on both sides of a DST change"
    assert any(not c["text"].isascii() for c in cases)
    assert any(c["text"].isascii() for c in cases)


def test_probe_corpus_spans_languages_zones_and_dst_days() -> None:
    assert len(PROBE) >= 250
    assert len({c["tz"] for c in PROBE}) >= 8
    assert {c.get("lang") for c in PROBE} >= {None, *LANGS, "en"}
    # "now" on or next to each 2026 DST change: US, EU, Sydney (both ways).
    days = {c["now"][:10] for c in PROBE}
    assert days >= {"2026-03-08", "2026-03-29", "2026-10-25", "2026-11-01"}
    assert days >= {"2026-04-04", "2026-10-03"}
    keys = [(c["text"], c["now"], c["tz"]) for c in PROBE]
    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{i}:{c['tz']}:{c['text']!r}" for i, c in enumerate(CASES)]
)
def test_corpus(case: dict[str, Any]) -> None:
    assert _got(case) == (case["start"], case["end"], case["grain"])


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("quiero una cita mañana a las 10", "es"),
        ("el jueves por la tarde", "es"),
        ("morgen um 10", "de"),
        ("übermorgen vormittags", "de"),
        ("demain à 15h", "fr"),
        ("après-demain en fin de matinée", "fr"),
        ("amanhã às 10", "pt"),
        ("depois de amanhã de manhã", "pt"),
        ("see you monday at 3", "en"),
        ("3pm EST", "en"),
        ("10am IST", "en"),
        ("sat am", "en"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_detect_language_without_evidence_uses_the_hint_or_gives_none() -> None:
    assert detect_language("10:30") is None
    assert detect_language("10:30", hint="pt-BR") == "pt"
    assert detect_language("sábado") in ("es", "pt")
    assert detect_language("sábado", hint="pt-BR") == "pt"


NOW = datetime(2026, 5, 13, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("quiero una cita mañana a las 10", None, "2026-05-14T10:00:00+02:00"),
        ("morgen um 10", None, "2026-05-14T10:00:00+02:00"),
        ("demain à 15h", None, "2026-05-14T15:00:00+02:00"),
        ("amanhã às 10", None, "2026-05-14T10:00:00+02:00"),
        ("manana a las 10", "es", "2026-05-14T10:00:00+02:00"),
        ("tomorrow at 10", "de", "2026-05-14T10:00:00+02:00"),  # English still understood
        ("mañana a las 10", "en", "2026-05-14T10:00:00+02:00"),  # the customer switched language
    ],
)
def test_whole_sentences_from_the_issue(text: str, lang: str | None, expected: str) -> None:
    window = parse_time(text, now=NOW, tz=ZoneInfo("Europe/Madrid"), lang=lang)
    assert window is not None
    assert window.start.isoformat() == expected


def _read(text: str, zone: str, now: str, **kw: Any) -> Reading:
    tz = ZoneInfo(zone)
    return read_time(text, now=datetime.fromisoformat(now).replace(tzinfo=tz), tz=tz, **kw)


def test_fourteenth_of_august_from_india() -> None:
    reading = _read("14/8 at 4", "Asia/Kolkata", "2026-05-13T10:00")
    assert reading.window is not None
    assert reading.window.start.isoformat() == "2026-08-14T16:00:00+05:30"


@pytest.mark.parametrize("now", ["2026-05-13T10:00", "2026-12-07T10:00", "2026-02-01T10:00"])
def test_twelve_one_from_sydney_is_twelfth_of_january(now: str) -> None:
    reading = _read("12/1", "Australia/Sydney", now)
    assert reading.window is not None
    assert reading.window.start.date().isoformat().endswith("-01-12")


def test_unambiguous_dates_read_one_way_whatever_the_locale() -> None:
    for locale in (None, "en-US", "en-GB", "pt-BR"):
        for text in ("14/8", "8/14"):
            reading = _read(text, "America/New_York", "2026-05-13T10:00", locale=locale)
            assert reading.window is not None, (text, locale)
            assert reading.window.start.isoformat() == "2026-08-14T00:00:00-04:00"


def test_ambiguous_date_in_zone_only_context_asks_back() -> None:
    reading = _read("3/4 at 10", "Europe/London", "2026-02-20T09:00")
    assert reading.window is None
    assert [w.start.isoformat() for w in reading.ambiguous] == [
        "2026-04-03T10:00:00+01:00",  # the zone's usual reading (day-first) first
        "2026-03-04T10:00:00+00:00",
    ]
    assert (
        parse_time("3/4", now=datetime(2026, 2, 20, tzinfo=ZoneInfo("UTC")), tz=ZoneInfo("UTC"))
        is None
    )


def test_a_locale_or_a_day_first_language_decides_the_ambiguous_date() -> None:
    us = _read("3/4", "Europe/London", "2026-02-20T09:00", locale="en-US")
    gb = _read("3/4", "Europe/London", "2026-02-20T09:00", locale="en-GB")
    es = _read("el 3/4", "Europe/London", "2026-02-20T09:00")
    assert us.window is not None
    assert gb.window is not None
    assert es.window is not None
    assert us.window.start.date().isoformat() == "2026-03-04"
    assert gb.window.start.date().isoformat() == "2026-04-03"
    assert es.window.start.date().isoformat() == "2026-04-03"
    assert us.ambiguous == gb.ambiguous == es.ambiguous == ()


def test_only_one_plausible_reading_is_no_ambiguity() -> None:
    # 12 March is 106 days away (plausible); 3 December is past, so next year: only one.
    reading = _read("12/3", "Europe/London", "2026-12-07T10:00")
    assert reading.window is not None
    assert not reading.ambiguous
    assert reading.window.start.date().isoformat() == "2027-03-12"
    assert PLAUSIBLE_DAYS < 366


@pytest.mark.parametrize(
    ("locale", "order"),
    [("en-US", "mdy"), ("US", "mdy"), ("en_CA", "mdy"), ("fr-CA", "dmy"), ("en-IN", "dmy"),
     ("en-AU", "dmy"), ("pt-BR", "dmy"), ("es", "dmy"), ("en", None), (None, None), ("", None)],
)  # fmt: skip
def test_locale_order(locale: str | None, order: str | None) -> None:
    assert locale_order(locale) == order


def test_zone_order_from_the_zone_country() -> None:
    assert zone_order("America/Chicago") == "mdy"
    assert zone_order("Australia/Sydney") == "dmy"
    assert zone_order("Asia/Kolkata") == "dmy"
    assert zone_order("UTC") == "dmy"


@pytest.mark.parametrize(
    ("text", "zone", "now", "expected"),
    [
        ("see you monday at 3", "America/New_York", "2026-05-13T10:00",
         "2026-05-18T15:00:00-04:00"),
        ("ok let's do thursday then", "America/New_York", "2026-05-13T10:00",
         "2026-05-14T00:00:00-04:00"),
        ("June is my usual stylist", "America/New_York", "2026-05-13T10:00", None),
        ("I'll bring Jan along", "America/New_York", "2026-05-13T10:00", None),
        ("1st time customer here", "America/New_York", "2026-05-13T10:00", None),
        ("1st time customer here, tomorrow at 10?", "America/New_York", "2026-05-13T10:00",
         "2026-05-14T10:00:00-04:00"),
        ("noon EDT", "Europe/London", "2026-05-13T18:00", "2026-05-14T17:00:00+01:00"),
        ("noon EDT", "Europe/London", "2026-03-20T09:00", "2026-03-20T16:00:00+00:00"),
        ("before noon on friday", "America/New_York", "2026-05-13T10:00",
         "2026-05-15T08:00:00-04:00"),
        ("what about june", "America/New_York", "2026-05-13T10:00", "2026-06-01T00:00:00-04:00"),
    ],
)  # fmt: skip
def test_measured_english_misses(text: str, zone: str, now: str, expected: str | None) -> None:
    window = _read(text, zone, now).window
    assert (None if window is None else window.start.isoformat()) == expected


def test_a_new_language_is_a_data_file() -> None:
    italian = _compile(
        "it",
        {
            "date_order": "dmy",
            "markers": ["domani", "alle"],
            "phrases": [[r"\balle\s+(?=\d)", "at "]],
            "words": {"domani": "tomorrow", "giovedì": "thursday"},
        },
    )
    assert italian.translate("Domani alle 10") == "tomorrow at 10"
    assert italian.translate("giovedi alle 9") == "thursday at 9"
    assert italian.correct("domain") == "domani"


def test_no_language_branches_in_the_parser_code() -> None:
    codes = "|".join(lexicons())
    branch = re.compile(rf"""==\s*["'](?:{codes})["']|["'](?:{codes})["']\s*==""")
    for path in (HERE.parents[1] / "bot" / "timeparse").glob("*.py"):
        assert not branch.search(path.read_text(encoding="utf-8")), path.name


def test_every_lexicon_loads_and_folds_accents() -> None:
    assert set(lexicons()) >= {"en", "es", "de", "fr", "pt"}
    assert fold("Mañana ÀS Übermorgen, Straße") == "manana as ubermorgen, strasse"
    for code, lex in lexicons().items():
        assert lex.markers, code
        assert lex.date_order in (None, "dmy", "mdy"), code


def _cli(argv: list[str], text: str) -> list[dict[str, Any]]:
    out = io.StringIO()
    assert run(argv, io.StringIO(text), out) == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_cli_lang_flag_and_per_line_lang_and_locale() -> None:
    rows = _cli(
        ["--lang", "fr", "--tz", "Europe/Paris", "--now", "2026-05-13T10:00:00+02:00"],
        "demain à 15h\n",
    )
    assert rows == [{"text": "demain à 15h", "start": "2026-05-14T15:00:00+02:00",
                     "end": "2026-05-14T15:00:00+02:00", "grain": "minute"}]  # fmt: skip
    lines = [
        {"text": "morgen um 10", "lang": "de", "tz": "Europe/Berlin", "now": "2026-05-13T10:00"},
        {"text": "3/4", "tz": "Europe/London", "now": "2026-02-20T09:00", "locale": "en-US"},
        {"text": "amanhã às 10", "lang": "xx", "tz": "America/Sao_Paulo",
         "now": "2026-05-13T10:00"},
    ]  # fmt: skip
    rows = _cli(["--jsonl"], "".join(json.dumps(line) + "\n" for line in lines))
    assert [r["start"] for r in rows] == [
        "2026-05-14T10:00:00+02:00",
        "2026-03-04T00:00:00+00:00",
        "2026-05-14T10:00:00-03:00",  # an unknown code falls back to detection
    ]


def test_cli_reports_ambiguity_in_jsonl() -> None:
    line = {"text": "3/4", "tz": "Europe/London", "now": "2026-02-20T09:00"}
    (row,) = _cli(["--jsonl"], json.dumps(line) + "\n")
    assert row == {
        "text": "3/4", "start": None, "end": None, "grain": None,
        "ambiguous": [
            {"start": "2026-04-03T00:00:00+01:00", "end": "2026-04-04T00:00:00+01:00",
             "grain": "day"},
            {"start": "2026-03-04T00:00:00+00:00", "end": "2026-03-05T00:00:00+00:00",
             "grain": "day"},
        ],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (r"\bentre\s+(\S+)\s+y\s+", {"entre"}),
        (r"\bhoy\s+noche\b|\besta\s+noche\b", {"noche"}),
        (r"\b(?:sobre|hacia)\s+(?=\d)", {"sobre", "hacia"}),
        (r"\b(?:a|para)\s+(?:las?\s+)?(?=\d)", set()),  # "a 10" matches without any long word
        (r"\b(?:por\s+la\s+)?tarde\b", {"tarde"}),
        (r"(\d{1,2})\s*h", {DIGIT}),
        (r"\b(\d{1,2})\s*h|\bmidi\b", {DIGIT, "midi"}),
        (r"(?:\d|x)h", set()),
    ],
)
def test_gate_words_are_required_by_every_match(pattern: str, words: set[str]) -> None:
    assert required_words(re.compile(pattern)) == words


class _Always(Rewrite):
    """The same rewrite without its gate."""

    def __init__(self, rewrite: Rewrite) -> None:
        super().__init__(rewrite.pattern, rewrite.repl)
        self.words = None


@pytest.mark.parametrize("lang", LANGS)
def test_gate_never_changes_a_translation(lang: str) -> None:
    lex = lexicons()[lang]
    ungated = dataclasses.replace(lex, phrases=tuple(_Always(r) for r in lex.phrases), _fixes={})
    texts = [c["text"] for c in CORPORA[lang] + HELDOUT[lang]]
    assert [lex.translate(t) for t in texts] == [ungated.translate(t) for t in texts]


@pytest.mark.parametrize("lang", [*LANGS, "en"])
def test_detection_recognises_almost_every_corpus_phrase(lang: str) -> None:
    cases = HELDOUT[lang] + (CORPORA[lang] if lang in CORPORA else _load("time_corpus.jsonl"))
    texts = [c["text"] for c in cases if c["start"] is not None]
    hits = sum(detect_language(t) in (lang, None if lang == "en" else lang) for t in texts)
    assert hits / len(texts) >= 0.97, (lang, hits, len(texts))


TYPO_WORDS = {
    "es": ["mañana", "miércoles", "viernes", "sábado", "jueves", "martes", "tarde", "domingo"],
    "de": ["morgen", "übermorgen", "mittwoch", "freitag", "samstag", "donnerstag", "dienstag"],
    "fr": ["demain", "mercredi", "vendredi", "samedi", "jeudi", "mardi", "dimanche"],
    "pt": ["amanhã", "quarta", "sexta", "sábado", "quinta", "terça", "segunda"],
}


@pytest.mark.parametrize("lang", LANGS)
def test_misspelt_day_words_are_still_understood(lang: str) -> None:
    """A letter dropped or two swapped in a day word (seeded): at least 95 % still right."""
    rng = random.Random(7)
    total = right = 0
    for case in CORPORA[lang]:
        word = next((w for w in TYPO_WORDS[lang] if w in case["text"]), None)
        if word is None:
            continue
        i = rng.randrange(1, len(word) - 1)
        swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        typo = word[:i] + word[i + 1 :] if rng.random() < 0.5 else swapped
        total += 1
        right += _got({**case, "text": case["text"].replace(word, typo, 1)}) == (
            case["start"], case["end"], case["grain"]
        )
    assert total >= 100
    assert right / total >= 0.95, (right, total)
