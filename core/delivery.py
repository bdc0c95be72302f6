"""What happened to one claimed notification, as the jobs hand it to the store. Pure data.

The deliverer collects these while it sends and the store records a group of them in one
transaction (``JobsStore.finish_many``): one commit per message was most of a delivery's
cost. Each outcome carries the claim token it was sent under, so an outcome whose lease ran
out (someone else owns the row now) is not written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

SENT = "sent"


@dataclass(frozen=True)
class Outcome:
    id: int  # the notification
    token: str  # the claim it was delivered under
    status: str  # "sent" | "failed" | "dead" | "skipped" | "obsolete" | "pending"
    at: datetime
    error: str | None = None
    message_id: str | None = None  # the platform's id of a sent message
    retry_at: datetime | None = None  # when it is due again ("failed", deferred "pending")
    # (channel, address, values): merged into that conversation's state in the same commit
    session: tuple[str, str, dict[str, Any]] | None = None
