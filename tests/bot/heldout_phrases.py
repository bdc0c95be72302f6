"""A second, hand-written set of time phrases per language, kept apart from the generated
corpora to check that the lexicons generalise (written before its failures were looked at).

    .venv/bin/python tests/bot/heldout_phrases.py   # rewrites tests/bot/time_heldout_<lang>.jsonl

Each row: (text, day, time, zone, local now) in the notation of tests/bot/timecases.py.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

from timecases import HERE, expected, write_corpus

MAD, BER, PAR, SAO, NYC, KOL, SYD = (
    "Europe/Madrid",
    "Europe/Berlin",
    "Europe/Paris",
    "America/Sao_Paulo",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Sydney",
)
W = "2026-05-13T09:00"  # a Wednesday
F = "2026-03-27T17:00"  # Friday before the EU spring change
S = "2026-10-24T10:00"  # Saturday before the EU fall-back
N = "2026-10-31T10:00"  # Saturday before the US fall-back

Row = tuple[str, str | None, str, str, str]

ES: list[Row] = [
    ("mañana a las 11", "+1", "11:00", MAD, W),
    ("manana a las 11 porfa", "+1", "11:00", MAD, W),
    ("quisiera reservar para mañana por la tarde", "+1", "p:12:00-17:00", MAD, F),
    ("pasado mañana a las 9 de la mañana", "+2", "09:00", MAD, S),
    ("el jueves a las 6 de la tarde", "wd3", "18:00", MAD, W),
    ("el jueves que viene a las 12", "nwd3", "12:00", MAD, W),
    ("el proximo martes por la mañana", "nwd1", "p:08:00-12:00", MAD, F),
    ("hoy a las 7 de la tarde", "+0", "19:00", MAD, W),
    ("esta tarde", "+0", "p:12:00-17:00", MAD, W),
    ("esta noche a las 8", "+0", "20:00", MAD, W),
    ("el sabado por la mañana", "wd5", "p:08:00-12:00", MAD, S),
    ("mejor el viernes a las 16:30", "wd4", "16:30", MAD, W),
    ("el lunes entre las 10 y las 12", "wd0", "10:00-12:00", MAD, F),
    ("el 20 de mayo a las 10", "05-20", "10:00", MAD, W),
    ("el 2 de junio", "06-02", "day", MAD, W),
    ("el dia 15 a las 5", "05-15", "17:00", MAD, W),
    ("el 15/6 a las 11", "06-15", "11:00", MAD, W),
    ("mañana sobre las 4", "+1", "16:00", MAD, W),
    ("mañana después de las 5", "+1", "17:00-21:00", MAD, W),
    ("el miercoles antes de las 12", "wd2", "08:00-12:00", MAD, F),
    ("en 3 horas", "-", "12:00", MAD, W),
    ("la semana que viene", "week+1", "day", MAD, W),
    ("este finde", "weekend", "day", MAD, W),
    ("martes o miércoles", "wd1", "day", MAD, W),
    ("no puedo el lunes", None, "", MAD, W),
    ("hola! tienes algo el viernes por la tarde?", "wd4", "p:12:00-17:00", MAD, W),
    ("el vienes a las 10", "wd4", "10:00", MAD, W),
    ("mañana a las diez", "+1", "10:00", MAD, W),
    ("el domingo al mediodia", "wd6", "12:00", MAD, W),
    ("mañana a primera hora", "+1", "p:08:00-12:00", MAD, W),
    ("el lunes 18 a las 9", "2026-05-18", "09:00", MAD, W),
    ("a las 3 y cuarto", "-", "15:15", MAD, W),
    ("gracias", None, "", MAD, W),
    ("mañana a las 10", "+1", "10:00", NYC, N),
    ("el domingo a las 10", "wd6", "10:00", NYC, N),
]

DE: list[Row] = [
    ("morgen um 11", "+1", "11:00", BER, W),
    ("Morgen um 11 Uhr bitte", "+1", "11:00", BER, W),
    ("morgen nachmittag", "+1", "p:12:00-17:00", BER, F),
    ("übermorgen um 9", "+2", "09:00", BER, S),
    ("Donnerstag um 18 Uhr", "wd3", "18:00", BER, W),
    ("nächsten Donnerstag um 12", "nwd3", "12:00", BER, W),
    ("kommenden Dienstag vormittag", "nwd1", "p:08:00-12:00", BER, F),
    ("heute um 19 Uhr", "+0", "19:00", BER, W),
    ("heute nachmittag", "+0", "p:12:00-17:00", BER, W),
    ("heute abend um 8", "+0", "20:00", BER, W),
    ("Samstag vormittag", "wd5", "p:08:00-12:00", BER, S),
    ("lieber Freitag um 16:30", "wd4", "16:30", BER, W),
    ("am Montag zwischen 10 und 12", "wd0", "10:00-12:00", BER, F),
    ("am 20. Mai um 10 Uhr", "05-20", "10:00", BER, W),
    ("am 2. Juni", "06-02", "day", BER, W),
    ("am 15.6. um 11", "06-15", "11:00", BER, W),
    ("morgen gegen 16 Uhr", "+1", "16:00", BER, W),
    ("morgen ab 17 Uhr", "+1", "17:00-21:00", BER, W),
    ("Mittwoch vor 12", "wd2", "08:00-12:00", BER, F),
    ("in 3 Stunden", "-", "12:00", BER, W),
    ("nächste Woche", "week+1", "day", BER, W),
    ("dieses Wochenende", "weekend", "day", BER, W),
    ("Dienstag oder Mittwoch", "wd1", "day", BER, W),
    ("Montag geht nicht", None, "", BER, W),
    ("Hallo! Habt ihr Freitag nachmittag was frei?", "wd4", "p:12:00-17:00", BER, W),
    ("Freitga um 10", "wd4", "10:00", BER, W),
    ("morgen um zehn", "+1", "10:00", BER, W),
    ("Sonntag mittag", "wd6", "12:00", BER, W),
    ("morgen früh", "+1", "p:08:00-12:00", BER, W),
    ("Montag, den 18. um 9", "2026-05-18", "09:00", BER, W),
    ("um viertel nach 3", "-", "15:15", BER, W),
    ("danke", None, "", BER, W),
    ("morgen um halb 10", "+1", "09:30", BER, W),
    ("morgen um 10", "+1", "10:00", PAR, S),
]

FR: list[Row] = [
    ("demain à 11h", "+1", "11:00", PAR, W),
    ("demain a 11h stp", "+1", "11:00", PAR, W),
    ("je voudrais réserver demain après-midi", "+1", "p:12:00-17:00", PAR, F),
    ("après-demain à 9h", "+2", "09:00", PAR, S),
    ("jeudi à 18h", "wd3", "18:00", PAR, W),
    ("jeudi prochain à midi", "nwd3", "12:00", PAR, W),
    ("mardi prochain dans la matinée", "nwd1", "p:08:00-12:00", PAR, F),
    ("aujourd'hui à 19h", "+0", "19:00", PAR, W),
    ("cet après-midi", "+0", "p:12:00-17:00", PAR, W),
    ("ce soir à 20h", "+0", "20:00", PAR, W),
    ("samedi matin", "wd5", "p:08:00-12:00", PAR, S),
    ("plutôt vendredi à 16h30", "wd4", "16:30", PAR, W),
    ("lundi entre 10h et 12h", "wd0", "10:00-12:00", PAR, F),
    ("le 20 mai à 10h", "05-20", "10:00", PAR, W),
    ("le 2 juin", "06-02", "day", PAR, W),
    ("le 15/6 à 11h", "06-15", "11:00", PAR, W),
    ("demain vers 16h", "+1", "16:00", PAR, W),
    ("demain après 17h", "+1", "17:00-21:00", PAR, W),
    ("mercredi avant midi", "wd2", "08:00-12:00", PAR, F),
    ("dans 3 heures", "-", "12:00", PAR, W),
    ("la semaine prochaine", "week+1", "day", PAR, W),
    ("ce weekend", "weekend", "day", PAR, W),
    ("mardi ou mercredi", "wd1", "day", PAR, W),
    ("pas lundi", None, "", PAR, W),
    ("bonjour ! vous avez quelque chose vendredi après-midi ?", "wd4", "p:12:00-17:00", PAR, W),
    ("vendredie à 10h", "wd4", "10:00", PAR, W),
    ("demain à dix heures", "+1", "10:00", PAR, W),
    ("dimanche midi", "wd6", "12:00", PAR, W),
    ("demain en fin de matinée", "+1", "p:10:00-12:00", PAR, W),
    ("lundi 18 à 9h", "2026-05-18", "09:00", PAR, W),
    ("à 15h15", "-", "15:15", PAR, W),
    ("merci", None, "", PAR, W),
    ("demain en début d'après-midi", "+1", "p:12:00-15:00", PAR, W),
    ("demain à 10h", "+1", "10:00", NYC, N),
]

PT: list[Row] = [
    ("amanhã às 11", "+1", "11:00", SAO, W),
    ("amanha as 11 pfv", "+1", "11:00", SAO, W),
    ("queria agendar pra amanhã à tarde", "+1", "p:12:00-17:00", SAO, F),
    ("depois de amanhã às 9h", "+2", "09:00", SAO, S),
    ("quinta às 18h", "wd3", "18:00", SAO, W),
    ("quinta que vem ao meio-dia", "nwd3", "12:00", SAO, W),
    ("próxima terça de manhã", "nwd1", "p:08:00-12:00", SAO, F),
    ("hoje às 19h", "+0", "19:00", SAO, W),
    ("hoje à tarde", "+0", "p:12:00-17:00", SAO, W),
    ("hoje à noite às 8", "+0", "20:00", SAO, W),
    ("sábado de manhã", "wd5", "p:08:00-12:00", SAO, S),
    ("melhor sexta às 16:30", "wd4", "16:30", SAO, W),
    ("segunda entre 10h e 12h", "wd0", "10:00-12:00", SAO, F),
    ("dia 20 de maio às 10h", "05-20", "10:00", SAO, W),
    ("2 de junho", "06-02", "day", SAO, W),
    ("15/6 às 11h", "06-15", "11:00", SAO, W),
    ("amanhã lá pelas 16h", "+1", "16:00", SAO, W),
    ("amanhã depois das 17h", "+1", "17:00-21:00", SAO, W),
    ("quarta antes do meio-dia", "wd2", "08:00-12:00", SAO, F),
    ("daqui a 3 horas", "-", "12:00", SAO, W),
    ("semana que vem", "week+1", "day", SAO, W),
    ("nesse fim de semana", "weekend", "day", SAO, W),
    ("terça ou quarta", "wd1", "day", SAO, W),
    ("segunda não dá", None, "", SAO, W),
    ("oi! tem horário sexta à tarde?", "wd4", "p:12:00-17:00", SAO, W),
    ("sexat às 10", "wd4", "10:00", SAO, W),
    ("amanhã às dez", "+1", "10:00", SAO, W),
    ("domingo meio-dia", "wd6", "12:00", SAO, W),
    ("amanhã cedo", "+1", "p:08:00-10:00", SAO, W),
    ("segunda dia 18 às 9h", "2026-05-18", "09:00", SAO, W),
    ("às 15h15", "-", "15:15", SAO, W),
    ("obrigado", None, "", SAO, W),
    ("amanhã às 10", "+1", "10:00", NYC, N),
    ("terça-feira às 14h", "wd1", "14:00", SAO, W),
]

EN: list[Row] = [
    ("see you monday at 3", "wd0", "15:00", NYC, W),
    ("ok let's do thursday then", "wd3", "day", NYC, W),
    ("June is my usual stylist", None, "", NYC, W),
    ("I'll bring Jan along", None, "", NYC, W),
    ("1st time customer here", None, "", NYC, W),
    ("before noon on friday", "wd4", "08:00-12:00", NYC, W),
    ("14/8 at 4", "08-14", "16:00", KOL, W),
    ("12/1", "01-12", "day", SYD, "2026-12-07T10:00"),
    ("sounds good, tuesday at 11 works", "wd1", "11:00", NYC, W),
    ("can i come in tmrw around 2", "+1", "14:00", NYC, W),
    ("friday arvo", "wd4", "p:12:00-17:00", SYD, W),
    ("next tuesday morning pls", "nwd1", "p:08:00-12:00", KOL, W),
    ("could we do the 20th at 10?", "05-20", "10:00", NYC, W),
    ("8/14 at 4pm", "08-14", "16:00", NYC, W),
    ("thursday between 2 and 4", "wd3", "14:00-16:00", NYC, W),
    ("great, see u saturday 10am", "wd5", "10:00", SYD, W),
    ("tomorrow at 9:30 if possible", "+1", "09:30", KOL, W),
]

# Round two, written after round one passed, again before running it.
T = "2026-11-26T15:00"  # a Thursday afternoon

ES2: list[Row] = [
    ("Mañana A Las 10", "+1", "10:00", MAD, T),
    ("mañana 10:30", "+1", "10:30", MAD, T),
    ("el primero de diciembre a las 11", "12-01", "11:00", MAD, T),
    ("el 1 de diciembre", "12-01", "day", MAD, T),
    ("para el lunes a las 9 y media", "wd0", "09:30", MAD, T),
    ("podría ser el martes que viene por la tarde?", "nwd1", "p:12:00-17:00", MAD, T),
    ("el viernes de 4 a 6", "wd4", "16:00-18:00", MAD, T),
    ("mañana entre las 10 y las 11 de la mañana", "+1", "10:00-11:00", MAD, T),
    ("a las 18h", "-", "18:00", MAD, T),
    ("dentro de 2 días", "+2", "day", MAD, T),
    ("el sábado 28 a las 12", "2026-11-28", "12:00", MAD, T),
    ("mañana a las 12 del mediodía", "+1", "12:00", MAD, T),
    ("pasado mañana por la tarde", "+2", "p:12:00-17:00", MAD, T),
    ("el 3/12 a las 5", "12-03", "17:00", MAD, T),
    ("mañna por la mañana", "+1", "p:08:00-12:00", MAD, T),
    ("jueves de la semana que viene", "nwk3", "day", MAD, T),
]
DE2: list[Row] = [
    ("MORGEN UM 10", "+1", "10:00", BER, T),
    ("morgen 10:30", "+1", "10:30", BER, T),
    ("am 1. Dezember um 11", "12-01", "11:00", BER, T),
    ("am ersten Dezember", "12-01", "day", BER, T),
    ("Montag um halb 10", "wd0", "09:30", BER, T),
    ("ginge nächsten Dienstag nachmittag?", "nwd1", "p:12:00-17:00", BER, T),
    ("Freitag von 16 bis 18 Uhr", "wd4", "16:00-18:00", BER, T),
    ("morgen zwischen 10 und 11", "+1", "10:00-11:00", BER, T),
    ("um 18h", "-", "18:00", BER, T),
    ("in 2 Tagen", "+2", "day", BER, T),
    ("Samstag, 28.11. um 12", "2026-11-28", "12:00", BER, T),
    ("morgen mittag um 12", "+1", "12:00", BER, T),
    ("übermorgen nachmittags", "+2", "p:12:00-17:00", BER, T),
    ("am 3.12. um 17 Uhr", "12-03", "17:00", BER, T),
    ("morgn vormittag", "+1", "p:08:00-12:00", BER, T),
    ("Donnerstag nächste Woche", "nwk3", "day", BER, T),
]
FR2: list[Row] = [
    ("DEMAIN A 10H", "+1", "10:00", PAR, T),
    ("demain 10h30", "+1", "10:30", PAR, T),
    ("le 1er décembre à 11h", "12-01", "11:00", PAR, T),
    ("le premier décembre", "12-01", "day", PAR, T),
    ("pour lundi à 9h30", "wd0", "09:30", PAR, T),
    ("ce serait possible mardi prochain l'après-midi ?", "nwd1", "p:12:00-17:00", PAR, T),
    ("vendredi de 16h à 18h", "wd4", "16:00-18:00", PAR, T),
    ("demain entre 10h et 11h", "+1", "10:00-11:00", PAR, T),
    ("à 18 h", "-", "18:00", PAR, T),
    ("dans 2 jours", "+2", "day", PAR, T),
    ("samedi 28 à midi", "2026-11-28", "12:00", PAR, T),
    ("demain midi", "+1", "12:00", PAR, T),
    ("après-demain après-midi", "+2", "p:12:00-17:00", PAR, T),
    ("le 3/12 à 17h", "12-03", "17:00", PAR, T),
    ("demian matin", "+1", "p:08:00-12:00", PAR, T),
    ("jeudi de la semaine prochaine", "nwk3", "day", PAR, T),
]
PT2: list[Row] = [
    ("AMANHÃ ÀS 10", "+1", "10:00", SAO, T),
    ("amanhã 10:30", "+1", "10:30", SAO, T),
    ("dia 1º de dezembro às 11h", "12-01", "11:00", SAO, T),
    ("primeiro de dezembro", "12-01", "day", SAO, T),
    ("pra segunda às 9 e meia", "wd0", "09:30", SAO, T),
    ("poderia ser terça que vem à tarde?", "nwd1", "p:12:00-17:00", SAO, T),
    ("sexta das 16h às 18h", "wd4", "16:00-18:00", SAO, T),
    ("amanhã entre 10h e 11h", "+1", "10:00-11:00", SAO, T),
    ("às 18hs", "-", "18:00", SAO, T),
    ("daqui a 2 dias", "+2", "day", SAO, T),
    ("sábado dia 28 ao meio-dia", "2026-11-28", "12:00", SAO, T),
    ("amanhã meio dia", "+1", "12:00", SAO, T),
    ("depois de amanhã à tarde", "+2", "p:12:00-17:00", SAO, T),
    ("3/12 às 17h", "12-03", "17:00", SAO, T),
    ("amnhã de manhã", "+1", "p:08:00-12:00", SAO, T),
    ("quinta da semana que vem", "nwk3", "day", SAO, T),
]
EN2: list[Row] = [
    ("noon EDT", "-", "17:00", "Europe/London", "2026-05-13T12:30"),
    ("ok so wednesday at 4 then?", "wd2", "16:00", NYC, T),
    ("May I book for friday at 2", "wd4", "14:00", NYC, T),
    ("my 2nd visit, tomorrow at 10 please", "+1", "10:00", NYC, T),
    ("3/12", None, "", NYC, T),  # 12 March and 3 December both plausible: ask back
    ("3/12", None, "", "Europe/London", T),
]

# Round three, written after round two passed, again before running it.
M = "2026-06-01T08:30"  # a Monday morning

ES3: list[Row] = [
    ("buenas, tendrías hueco hoy por la tarde?", "+0", "p:12:00-17:00", MAD, M),
    ("mejor mañana a las 9 y cuarto", "+1", "09:15", MAD, M),
    ("el miércoles 3 a las 12:30", "2026-06-03", "12:30", MAD, M),
    ("vale, el viernes después de comer", "wd4", "p:14:00-17:00", MAD, M),
    ("el finde que viene", "weekend", "day", MAD, M),
    ("a las 7 de la tarde del jueves", "wd3", "19:00", MAD, M),
    ("me gustaría el 10 de junio por la mañana", "06-10", "p:08:00-12:00", MAD, M),
    ("entre las 4 y las 6 de la tarde del martes", "wd1", "16:00-18:00", MAD, M),
    ("hoy no puedo", None, "", MAD, M),
    ("el jeuves a las 11", "wd3", "11:00", MAD, M),
    ("pasado mañana al mediodía", "+2", "12:00", MAD, M),
    ("dentro de 3 días", "+3", "day", MAD, M),
]
DE3: list[Row] = [
    ("hallo, hätten Sie heute Nachmittag Zeit?", "+0", "p:12:00-17:00", BER, M),
    ("lieber morgen um Viertel nach 9", "+1", "09:15", BER, M),
    ("Mittwoch, den 3. um 12:30", "2026-06-03", "12:30", BER, M),
    ("ok, Freitag nach dem Mittagessen", "wd4", "p:14:00-17:00", BER, M),
    ("kommendes Wochenende", "weekend", "day", BER, M),
    ("Donnerstag um 19 Uhr", "wd3", "19:00", BER, M),
    ("ich würde gern am 10. Juni vormittags kommen", "06-10", "p:08:00-12:00", BER, M),
    ("Dienstag zwischen 16 und 18 Uhr", "wd1", "16:00-18:00", BER, M),
    ("heute kann ich nicht", None, "", BER, M),
    ("Donnerstg um 11", "wd3", "11:00", BER, M),
    ("übermorgen mittags um 12", "+2", "12:00", BER, M),
    ("in drei Tagen", "+3", "day", BER, M),
]
FR3: list[Row] = [
    ("bonjour, vous auriez de la place cet aprem ?", "+0", "p:12:00-17:00", PAR, M),
    ("plutôt demain à 9h15", "+1", "09:15", PAR, M),
    ("mercredi 3 à 12h30", "2026-06-03", "12:30", PAR, M),
    ("ok, vendredi après le déjeuner", "wd4", "p:14:00-17:00", PAR, M),
    ("ce week-end", "weekend", "day", PAR, M),
    ("jeudi à 19h", "wd3", "19:00", PAR, M),
    ("j'aimerais venir le 10 juin dans la matinée", "06-10", "p:08:00-12:00", PAR, M),
    ("mardi entre 16h et 18h", "wd1", "16:00-18:00", PAR, M),
    ("aujourd'hui je ne peux pas", None, "", PAR, M),
    ("jedi à 11h", "wd3", "11:00", PAR, M),
    ("après-demain à midi", "+2", "12:00", PAR, M),
    ("dans 3 jours", "+3", "day", PAR, M),
]
PT3: list[Row] = [
    ("oi, teria horário hoje à tarde?", "+0", "p:12:00-17:00", SAO, M),
    ("melhor amanhã às 9h15", "+1", "09:15", SAO, M),
    ("quarta dia 3 às 12:30", "2026-06-03", "12:30", SAO, M),
    ("ok, sexta depois do almoço", "wd4", "p:14:00-17:00", SAO, M),
    ("fim de semana que vem", "weekend", "day", SAO, M),
    ("quinta às 19h", "wd3", "19:00", SAO, M),
    ("gostaria de ir dia 10 de junho de manhã", "06-10", "p:08:00-12:00", SAO, M),
    ("terça entre as 16h e as 18h", "wd1", "16:00-18:00", SAO, M),
    ("hoje não posso", None, "", SAO, M),
    ("qunta às 11", "wd3", "11:00", SAO, M),
    ("depois de amanhã ao meio dia", "+2", "12:00", SAO, M),
    ("daqui a 3 dias", "+3", "day", SAO, M),
]

# Round four, written after round three passed, again before running it.
R = "2026-09-10T11:20"  # a Thursday late morning

ES4: list[Row] = [
    ("HOLA QUIERO TURNO PARA EL LUNES A LAS 4", "wd0", "16:00", MAD, R),
    ("porfa mañana a las 12 y media", "+1", "12:30", MAD, R),
    ("me vendria bien el martes 15 por la tarde", "2026-09-15", "p:12:00-17:00", MAD, R),
    ("el sabado que viene a las 10:30", "nwd5", "10:30", MAD, R),
    ("podria ser hoy a las 6?", "+0", "18:00", MAD, R),
    ("mañana entre las 9 y las 10", "+1", "09:00-10:00", MAD, R),
    ("el 1 de octubre a las 5 de la tarde", "10-01", "17:00", MAD, R),
    ("el viernes no, mejor el lunes", None, "", MAD, R),
]
DE4: list[Row] = [
    ("HALLO ICH MÖCHTE EINEN TERMIN AM MONTAG UM 16 UHR", "wd0", "16:00", BER, R),
    ("bitte morgen um halb eins", "+1", "12:30", BER, R),
    ("am Dienstag den 15. nachmittags", "2026-09-15", "p:12:00-17:00", BER, R),
    ("nächsten Samstag um 10:30", "nwd5", "10:30", BER, R),
    ("ginge heute um 18 Uhr?", "+0", "18:00", BER, R),
    ("morgen zwischen 9 und 10", "+1", "09:00-10:00", BER, R),
    ("am 1. Oktober um 17 Uhr", "10-01", "17:00", BER, R),
    ("Freitag geht nicht, lieber Montag", None, "", BER, R),
]
FR4: list[Row] = [
    ("BONJOUR JE VOUDRAIS UN RDV LUNDI A 16H", "wd0", "16:00", PAR, R),
    ("svp demain à 12h30", "+1", "12:30", PAR, R),
    ("mardi 15 dans l'après-midi", "2026-09-15", "p:12:00-17:00", PAR, R),
    ("samedi prochain à 10h30", "nwd5", "10:30", PAR, R),
    ("ce serait possible aujourd'hui à 18h ?", "+0", "18:00", PAR, R),
    ("demain entre 9h et 10h", "+1", "09:00-10:00", PAR, R),
    ("le 1er octobre à 17h", "10-01", "17:00", PAR, R),
    ("pas vendredi, plutôt lundi", None, "", PAR, R),
]
PT4: list[Row] = [
    ("OI QUERIA MARCAR NA SEGUNDA AS 16H", "wd0", "16:00", SAO, R),
    ("pfv amanhã ao meio-dia e meia", "+1", "12:30", SAO, R),
    ("terça dia 15 à tarde", "2026-09-15", "p:12:00-17:00", SAO, R),
    ("sábado que vem às 10:30", "nwd5", "10:30", SAO, R),
    ("daria hoje às 18h?", "+0", "18:00", SAO, R),
    ("amanhã entre 9h e 10h", "+1", "09:00-10:00", SAO, R),
    ("1º de outubro às 17h", "10-01", "17:00", SAO, R),
    ("sexta não, melhor segunda", None, "", SAO, R),
]

SETS = {
    "es": ES + ES2 + ES3 + ES4,
    "de": DE + DE2 + DE3 + DE4,
    "fr": FR + FR2 + FR3 + FR4,
    "pt": PT + PT2 + PT3 + PT4,
    "en": EN + EN2,
}


def main() -> int:
    for lang, rows in SETS.items():
        cases = []
        for text, day, time, zone_name, local in rows:
            zone = ZoneInfo(zone_name)
            now = datetime.fromisoformat(local).replace(tzinfo=zone)
            cases.append(
                {
                    "text": text,
                    "now": now.isoformat(),
                    "tz": zone_name,
                    **expected(day, time, now, zone),
                }
            )
        write_corpus(HERE / f"time_heldout_{lang}.jsonl", cases)
        print(f"{lang}: {len(cases)} held-out cases")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
