"""The admin's cookie: signed (itsdangerous), HttpOnly, SameSite=Lax, Secure behind https.

It carries a random nonce, and once logged in the account id and its session epoch; the
epoch is bumped by logout, so a copied cookie dies with the session. The CSRF token is an
HMAC of the nonce: a form from another site cannot know it, and a new nonce at login
means a token seen before login is useless after it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "bb_admin"
MAX_AGE_S = 12 * 3600
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class Visit:
    nonce: str
    account_id: str | None = None
    epoch: int = 0

    @staticmethod
    def fresh(account_id: str | None = None, epoch: int = 0) -> Visit:
        return Visit(secrets.token_urlsafe(18), account_id, epoch)


class Signer:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret
        self._serializer = URLSafeTimedSerializer(secret, salt="bookingbot-admin")

    def dump(self, visit: Visit) -> str:
        return self._serializer.dumps([visit.nonce, visit.account_id, visit.epoch])

    def load(self, value: str | None) -> Visit | None:
        if not value:
            return None
        try:
            nonce, account_id, epoch = self._serializer.loads(value, max_age=MAX_AGE_S)
        except (BadSignature, ValueError, TypeError):
            return None
        return Visit(str(nonce), account_id if isinstance(account_id, str) else None,
                     int(epoch))

    def csrf(self, visit: Visit) -> str:
        return hmac.new(self._secret, b"csrf:" + visit.nonce.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, visit: Visit, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf(visit), str(token))


def cookie_header(value: str, *, secure: bool, max_age: int = MAX_AGE_S) -> str:
    parts = [f"{COOKIE}={value}", "Path=/admin", f"Max-Age={max_age}", "HttpOnly",
             "SameSite=Lax"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)
