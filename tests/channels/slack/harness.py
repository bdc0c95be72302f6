"""Drives the Slack route like Slack does: signed POSTs (form, JSON, interactivity payloads).

Listeners finish on a tracked executor after their ack; ``drain()`` waits for them so a
test can look at the database and the fake Web API afterwards.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from tests.channels.asgi import AppClient
from tests.channels.slack.fake_slack import FakeSlack

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
PROVIDER = "U123"  # alice in tests.db.helpers.make_business
STRANGER = "U999"


class TrackingExecutor(ThreadPoolExecutor):
    def __init__(self) -> None:
        super().__init__(max_workers=4, thread_name_prefix="slack-test")
        self.futures: list[Future[Any]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        self.futures.append(future)
        return future

    def drain(self) -> None:
        while pending := [f for f in self.futures if not f.done()]:
            wait(pending, timeout=10)
        for f in self.futures:
            f.result()


def sign(body: str, *, secret: str = SECRET, ts: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if ts is None else ts)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest.hexdigest()}"}


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}


@dataclass
class SlackDriver:
    client: AppClient
    fake: FakeSlack
    executor: TrackingExecutor

    def post(self, body: str, kind: dict[str, str], *, headers: dict[str, str] | None = None,
             signed: bool = True) -> Any:
        h = {**kind, **(sign(body) if signed else {}), **(headers or {})}
        response = self.client.post("/slack/events", content=body.encode(), headers=h)
        self.executor.drain()
        return response

    def command_body(self, text: str, *, user: str = PROVIDER,
                     trigger: str | None = None) -> str:
        return urlencode({
            "token": "legacy", "team_id": "T1", "team_domain": "test", "channel_id": "C1",
            "channel_name": "front-desk", "user_id": user, "user_name": user.lower(),
            "command": "/bookings", "text": text, "api_app_id": "A1",
            "response_url": f"{self.fake.base}/response/{uuid.uuid4().hex}",
            "trigger_id": trigger or uuid.uuid4().hex})

    def command(self, text: str, *, user: str = PROVIDER, trigger: str | None = None) -> Any:
        return self.post(self.command_body(text, user=user, trigger=trigger), FORM)

    def event_body(self, event: dict[str, Any], *, event_id: str | None = None) -> str:
        return json.dumps({
            "token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10]}", "event_time": 1893916800,
            "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}],
            "event": event})

    def event(self, event: dict[str, Any], *, event_id: str | None = None,
              retry: int | None = None) -> Any:
        extra = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} \
            if retry else None
        return self.post(self.event_body(event, event_id=event_id), JSON, headers=extra)

    def interact(self, payload: dict[str, Any]) -> Any:
        base = {"team": {"id": "T1", "domain": "test"}, "api_app_id": "A1", "token": "legacy",
                "trigger_id": payload.pop("trigger_id", uuid.uuid4().hex)}
        return self.post(urlencode({"payload": json.dumps({**base, **payload})}), FORM)

    def press(self, action_id: str, value: str, *, user: str = PROVIDER, channel: str = "C9",
              label: str = "", trigger: str | None = None) -> Any:
        payload: dict[str, Any] = {
            "type": "block_actions", "user": {"id": user, "team_id": "T1"},
            "channel": {"id": channel}, "container": {"type": "message"},
            "response_url": f"{self.fake.base}/response/{uuid.uuid4().hex}",
            "message": {"ts": "1893916800.000001", "text": "earlier message"},
            "actions": [{"type": "button", "action_id": action_id, "block_id": "b1",
                         "value": value, "text": {"type": "plain_text", "text": label},
                         "action_ts": "1893916801.000001"}]}
        if trigger:
            payload["trigger_id"] = trigger
        return self.interact(payload)

    def responses(self) -> list[str]:
        return [str(p.get("text", "")) for p in self.fake.of("response")]
