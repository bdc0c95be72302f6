"""Twilio's delivery failures applied to stored notifications (``channels.twilio.status``).

Matched by the platform message id we stored when the send was accepted, and only while the
row is still "sent": a repeated callback, or one for a message sent again since, changes
nothing. A closed WhatsApp window queues the row again at once (the next attempt sees the
window closed and uses the template); any other failure is final ("dead", with Twilio's
status and error code as the reason).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from core.delivery import SENT
from db.jobs_tables import NOTIFICATIONS as N
from db.service_windows import WINDOWS


class SqlDeliveryStatus:
    def __init__(self, sessions: sessionmaker[Session], clock: Callable[[], datetime]) -> None:
        self._sessions = sessions
        self._clock = clock

    def failed(self, message_sid: str, *, error: str, window_closed: bool) -> None:
        with self._sessions.begin() as s:
            row = s.execute(select(N.c.id, N.c.channel, N.c.address).where(
                N.c.provider_message_id == message_sid, N.c.status == SENT)).first()
            if row is None:
                return
            if window_closed:
                s.execute(delete(WINDOWS).where(WINDOWS.c.channel == row.channel,
                                                WINDOWS.c.address == row.address))
            s.execute(update(N).where(N.c.id == row.id, N.c.status == SENT).values(
                status="failed" if window_closed else "dead", last_error=error,
                next_attempt_at=self._clock()))
