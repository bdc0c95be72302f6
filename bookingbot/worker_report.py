"""What ``bookingbot worker`` prints when it starts: its sweeps, how often each runs, and
which senders are on (and what the others still need), so an operator sees at once that a
channel is missing rather than finding notifications piling up later."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bookingbot.channels_wiring import ChannelState
from bookingbot.settings import Settings

WHAT = {
    "deliver": "send due notifications",
    "outbox": "turn booking events into notifications",
    "expire": "release lapsed holds and waitlist offers",
    "reminders": "plan reminders before appointments",
    "agendas": "daily agenda to each provider",
    "refunds": "retry refunds",
    "cleanup": "forget old sessions and deliveries",
    "calendar_sync": "read providers' calendars (each at rules.calendar_sync_interval)",
    "calendar_write": "write bookings into providers' calendars",
    "retention": "purge transcripts older than rules.transcript_retention",
}


def every(seconds: float) -> str:
    """2 -> '2s', 300 -> '5m', 3600 -> '1h'."""
    whole = int(seconds)
    for unit, size in (("h", 3600), ("m", 60)):
        if whole >= size and whole % size == 0:
            return f"{whole // size}{unit}"
    return f"{seconds:g}s"


# What each outbound sender needs (bookingbot.worker.production_senders builds them).
NEEDS = {"telegram": ("telegram_bot_token",),
         "sms": ("twilio_account_sid", "twilio_auth_token", "twilio_from_number"),
         "whatsapp": ("twilio_account_sid", "twilio_auth_token", "twilio_whatsapp_from"),
         "slack": ("slack_bot_token",)}


def sender_states(settings: Settings, on: Iterable[str]) -> list[ChannelState]:
    """Each channel a notification may go to: on (a sender exists) or what it still needs."""
    running = set(on)
    states = []
    for name, needs in NEEDS.items():
        if name in running:
            detail = "sending"
            if name == "slack":
                detail += (f"; alerts to {settings.slack_provider_channel}"
                           if settings.slack_provider_channel
                           else "; provider alerts only to mapped slack_user ids "
                                "(set SLACK_PROVIDER_CHANNEL for the rest)")
            states.append(ChannelState(name, True, detail))
            continue
        missing = ", ".join(n.upper() for n in needs if not getattr(settings, n))
        states.append(ChannelState(name, False, f"set {missing}; its notifications wait "
                                   "until then"))
    return states


def worker_report(*, intervals: Mapping[str, float], extra: Iterable[tuple[str, float, object]],
                  senders: Iterable[str], settings: Settings, refunds: bool) -> str:
    """The start-up summary: every sweep with its interval, then the senders."""
    sweeps = {**intervals, **{name: seconds for name, seconds, _ in extra}}
    lines = ["worker: running these sweeps (first run now, then every ...):"]
    for name, seconds in sweeps.items():
        note = "" if name != "refunds" or refunds else " (off: no payment gateway configured)"
        lines.append(f"  {name:<15} {every(float(seconds)):>4}  {WHAT.get(name, '')}{note}")
    lines.append("senders:")
    lines += [s.line() for s in sender_states(settings, senders)]
    return "\n".join(lines)
