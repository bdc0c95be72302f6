"""Inbound WhatsApp webhooks exactly as Twilio sends them, signed with the auth token."""

from __future__ import annotations

from tests.channels.asgi import AppClient
from tests.channels.twiml import post_signed, signature

TOKEN = "twilio-auth-token-0123456789abcdef"
PUBLIC = "https://bookings.example.com"
PATH = "/twilio/whatsapp"
ANN = "whatsapp:+447911123456"
BUSINESS = "whatsapp:+14155238886"
REMINDER_SID = "HX" + "1" * 32  # the reminder template's Content SID in the tests


def form(body: str, sid: str, sender: str = ANN, *,
         button: str | None = None) -> dict[str, str]:
    """The fields of Twilio's WhatsApp inbound request (a tapped button adds two)."""
    params = {"MessageSid": sid, "SmsSid": sid, "SmsMessageSid": sid,
              "AccountSid": "AC" + "0" * 32, "From": sender, "To": BUSINESS, "Body": body,
              "NumMedia": "0", "NumSegments": "1", "ApiVersion": "2010-04-01",
              "ProfileName": "Ann", "WaId": sender.removeprefix("whatsapp:+"),
              "MessageType": "button" if button else "text", "SmsStatus": "received"}
    if button is not None:
        params |= {"ButtonPayload": button, "ButtonText": body}
    return params


def sign(params: dict[str, str], *, token: str = TOKEN, url: str = PUBLIC + PATH) -> str:
    return signature(params, token=token, url=url)


def whatsapp(client: AppClient, body: str, sid: str, sender: str = ANN, *,
             button: str | None = None) -> str:
    """Post a correctly signed inbound message; the TwiML answer's text ('' for silence)."""
    return post_signed(client, PATH, form(body, sid, sender, button=button), token=TOKEN,
                       public=PUBLIC)
