"""The WhatsApp window store and Twilio's delivery failures on both databases."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from core.notifications import Audience, Draft, Kind, Message, Notice, Recipient
from db.conversations import DELIVERIES
from db.delivery_status import SqlDeliveryStatus
from db.engine import make_engine
from db.jobs_tables import NOTIFICATIONS as N
from db.migrate import upgrade
from db.notification_writes import insert_drafts
from db.service_windows import SqlServiceWindows
from db.uow import session_factory
from tests.db.helpers import NOW

ANN = "whatsapp:+447911123456"


def test_window_record_skip_and_close(empty_url: str) -> None:
    upgrade(empty_url)
    engine = make_engine(empty_url)
    try:
        windows = SqlServiceWindows(session_factory(engine), "whatsapp")
        assert windows.last_inbound(ANN) is None
        windows.record(ANN, "SM1", NOW)
        windows.record(ANN, "SM0", NOW - timedelta(minutes=5))  # late, out of order
        assert windows.last_inbound(ANN) == NOW
        with engine.begin() as conn:  # SM2 was processed by the conversation already
            conn.execute(insert(DELIVERIES).values(channel="whatsapp", delivery_id="SM2",
                                                   processed_at=NOW, reply=[]))
        windows.record(ANN, "SM2", NOW + timedelta(hours=1))  # a retry: changes nothing
        assert windows.last_inbound(ANN) == NOW
        assert SqlServiceWindows(session_factory(engine), "sms").last_inbound(ANN) is None
        windows.record(ANN, "SM3", NOW + timedelta(hours=2))
        assert windows.last_inbound(ANN) == NOW + timedelta(hours=2)
        windows.close(ANN)
        assert windows.last_inbound(ANN) is None
    finally:
        engine.dispose()


def test_failures_apply_to_sent_rows_only_once(empty_url: str) -> None:
    upgrade(empty_url)
    engine = make_engine(empty_url)
    sessions = session_factory(engine)
    try:
        who = Recipient(Audience.CUSTOMER, "whatsapp", ANN, ZoneInfo("UTC"))
        drafts = [Draft(Notice(Kind.REMINDER, who, f"b{i}", NOW), Message(
            "Reminder", variables=("Haircut", "Bob", "Wed"), lang="es"), NOW) for i in (1, 2)]
        with sessions.begin() as s:
            insert_drafts(s, drafts, NOW)
            s.execute(N.update().values(status="sent", provider_message_id=N.c.booking_id))
        SqlServiceWindows(sessions, "whatsapp").record(ANN, "SM1", NOW)
        status = SqlDeliveryStatus(sessions, lambda: NOW + timedelta(minutes=1))
        status.failed("b1", error="twilio undelivered (63016)", window_closed=True)
        status.failed("b2", error="twilio failed (30008)", window_closed=False)
        status.failed("b2", error="twilio failed (1)", window_closed=True)  # already final
        status.failed("nope", error="x", window_closed=True)
        with engine.connect() as conn:
            rows = conn.execute(select(N.c.booking_id, N.c.status, N.c.last_error,
                                       N.c.next_attempt_at, N.c.template)
                                .order_by(N.c.booking_id)).all()
        assert [tuple(r)[:3] for r in rows] == [
            ("b1", "failed", "twilio undelivered (63016)"), ("b2", "dead", "twilio failed (30008)")]
        assert rows[0].next_attempt_at == NOW + timedelta(minutes=1)
        assert rows[0].template == {"lang": "es", "variables": ["Haircut", "Bob", "Wed"]}
        assert SqlServiceWindows(sessions, "whatsapp").last_inbound(ANN) is None
    finally:
        engine.dispose()
