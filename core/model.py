"""The business as the core sees it: services, providers, hours and rules.

All wall-clock values (opening hours, breaks, exceptions) are in the provider's
own zone; they become UTC instants only through ``core.timeutil``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from enum import StrEnum
from functools import cached_property
from zoneinfo import ZoneInfo

from core.fees import FeePolicy
from core.intake import Question
from core.money import Money
from core.policy import CancellationPolicy


class PaymentMode(StrEnum):
    NONE = "none"
    DEPOSIT = "deposit"
    PREPAY = "prepay"


@dataclass(frozen=True)
class ClassTime:
    """One weekly start of a class in the provider's zone, e.g. Monday 18:00."""

    weekday: int  # 0 = Monday ... 6 = Sunday
    at: time


@dataclass(frozen=True)
class Service:
    key: str
    name: str
    duration: timedelta
    price: Money
    deposit: Money  # zero when no deposit is asked
    payment: PaymentMode = PaymentMode.NONE
    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)
    aliases: tuple[str, ...] = ()
    # A class (group session): ``capacity`` seats per session, at most ``max_seats`` per
    # booking; sessions start at ``timetable`` (provider-local) or, when it is empty,
    # anywhere on the provider's grid. None: one customer at a time.
    capacity: int | None = None
    max_seats: int = 1
    timetable: tuple[ClassTime, ...] = ()
    # Resource kinds the service needs besides its provider ("room", "laser"): one free
    # resource of each kind is taken with the booking (core.resources).
    requires: tuple[str, ...] = ()
    # No-show / late-cancellation fees and the card kept to charge them (core.fees).
    fees: FeePolicy | None = None
    # The customer must confirm this long before the start (core.confirmations); None:
    # the business's rules.confirm_by.
    confirm_by: timedelta | None = None
    # The name in other languages, (language code, name) pairs from the business file
    # (``name: {en: Haircut, es: Corte de pelo}``); ``name`` is the default language's.
    names: tuple[tuple[str, str], ...] = ()
    # Intake questions asked after the time is chosen (core.intake), in file order.
    questions: tuple[Question, ...] = ()

    @property
    def card_required(self) -> bool:
        return self.fees is not None and self.fees.card_required

    @property
    def is_class(self) -> bool:
        return self.capacity is not None

    def name_in(self, lang: str | None) -> str:
        """The name a customer writing ``lang`` reads ("pt_BR" finds "pt"); else ``name``."""
        base = (lang or "").replace("-", "_").split("_")[0]
        named = dict(self.names)
        return named.get(lang or "") or named.get(base) or self.name

    @property
    def amount_due_upfront(self) -> Money:
        if self.payment is PaymentMode.PREPAY:
            return self.price
        if self.payment is PaymentMode.DEPOSIT:
            return self.deposit
        return Money.zero(self.price.currency)


@dataclass(frozen=True)
class LocalSpan:
    """A wall-clock span within one local day, e.g. 09:00-17:00 or lunch 12:30-13:15."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.end <= self.start and self.end != time(0, 0):
            raise ValueError(f"span ends before it starts: {self.start}-{self.end}")


@dataclass(frozen=True)
class DayHours:
    """Opening spans for one weekday or one dated exception, with breaks cut out."""

    spans: tuple[LocalSpan, ...] = ()
    breaks: tuple[LocalSpan, ...] = ()

    @property
    def closed(self) -> bool:
        return not self.spans


class ExceptionKind(StrEnum):
    CLOSED = "closed"  # holiday: the whole day off
    HOURS = "hours"  # special opening hours replace the weekly ones
    TIME_OFF = "time_off"  # a part of the day blocked


@dataclass(frozen=True)
class DatedException:
    day: date
    kind: ExceptionKind
    hours: DayHours = field(default_factory=DayHours)  # for HOURS
    blocked: tuple[LocalSpan, ...] = ()  # for TIME_OFF
    note: str = ""


class CalendarKind(StrEnum):
    ICS = "ics"  # a secret iCal address (Google's or Outlook's): read only
    GOOGLE = "google"  # Google Calendar API: free/busy read, our bookings written
    GRAPH = "graph"  # Microsoft Graph (Outlook / Microsoft 365): read and write


@dataclass(frozen=True)
class CalendarLink:
    """Where a provider's own calendar lives. Secrets are named, never held: ``*_env`` fields
    are environment variable names read by the shell when it connects.

    ``ics_url`` may hold the address itself (it is a secret: prefer ``ics_url_env``).
    ``api_url``/``token_url`` override the service's endpoints (national clouds, test doubles).
    """

    kind: CalendarKind
    ics_url: str | None = None
    ics_url_env: str | None = None
    calendar_id: str | None = None  # Google: required; Graph: None = the default calendar
    user: str | None = None  # Graph: the mailbox (user principal name or id)
    tenant_env: str | None = None
    client_id_env: str | None = None
    client_secret_env: str | None = None
    refresh_token_env: str | None = None
    api_url: str | None = None
    token_url: str | None = None

    @property
    def writable(self) -> bool:
        """Our bookings are written to Google and Graph calendars; iCal addresses are read-only."""
        return self.kind is not CalendarKind.ICS

    @property
    def source(self) -> str:
        """The ``busy_blocks.source`` of the blocks this calendar gives."""
        return f"calendar:{self.kind.value}"


@dataclass(frozen=True)
class Provider:
    key: str
    name: str
    tz: ZoneInfo
    services: frozenset[str]
    weekly: tuple[DayHours, ...]  # index 0 = Monday ... 6 = Sunday
    exceptions: tuple[DatedException, ...] = ()
    slack_user_id: str | None = None
    calendar: CalendarLink | None = None

    def __post_init__(self) -> None:
        if len(self.weekly) != 7:
            raise ValueError("weekly hours need exactly 7 days (Monday first)")

    def hours_on(self, day: date) -> tuple[DayHours, tuple[LocalSpan, ...]]:
        """The opening hours that apply on ``day`` and the time-off spans within them."""
        return hours_on(self.weekly, self.exceptions, day)


def hours_on(weekly: tuple[DayHours, ...], exceptions: tuple[DatedException, ...],
             day: date) -> tuple[DayHours, tuple[LocalSpan, ...]]:
    """Weekly hours with the day's dated exceptions applied (providers and resources)."""
    hours = weekly[day.weekday()]
    blocked: list[LocalSpan] = []
    for exc in exceptions:
        if exc.day != day:
            continue
        if exc.kind is ExceptionKind.CLOSED:
            return DayHours(), ()
        if exc.kind is ExceptionKind.HOURS:
            hours = exc.hours
        else:
            blocked.extend(exc.blocked)
    return hours, tuple(blocked)


# A resource with no hours of its own: open round the clock (each day 00:00-24:00; touching
# spans join, so an appointment may cross midnight), so only the provider's hours apply.
ALWAYS_OPEN: tuple[DayHours, ...] = (DayHours(spans=(LocalSpan(time(0), time(0)),)),) * 7


@dataclass(frozen=True)
class Resource:
    """A room, chair or machine that a service of its ``kind`` needs besides a provider.

    ``weekly`` and ``exceptions`` are wall-clock hours in the business zone, like a
    provider's; by default always open. One booking at a time (the database guards it).
    """

    key: str
    name: str
    kind: str
    weekly: tuple[DayHours, ...] = ALWAYS_OPEN
    exceptions: tuple[DatedException, ...] = ()

    def __post_init__(self) -> None:
        if len(self.weekly) != 7:
            raise ValueError("weekly hours need exactly 7 days (Monday first)")

    def hours_on(self, day: date) -> tuple[DayHours, tuple[LocalSpan, ...]]:
        return hours_on(self.weekly, self.exceptions, day)


@dataclass(frozen=True)
class Rules:
    slot_step: timedelta = timedelta(minutes=15)
    min_notice: timedelta = timedelta(hours=2)
    max_days_ahead: int = 60
    max_per_day: int | None = None
    hold_duration: timedelta = timedelta(minutes=10)
    reminders: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=1))
    waitlist_offer_window: timedelta = timedelta(minutes=15)
    # Providers' own calendars (see core.calendar_sync): how often they are read, how old a
    # copy may be before a booking request re-reads it, and how long a failing calendar's
    # last good copy is trusted before new bookings with that provider pause.
    calendar_sync_interval: timedelta = timedelta(minutes=5)
    calendar_max_age: timedelta = timedelta(minutes=10)
    calendar_stale_limit: timedelta = timedelta(hours=2)
    # Conversation transcripts (what customers wrote, what we answered) older than this are
    # purged by the worker; bookings and payments are kept (core.usecases.customer_data).
    transcript_retention: timedelta = timedelta(days=90)
    # Bookings must be confirmed this long before the start or they are released
    # (core.confirmations); None: no confirmation asked. A service may set its own.
    confirm_by: timedelta | None = None

@dataclass(frozen=True)
class FaqEntry:
    """A question the business answers in its own words; ``keywords`` (lowercase words or
    phrases) let the bot recognise it however the customer puts it."""

    question: str
    answer: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class BusinessInfo:
    """What a receptionist knows besides the calendar. ``owner_phone`` (E.164) is where a
    "talk to a person" request goes by SMS when no Slack channel is set: never shown."""

    address: str = ""
    phone: str = ""
    about: str = ""
    owner_phone: str = ""
    faq: tuple[FaqEntry, ...] = ()


@dataclass(frozen=True)
class Languages:
    """The languages the business speaks to customers in: ``default`` when nothing tells a
    customer's, ``offered`` what a customer may choose (empty: every language the bot has
    texts for)."""

    default: str = "en"
    offered: tuple[str, ...] = ()


@dataclass(frozen=True)
class Business:
    name: str
    tz: ZoneInfo
    currency: str
    services: tuple[Service, ...]
    providers: tuple[Provider, ...]
    rules: Rules
    policy: CancellationPolicy
    info: BusinessInfo = BusinessInfo()
    resources: tuple[Resource, ...] = ()
    languages: Languages = Languages()

    def service(self, key: str) -> Service | None:
        return self._services_by_key.get(key)

    def provider(self, key: str) -> Provider | None:
        return self._providers_by_key.get(key)

    # Built on first use and kept on the (immutable) instance: a catalogue of a thousand
    # providers was scanned several times per booking. The first entry wins, as the scan's.
    @cached_property
    def _services_by_key(self) -> dict[str, Service]:
        return {s.key: s for s in reversed(self.services)}

    @cached_property
    def _providers_by_key(self) -> dict[str, Provider]:
        return {p.key: p for p in reversed(self.providers)}

    def providers_for(self, service_key: str) -> tuple[Provider, ...]:
        return tuple(p for p in self.providers if service_key in p.services)

    def resources_of(self, kind: str) -> tuple[Resource, ...]:
        """The resources of one kind, in business-file order (the order they are picked in)."""
        return tuple(r for r in self.resources if r.kind == kind)
