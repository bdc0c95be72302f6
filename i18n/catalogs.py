"""Loading gettext catalogs (.po) with Babel and looking texts up in them."""

from __future__ import annotations

import io
import threading
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

SOURCE_LANG = "en"
DOMAIN = "bookingbot"
LOCALE_DIR = Path(__file__).with_name("locale")


def N_(msgid: str) -> str:
    """Marks a text for extraction where it is defined, translated later where it is shown."""
    return msgid


def base_language(lang: str | None) -> str:
    """'pt_BR', 'pt-br' and 'PT' all look in the 'pt' catalog unless a regional one exists."""
    return (lang or SOURCE_LANG).replace("-", "_").split("_")[0].lower()


class Catalogs:
    """The catalogs under one directory, each compiled on first use and kept."""

    def __init__(self, root: Path = LOCALE_DIR) -> None:
        self._root = root
        self._loaded: dict[str, NullTranslations] = {}
        self._lock = threading.Lock()

    def languages(self) -> tuple[str, ...]:
        found = sorted(p.parent.parent.name for p in self._root.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
        return (SOURCE_LANG, *(lang for lang in found if lang != SOURCE_LANG))

    def translations(self, lang: str | None) -> NullTranslations:
        key = self._key(lang)
        with self._lock:
            if key not in self._loaded:
                self._loaded[key] = self._compile(key)
            return self._loaded[key]

    def say(self, lang: str | None, msgid: str, /, **params: object) -> str:
        text = self.translations(lang).gettext(msgid)
        return text.format_map(params) if params else text

    def say_n(self, lang: str | None, singular: str, plural: str, n: int, /,
              **params: object) -> str:
        text = self.translations(lang).ngettext(singular, plural, n)
        return text.format_map({"n": n, **params})

    def _key(self, lang: str | None) -> str:
        exact = (lang or SOURCE_LANG).replace("-", "_")
        if (self._root / exact / "LC_MESSAGES" / f"{DOMAIN}.po").is_file():
            return exact
        return base_language(lang)

    def _compile(self, key: str) -> NullTranslations:
        po = self._root / key / "LC_MESSAGES" / f"{DOMAIN}.po"
        if key == SOURCE_LANG or not po.is_file():
            return NullTranslations()
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=key, domain=DOMAIN)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)  # fuzzy entries are left out, as gettext does
        buffer.seek(0)
        return Translations(fp=buffer, domain=DOMAIN)
