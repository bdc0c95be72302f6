"""Entry points: the links (and so the QR codes) that open a chat with a service, and
optionally a provider, already chosen.

The Telegram link carries a start payload (``t.me/<bot>?start=<payload>``; Telegram allows
A-Z a-z 0-9 _ - and at most 64 characters). The payload is the service key, or
``<service>__<provider>``; keys that would not fit get a shortened form with a digest. The bot
never parses a payload: it looks it up among the payloads of the business's own services
(``resolve``), so a key containing ``__`` or a shortened one is as unambiguous as a plain one.
SMS and WhatsApp cannot carry a payload, so their links pre-fill the message with the
service's name, which the conversation understands as it understands any first message.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import quote

from core.model import Business, Provider, Service

MAX_PAYLOAD = 64
SEPARATOR = "__"
_SAFE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9_-]+")
_DIGEST = 10


def payload(service_key: str, provider_key: str | None = None) -> str:
    """The Telegram start payload for a service (and provider): stable, and always safe."""
    raw = service_key if provider_key is None else f"{service_key}{SEPARATOR}{provider_key}"
    if _SAFE.match(raw):
        return raw
    digest = hashlib.sha256(raw.encode()).hexdigest()[:_DIGEST]
    head = _UNSAFE_RUN.sub("-", raw)[:MAX_PAYLOAD - _DIGEST - 1]
    return f"{head}-{digest}"


def is_safe_payload(text: str) -> bool:
    return bool(_SAFE.match(text))


def pairs(business: Business) -> list[tuple[Service, Provider | None]]:
    """Every (service, provider) an entry point exists for: each service for anyone, then
    with each provider who offers it."""
    out: list[tuple[Service, Provider | None]] = []
    for service in business.services:
        out.append((service, None))
        out.extend((service, p) for p in business.providers_for(service.key))
    return out


def resolve(text: str, business: Business) -> tuple[str, str | None] | None:
    """(service key, provider key or None) the payload stands for, or None if unknown."""
    for service, provider in pairs(business):
        key = provider.key if provider else None
        if payload(service.key, key) == text:
            return service.key, key
    return None


@dataclass(frozen=True)
class ChannelAddresses:
    """Where customers reach the business: the Telegram bot's username (no @) and the
    E.164 numbers of the SMS and WhatsApp senders; None where that channel is not set up."""

    telegram_bot: str | None = None
    sms_number: str | None = None
    whatsapp_number: str | None = None


@dataclass(frozen=True)
class EntryLink:
    channel: str  # "telegram" | "sms" | "whatsapp"
    url: str


@dataclass(frozen=True)
class EntryPoint:
    service: Service
    provider: Provider | None
    payload: str
    links: tuple[EntryLink, ...]

    def link(self, channel: str) -> EntryLink | None:
        return next((x for x in self.links if x.channel == channel), None)


def message_text(service: Service, provider: Provider | None) -> str:
    """What an SMS/WhatsApp link pre-fills: names only (no words of any one language)."""
    return service.name if provider is None else f"{service.name}, {provider.name}"


def links_for(service: Service, provider: Provider | None,
              where: ChannelAddresses) -> tuple[EntryLink, ...]:
    key = payload(service.key, provider.key if provider else None)
    body = quote(message_text(service, provider), safe="")
    out = []
    if where.telegram_bot:
        out.append(EntryLink("telegram", f"https://t.me/{where.telegram_bot}?start={key}"))
    if where.sms_number:
        out.append(EntryLink("sms", f"sms:{where.sms_number}?&body={body}"))
    if where.whatsapp_number:
        out.append(EntryLink("whatsapp",
                             f"https://wa.me/{where.whatsapp_number.lstrip('+')}?text={body}"))
    return tuple(out)


def entry_points(business: Business, where: ChannelAddresses,
                 providers: frozenset[str] | None = None) -> list[EntryPoint]:
    """Per service (and per provider offering it) its links. ``providers`` narrows the list
    to the services those providers offer, with only their own provider links."""
    out = []
    for service, provider in pairs(business):
        if providers is not None:
            offered = {p.key for p in business.providers_for(service.key)}
            if not offered & providers or (provider and provider.key not in providers):
                continue
        out.append(EntryPoint(service, provider,
                              payload(service.key, provider.key if provider else None),
                              links_for(service, provider, where)))
    return out
