"""Which channels are on, built from Settings, and the adapters they need.

A channel whose settings are absent is simply off; ``describe`` says why, and ``serve``
prints it. Each channel package returns a ``ChannelMount`` (routes + start/stop hooks);
Slack (``POST /slack/events``) and Stripe (``POST /stripe/webhook``) plug in here the same
way when their issues land.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk import WebClient

from adapters.rate_limit_redis import RedisHitCounter
from bookingbot.bootstrap import Database, utcnow
from bookingbot.calendar_feed import booking_link, calendar_feed_mount
from bookingbot.calendar_wiring import calendar_refresher
from bookingbot.cli_errors import CommandError
from bookingbot.data_requests import DataRequests
from bookingbot.payments_wiring import (
    build_payment_gateway,
    canceller,
    fee_charger,
    payment_starter,
    stripe_mount,
)
from bookingbot.reply_router import ReplyRouter
from bookingbot.settings import Settings
from bookingbot.state_peek import PeekedStates
from bot.messages import InboundMessage, Reply
from bot.ports import TeamChannel
from bot.runner import Runner
from channels.http_guard import RateLimiter, SenderLimiter, SharedRateLimiter
from channels.mount import ChannelMount, MessageHandler, ReplyLedger
from channels.slack import SlackHumanNotifier, slack_mount, web_client
from channels.sms import OptOutRegistry, SmsSender, sms_mount
from channels.telegram import PATH as TELEGRAM_PATH
from channels.telegram import TelegramApi, TelegramSender, telegram_mount
from channels.twilio.signature import TwilioSignature
from channels.twilio.status import PATH as TWILIO_STATUS_PATH
from channels.twilio.status import status_route
from channels.whatsapp import PATH as WHATSAPP_PATH
from channels.whatsapp import Templates, WhatsAppSender, whatsapp_mount
from channels.whatsapp import to_whatsapp as whatsapp_address
from core.errors import SendError
from db.conversations import SqlCustomerDirectory, SqlSessionStore
from db.customer_data import SqlCustomerData
from db.customers import SqlCustomerRepository
from db.delivery_status import SqlDeliveryStatus
from db.handoffs import SqlHandoffs
from db.jobs_store import SqlJobsStore
from db.offers import JobsUnitOfWork
from db.provider_queries import SqlProviderQueries
from db.rate_limits import SqlHitCounter
from db.reply_outbox import SqlReplyLedger
from db.service_windows import SqlServiceWindows
from db.uow import one_catalogue

SMS_CHANNEL = "sms"
WHATSAPP_CHANNEL = "whatsapp"
# Channels whose web path settles the replies it delivered (channels.mount.ReplyLedger):
# their replies are written to the outbox with the conversation's state, so a reply the
# process did not live to send is sent by the worker.
DURABLE_REPLIES = frozenset({"telegram", SMS_CHANNEL, WHATSAPP_CHANNEL})
TELEGRAM_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what setWebhook accepts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelState:
    name: str
    on: bool
    detail: str

    def line(self) -> str:
        return f"  {self.name:<9} {'on ' if self.on else 'off'}  {self.detail}"


def _missing(**values: object) -> list[str]:
    return [name.upper() for name, value in values.items() if not value]


def telegram_state(settings: Settings, *, polling: bool = False) -> ChannelState:
    need = {"telegram_bot_token": settings.telegram_bot_token}
    if not polling:
        need["telegram_webhook_secret"] = settings.telegram_webhook_secret
    missing = _missing(**need)
    if missing:
        return ChannelState("telegram", False, f"set {', '.join(missing)}")
    return ChannelState("telegram", True,
                        "long polling" if polling else f"webhook POST {TELEGRAM_PATH}")


def _twilio_missing(settings: Settings, **sender: object) -> list[str]:
    """What a Twilio channel (SMS, WhatsApp) still needs: the account, ``sender``, the URL."""
    return _missing(twilio_account_sid=settings.twilio_account_sid,
                    twilio_auth_token=settings.twilio_auth_token, **sender,
                    public_base_url=settings.public_base_url)


def sms_state(settings: Settings) -> ChannelState:
    missing = _twilio_missing(settings, twilio_from_number=settings.twilio_from_number)
    if missing:
        return ChannelState("sms", False, f"set {', '.join(missing)}")
    return ChannelState("sms", True, "webhook POST /twilio/sms (Twilio)")


def whatsapp_state(settings: Settings) -> ChannelState:
    missing = _twilio_missing(settings, twilio_whatsapp_from=settings.twilio_whatsapp_from)
    if missing:
        return ChannelState("whatsapp", False, f"set {', '.join(missing)}")
    if settings.twilio_whatsapp_from and whatsapp_address(settings.twilio_whatsapp_from) is None:
        return ChannelState("whatsapp", False, "TWILIO_WHATSAPP_FROM is not a phone number")
    kinds = len(settings.twilio_whatsapp_templates)
    return ChannelState("whatsapp", True, f"webhook POST {WHATSAPP_PATH} (Twilio; templates "
                        f"for {kinds} kind(s) outside the 24-hour window)")


def whatsapp_link(settings: Settings) -> str | None:
    """``https://wa.me/<number>`` for the business's WhatsApp sender, None when it is off
    (the web admin's entry links)."""
    if not whatsapp_state(settings).on or settings.twilio_whatsapp_from is None:
        return None
    address = whatsapp_address(settings.twilio_whatsapp_from) or ""
    return "https://wa.me/" + address.removeprefix("whatsapp:+")


def slack_state(settings: Settings) -> ChannelState:
    missing = _missing(slack_bot_token=settings.slack_bot_token,
                       slack_signing_secret=settings.slack_signing_secret)
    if missing:
        return ChannelState("slack", False, f"set {', '.join(missing)}")
    alerts = (f"alerts to {settings.slack_provider_channel}" if settings.slack_provider_channel
              else "no alerts: set SLACK_PROVIDER_CHANNEL")
    return ChannelState("slack", True,
                        f"POST /slack/events ({settings.slack_command}; {alerts})")


def stripe_state(settings: Settings) -> ChannelState:
    if settings.payments_test_mode and not settings.stripe_secret_key:
        return ChannelState("stripe", False, "TEST PAYMENT mode: no money moves")
    missing = _missing(stripe_secret_key=settings.stripe_secret_key,
                       stripe_webhook_secret=settings.stripe_webhook_secret)
    if missing:
        return ChannelState("stripe", False, f"set {', '.join(missing)}")
    return ChannelState("stripe", True, "POST /stripe/webhook")


def channel_states(settings: Settings, *, telegram_polling: bool = False) -> list[ChannelState]:
    return [
        telegram_state(settings, polling=telegram_polling),
        sms_state(settings),
        whatsapp_state(settings),
        slack_state(settings),
        stripe_state(settings),
    ]


def describe(states: list[ChannelState]) -> str:
    return "channels:\n" + "\n".join(s.line() for s in states)


class SqlOptOuts:
    """``channels.twilio.optout.OptOutRegistry`` over ``customers.opted_out`` for one channel
    (SMS: E.164 sender ids; WhatsApp: ``whatsapp:+...``)."""

    def __init__(self, db: Database, channel: str = SMS_CHANNEL) -> None:
        self._db = db
        self._channel = channel

    def is_opted_out(self, address: str) -> bool:
        with self._db.sessions() as session:
            found = SqlCustomerRepository(session).find(self._channel, address)
        return found is not None and found.opted_out


def slack_client(settings: Settings) -> WebClient | None:
    """None when Slack is off."""
    if settings.slack_bot_token is None:
        return None
    return web_client(settings.slack_bot_token.get_secret_value(),
                      base_url=settings.slack_api_url)


def build_runner(db: Database, settings: Settings | None = None) -> Runner:
    durable = DURABLE_REPLIES if settings is not None else ()
    runner = Runner(uow=db.uow, store=SqlSessionStore(db.engine, durable=durable),
                    customers=SqlCustomerDirectory(db.sessions))
    gateway = build_payment_gateway(settings) if settings is not None else None
    if settings is not None and gateway is not None:
        runner.start_payment = payment_starter(db, gateway, settings)
        runner.test_payments = not gateway.live
    runner.cancel = canceller(db, gateway)  # refunds go out at once, not a minute later
    runner.calendar_check = calendar_refresher(db, settings)
    if settings is not None:
        runner.calendar_link = booking_link(settings)
    runner.handoffs = SqlHandoffs(db.sessions)
    if settings is not None:
        runner.team = team_channels(settings, db)
    return runner


def team_channels(settings: Settings, db: Database) -> tuple[TeamChannel, ...]:
    """Where "talk to a person" goes: the Slack provider channel when set up, and a text to
    the owner's phone (business file) when SMS is; both when both are."""
    found: list[TeamChannel] = []
    client = slack_client(settings)
    if client is not None and settings.slack_provider_channel:
        slack = SlackHumanNotifier(client, settings.slack_provider_channel)
        found.append(lambda ch, sender, text, _owner: "slack" if slack(
            channel=ch, sender_id=sender, text=text) else None)
    sms = sms_sender(settings, db)
    if sms is not None:
        found.append(lambda ch, sender, text, owner: _text_owner(sms, ch, sender, text, owner))
    return tuple(found)


def _text_owner(sms: SmsSender, channel: str, sender: str, text: str, owner: str) -> str | None:
    if not owner:
        return None
    try:
        sms.send(owner, f"A customer on {channel} ({sender}) asked for a person: {text}"[:600])
    except SendError as exc:  # logged without the number; the customer is told it didn't go
        log.warning("sms: could not text the owner about a handoff: %s", type(exc).__name__)
        return None
    return "sms"


def reply_ledger(db: Database) -> SqlReplyLedger:
    """Settles the durable replies of a ``build_runner(db, settings)`` handler."""
    return SqlReplyLedger(db.engine)  # close() it after the server stopped


def build_handler(db: Database, runner: Runner) -> MessageHandler:
    """What every channel calls: replies to reminders and waitlist offers are read in their
    context first (bookingbot.reply_router), everything else goes to the conversation."""
    jobs_store = SqlJobsStore(db.sessions)
    peek = PeekedStates(jobs_store.session_state)  # both wrappers below look: one read
    router = ReplyRouter(runner, peek, lambda: JobsUnitOfWork(db.sessions, db.cache))

    def merge(channel: str, address: str, values: dict[str, Any], now: datetime) -> None:
        peek.forget(channel, address)
        jobs_store.merge_session_state(channel, address, values, now=now)

    # "delete my data" / "send me my data", confirmed first (bookingbot.data_requests)
    requests = DataRequests(
        router.handle, runner.store, SqlCustomerData(db.sessions), peek.session_state, merge,
        lambda ch, addr: runner.customers.identify(ch, addr, now=runner.clock()).id,
        runner.clock)

    def handle(message: InboundMessage) -> list[Reply]:
        with peek.scope(), one_catalogue():
            return requests.handle(message)

    return handle


def status_callback(settings: Settings) -> str | None:
    """Where Twilio reports each message's delivery: only a public https address (Twilio
    refuses a callback it cannot reach, and a local set-up has none)."""
    base = settings.public_base_url
    if not base or not base.startswith("https://"):
        return None
    return base.rstrip("/") + TWILIO_STATUS_PATH


def twilio_status_mount(settings: Settings, db: Database,
                        clock: Callable[[], datetime]) -> ChannelMount:
    assert settings.twilio_auth_token is not None
    assert settings.public_base_url is not None
    signature = TwilioSignature(settings.twilio_auth_token.get_secret_value(),
                                settings.public_base_url)
    return ChannelMount("twilio-status",
                        (status_route(signature, SqlDeliveryStatus(db.sessions, clock)),))


def sender_limiter(settings: Settings, db: Database | None) -> SenderLimiter:
    """Redis when ``REDIS_URL`` is set, else PostgreSQL: counted where every web process
    counts. SQLite is one process, so its limit lives in that process's memory."""
    limit, window = settings.rate_limit_per_minute, 60.0
    if settings.redis_url:
        return SharedRateLimiter(RedisHitCounter(settings.redis_url), limit=limit,
                                 window_s=window)
    if db is not None and db.engine.dialect.name == "postgresql":
        return SharedRateLimiter(SqlHitCounter(db.engine), limit=limit, window_s=window)
    return RateLimiter(limit=limit, window_s=window)


def build_mounts(settings: Settings, *, handler: MessageHandler, opt_outs: OptOutRegistry,
                 clock: Callable[[], datetime] = utcnow, telegram_polling: bool = False,
                 limiter: SenderLimiter | None = None, db: Database | None = None,
                 ledger: ReplyLedger | None = None) -> list[ChannelMount]:
    """``ledger``: where the channels settle the replies they delivered, when ``handler``
    writes them to the outbox (``build_runner`` with settings does; see ``reply_ledger``)."""
    limiter = limiter or sender_limiter(settings, db)
    mounts: list[ChannelMount] = []
    if telegram_state(settings, polling=telegram_polling).on:
        assert settings.telegram_bot_token is not None
        secret = settings.telegram_webhook_secret
        mounts.append(telegram_mount(
            token=settings.telegram_bot_token.get_secret_value(),
            secret=secret.get_secret_value() if secret else None, handler=handler,
            limiter=limiter, clock=clock, base_url=settings.telegram_api_base_url,
            polling=telegram_polling, ledger=ledger))
    if sms_state(settings).on:
        assert settings.twilio_auth_token is not None
        assert settings.public_base_url is not None
        mounts.append(sms_mount(auth_token=settings.twilio_auth_token.get_secret_value(),
                                public_base_url=settings.public_base_url, handler=handler,
                                limiter=limiter, opt_outs=opt_outs, clock=clock,
                                ledger=ledger))
    if whatsapp_state(settings).on and db is not None:
        assert settings.twilio_auth_token is not None
        assert settings.public_base_url is not None
        mounts.append(whatsapp_mount(
            auth_token=settings.twilio_auth_token.get_secret_value(),
            public_base_url=settings.public_base_url, handler=handler, limiter=limiter,
            opt_outs=SqlOptOuts(db, WHATSAPP_CHANNEL),
            windows=SqlServiceWindows(db.sessions, WHATSAPP_CHANNEL), clock=clock,
            ledger=ledger))
    if db is not None and (sms_state(settings).on or whatsapp_state(settings).on):
        mounts.append(twilio_status_mount(settings, db, clock))
    client = slack_client(settings)
    if slack_state(settings).on and client is not None and db is not None:
        assert settings.slack_signing_secret is not None
        mounts.append(slack_mount(
            client=client, signing_secret=settings.slack_signing_secret.get_secret_value(),
            handler=handler, store=SqlSessionStore(db.engine),
            customers=SqlCustomerDirectory(db.sessions), uow=db.uow,
            queries=SqlProviderQueries(clock=clock), limiter=limiter, clock=clock,
            command=settings.slack_command,
            charge_fees=fee_charger(db, build_payment_gateway(settings), clock)))
    if db is not None:
        optional = (stripe_mount(settings, db, build_payment_gateway(settings), clock),
                    calendar_feed_mount(settings, db, clock=clock))
        mounts.extend(m for m in optional if m is not None)
    return mounts


def telegram_sender(settings: Settings) -> TelegramSender | None:
    """For jobs (reminders, outbox): None when Telegram is off. Close it when done."""
    if settings.telegram_bot_token is None:
        return None
    return TelegramSender(settings.telegram_bot_token.get_secret_value(),
                          base_url=settings.telegram_api_base_url)


def sms_sender(settings: Settings, db: Database) -> SmsSender | None:
    """For jobs (reminders, outbox): None when SMS is off. Close it when done."""
    if not (settings.twilio_account_sid and settings.twilio_auth_token
            and settings.twilio_from_number):
        return None
    return SmsSender(settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value(),
                     settings.twilio_from_number, opt_outs=SqlOptOuts(db),
                     api_base_url=settings.twilio_api_base_url,
                     status_callback=status_callback(settings))


def whatsapp_sender(settings: Settings, db: Database,
                    clock: Callable[[], datetime] = utcnow) -> WhatsAppSender | None:
    """For jobs: None when WhatsApp is off. Close it when done."""
    if not (settings.twilio_account_sid and settings.twilio_auth_token
            and settings.twilio_whatsapp_from
            and whatsapp_address(settings.twilio_whatsapp_from)):
        return None
    return WhatsAppSender(
        settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value(),
        settings.twilio_whatsapp_from, opt_outs=SqlOptOuts(db, WHATSAPP_CHANNEL),
        windows=SqlServiceWindows(db.sessions, WHATSAPP_CHANNEL),
        templates=Templates(settings.twilio_whatsapp_templates), clock=clock,
        api_base_url=settings.twilio_api_base_url, status_callback=status_callback(settings))


class SetupError(CommandError):
    """A channel cannot be set up as configured (said in one line by the CLI)."""


def set_telegram_webhook(settings: Settings, *, drop_pending: bool = False) -> str:
    """Register ``PUBLIC_BASE_URL/telegram/webhook`` with its secret; returns the URL."""
    token, secret = settings.telegram_bot_token, settings.telegram_webhook_secret
    missing = _missing(telegram_bot_token=token, telegram_webhook_secret=secret,
                       public_base_url=settings.public_base_url)
    if missing:
        raise SetupError(f"set {', '.join(missing)}")
    assert token is not None
    assert secret is not None
    assert settings.public_base_url is not None
    if not TELEGRAM_SECRET.fullmatch(secret.get_secret_value()):
        raise SetupError("TELEGRAM_WEBHOOK_SECRET: 1-256 characters of A-Z a-z 0-9 _ -")
    url = settings.public_base_url.rstrip("/") + TELEGRAM_PATH
    if not url.startswith("https://"):
        raise SetupError(f"Telegram only calls https:// webhooks, not {url}")

    async def register() -> bool:
        api = TelegramApi(token.get_secret_value(), base_url=settings.telegram_api_base_url)
        await api.start()
        try:
            return await api.set_webhook(url, secret=secret.get_secret_value(),
                                         drop_pending=drop_pending)
        finally:
            await api.stop()

    if not asyncio.run(register()):
        raise SetupError("Telegram refused the webhook")
    return url
