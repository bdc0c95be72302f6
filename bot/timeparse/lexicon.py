"""Per-language lexicons: data files that turn a customer's words into the English rule tokens.

Each language is one TOML file in ``bot/timeparse/lexicons/`` (``es.toml``, ``de.toml`` ...);
adding a language is adding a file, the code has no per-language branch.  A file holds:

``date_order``  "dmy" / "mdy" for numeric dates, or absent when it depends on the country (en).
``markers``     words typical of the language, for :mod:`bot.timeparse.lang`.
``time_markers`` time words of a language without a ``words`` table (English): they
                weigh like the ``words`` keys do in detection.
``letters``     characters typical of the language ("ñ", "ã", "ß").
``numbers``     number words -> digits, applied token by token first ("drei" -> "3").
``vocabulary``  words near misses are corrected to ("miercoles", "viernes").
``phrases``     ordered ``[regex, replacement]`` pairs on the folded text ("a las 10" -> "at 10").
``words``       token -> English token(s) after the phrases ("lunes" -> "monday", "el" -> "").
``greetings``   regexes (folded) for greetings that open a message ("buenas tardes", "guten
                morgen"): they are dropped first, so their time words name no time.

Text is folded first (lowercase, accents dropped, "ß" -> "ss"), so every pattern is written
without accents and "manana"/"mañana", "apres-demain"/"après-demain" are the same input.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from bot.timeparse.days import WEEKDAYS
from bot.timeparse.gate import Rewrite
from bot.timeparse.typos import distance

BASE = "en"  # the language the rules are written in: its lexicon translates nothing
# In words under 7 letters a changed letter usually makes another real word ("teria" is
# not "terca"): there only missing, extra or swapped letters are corrected.
SHORT_SUBSTITUTION = 2
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u00b4": "'", "`": "'"})


def fold(text: str) -> str:
    """Lowercase without accents: 'Mañana às 10h, Übermorgen' -> 'manana as 10h, ubermorgen'."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    lowered = lowered.replace("ß", "ss").translate(_APOSTROPHES)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_WEEKDAYS = frozenset(WEEKDAYS)


def _undotted(token: str) -> str:
    """'fr.' -> 'fr', 'sept.' -> 'sept': abbreviations are written with and without a dot."""
    return token[:-1] if token.endswith(".") and token[:-1].isalpha() else token


@dataclass(frozen=True)
class Lexicon:
    """One language's data, compiled."""

    code: str
    date_order: str | None
    markers: frozenset[str]
    time_words: frozenset[str]
    letters: str
    numbers: dict[str, str]
    vocabulary: tuple[str, ...]
    phrases: tuple[Rewrite, ...]
    words: dict[str, str]
    greeting: re.Pattern[str] | None = None
    _fixes: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_identity(self) -> bool:
        """English: the rules already speak it, nothing to translate."""
        return not (self.phrases or self.words or self.numbers)

    def without_greeting(self, text: str) -> str:
        """*text* without the greetings that open it: "Good afternoon, thu at 10" is 10 am."""
        if self.greeting is None:
            return text
        return self.greeting.sub("", text, count=1)

    def correct(self, token: str) -> str:
        """The vocabulary word *token* is a near miss of (edit distance 1; 2 for 8+ letters)."""
        cached = self._fixes.get(token)
        if cached is not None:
            return cached
        fixed = token
        if (
            4 <= len(token) <= 14
            and token.isalpha()
            and token not in self.words
            and token not in self.markers
        ):
            matches = {
                word
                for word in self.vocabulary
                if abs(len(word) - len(token)) <= (limit := 2 if len(word) >= 8 else 1)
                and distance(token, word, limit, SHORT_SUBSTITUTION if len(word) < 7 else 1)
                <= limit
            }
            # "freitga" is near "freitag" and "freitags": both mean friday, so it is no tie.
            meanings = {self.words.get(word, word) for word in matches}
            fixed = min(matches) if len(meanings) == 1 else token
        if len(self._fixes) < 8192:
            self._fixes[token] = fixed
        return fixed

    def _corrected(self, token: str) -> str:
        """Near misses fixed, also inside hyphenated words ("apres-deman")."""
        if "-" in token:
            return self._day_range("-".join(self.correct(part) for part in token.split("-")))
        return self.correct(token)

    def _day_range(self, token: str) -> str:
        """'mo-mi', 'lunes-miercoles': two weekdays are a range ("monday to wednesday" once
        translated): French and Portuguese rules would read "a-b" as one phrase "a b"."""
        parts = [_undotted(part) for part in token.split("-")]
        if len(parts) == 2 and all(self.words.get(part) in _WEEKDAYS for part in parts):
            return " to ".join(parts)
        return token

    def translate(self, text: str) -> str:
        """The folded text in the English tokens the rules understand."""
        if self.is_identity:
            return self.without_greeting(text)
        tokens = [self._corrected(t) for t in re.findall(r"[^\s,;!?()\"]+", fold(text))]
        s = self.without_greeting(" ".join(self.numbers.get(t, t) for t in tokens))
        for rewrite in self.phrases:  # each skipped when it cannot match: bot.timeparse.gate
            s = rewrite.sub(s)
        return " ".join(self.words.get(_undotted(t), t) for t in s.split())


def _greeting(listed: object, code: str) -> re.Pattern[str] | None:
    """One pattern for any run of the listed greetings at the start of a message."""
    if not isinstance(listed, list):
        raise ValueError(f"lexicon {code}: greetings is a list")
    if not listed:
        return None
    either = "|".join(f"(?:{g})" for g in listed)  # written folded, as the phrases are
    # Case-insensitive: English text reaches here unfolded ("Good Morning!").
    return re.compile(rf"^(?:[\s,.;:!?\u00a1\u00bf-]*(?:{either})\b)+[\s,.;:!?-]*", re.IGNORECASE)


def _compile(code: str, data: dict[str, object]) -> Lexicon:
    phrases, words = data.get("phrases", []), data.get("words", {})
    numbers = data.get("numbers", {})
    listed_vocabulary, listed_markers = data.get("vocabulary", []), data.get("markers", [])
    if not (
        isinstance(phrases, list)
        and isinstance(words, dict)
        and isinstance(numbers, dict)
        and isinstance(listed_vocabulary, list)
        and isinstance(listed_markers, list)
    ):
        raise ValueError(f"lexicon {code}: phrases/vocabulary/markers are lists, words a table")
    vocabulary = [str(v) for v in listed_vocabulary]
    vocabulary += [w for w in words if len(w) >= 5 and w.isalpha()]
    markers = [fold(str(m)) for m in listed_markers]
    # The language's own time words are markers too; words it merely drops are not.
    time_words = [w for w, english in words.items() if english] + list(numbers)
    own = [fold(w) for w in time_words if len(w) >= 3 and w.isalpha()]
    listed_time = data.get("time_markers", [])
    if not isinstance(listed_time, list):
        raise ValueError(f"lexicon {code}: time_markers is a list")
    own += [fold(str(w)) for w in listed_time]
    order = data.get("date_order")
    return Lexicon(
        code=code,
        date_order=str(order) if order else None,
        markers=frozenset(markers + own),
        time_words=frozenset(own),
        letters=str(data.get("letters", "")),
        numbers={fold(k): str(v) for k, v in numbers.items()},
        vocabulary=tuple(dict.fromkeys(fold(v) for v in vocabulary)),
        phrases=tuple(Rewrite(str(p), str(r)) for p, r in phrases),
        words={fold(k): str(v) for k, v in words.items()},
        greeting=_greeting(data.get("greetings", []), code),
    )


@lru_cache(maxsize=1)
def lexicons() -> dict[str, Lexicon]:
    """Every lexicon file shipped in bot/timeparse/lexicons, by language code."""
    folder = resources.files("bot.timeparse") / "lexicons"
    found: dict[str, Lexicon] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            code = entry.name.removesuffix(".toml")
            found[code] = _compile(code, tomllib.loads(entry.read_text(encoding="utf-8")))
    return found


def lexicon_for(code: str | None) -> Lexicon | None:
    """The lexicon for a language code ("es", "pt-BR", "de_AT" -> its language), or None."""
    if not code:
        return None
    return lexicons().get(re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0])
