"""Customers in the workspace: a direct message or a button press -> the conversation runner.

Channel "slack", sender = the Slack user id, delivery = the event id (a message) or
``action:<trigger id>:<action id>`` (a press). The runner records the delivery with its
effect; a retried event (``X-Slack-Retry-Num``) whose delivery is already recorded is not
answered again, so the customer never sees a reply twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.messages import InboundMessage, Reply
from bot.ports import CustomerDirectory
from bot.session import SessionStore
from channels.http_guard import RATE_NOTICE, SenderLimiter, Verdict
from channels.mount import MessageHandler
from channels.slack.render import answered, render

log = logging.getLogger(__name__)
CHANNEL = "slack"


@dataclass(frozen=True)
class Press:
    """A button pressed on one of our messages in the DM."""

    message_ts: str
    message_text: str
    label: str


@dataclass
class DmRelay:
    handler: MessageHandler
    store: SessionStore
    customers: CustomerDirectory
    limiter: SenderLimiter
    clock: Callable[[], datetime]

    def inbound(self, client: WebClient, message: InboundMessage, *, dm_channel: str,
                retry: bool = False, press: Press | None = None) -> None:
        verdict = self.limiter.check(f"{CHANNEL}:{message.sender_id}")
        if verdict is Verdict.DROP:
            return
        if verdict is Verdict.NOTICE:
            self._post(client, dm_channel, Reply(RATE_NOTICE))
            return
        if retry and self._seen(message):
            return  # the first attempt was handled (and answered) already
        if press is not None:  # remove the buttons first: a stale one cannot act twice
            self._strip(client, dm_channel, press)
        self._learn_zone(client, message.sender_id)
        for reply in self.handler(message):
            self._post(client, dm_channel, reply)

    def _seen(self, message: InboundMessage) -> bool:
        with self.store.open(CHANNEL, message.sender_id) as tx:
            return tx.processed_reply(message.delivery_id) is not None

    def _learn_zone(self, client: WebClient, user_id: str) -> None:
        """On first contact, take the customer's zone from their Slack profile."""
        info = self.customers.identify(CHANNEL, user_id, now=self.clock())
        if info.tz:
            return
        try:
            user = client.users_info(user=user_id).get("user")
            tz = str(user.get("tz") or "") if isinstance(user, dict) else ""
            ZoneInfo(tz)
        except (SlackApiError, SlackClientError, OSError) as exc:
            log.info("slack: users.info failed for %s: %s", user_id, exc)
            return
        except (ZoneInfoNotFoundError, ValueError):
            return  # no (or an unknown) zone in the profile: the bot asks when it matters
        self.customers.set_tz(info.id, tz)

    @staticmethod
    def _strip(client: WebClient, dm_channel: str, press: Press) -> None:
        try:
            client.chat_update(channel=dm_channel, ts=press.message_ts, text=press.message_text,
                               blocks=answered(press.message_text, press.label))
        except (SlackApiError, SlackClientError) as exc:
            log.info("slack: could not update the pressed message: %s", exc)

    @staticmethod
    def _post(client: WebClient, dm_channel: str, reply: Reply) -> None:
        text, blocks = render(reply)
        client.chat_postMessage(channel=dm_channel, text=text, blocks=blocks)
