"""A parsed condition as plain JSON data, for evaluators outside Python (the browser).

The browser's evaluator (``web/static/conditions.js``) interprets exactly these trees with the
same semantics as :mod:`.compiler`; a test runs both on a corpus and compares the results.
References are written as the question ids they resolve to.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from . import nodes as n


def to_json(node: n.Node, rename: Callable[[str], str] = lambda name: name) -> Any:
    if isinstance(node, n.Literal):
        value = node.value
        return {"lit": float(value) if isinstance(value, Decimal) else value}
    if isinstance(node, n.Ref):
        return {"ref": rename(node.name)}
    if isinstance(node, n.This):
        return {"this": True}
    if isinstance(node, n.ListLit):
        return {"list": [to_json(item, rename)["lit"] for item in node.items]}
    if isinstance(node, n.Not):
        return {"not": to_json(node.operand, rename)}
    if isinstance(node, n.BoolOp):
        return {node.op: [to_json(op, rename) for op in node.operands]}
    if isinstance(node, n.Compare):
        return {"cmp": node.op, "left": to_json(node.left, rename), "right": to_json(node.right, rename)}
    if isinstance(node, n.In):
        return {"in": to_json(node.left, rename), "items": to_json(node.items, rename)["list"],
                "negate": node.negate}
    if isinstance(node, n.Arith):
        return {"arith": node.op, "left": to_json(node.left, rename), "right": to_json(node.right, rename)}
    if isinstance(node, n.Neg):
        return {"neg": to_json(node.operand, rename)}
    return {"call": node.name, "args": [to_json(arg, rename) for arg in node.args]}
