"""Every customer-facing text, in the customer's language.

Texts are written in code as their English original (the gettext msgid) and looked up in a
catalog per language: ``i18n/locale/<lang>/LC_MESSAGES/bookingbot.po``. Adding a language is
adding a catalog file; nothing else changes. English needs no catalog: a msgid with no
translation (or a language with no catalog) falls back to the English text, never to an error.

    say(lang, "Booked: {service} on {when}.", service=name, when=label)
    say_n(lang, "{n} seat left", "{n} seats left", n)

The catalogs are read with Babel (the maintained gettext toolchain: extraction with
``pybabel extract``, plural rules per locale from CLDR), compiled in memory once per process.
"""

from __future__ import annotations

from babel.core import negotiate_locale
from babel.languages import get_official_languages

from i18n.catalogs import N_, Catalogs

DEFAULT = Catalogs()


def say(lang: str | None, msgid: str, /, **params: object) -> str:
    """The text ``msgid`` in ``lang`` with ``{params}`` filled in."""
    return DEFAULT.say(lang, msgid, **params)


def say_n(lang: str | None, singular: str, plural: str, n: int, /, **params: object) -> str:
    """The plural form of the text for ``n`` (``{n}`` is filled in as well)."""
    return DEFAULT.say_n(lang, singular, plural, n, **params)


def languages() -> tuple[str, ...]:
    """English plus every language that has a catalog, in a stable order."""
    return DEFAULT.languages()


def browser_language(accept_language: str) -> str:
    """The best offered language for an HTTP ``Accept-Language`` header (English if none)."""
    wanted = [part.split(";")[0].strip().replace("-", "_")
              for part in accept_language.split(",") if part.strip()]
    offered = languages()
    found = negotiate_locale(wanted, offered) or negotiate_locale(
        [w.split("_")[0] for w in wanted], offered)
    return found or offered[0]


def territory_languages(region: str) -> tuple[str, ...]:
    """The languages spoken officially (or in fact) in a country, main one first, from
    CLDR: "ES" -> es, ...; "CA" -> en, fr; an unknown code -> ()."""
    try:
        return tuple(get_official_languages(region.upper(), de_facto=True))
    except (KeyError, ValueError):
        return ()


__all__ = ["DEFAULT", "N_", "Catalogs", "browser_language", "languages", "say", "say_n",
           "territory_languages"]
