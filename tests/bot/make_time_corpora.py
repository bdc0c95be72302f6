"""Regenerate tests/bot/time_corpus_<lang>.jsonl from the phrase tables below.

    .venv/bin/python tests/bot/make_time_corpora.py

The tables are data: one row per form, kept compact on purpose.

Every day form is combined with every time form inside a sentence template the way
customers write (lowercase, accents dropped on every other case, extra words), over
several zones and reference instants around DST changes.  Expected values come from
tests/bot/timecases.py, which does not use the parser.
"""

from __future__ import annotations

# ruff: noqa: E501 - the phrase tables read best one form per cell
import sys
import unicodedata
from datetime import datetime
from itertools import cycle
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timecases import HERE, expected, write_corpus

# Local reference instants: a plain Wednesday, the Friday/Saturday before the EU spring
# change (29 Mar) and fall-back (25 Oct), the weekend of the US changes (8 Mar, 1 Nov),
# the Australian changes (5 Apr, 4 Oct), a Monday morning, the turn of the year.
NOWS = {
    "Europe/Madrid": ["2026-05-13T10:00", "2026-03-27T18:30", "2026-10-24T11:00",
                      "2026-12-30T16:40"],
    "Europe/Berlin": ["2026-05-13T10:00", "2026-03-28T09:15", "2026-10-24T11:00",
                      "2026-11-02T08:05"],
    "Europe/Paris": ["2026-05-13T10:00", "2026-03-28T09:15", "2026-10-23T17:45",
                     "2026-12-30T16:40"],
    "America/Sao_Paulo": ["2026-05-13T10:00", "2026-02-14T09:30", "2026-11-02T08:05",
                          "2026-12-30T16:40"],
    "America/New_York": ["2026-03-07T10:00", "2026-10-31T10:00", "2026-05-13T10:00"],
    "Asia/Kolkata": ["2026-05-13T10:00", "2026-08-11T09:00"],
    "Australia/Sydney": ["2026-04-04T10:00", "2026-10-03T10:00", "2026-12-07T10:00"],
}

ES_DAYS = [
    ("mañana", "+1"), ("manana", "+1"), ("pasado mañana", "+2"), ("hoy", "+0"),
    ("el lunes", "wd0"), ("el martes", "wd1"), ("el miércoles", "wd2"), ("el jueves", "wd3"),
    ("el viernes", "wd4"), ("el sábado", "wd5"), ("el próximo lunes", "nwd0"),
    ("el viernes que viene", "nwd4"), ("el martes de la semana que viene", "nwk1"),
    ("el 14 de agosto", "08-14"), ("el 3 de diciembre", "12-03"), ("el 14/8", "08-14"),
]
ES_TIMES = [
    ("a las 10", "10:00"), ("a las 10:30", "10:30"), ("a las 10 y media", "10:30"),
    ("a las 4", "16:00"), ("a las 5 de la tarde", "17:00"), ("a las 9 de la mañana", "09:00"),
    ("a las 17:30", "17:30"), ("al mediodía", "12:00"), ("sobre las 6", "18:00"),
    ("por la mañana", "p:08:00-12:00"), ("por la tarde", "p:12:00-17:00"),
    ("por la noche", "p:17:00-21:00"), ("entre las 3 y las 5", "15:00-17:00"),
    ("de 10 a 12", "10:00-12:00"), ("después de las 4", "16:00-21:00"),
    ("a las 4 menos cuarto", "15:45"), ("a la una", "13:00"),
]
ES_TEMPLATES = [
    "{d} {t}", "quiero una cita {d} {t}", "¿tienes hueco {d} {t}?", "{d} {t} por favor",
    "me viene bien {d} {t}", "hola, puedo ir {d} {t}", "{D} {t}", "vale, {d} {t} entonces",
]

DE_DAYS = [
    ("morgen", "+1"), ("übermorgen", "+2"), ("uebermorgen", "+2"), ("heute", "+0"),
    ("am montag", "wd0"), ("am dienstag", "wd1"), ("mittwoch", "wd2"), ("am donnerstag", "wd3"),
    ("freitag", "wd4"), ("am samstag", "wd5"), ("nächsten montag", "nwd0"),
    ("naechsten freitag", "nwd4"), ("am dienstag nächste woche", "nwk1"),
    ("am 14. august", "08-14"), ("am 3. dezember", "12-03"), ("am 14.8.", "08-14"),
]
DE_TIMES = [
    ("um 10", "10:00"), ("um 10 uhr", "10:00"), ("um 10:30", "10:30"), ("um halb 11", "10:30"),
    ("um 16 uhr", "16:00"), ("um 4", "16:00"), ("um 17.30 uhr", "17:30"), ("um 12 uhr", "12:00"),
    ("gegen 18 uhr", "18:00"), ("vormittags", "p:08:00-12:00"), ("nachmittags", "p:12:00-17:00"),
    ("abends", "p:17:00-21:00"), ("zwischen 15 und 17 uhr", "15:00-17:00"),
    ("von 10 bis 12 uhr", "10:00-12:00"), ("ab 16 uhr", "16:00-21:00"),
    ("um viertel nach 3", "15:15"), ("um viertel vor 4", "15:45"),
]
DE_TEMPLATES = [
    "{d} {t}", "ich hätte gern einen termin {d} {t}", "geht {d} {t}?", "{d} {t} bitte",
    "passt es {d} {t}", "hallo, kann ich {d} {t} kommen", "{D} {t}", "ok, dann {d} {t}",
]

FR_DAYS = [
    ("demain", "+1"), ("après-demain", "+2"), ("apres demain", "+2"), ("aujourd'hui", "+0"),
    ("lundi", "wd0"), ("mardi", "wd1"), ("mercredi", "wd2"), ("jeudi", "wd3"),
    ("vendredi", "wd4"), ("samedi", "wd5"), ("lundi prochain", "nwd0"),
    ("vendredi prochain", "nwd4"), ("mardi de la semaine prochaine", "nwk1"),
    ("le 14 août", "08-14"), ("le 3 décembre", "12-03"), ("le 14/8", "08-14"),
]
FR_TIMES = [
    ("à 10h", "10:00"), ("a 10h", "10:00"), ("à 10h30", "10:30"), ("à 10 heures et demie", "10:30"),
    ("à 16h", "16:00"), ("à 4h de l'après-midi", "16:00"), ("à 17h30", "17:30"),
    ("à midi", "12:00"),
    ("vers 18h", "18:00"), ("le matin", "p:08:00-12:00"), ("l'après-midi", "p:12:00-17:00"),
    ("dans la soirée", "p:17:00-21:00"), ("entre 15h et 17h", "15:00-17:00"),
    ("de 10h à 12h", "10:00-12:00"), ("après 16h", "16:00-21:00"),
    ("en fin de matinée", "p:10:00-12:00"), ("à 16h moins le quart", "15:45"),
]
FR_TEMPLATES = [
    "{d} {t}", "je voudrais un rendez-vous {d} {t}", "c'est possible {d} {t} ?",
    "{d} {t} svp", "ça m'irait {d} {t}", "bonjour, je peux passer {d} {t}", "{D} {t}",
    "ok pour {d} {t} alors",
]

PT_DAYS = [
    ("amanhã", "+1"), ("amanha", "+1"), ("depois de amanhã", "+2"), ("hoje", "+0"),
    ("segunda", "wd0"), ("na terça", "wd1"), ("quarta-feira", "wd2"), ("na quinta", "wd3"),
    ("sexta", "wd4"), ("no sábado", "wd5"), ("na próxima segunda", "nwd0"),
    ("sexta que vem", "nwd4"), ("terça da semana que vem", "nwk1"),
    ("dia 14 de agosto", "08-14"), ("3 de dezembro", "12-03"), ("dia 14/8", "08-14"),
]
PT_TIMES = [
    ("às 10", "10:00"), ("as 10h", "10:00"), ("às 10h30", "10:30"), ("às 10 e meia", "10:30"),
    ("às 16h", "16:00"), ("às 4 da tarde", "16:00"), ("às 17:30", "17:30"),
    ("ao meio-dia", "12:00"),
    ("por volta das 18h", "18:00"), ("de manhã", "p:08:00-12:00"), ("à tarde", "p:12:00-17:00"),
    ("à noite", "p:17:00-21:00"), ("entre as 15h e as 17h", "15:00-17:00"),
    ("das 10h às 12h", "10:00-12:00"), ("depois das 16h", "16:00-21:00"),
    ("no fim da manhã", "p:10:00-12:00"), ("às 9 da manhã", "09:00"),
]
PT_TEMPLATES = [
    "{d} {t}", "quero marcar um horário {d} {t}", "tem vaga {d} {t}?", "{d} {t} por favor",
    "pode ser {d} {t}", "oi, consigo ir {d} {t}", "{D} {t}", "beleza, {d} {t} então",
]

# Hand-written sentences (day, time in tests/bot/timecases.py notation), each checked at a
# Wednesday 10:00 in the language's first zone: forms the combinations above do not make.
HAND: dict[str, list[tuple[str, str | None, str]]] = {
    "es": [
        ("el jueves 21 de mayo a las 10", "05-21", "10:00"), ("mañana a las 3 de la tarde", "+1", "15:00"),
        ("pasado mañana en la mañana", "+2", "p:08:00-12:00"), ("dentro de 15 minutos", "-", "10:15"),
        ("en media hora", "-", "10:30"), ("ahora mismo", "-", "10:00"), ("a las 10.30", "-", "10:30"),
        ("mañan a las 5", "+1", "17:00"), ("el sabdo a las 11", "wd5", "11:00"),
        ("el miercoles que viene a las 18:00", "nwd2", "18:00"), ("hoy a las 8 de la noche", "+0", "20:00"),
        ("el 1 de junio a las 9:15", "06-01", "09:15"), ("quedamos el jueves a las cinco", "wd3", "17:00"),
        ("a las once y media", "-", "11:30"), ("mañana de 5 a 7", "+1", "17:00-19:00"),
        ("el martes tipo 5", "wd1", "17:00"), ("sábado a las 10 hs", "wd5", "10:00"),
        ("nochebuena a las 10", "12-24", "10:00"), ("semana santa", None, ""),
        ("sáb. a las 10", "wd5", "10:00"), ("ni el lunes ni el martes", None, ""),
        ("el próximo fin de semana", "weekend", "day"), ("mañana a la mañana", "+1", "p:08:00-12:00"),
    ],
    "de": [
        ("Termin am Donnerstag, 21. Mai um 10", "05-21", "10:00"), ("morgen Nachmittag um 3", "+1", "15:00"),
        ("jetzt gleich", "-", "10:00"), ("um 10.30 Uhr", "-", "10:30"),
        ("Donnerstag 14-16 Uhr", "wd3", "14:00-16:00"), ("in einer halben Stunde", "-", "10:30"),
        ("nächstes Wochenende", "weekend", "day"), ("Dienstag Abend um 7", "wd1", "19:00"),
        ("am Freitag bis 12 Uhr", "wd4", "08:00-12:00"), ("Samstag gegen Mittag", "wd5", "12:00"),
        ("1.6. um 9:15", "06-01", "09:15"), ("wie wäre es mit Freitag um fünf", "wd4", "17:00"),
        ("Fr 14 Uhr", "wd4", "14:00"), ("übermorgen um halb 5", "+2", "16:30"),
        ("Montag den 18.5. um 10", "2026-05-18", "10:00"), ("um 10 Uhr morgens", "-", "10:00"),
        ("gegen halb 4", "-", "15:30"), ("Heiligabend um 10", "12-24", "10:00"), ("Ostern", None, ""),
        ("am Montagvormittag", "wd0", "p:08:00-12:00"), ("Dienstagnachmittag", "wd1", "p:12:00-17:00"),
        ("Samstagmorgen um 9", "wd5", "09:00"), ("Fr. 14 Uhr", "wd4", "14:00"),
    ],
    "fr": [
        ("rdv le jeudi 21 mai à 10h", "05-21", "10:00"), ("demain à 3h de l'après-midi", "+1", "15:00"),
        ("tout de suite", "-", "10:00"), ("jeudi 14h-16h", "wd3", "14:00-16:00"),
        ("dans une demi-heure", "-", "10:30"), ("lundi tôt le matin", "wd0", "p:08:00-10:00"),
        ("mardi soir à 19h", "wd1", "19:00"), ("vendredi jusqu'à midi", "wd4", "08:00-12:00"),
        ("jeudii à 9h", "wd3", "09:00"), ("le 1/6 à 9h15", "06-01", "09:15"),
        ("ça vous va vendredi à 17h ?", "wd4", "17:00"), ("ven 14h", "wd4", "14:00"),
        ("après-demain à 16h30", "+2", "16:30"), ("à 14 heures 30", "-", "14:30"),
        ("vers les 15h", "-", "15:00"), ("aux alentours de 15h", "-", "15:00"), ("d'ici 2 heures", "-", "12:00"),
        ("jeudi à 9h du matin", "wd3", "09:00"), ("à 8h du soir", "-", "20:00"),
        ("je ne peux pas lundi", None, ""), ("sam. 10h", "wd5", "10:00"),
        ("vendredi en début de soirée", "wd4", "p:17:00-19:00"), ("le week-end prochain", "weekend", "day"),
    ],
    "pt": [
        ("agendar quinta-feira, 21 de maio às 10h", "05-21", "10:00"), ("amanhã às 3 da tarde", "+1", "15:00"),
        ("agora mesmo", "-", "10:00"), ("daqui meia hora", "-", "10:30"), ("em 15 minutos", "-", "10:15"),
        ("próximo fim de semana", "weekend", "day"), ("terça à noite às 19h", "wd1", "19:00"),
        ("sexta até meio-dia", "wd4", "08:00-12:00"), ("quinat às 9", "wd3", "09:00"),
        ("amanhã entre 9 e 11h", "+1", "09:00-11:00"), ("1/6 às 9h15", "06-01", "09:15"),
        ("pode ser às 17h?", "-", "17:00"), ("sex 14h", "wd4", "14:00"), ("hj às 18h", "+0", "18:00"),
        ("segunda 18/5 às 10h", "2026-05-18", "10:00"), ("amanha as 9 hrs", "+1", "09:00"),
        ("às 14 horas e 30", "-", "14:30"), ("umas 15h", "-", "15:00"), ("depois das 3 da tarde", "-", "15:00-21:00"),
        ("dia 25/12 às 10", "12-25", "10:00"), ("no final da tarde", "-", "p:15:00-17:00"),
        ("não consigo segunda", None, ""), ("às 8 da noite", "-", "20:00"),
    ],
}

LANGUAGES: dict[str, tuple[Any, Any, Any, list[str]]] = {
    "es": (ES_DAYS, ES_TIMES, ES_TEMPLATES, ["Europe/Madrid", "America/New_York"]),
    "de": (DE_DAYS, DE_TIMES, DE_TEMPLATES, ["Europe/Berlin", "Europe/Paris"]),
    "fr": (FR_DAYS, FR_TIMES, FR_TEMPLATES, ["Europe/Paris", "America/New_York"]),
    "pt": (PT_DAYS, PT_TIMES, PT_TEMPLATES, ["America/Sao_Paulo", "Europe/Berlin"]),
}


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def cases_for(lang: str) -> list[dict[str, Any]]:
    days, times, templates, zones = LANGUAGES[lang]
    moments = cycle([(z, n) for z in zones for n in NOWS[z]])
    shapes = cycle(templates)
    cases = []
    for i, (day_text, day) in enumerate(days):
        for j, (time_text, time) in enumerate(times):
            zone_name, local = next(moments)
            template = next(shapes)
            text = template.format(d=day_text, D=day_text.capitalize(), t=time_text)
            if (i + j) % 2:
                text = strip_accents(text)
            zone = ZoneInfo(zone_name)
            now = datetime.fromisoformat(local).replace(tzinfo=zone)
            case = {"text": text, "now": now.isoformat(), "tz": zone_name}
            if (i + j) % 3 == 0:  # the rest go through language detection
                case["lang"] = lang
            cases.append({**case, **expected(day, time, now, zone)})
        zone_name, local = next(moments)
        zone = ZoneInfo(zone_name)
        now = datetime.fromisoformat(local).replace(tzinfo=zone)
        cases.append({"text": day_text, "now": now.isoformat(), "tz": zone_name,
                      **expected(day, "day", now, zone)})
    zone_name = zones[0]
    zone = ZoneInfo(zone_name)
    now = datetime.fromisoformat("2026-05-13T10:00").replace(tzinfo=zone)
    for text, day, time in HAND[lang]:
        cases.append({"text": text, "now": now.isoformat(), "tz": zone_name,
                      **expected(day, time, now, zone)})
    return cases


def main() -> int:
    for lang in LANGUAGES:
        cases = cases_for(lang)
        write_corpus(HERE / f"time_corpus_{lang}.jsonl", cases)
        print(f"{lang}: {len(cases)} cases")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
