"""Neutral ``Reply`` -> one text message with typed answers (SMS and WhatsApp).

Choices whose payload names an item ("slot:3", "booking:ab12", "service:cut") are numbered
in order, "Reply 1-5"; the conversation reads a bare number against the list it showed, so
no per-number memory is needed in the web process. Choices whose payload is itself a word
the conversation understands ("yes", "no", "more", "book") are offered as that word:
"Reply YES or NO". A word the channel reserves (an opt-out keyword: typed alone it would
unsubscribe) is offered by its label instead: "CANCEL A BOOKING". A bare number where no
list is showing is never given a meaning.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.messages import Choice, Reply
from i18n import N_, formats, say
from i18n.catalogs import base_language

# Answers offered as a word to type, in the reply's language (the command words such as
# BOOK are offered as the payload itself, which the conversation reads in every language).
_ANSWERS = {"yes": N_("YES"), "no": N_("NO")}


def _is_word(payload: str) -> bool:
    return payload.replace(" ", "").isalpha()


def _either(words: list[str], lang: str | None) -> str:
    if base_language(lang) != "en":
        return formats.or_list(words, lang)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _same(text: str) -> str:
    return text


class TextRenderer:
    def __init__(self, *, reserved: frozenset[str],
                 finish: Callable[[str], str] = _same) -> None:
        self._reserved = reserved
        self._finish = finish  # e.g. GSM-7 transliteration for SMS

    def _word(self, choice: Choice, lang: str | None) -> str:
        if choice.payload.lower() in self._reserved:
            return choice.label.upper()
        if len(choice.payload) == 1:  # a letter stands for its label: "C to confirm"
            return say(lang, "{letter} to {action}", letter=choice.payload.upper(),
                       action=choice.label.lower())
        if choice.payload in _ANSWERS:  # "Responde SÍ o NO": the bot reads both forms
            return say(lang, _ANSWERS[choice.payload])
        return choice.payload.upper()

    def _footer(self, numbered: list[Choice], words: list[Choice], lang: str | None) -> str:
        offers = []
        if numbered:
            offers.append("1" if len(numbered) == 1 else f"1-{len(numbered)}")
        offers.extend(self._word(c, lang) for c in words)
        return say(lang, "Reply {options}", options=_either(offers, lang))

    def render(self, reply: Reply) -> str:
        numbered = [c for c in reply.choices if not _is_word(c.payload)]
        words = [c for c in reply.choices if _is_word(c.payload)]
        lines = [reply.text]
        lines += [f"{i}) {c.label}" for i, c in enumerate(numbered, 1)]
        if reply.choices:
            lines.append(self._footer(numbered, words, reply.lang))
        return self._finish("\n".join(lines))

    def render_all(self, replies: list[Reply]) -> str:
        """Several replies to one message go as one message: fewer messages (and segments)."""
        return "\n\n".join(self.render(r) for r in replies)
