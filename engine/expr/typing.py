"""Static checks of a parsed condition against the questionnaire: references, codes and types."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from . import nodes as n
from .functions import FUNCTIONS, Function, Param
from .lexer import ExprError


@dataclass(frozen=True, slots=True)
class RefInfo:
    """What a reference points to: the question's id, the static type of its answer, its codes."""

    id: str
    type: str  # bool number text date code codes rows none
    codes: frozenset[str] | None = None


_NAMES = {"bool": "yes/no", "number": "a number", "text": "text", "date": "a date",
          "code": "a single choice", "codes": "a multiple choice", "rows": "a table",
          "null": "null", "none": "a note (no answer)"}


class TypeChecker:
    """Checks one condition. ``resolve(name)`` gives a :class:`RefInfo` or ``None``;
    ``suggest(name)`` a near name for "did you mean"; ``this`` the type of ``.`` if allowed."""

    def __init__(self, resolve: Callable[[str], RefInfo | None], suggest: Callable[[str], str],
                 this: RefInfo | None = None):
        self.resolve = resolve
        self.suggest = suggest
        self.this = this
        self.refs: list[tuple[n.Ref, RefInfo]] = []

    def check_condition(self, tree: n.Node) -> None:
        kind = self.type_of(tree)
        if kind not in ("bool", "null"):
            raise ExprError("C404", tree.offset, problem=f"the condition gives {_NAMES.get(kind, kind)}, "
                            "not true or false", fix="compare it, e.g. ${q} = 'yes' or answered(${q})")

    def type_of(self, node: n.Node) -> str:
        return self.info(node)[0]

    def info(self, node: n.Node) -> tuple[str, RefInfo | None]:
        if isinstance(node, n.Literal):
            return _literal_type(node.value), None
        if isinstance(node, n.Ref):
            ref = self.resolve(node.name)
            if ref is None:
                raise ExprError("C401", node.offset, ref=node.name, suggestion=self.suggest(node.name))
            self.refs.append((node, ref))
            return ref.type, ref
        if isinstance(node, n.This):
            if self.this is None:
                raise ExprError("C409", node.offset)
            return self.this.type, self.this
        if isinstance(node, n.Not):
            self.expect_bool(node.operand, "'not'")
            return "bool", None
        if isinstance(node, n.BoolOp):
            for operand in node.operands:
                self.expect_bool(operand, f"'{node.op}'")
            return "bool", None
        if isinstance(node, n.Compare):
            self.compare(node)
            return "bool", None
        if isinstance(node, n.In):
            self.membership(node)
            return "bool", None
        if isinstance(node, (n.Arith, n.Neg)):
            for operand in n.children(node):
                kind = self.type_of(operand)
                if kind not in ("number", "null"):
                    raise ExprError("C404", operand.offset, problem=f"arithmetic on {_NAMES.get(kind, kind)}",
                                    fix="use numbers on both sides")
            return "number", None
        if isinstance(node, n.Call):
            return self.call(node), None
        raise ExprError("C400", node.offset, problem="a list cannot stand alone; use it after 'in'")

    def expect_bool(self, node: n.Node, where: str) -> None:
        kind = self.type_of(node)
        if kind not in ("bool", "null"):
            raise ExprError("C404", node.offset, problem=f"{where} needs true or false, not {_NAMES.get(kind, kind)}",
                            fix="compare the value, e.g. ${q} = 'yes'")

    def compare(self, node: n.Compare) -> None:
        left, lref = self.info(node.left)
        right, rref = self.info(node.right)
        for kind, other in ((left, node.right), (right, node.left)):
            if kind in ("codes", "rows"):
                fix = ("use selected(${q}, 'code')" if kind == "codes" else "use count(${q})")
                raise ExprError("C404", other.offset, problem=f"{_NAMES[kind]} cannot be compared with '{node.op}'",
                                fix=fix)
        if node.op in ("=", "!="):
            if "null" in (left, right) or _compatible(left, right):
                self.codes(lref, node.right)
                self.codes(rref, node.left)
                return
        elif {left, right} <= {"number", "null"} or {left, right} <= {"date", "null"}:
            if {left, right} != {"null"}:
                return
        raise ExprError("C404", node.offset,
                        problem=f"{_NAMES.get(left, left)} {node.op} {_NAMES.get(right, right)}",
                        fix="compare values of the same kind; '<' and '>' need numbers or dates")

    def membership(self, node: n.In) -> None:
        left, ref = self.info(node.left)
        if left not in ("code", "text", "number", "null"):
            fix = "use any_selected(${q}, 'a', 'b')" if left == "codes" else "use '=' or '<'"
            raise ExprError("C404", node.offset, problem=f"'in' does not apply to {_NAMES.get(left, left)}", fix=fix)
        for item in node.items.items:
            kind = _literal_type(item.value)
            if not _compatible(left, kind) and left != "null":
                raise ExprError("C404", item.offset, problem=f"{_NAMES.get(left, left)} in a list of {_NAMES[kind]}",
                                fix="list values of the same kind as the answer")
            self.codes(ref, item)

    def codes(self, ref: RefInfo | None, literal: n.Node) -> None:
        """A text literal compared with a choice question must be one of its codes."""
        if ref is None or ref.codes is None or not isinstance(literal, n.Literal):
            return
        if isinstance(literal.value, str) and literal.value not in ref.codes:
            raise ExprError("C403", literal.offset, code=literal.value, ref=ref.id,
                            allowed=", ".join(sorted(ref.codes)))

    def call(self, node: n.Call) -> str:
        func = FUNCTIONS[node.name]
        params = _params_for(func, len(node.args))
        if params is None:
            expected = _arity(func)
            raise ExprError("C408", node.offset, name=func.name, expected=expected,
                            found=f"{len(node.args)} argument(s)", example=func.example)
        first: RefInfo | None = None
        for index, (arg, param) in enumerate(zip(node.args, params, strict=True)):
            if param.ref and not isinstance(arg, (n.Ref, n.This)):
                raise ExprError("C408", arg.offset, name=func.name, expected="a question reference ${id} first",
                                found="another expression", example=func.example)
            if param.literal and not isinstance(arg, n.Literal):
                raise ExprError("C408", arg.offset, name=func.name, expected="a quoted text here",
                                found="an expression", example=func.example)
            kind, ref = self.info(arg)
            if index == 0:
                first = ref
            if kind not in param.types and not (kind == "null" and not param.literal):
                allowed = " or ".join(_NAMES.get(t, t) for t in sorted(param.types) if t != "null")
                found = _NAMES.get(kind, kind)
                raise ExprError("C404", arg.offset, problem=f"{func.name}() needs {allowed}, not {found}",
                                fix=f"for example: {func.example}")
            if param.code:
                self.codes(first, arg)
            if func.name == "date" and isinstance(arg, n.Literal):
                _check_date(arg)
        return func.result


def _params_for(func: Function, count: int) -> tuple[Param, ...] | None:
    params = func.params
    if func.variadic:
        if count < len(params):
            return None
        return params + (params[-1],) * (count - len(params))
    return params if count == len(params) else None


def _arity(func: Function) -> str:
    count = len(func.params)
    if func.variadic:
        return f"{count} or more arguments"
    return "no arguments" if count == 0 else f"{count} argument(s)"


def _check_date(arg: n.Literal) -> None:
    try:
        dt.date.fromisoformat(str(arg.value))
    except ValueError:
        raise ExprError("C404", arg.offset, problem=f"'{arg.value}' is not a date",
                        fix="write dates as 'YYYY-MM-DD'") from None


def _literal_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, Decimal):
        return "number"
    return "text"


def _compatible(left: str, right: str) -> bool:
    if left == right:
        return left not in ("codes", "rows", "none")
    return {left, right} == {"code", "text"}
