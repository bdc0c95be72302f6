"""Senders for the console demo (``bookingbot chat``): notifications are printed, each
addressed to its own recipient.

Only messages for the person chatting look like the bot talking to them (``bot> ...``).
Everything else the in-process jobs send — another customer's waitlist offer, a provider's
Slack alert, agenda or calendar warning — is printed labelled with who it is for, e.g.
``[to provider Alex via slack] ...`` or ``[to customer +1415***0123 via sms] ...``, so it is
never mistaken for a reply to the person at the keyboard.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import TextIO

from bookingbot.bootstrap import Database
from bookingbot.logs import mask_phone

# (channel, address) -> who that is, for the label: "provider Alex", "customer bob".
Describe = Callable[[str, str], str]


def plain_recipient(channel: str, address: str) -> str:
    """Without a database: Slack ids as they are, customers' addresses masked."""
    return address if channel == "slack" else f"customer {mask_phone(address)}"


def recipients_in(db: Database) -> Describe:
    """Names providers by their Slack id from the business in the database."""
    def describe(channel: str, address: str) -> str:
        if channel != "slack":
            return f"customer {mask_phone(address)}"
        with db.uow() as uow:
            providers = uow.business().providers
        named = next((p.name for p in providers if p.slack_user_id == address), None)
        return f"provider {named}" if named else f"the providers' channel {address}"
    return describe


class ConsoleSender:
    """``core.ports.Sender`` for one channel, printing to the terminal.

    ``me``: the console sender id of the person chatting (their messages are bot replies);
    None: nobody is chatting, every message is labelled."""

    def __init__(self, channel: str, out: TextIO, *, me: str | None = None,
                 describe: Describe = plain_recipient,
                 lock: threading.Lock | None = None) -> None:
        self.channel = channel
        self._out = out
        self._me = me
        self._describe = describe
        self._lock = lock or threading.Lock()  # one message at a time, never interleaved
        self._count = 0

    def send(self, recipient_id: str, text: str,
             choices: Sequence[tuple[str, str]] = ()) -> str:
        if self.channel == "console" and recipient_id == self._me:
            options = "".join(f"\n  - {label} (reply \"{payload}\")"
                              for label, payload in choices)
            shown = f"\nbot> {text}{options}\n"
        else:
            buttons = f" [{' | '.join(label for label, _ in choices)}]" if choices else ""
            who = self._describe(self.channel, recipient_id)
            shown = f"\n[to {who} via {self.channel}] {text}{buttons}\n"
        with self._lock:
            self._out.write(shown)
            self._out.flush()
            self._count += 1
            return f"{self.channel}-{self._count}"


class LabelledLog(logging.Handler):
    """The in-process jobs' warnings (an unreadable calendar, a failed send) in the chat
    terminal, marked as the worker's, not the bot's; installed for the chat's duration."""

    def __init__(self, out: TextIO, lock: threading.Lock | None = None) -> None:
        super().__init__(logging.WARNING)
        self._out = out
        self._lock = lock or threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = mask_phone(record.getMessage()).splitlines()[0]
            with self._lock:
                self._out.write(f"\n[worker {record.levelname.lower()}] {line}\n")
                self._out.flush()
        except Exception:  # a log line must never break the chat
            self.handleError(record)

    def __enter__(self) -> LabelledLog:
        logging.getLogger().addHandler(self)
        return self

    def __exit__(self, *_: object) -> None:
        logging.getLogger().removeHandler(self)
