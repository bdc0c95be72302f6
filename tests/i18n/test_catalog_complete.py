"""The catalogs are complete and safe: every text the code says is translated in every
language, each translation keeps its placeholders, plural entries have the forms the
language needs (CLDR), the template is current, and no customer-facing module hands a bare
English literal to a reply."""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from i18n import languages
from i18n.catalogs import DOMAIN, LOCALE_DIR

ROOT = Path(__file__).resolve().parents[2]
# As in the Makefile's `catalogs` target.
SOURCES = ("bot", "bookingbot", "channels", "jobs", "adapters")
KEYWORDS = {"say": (2,), "say_n": (2, 3), "N_": None}
OFFERED = [lang for lang in languages() if lang != "en"]
Msgid = str | tuple[str, str]


def _extracted() -> set[Msgid]:
    found: set[Msgid] = set()
    for folder in SOURCES:
        for _file, _line, message, _comments, _context in extract_from_dir(
                ROOT / folder, keywords=KEYWORDS, comment_tags=()):
            found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


EXTRACTED = _extracted()


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=path.parent.parent.name if path.suffix == ".po" else None,
                       domain=DOMAIN)


def _catalog(lang: str) -> Catalog:
    return _read(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po")


def _key(message_id: object) -> Msgid:
    if isinstance(message_id, str):
        return message_id
    assert isinstance(message_id, tuple | list)
    return (str(message_id[0]), str(message_id[1]))


def _names(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_the_five_languages_are_offered() -> None:
    assert set(languages()) >= {"en", "es", "de", "fr", "pt"}
    assert len(EXTRACTED) > 100  # the extraction really found the code's texts


def test_the_template_is_current() -> None:
    pot = {_key(m.id) for m in _read(LOCALE_DIR / f"{DOMAIN}.pot") if m.id}
    assert pot == EXTRACTED, ("texts changed: run `make catalogs`, then translate the new "
                              "msgstr entries in i18n/locale/*/LC_MESSAGES/bookingbot.po")


@pytest.mark.parametrize("lang", OFFERED)
def test_every_text_is_translated(lang: str) -> None:
    catalog = _catalog(lang)
    done = {_key(m.id) for m in catalog
            if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple)
                                            else (m.string,))}
    missing = sorted(str(m) for m in EXTRACTED - done)
    assert not missing, (f"{lang}: untranslated {missing}: run `make catalogs` and fill in "
                         f"their msgstr in i18n/locale/{lang}/LC_MESSAGES/bookingbot.po "
                         "(README, Languages)")


@pytest.mark.parametrize("lang", OFFERED)
def test_translations_keep_their_placeholders(lang: str) -> None:
    for m in _catalog(lang):
        if not m.id:
            continue
        if isinstance(m.id, str):
            assert _names(m.string) == _names(m.id), (lang, m.id, m.string)
        else:
            wanted = _names(m.id[0]) | _names(m.id[1])
            for form in m.string:
                assert _names(form) == wanted, (lang, m.id[0], form)


@pytest.mark.parametrize("lang", OFFERED)
def test_plural_entries_have_the_languages_forms(lang: str) -> None:
    catalog = _catalog(lang)
    needed = Catalog(locale=lang).num_plurals  # from CLDR: es/fr/pt 3 (one, many, other)
    assert catalog.num_plurals == needed
    plurals = [m for m in catalog if m.pluralizable]
    assert plurals, "the catalog has plural entries"
    for m in plurals:
        assert len(m.string) == needed, (lang, m.id)
        assert all(m.string), (lang, m.id)


# --- no bare English reaches a customer ---------------------------------------------------

CUSTOMER_MODULES = sorted(
    [*ROOT.glob("bot/*.py"), ROOT / "bookingbot/notify_texts.py",
     ROOT / "bookingbot/reply_router.py", ROOT / "bookingbot/data_requests.py",
     *ROOT.glob("channels/twilio/*.py"), *ROOT.glob("channels/sms/*.py"),
     *ROOT.glob("channels/whatsapp/*.py"), *ROOT.glob("channels/telegram/*.py"),
     ROOT / "channels/console.py", ROOT / "channels/http_guard.py",
     ROOT / "adapters/payments/webhook.py"])
# Constructors of what a customer reads, and bot.transition.say(session, *texts).
TEXT_CALLS = {"Reply", "Message", "Choice", "simple", "say"}
TEXT_KEYWORDS = {"text", "label", "choices"}
# Texts for the business's own staff (Slack), which stay in the team's language.
STAFF_FUNCTIONS = {"_provider_text", "_calendar_failed", "notice_text", "_at"}


def _literal_words(node: ast.AST) -> Iterator[ast.AST]:
    """String literals with letters in an argument, not looking inside calls (a call such
    as i18n.say(...) or replies.kept(lang) is how a text is meant to arrive)."""
    if isinstance(node, ast.Call):
        return
    if isinstance(node, ast.Subscript):  # d["text"]: a key, not a text
        yield from _literal_words(node.value)
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str) \
            and any(ch.isalpha() for ch in node.value):
        yield node
        return
    if isinstance(node, ast.JoinedStr):
        if any(isinstance(v, ast.Constant) and any(ch.isalpha() for ch in str(v.value))
               for v in node.values):
            yield node
        return
    for child in ast.iter_child_nodes(node):
        yield from _literal_words(child)


def _name(func: ast.expr) -> str:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def bare_texts(source: str) -> list[int]:
    """Lines where an English literal is handed to a reply constructor or the bot's say."""
    tree = ast.parse(source)
    staff = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)
             and f.name in STAFF_FUNCTIONS for n in ast.walk(f)}
    lines = []
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call) or id(call) in staff or \
                _name(call.func) not in TEXT_CALLS:
            continue
        if _name(call.func) == "say" and _says_i18n(tree):
            continue  # i18n.say(lang, "msgid", ...): the msgid is meant to be English
        args = call.args[:1] if _name(call.func) == "Choice" else call.args  # not the payload
        for arg in [*args, *(k.value for k in call.keywords if k.arg in TEXT_KEYWORDS)]:
            lines.extend(n.lineno for n in _literal_words(arg))
    return lines


def _says_i18n(tree: ast.Module) -> bool:
    """Whether the module's ``say`` is i18n's (else it is bot.transition's: all texts)."""
    return any(isinstance(n, ast.ImportFrom) and n.module == "i18n"
               and any(a.name == "say" for a in n.names) for n in ast.walk(tree))


def test_the_check_finds_bare_english() -> None:
    assert bare_texts('def f():\n    return Reply("Booked!")\n') == [2]
    assert bare_texts('def f(n):\n    return Reply(f"Booked {n}!")\n') == [2]
    assert bare_texts('def f(s):\n    return say(s, "Please reply yes.")\n') == [2]
    assert bare_texts('def f(a):\n    return Reply(text="Pick: " + a.text)\n') == [2]
    i18n = "from i18n import say\n"
    assert bare_texts(i18n + 'def f(lang):\n    return Reply(say(lang, "Booked!"))\n') == []
    assert bare_texts(i18n + 'def f(lang):\n    return Reply(say(lang, "Hi") + "!")\n') == []
    assert bare_texts(i18n + 'def f(lang):\n    return Reply(say(lang, "Hi") + " you")\n') == [3]
    assert bare_texts('def f(c):\n    return Choice(c.label, "yes")\n') == []


@pytest.mark.parametrize("path", CUSTOMER_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_bare_english_reaches_a_customer(path: Path) -> None:
    assert bare_texts(path.read_text(encoding="utf-8")) == [], path
