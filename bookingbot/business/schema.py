"""The shape of a business file as pydantic models: keys, types and single values.

Checks that span several entries (unique keys, overlapping hours, deposit vs. price) live
in ``services.py`` / ``providers.py``, where the exact key path of each entry is at hand.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    StrictBool,
    StrictInt,
    Tag,
    model_validator,
)

from bookingbot.business import values
from bookingbot.business.calendar import CALENDAR_MODELS, CalendarIn
from bookingbot.business.problems import KeyPath, show
from core.intake import QuestionKind
from core.model import LocalSpan, PaymentMode, Rules


def _as_list(value: object) -> object:
    # A single item may be written without brackets: aliases: cut, time_off: "14:00-16:00".
    return [value] if isinstance(value, str) else value


def _payment(value: object) -> PaymentMode:
    choices = ", ".join(mode.value for mode in PaymentMode)
    if isinstance(value, str) and value.strip().lower() in set(PaymentMode):
        return PaymentMode(value.strip().lower())
    raise values.fail(f"{show(value)} is not a payment mode; use one of: {choices}")


def _question_kind(value: object) -> QuestionKind:
    choices = ", ".join(kind.value for kind in QuestionKind)
    if isinstance(value, str) and value.strip().lower() in set(QuestionKind):
        return QuestionKind(value.strip().lower())
    raise values.fail(f"{show(value)} is not a question kind; use one of: {choices}")


def _at_least_a_minute(step: timedelta) -> timedelta:
    if step < timedelta(minutes=1):
        raise values.fail("must be at least 1m")
    return step


Text = Annotated[str, PlainValidator(values.text)]
Key = Annotated[str, PlainValidator(values.key)]
Duration = Annotated[timedelta, PlainValidator(values.duration)]
Gap = Annotated[timedelta, PlainValidator(values.gap)]
Span = Annotated[LocalSpan, PlainValidator(values.span)]
SpanList = Annotated[list[Span], BeforeValidator(_as_list)]
Amount = Annotated[Decimal, PlainValidator(values.amount)]
Deposit = Annotated[Decimal | values.PercentOfPrice, PlainValidator(values.deposit)]
Percent = Annotated[int, PlainValidator(values.percent)]
Zone = Annotated[ZoneInfo, PlainValidator(values.zone)]
Currency = Annotated[str, PlainValidator(values.currency)]
IsoDate = Annotated[date, PlainValidator(values.iso_date)]
DayName = Annotated[str, PlainValidator(values.day_name)]
SlackUser = Annotated[str, PlainValidator(values.slack_user)]
Payment = Annotated[PaymentMode, PlainValidator(_payment)]
ClassTimes = Annotated[tuple[tuple[int, time], ...], PlainValidator(values.class_times)]
LanguageCode = Annotated[str, PlainValidator(values.language)]
# A name or aliases for every language, or per language (bookingbot.business.languages).
LocalText = Annotated[str | dict[str, str], PlainValidator(values.local_text)]
LocalWords = Annotated[list[str] | dict[str, list[str]], PlainValidator(values.local_words)]


class _Model(BaseModel):
    # extra="forbid": a misspelt key is an error, never a silently ignored setting.
    model_config = ConfigDict(extra="forbid", frozen=True)


Phone = Annotated[str, PlainValidator(values.phone)]
Keyword = Annotated[str, PlainValidator(values.keyword)]


class BusinessIn(_Model):
    name: Text
    timezone: Zone
    currency: Currency
    # What the bot answers "where are you?", "what's your number?", "tell me about you" with.
    address: Text | None = None
    phone: Phone | None = None
    about: Text | None = None
    owner_phone: Phone | None = None  # "talk to a person" by SMS when Slack is not set up


class FaqIn(_Model):
    """One question the business answers itself: q, a, and optional keywords."""

    q: Text
    a: Text
    keywords: Annotated[list[Keyword], BeforeValidator(_as_list)] = Field(default_factory=list)


class QuestionIn(_Model):
    """One intake question (bookingbot.business.intake checks it against the languages)."""

    key: Key
    text: LocalText  # one text, or one per language like a service's name
    kind: Annotated[QuestionKind, PlainValidator(_question_kind)] = QuestionKind.TEXT
    required: StrictBool = True
    options: LocalWords | None = None  # a choice's answers: a list, or lists per language


class ServiceIn(_Model):
    key: Key | None = None
    name: LocalText
    duration: Duration
    price: Amount
    payment: Payment = PaymentMode.NONE
    deposit: Deposit | None = None
    buffer_before: Gap = timedelta(0)
    buffer_after: Gap = timedelta(0)
    aliases: LocalWords = Field(default_factory=list)
    # A class: seats per session, seats one booking may take, weekly starts ("mon,wed 18:00").
    capacity: Annotated[StrictInt, Field(ge=1, le=10_000)] | None = None
    max_seats: Annotated[StrictInt, Field(ge=1)] | None = None
    timetable: Annotated[list[ClassTimes], BeforeValidator(_as_list)] = Field(
        default_factory=list)
    # Resource kinds needed besides the provider, one resource of each: [room], [room, laser].
    requires: Annotated[list[Key], BeforeValidator(_as_list)] = Field(default_factory=list)
    # No-show protection (core.fees): the card kept at booking, the fees charged from it.
    card_on_file: StrictBool = False
    no_show_fee: Deposit | None = None  # an amount (15.00) or a share of the price ("50%")
    late_cancel_fee: Deposit | None = None
    late_cancel_window: Duration | None = None  # cancelling later than this before: late
    confirm_by: Duration | None = None  # must be confirmed this long before (else released)
    # Intake questions asked after the time is chosen (bookingbot.business.intake).
    questions: list[QuestionIn] = Field(default_factory=list)

    @property
    def first_name(self) -> str:
        """The name as written first (the key is made from it when none is given)."""
        return self.name if isinstance(self.name, str) else next(iter(self.name.values()))

    def name_in(self, lang: str) -> str:
        return self.name if isinstance(self.name, str) else self.name.get(lang, self.first_name)

    def spoken_names(self) -> list[tuple[str, str, KeyPath]]:
        """Every name and alias a customer may type: (what, word, where under the entry)."""
        names = ([("name", self.name, ("name",))] if isinstance(self.name, str) else
                 [("name", n, ("name", code)) for code, n in self.name.items()])
        aliases = ([("alias", a, ("aliases", j)) for j, a in enumerate(self.aliases)]
                   if isinstance(self.aliases, list) else
                   [("alias", a, ("aliases", code, j)) for code, words in self.aliases.items()
                    for j, a in enumerate(words)])
        return [*names, *aliases]

    def all_aliases(self) -> tuple[str, ...]:
        if isinstance(self.aliases, list):
            return tuple(self.aliases)
        return tuple(dict.fromkeys(a for words in self.aliases.values() for a in words))


class OpenHoursIn(_Model):
    open: Span
    breaks: SpanList = Field(default_factory=list)


class Closed:
    """Marker for a closed day: "closed", "off", an empty value or an empty list."""


def _closed(_: object) -> Closed:
    return Closed()


def _day_shape(value: object) -> str | None:
    if value is None or value is False or value == []:
        return "<closed>"
    if isinstance(value, str):
        return "<closed>" if value.strip().lower() in ("closed", "off") else "<span>"
    if isinstance(value, list):
        return "<spans>"
    if isinstance(value, dict):
        return "<open>"
    return None


# Tags are in angle brackets so they never collide with a real key when we map an
# error location back onto the document.
DayIn = Annotated[
    Annotated[Closed, PlainValidator(_closed), Tag("<closed>")]
    | Annotated[Span, Tag("<span>")]
    | Annotated[list[Span], Tag("<spans>")]
    | Annotated[OpenHoursIn, Tag("<open>")],
    Discriminator(
        _day_shape,
        custom_error_type="business_file_day",
        custom_error_message='should be "closed", a span like "09:00-17:00", a list of spans, '
                             "or open: and breaks:",
    ),
]


def _one_entry_per_day(hours: dict[str, Any]) -> dict[str, Any]:
    seen: dict[int, str] = {}
    for name in hours:
        index = values.day_index(name)
        if index is not None and index in seen:
            raise values.fail(f'"{seen[index]}" and "{name}" name the same day')
        if index is not None:
            seen[index] = name
    return hours


class ExceptionIn(_Model):
    day: IsoDate = Field(alias="date")
    closed: StrictBool = False
    hours: DayIn | None = None
    time_off: SpanList | None = None
    note: Annotated[str, PlainValidator(values.text)] = ""

    @model_validator(mode="after")
    def _exactly_one_kind(self) -> ExceptionIn:
        given = [self.closed, self.hours is not None, self.time_off is not None]
        if sum(given) != 1:
            raise values.fail("give exactly one of closed: true, hours or time_off")
        return self


class ProviderIn(_Model):
    key: Key | None = None
    name: Text
    timezone: Zone | None = None  # None: the business zone
    slack_user: SlackUser | None = None
    services: Annotated[list[Key], BeforeValidator(_as_list)] | None = None  # None: all
    hours: Annotated[dict[DayName, DayIn], AfterValidator(_one_entry_per_day)]
    exceptions: list[ExceptionIn] = Field(default_factory=list)
    calendar: CalendarIn | None = None  # the provider's own calendar (bookingbot.business.calendar)


class ResourceIn(_Model):
    """A room, chair or machine; ``hours`` in the business zone (left out: always open, so
    only the providers' hours apply)."""

    key: Key | None = None
    name: Text
    kind: Key
    hours: Annotated[dict[DayName, DayIn], AfterValidator(_one_entry_per_day)] | None = None
    exceptions: list[ExceptionIn] = Field(default_factory=list)


def _at_least_a_day(span: timedelta) -> timedelta:
    if span < timedelta(days=1):
        raise values.fail("must be at least 1d")
    return span


class RulesIn(_Model):
    # None everywhere: an absent rule keeps the default from core.model.Rules.
    slot_step: Annotated[Duration, AfterValidator(_at_least_a_minute)] | None = None
    min_notice: Gap | None = None
    max_days_ahead: Annotated[StrictInt, Field(ge=1, le=730)] | None = None
    max_per_day: Annotated[StrictInt, Field(ge=1)] | None = None
    hold: Duration | None = None
    reminders: Annotated[list[Duration], BeforeValidator(_as_list)] | None = None
    waitlist_offer_window: Duration | None = None
    calendar_sync_interval: Annotated[Duration, AfterValidator(_at_least_a_minute)] | None = None
    calendar_max_age: Duration | None = None
    calendar_stale_limit: Duration | None = None
    # e.g. "90d" (the default); at least a day, so a chat in progress is never purged.
    transcript_retention: Annotated[Duration, AfterValidator(_at_least_a_day)] | None = None
    # Every booking must be confirmed this long before its start (a service may override).
    confirm_by: Duration | None = None

    @model_validator(mode="after")
    def _calendar_limits_in_order(self) -> RulesIn:
        default = Rules()
        interval = self.calendar_sync_interval or default.calendar_sync_interval
        max_age = self.calendar_max_age or default.calendar_max_age
        limit = self.calendar_stale_limit or default.calendar_stale_limit
        if limit <= interval:
            raise values.fail(f"calendar_stale_limit ({_show(limit)}) must be longer than "
                              f"calendar_sync_interval ({_show(interval)}), or a healthy "
                              "calendar would pause bookings between two reads")
        if max_age > limit:
            raise values.fail(f"calendar_max_age ({_show(max_age)}) must not be longer than "
                              f"calendar_stale_limit ({_show(limit)})")
        return self


def _show(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    return f"{minutes // 60}h{minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"


class LanguagesIn(_Model):
    """The ``languages:`` section (bookingbot.business.languages builds it)."""

    default: LanguageCode | None = None
    offered: list[LanguageCode] | None = None

    @model_validator(mode="after")
    def _default_is_offered(self) -> LanguagesIn:
        if self.offered is not None and not self.offered:
            raise values.fail("offered: list at least one language")
        if (self.default is not None and self.offered is not None
                and self.default not in self.offered):
            raise values.fail(f'the default language "{self.default}" is not in offered: '
                              f"({', '.join(self.offered)}); add it there")
        return self


class TierIn(_Model):
    before: Gap
    refund: Percent


ALL_MODELS: tuple[type[BaseModel], ...] = (
    BusinessIn, ServiceIn, QuestionIn, OpenHoursIn, ExceptionIn, ProviderIn, RulesIn, TierIn,
    ResourceIn, LanguagesIn,
    *CALENDAR_MODELS,
)
