"""Tokens to a tree, by recursive descent, within fixed limits of size, depth and nodes.

Grammar (lowest precedence first)::

    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := sum [("=" | "!=" | "<" | "<=" | ">" | ">=") sum | ["not"] "in" list]
    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary)*
    unary   := "-" unary | primary
    primary := NUMBER | STRING | "true" | "false" | "null" | "${" id "}" | "."
             | NAME "(" [or ("," or)*] ")" | "(" or ")" | list
    list    := "[" [literal ("," literal)*] "]"
"""

from __future__ import annotations

from decimal import Decimal

from ..errors import N_
from . import nodes as n
from .functions import FUNCTIONS
from .lexer import ExprError, Token, tokenize

LIMITS: dict[str, int] = {"length": 1000, "depth": 32, "nodes": 200}
MAGNITUDE = Decimal(10) ** 15
_COMPARE = {"=": "=", "==": "=", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_KEYWORDS = {"and", "or", "not", "in", "true", "false", "null"}


def parse(text: str) -> n.Node:
    """Parse a condition; raises :class:`ExprError` with an offset into ``text``."""
    if len(text) > LIMITS["length"]:
        raise ExprError("C407", 0, problem=N_("more than {limit} characters"), limit=LIMITS["length"])
    if not text.strip():
        raise ExprError("C400", 0, problem=N_("the condition is empty"))
    return _Parser(tokenize(text)).run()


class _Parser:
    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.pos = 0
        self.depth = 0
        self.count = 0

    def run(self) -> n.Node:
        tree = self.or_()
        token = self.peek()
        if token.kind != "END":
            raise ExprError("C400", token.offset, problem=N_("unexpected {token}"), token=_show(token))
        return tree

    # -- helpers
    def peek(self) -> Token:
        return self.tokens[self.pos]

    def next(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def accept(self, kind: str, value: str | None = None) -> Token | None:
        token = self.peek()
        if token.kind == kind and (value is None or token.value == value):
            self.pos += 1
            return token
        return None

    def word(self, value: str) -> Token | None:
        return self.accept("NAME", value)

    def expect(self, value: str, what: str) -> Token:
        token = self.accept("OP", value)
        if token is None:
            found = self.peek()
            raise ExprError("C400", found.offset, problem=N_("expected {what}, found {token}"), what=what,
                            token=_show(found))
        return token

    def made(self, node: n.Node) -> n.Node:
        self.count += 1
        if self.count > LIMITS["nodes"]:
            raise ExprError("C407", node.offset, problem=N_("more than {limit} parts"), limit=LIMITS["nodes"])
        return node

    def enter(self, offset: int) -> None:
        self.depth += 1
        if self.depth > LIMITS["depth"]:
            raise ExprError("C407", offset, problem=N_("nested more than {limit} levels"), limit=LIMITS["depth"])

    # -- grammar
    def or_(self) -> n.Node:
        self.enter(self.peek().offset)
        first = self.and_()
        operands = [first]
        while self.word("or"):
            operands.append(self.and_())
        self.depth -= 1
        if len(operands) == 1:
            return first
        return self.made(n.BoolOp("or", tuple(operands), first.offset))

    def and_(self) -> n.Node:
        first = self.not_()
        operands = [first]
        while self.word("and"):
            operands.append(self.not_())
        if len(operands) == 1:
            return first
        return self.made(n.BoolOp("and", tuple(operands), first.offset))

    def not_(self) -> n.Node:
        token = self.word("not")
        if token is None:
            return self.compare()
        self.enter(token.offset)
        operand = self.not_()
        self.depth -= 1
        return self.made(n.Not(operand, token.offset))

    def compare(self) -> n.Node:
        left = self.sum_()
        token = self.peek()
        if token.kind == "OP" and token.value in _COMPARE:
            self.pos += 1
            right = self.sum_()
            after = self.peek()
            if after.kind == "OP" and after.value in _COMPARE:
                raise ExprError("C400", after.offset,
                                problem=N_("comparisons cannot be chained; join them with 'and'"))
            return self.made(n.Compare(_COMPARE[token.value], left, right, token.offset))
        negate = False
        if token.kind == "NAME" and token.value == "not" and self.tokens[self.pos + 1].value == "in":
            self.pos += 1
            negate = True
        if self.word("in"):
            return self.made(n.In(left, self.list_(), negate, token.offset))
        return left

    def sum_(self) -> n.Node:
        left = self.product()
        while (token := self.peek()).kind == "OP" and token.value in "+-":
            self.pos += 1
            left = self.made(n.Arith(token.value, left, self.product(), token.offset))
        return left

    def product(self) -> n.Node:
        left = self.unary()
        while (token := self.peek()).kind == "OP" and token.value in "*/":
            self.pos += 1
            if self.peek().kind == "OP" and self.peek().value == "*":
                raise ExprError("C400", token.offset, problem=N_("'**' (power) is not part of the language"))
            left = self.made(n.Arith(token.value, left, self.unary(), token.offset))
        return left

    def unary(self) -> n.Node:
        token = self.accept("OP", "-")
        if token is None:
            return self.primary()
        self.enter(token.offset)
        operand = self.unary()
        self.depth -= 1
        if isinstance(operand, n.Literal) and isinstance(operand.value, Decimal):
            return self.made(n.Literal(-operand.value, token.offset))
        return self.made(n.Neg(operand, token.offset))

    def primary(self) -> n.Node:
        token = self.next()
        if token.kind == "NUMBER":
            return self.made(n.Literal(_number(token), token.offset))
        if token.kind == "STRING":
            return self.made(n.Literal(token.value, token.offset))
        if token.kind == "REF":
            return self.made(n.Ref(token.value, token.offset))
        if token.kind == "SELF":
            return self.made(n.This(token.offset))
        if token.kind == "OP" and token.value == "(":
            inner = self.or_()
            self.expect(")", "')'")
            return inner
        if token.kind == "OP" and token.value == "[":
            self.pos -= 1
            return self.list_()
        if token.kind == "NAME":
            return self.name(token)
        raise ExprError("C400", token.offset, problem=N_("unexpected {token}"), token=_show(token))

    def name(self, token: Token) -> n.Node:
        word = token.value
        if word in ("true", "false"):
            return self.made(n.Literal(word == "true", token.offset))
        if word == "null":
            return self.made(n.Literal(None, token.offset))
        if word in _KEYWORDS:
            raise ExprError("C400", token.offset, problem=N_("unexpected {token}"), token=f"'{word}'")
        if not self.accept("OP", "("):
            raise ExprError("C400", token.offset,
                            problem=N_("'{word}' is not a value: refer to a question as ${{{word}}}, "
                                       "or quote text as '{word}'"), word=word)
        if word not in FUNCTIONS:
            raise ExprError("C406", token.offset, name=word, allowed=", ".join(sorted(FUNCTIONS)))
        self.enter(token.offset)
        args: list[n.Node] = []
        if not self.accept("OP", ")"):
            args.append(self.or_())
            while self.accept("OP", ","):
                args.append(self.or_())
            self.expect(")", N_("',' or ')'"))
        self.depth -= 1
        return self.made(n.Call(word, tuple(args), token.offset))

    def list_(self) -> n.ListLit:
        start = self.expect("[", N_("a list such as ['a', 'b']"))
        items: list[n.Literal] = []
        if not self.accept("OP", "]"):
            while True:
                item = self.primary()
                if not isinstance(item, n.Literal):
                    raise ExprError("C400", item.offset, problem=N_("a list holds only texts and numbers"))
                items.append(item)
                if self.accept("OP", "]"):
                    break
                self.expect(",", N_("',' or ']'"))
        return self.made(n.ListLit(tuple(items), start.offset))  # type: ignore[return-value]


def _number(token: Token) -> Decimal:
    value = Decimal(token.value)
    if abs(value) > MAGNITUDE:
        raise ExprError("C407", token.offset, problem=N_("a number larger than 10^15"))
    return value


def _show(token: Token) -> str:
    return N_("end of the condition") if token.kind == "END" else f"'{token.value}'"
