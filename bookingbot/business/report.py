"""Turn pydantic validation errors into problems at real key paths with owner-friendly text."""

from __future__ import annotations

import difflib
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from bookingbot.business.problems import KeyPath, Problems, show
from bookingbot.business.schema import ALL_MODELS

M = TypeVar("M", bound=BaseModel)

_SIMPLE = {
    "string_type": "should be text; put it in quotes",
    "int_type": "should be a whole number",
    "int_from_float": "should be a whole number",
    "bool_type": "should be true or false",
    "list_type": "should be a list, like [a, b] or lines starting with '- '",
    "dict_type": 'should be a group of "key: value" lines',
    "model_type": 'should be a group of "key: value" lines',
    "model_attributes_type": 'should be a group of "key: value" lines',
}


def validate(model: type[M], raw: object, prefix: KeyPath, problems: Problems) -> M | None:
    """``model`` validated from ``raw`` (found at ``prefix``), or None with problems added."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            path, message = explain(error, raw)
            problems.add((*prefix, *path), message)
        return None


def explain(error: ErrorDetails, raw: object) -> tuple[KeyPath, str]:
    """The document path an error points at, and the sentence to print for it."""
    loc = tuple(error["loc"])
    path = _document_path(raw, loc)
    kind = error["type"]
    if kind == "missing":
        return path, f'missing required key "{loc[-1]}"'
    if kind == "extra_forbidden":
        return path, _unknown_key(str(loc[-1]))
    return path, _message(error)


def _message(error: ErrorDetails) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    value = error.get("input")
    if kind == "business_file":
        return str(ctx["message"])
    if kind in _SIMPLE:
        return f"{show(value)} {_SIMPLE[kind]}" if _scalar(value) else _SIMPLE[kind]
    if kind == "greater_than_equal":
        return f"{show(value)} must be at least {ctx['ge']}"
    if kind == "less_than_equal":
        return f"{show(value)} must be at most {ctx['le']}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"]  # custom discriminator messages and anything rarer


def _scalar(value: object) -> bool:
    return not isinstance(value, dict | list)


def _document_path(raw: object, loc: tuple[int | str, ...]) -> KeyPath:
    """Follow ``loc`` through the raw data, dropping pydantic's own steps.

    Pydantic adds union tags ("<span>"), "[key]" for dict keys and validator names to a
    location; only steps that exist in the document are kept. A missing key is kept
    off the path: the problem belongs to the mapping that lacks it.
    """
    path: list[str | int] = []
    node: Any = raw
    for step in loc:
        in_mapping = isinstance(node, dict) and isinstance(step, str) and step in node
        in_list = isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        if in_mapping or in_list:
            node = node[step]
            path.append(step)
    return tuple(path)


def _unknown_key(key: str) -> str:
    known = sorted({f.alias or name for model in ALL_MODELS
                    for name, f in model.model_fields.items()})
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.75)
    return f'unknown key "{key}"' + (f'; did you mean "{close[0]}"?' if close else "")
