"""A probe set of customer time phrases (December 2026), written by hand before the parser
was run on them, to find general weaknesses: informal spellings, abbreviations, mixed case,
politeness words, many zones and "now" values on or next to DST changes.

    .venv/bin/python tests/bot/probe_phrases.py   # rewrites tests/bot/time_probe_2026_12.jsonl

Each row: (text, day, time, zone, local now) in the notation of tests/bot/timecases.py, plus
two forms that notation lacks (still computed here, never by bot.timeparse):

``("...", "abs", "2026-03-08T01:30>2026-03-08T21:00>range", ...)``  explicit local wall times
``("...", "rel", "+90", ...)``  an instant N minutes after now (elapsed time, UTC arithmetic)

Every other row carries its ``lang``; the rest leave the language to detection.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timecases import HERE, expected, localize, write_corpus

NYC, SAO = "America/New_York", "America/Sao_Paulo"
MEX, TOR = "America/Mexico_City", "America/Toronto"
MAD, PAR, BER, LIS = "Europe/Madrid", "Europe/Paris", "Europe/Berlin", "Europe/Lisbon"
VIE, ZRH, BRU = "Europe/Vienna", "Europe/Zurich", "Europe/Brussels"
SYD, KOL = "Australia/Sydney", "Asia/Kolkata"

US_SAT = "2026-03-07T16:00"  # Saturday before the US spring-forward (2026-03-08 02:00)
US_GAP = "2026-03-08T01:30"  # Sunday, half an hour before the jump
US_SUN = "2026-03-08T10:00"  # Sunday, after the jump
US_FALL_SAT = "2026-10-31T12:00"  # Saturday before the US fall-back (2026-11-01 02:00)
US_FALL = "2026-11-01T00:30"  # Sunday, before the repeated hour
US_DEC = "2026-12-01T09:00"  # an ordinary Tuesday
EU_SAT = "2026-03-28T11:00"  # Saturday before the EU spring-forward (2026-03-29)
EU_SUN = "2026-03-29T09:00"  # Sunday, after it
EU_FALL_SAT = "2026-10-24T15:00"  # Saturday before the EU fall-back (2026-10-25)
EU_FALL = "2026-10-25T08:00"  # Sunday, after it
EU_DEC = "2026-12-02T10:00"  # an ordinary Wednesday
SYD_APR = "2026-04-04T10:00"  # Saturday before Sydney's fall-back (2026-04-05 03:00)
SYD_OCT = "2026-10-03T19:00"  # Saturday before Sydney's spring-forward (2026-10-04 02:00)
JUN = "2026-06-10T09:00"  # a Wednesday
NOV_MON = "2026-11-30T18:00"  # a Monday evening
KOL_NOW = "2026-08-20T11:00"  # a Thursday

Row = tuple[str, str | None, str, str, str]

EN: list[Row] = [
    ("next fri at 3", "nwd4", "15:00", BER, "2026-03-27T11:00"),
    ("next fri at 3", "nwd4", "15:00", NYC, US_SAT),
    ("tmrw 3p", "+1", "15:00", NYC, US_SAT),
    ("Tmrw @ 2:30am", "+1", "03:30", NYC, US_SAT),
    ("sun morning pls", "wd6", "p:08:00-12:00", NYC, US_SAT),
    ("thu 3p", "wd3", "15:00", NYC, US_SAT),
    ("tonight around 8", "+0", "20:00", NYC, US_SAT),
    ("Monday @ 9am", "wd0", "09:00", NYC, US_SAT),
    ("mon 9AM please", "wd0", "09:00", NYC, US_SAT),
    ("tomorrow evening around 6", "+1", "18:00", NYC, US_SAT),
    ("tmrw b4 noon", "+1", "08:00-12:00", NYC, US_SAT),
    ("after 4 on thurs", "wd3", "16:00-21:00", NYC, US_SAT),
    ("4:30 this afternoon", "+0", "16:30", NYC, US_SAT),
    ("noon tmrw", "+1", "12:00", NYC, US_SAT),
    ("8 tonight", "+0", "20:00", NYC, US_SAT),
    ("9:00 AM Monday", "wd0", "09:00", NYC, US_SAT),
    ("Dec 3rd 2pm", "12-03", "14:00", NYC, US_SAT),
    ("on the 20th at 10", "03-20", "10:00", NYC, US_SAT),
    ("sunday 2:30am", "wd6", "03:30", NYC, US_SAT),
    ("sometime next wk", "week+1", "day", NYC, US_SAT),
    ("this wknd pls", "weekend", "day", NYC, US_SAT),
    ("in 2 hrs", "rel", "+120", NYC, US_SAT),
    ("10-11am tmrw", "+1", "10:00-11:00", NYC, US_SAT),
    ("tmrw btw 1 and 3pm", "+1", "13:00-15:00", NYC, US_SAT),
    ("Tues 10ish", "wd1", "10:00", NYC, US_SAT),
    ("can u do wed at 4:15?", "wd2", "16:15", NYC, US_SAT),
    ("in 1 hr", "rel", "+60", NYC, US_GAP),
    ("today at 2:30", "+0", "14:30", NYC, US_GAP),
    ("this morning at 9", "+0", "09:00", NYC, US_GAP),
    ("later on today", "abs", "2026-03-08T01:30>2026-03-08T21:00>range", NYC, US_GAP),
    ("Today please", "+0", "day", NYC, US_GAP),
    ("Sun @ 3 pm", "wd6", "15:00", NYC, US_SUN),
    ("tonite pls", "+0", "p:17:00-21:00", NYC, US_SUN),
    ("nxt sunday", "nwd6", "day", NYC, US_SUN),
    ("same time tomorrow", "+1", "10:00", NYC, US_SUN),
    ("thurs eve", "wd3", "p:17:00-21:00", NYC, US_SUN),
    ("tmrw 1:30am", "+1", "01:30", NYC, US_FALL_SAT),
    ("tomorrow at 9", "+1", "09:00", NYC, US_FALL_SAT),
    ("Sunday mornin", "wd6", "p:08:00-12:00", NYC, US_FALL_SAT),
    ("Next Saturday 11am", "nwd5", "11:00", NYC, US_FALL_SAT),
    ("nov 2 at 4", "11-02", "16:00", NYC, US_FALL_SAT),
    ("11/14 10am", "11-14", "10:00", NYC, US_FALL_SAT),
    ("this time tmrw", "+1", "12:00", NYC, US_FALL_SAT),
    ("in 24hrs", "rel", "+1440", NYC, US_FALL_SAT),
    ("2moro afternoon", "+1", "p:12:00-17:00", NYC, US_FALL_SAT),
    ("1.30am", "-", "01:30", NYC, US_FALL),
    ("in two hours", "rel", "+120", NYC, US_FALL),
    ("TODAY?", "+0", "day", NYC, US_FALL),
    ("tomorrow 9 am", "+1", "09:00", NYC, US_FALL),
    ("wed or thu", "wd2", "day", NYC, US_DEC),
    ("friday @ 4:30pm", "wd4", "16:30", NYC, US_DEC),
    ("end of this week", "abs", "2026-12-03T00:00>2026-12-06T00:00>range", NYC, US_DEC),
    ("xmas eve", "12-24", "day", NYC, US_DEC),
    ("the 15th please", "12-15", "day", NYC, US_DEC),
    ("sometime next month", "abs", "2027-01-01T00:00>2027-02-01T00:00>month", NYC, US_DEC),
    ("3 pm EST", "+0", "15:00", NYC, US_DEC),
    ("noon PT", "+0", "15:00", NYC, US_DEC),
    ("tmw 10", "+1", "10:00", NYC, US_DEC),
    ("early nxt week", "abs", "2026-12-07T00:00>2026-12-09T00:00>range", NYC, US_DEC),
    ("fri afternoon", "wd4", "p:12:00-17:00", NYC, US_DEC),
    ("Sunday arvo", "wd6", "p:12:00-17:00", SYD, SYD_APR),
    ("tmrw 2:30 am", "+1", "02:30", SYD, SYD_APR),
    ("tmrw at 9", "+1", "09:00", SYD, SYD_APR),
    ("in an hr", "rel", "+60", SYD, SYD_APR),
    ("mon 10am", "wd0", "10:00", SYD, SYD_APR),
    ("Sunday 5pm", "wd6", "17:00", SYD, SYD_APR),
    ("tomorrow at 2.30am", "+1", "03:30", SYD, SYD_OCT),
    ("sunday at 10", "wd6", "10:00", SYD, SYD_OCT),
    ("tonight please", "abs", "2026-10-03T19:00>2026-10-03T21:00>part_of_day", SYD, SYD_OCT),
    ("Tmrw!", "+1", "day", SYD, SYD_OCT),
    ("tmrw 4pm", "+1", "16:00", KOL, KOL_NOW),
    ("today evening", "+0", "p:17:00-21:00", KOL, KOL_NOW),
    ("sat 11am", "wd5", "11:00", KOL, KOL_NOW),
    ("next monday 10:30", "nwd0", "10:30", KOL, KOL_NOW),
    ("3pm IST", "+0", "15:00", KOL, KOL_NOW),
    ("day after tomorrow 5pm", "+2", "17:00", KOL, KOL_NOW),
    ("in 45 mins", "rel", "+45", KOL, KOL_NOW),
    ("can't do friday", None, "", KOL, KOL_NOW),
    ("ok cool thx", None, "", NYC, US_DEC),
    # Greetings, minute counts before an hour (written after a first round of failures).
    ("good afternoon, thursday at 10?", "wd3", "10:00", NYC, US_DEC),
    ("good evening, is friday at 9 ok?", "wd4", "09:00", NYC, US_DEC),
    ("Good morning! tmrw at 2?", "+1", "14:00", NYC, US_DEC),
    ("good morning", None, "", NYC, US_DEC),
    ("hi! good morning, sunday at 10?", "wd6", "10:00", SYD, SYD_APR),
    ("good evening, tomorrow at 8?", "+1", "08:00", KOL, KOL_NOW),
    ("quarter after 3", "-", "15:15", NYC, US_DEC),
    ("ten after 4 tmrw", "+1", "16:10", NYC, US_DEC),
    ("10 mins to 3", "-", "14:50", NYC, US_DEC),
    ("5 minutes past 4 on friday", "wd4", "16:05", NYC, US_DEC),
    ("20 min after 2", "-", "14:20", NYC, US_DEC),
    ("fridsy 3pm", "wd4", "15:00", NYC, US_DEC),
]

ES: list[Row] = [
    ("mañana a las 3 de la tarde porfa", "+1", "15:00", MAD, EU_SAT),
    ("el viernes q viene a las 5", "nwd4", "17:00", MAD, EU_SAT),
    ("el lunes x la mañana", "wd0", "p:08:00-12:00", MAD, EU_SAT),
    ("mañana a las 2:30 de la madrugada", "+1", "03:30", MAD, EU_SAT),
    ("hoy en la tarde", "+0", "p:12:00-17:00", MAD, EU_SAT),
    ("mañana en la noche", "+1", "p:17:00-21:00", MAD, EU_SAT),
    ("el domingo a mediodía", "wd6", "12:00", MAD, EU_SAT),
    ("el sábado que viene a las 11 hs", "nwd5", "11:00", MAD, EU_SAT),
    ("a las 15 hs", "-", "15:00", MAD, EU_SAT),
    ("MAÑANA A LAS 10 POR FAVOR", "+1", "10:00", MAD, EU_SAT),
    ("el martes a eso de las 6", "wd1", "18:00", MAD, EU_SAT),
    ("el jueves como a las 4", "wd3", "16:00", MAD, EU_SAT),
    ("el miércoles 10 am", "wd2", "10:00", MAD, EU_SAT),
    ("la próxima semana", "week+1", "day", MAD, EU_SAT),
    ("este finde porfa", "weekend", "day", MAD, EU_SAT),
    ("en dos horas", "rel", "+120", MAD, EU_SAT),
    ("dentro de una hora", "rel", "+60", MAD, EU_SAT),
    ("mañana de 4 a 6 de la tarde", "+1", "16:00-18:00", MAD, EU_SAT),
    ("a las 8 de la noche", "-", "20:00", MAD, EU_SAT),
    ("mañana temprano", "+1", "p:08:00-10:00", MAD, EU_SAT),
    ("el lunes a las 9am porfa", "wd0", "09:00", MAD, EU_SAT),
    ("mañana a la 1 de la tarde", "+1", "13:00", MAD, EU_SAT),
    ("el 5 de abril a las 10", "04-05", "10:00", MAD, EU_SAT),
    ("el 1ro de abril", "04-01", "day", MAD, EU_SAT),
    ("pasado mañana por la mañana", "+2", "p:08:00-12:00", MAD, EU_SAT),
    ("hoy a las 6 de la tarde", "+0", "18:00", MAD, EU_SUN),
    ("esta noche", "+0", "p:17:00-21:00", MAD, EU_SUN),
    ("el lunes que viene", "nwd0", "day", MAD, EU_SUN),
    ("dentro de 30 minutos", "rel", "+30", MAD, EU_SUN),
    ("mañana a las 2 y media de la madrugada", "+1", "02:30", MAD, EU_FALL_SAT),
    ("mañana por la mañana", "+1", "p:08:00-12:00", MAD, EU_FALL_SAT),
    ("el domingo a las 10 de la mañana", "wd6", "10:00", MAD, EU_FALL_SAT),
    ("el lunes 26 a las 9", "2026-10-26", "09:00", MAD, EU_FALL_SAT),
    ("en tres horas", "rel", "+180", MAD, EU_FALL_SAT),
    ("el sabado 31 a las 12", "2026-10-31", "12:00", MAD, EU_FALL_SAT),
    ("hoy porfa", "+0", "day", MAD, EU_FALL),
    ("hoy a las 11", "+0", "11:00", MAD, EU_FALL),
    ("mañana a las 10:30", "+1", "10:30", MAD, EU_FALL),
    ("el viernes a las 17h", "wd4", "17:00", MAD, EU_DEC),
    ("mañana al medio día", "+1", "12:00", MAD, EU_DEC),
    ("el jueves en la mañana", "wd3", "p:08:00-12:00", MAD, EU_DEC),
    ("el martes a la mañana", "wd1", "p:08:00-12:00", MAD, EU_DEC),
    ("el 24 de diciembre a las 11", "12-24", "11:00", MAD, EU_DEC),
    ("nochevieja", "12-31", "day", MAD, EU_DEC),
    ("a las 5 y media de la tarde", "-", "17:30", MAD, EU_DEC),
    ("el lunes de 10 a 12", "wd0", "10:00-12:00", MAD, EU_DEC),
    ("el sábado entre las 10 y las 12", "wd5", "10:00-12:00", MAD, EU_DEC),
    ("mié a las 4", "wd2", "16:00", MAD, EU_DEC),
    ("lun 10am", "wd0", "10:00", MAD, EU_DEC),
    ("mañana a las 4 de la tarde", "+1", "16:00", MEX, JUN),
    ("el viernes en la tarde", "wd4", "p:12:00-17:00", MEX, JUN),
    ("el sábado a las 10 am", "wd5", "10:00", MEX, JUN),
    ("hoy en la noche", "+0", "p:17:00-21:00", MEX, JUN),
    ("mañana a las 9 de la mañana", "+1", "09:00", NYC, US_FALL_SAT),
    ("el lunes a las 3", "wd0", "15:00", NYC, US_FALL_SAT),
    ("no puedo mañana", None, "", MAD, EU_DEC),
    ("muchas gracias!", None, "", MAD, EU_DEC),
    ("Buenas tardes, quiero una cita el jueves a las 10", "wd3", "10:00", MAD, EU_DEC),
    ("buenas noches, el viernes a las 9?", "wd4", "09:00", MAD, EU_DEC),
    ("buen día! mañana a las 8?", "+1", "08:00", MAD, EU_DEC),
    ("hola buenas, mañana a las 11", "+1", "11:00", MAD, EU_DEC),
    ("buenas tardes", None, "", MAD, EU_DEC),
    ("Buenas tardes, ¿tiene lugar el sábado a las 11?", "wd5", "11:00", MEX, JUN),
    ("buenos días, hoy a las 4?", "+0", "16:00", MEX, JUN),
    ("manana alas 10", "+1", "10:00", MAD, EU_DEC),
    ("en veinte minutos", "rel", "+20", MAD, EU_DEC),
    ("en cuarenta y cinco minutos", "rel", "+45", MAD, EU_DEC),
    ("dentro de un cuarto de hora", "rel", "+15", MAD, EU_DEC),
    ("a las 10 y treinta", "-", "10:30", MAD, EU_DEC),
    ("mañana a las diecisiete", "+1", "17:00", MAD, EU_DEC),
    ("el 1ero de enero a las 10", "01-01", "10:00", MAD, EU_DEC),
    ("el juebes a las 10", "wd3", "10:00", MAD, EU_DEC),
    ("lunes-miércoles", "abs", "2026-10-26T00:00>2026-10-29T00:00>range", MAD, EU_FALL_SAT),
]

DE: list[Row] = [
    ("morgen um 15 uhr bitte", "+1", "15:00", BER, EU_SAT),
    ("morgen 15h", "+1", "15:00", BER, EU_SAT),
    ("Do 14 Uhr", "wd3", "14:00", BER, EU_SAT),
    ("nächsten Fr um 10", "nwd4", "10:00", BER, EU_SAT),
    ("am Fr um 10", "wd4", "10:00", BER, EU_SAT),
    ("Mo. 9 Uhr", "wd0", "09:00", BER, EU_SAT),
    ("übermorgen vormittag", "+2", "p:08:00-12:00", BER, EU_SAT),
    ("heute Abend 19:30", "+0", "19:30", BER, EU_SAT),
    ("morgen früh um 8", "+1", "08:00", BER, EU_SAT),
    ("Samstag gegen 14 Uhr", "wd5", "14:00", BER, EU_SAT),
    ("morgen zwischen 14 und 16 Uhr", "+1", "14:00-16:00", BER, EU_SAT),
    ("Freitag ab 15 Uhr", "wd4", "15:00-21:00", BER, EU_SAT),
    ("Mittwoch bis 12", "wd2", "08:00-12:00", BER, EU_SAT),
    ("nächste Woche Dienstag", "nwk1", "day", BER, EU_SAT),
    ("Dienstag nächste Woche um 10", "nwk1", "10:00", BER, EU_SAT),
    ("in einer Stunde", "rel", "+60", BER, EU_SAT),
    ("in zwei Stunden", "rel", "+120", BER, EU_SAT),
    ("morgen viertel vor 4", "+1", "15:45", BER, EU_SAT),
    ("morgen um dreiviertel 4", "+1", "15:45", BER, EU_SAT),
    ("morgen halb 4", "+1", "15:30", BER, EU_SAT),
    ("am 3.4. um 10", "04-03", "10:00", BER, EU_SAT),
    ("Mittwochnachmittag", "wd2", "p:12:00-17:00", BER, EU_SAT),
    ("Donnerstagabend", "wd3", "p:17:00-21:00", BER, EU_SAT),
    ("heute Nachmittag um 3", "+0", "15:00", BER, EU_SAT),
    ("Sonntag früh", "wd6", "p:08:00-12:00", BER, EU_SAT),
    ("um 10 uhr morgens bitte", "-", "10:00", BER, EU_SAT),
    ("um 3 Uhr nachmittags", "-", "15:00", BER, EU_SAT),
    ("um 8 Uhr abends", "-", "20:00", BER, EU_SAT),
    ("nachmittags um 4", "-", "16:00", BER, EU_SAT),
    ("heute um 14 Uhr", "+0", "14:00", BER, EU_SUN),
    ("morgen Vormittag", "+1", "p:08:00-12:00", BER, EU_SUN),
    ("in 30 Minuten", "rel", "+30", BER, EU_SUN),
    ("morgen um 02:30", "+1", "02:30", VIE, EU_FALL_SAT),
    ("Sonntag um 11", "wd6", "11:00", VIE, EU_FALL_SAT),
    ("morgen nachmittags", "+1", "p:12:00-17:00", VIE, EU_FALL_SAT),
    ("Montag, den 26. um 9", "2026-10-26", "09:00", VIE, EU_FALL_SAT),
    ("in 3 Tagen", "+3", "day", VIE, EU_FALL_SAT),
    ("heute bitte", "+0", "day", VIE, EU_FALL),
    ("jetzt", "rel", "+0", VIE, EU_FALL),
    ("heute halb 11", "+0", "10:30", VIE, EU_FALL),
    ("Freitag um 17:30", "wd4", "17:30", ZRH, EU_DEC),
    ("Fr. 16 Uhr", "wd4", "16:00", ZRH, EU_DEC),
    ("Di 9:15", "wd1", "09:15", ZRH, EU_DEC),
    ("am 24.12. um 11 Uhr", "12-24", "11:00", ZRH, EU_DEC),
    ("Heiligabend", "12-24", "day", ZRH, EU_DEC),
    ("nächsten Montag um 8", "nwd0", "08:00", ZRH, EU_DEC),
    ("Donnerstag zwischen 10 und 12", "wd3", "10:00-12:00", ZRH, EU_DEC),
    ("moin, geht morgen um 10?", "+1", "10:00", BER, EU_DEC),
    ("Samstag Vormittag bitte", "wd5", "p:08:00-12:00", BER, EU_DEC),
    ("MORGEN NACHMITTAG BITTE", "+1", "p:12:00-17:00", BER, EU_DEC),
    ("mittwochs um 15 Uhr", "wd2", "15:00", BER, EU_DEC),
    ("morgen gegen 17 Uhr", "+1", "17:00", BER, EU_DEC),
    ("übermorgen ab 14 uhr", "+2", "14:00-21:00", BER, EU_DEC),
    ("morgn um 9", "+1", "09:00", BER, EU_DEC),
    ("Freitg um 11", "wd4", "11:00", BER, EU_DEC),
    ("morgen geht leider nicht", None, "", BER, EU_DEC),
    ("danke schön", None, "", BER, EU_DEC),
    ("Guten Morgen, haben Sie Freitag um 10 Zeit?", "wd4", "10:00", BER, EU_DEC),
    ("Guten Abend, geht Donnerstag um 9?", "wd3", "09:00", BER, EU_DEC),
    ("Guten Morgen", None, "", BER, EU_DEC),
    ("Guten Tag, morgen um 10?", "+1", "10:00", VIE, EU_FALL_SAT),
    ("morgen zw. 9 und 11", "+1", "09:00-11:00", BER, EU_DEC),
    ("So. 11 Uhr", "wd6", "11:00", BER, EU_DEC),
    ("Montag morgen um 10", "wd0", "10:00", BER, EU_DEC),
    ("Montag Morgen", "wd0", "p:08:00-12:00", BER, EU_DEC),
    ("Sonntag morgen", "wd6", "p:08:00-12:00", VIE, EU_FALL_SAT),
    ("übernächste Woche", "abs", "2026-12-14T00:00>2026-12-21T00:00>week", BER, EU_DEC),
    ("übernächsten Freitag", "2026-12-11", "day", BER, EU_DEC),
    ("Freitag in einer Woche", "2026-12-11", "day", BER, EU_DEC),
    ("in zwanzig Minuten", "rel", "+20", BER, EU_DEC),
    ("in einer Viertelstunde", "rel", "+15", BER, EU_DEC),
    ("morgen um siebzehn Uhr", "+1", "17:00", BER, EU_DEC),
    ("um 5 vor 3", "-", "14:55", BER, EU_DEC),
    ("morgen um zehn vor 4", "+1", "15:50", BER, EU_DEC),
    ("Mo-Mi", "abs", "2026-12-02T10:00>2026-12-03T00:00>range", BER, EU_DEC),
    ("Montag-Mittwoch vormittags", "abs", "2026-12-02T10:00>2026-12-02T12:00>range", BER, EU_DEC),
    ("Di.-Do.", "abs", "2026-12-02T10:00>2026-12-04T00:00>range", ZRH, EU_DEC),
    ("Donnerdtag um 10", "wd3", "10:00", BER, EU_DEC),
]

FR: list[Row] = [
    ("demain à 15h", "+1", "15:00", PAR, EU_SAT),
    ("à 15h30", "-", "15:30", PAR, EU_SAT),
    ("demain 15h", "+1", "15:00", PAR, EU_SAT),
    ("jeudi 14h", "wd3", "14:00", PAR, EU_SAT),
    ("jeu 14h", "wd3", "14:00", PAR, EU_SAT),
    ("vendredi prochain à 10h", "nwd4", "10:00", PAR, EU_SAT),
    ("dimanche matin vers 10h", "wd6", "10:00", PAR, EU_SAT),
    ("ce soir 20h", "+0", "20:00", PAR, EU_SAT),
    ("demain soir", "+1", "p:17:00-21:00", PAR, EU_SAT),
    ("lundi aprem", "wd0", "p:12:00-17:00", PAR, EU_SAT),
    ("mardi aprèm", "wd1", "p:12:00-17:00", PAR, EU_SAT),
    ("demain en fin d'aprem", "+1", "p:15:00-17:00", PAR, EU_SAT),
    ("mercredi vers midi", "wd2", "12:00", PAR, EU_SAT),
    ("après-demain 9h", "+2", "09:00", PAR, EU_SAT),
    ("le 3 avril à 10h", "04-03", "10:00", PAR, EU_SAT),
    ("dans une heure", "rel", "+60", PAR, EU_SAT),
    ("dans 2 heures", "rel", "+120", PAR, EU_SAT),
    ("dans 20 min", "rel", "+20", PAR, EU_SAT),
    ("à 3h de l'après-midi", "-", "15:00", PAR, EU_SAT),
    ("à 8h du matin", "-", "08:00", PAR, EU_SAT),
    ("à 7h du soir", "-", "19:00", PAR, EU_SAT),
    ("semaine prochaine", "week+1", "day", PAR, EU_SAT),
    ("ce week end", "weekend", "day", PAR, EU_SAT),
    ("samedi prochain", "nwd5", "day", PAR, EU_SAT),
    ("dès 9h demain", "+1", "09:00-21:00", PAR, EU_SAT),
    ("entre 14h et 16h demain", "+1", "14:00-16:00", PAR, EU_SAT),
    ("demain de 14h à 16h", "+1", "14:00-16:00", PAR, EU_SAT),
    ("demain svp", "+1", "day", PAR, EU_SAT),
    ("jeudi à 10h s'il vous plaît", "wd3", "10:00", PAR, EU_SAT),
    ("mardi 10h30", "wd1", "10:30", PAR, EU_SAT),
    ("Lundi 9H", "wd0", "09:00", PAR, EU_SAT),
    ("aujourd'hui à 14h", "+0", "14:00", PAR, EU_SUN),
    ("cet aprèm", "+0", "p:12:00-17:00", PAR, EU_SUN),
    ("demain matin", "+1", "p:08:00-12:00", PAR, EU_SUN),
    ("demain 10h svp", "+1", "10:00", BRU, EU_FALL_SAT),
    ("dimanche après-midi", "wd6", "p:12:00-17:00", BRU, EU_FALL_SAT),
    ("lundi 26 à 9h", "2026-10-26", "09:00", BRU, EU_FALL_SAT),
    ("d'ici 3 jours", "+3", "day", BRU, EU_FALL_SAT),
    ("samedi 31 à midi", "2026-10-31", "12:00", BRU, EU_FALL_SAT),
    ("aujourd'hui svp", "+0", "day", BRU, EU_FALL),
    ("maintenant", "rel", "+0", BRU, EU_FALL),
    ("ce matin à 11h", "+0", "11:00", BRU, EU_FALL),
    ("vendredi à 17h", "wd4", "17:00", PAR, EU_DEC),
    ("ven 16h", "wd4", "16:00", PAR, EU_DEC),
    ("le 24 décembre à 11h", "12-24", "11:00", PAR, EU_DEC),
    ("la veille de Noël", "12-24", "day", PAR, EU_DEC),
    ("lundi prochain à 8h", "nwd0", "08:00", PAR, EU_DEC),
    ("jeudi entre 10h et 12h", "wd3", "10:00-12:00", PAR, EU_DEC),
    ("demain vers 17h", "+1", "17:00", PAR, EU_DEC),
    ("demain aprèm vers 15h", "+1", "15:00", PAR, EU_DEC),
    ("Demain A 9H30", "+1", "09:30", PAR, EU_DEC),
    ("vendredi en fin de matinée", "wd4", "p:10:00-12:00", PAR, EU_DEC),
    ("demain à 14h", "+1", "14:00", TOR, US_SAT),
    ("lundi matin", "wd0", "p:08:00-12:00", TOR, US_SAT),
    ("pas demain", None, "", PAR, EU_DEC),
    ("merci beaucoup", None, "", PAR, EU_DEC),
    ("à quinze heures", "-", "15:00", PAR, EU_DEC),
    ("dans vingt minutes", "rel", "+20", PAR, EU_DEC),
    ("dans un quart d'heure", "rel", "+15", PAR, EU_DEC),
    ("demain à dix-sept heures", "+1", "17:00", PAR, EU_DEC),
    ("la semaine pro", "week+1", "day", PAR, EU_DEC),
    ("lundi pro à 10h", "nwd0", "10:00", PAR, EU_DEC),
    ("mercredi en huit", "2026-12-09", "day", PAR, EU_DEC),
    ("jeudi en huit à 14h", "2026-12-10", "14:00", PAR, EU_DEC),
    ("demain à la première heure", "+1", "p:08:00-12:00", PAR, EU_DEC),
    ("bonsoir, dimanche à 10h ?", "wd6", "10:00", TOR, US_SAT),
    ("lun-mer", "abs", "2026-03-30T00:00>2026-04-02T00:00>range", PAR, EU_SAT),
    ("vendrefi à 10h", "wd4", "10:00", PAR, EU_DEC),
]

PT: list[Row] = [
    ("amanhã as 3 da tarde", "+1", "15:00", SAO, JUN),
    ("às 15h", "-", "15:00", SAO, JUN),
    ("amanhã 15h", "+1", "15:00", SAO, JUN),
    ("qui às 14h", "wd3", "14:00", SAO, JUN),
    ("sexta que vem às 10", "nwd4", "10:00", SAO, JUN),
    ("hj à noite", "+0", "p:17:00-21:00", SAO, JUN),
    ("amanhã de noite", "+1", "p:17:00-21:00", SAO, JUN),
    ("segunda-feira às 9", "wd0", "09:00", SAO, JUN),
    ("2ª feira às 9", "wd0", "09:00", SAO, JUN),
    ("terça feira 10h", "wd1", "10:00", SAO, JUN),
    ("qua 10h", "wd2", "10:00", SAO, JUN),
    ("dia 3 de julho às 10h", "07-03", "10:00", SAO, JUN),
    ("3/7 às 10", "07-03", "10:00", SAO, JUN),
    ("daqui a uma hora", "rel", "+60", SAO, JUN),
    ("daqui a 2 horas", "rel", "+120", SAO, JUN),
    ("em 30 minutos", "rel", "+30", SAO, JUN),
    ("às 8 da manhã", "-", "08:00", SAO, JUN),
    ("às 7 da noite", "-", "19:00", SAO, JUN),
    ("amanhã ao meio-dia", "+1", "12:00", SAO, JUN),
    ("amanhã por volta das 15h", "+1", "15:00", SAO, JUN),
    ("sexta entre 14h e 16h", "wd4", "14:00-16:00", SAO, JUN),
    ("na semana que vem", "week+1", "day", SAO, JUN),
    ("próxima semana", "week+1", "day", SAO, JUN),
    ("por favor amanhã às 10", "+1", "10:00", SAO, JUN),
    ("amanha as 10 por favor", "+1", "10:00", SAO, JUN),
    ("vc tem horário amanhã às 10?", "+1", "10:00", SAO, JUN),
    ("amanha 10hrs", "+1", "10:00", SAO, JUN),
    ("às 10 e meia", "-", "10:30", SAO, JUN),
    ("às 10h30", "-", "10:30", SAO, JUN),
    ("às 9 e 15", "-", "09:15", SAO, JUN),
    ("sabado de manha", "wd5", "p:08:00-12:00", SAO, JUN),
    ("depois de amanhã às 14h", "+2", "14:00", SAO, JUN),
    ("quinta-feira à tarde", "wd3", "p:12:00-17:00", SAO, JUN),
    ("hoje às 17:30", "+0", "17:30", SAO, JUN),
    ("amanhã às 2 da tarde", "+1", "14:00", SAO, JUN),
    ("SEXTA ÀS 11H", "wd4", "11:00", SAO, JUN),
    ("sabado as 9h pfv", "wd5", "09:00", SAO, JUN),
    ("amanhã à tarde", "+1", "p:12:00-17:00", SAO, JUN),
    ("dom às 10", "wd6", "10:00", SAO, JUN),
    ("amanhã às 9h", "+1", "09:00", SAO, NOV_MON),
    ("dia 5 às 14h", "12-05", "14:00", SAO, NOV_MON),
    ("quarta à noite", "wd2", "p:17:00-21:00", SAO, NOV_MON),
    ("hoje a noite", "abs", "2026-11-30T18:00>2026-11-30T21:00>part_of_day", SAO, NOV_MON),
    ("amanhã às 15h", "+1", "15:00", LIS, EU_SAT),
    ("amanhã de manhã", "+1", "p:08:00-12:00", LIS, EU_SAT),
    ("segunda às 10h", "wd0", "10:00", LIS, EU_SAT),
    ("fim de semana", "weekend", "day", LIS, EU_SAT),
    ("daqui a meia hora", "rel", "+30", LIS, EU_SAT),
    ("amanhã às 10h por favor", "+1", "10:00", LIS, EU_FALL_SAT),
    ("domingo à tarde", "wd6", "p:12:00-17:00", LIS, EU_FALL_SAT),
    ("terça às 9 e meia", "wd1", "09:30", LIS, EU_FALL_SAT),
    ("hoje às 18h", "+0", "18:00", LIS, EU_FALL_SAT),
    ("hoje pfv", "+0", "day", LIS, EU_FALL),
    ("agora", "rel", "+0", LIS, EU_FALL),
    ("amanhã não dá", None, "", SAO, JUN),
    ("obrigada!", None, "", SAO, JUN),
    ("boa tarde, sexta às 10h?", "wd4", "10:00", SAO, JUN),
    ("boa noite, amanhã às 9 pode ser?", "+1", "09:00", SAO, JUN),
    ("Oi, bom dia! amanhã às 8?", "+1", "08:00", SAO, JUN),
    ("boa tarde", None, "", SAO, JUN),
    ("boa tarde! amanhã às 10h?", "+1", "10:00", LIS, EU_FALL_SAT),
    ("daqui a vinte minutos", "rel", "+20", SAO, JUN),
    ("daqui a vinte e cinco minutos", "rel", "+25", SAO, JUN),
    ("amanhã às quinze horas", "+1", "15:00", SAO, JUN),
    ("daqui a um quarto de hora", "rel", "+15", SAO, JUN),
    ("de manhãzinha", "-", "p:08:00-10:00", SAO, JUN),
    ("amanhã à tardinha", "+1", "p:15:00-17:00", SAO, JUN),
    ("amnh às 10", "+1", "10:00", SAO, JUN),
    ("sexra às 10", "wd4", "10:00", SAO, JUN),
    ("segunda-quarta", "abs", "2026-11-30T18:00>2026-12-03T00:00>range", SAO, NOV_MON),
]

SETS = {"en": EN, "es": ES, "de": DE, "fr": FR, "pt": PT}


def _explicit(spec: str, zone: ZoneInfo) -> dict[str, Any]:
    """'START>END>GRAIN' in local wall time -> the expected fields."""
    first, last, grain = spec.split(">")
    start, end = (datetime.fromisoformat(v) for v in (first, last))
    return {
        "start": localize(start.date(), start.hour * 60 + start.minute, zone).isoformat(),
        "end": localize(end.date(), end.hour * 60 + end.minute, zone).isoformat(),
        "grain": grain,
    }


def _elapsed(minutes: str, now: datetime, zone: ZoneInfo) -> dict[str, Any]:
    """An instant *minutes* after now, counted in real (UTC) time."""
    moment = (now.astimezone(UTC) + timedelta(minutes=int(minutes))).astimezone(zone)
    return {"start": moment.isoformat(), "end": moment.isoformat(), "grain": "minute"}


def case(row: Row, lang: str | None) -> dict[str, Any]:
    text, day, time, zone_name, local = row
    zone = ZoneInfo(zone_name)
    now = datetime.fromisoformat(local).replace(tzinfo=zone)
    if day == "abs":
        answer = _explicit(time, zone)
    elif day == "rel":
        answer = _elapsed(time, now, zone)
    else:
        answer = expected(day, time, now, zone)
    head = {"text": text, "now": now.isoformat(), "tz": zone_name}
    return {**head, **({"lang": lang} if lang else {}), **answer}


def cases() -> list[dict[str, Any]]:
    """Every probe case; even rows name their language, odd ones leave it to detection."""
    return [
        case(row, lang if i % 2 == 0 else None)
        for lang, rows in SETS.items()
        for i, row in enumerate(rows)
    ]


def main() -> int:
    found = cases()
    write_corpus(HERE / "time_probe_2026_12.jsonl", found)
    print(f"{len(found)} probe cases")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
