"""The terminal channel: lines from stdin in, replies with numbered choices out.

Only translation lives here: a line becomes an InboundMessage (a number picks one of the
choices just shown, sent as its button payload), a Reply becomes printed text.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from bot.messages import Choice, InboundMessage, Reply
from bot.replies import failure
from core.errors import DomainError

log = logging.getLogger(__name__)
CHANNEL = "console"


def render(reply: Reply) -> str:
    lines = [reply.text]
    lines += [f"  {i}) {choice.label}" for i, choice in enumerate(reply.choices, 1)]
    return "\n".join(lines)


def to_message(line: str, *, sender_id: str, shown: tuple[Choice, ...],
               now: datetime) -> InboundMessage:
    text = line.strip()
    action = None
    if text.isdigit() and 1 <= int(text) <= len(shown):
        action = shown[int(text) - 1].payload
    return InboundMessage(channel=CHANNEL, sender_id=sender_id, delivery_id=str(uuid.uuid4()),
                          received_at=now, text=text, action=action)


def _answer(handle: Callable[[InboundMessage], list[Reply]],
            message: InboundMessage) -> list[Reply]:
    """As the webhooks do: a failure is answered and logged, and the chat goes on."""
    try:
        return handle(message)
    except DomainError as err:  # e.g. BUSY
        return [failure(err.code.value, message.text)]
    except Exception:  # the database went away, say: one masked log line, not a crash
        log.exception("console message failed")
        return [failure("internal", message.text)]


def run_console(*, sender_id: str, stdin: TextIO, stdout: TextIO,
                handle: Callable[[InboundMessage], list[Reply]],
                clock: Callable[[], datetime]) -> int:
    """Chat until end of input (Ctrl-D) or '/quit'."""
    shown: tuple[Choice, ...] = ()
    interactive = stdin.isatty()
    while True:
        if interactive:
            stdout.write("you> ")
            stdout.flush()
        line = stdin.readline()
        if not line or line.strip() == "/quit":
            return 0
        replies = _answer(handle, to_message(line, sender_id=sender_id, shown=shown,
                                             now=clock()))
        for reply in replies:
            stdout.write(f"bot> {render(reply)}\n")
        stdout.flush()
        with_choices = [r for r in replies if r.choices]
        shown = with_choices[-1].choices if with_choices else ()
