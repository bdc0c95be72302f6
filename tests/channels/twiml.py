"""Posting a signed Twilio webhook (SMS or WhatsApp) and reading the TwiML it answers."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from twilio.request_validator import RequestValidator

from tests.channels.asgi import AppClient


def signature(params: dict[str, str], *, token: str, url: str) -> str:
    return RequestValidator(token).compute_signature(url, params)


def post_signed(client: AppClient, path: str, params: dict[str, str], *, token: str,
                public: str) -> str:
    """Post ``params`` signed as Twilio signs them; the TwiML answer's text ('' for silence)."""
    signed = signature(params, token=token, url=public + path)
    response = client.post(path, data=params, headers={"X-Twilio-Signature": signed})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(response.text)
    assert root.tag == "Response"
    return "\n".join(m.text or "" for m in root.iter("Message"))
