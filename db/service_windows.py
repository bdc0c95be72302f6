"""When each customer address last wrote to us (WhatsApp's customer-service window).

``record`` is called by the webhook for every inbound message before the conversation runs.
A delivery the conversation already processed (Twilio retrying the same MessageSid) is
recognised by its ``processed_deliveries`` row and changes nothing; a late, out-of-order
delivery never moves the window back (the upsert keeps the later instant).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String, Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from db.conversations import DELIVERIES
from db.tables import Base
from db.types import UTCDateTime

WINDOWS = Table(
    "service_windows", Base.metadata,
    Column("channel", String(32), primary_key=True),
    Column("address", String(255), primary_key=True),
    Column("last_inbound_at", UTCDateTime(), nullable=False),
)


class SqlServiceWindows:
    """``channels.whatsapp.window.ServiceWindows`` for one channel."""

    def __init__(self, sessions: sessionmaker[Session], channel: str) -> None:
        self._sessions = sessions
        self._channel = channel

    def record(self, address: str, delivery_id: str, at: datetime) -> None:
        with self._sessions.begin() as s:
            seen = s.execute(select(DELIVERIES.c.delivery_id).where(
                DELIVERIES.c.channel == self._channel,
                DELIVERIES.c.delivery_id == delivery_id)).first()
            if seen is not None:
                return
            dialect = postgresql if s.get_bind().dialect.name == "postgresql" else sqlite
            stmt = dialect.insert(WINDOWS).values(channel=self._channel, address=address,
                                                  last_inbound_at=at)
            s.execute(stmt.on_conflict_do_update(
                index_elements=[WINDOWS.c.channel, WINDOWS.c.address],
                set_={"last_inbound_at": stmt.excluded.last_inbound_at},
                where=WINDOWS.c.last_inbound_at < stmt.excluded.last_inbound_at))

    def last_inbound(self, address: str) -> datetime | None:
        with self._sessions() as s:
            found: datetime | None = s.execute(select(WINDOWS.c.last_inbound_at).where(
                WINDOWS.c.channel == self._channel, WINDOWS.c.address == address)).scalar()
        return found

    def close(self, address: str) -> None:
        """Twilio said the window is closed (error 63016): trust it over our clock."""
        with self._sessions.begin() as s:
            s.execute(delete(WINDOWS).where(WINDOWS.c.channel == self._channel,
                                            WINDOWS.c.address == address))
