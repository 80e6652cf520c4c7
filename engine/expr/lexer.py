"""Text of a condition to tokens. Every token keeps its offset, for exact error columns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import N_

MAX_STRING = 500


class ExprError(Exception):
    """A problem in a condition: a diagnostic code, the offset in the text and message arguments."""

    def __init__(self, code: str, offset: int, /, **args: Any):
        super().__init__(code, offset, args)
        self.code = code
        self.offset = offset
        self.args_ = args


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # NUMBER STRING REF SELF NAME OP END
    value: str
    offset: int


_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_TOKEN = re.compile(
    rf"""(?P<ws>\s+)
    |(?P<REF>\$\{{\s*(?P<ref>{_NAME}(?:\.{_NAME})*)\s*\}})
    |(?P<NUMBER>\d+(?:\.\d+)?)
    |(?P<NAME>{_NAME})
    |(?P<OP>==|!=|<=|>=|<>|[=<>+\-*/()\[\],])
    |(?P<SELF>\.)
    """,
    re.VERBOSE,
)


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos, end = 0, len(text)
    while pos < end:
        char = text[pos]
        if char in "'\"":
            value, after = _string(text, pos)
            tokens.append(Token("STRING", value, pos))
            pos = after
            continue
        match = _TOKEN.match(text, pos)
        if match is None:
            if text.startswith("${", pos):
                raise ExprError("C400", pos, problem=N_("a reference is written ${{question_id}}"))
            raise ExprError("C400", pos, problem=N_("unexpected character {char}"), char=repr(char))
        kind = match.lastgroup
        if kind != "ws":
            value = match.group("ref") if kind == "REF" else match.group(0)
            tokens.append(Token(kind or "", value, pos))
        pos = match.end()
    tokens.append(Token("END", "", end))
    return tokens


def _string(text: str, start: int) -> tuple[str, int]:
    quote, pos, out = text[start], start + 1, []
    while pos < len(text):
        char = text[pos]
        if char == "\\" and pos + 1 < len(text):
            out.append(text[pos + 1])
            pos += 2
            continue
        if char == quote:
            value = "".join(out)
            if len(value) > MAX_STRING:
                raise ExprError("C407", start, problem=N_("a text longer than {limit} characters"), limit=MAX_STRING)
            return value, pos + 1
        out.append(char)
        pos += 1
    raise ExprError("C400", start, problem=N_("a text is not closed: add the missing quote"))
