"""Bolt listeners: each acknowledges first, then does the work (after the 3 s answer).

The app runs with ``process_before_response=False`` in a long-lived web worker: bolt
sends the HTTP answer as soon as ``ack()`` is called and finishes the listener on its
executor thread. Listeners only translate: Slack payload -> desk / relay call -> reply.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from slack_bolt import Ack, App, BoltRequest, Respond
from slack_sdk import WebClient

from bot.messages import InboundMessage
from channels.slack.desk import ProviderDesk
from channels.slack.dm import CHANNEL, DmRelay, Press
from channels.slack.home import SlackHome
from channels.slack.render import (
    CANCEL_ACTION,
    CHOICE_ACTION,
    MESSAGE_ACTION,
    NO_SHOW_ACTION,
    booking_of,
)
from channels.slack.texts import REFUSAL

MESSAGE_VIEW = "bb_message_customer"
MESSAGE_BLOCK = "message"
MESSAGE_INPUT = "text"
Payload = dict[str, Any]


def message_modal(booking_id: str, channel_id: str) -> Payload:
    meta = json.dumps({"booking": booking_id, "channel": channel_id})
    return {"type": "modal", "callback_id": MESSAGE_VIEW, "private_metadata": meta,
            "title": {"type": "plain_text", "text": "Message the customer"},
            "submit": {"type": "plain_text", "text": "Send"},
            "close": {"type": "plain_text", "text": "Cancel"},
            "blocks": [{"type": "input", "block_id": MESSAGE_BLOCK,
                        "label": {"type": "plain_text", "text": "Message"},
                        "element": {"type": "plain_text_input", "action_id": MESSAGE_INPUT,
                                    "multiline": True, "min_length": 1,
                                    "max_length": 1000}}]}


def _retried(request: BoltRequest) -> bool:
    return bool(request.headers.get("x-slack-retry-num"))


def _signed_digest(request: BoltRequest) -> str:
    """A stable id for a request that brought none: its signed bytes and timestamp (a
    retry repeats both; two different requests never share them)."""
    stamp = (request.headers.get("x-slack-request-timestamp") or [""])[0]
    return hashlib.sha256(f"{stamp}:{request.raw_body}".encode()).hexdigest()[:32]


def _trigger(body: Payload, request: BoltRequest) -> str:
    trigger = body.get("trigger_id")
    return str(trigger) if isinstance(trigger, str) and trigger else \
        f"sig-{_signed_digest(request)}"


def _press_id(body: Payload, action: Payload, request: BoltRequest) -> str:
    return f"action:{_trigger(body, request)}:{action.get('action_id', '')}"


def register(app: App, *, command: str, desk: ProviderDesk, dm: DmRelay,
             home: SlackHome) -> None:
    _register_provider(app, command=command, desk=desk)
    _register_customer(app, dm=dm)

    @app.event("app_home_opened")
    def on_home(event: Payload) -> None:  # events are acknowledged by bolt itself
        if event.get("tab", "home") == "home":
            home.opened(str(event["user"]))


def _register_provider(app: App, *, command: str, desk: ProviderDesk) -> None:
    @app.command(command)
    def on_command(ack: Ack, command: Payload, respond: Respond, request: BoltRequest) -> None:
        ack()
        answer = desk.command(user_id=str(command["user_id"]), text=str(command.get("text", "")),
                              delivery_id=f"command:{_trigger(command, request)}")
        if answer:
            respond(text=answer, response_type="ephemeral")

    @app.action(CANCEL_ACTION)
    def on_cancel(ack: Ack, body: Payload, action: Payload, respond: Respond,
                  request: BoltRequest) -> None:
        ack()
        answer = desk.cancel(user_id=str(body["user"]["id"]),
                             booking_id=booking_of(str(action.get("value", ""))),
                             delivery_id=_press_id(body, action, request))
        if answer:
            respond(text=answer, response_type="ephemeral", replace_original=False)

    @app.action(NO_SHOW_ACTION)
    def on_no_show(ack: Ack, body: Payload, action: Payload, respond: Respond,
                   request: BoltRequest) -> None:
        ack()
        answer = desk.no_show(user_id=str(body["user"]["id"]),
                              booking_id=booking_of(str(action.get("value", ""))),
                              delivery_id=_press_id(body, action, request))
        if answer:
            respond(text=answer, response_type="ephemeral", replace_original=False)

    @app.action(MESSAGE_ACTION)
    def on_message_button(ack: Ack, body: Payload, action: Payload, respond: Respond,
                          client: WebClient) -> None:
        ack()
        if desk.provider(str(body["user"]["id"])) is None:
            respond(text=REFUSAL, response_type="ephemeral", replace_original=False)
            return
        channel_id = str((body.get("channel") or {}).get("id", ""))
        client.views_open(trigger_id=str(body["trigger_id"]),
                          view=message_modal(booking_of(str(action.get("value", ""))),
                                             channel_id))

    @app.view(MESSAGE_VIEW)
    def on_message_sent(ack: Ack, body: Payload, view: Payload, client: WebClient) -> None:
        ack()  # closes the modal; Slack itself enforced 1-1000 characters
        user_id = str(body["user"]["id"])
        meta = json.loads(view.get("private_metadata") or "{}")
        text = view["state"]["values"][MESSAGE_BLOCK][MESSAGE_INPUT].get("value") or ""
        answer = desk.message(user_id=user_id, booking_id=str(meta.get("booking", "")),
                              text=str(text), delivery_id=f"view:{view['id']}")
        if answer and meta.get("channel"):
            client.chat_postEphemeral(channel=str(meta["channel"]), user=user_id, text=answer)


def _register_customer(app: App, *, dm: DmRelay) -> None:
    @app.event("message")
    def on_dm(event: Payload, body: Payload, request: BoltRequest, client: WebClient) -> None:
        # Only a person's plain message in the app's DM: no edits, joins or bot posts.
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        message = InboundMessage(CHANNEL, str(event["user"]), str(body["event_id"]),
                                 dm.clock(), text=str(event.get("text") or ""))
        dm.inbound(client, message, dm_channel=str(event["channel"]), retry=_retried(request))

    @app.action(CHOICE_ACTION)
    def on_choice(ack: Ack, body: Payload, action: Payload, client: WebClient,
                  request: BoltRequest) -> None:
        ack()
        msg = body.get("message") or {}
        press = Press(str(msg.get("ts", "")), str(msg.get("text", "")),
                      str((action.get("text") or {}).get("text", "")))
        message = InboundMessage(CHANNEL, str(body["user"]["id"]),
                                 _press_id(body, action, request),
                                 dm.clock(), action=str(action.get("value", "")))
        dm.inbound(client, message, dm_channel=str(body["channel"]["id"]), press=press)
