"""The handoffs table: "talk to a person" requests, open until the team answers or the
customer goes back to the bot. ``open_handoffs`` is what the web admin lists."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from db.tables import HandoffRow, table_of

H = table_of(HandoffRow)


@dataclass(frozen=True)
class Handoff:
    id: str
    channel: str
    sender_id: str
    customer_id: str
    text: str
    status: str  # "open" | "answered" | "closed"
    delivered_via: tuple[str, ...]
    created_at: datetime
    closed_at: datetime | None


def open_handoffs(session: Session) -> list[Handoff]:
    """Every open request, oldest first: the team's to-do list (web admin, Slack)."""
    rows = session.execute(select(H).where(H.c.status == "open")
                           .order_by(H.c.created_at, H.c.id)).mappings().all()
    return [Handoff(r["id"], r["channel"], r["sender_id"], r["customer_id"], r["text"],
                    r["status"], tuple(r["delivered_via"]), r["created_at"], r["closed_at"])
            for r in rows]


def end_handoff(session: Session, channel: str, sender_id: str, *, status: str,
                now: datetime) -> None:
    """Close the conversation's open request: ``answered`` when the team replied (the web
    admin, Slack), ``closed`` when the customer went back to the bot."""
    session.execute(update(H).where(H.c.channel == channel, H.c.sender_id == sender_id,
                                    H.c.status == "open").values(status=status, closed_at=now))


@dataclass
class SqlHandoffs:
    """``bot.ports.HandoffLog`` over the handoffs table."""

    sessions: sessionmaker[Session]

    def record(self, *, channel: str, sender_id: str, customer_id: str, text: str,
               via: tuple[str, ...], now: datetime) -> str:
        new_id = str(uuid.uuid4())
        with self.sessions.begin() as s:
            end_handoff(s, channel, sender_id, status="closed", now=now)  # one open at a time
            s.execute(H.insert().values(id=new_id, channel=channel, sender_id=sender_id,
                                        customer_id=customer_id, text=text, status="open",
                                        delivered_via=list(via), created_at=now))
        return new_id

    def is_open(self, channel: str, sender_id: str) -> bool:
        with self.sessions() as s:
            found = s.execute(select(H.c.id).where(
                H.c.channel == channel, H.c.sender_id == sender_id, H.c.status == "open")
                .limit(1)).first()
        return found is not None

    def end(self, channel: str, sender_id: str, *, status: str, now: datetime) -> None:
        with self.sessions.begin() as s:
            end_handoff(s, channel, sender_id, status=status, now=now)
