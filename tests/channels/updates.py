"""Telegram Update JSON as the Bot API delivers it to a webhook."""

from __future__ import annotations

from typing import Any

from tests.channels.doubles import BOT_USER, EPOCH

CHAT = 4242


def _user(chat_id: int, lang: str | None = "en") -> dict[str, Any]:
    user: dict[str, Any] = {"id": chat_id, "is_bot": False, "first_name": "Ann"}
    return user | ({"language_code": lang} if lang else {})


def _chat(chat_id: int, kind: str = "private") -> dict[str, Any]:
    chat: dict[str, Any] = {"id": chat_id, "type": kind}
    chat.update({"first_name": "Ann"} if kind == "private" else {"title": "Group"})
    return chat


def message(update_id: int, text: str, *, chat_id: int = CHAT,
            kind: str = "private", lang: str | None = "en") -> dict[str, Any]:
    msg: dict[str, Any] = {"message_id": update_id, "date": EPOCH, "chat": _chat(chat_id, kind),
                           "from": _user(chat_id, lang), "text": text}
    if text.startswith("/"):
        msg["entities"] = [{"type": "bot_command", "offset": 0,
                            "length": len(text.split(" ", 1)[0])}]
    return {"update_id": update_id, "message": msg}


def location(update_id: int, latitude: float, longitude: float, *,
             chat_id: int = CHAT) -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": EPOCH, "chat": _chat(chat_id), "from": _user(chat_id),
        "location": {"latitude": latitude, "longitude": longitude}}}


def press(update_id: int, data: str, *, message_id: int, chat_id: int = CHAT,
          lang: str | None = "en") -> dict[str, Any]:
    return {"update_id": update_id, "callback_query": {
        "id": f"cq{update_id}", "from": _user(chat_id, lang), "chat_instance": "ci-1", "data": data,
        "message": {"message_id": message_id, "date": EPOCH, "chat": _chat(chat_id),
                    "from": BOT_USER, "text": "(the message with the keyboard)"}}}
