"""The README documents every business-file key of resources, with an example that parses."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bookingbot.business.schema import ResourceIn, ServiceIn
from bookingbot.business_file import parse_business

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(f"### {title}")
    return README[start:README.index("\n### ", start + 1)]


def test_every_resource_key_is_documented() -> None:
    section = _section("Resources (rooms, chairs, machines)")
    for name in ResourceIn.model_fields:
        assert re.search(rf"\b{name}:", section), name
    assert "requires" in ServiceIn.model_fields
    assert "requires:" in section
    row = next(line for line in README.splitlines() if line.startswith("| `resources` |"))
    for name in ResourceIn.model_fields:
        assert f"`{name}`" in row, name


def test_the_readme_example_parses_into_a_clinic() -> None:
    example = _section("Resources (rooms, chairs, machines)").split("```yaml\n")[1]
    doc = yaml.safe_load(example.split("```")[0])
    doc["business"] = {"name": "Clinic", "timezone": "Europe/London", "currency": "GBP"}
    doc["providers"] = [{"name": "Sam", "hours": {"mon": "09:00-17:00"}}]
    business = parse_business(yaml.safe_dump(doc), source="readme.yaml")
    assert [(r.key, r.kind) for r in business.resources] == [
        ("treatment-room-1", "room"), ("treatment-room-2", "room"), ("laser", "laser")]
    assert business.services[0].requires == ("room", "laser")
