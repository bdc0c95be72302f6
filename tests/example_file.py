"""The shipped ``examples/business.yaml``, and the same file with its commented-out payment
and calendar settings switched on (what an owner does once Stripe / calendars are set up).

Tests use the switched-on text, which also proves the commented keys are valid as written."""

from __future__ import annotations

import re
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "business.yaml"
_PAYMENT = re.compile(r"^(\s+)# ((?:payment|deposit): )", re.MULTILINE)
_CALENDAR_START = "    # calendar:"
_CALENDAR_LINE = re.compile(r"^    #   ")


def example_text(*, payments: bool = False, calendars: bool = False) -> str:
    text = EXAMPLE.read_text(encoding="utf-8")
    if payments:
        text = _PAYMENT.sub(r"\1\2", text)
    if calendars:
        text = _with_calendars(text)
    return text


def _with_calendars(text: str) -> str:
    out, inside = [], False
    for line in text.splitlines(keepends=True):
        if line.startswith(_CALENDAR_START):
            inside = True
        elif inside and not (_CALENDAR_LINE.match(line) or (line.startswith("      ")
                             and line.lstrip().startswith("#"))):
            inside = False
        switched = inside and (line.startswith(_CALENDAR_START) or _CALENDAR_LINE.match(line))
        out.append(line[:4] + line[6:] if switched else line)  # drop "# " at the block's indent
    return "".join(out)


def example_file(tmp: Path, *, payments: bool = False, calendars: bool = False) -> Path:
    path = tmp / "business.yaml"
    path.write_text(example_text(payments=payments, calendars=calendars), encoding="utf-8")
    return path
