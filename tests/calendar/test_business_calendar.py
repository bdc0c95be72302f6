"""The business file's calendar: sections and rules, their errors, and the catalog round trip."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bookingbot.business_file import BusinessFileError, parse_business
from core.model import CalendarKind, CalendarLink, Rules
from db.catalog import load_business
from db.uow import SqlUnitOfWork
from tests.calendar.dbkit import open_database, salon_with, setup
from tests.example_file import example_text

HEAD = """\
business: {name: Cuts, timezone: Europe/London, currency: GBP}
services: [{key: cut, name: Cut, duration: 30m, price: 20}]
providers:
  - key: alex
    name: Alex
    hours: {mon: "09:00-17:00"}
"""


def parse(calendar: str = "", rules: str = "") -> object:
    text = HEAD + (f"    calendar:\n{calendar}" if calendar else "")
    return parse_business(text + (f"rules:\n{rules}" if rules else ""), source="b.yaml")


def problems(calendar: str = "", rules: str = "") -> str:
    with pytest.raises(BusinessFileError) as err:
        parse(calendar, rules)
    return str(err.value)


def test_the_example_documents_every_kind() -> None:
    business = parse_business(example_text(calendars=True), source="business.yaml")
    alex, sam = business.providers
    assert alex.calendar == CalendarLink(CalendarKind.ICS, ics_url_env="ALEX_ICS_URL")
    assert sam.calendar is not None
    assert sam.calendar.kind is CalendarKind.GOOGLE
    assert sam.calendar.refresh_token_env == "SAM_GOOGLE_REFRESH_TOKEN"
    assert business.rules.calendar_stale_limit == timedelta(hours=2)


def test_graph_with_defaults_and_rules() -> None:
    business = parse("      graph: {user: alex@contoso.com}\n",
                     "  calendar_sync_interval: 2m\n  calendar_max_age: 5m\n"
                     "  calendar_stale_limit: 1h\n")
    [alex] = business.providers  # type: ignore[attr-defined]
    assert alex.calendar == CalendarLink(CalendarKind.GRAPH, user="alex@contoso.com",
                                         tenant_env="MS_TENANT_ID", client_id_env="MS_CLIENT_ID",
                                         client_secret_env="MS_CLIENT_SECRET")
    rules: Rules = business.rules  # type: ignore[attr-defined]
    assert (rules.calendar_sync_interval, rules.calendar_max_age, rules.calendar_stale_limit) \
        == (timedelta(minutes=2), timedelta(minutes=5), timedelta(hours=1))


@pytest.mark.parametrize(("calendar", "expected"), [
    ("      ics_url: https://x.example/a.ics\n      ics_url_env: A_URL\n",
     "b.yaml:7: providers[0].calendar: give exactly one of ics_url, ics_url_env, google: or "
     "graph:"),
    ("      ics_url_env: alex-url\n",
     'b.yaml:8: providers[0].calendar.ics_url_env: "alex-url" is not an environment variable'),
    ("      ics_url: ftp://x.example/a.ics\n",
     "b.yaml:8: providers[0].calendar.ics_url: is not a web address starting with https://"),
    ("      google: {calendar_id: primary}\n",
     'providers[0].calendar.google: missing required key "refresh_token_env"'),
    ("      graph: {user: a@b.c, tenant: X}\n",
     'unknown key "tenant"; did you mean "tenant_env"?'),
    ("      icsurl: https://x.example/a.ics\n", 'unknown key "icsurl"; did you mean "ics_url"?'),
])
def test_calendar_mistakes_say_where_and_why(calendar: str, expected: str) -> None:
    assert expected in problems(calendar)


def test_a_stale_limit_shorter_than_the_sync_interval_is_refused() -> None:
    found = problems(rules="  calendar_sync_interval: 30m\n  calendar_stale_limit: 20m\n")
    assert "calendar_stale_limit (20m) must be longer than calendar_sync_interval (30m)" in found
    assert "calendar_max_age (3h00m) must not be longer" in problems(
        rules="  calendar_max_age: 3h\n")


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres",
                                                            marks=pytest.mark.postgres)])
def test_the_catalog_round_trips_calendar_links(backend: str, tmp_path: Path) -> None:
    link = CalendarLink(CalendarKind.GRAPH, user="a@contoso.com", calendar_id="AAMk/x=",
                        tenant_env="T", client_id_env="C", client_secret_env="S",
                        api_url="https://graph.microsoft.us/v1.0")
    business = salon_with(alice=link)
    business = type(business)(**{**business.__dict__,
                                 "rules": Rules(calendar_stale_limit=timedelta(hours=3))})
    with open_database(backend, tmp_path) as db:
        setup(db, business)
        with SqlUnitOfWork(db.sessions) as u:
            loaded = load_business(u.session)
        assert loaded == business
        assert loaded is not None
        assert loaded.provider("bob").calendar is None  # type: ignore[union-attr]
