"""``X-Twilio-Signature``: HMAC-SHA1 over the exact public URL and the sorted form fields.

Checked with the SDK's ``RequestValidator`` (constant-time compare). The URL is ours as the
public sees it (``PUBLIC_BASE_URL`` + path + query), not as a proxy forwarded it: behind
TLS termination the app sees ``http://...`` while Twilio signed ``https://...``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from twilio.request_validator import RequestValidator

from channels.http_guard import BodyTooLarge, read_body

SIGNATURE_HEADER = "X-Twilio-Signature"


@dataclass(frozen=True)
class TwilioSignature:
    auth_token: str
    public_base_url: str

    def signed_url(self, request: Request) -> str:
        query = request.url.query
        return self.public_base_url.rstrip("/") + request.url.path + (f"?{query}" if query else "")

    def verify(self, request: Request, params: dict[str, str]) -> Response | None:
        """None when genuine, else the refusal to answer with."""
        signature = request.headers.get(SIGNATURE_HEADER)
        if signature is None:
            return PlainTextResponse("missing signature", status_code=401)
        if not RequestValidator(self.auth_token).validate(self.signed_url(request), params,
                                                          signature):
            return PlainTextResponse("bad signature", status_code=403)
        return None

    async def read(self, request: Request) -> dict[str, str] | Response:
        """The verified form fields of a Twilio webhook, or the refusal to answer with."""
        try:
            body = await read_body(request)
        except BodyTooLarge:
            return PlainTextResponse("request body too large", status_code=413)
        if request.headers.get(SIGNATURE_HEADER) is None:  # refused before any parsing
            return PlainTextResponse("missing signature", status_code=401)
        try:  # Twilio signs the URL plus the form fields: they are needed to verify
            params = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                                    strict_parsing=False))
        except UnicodeDecodeError:  # Twilio sends UTF-8: this cannot carry its signature
            return PlainTextResponse("bad signature", status_code=403)
        refused = self.verify(request, params)
        return refused if refused is not None else params
