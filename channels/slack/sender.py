"""``SlackSender``: ``core.ports.Sender`` for jobs (reminders, alerts, the outbox).

Recipient: a channel id (``C…``, the provider channel) or a user id (``U…``, which
posts into the app's DM with that user). Choices become buttons (``render``).
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.messages import Choice, Reply
from channels.slack.render import render
from core.errors import PermanentSendError, SendError, TransientSendError

# Slack error codes a retry cannot fix (https://api.slack.com/methods/chat.postMessage).
PERMANENT = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "user_not_found",
    "user_disabled", "account_inactive", "invalid_auth", "not_authed", "token_revoked",
    "token_expired", "missing_scope", "msg_too_long", "no_text", "cannot_dm_bot",
    "restricted_action", "invalid_blocks", "invalid_arguments", "messages_tab_disabled",
})


def send_error(exc: SlackApiError) -> SendError:
    code = str(exc.response.get("error", "")) if exc.response is not None else ""
    if code in PERMANENT:
        return PermanentSendError(f"slack: {code}")
    return TransientSendError(f"slack: {code or exc}")


class SlackSender:
    channel = "slack"

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def send(self, recipient_id: str, text: str,
             choices: Sequence[tuple[str, str]] = ()) -> str:
        reply = Reply(text, tuple(Choice(label, payload) for label, payload in choices))
        return self.send_reply(recipient_id, reply)

    def send_reply(self, recipient_id: str, reply: Reply) -> str:
        fallback, blocks = render(reply)
        try:
            sent = self._client.chat_postMessage(channel=recipient_id, text=fallback,
                                                 blocks=blocks)
        except SlackApiError as exc:
            raise send_error(exc) from exc
        except SlackClientError as exc:  # connection problems: worth another try later
            raise TransientSendError(f"slack: {exc}") from exc
        except OSError as exc:
            raise TransientSendError(f"slack: {exc}") from exc
        return str(sent.get("ts", ""))
