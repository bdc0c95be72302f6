"""Neutral ``Reply`` -> Slack ``text`` + Block Kit ``blocks``; button ids <-> payloads.

Two kinds of buttons share one renderer:
- conversation choices (a customer's DM): ``action_id`` ``bb_choice_<n>``, value = payload;
- provider buttons on alerts, whose payload is ``provider:<verb>:<booking id>``: one fixed
  ``action_id`` per verb, so the app routes them to the provider handlers.
"""

from __future__ import annotations

import re
from typing import Any

from bot.messages import Choice, Reply

CHOICE_ACTION = re.compile(r"^bb_choice_\d+$")
PROVIDER_PREFIX = "provider:"
CANCEL_ACTION = "bb_provider_cancel"
MESSAGE_ACTION = "bb_provider_message"
NO_SHOW_ACTION = "bb_provider_no_show"
PROVIDER_ACTIONS = {"cancel": CANCEL_ACTION, "message": MESSAGE_ACTION, "noshow": NO_SHOW_ACTION}

MAX_SECTION = 3000  # Slack's limit for a section's text
MAX_BUTTON_LABEL = 75
MAX_VALUE = 2000
MAX_BUTTONS_PER_BLOCK = 25

Block = dict[str, Any]


def escape(text: str) -> str:
    """Slack's three control characters in message text (mrkdwn)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def provider_payload(verb: str, booking_id: str) -> str:
    return f"{PROVIDER_PREFIX}{verb}:{booking_id}"


def booking_of(value: str) -> str:
    """'provider:cancel:<id>' -> '<id>' (the value a provider button carries)."""
    return value.split(":", 2)[2] if value.count(":") >= 2 else ""


def _label(text: str) -> str:
    return text if len(text) <= MAX_BUTTON_LABEL else text[:MAX_BUTTON_LABEL - 1] + "…"


def _cancel_confirm() -> Block:
    # Slack's own confirmation dialog: a misclick on an alert cannot cancel a booking.
    return {"title": {"type": "plain_text", "text": "Cancel this booking?"},
            "text": {"type": "plain_text",
                     "text": "The customer is told and gets a full refund."},
            "confirm": {"type": "plain_text", "text": "Cancel booking"},
            "deny": {"type": "plain_text", "text": "Keep it"}, "style": "danger"}


def _no_show_confirm() -> Block:
    return {"title": {"type": "plain_text", "text": "Mark as no-show?"},
            "text": {"type": "plain_text",
                     "text": "Any no-show fee is charged to the customer's saved card."},
            "confirm": {"type": "plain_text", "text": "Mark no-show"},
            "deny": {"type": "plain_text", "text": "Back"}}


def button(choice: Choice, index: int) -> Block:
    payload = choice.payload
    out: Block = {"type": "button", "text": {"type": "plain_text", "text": _label(choice.label)},
                  "value": payload}
    verb = payload[len(PROVIDER_PREFIX):].split(":", 1)[0]
    if payload.startswith(PROVIDER_PREFIX) and verb in PROVIDER_ACTIONS:
        out["action_id"] = PROVIDER_ACTIONS[verb]
        if verb == "cancel":
            out["style"] = "danger"
            out["confirm"] = _cancel_confirm()
        elif verb == "noshow":
            out["confirm"] = _no_show_confirm()
    else:
        out["action_id"] = f"bb_choice_{index}"
    return out


def _fits(choice: Choice) -> bool:
    return 0 < len(choice.payload) <= MAX_VALUE


def render(reply: Reply) -> tuple[str, list[Block]]:
    """``text`` (the notification fallback) and the blocks. Choices that cannot be buttons
    are listed as numbered text, which the conversation also understands."""
    text = reply.text or " "
    choices = reply.choices
    if choices and not all(_fits(c) for c in choices):
        text += "\n" + "\n".join(f"{i}. {c.label}" for i, c in enumerate(choices, 1))
        choices = ()
    blocks: list[Block] = [section(text)]
    buttons = [button(c, i) for i, c in enumerate(choices)]
    for i in range(0, len(buttons), MAX_BUTTONS_PER_BLOCK):
        blocks.append({"type": "actions", "elements": buttons[i:i + MAX_BUTTONS_PER_BLOCK]})
    return text, blocks


def section(text: str) -> Block:
    body = escape(text)
    if len(body) > MAX_SECTION:
        body = body[:MAX_SECTION - 1] + "…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": body}}


def answered(text: str, label: str) -> list[Block]:
    """The message after a press: its text, the buttons gone, the answer noted."""
    return [section(text), {"type": "context", "elements": [
        {"type": "mrkdwn", "text": f"› {escape(label)}"}]}]
