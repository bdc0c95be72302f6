"""The Telegram Bot API, Twilio's Messages API and Stripe's Checkout, in a process of its own,
for ``load.py``: every message sent is logged with the id the double gave it.

``platform_double.PlatformDouble`` counts messages by text; the load test needs more: who a
message went to and the id it was given, because the worker records that id on the
notification row it sent (``provider_message_id``), which is how a message at the double is
traced back to the reply it carried. ``GET /log`` returns every message as
``[platform, address, text, id]``; ``GET /sessions`` the Checkout sessions created (id,
idempotency key, metadata, amount and currency: what a completed-checkout event carries).
"""

from __future__ import annotations

import asyncio
import http.client
import itertools
import json
import multiprocessing
from typing import Any, ClassVar
from urllib.parse import parse_qs

from platform_double import BOT_USER, _Connection, _params

Message = tuple[str, str, str, str]  # (platform, address, text, id)


class _LoadConnection(_Connection):
    log: ClassVar[list[Message]] = []
    sessions: ClassVar[list[dict[str, Any]]] = []
    ids: ClassVar[itertools.count[int]] = itertools.count(1)

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while (end := self._buffer.find(b"\r\n\r\n")) >= 0:
            head = self._buffer[:end].decode("latin-1").split("\r\n")
            headers = {k.strip().lower(): v.strip() for k, v in
                       (line.split(":", 1) for line in head[1:] if ":" in line)}
            length = int(headers.get("content-length", 0))
            if len(self._buffer) < end + 4 + length:
                return
            body = self._buffer[end + 4:end + 4 + length]
            self._buffer = self._buffer[end + 4 + length:]
            method, path = head[0].split(" ")[:2]
            status, payload = self._route(method, path, body, headers)
            self._reply(status, payload)

    def _route(self, method: str, path: str, body: bytes,
               headers: dict[str, str]) -> tuple[int, Any]:
        if method == "GET" and path == "/log":
            return 200, self.log
        if method == "GET" and path == "/sessions":
            return 200, self.sessions
        if path.startswith("/bot"):
            return 200, self._telegram(path.rsplit("/", 1)[-1], _params(body))
        if path.endswith("/Messages.json"):
            return 201, self._twilio(path, {k: v[-1] for k, v in parse_qs(body.decode()).items()})
        if path == "/v1/checkout/sessions":
            return 200, self._checkout(parse_qs(body.decode()), headers)
        return 404, {"error": {"message": f"no route {method} {path}"}}

    def _telegram(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {"ok": True, "result": BOT_USER}
        if method != "sendMessage":
            return {"ok": True, "result": True}  # answerCallbackQuery, editMessageReplyMarkup
        message_id = next(self.ids)
        chat, text = str(params.get("chat_id", "")), str(params.get("text", ""))
        self.log.append(("telegram", chat, text, str(message_id)))
        return {"ok": True, "result": {
            "message_id": message_id, "date": 1_893_916_800, "from": BOT_USER,
            "chat": {"id": int(chat or 0), "type": "private"}, "text": text}}

    def _twilio(self, path: str, form: dict[str, str]) -> Any:
        sid = f"SM{next(self.ids):032d}"
        to, body = form.get("To", ""), form.get("Body", "")
        self.log.append(("sms", to, body, sid))
        account = path.split("/")[3]
        return {"sid": sid, "account_sid": account, "to": to, "from": form.get("From"),
                "body": body, "status": "queued", "num_segments": "1",
                "direction": "outbound-api", "api_version": "2010-04-01", "price": None,
                "price_unit": "USD", "error_code": None, "error_message": None,
                "num_media": "0", "date_created": "Mon, 07 Jan 2030 08:00:00 +0000",
                "date_sent": None, "date_updated": "Mon, 07 Jan 2030 08:00:00 +0000",
                "messaging_service_sid": None, "subresource_uris": {},
                "uri": f"/2010-04-01/Accounts/{account}/Messages/{sid}.json"}

    def _checkout(self, form: dict[str, list[str]], headers: dict[str, str]) -> Any:
        key = headers.get("idempotency-key", "")
        known = next((s for s in self.sessions if key and s["key"] == key), None)
        if known is None:
            known = {"id": f"cs_test_{next(self.ids):024d}", "key": key,
                     "metadata": {k[9:-1]: v[-1] for k, v in form.items()
                                  if k.startswith("metadata[")},
                     "amount_total": int(form["line_items[0][price_data][unit_amount]"][-1]),
                     "currency": form["line_items[0][price_data][currency]"][-1]}
            self.sessions.append(known)
        return {"id": known["id"], "object": "checkout.session", "mode": "payment",
                "url": f"https://checkout.stripe.test/c/pay/{known['id']}",
                "status": "open", "payment_status": "unpaid", "payment_intent": None,
                "amount_total": known["amount_total"], "currency": known["currency"],
                "expires_at": int(form.get("expires_at", ["0"])[-1]),
                "metadata": known["metadata"]}

    def _reply(self, status: int, payload: Any) -> None:
        reply = json.dumps(payload).encode()
        assert self._transport is not None
        reason = {200: b"OK", 201: b"Created"}.get(status, b"Not Found")
        self._transport.write(b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
                              b"Content-Length: %d\r\n\r\n" % (status, reason, len(reply))
                              + reply)


def _serve(port: Any) -> None:
    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(_LoadConnection, "127.0.0.1",
                                                                0)
        port.value = server.sockets[0].getsockname()[1]
        await server.serve_forever()

    asyncio.run(main())


class LoadDouble:
    """``with LoadDouble() as double:``; ``double.port`` is where it listens."""

    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._port = ctx.Value("i", 0)
        self._process = ctx.Process(target=_serve, args=(self._port,), daemon=True)

    def __enter__(self) -> LoadDouble:
        self._process.start()
        while not self._port.value:
            self._process.join(0.01)
            if self._process.exitcode is not None:
                raise SystemExit("the API double exited during start-up")
        return self

    def __exit__(self, *exc: object) -> None:
        self._process.terminate()
        self._process.join()

    @property
    def port(self) -> int:
        return int(self._port.value)

    def _get(self, path: str) -> Any:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request("GET", path)
            return json.loads(conn.getresponse().read())
        finally:
            conn.close()

    def messages(self) -> list[Message]:
        return [tuple(m) for m in self._get("/log")]  # type: ignore[misc]

    def sessions(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self._get("/sessions")
        return found
