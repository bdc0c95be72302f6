"""Entry-point payloads and links: always within Telegram's start-payload rules, stable,
and looked up back to exactly the service (and provider) they were made for."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from core.entry_points import (
    MAX_PAYLOAD,
    ChannelAddresses,
    entry_points,
    is_safe_payload,
    payload,
    resolve,
)
from core.model import Business, Provider, Service
from core.money import Money
from tests.bot.conftest import make_business

TELEGRAM_RULE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
KEYS = st.from_regex(r"^[a-z0-9][a-z0-9_-]{0,80}$", fullmatch=True)
ALL = ChannelAddresses(telegram_bot="sharp_bot", sms_number="+12125550100",
                       whatsapp_number="+14155238886")


@given(KEYS, st.one_of(st.none(), KEYS))
def test_every_payload_is_one_telegram_accepts(service: str, provider: str | None) -> None:
    made = payload(service, provider)
    assert TELEGRAM_RULE.match(made), made
    assert is_safe_payload(made)
    assert payload(service, provider) == made  # stable: the printed QR keeps working


def test_short_keys_are_the_payload_itself() -> None:
    assert payload("haircut") == "haircut"
    assert payload("haircut", "jordan") == "haircut__jordan"


def _business_with(service_key: str, provider_key: str) -> Business:
    base = make_business()
    usd = Money(0, "USD")
    service = Service(service_key, "Long", timedelta(minutes=30), usd, usd)
    provider = Provider(provider_key, "Pat", ZoneInfo("America/New_York"),
                        frozenset({service_key}), base.providers[0].weekly)
    return replace(base, services=(*base.services, service),
                   providers=(*base.providers, provider))


@given(KEYS, KEYS)
def test_a_payload_resolves_to_what_it_was_made_for(service: str, provider: str) -> None:
    business = _business_with("svc-" + service, "p-" + provider)
    for point in entry_points(business, ALL):
        key = point.provider.key if point.provider else None
        assert resolve(point.payload, business) == (point.service.key, key)


def test_long_keys_are_shortened_with_a_digest_and_still_resolve() -> None:
    business = _business_with("a" * 60, "b" * 30)
    made = payload("a" * 60, "b" * 30)
    assert len(made) <= MAX_PAYLOAD
    assert resolve(made, business) == ("a" * 60, "b" * 30)
    assert resolve(payload("a" * 60), business) == ("a" * 60, None)


def test_unknown_or_mismatched_payloads_resolve_to_nothing() -> None:
    business = make_business()  # Jordan does not colour
    assert resolve("haircut__jordan", business) == ("haircut", "jordan")
    assert resolve("colour__jordan", business) is None
    assert resolve("nosuch", business) is None
    assert resolve("", business) is None


def test_links_per_channel() -> None:
    point = next(p for p in entry_points(make_business(), ALL)
                 if p.service.key == "beard" and p.provider and p.provider.key == "jordan")
    tg, sms, wa = (point.link(c) for c in ("telegram", "sms", "whatsapp"))
    assert tg is not None
    assert tg.url == "https://t.me/sharp_bot?start=beard__jordan"
    assert sms is not None
    assert sms.url == "sms:+12125550100?&body=Beard%20Trim%2C%20Jordan"
    assert wa is not None
    assert urlsplit(wa.url)[:3] == ("https", "wa.me", "/14155238886")
    assert parse_qs(urlsplit(wa.url).query) == {"text": ["Beard Trim, Jordan"]}
    assert unquote(sms.url.split("body=", 1)[1]) == "Beard Trim, Jordan"


def test_only_configured_channels_get_links() -> None:
    points = entry_points(make_business(), ChannelAddresses(telegram_bot="sharp_bot"))
    assert {link.channel for p in points for link in p.links} == {"telegram"}
    assert all(p.links == () for p in entry_points(make_business(), ChannelAddresses()))


def test_a_provider_sees_the_services_they_offer_and_only_their_own_links() -> None:
    points = entry_points(make_business(), ALL, providers=frozenset({"jordan"}))
    assert [(p.service.key, p.provider.key if p.provider else None) for p in points] == [
        ("haircut", None), ("haircut", "jordan"), ("beard", None), ("beard", "jordan")]
