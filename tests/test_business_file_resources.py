"""The business file's resources: section and services' requires:, and examples/clinic.yaml."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

from bookingbot.business_file import load_business_file, parse_business
from core.model import ALWAYS_OPEN, DayHours, ExceptionKind, LocalSpan
from tests.test_business_file import edit, only_problem, problems

CLINIC = Path(__file__).resolve().parents[1] / "examples" / "clinic.yaml"

WITH_ROOMS = edit("    aliases: [cut, trim]\n", "    aliases: [cut, trim]\n    requires: [chair]\n"
                  ) + "\n".join([
    "resources:",                       # 32
    "  - name: Chair 1",                # 33
    "    kind: chair",                  # 34
    "  - key: chair-2",                 # 35
    "    name: Chair 2",                # 36
    "    kind: chair",                  # 37
    "    hours:",                       # 38
    '      mon: "09:00-12:00"',         # 39
    "    exceptions:",                  # 40
    "      - date: 2026-12-24",         # 41
    "        closed: true",             # 42
]) + "\n"


def test_the_clinic_example_parses() -> None:
    business, _ = load_business_file(CLINIC)
    assert [(r.key, r.kind) for r in business.resources] == [
        ("room-1", "room"), ("room-2", "room"), ("laser", "laser")]
    room1, room2, laser = business.resources
    assert room1.weekly == ALWAYS_OPEN
    assert room2.weekly[5] == DayHours()  # Saturday left out: unavailable
    assert room2.hours_on(date(2026, 12, 24)) == (DayHours(), ())
    assert laser.weekly[3] == DayHours(spans=(LocalSpan(time(10), time(16)),),
                                       breaks=(LocalSpan(time(13), time(14)),))
    assert laser.exceptions[0].kind is ExceptionKind.TIME_OFF
    requires = {s.key: s.requires for s in business.services}
    assert requires == {"physio": ("room",), "facial": ("room",), "laser": ("room", "laser"),
                        "consult": ()}


def test_resources_and_requires_parse() -> None:
    business = parse_business(WITH_ROOMS, source="business.yaml")
    assert [r.key for r in business.resources] == ["chair-1", "chair-2"]
    assert business.service("haircut").requires == ("chair",)  # type: ignore[union-attr]
    assert business.service("beard").requires == ()  # type: ignore[union-attr]
    assert business.resources[1].weekly[0] == DayHours(spans=(LocalSpan(time(9), time(12)),))


def test_a_required_kind_without_a_resource_is_named_with_its_line() -> None:
    text = edit("    requires: [chair]", "    requires: [chair, sink]", WITH_ROOMS)
    assert only_problem(text) == ("services[0].requires[1]", 11,
                                  'no resource of kind "sink" (kinds: chair)')
    bare = edit("    aliases: [cut, trim]\n", "    aliases: [cut, trim]\n    requires: room\n")
    assert only_problem(bare) == ("services[0].requires[0]", 11,
                                  'no resource of kind "room" (kinds: none; add a resources: '
                                  "section)")


def test_resource_mistakes_are_each_reported_where_they_are() -> None:
    text = edit("  - key: chair-2", "  - key: chair-1", WITH_ROOMS)
    text = edit('      mon: "09:00-12:00"', '      mon: "9-12"', text)
    found = problems(text)
    assert ("resources[1].key", 35, 'resource key "chair-1" is already used by resources[0]'
            ) in found
    assert ("resources[1].hours.mon", 39, '"9-12" is not a time span like "09:00-17:00"'
            ) in found
    assert len(found) == 2, found
    bad_kind = edit("    kind: chair\n  - key", "    kind: Chair Big\n  - key", WITH_ROOMS)
    path, line, message = only_problem(bad_kind)
    assert (path, line) == ("resources[0].kind", 34)
    assert '"Chair Big" is not a key' in message


def test_a_class_may_require_a_room() -> None:
    text = edit("    requires: [chair]", "    requires: [chair]\n    capacity: 4", WITH_ROOMS)
    business = parse_business(text, source="business.yaml")
    (service,) = [s for s in business.services if s.requires]
    assert (service.capacity, service.requires) == (4, ("chair",))
    missing = edit("    requires: [chair]", "    requires: [studio]\n    capacity: 4",
                   WITH_ROOMS)
    assert only_problem(missing)[::2] == ("services[0].requires[0]",
                                          'no resource of kind "studio" (kinds: chair)')
