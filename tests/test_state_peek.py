"""One read of a conversation's state per message, however many wrappers look at it."""

from __future__ import annotations

import threading
from typing import Any

from bookingbot.state_peek import PeekedStates


class Reads:
    """The store's read, counted: what PeekedStates saves is reads."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.state: dict[str, Any] = {"k": 1}

    def __call__(self, channel: str, address: str) -> dict[str, Any]:
        self.calls.append((channel, address))
        return dict(self.state)


def test_one_read_per_sender_within_a_message() -> None:
    reads = Reads()
    peek = PeekedStates(reads)
    with peek.scope():
        assert peek.session_state("sms", "+1") == {"k": 1}
        assert peek.session_state("sms", "+1") == {"k": 1}
        assert peek.session_state("sms", "+2") == {"k": 1}
    assert reads.calls == [("sms", "+1"), ("sms", "+2")]


def test_a_write_drops_the_memo_and_each_caller_gets_its_own_copy() -> None:
    reads = Reads()
    peek = PeekedStates(reads)
    with peek.scope():
        mine = peek.session_state("sms", "+1")
        mine["k"] = 99  # a caller editing its copy
        assert peek.session_state("sms", "+1") == {"k": 1}
        reads.state = {"k": 2}
        peek.forget("sms", "+1")  # what merge() does before writing
        assert peek.session_state("sms", "+1") == {"k": 2}
    assert len(reads.calls) == 2


def test_outside_a_message_and_on_other_threads_every_call_reads() -> None:
    reads = Reads()
    peek = PeekedStates(reads)
    peek.session_state("sms", "+1")
    peek.session_state("sms", "+1")
    assert len(reads.calls) == 2
    with peek.scope():
        peek.session_state("sms", "+1")
        other = threading.Thread(target=peek.session_state, args=("sms", "+1"))
        other.start()
        other.join()
        peek.session_state("sms", "+1")
    assert len(reads.calls) == 4  # 2 before, 1 in the scope, 1 on the other thread
    with peek.scope():
        peek.session_state("sms", "+1")
    assert len(reads.calls) == 5  # a new message reads afresh
