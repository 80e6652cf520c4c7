"""Reading YAML text into a tree of positioned nodes, safely.

Only the YAML *event* stream is used (libyaml when available): nothing is ever constructed from
tags, so ``!!python/object`` cannot run code. Anchors and aliases are refused (no billion laughs),
as are duplicate keys, explicit tags and documents nested deeper than a limit. Scalars stay text:
whether ``010``, ``yes`` or ``null`` is a number, a word or nothing is decided later by the key
that holds it, never by YAML's implicit typing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from .errors import Collector

try:  # libyaml is ~20x faster; the pure-Python parser gives the same events
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40
_ALLOWED_TAGS = {None, "!", "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}

MAP, SEQ, SCALAR = "map", "seq", "scalar"


@dataclass(slots=True, eq=False)
class Node:
    """A YAML node with its place (1-based line and column; ``start`` and ``end``: the characters it
    spans in the text, for tools that edit the text in place, like :mod:`engine.translate`)."""

    kind: str
    value: Any  # dict[str, Node] | list[Node] | str
    line: int
    column: int
    plain: bool = True  # scalars: written without quotes (so 'null', '' mean "no value")
    keys: dict[str, Node] | None = None  # maps: the key nodes, for placing "unknown key" errors
    start: int = 0
    end: int = 0
    flow: bool = False  # maps and lists written inline: {a: 1}, [1, 2]

    @property
    def is_null(self) -> bool:
        return self.kind == SCALAR and self.plain and self.value in ("", "~", "null", "Null", "NULL")


def read(data: str | bytes, collector: Collector, max_bytes: int = MAX_BYTES) -> Node | None:
    """Parse ``data`` into a :class:`Node` tree, or report why not and return ``None``."""
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    if size > max_bytes:
        collector.add("Y102", 1, 1, size=size, limit=max_bytes)
        return None
    text = _decode(data, collector)
    if text is None:
        return None
    try:
        return _Builder(collector).build(text)
    except _Abort:
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        collector.add("Y100", line, column, problem=problem)
    except yaml.YAMLError as exc:
        collector.add("Y100", 1, 1, problem=str(exc).splitlines()[0])
    return None


def _decode(data: str | bytes, collector: Collector) -> str | None:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        collector.add("Y101", line, column, reason=f"byte 0x{data[exc.start]:02x}")
        return None


class _Builder:
    """Turns the event stream into nodes iteratively (no recursion, so depth is bounded by us)."""

    def __init__(self, collector: Collector):
        self.collector = collector

    def build(self, text: str) -> Node | None:
        root: Node | None = None
        stack: list[tuple[Node, list[Any]]] = []  # (container, [pending key node])
        documents = 0
        events: Any = yaml.parse(text, Loader=_Loader)
        for event in events:
            kind = type(event)
            if kind is yaml.ScalarEvent:
                if not self._check_props(event):
                    return None
                node = Node(SCALAR, event.value, *self._pos(event), plain=not event.style,
                            start=event.start_mark.index, end=event.end_mark.index)
                if self._attach(stack, node):
                    root = root or node
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if not self._check_props(event):
                    return None
                if len(stack) >= MAX_DEPTH:
                    self.collector.add("Y106", *self._pos(event), limit=MAX_DEPTH)
                    return None
                start, flow = event.start_mark.index, bool(event.flow_style)
                if kind is yaml.MappingStartEvent:
                    node = Node(MAP, {}, *self._pos(event), keys={}, start=start, flow=flow)
                else:
                    node = Node(SEQ, [], *self._pos(event), start=start, flow=flow)
                if not stack:
                    root = node
                elif not self._attach(stack, node):
                    return None
                stack.append((node, []))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                stack.pop()[0].end = event.end_mark.index
            elif kind is yaml.AliasEvent:
                self.collector.add("Y103", *self._pos(event), name=event.anchor)
                return None
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    self.collector.add("Y107", *self._pos(event))
                    return None
        return root

    def _check_props(self, event: Any) -> bool:  # events are untyped in PyYAML's stubs
        if event.anchor is not None:
            self.collector.add("Y103", *self._pos(event), name=event.anchor)
            return False
        if event.tag not in _ALLOWED_TAGS:
            self.collector.add("Y104", *self._pos(event), tag=event.tag)
            return False
        return True

    @staticmethod
    def _pos(event: Any) -> tuple[int, int]:
        mark = event.start_mark
        return mark.line + 1, mark.column + 1

    def _attach(self, stack: list[tuple[Node, list[Any]]], node: Node) -> bool:
        """Add ``node`` to the open container; returns False when it was a rejected key."""
        if not stack:
            return True
        parent, pending = stack[-1]
        if parent.kind == SEQ:
            parent.value.append(node)
            return True
        if not pending:  # this node is a key
            if node.kind != SCALAR:
                self.collector.add("Y108", node.line, node.column)
                raise _Abort()
            pending.append(node)
            return True
        key = pending.pop()
        assert parent.keys is not None
        if key.value in parent.value:
            first = parent.keys[key.value]
            self.collector.add("Y105", key.line, key.column, key=key.value, first_line=first.line)
            return True
        parent.value[key.value] = node
        parent.keys[key.value] = key
        return True


class _Abort(yaml.YAMLError):
    """Stops reading after a diagnostic that leaves no usable tree."""


def to_plain(node: Node | None) -> Any:
    """The node as plain Python data (scalars stay strings); handy in tests and tools."""
    if node is None:
        return None
    if node.kind == MAP:
        return {key: to_plain(value) for key, value in node.value.items()}
    if node.kind == SEQ:
        return [to_plain(item) for item in node.value]
    return node.value
