"""Neutral ``Reply`` -> one SMS text, GSM-7 wherever possible.

Choices whose payload names an item ("slot:3", "booking:ab12", "service:cut") are numbered
in order, "Reply 1-5"; the conversation reads a bare number against the list it showed, so
no per-number memory is needed in the web process. Choices whose payload is itself a word
the conversation understands ("yes", "no", "more", "book") are offered as that word:
"Reply YES or NO" (a carrier keyword such as CANCEL is offered by its label instead:
"CANCEL A BOOKING"). A bare number where no list is showing is never given a meaning.
"""

from __future__ import annotations

from bot.messages import Choice, Reply
from channels.sms.gsm import to_gsm
from channels.sms.keywords import HELP, OPT_IN, OPT_OUT

RESERVED = OPT_OUT | OPT_IN | HELP


def _is_word(payload: str) -> bool:
    return payload.replace(" ", "").isalpha()


def _word(choice: Choice) -> str:
    """What to type. A carrier keyword is never offered ("CANCEL" alone would opt out)."""
    if choice.payload.lower() in RESERVED - {"yes"}:
        return choice.label.upper()
    return choice.payload.upper()


def _either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _footer(numbered: list[Choice], words: list[Choice]) -> str:
    offers = []
    if numbered:
        offers.append("1" if len(numbered) == 1 else f"1-{len(numbered)}")
    offers.extend(_word(c) for c in words)
    return f"Reply {_either(offers)}"


def render(reply: Reply) -> str:
    numbered = [c for c in reply.choices if not _is_word(c.payload)]
    words = [c for c in reply.choices if _is_word(c.payload)]
    lines = [reply.text]
    lines += [f"{i}) {c.label}" for i, c in enumerate(numbered, 1)]
    if reply.choices:
        lines.append(_footer(numbered, words))
    return to_gsm("\n".join(lines))


def render_all(replies: list[Reply]) -> str:
    """Several replies to one message go as one SMS: fewer messages, often fewer segments."""
    return "\n\n".join(render(r) for r in replies)
