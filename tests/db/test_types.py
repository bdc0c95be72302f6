"""UTCDateTime: naive instants are refused; aware ones come back as aware UTC, exactly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.exc import StatementError

from db.tables import BusyBlockRow, ProviderRow, table_of
from db.types import NaiveDatetimeError
from tests.db.helpers import NOW

BUSY = table_of(BusyBlockRow)
ZONES = [ZoneInfo("UTC"), ZoneInfo("Asia/Kolkata"), ZoneInfo("Australia/Lord_Howe"),
         ZoneInfo("America/New_York"), ZoneInfo("Pacific/Chatham")]


def _provider(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(table_of(ProviderRow)), {
            "key": "p", "name": "P", "tz": "UTC", "services": [], "weekly": [], "exceptions": [],
            "slack_user_id": None, "position": 0, "active": True, "updated_at": NOW})


def _round_trip(engine: Engine, start: datetime) -> datetime:
    with engine.begin() as conn:
        conn.execute(BUSY.delete())
        conn.execute(insert(BUSY), {"provider_key": "p", "start_at": start,
                                    "end_at": start.astimezone(UTC) + timedelta(hours=1),
                                    "source": "timeoff",
                                    "external_id": None, "note": ""})
        value: datetime = conn.execute(select(BUSY.c.start_at)).scalar_one()
    return value


def test_naive_datetime_is_refused(engine: Engine) -> None:
    _provider(engine)
    with pytest.raises(StatementError) as info:
        _round_trip(engine, datetime(2030, 1, 1, 9, 0))
    assert isinstance(info.value.orig, NaiveDatetimeError)


def test_aware_value_comes_back_as_utc(engine: Engine) -> None:
    _provider(engine)
    kolkata = datetime(2030, 3, 1, 9, 30, 0, 123456, tzinfo=ZoneInfo("Asia/Kolkata"))
    back = _round_trip(engine, kolkata)
    assert back == kolkata
    assert back.tzinfo is UTC
    assert back.isoformat() == "2030-03-01T04:00:00.123456+00:00"


def test_sqlite_text_is_fixed_width(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite stores text")
    _provider(engine)
    _round_trip(engine, datetime(2030, 1, 1, 9, tzinfo=UTC))
    with engine.connect() as conn:
        raw = conn.execute(text("SELECT start_at FROM busy_blocks")).scalar_one()
    assert raw == "2030-01-01 09:00:00.000000"  # string order == time order in the triggers


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moment=st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1),
                           timezones=st.sampled_from(ZONES)))
def test_round_trip_property(engine: Engine, moment: datetime) -> None:
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM busy_blocks"))
        conn.execute(text("DELETE FROM providers"))
    _provider(engine)
    back = _round_trip(engine, moment)
    # compare as UTC: PEP 495 makes a wall time in a DST gap unequal across zones
    assert back == moment.astimezone(UTC)
    assert back.tzinfo is UTC
