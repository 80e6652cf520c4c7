"""Static checks of a parsed condition against the questionnaire: references, codes and types."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from ..errors import N_
from . import nodes as n
from .functions import FUNCTIONS, Function, Param
from .lexer import ExprError


@dataclass(frozen=True, slots=True)
class RefInfo:
    """What a reference points to: the question's id, the static type of its answer, its codes."""

    id: str
    type: str  # bool number text date code codes rows files none
    codes: frozenset[str] | None = None


_NAMES = {"bool": N_("yes/no"), "number": N_("a number"), "text": N_("text"), "date": N_("a date"),
          "code": N_("a single choice"), "codes": N_("a multiple choice"), "rows": N_("a table"),
          "files": N_("files"), "null": "null", "none": N_("a note (no answer)")}


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
            raise ExprError("C404", tree.offset, problem=N_("the condition gives {kind}, not true or false"),
                            kind=_NAMES.get(kind, kind),
                            fix=N_("compare it, e.g. ${{q}} = 'yes' or answered(${{q}})"))

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
                    raise ExprError("C404", operand.offset, problem=N_("arithmetic on {kind}"),
                                    kind=_NAMES.get(kind, kind), fix=N_("use numbers on both sides"))
            return "number", None
        if isinstance(node, n.Call):
            return self.call(node), None
        raise ExprError("C400", node.offset, problem=N_("a list cannot stand alone; use it after 'in'"))

    def expect_bool(self, node: n.Node, where: str) -> None:
        kind = self.type_of(node)
        if kind not in ("bool", "null"):
            raise ExprError("C404", node.offset, problem=N_("{where} needs true or false, not {kind}"), where=where,
                            kind=_NAMES.get(kind, kind), fix=N_("compare the value, e.g. ${{q}} = 'yes'"))

    def compare(self, node: n.Compare) -> None:
        left, lref = self.info(node.left)
        right, rref = self.info(node.right)
        for kind, other in ((left, node.right), (right, node.left)):
            if kind in ("codes", "rows", "files"):
                fix = N_("use selected(${{q}}, 'code')") if kind == "codes" else N_("use count(${{q}})")
                raise ExprError("C404", other.offset, problem=N_("{kind} cannot be compared with '{op}'"),
                                kind=_NAMES[kind], op=node.op, fix=fix)
        if node.op in ("=", "!="):
            if "null" in (left, right) or _compatible(left, right):
                self.codes(lref, node.right)
                self.codes(rref, node.left)
                return
        elif {left, right} <= {"number", "null"} or {left, right} <= {"date", "null"}:
            if {left, right} != {"null"}:
                return
        raise ExprError("C404", node.offset, problem=N_("{left} {op} {right}"), left=_NAMES.get(left, left),
                        op=node.op, right=_NAMES.get(right, right),
                        fix=N_("compare values of the same kind; '<' and '>' need numbers or dates"))

    def membership(self, node: n.In) -> None:
        left, ref = self.info(node.left)
        if left not in ("code", "text", "number", "null"):
            fix = N_("use any_selected(${{q}}, 'a', 'b')") if left == "codes" else N_("use '=' or '<'")
            raise ExprError("C404", node.offset, problem=N_("'in' does not apply to {kind}"),
                            kind=_NAMES.get(left, left), fix=fix)
        for item in node.items.items:
            kind = _literal_type(item.value)
            if not _compatible(left, kind) and left != "null":
                raise ExprError("C404", item.offset, problem=N_("{left} in a list of {right}"),
                                left=_NAMES.get(left, left), right=_NAMES[kind],
                                fix=N_("list values of the same kind as the answer"))
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
            raise ExprError("C408", node.offset, name=func.name, expected=expected, need=len(func.params),
                            found=N_("{count} argument(s)"), count=len(node.args), example=func.example)
        first: RefInfo | None = None
        for index, (arg, param) in enumerate(zip(node.args, params, strict=True)):
            if param.ref and not isinstance(arg, (n.Ref, n.This)):
                raise ExprError("C408", arg.offset, name=func.name,
                                expected=N_("a question reference ${{id}} first"),
                                found=N_("another expression"), example=func.example)
            if param.literal and not isinstance(arg, n.Literal):
                raise ExprError("C408", arg.offset, name=func.name, expected=N_("a quoted text here"),
                                found=N_("an expression"), example=func.example)
            kind, ref = self.info(arg)
            if index == 0:
                first = ref
            if kind not in param.types and not (kind == "null" and not param.literal):
                allowed = tuple(_NAMES.get(t, t) for t in sorted(param.types) if t != "null")
                raise ExprError("C404", arg.offset, problem=N_("{name}() needs {allowed}, not {kind}"),
                                name=func.name, allowed=allowed, kind=_NAMES.get(kind, kind),
                                fix=N_("for example: {example}"), example=func.example)
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
    """How many arguments ``func`` takes, as a phrase whose ``{need}`` is ``len(func.params)``."""
    if func.variadic:
        return N_("{need} or more arguments")
    return N_("no arguments") if not func.params else N_("{need} argument(s)")


def _check_date(arg: n.Literal) -> None:
    try:
        dt.date.fromisoformat(str(arg.value))
    except ValueError:
        raise ExprError("C404", arg.offset, problem=N_("'{value}' is not a date"), value=arg.value,
                        fix=N_("write dates as 'YYYY-MM-DD'")) from None


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
        return left not in ("codes", "rows", "files", "none")
    return {left, right} == {"code", "text"}
