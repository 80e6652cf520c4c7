"""The tree a condition parses into. Plain frozen data: no behaviour, no host objects."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Union

LiteralValue = Union[str, Decimal, bool, None]


@dataclass(frozen=True, slots=True)
class Literal:
    value: LiteralValue
    offset: int


@dataclass(frozen=True, slots=True)
class Ref:
    """``${id}``: the answer to an earlier question (nothing if unanswered or hidden)."""

    name: str
    offset: int


@dataclass(frozen=True, slots=True)
class This:
    """``.``: the answer being checked, in a constraint."""

    offset: int


@dataclass(frozen=True, slots=True)
class ListLit:
    items: tuple[Literal, ...]
    offset: int


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node
    offset: int


@dataclass(frozen=True, slots=True)
class BoolOp:
    op: str  # "and" | "or"
    operands: tuple[Node, ...]
    offset: int


@dataclass(frozen=True, slots=True)
class Compare:
    op: str  # "=" "!=" "<" "<=" ">" ">="
    left: Node
    right: Node
    offset: int


@dataclass(frozen=True, slots=True)
class In:
    left: Node
    items: ListLit
    negate: bool
    offset: int


@dataclass(frozen=True, slots=True)
class Arith:
    op: str  # "+" "-" "*" "/"
    left: Node
    right: Node
    offset: int


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Node
    offset: int


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple[Node, ...]
    offset: int


Node = Union[Literal, Ref, This, ListLit, Not, BoolOp, Compare, In, Arith, Neg, Call]


def children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, (Not, Neg)):
        return (node.operand,)
    if isinstance(node, BoolOp):
        return node.operands
    if isinstance(node, (Compare, Arith)):
        return (node.left, node.right)
    if isinstance(node, In):
        return (node.left, node.items)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, ListLit):
        return node.items
    return ()


def walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def refs(node: Node) -> tuple[Ref, ...]:
    return tuple(n for n in walk(node) if isinstance(n, Ref))
