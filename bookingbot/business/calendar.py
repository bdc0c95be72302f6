"""A provider's ``calendar:`` section: one iCal address, a Google calendar or an Outlook one.

Secrets stay out of the file: credentials are named by environment variable (``*_env``),
and an iCal address, itself a secret, is best given as ``ics_url_env`` too.
"""

from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, PlainValidator, model_validator

from bookingbot.business import values
from bookingbot.business.problems import show
from core.model import CalendarKind, CalendarLink

_ENV = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SCHEMES = ("http", "https", "webcal", "webcals")


def env_name(value: object) -> str:
    name = values.text(value)
    if not _ENV.match(name):
        raise values.fail(f"{show(name)} is not an environment variable name like "
                          '"ALEX_ICS_URL" (letters, digits and _)')
    return name


def url(value: object) -> str:
    address = values.text(value)
    parts = urlsplit(address)
    if parts.scheme.lower() not in _SCHEMES or not parts.hostname:
        raise values.fail("is not a web address starting with https:// or webcal://")
    return address


EnvName = Annotated[str, PlainValidator(env_name)]
Url = Annotated[str, PlainValidator(url)]
Text = Annotated[str, PlainValidator(values.text)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GoogleIn(_Model):
    calendar_id: Text  # "primary" or the calendar's id, e.g. alex@example.com
    client_id_env: EnvName = "GOOGLE_CLIENT_ID"
    client_secret_env: EnvName = "GOOGLE_CLIENT_SECRET"  # noqa: S105 - a variable name
    refresh_token_env: EnvName
    api_url: Url | None = None
    token_url: Url | None = None


class GraphIn(_Model):
    user: Text  # the mailbox, e.g. alex@contoso.com
    calendar_id: Text | None = None  # None: the mailbox's default calendar
    tenant_env: EnvName = "MS_TENANT_ID"
    client_id_env: EnvName = "MS_CLIENT_ID"
    client_secret_env: EnvName = "MS_CLIENT_SECRET"  # noqa: S105 - a variable name
    api_url: Url | None = None
    token_url: Url | None = None


class CalendarIn(_Model):
    ics_url: Url | None = None
    ics_url_env: EnvName | None = None
    google: GoogleIn | None = None
    graph: GraphIn | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> CalendarIn:
        given = [self.ics_url, self.ics_url_env, self.google, self.graph]
        if sum(g is not None for g in given) != 1:
            raise values.fail("give exactly one of ics_url, ics_url_env, google: or graph:")
        return self


def calendar_link(given: CalendarIn | None) -> CalendarLink | None:
    if given is None:
        return None
    if given.google is not None:
        g = given.google
        return CalendarLink(CalendarKind.GOOGLE, calendar_id=g.calendar_id,
                            client_id_env=g.client_id_env, client_secret_env=g.client_secret_env,
                            refresh_token_env=g.refresh_token_env, api_url=g.api_url,
                            token_url=g.token_url)
    if given.graph is not None:
        m = given.graph
        return CalendarLink(CalendarKind.GRAPH, user=m.user, calendar_id=m.calendar_id,
                            tenant_env=m.tenant_env, client_id_env=m.client_id_env,
                            client_secret_env=m.client_secret_env, api_url=m.api_url,
                            token_url=m.token_url)
    return CalendarLink(CalendarKind.ICS, ics_url=given.ics_url, ics_url_env=given.ics_url_env)


CALENDAR_MODELS: tuple[type[BaseModel], ...] = (CalendarIn, GoogleIn, GraphIn)
