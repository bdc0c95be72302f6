"""Core value objects <-> JSON, driven by their type hints, so the round trip is lossless.

Encoding: datetime/date/time as ISO text, timedelta as seconds (int when whole),
ZoneInfo as its key, enums as their value, tuples/frozensets as lists (frozensets
sorted), dataclasses as objects. Decoding walks the annotation, so a dataclass that
gains a field with a default still reads JSON written before the field existed.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

Json = Any  # what json.dumps accepts
T = TypeVar("T")


def encode(value: Any) -> Json:  # noqa: PLR0911 - one branch per type
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
        return int(seconds) if seconds.is_integer() else seconds
    if isinstance(value, ZoneInfo):
        return value.key
    if isinstance(value, frozenset | set):
        return sorted(encode(v) for v in value)
    if isinstance(value, tuple | list):
        return [encode(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def decode_dataclass(cls: type[T], data: Json) -> T:
    if not isinstance(data, dict):
        raise TypeError(f"{cls.__name__} expects an object, got {data!r}")
    hints = _hints(cls)
    kwargs = {f.name: decode(data[f.name], hints[f.name])
              for f in dataclasses.fields(cls) if f.init and f.name in data}  # type: ignore[arg-type]
    return cls(**kwargs)


def decode(data: Json, hint: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        return _decode_union(data, typing.get_args(hint))
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return tuple(decode(v, item) for v in data)
    if origin is frozenset:
        item = typing.get_args(hint)[0]
        return frozenset(decode(v, item) for v in data)
    if hint is Any:
        return data
    if isinstance(hint, type):
        return _decode_simple(data, hint)
    raise TypeError(f"cannot decode into {hint!r}")


def _decode_union(data: Json, options: tuple[Any, ...]) -> Any:
    if data is None and type(None) in options:
        return None
    concrete = [o for o in options if o is not type(None)]
    if len(concrete) != 1:
        raise TypeError(f"ambiguous union {options!r}")
    return decode(data, concrete[0])


def _decode_simple(data: Json, cls: type) -> Any:  # noqa: PLR0911
    if issubclass(cls, Enum):
        return cls(data)
    if cls is datetime:
        return datetime.fromisoformat(data)
    if cls is date:
        return date.fromisoformat(data)
    if cls is time:
        return time.fromisoformat(data)
    if cls is timedelta:
        return timedelta(seconds=data)
    if cls is ZoneInfo:
        return ZoneInfo(data)
    if dataclasses.is_dataclass(cls):
        return decode_dataclass(cls, data)
    if cls in (str, int, float, bool):
        if not isinstance(data, cls):
            raise TypeError(f"expected {cls.__name__}, got {data!r}")
        return data
    raise TypeError(f"cannot decode into {cls.__name__}")
