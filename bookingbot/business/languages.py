"""The ``languages:`` section and the per-language service names.

    languages:
      default: es          # what a customer is answered in when nothing tells their own
      offered: [es, en]    # what a customer may be answered in (default: every catalog)

    services:
      - name: {es: Corte de pelo, en: Haircut}      # or a plain name: every language
        aliases: {es: [corte], en: [cut, trim]}     # or a plain list: every language

Absent, the bot speaks English by default and offers every language it has a catalog for
(as before the section existed). Names and aliases in every language are understood
whatever language the customer writes in; each customer reads the name in their own.
"""

from __future__ import annotations

from bookingbot.business.problems import KeyPath, Problems
from bookingbot.business.schema import LanguagesIn, ServiceIn
from core.model import Languages
from i18n import languages as catalogs


def build_languages(given: LanguagesIn | None) -> Languages:
    """The section as ``core.model.Languages``; nothing written: the built-in default."""
    if given is None or (given.default is None and given.offered is None):
        return Languages()
    offered = tuple(dict.fromkeys(given.offered or catalogs()))
    return Languages(default=given.default or offered[0], offered=offered)


def check_service_languages(services: list[tuple[int, ServiceIn]], langs: Languages,
                            problems: Problems) -> None:
    """Names and aliases given per language name offered languages, and a per-language
    name includes the default language's (the name providers and the admin read)."""
    offered = langs.offered or catalogs()
    for i, svc in services:
        for field in ("name", "aliases"):
            given = getattr(svc, field)
            if not isinstance(given, dict):
                continue
            for code in given:
                if code not in offered:
                    where: KeyPath = ("services", i, field, code)
                    problems.add(where, f'"{code}" is not an offered language (offered: '
                                 f"{', '.join(offered)})")
        if isinstance(svc.name, dict) and langs.default not in svc.name:
            problems.add(("services", i, "name"), "give the name in the default language "
                         f'"{langs.default}" too')
