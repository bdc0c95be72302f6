"""Keep checking an entry that failed its schema, so one run reports every problem.

Without this, a provider with a mistyped ``slack_user`` would skip its overlapping-hours
check, and the owner would meet that problem only in the next run. An entry that fails is
validated again without the values that failed (a key, or one item of a list); what
remains goes through the checks across entries. Positions are mapped back to the file's
own (dropping ``mon[0]`` does not make ``mon[2]`` report as ``mon[1]``). Problems those
checks raise about the entry as a whole, under a dropped value, or on a key checked against
a dropped one (``RELATED``) are left out: they could be echoes of the dropped value (a bad
``payment`` makes a good ``deposit`` look unused), and the owner has been told about it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bookingbot.business.problems import KeyPath, Problem, Problems
from bookingbot.business.report import explain

M = TypeVar("M", bound=BaseModel)
MAX_ROUNDS = 8  # each round drops at least one value; enough for any real entry
# Checks across two keys of one entry (services.py: a deposit needs payment: deposit and a
# price to compare with): a problem on the second is an echo when the first was dropped.
RELATED = {"payment": ("deposit",), "price": ("deposit",)}


@dataclass
class Salvaged:
    """Entries validated without some values: which values, and how positions moved."""

    dropped: dict[KeyPath, list[KeyPath]] = field(default_factory=dict)  # file positions
    moves: dict[KeyPath, _Positions] = field(default_factory=dict)

    def add(self, entry: KeyPath, dropped: list[KeyPath], positions: _Positions) -> None:
        self.dropped[entry] = [(*entry, *k) for k in dropped]
        self.moves[entry] = positions

    def keep(self, found: list[Problem], problems: Problems) -> list[Problem]:
        """The checks' problems, at their positions in the file, without the echoes."""
        kept = []
        for problem in found:
            entry = next((e for e in self.moves if problem.path[:len(e)] == e), None)
            if entry is None:
                kept.append(problem)
                continue
            path = (*entry, *self.moves[entry].original(problem.path[len(entry):]))
            if path == entry or any(_echo(path, d) for d in self.dropped[entry]):
                continue
            kept.append(problems.at(path, problem.message))
        return kept


def _echo(path: KeyPath, dropped: KeyPath) -> bool:
    if path[:len(dropped)] == dropped:
        return True  # under the dropped value
    parent, key = dropped[:-1], dropped[-1]
    return (len(path) == len(dropped) and path[:-1] == parent
            and isinstance(key, str) and path[-1] in RELATED.get(key, ()))


@dataclass
class _Positions:
    """List positions in the pruned copy -> positions in the file."""

    alive: dict[KeyPath, list[int]] = field(default_factory=dict)  # list path -> originals

    def original(self, path: KeyPath) -> KeyPath:
        out: list[str | int] = []
        for depth, step in enumerate(path):
            survivors = self.alive.get(path[:depth])
            out.append(survivors[step] if isinstance(step, int) and survivors is not None
                       and step < len(survivors) else step)
        return tuple(out)

    def drop(self, data: Any, path: KeyPath) -> None:
        node = data
        for step in path[:-1]:
            node = node[step]
        last = path[-1]
        if isinstance(node, list) and isinstance(last, int):
            self.alive.setdefault(path[:-1], list(range(len(node))))
            del self.alive[path[:-1]][last]
        del node[last]


def validate_all(model: type[M], raw: object, prefix: KeyPath, problems: Problems,
                 salvaged: Salvaged) -> M | None:
    """Like ``report.validate``, but an entry that fails is validated again without the
    values that failed (recorded in ``salvaged``), and problems that only then come to light
    (a rule across two keys, say) are reported too. None when a required key fails."""
    data = copy.deepcopy(raw)
    positions = _Positions()
    dropped: list[KeyPath] = []  # file positions
    for round_ in range(MAX_ROUNDS):
        try:
            found = model.model_validate(data)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
        else:
            if dropped:
                salvaged.add(prefix, dropped, positions)
            return found
        targets: set[KeyPath] = set()
        for error in errors:
            path, message = explain(error, data)
            where = positions.original(path)
            if round_ == 0 or (error["type"] != "missing"
                               and all(where[:len(d)] != d for d in dropped)):
                problems.add((*prefix, *where), message)
            targets.add(path)
        if () in targets:
            return None  # a required key, or the entry as a whole: cannot go on
        # Deepest first, and later list items before earlier ones, so positions hold.
        for path in sorted(targets, key=lambda p: (len(p), p), reverse=True):
            if not any(path[:len(t)] == t for t in targets if len(t) < len(path)):
                dropped.append(positions.original(path))
                positions.drop(data, path)
    return None
