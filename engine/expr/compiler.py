"""A checked tree to a pure Python function ``f(values, this)``, built from closures.

``values`` maps question ids to the answers that count (answered *and* visible); anything else is
absent and reads as nothing (``None``). Semantics, the same everywhere (see the language guide):

* a comparison involving nothing is false, whatever the operator (``= null`` and ``!= null`` test
  for nothing explicitly);
* ``not``, ``and``, ``or`` treat nothing as false;
* arithmetic with nothing gives nothing; division by zero gives nothing.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from . import nodes as n
from .functions import FUNCTIONS

Compiled = Callable[[Mapping[str, Any], Any], Any]

_ORDER = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def compile_condition(tree: n.Node, rename: Callable[[str], str] = lambda name: name) -> Compiled:
    """Compile ``tree``; ``rename`` maps each reference as written to the question id it means."""
    return _Compiler(rename).build(tree)


class _Compiler:
    def __init__(self, rename: Callable[[str], str]):
        self.rename = rename

    def build(self, node: n.Node) -> Compiled:
        method = getattr(self, "c_" + type(node).__name__)
        result: Compiled = method(node)
        return result

    def c_Literal(self, node: n.Literal) -> Compiled:
        value = node.value
        return lambda v, t: value

    def c_Ref(self, node: n.Ref) -> Compiled:
        name = self.rename(node.name)
        return lambda v, t: v.get(name)

    def c_This(self, node: n.This) -> Compiled:
        return lambda v, t: t

    def c_ListLit(self, node: n.ListLit) -> Compiled:  # only reached inside In
        items = frozenset(item.value for item in node.items)
        return lambda v, t: items

    def c_Not(self, node: n.Not) -> Compiled:
        inner = self.build(node.operand)
        return lambda v, t: not inner(v, t)

    def c_BoolOp(self, node: n.BoolOp) -> Compiled:
        parts = tuple(self.build(op) for op in node.operands)
        if len(parts) == 2:
            a, b = parts
            if node.op == "and":
                return lambda v, t: bool(a(v, t) and b(v, t))
            return lambda v, t: bool(a(v, t) or b(v, t))
        if node.op == "and":
            return lambda v, t: all(p(v, t) for p in parts)
        return lambda v, t: any(p(v, t) for p in parts)

    def c_Compare(self, node: n.Compare) -> Compiled:
        left, right, op = node.left, node.right, node.op
        if isinstance(left, n.Literal) and not isinstance(right, n.Literal):
            left, right = right, left
            op = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
        if isinstance(right, n.Literal) and right.value is None:
            side = self.build(left)
            if op == "=":
                return lambda v, t: side(v, t) is None
            if op == "!=":
                return lambda v, t: side(v, t) is not None
            return lambda v, t: False
        if isinstance(left, n.Ref) and isinstance(right, n.Literal):
            return self._ref_literal(self.rename(left.name), op, right.value)
        a, b = self.build(left), self.build(right)
        if op == "=":
            return lambda v, t: (x := a(v, t)) is not None and (y := b(v, t)) is not None and x == y
        if op == "!=":
            return lambda v, t: (x := a(v, t)) is not None and (y := b(v, t)) is not None and x != y
        cmp = _ORDER[op]
        return lambda v, t: (x := a(v, t)) is not None and (y := b(v, t)) is not None and cmp(x, y)

    @staticmethod
    def _ref_literal(name: str, op: str, const: Any) -> Compiled:
        # The common case `${q} = 'yes'`, specialised: one dict lookup and one comparison.
        if op == "=":
            return lambda v, t: v.get(name) == const
        if op == "!=":
            return lambda v, t: (x := v.get(name)) is not None and x != const
        cmp = _ORDER[op]
        return lambda v, t: (x := v.get(name)) is not None and cmp(x, const)

    def c_In(self, node: n.In) -> Compiled:
        left = self.build(node.left)
        items = frozenset(item.value for item in node.items.items)
        if node.negate:
            return lambda v, t: (x := left(v, t)) is not None and x not in items
        if isinstance(node.left, n.Ref):
            name = self.rename(node.left.name)
            return lambda v, t: v.get(name) in items
        return lambda v, t: left(v, t) in items

    def c_Arith(self, node: n.Arith) -> Compiled:
        a, b, op = self.build(node.left), self.build(node.right), node.op
        func = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": _divide}[op]

        def arith(v: Mapping[str, Any], t: Any) -> Any:
            x, y = a(v, t), b(v, t)
            if x is None or y is None:
                return None
            return func(x, y)

        return arith

    def c_Neg(self, node: n.Neg) -> Compiled:
        inner = self.build(node.operand)
        return lambda v, t: None if (x := inner(v, t)) is None else -x

    def c_Call(self, node: n.Call) -> Compiled:
        func = FUNCTIONS[node.name].impl
        if node.name == "date":  # a literal date: compute it once
            value = func(node.args[0].value)  # type: ignore[union-attr]
            return lambda v, t: value
        args = tuple(self.build(arg) for arg in node.args)
        if len(args) == 1:
            (only,) = args
            return lambda v, t: func(only(v, t))
        if args and all(isinstance(arg, n.Literal) for arg in node.args[1:]):  # selected(${q}, 'a', 'b')
            first, consts = args[0], tuple(arg.value for arg in node.args[1:])  # type: ignore[union-attr]
            return lambda v, t: func(first(v, t), *consts)
        return lambda v, t: func(*(arg(v, t) for arg in args))


def _divide(x: Any, y: Any) -> Any:
    from decimal import Decimal

    if y == 0:
        return None
    return Decimal(x) / Decimal(y)
