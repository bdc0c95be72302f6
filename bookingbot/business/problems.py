"""Problems found in a business file, each pinned to a key path and a line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.model import Business

# A key path into the document: mapping keys are str, list positions are int.
KeyPath = tuple[str | int, ...]


def format_path(path: KeyPath) -> str:
    """('providers', 1, 'hours', 'tue', 0) -> 'providers[1].hours.tue[0]'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


@dataclass(frozen=True)
class Problem:
    path: KeyPath
    line: int | None  # 1-based; None when the format keeps no positions (TOML)
    message: str

    def render(self, source: str) -> str:
        where = f"{source}:{self.line}" if self.line is not None else source
        dotted = format_path(self.path)
        return f"{where}: {dotted}: {self.message}" if dotted else f"{where}: {self.message}"


class BusinessFileError(Exception):
    """The business file is unusable; ``problems`` lists every reason found, in file order."""

    def __init__(self, source: str, problems: list[Problem], *,
                 partial: Business | None = None) -> None:
        self.source = source
        self.problems = sorted(problems, key=lambda p: p.line or 0)
        # What could be built despite the problems, so setup's own checks (payments) can
        # report in the same run; None when even the currency is unknown.
        self.partial = partial
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return "\n".join(p.render(self.source) for p in self.problems)


class Problems:
    """Collects problems as validation goes on, so one run reports all of them."""

    def __init__(self, line_of: Callable[[KeyPath], int | None]) -> None:
        self._line_of = line_of
        self.found: list[Problem] = []

    def add(self, path: KeyPath, message: str) -> None:
        self.found.append(self.at(path, message))

    def at(self, path: KeyPath, message: str) -> Problem:
        """A problem at ``path`` with its line, not yet added."""
        return Problem(path, self._line_of(path), message)

    def __bool__(self) -> bool:
        return bool(self.found)


def show(value: object) -> str:
    """A value as the owner typed it, quoted when it is text."""
    if isinstance(value, str):
        return f'"{value}"'
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
