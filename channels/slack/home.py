"""The App Home tab: a provider's next seven days; a short how-to for everyone else.

``SlackHome.refresh(provider_key)`` re-publishes one provider's tab; the jobs engineer
calls it after a booking event for that provider (it is synchronous and idempotent).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from slack_sdk import WebClient

from bot.replies import day_label
from channels.slack.render import Block, section
from channels.slack.texts import agenda_lines, day_zone
from core.ports import UnitOfWork
from core.usecases.provider import Agenda, ProviderQueries, find_provider, upcoming

log = logging.getLogger(__name__)
DAYS = 7
MAX_BLOCKS = 100  # Slack's limit per view


def _header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": text[:150]}}


def provider_view(agendas: Sequence[Agenda], *, now: datetime) -> dict[str, Any]:
    blocks: list[Block] = []
    if agendas:
        first = agendas[0]
        tz = first.provider.tz
        blocks.append(_header(f"{first.provider.name}: the next {len(agendas)} days"))
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": (
            f"Times in {day_zone(first.day, tz)}. Updated {now.astimezone(tz):%H:%M}.")}]})
    for a in agendas:
        blocks += [{"type": "divider"}, _header(day_label(a.day)),
                   section("\n".join(agenda_lines(a)))]
    return {"type": "home", "blocks": blocks[:MAX_BLOCKS]}


def guest_view(business_name: str) -> dict[str, Any]:
    return {"type": "home", "blocks": [
        _header(f"Book with {business_name}"),
        section("Send me a direct message (the Messages tab) to book, move or cancel an "
                "appointment: e.g. \"book a haircut tomorrow afternoon\"."),
    ]}


class SlackHome:
    def __init__(self, *, client: WebClient, uow: Callable[[], UnitOfWork],
                 queries: ProviderQueries, clock: Callable[[], datetime]) -> None:
        self._client = client
        self._uow = uow
        self._queries = queries
        self._clock = clock

    def refresh(self, provider_key: str) -> bool:
        """Publish ``provider_key``'s tab; False when the provider has no Slack user."""
        with (uow := self._uow()):
            provider = uow.business().provider(provider_key)
        if provider is None or not provider.slack_user_id:
            return False
        self._publish(provider.slack_user_id, provider.key)
        return True

    def opened(self, user_id: str) -> None:
        """``app_home_opened``: the provider's schedule, or the how-to for a customer."""
        provider = find_provider(self._uow(), user_id)
        if provider is not None:
            self._publish(user_id, provider.key)
            return
        with (uow := self._uow()):
            name = uow.business().name
        self._client.views_publish(user_id=user_id, view=guest_view(name))

    def _publish(self, user_id: str, provider_key: str) -> None:
        now = self._clock()
        days = upcoming(self._uow(), self._queries, provider_key=provider_key, now=now,
                        days=DAYS)
        self._client.views_publish(user_id=user_id, view=provider_view(days, now=now))
