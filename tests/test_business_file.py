"""The business file: the example and demo parse; every broken document says where and why."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bookingbot.business import values
from bookingbot.business.problems import format_path
from bookingbot.business_file import BusinessFileError, load_business_file, parse_business
from core.model import DayHours, ExceptionKind, LocalSpan, PaymentMode, Rules
from core.money import Money
from core.policy import DEFAULT_POLICY
from tests.example_file import example_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "business.yaml"
DEMO = ROOT / "bookingbot" / "demo" / "demo_business.yaml"

# A small valid file; error cases below edit one line and expect the line numbers shown.
BASE = "\n".join([
    "business:",                                                # 1
    "  name: Sharp Cuts",                                       # 2
    "  timezone: America/New_York",                             # 3
    "  currency: USD",                                          # 4
    "services:",                                                # 5
    "  - key: haircut",                                         # 6
    "    name: Haircut",                                        # 7
    "    duration: 30m",                                        # 8
    "    price: 35.00",                                         # 9
    "    aliases: [cut, trim]",                                 # 10
    "  - key: beard",                                           # 11
    "    name: Beard Trim",                                     # 12
    "    duration: 20m",                                        # 13
    "    price: 20",                                            # 14
    "providers:",                                               # 15
    "  - key: alex",                                            # 16
    "    name: Alex",                                           # 17
    "    services: [haircut, beard]",                           # 18
    "    hours:",                                               # 19
    '      mon: ["09:00-12:30", "13:15-18:00"]',                # 20
    '      tue: {open: "09:00-18:00", breaks: ["12:30-13:15"]}',  # 21
    "    exceptions:",                                          # 22
    "      - date: 2026-12-25",                                 # 23
    "        closed: true",                                     # 24
    "rules:",                                                   # 25
    "  slot_step: 15m",                                         # 26
    "  max_days_ahead: 60",                                     # 27
    "cancellation_policy:",                                     # 28
    "  - {before: 24h, refund: 100%}",                          # 29
    "  - {before: 0h, refund: 0%}",                             # 30
]) + "\n"


def edit(old: str, new: str, text: str = BASE) -> str:
    assert text.count(old) == 1, f"{old!r} must occur exactly once"
    return text.replace(old, new)


def problems(text: str) -> list[tuple[str, int | None, str]]:
    with pytest.raises(BusinessFileError) as caught:
        parse_business(text, source="business.yaml")
    return [(format_path(p.path), p.line, p.message) for p in caught.value.problems]


def only_problem(text: str) -> tuple[str, int | None, str]:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


# --- valid files ---------------------------------------------------------------------------

def test_example_parses_into_the_expected_business() -> None:
    business = parse_business(example_text(payments=True), source="business.yaml")
    assert (business.name, business.tz, business.currency) == (
        "Sharp Cuts", ZoneInfo("America/New_York"), "USD")
    assert [s.key for s in business.services] == ["haircut", "beard-trim", "color"]

    haircut = business.service("haircut")
    assert haircut is not None
    assert haircut.duration == timedelta(minutes=30)
    assert haircut.price == Money(3500, "USD")
    assert haircut.payment is PaymentMode.DEPOSIT
    assert haircut.deposit == Money(1000, "USD")
    assert haircut.amount_due_upfront == Money(1000, "USD")
    assert (haircut.buffer_before, haircut.buffer_after) == (timedelta(0), timedelta(minutes=10))
    assert haircut.aliases == ("cut", "trim", "hair cut")
    color = business.service("color")
    assert color is not None
    assert color.duration == timedelta(hours=1, minutes=30)
    assert color.amount_due_upfront == Money(12000, "USD")


def test_the_shipped_example_needs_no_accounts() -> None:
    """As shipped it takes no money and reads no calendar, so setup and booking work with
    no environment at all; both are documented in it as comments to switch on."""
    business, raw = load_business_file(EXAMPLE)
    assert raw == EXAMPLE.read_text(encoding="utf-8")
    assert all(s.payment is PaymentMode.NONE for s in business.services)
    assert all(p.calendar is None for p in business.providers)
    assert "# payment: deposit" in raw
    assert "#   ics_url_env: ALEX_ICS_URL" in raw


def test_example_providers_hours_and_exceptions() -> None:
    business, _ = load_business_file(EXAMPLE)
    alex, sam = business.providers
    assert alex.slack_user_id == "U0123ABC"
    assert alex.services == frozenset({"haircut", "beard-trim"})
    span = LocalSpan
    assert alex.weekly[0] == DayHours(spans=(span(time(9), time(12, 30)),
                                             span(time(13, 15), time(18))))
    assert alex.weekly[1] == DayHours(spans=(span(time(9), time(18)),),
                                      breaks=(span(time(12, 30), time(13, 15)),))
    assert alex.weekly[3] == DayHours(spans=(span(time(12), time(20)),))  # "Thursday"
    assert alex.weekly[6].closed
    christmas, eve, block = alex.exceptions
    assert (christmas.day, christmas.kind, christmas.note) == (
        date(2026, 12, 25), ExceptionKind.CLOSED, "Christmas")
    assert eve.kind is ExceptionKind.HOURS
    assert eve.hours == DayHours(spans=(span(time(9), time(13)),))
    assert block.blocked == (span(time(14), time(16)),)
    assert alex.hours_on(date(2026, 12, 25)) == (DayHours(), ())

    assert sam.tz == ZoneInfo("America/Chicago")
    assert sam.weekly[0].closed
    assert sam.weekly[5] == DayHours(spans=(span(time(9), time(0)),))  # "24:00" ends the day


def test_example_rules_and_policy() -> None:
    business, _ = load_business_file(EXAMPLE)
    assert business.rules == Rules(
        slot_step=timedelta(minutes=15), min_notice=timedelta(hours=2), max_days_ahead=60,
        max_per_day=12, hold_duration=timedelta(minutes=10),
        reminders=(timedelta(hours=24), timedelta(hours=1)),
        waitlist_offer_window=timedelta(minutes=15),
    )
    assert [(t.min_notice, t.refund_percent) for t in business.policy.tiers] == [
        (timedelta(hours=24), 100), (timedelta(hours=2), 50), (timedelta(0), 0)]


def test_demo_business_parses() -> None:
    business, _ = load_business_file(DEMO)
    assert business.name == "Demo Barbers"
    assert business.tz == ZoneInfo("America/New_York")
    assert len(business.providers) == 2
    assert len(business.services) == 3
    assert all(s.payment is PaymentMode.NONE for s in business.services)
    assert all(p.tz == business.tz for p in business.providers)


def test_base_document_is_valid() -> None:
    business = parse_business(BASE)
    assert business.providers[0].services == frozenset({"haircut", "beard"})


def test_defaults_when_optional_keys_are_left_out() -> None:
    text = BASE.split("rules:")[0]
    text = edit("    services: [haircut, beard]\n", "", text)
    text = edit("  - key: beard\n    name: Beard Trim", "  - name: Beard Trim", text)
    business = parse_business(text)
    assert business.rules == Rules()
    assert business.policy == DEFAULT_POLICY
    assert [s.key for s in business.services] == ["haircut", "beard-trim"]
    provider = business.providers[0]
    assert provider.services == frozenset({"haircut", "beard-trim"})  # all services
    assert provider.tz == ZoneInfo("America/New_York")  # the business zone
    assert provider.slack_user_id is None
    assert business.services[1].deposit == Money(0, "USD")


def test_empty_policy_means_no_refunds() -> None:
    text = BASE.split("cancellation_policy:")[0] + "cancellation_policy: []\n"
    assert parse_business(text).policy.tiers == ()


def test_day_names_closed_forms_and_yaml_booleans() -> None:
    text = edit("      mon:", "      MONDAY:")
    text = edit("      tue:", "      tues:", text)
    text = edit("    exceptions:", "      wed: closed\n      thursday: off\n      fri: []\n"
                "      sat:\n    exceptions:", text)
    weekly = parse_business(text).providers[0].weekly
    assert not weekly[0].closed
    assert not weekly[1].closed
    assert all(day.closed for day in weekly[2:])


def test_exception_forms() -> None:
    text = edit("        closed: true", '        hours: {open: "10:00-16:00", breaks: '
                '["12:00-12:30"]}\n      - date: "2026-12-26"\n        time_off: "09:00-10:00"\n'
                "      - date: 2026-12-26\n        time_off: [\"11:00-12:00\", \"15:00-16:00\"]")
    hours, block1, block2 = parse_business(text).providers[0].exceptions
    assert hours.hours.breaks == (LocalSpan(time(12), time(12, 30)),)
    assert block1.kind is block2.kind is ExceptionKind.TIME_OFF
    assert len(block2.blocked) == 2


def test_toml_business_file(tmp_path: Path) -> None:
    path = tmp_path / "business.toml"
    path.write_text(
        '[business]\nname = "T"\ntimezone = "Asia/Kolkata"\ncurrency = "INR"\n\n'
        '[[services]]\nname = "Massage"\nduration = "1h"\nprice = 1500.50\n\n'
        '[[providers]]\nname = "Priya"\n[providers.hours]\nmon = "10:00-18:00"\n'
        '[[providers.exceptions]]\ndate = 2026-01-26\nclosed = true\n',
        encoding="utf-8")
    business, _ = load_business_file(path)
    assert business.services[0].price == Money(150050, "INR")
    assert business.providers[0].key == "priya"
    assert business.providers[0].exceptions[0].day == date(2026, 1, 26)

    path.write_text('[business]\nname = "T"\nnmae = 1\n', encoding="utf-8")
    with pytest.raises(BusinessFileError) as caught:
        load_business_file(path)
    assert f"{path}: business.nmae: unknown key" in str(caught.value)  # no line in TOML


# --- broken files: path, line and message -----------------------------------------------

ERROR_CASES = [
    pytest.param("  name: Sharp Cuts", "  title: Sharp Cuts",
                 [("business", 1, 'missing required key "name"'),
                  ("business.title", 2, 'unknown key "title"')], id="missing-and-unknown-key"),
    pytest.param("    price: 20", "    prize: 20",
                 [("services[1]", 11, 'missing required key "price"'),
                  ("services[1].prize", 14, 'unknown key "prize"; did you mean "price"?')],
                 id="typo-in-key"),
    pytest.param("America/New_York", "America/NewYork",
                 [("business.timezone", 3, '"America/NewYork" is not a time zone name; '
                   'did you mean "America/New_York"?')], id="time-zone"),
    pytest.param("currency: USD", "currency: US$",
                 [("business.currency", 4, '"US$" is not a currency code; use 3 letters like '
                   '"USD" or "EUR"')], id="currency"),
    pytest.param("duration: 30m", "duration: 30",
                 [("services[0].duration", 8, '30 needs a unit, like "30m" or "30h"')],
                 id="duration-without-unit"),
    pytest.param("duration: 20m", "duration: 0m",
                 [("services[1].duration", 13, "must be longer than 0")], id="zero-duration"),
    pytest.param("duration: 20m", "duration: 169h",  # MAX_BLOCK is 7 days (168 h)
                 [("services[1].duration", 13, "a service may last at most 7 days, buffers "
                   "included")], id="longer-than-a-booking-may-be"),
    pytest.param("price: 35.00", "price: 35.001",
                 [("services[0].price", 9, "35.001 has more decimals than USD allows")],
                 id="money-decimals"),
    pytest.param("price: 20", "price: twenty",
                 [("services[1].price", 14, '"twenty" is not an amount like 35 or 35.00 (write '
                   "the number only; the currency is business.currency)")], id="money-text"),
    pytest.param('"13:15-18:00"', '"13:15-6pm"',
                 [("providers[0].hours.mon[1]", 20,
                   '"13:15-6pm" is not a time span like "09:00-17:00"')], id="span-format"),
    pytest.param('"13:15-18:00"', '"18:00-13:15"',
                 [("providers[0].hours.mon[1]", 20, '"18:00-13:15" ends before it starts; a '
                   "span cannot cross midnight, so split it over two days")], id="span-reversed"),
    pytest.param('"13:15-18:00"', '"12:00-18:00"',
                 [("providers[0].hours.mon[1]", 20, '"12:00-18:00" overlaps "09:00-12:30"')],
                 id="span-overlap"),
    pytest.param('breaks: ["12:30-13:15"]', 'breaks: ["18:30-19:00"]',
                 [("providers[0].hours.tue.breaks[0]", 21,
                   'break "18:30-19:00" is outside the opening hours "09:00-18:00"')],
                 id="break-outside-hours"),
    pytest.param("      tue:", "      tus:",
                 [("providers[0].hours.tus", 21, '"tus" is not a day; use mon, tue, wed, thu, '
                   "fri, sat, sun or the full names")], id="day-name"),
    pytest.param("      tue:", "      monday:",
                 [("providers[0].hours", 19, '"mon" and "monday" name the same day')],
                 id="day-twice"),
    pytest.param('mon: ["09:00-12:30", "13:15-18:00"]', "mon: 9",
                 [("providers[0].hours.mon", 20, 'should be "closed", a span like "09:00-17:00", '
                   "a list of spans, or open: and breaks:")], id="day-shape"),
    pytest.param("[haircut, beard]", "[haircut, nails]",
                 [("providers[0].services[1]", 18,
                   'unknown service "nails" (services: beard, haircut)')], id="unknown-service"),
    pytest.param("  - key: beard", "  - key: haircut",
                 [("services[1].key", 11, 'service key "haircut" is already used by services[0]'),
                  ("providers[0].services[1]", 18, 'unknown service "beard" (services: haircut)')],
                 id="duplicate-service-key"),
    pytest.param("[cut, trim]", "[cut, beard  TRIM]",
                 [("services[1].name", 12, 'name "Beard Trim" is already the alias of services[0]'
                   "; a customer typing it would be ambiguous")], id="alias-clash"),
    pytest.param("    aliases: [cut, trim]", "    payment: deposit",
                 [("services[0]", 6, 'payment is "deposit" but no deposit: is given')],
                 id="deposit-missing"),
    pytest.param("    aliases: [cut, trim]", "    payment: deposit\n    deposit: 50",
                 [("services[0].deposit", 11, "50 is more than the price 35.00")],
                 id="deposit-above-price"),
    pytest.param("    aliases: [cut, trim]", "    deposit: 5",
                 [("services[0].deposit", 10, 'is only used with payment: deposit '
                   '(payment is "none")')], id="deposit-without-payment-mode"),
    pytest.param("    aliases: [cut, trim]", "    payment: cash",
                 [("services[0].payment", 10,
                   '"cash" is not a payment mode; use one of: none, deposit, prepay')],
                 id="payment-mode"),
    pytest.param("refund: 100%", "refund: 120%",
                 [("cancellation_policy[0].refund", 29, '"120%" must be between 0% and 100%')],
                 id="percent-range"),
    pytest.param("before: 0h", "before: 1d",
                 [("cancellation_policy[1].before", 30, "the same notice as "
                   "cancellation_policy[0]; each tier needs its own")], id="policy-tiers"),
    pytest.param("slot_step: 15m", "slot_step: 30s",
                 [("rules.slot_step", 26, "must be at least 1m")], id="slot-step"),
    pytest.param("max_days_ahead: 60", "max_days_ahead: 1000",
                 [("rules.max_days_ahead", 27, "1000 must be at most 730")], id="days-ahead"),
    pytest.param("max_days_ahead: 60", "max_days_ahead: 6.5",
                 [("rules.max_days_ahead", 27, "6.5 should be a whole number")],
                 id="days-ahead-type"),
    pytest.param("        closed: true", "        note: hi",
                 [("providers[0].exceptions[0]", 23,
                   "give exactly one of closed: true, hours or time_off")],
                 id="exception-kind"),
    pytest.param("2026-12-25", "2026-02-30",
                 [("providers[0].exceptions[0].date", 23,
                   '"2026-02-30" is not a date like 2026-12-25')], id="exception-date"),
    pytest.param("        closed: true", "        closed: true\n      - date: 2026-12-25\n"
                 '        hours: "10:00-12:00"',
                 [("providers[0].exceptions[1].date", 25,
                   "2026-12-25 already has an entry at exceptions[0]; keep one")],
                 id="exception-twice"),
    pytest.param("    name: Alex", "    name: 42",
                 [("providers[0].name", 17, "42 should be text; put it in quotes")],
                 id="text-type"),
    pytest.param("    name: Alex", "    name: Alex\n    slack_user: alex",
                 [("providers[0].slack_user", 18, '"alex" is not a Slack user id like U0123ABC')],
                 id="slack-user"),
    pytest.param("  currency: USD", "  name: Again",
                 [("business", 1, 'missing required key "currency"'),
                  ("business.name", 4, 'duplicate key "name" (first written on line 2)')],
                 id="duplicate-yaml-key"),
    pytest.param("rules:", "rulez:",
                 [("rulez", 25, 'unknown section "rulez"; did you mean "rules"?')],
                 id="unknown-section"),
    pytest.param("providers:\n", "providers: []\n",
                 [("providers", 15, "list at least one entry under providers:")],
                 id="no-providers"),
]


@pytest.mark.parametrize(("old", "new", "expected"), ERROR_CASES)
def test_broken_document_reports_path_line_and_message(
        old: str, new: str, expected: list[tuple[str, int, str]]) -> None:
    text = edit(old, new)
    if new == "providers: []\n":  # drop the provider entry that followed the header
        text = text.split("providers: []\n")[0] + "providers: []\n" + "rules:" + \
            text.split("\nrules:")[1]
        expected = [(p, 15, m) for p, _, m in expected]
    assert problems(text) == expected


def test_all_problems_are_reported_together_in_file_order() -> None:
    text = edit("America/New_York", "Mars/Olympus")
    text = edit("duration: 30m", "duration: 30", text)
    text = edit('"13:15-18:00"', '"9-17:00"', text)
    text = edit("[haircut, beard]", "[haircut, nails]", text)
    text = edit("refund: 0%", "refund: 0", text)
    with pytest.raises(BusinessFileError) as caught:
        parse_business(text, source="business.yaml")
    assert str(caught.value).splitlines() == [
        'business.yaml:3: business.timezone: "Mars/Olympus" is not a time zone name like '
        '"America/New_York"',
        'business.yaml:8: services[0].duration: 30 needs a unit, like "30m" or "30h"',
        # found although providers[0] fails its schema too: one run, not two
        'business.yaml:18: providers[0].services[1]: unknown service "nails" (services: '
        'beard, haircut)',
        'business.yaml:20: providers[0].hours.mon[1]: "9-17:00" is not a time span like '
        '"09:00-17:00"',
        'business.yaml:30: cancellation_policy[1].refund: 0 is not a percentage; write it with '
        'a % sign, like "0%"',
    ]


def test_cross_checks_run_beside_shape_errors_in_other_entries() -> None:
    text = edit("duration: 20m", "duration: soon")  # services[1] is broken ...
    text = edit("[haircut, beard]", "[haircut, beard, nails]", text)  # ... yet known by key
    assert problems(text) == [
        ("services[1].duration", 13, '"soon" is not a duration like 30m, 1h or 1h30m'),
        ("providers[0].services[2]", 18, 'unknown service "nails" (services: beard, haircut)'),
    ]


@pytest.mark.parametrize(("text", "line", "message"), [
    ("", 1, "the file is empty; it needs business:, services: and providers: sections"),
    ("# only a comment\n", 1, "the file is empty; it needs business:, services: and "
     "providers: sections"),
    ("- business\n", 1, "the top level should be sections like business:, services: and "
     "providers:, not a list"),
    ("hello\n", 1, "the top level should be sections like business:, services: and "
     'providers:, not the single value "hello"'),
    ("business:\n  name: [x\n", 3, "YAML syntax error: expected ',' or ']', but got "
     "'<stream end>' (while parsing a flow sequence)"),
])
def test_unusable_documents_give_one_clear_error(text: str, line: int, message: str) -> None:
    assert problems(text) == [("", line, message)]


def test_tabs_get_a_hint() -> None:
    (_, line, message), = problems("business:\n\tname: x\n")
    assert line == 2
    assert message.endswith("indent with spaces, not tabs")


def test_missing_file_is_a_business_file_error(tmp_path: Path) -> None:
    with pytest.raises(BusinessFileError, match="cannot read the file"):
        load_business_file(tmp_path / "nope.yaml")


# --- single values --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("30m", timedelta(minutes=30)), ("1h30m", timedelta(minutes=90)), ("90s", timedelta(90)
                                                                       / 86400),
    ("2d", timedelta(days=2)), ("1 hour", timedelta(hours=1)),
    ("45 minutes", timedelta(minutes=45)), (" 1H ", timedelta(hours=1)),
])
def test_durations(text: str, expected: timedelta) -> None:
    assert values.duration(text) == expected


@pytest.mark.parametrize("bad", ["", "1.5h", "-5m", "soon", "1h30", True, None, [1]])
def test_bad_durations(bad: object) -> None:
    with pytest.raises(ValueError, match=r"duration|unit"):
        values.duration(bad)


def test_zero_is_a_gap_but_not_a_duration() -> None:
    assert values.gap("0m") == values.gap(0) == values.gap("0") == timedelta(0)
    with pytest.raises(ValueError, match="longer than 0"):
        values.duration("0h")


@pytest.mark.parametrize(("text", "expected"), [
    ("0%", 0), ("50%", 50), ("100%", 100), (" 20 % ", 20), ("12.0%", 12),
])
def test_percentages(text: str, expected: int) -> None:
    assert values.percent(text) == expected


@pytest.mark.parametrize(("bad", "why"), [
    ("101%", "between 0% and 100%"), ("-1%", "between"), ("12.5%", "whole percentage"),
    ("50", "% sign"), (50, "% sign"), ("x%", "not a percentage"),
])
def test_bad_percentages(bad: object, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        values.percent(bad)


def test_spans_and_the_end_of_the_day() -> None:
    assert values.span("09:00-24:00") == LocalSpan(time(9), time(0))
    assert values.span("00:00-24:00") == LocalSpan(time(0), time(0))
    assert values.span("9:05 - 17:00") == LocalSpan(time(9, 5), time(17))
    for bad, why in [("09:00-00:00", '"24:00"'), ("24:00-24:00", "impossible"),
                     ("09:60-10:00", "impossible"), ("10:00-10:00", "ends before"),
                     ("9-17", "not a time span")]:
        with pytest.raises(ValueError, match=why):
            values.span(bad)


def _priced(price: str, *, currency: str = "USD", extra: str = "") -> str:
    text = edit("currency: USD", f"currency: {currency}")
    return edit("    price: 35.00", f"    price: {price}{extra}", text)


@pytest.mark.parametrize(("price", "currency", "minor"), [
    ("35", "USD", 3500), ("0.1", "USD", 10), ("19.99", "USD", 1999), ('"12.50"', "EUR", 1250),
    ("3500", "JPY", 3500), ("1.234", "KWD", 1234), ("1_000.5", "USD", 100050), ("0", "USD", 0),
])
def test_prices_are_exact(price: str, currency: str, minor: int) -> None:
    assert parse_business(_priced(price, currency=currency)).services[0].price.amount_minor \
        == minor


@pytest.mark.parametrize(("price", "currency", "message"), [
    ("35.5", "JPY", "35.5 has more decimals than JPY allows"),
    ("0.001", "USD", "0.001 has more decimals than USD allows"),
    ("-1", "USD", "-1 must not be negative"),
    ('"$35"', "USD", '"$35" is not an amount'),
    ("true", "USD", "true is not an amount"),
    (".nan", "USD", '".nan" is not an amount'),
])
def test_bad_prices(price: str, currency: str, message: str) -> None:
    (path, line, found), = problems(_priced(price, currency=currency))
    assert (path, line) == ("services[0].price", 9)
    assert found.startswith(message)


def test_percentage_deposit_rounds_half_up_to_the_cent() -> None:
    text = _priced("35.55", extra="\n    payment: deposit\n    deposit: 33%")
    service = parse_business(text).services[0]
    assert service.deposit == Money(1173, "USD")  # 11.7315 -> 11.73
    text = _priced("35.00", extra="\n    payment: deposit\n    deposit: 50%")
    assert parse_business(text).services[0].deposit == Money(1750, "USD")


def test_yaml_base_sixty_numbers_stay_as_written() -> None:
    (path, line, message), = problems(edit("duration: 30m", "duration: 1:30"))
    assert (path, line) == ("services[0].duration", 8)
    assert message == '"1:30" is not a duration like 30m, 1h or 1h30m'


def test_floats_never_round_through_binary() -> None:
    assert values.amount(Decimal("0.1")) == Decimal("0.1")
    assert values.deposit("20%") == values.PercentOfPrice(20)


def test_example_has_the_receptionist_facts() -> None:
    info = parse_business(example_text()).info
    assert info.address.startswith("12 Main St")
    assert info.phone == "+12125550100"  # normalised to E.164
    assert "since 1999" in info.about
    assert info.owner_phone == ""  # commented out in the example
    assert [e.question for e in info.faq] == ["Do you have parking?", "Can I bring my kids?"]
    assert info.faq[0].keywords == ("parking", "park", "car")


def test_receptionist_facts_problems_are_reported_with_line_and_path() -> None:
    text = edit('phone: "+1 212 555 0100"', 'phone: "555-0100"', example_text())
    text = edit('  # owner_phone: "+1 212 555 0199"', '  owner_phone: 12', text)
    text = edit("    a: Free parking behind the shop; enter from Elm St.\n", "", text)
    text = edit("    keywords: [kids, children, child]", "    keywords: [kids, 3]\n    when: x",
                text)
    found = problems(text)
    paths = [(path, message.split(";")[0]) for path, _, message in found]
    assert ("business.phone", '"555-0100" is not a phone number') in paths
    assert ("business.owner_phone", '"12" is not a phone number') in paths
    assert any(p == "faq[0]" and "a" in m for p, m in paths)
    assert ("faq[1].keywords[1]", "3 should be text") in paths
    assert any(p == "faq[1].when" for p, _ in paths)
    lines = {path: line for path, line, _ in found}
    text_lines = text.splitlines()
    assert "phone:" in text_lines[lines["business.phone"] - 1]
    assert "keywords" in text_lines[lines["faq[1].keywords[1]"] - 1]


def test_a_business_without_the_facts_still_loads() -> None:
    text = example_text()
    for line in text.splitlines(keepends=True):
        if line.startswith(("  address:", "  phone:", "  about:")):
            text = text.replace(line, "")
    text = text.split("\nfaq:")[0] + "\n"
    info = parse_business(text).info
    assert (info.address, info.phone, info.faq) == ("", "", ())
