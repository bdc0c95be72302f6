"""Posting a signed Twilio webhook (SMS or WhatsApp) and reading the TwiML it answers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from twilio.request_validator import RequestValidator

from tests.channels.asgi import AppClient


def post_signed(client: AppClient, path: str, params: dict[str, str], *, token: str,
                public: str) -> str:
    """Post ``params`` signed as Twilio signs them; the TwiML answer's text ('' for silence)."""
    signature = RequestValidator(token).compute_signature(public + path, params)
    response = client.post(path, data=params, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(response.text)
    assert root.tag == "Response"
    return "\n".join(m.text or "" for m in root.iter("Message"))
