"""Resources (rooms, chairs, machines): unique keys, own hours, and the kinds services require."""

from __future__ import annotations

from bookingbot.business import values
from bookingbot.business.problems import KeyPath, Problems, show
from bookingbot.business.providers import dated_exceptions, weekly_hours
from bookingbot.business.schema import ResourceIn, ServiceIn
from core.model import ALWAYS_OPEN, Resource

Numbered = list[tuple[int, ResourceIn]]


def build_resources(resources: Numbered, problems: Problems) -> list[Resource]:
    keys = {i: r.key or values.slug(r.name) for i, r in resources}
    first: dict[str, int] = {}
    built = []
    for i, res in resources:
        path: KeyPath = ("resources", i)
        key = keys[i]
        if not key:
            problems.add((*path, "name"), f"cannot make a key from {show(res.name)}; add key: "
                         "with lowercase letters and digits")
        elif key in first:
            problems.add((*path, "key" if res.key else "name"),
                         f'resource key "{key}" is already used by resources[{first[key]}]')
        else:
            first[key] = i
        weekly = ALWAYS_OPEN if res.hours is None else weekly_hours(res.hours, path, problems)
        exceptions = dated_exceptions(res.exceptions, (*path, "exceptions"), problems)
        if key:
            built.append(Resource(key=key, name=res.name, kind=res.kind, weekly=weekly,
                                  exceptions=exceptions))
    return built


def check_requires(services: list[tuple[int, ServiceIn]], kinds: set[str] | None,
                   problems: Problems) -> None:
    """Every required kind names some resource; ``kinds`` None: the section is broken."""
    for i, svc in services:
        path: KeyPath = ("services", i, "requires")
        if kinds is None:
            continue
        for j, kind in enumerate(svc.requires):
            if kind not in kinds:
                known = ", ".join(sorted(kinds)) or "none; add a resources: section"
                problems.add((*path, j), f'no resource of kind "{kind}" (kinds: {known})')
            elif kind in svc.requires[:j]:
                problems.add((*path, j), f'"{kind}" is listed twice')


def known_kinds(raw: object, valid: Numbered | None) -> set[str] | None:
    """Kinds services may require, including those of invalid entries (no echo problems)."""
    if raw is None:
        return set()
    if not isinstance(raw, list) or valid is None:
        return None
    kinds = {r.kind for _, r in valid}
    kinds.update(item["kind"] for item in raw
                 if isinstance(item, dict) and isinstance(item.get("kind"), str))
    return kinds
