"""``core.ports.Sender`` adapters through the real SDK clients against local doubles."""

from __future__ import annotations

import pytest

from channels.sms import NoOptOuts, SmsSender
from channels.telegram import TelegramSender
from core.errors import PermanentSendError, TransientSendError
from tests.channels.doubles import FakeTelegram, FakeTwilio

TOKEN = "twilio-auth-token"
FROM = "+14155550100"


def test_telegram_sender_sends_buttons(fake_telegram: FakeTelegram) -> None:
    with TelegramSender(fake_telegram.token, base_url=fake_telegram.api_base) as sender:
        first = sender.send("4242", "Reminder: haircut tomorrow 9:00 AM",
                            [("Keep it", "yes"), ("Cancel", "cancel")])
        second = sender.send("4242", "And another")
    assert int(second) == int(first) + 1
    assert [r.path.rsplit("/", 1)[-1] for r in fake_telegram.requests] == [
        "getMe", "sendMessage", "sendMessage"]
    sent = fake_telegram.sent()[0]
    assert sent["chat_id"] == "4242"
    assert sent["reply_markup"] == {"inline_keyboard": [
        [{"text": "Keep it", "callback_data": "yes"}],
        [{"text": "Cancel", "callback_data": "cancel"}]]}


@pytest.mark.parametrize(("status", "description", "error"), [
    (403, "Forbidden: bot was blocked by the user", PermanentSendError),
    (400, "Bad Request: chat not found", PermanentSendError),
    (502, "Bad Gateway", TransientSendError),
])
def test_telegram_sender_errors(fake_telegram: FakeTelegram, status: int, description: str,
                                error: type[Exception]) -> None:
    fake_telegram.failures["sendMessage"] = (status, description)
    with TelegramSender(fake_telegram.token, base_url=fake_telegram.api_base) as sender, \
            pytest.raises(error):
        sender.send("4242", "hello")


def test_telegram_sender_refuses_a_non_chat_id(fake_telegram: FakeTelegram) -> None:
    with TelegramSender(fake_telegram.token, base_url=fake_telegram.api_base) as sender, \
            pytest.raises(PermanentSendError):
        sender.send("ann@example.com", "hello")
    assert fake_telegram.requests == []


def test_sms_sender_posts_to_twilio(fake_twilio: FakeTwilio) -> None:
    with SmsSender(fake_twilio.account_sid, TOKEN, FROM, opt_outs=NoOptOuts(),
                   api_base_url=fake_twilio.base) as sender:
        sid = sender.send("+1 415 555 2671", "Your haircut is tomorrow – see you!",
                          [("Keep it", "yes"), ("Cancel it", "no")])
    assert sid.startswith("SM")
    [call] = fake_twilio.calls("/Messages.json")
    assert call.path == f"/2010-04-01/Accounts/{fake_twilio.account_sid}/Messages.json"
    assert call.headers["Authorization"].startswith("Basic ")
    assert call.params == {"To": "+14155552671", "From": FROM,
                           "Body": "Your haircut is tomorrow - see you!\nReply YES or NO"}


@pytest.mark.parametrize(("status", "code", "error"), [
    (400, 21610, PermanentSendError), (400, 21211, PermanentSendError),
    (429, 20429, TransientSendError), (503, 20500, TransientSendError),
])
def test_sms_sender_errors(fake_twilio: FakeTwilio, status: int, code: int,
                           error: type[Exception]) -> None:
    fake_twilio.failure = (status, code, "refused")
    with SmsSender(fake_twilio.account_sid, TOKEN, FROM, opt_outs=NoOptOuts(),
                   api_base_url=fake_twilio.base) as sender, pytest.raises(error):
        sender.send("+14155552671", "hello")


def test_sms_sender_refuses_a_non_number(fake_twilio: FakeTwilio) -> None:
    with SmsSender(fake_twilio.account_sid, TOKEN, FROM, opt_outs=NoOptOuts(),
                   api_base_url=fake_twilio.base) as sender, pytest.raises(PermanentSendError):
        sender.send("4242", "hello")
    assert fake_twilio.requests == []
