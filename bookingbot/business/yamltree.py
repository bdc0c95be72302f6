"""Read YAML into plain Python data while remembering the line of every key.

We walk the composed node tree ourselves instead of calling ``yaml.safe_load`` so that

* every key path maps to the line it was written on (for error messages),
* duplicate keys are reported instead of silently keeping the last one,
* floats keep their exact text as ``Decimal`` (prices must not pass through binary floats),
* YAML 1.1 base-60 integers (``9:30`` -> 570) stay the text the owner typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bookingbot.business.problems import BusinessFileError, KeyPath, Problem

_TAG = "tag:yaml.org,2002:"
_MAX_NODES = 100_000  # aliases can multiply a tiny file into a huge tree


@dataclass
class Document:
    data: object
    lines: dict[KeyPath, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, path: KeyPath) -> int | None:
        """The line of ``path``, or of its nearest ancestor written in the file."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


def read_yaml(text: str, source: str) -> Document:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise BusinessFileError(source, [_syntax_problem(exc)]) from None
    doc = Document(data=None)
    if root is None:  # only comments: point at the top of the file
        doc.lines[()] = 1
        return doc
    doc.lines[()] = root.start_mark.line + 1
    try:
        doc.data = _Walker(doc).value(root, ())
    except _TooLarge:
        raise BusinessFileError(source, [Problem((), None, "the document is too large "
                                                 "(do aliases expand into each other?)")]) from None
    return doc


class _TooLarge(Exception):
    pass


def _syntax_problem(exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    what = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"YAML syntax error: {what}" + (f" ({context})" if context else "")
    if "\\t" in message or "\t" in message:
        message += "; indent with spaces, not tabs"
    return Problem((), mark.line + 1 if mark is not None else None, message)


class _Walker:
    def __init__(self, doc: Document) -> None:
        self._doc = doc
        self._constructor = SafeConstructor()
        self._stack: set[int] = set()
        self._count = 0

    def value(self, node: Node, path: KeyPath) -> object:
        self._count += 1
        if self._count > _MAX_NODES:
            raise _TooLarge
        if id(node) in self._stack:  # an alias pointing into itself
            self._problem(node, path, "an alias refers to itself")
            return None
        self._stack.add(id(node))
        try:
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
            if isinstance(node, SequenceNode):
                return self._sequence(node, path)
            assert isinstance(node, ScalarNode)  # the only other node kind
            return self._scalar(node)
        finally:
            self._stack.discard(id(node))

    def _mapping(self, node: MappingNode, path: KeyPath) -> dict[str, object]:
        out: dict[str, object] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == _TAG + "merge":
                self._problem(key_node, path, "YAML merge keys (<<) are not supported; "
                              "write the keys out")
                continue
            if not isinstance(key_node, ScalarNode):
                self._problem(key_node, path, "a key must be a plain name, not a list or mapping")
                continue
            key = str(key_node.value)  # raw text: "on:" and "2026-01-01:" stay names
            if key in first_line:
                self._problem(key_node, (*path, key),
                              f'duplicate key "{key}" (first written on line {first_line[key]})')
                continue
            first_line[key] = line
            self._doc.lines[(*path, key)] = line
            out[key] = self.value(value_node, (*path, key))
        return out

    def _sequence(self, node: SequenceNode, path: KeyPath) -> list[object]:
        out: list[object] = []
        for index, item in enumerate(node.value):
            self._doc.lines[(*path, index)] = item.start_mark.line + 1
            out.append(self.value(item, (*path, index)))
        return out

    def _scalar(self, node: ScalarNode) -> object:
        raw = str(node.value)
        tag = node.tag.removeprefix(_TAG)
        if tag in ("null", "bool"):
            return None if tag == "null" else self._constructor.construct_yaml_bool(node)
        if tag == "int":
            return raw if ":" in raw else self._constructor.construct_yaml_int(node)
        if tag == "float":
            return _exact_float(raw)
        if tag == "timestamp":
            try:
                return self._constructor.construct_yaml_timestamp(node)
            except ValueError:  # 2026-02-30 looks like a date but is not one
                return raw
        return raw  # strings, and any explicit tag we do not interpret

    def _problem(self, node: Node, path: KeyPath, message: str) -> None:
        self._doc.problems.append(Problem(path, node.start_mark.line + 1, message))


def _exact_float(raw: str) -> Decimal | str:
    try:
        value = Decimal(raw.replace("_", ""))
    except InvalidOperation:
        return raw  # .inf / .nan: let the field validator say why it is wrong
    return value if value.is_finite() else raw
