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


def _is_word(payload: str) -> bool:
    return payload.replace(" ", "").isalpha()


def _either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _same(text: str) -> str:
    return text


class TextRenderer:
    def __init__(self, *, reserved: frozenset[str],
                 finish: Callable[[str], str] = _same) -> None:
        self._reserved = reserved
        self._finish = finish  # e.g. GSM-7 transliteration for SMS

    def _word(self, choice: Choice) -> str:
        if choice.payload.lower() in self._reserved:
            return choice.label.upper()
        if len(choice.payload) == 1:  # a letter stands for its label: "C to confirm"
            return f"{choice.payload.upper()} to {choice.label.lower()}"
        return choice.payload.upper()

    def _footer(self, numbered: list[Choice], words: list[Choice]) -> str:
        offers = []
        if numbered:
            offers.append("1" if len(numbered) == 1 else f"1-{len(numbered)}")
        offers.extend(self._word(c) for c in words)
        return f"Reply {_either(offers)}"

    def render(self, reply: Reply) -> str:
        numbered = [c for c in reply.choices if not _is_word(c.payload)]
        words = [c for c in reply.choices if _is_word(c.payload)]
        lines = [reply.text]
        lines += [f"{i}) {c.label}" for i, c in enumerate(numbered, 1)]
        if reply.choices:
            lines.append(self._footer(numbered, words))
        return self._finish("\n".join(lines))

    def render_all(self, replies: list[Reply]) -> str:
        """Several replies to one message go as one message: fewer messages (and segments)."""
        return "\n\n".join(self.render(r) for r in replies)
