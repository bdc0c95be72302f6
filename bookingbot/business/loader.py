"""Read a business file (YAML, or TOML by suffix) into a ``core.model.Business``.

Validation runs section by section and entry by entry, so one broken provider does not
hide the problems of the next: the owner sees every problem in one run.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from bookingbot.business import values
from bookingbot.business.fees import check_deadlines
from bookingbot.business.languages import build_languages, check_service_languages
from bookingbot.business.problems import BusinessFileError, Problem, Problems, show
from bookingbot.business.providers import build_providers
from bookingbot.business.report import validate
from bookingbot.business.resources import build_resources, check_requires, known_kinds
from bookingbot.business.rules import build_policy, build_rules
from bookingbot.business.salvage import Salvaged, validate_all
from bookingbot.business.schema import (
    BusinessIn,
    FaqIn,
    LanguagesIn,
    ProviderIn,
    ResourceIn,
    RulesIn,
    ServiceIn,
    TierIn,
)
from bookingbot.business.services import Numbered as NumberedServices
from bookingbot.business.services import build_services, service_keys
from bookingbot.business.yamltree import Document, read_yaml
from core.model import Business, BusinessInfo, FaqEntry, Rules

M = TypeVar("M", bound=BaseModel)
_REQUIRED = ("business", "services", "providers")
_SECTIONS = (*_REQUIRED, "resources", "rules", "cancellation_policy", "faq", "languages")
_EMPTY = "the file is empty; it needs business:, services: and providers: sections"


def load_business_file(path: Path) -> tuple[Business, str]:
    """The business described by the file at ``path``, and the file's text."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # -sig: tolerate a BOM from Windows editors
    except UnicodeDecodeError:
        raise BusinessFileError(str(path), [Problem((), None, "is not UTF-8 text")]) from None
    except OSError as exc:
        raise BusinessFileError(str(path), [Problem((), None, f"cannot read the file: "
                                                    f"{exc.strerror or exc}")]) from None
    return parse_business(text, source=str(path)), text


def parse_business(text: str, *, source: str = "<string>") -> Business:
    """Validate a business file's text; raises BusinessFileError listing every problem."""
    doc = _read(text, source)
    problems = Problems(doc.line_of)
    problems.found.extend(doc.problems)
    top = _top_level(doc.data, problems)
    # Entries that fail their schema are checked on without the failing keys (salvage.py),
    # so the checks across entries below see them too: every problem in one run.
    salvaged = Salvaged()
    business = _section(BusinessIn, top, "business", problems)
    zone, currency = (business.timezone, business.currency) if business else _parts(top)
    services = _entries(ServiceIn, top, "services", problems, salvaged)
    providers = _entries(ProviderIn, top, "providers", problems, salvaged)
    resources = _entries(ResourceIn, top, "resources", problems, salvaged, required=False)
    rules = validate_all(RulesIn, top.get("rules") or {}, ("rules",), problems, salvaged)
    tiers = _entries(TierIn, top, "cancellation_policy", problems, salvaged, required=False)
    faq = _entries(FaqIn, top, "faq", problems, salvaged, required=False)
    langs = build_languages(_section(LanguagesIn, top, "languages", problems))
    schema_stage = len(problems.found)
    check_service_languages(services or [], langs, problems)
    built_services = build_services(services or [], currency, problems, langs=langs)
    built_providers = build_providers(
        providers or [], tz=zone,
        services=_known_service_keys(top.get("services"), services), problems=problems)
    built_resources = build_resources(resources or [], problems)
    check_requires(services or [], known_kinds(top.get("resources"), resources), problems)
    policy = build_policy(tiers, problems)
    check_deadlines(services or [], rules, problems)
    problems.found[schema_stage:] = salvaged.keep(problems.found[schema_stage:], problems)
    if problems or business is None or rules is None:
        partial = None if currency is None else Business(
            name=business.name if business else "", tz=zone or ZoneInfo("UTC"),
            currency=currency, services=tuple(built_services),
            providers=tuple(built_providers), rules=Rules(), policy=policy)
        raise BusinessFileError(source, problems.found or [Problem((), None, _EMPTY)],
                                partial=partial)
    return Business(
        name=business.name, tz=business.timezone, currency=business.currency,
        services=tuple(built_services), providers=tuple(built_providers),
        rules=build_rules(rules), policy=policy, info=_info(business, faq or []),
        resources=tuple(built_resources),
        languages=langs,
    )


def _info(business: BusinessIn, faq: list[tuple[int, FaqIn]]) -> BusinessInfo:
    return BusinessInfo(
        address=business.address or "", phone=business.phone or "",
        about=business.about or "", owner_phone=business.owner_phone or "",
        faq=tuple(FaqEntry(e.q, e.a, tuple(e.keywords)) for _, e in faq))


def _parts(top: dict[str, object]) -> tuple[ZoneInfo | None, str | None]:
    """The business zone and currency that are valid, when the section as a whole is not:
    the services' amounts and the providers' hours can still be checked against them."""
    raw = top.get("business")
    if not isinstance(raw, dict):
        return None, None
    found: list[object] = []
    for key, check in (("timezone", values.zone), ("currency", values.currency)):
        try:
            found.append(check(raw.get(key)))
        except Exception:  # already reported by the section's validation
            found.append(None)
    zone, currency = found
    return (zone if isinstance(zone, ZoneInfo) else None,
            currency if isinstance(currency, str) else None)


def _read(text: str, source: str) -> Document:
    if not text.strip():
        raise BusinessFileError(source, [Problem((), 1, _EMPTY)])
    if not source.lower().endswith(".toml"):
        return read_yaml(text, source)
    try:
        # TOML keeps no positions, so its problems carry no line numbers.
        return Document(tomllib.loads(text, parse_float=Decimal))
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        line = int(found.group(1)) if found else None
        raise BusinessFileError(source, [Problem((), line, f"TOML syntax error: {exc}")]) from None


def _top_level(data: object, problems: Problems) -> dict[str, object]:
    if data is None:
        problems.add((), _EMPTY)
        return {}
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"the single value {show(data)}"
        problems.add((), "the top level should be sections like business:, services: and "
                     f"providers:, not {kind}")
        return {}
    for name in data:
        if name not in _SECTIONS:
            close = difflib.get_close_matches(name, _SECTIONS, n=1)
            hint = f'; did you mean "{close[0]}"?' if close else ""
            problems.add((name,), f'unknown section "{name}"{hint}')
    for name in _REQUIRED:
        if name not in data:
            problems.add((), f'missing required section "{name}"')
    return data


def _section(model: type[M], top: dict[str, object], name: str, problems: Problems) -> M | None:
    return validate(model, top[name], (name,), problems) if name in top else None


def _entries(model: type[M], top: dict[str, object], name: str, problems: Problems,
             salvaged: Salvaged, *, required: bool = True) -> list[tuple[int, M]] | None:
    """The valid entries of a list section with their positions; None if the section is absent."""
    raw = top.get(name)
    if name not in top or (raw is None and not required):
        return None
    if not isinstance(raw, list):
        problems.add((name,), "should be a list of entries, each starting with '- '")
        return None
    if not raw and required:
        problems.add((name,), f"list at least one entry under {name}:")
    found = [(i, validate_all(model, item, (name, i), problems, salvaged))
             for i, item in enumerate(raw)]
    return [(i, entry) for i, entry in found if entry is not None]


def _known_service_keys(raw: object, valid: NumberedServices | None) -> set[str] | None:
    """Service keys providers may name, including a best guess for invalid entries.

    Guessing keeps a typo in one service from making every provider that offers it
    report "unknown service" as well.
    """
    if not isinstance(raw, list) or valid is None:
        return None
    keys = set(service_keys(valid).values())
    for item in raw:
        if isinstance(item, dict):
            key, name = item.get("key"), item.get("name")
            if isinstance(name, dict) and name:  # per language: the key is the first's
                name = next(iter(name.values()))
            if isinstance(key, str):
                keys.add(key)
            elif isinstance(name, str):
                keys.add(values.slug(name))
    return keys
