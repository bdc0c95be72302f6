"""Who has opted out (SMS or WhatsApp). Persisted by the conversation (``customers.opted_out``).

The STOP keyword reaches the conversation as its word "stop", whose ``SetOptOut`` command
the runner records in the same transaction as the delivery. This port only reads it, so
the webhooks and the Twilio senders can refuse to message an opted-out number.
"""

from __future__ import annotations

from typing import Protocol


class OptOutRegistry(Protocol):
    def is_opted_out(self, address: str) -> bool: ...


class NoOptOuts:
    """For tests that do not care: nobody is opted out."""

    def is_opted_out(self, address: str) -> bool:
        del address
        return False
