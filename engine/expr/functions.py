"""The allow-listed functions of the condition language: signature, result type, implementation.

A parameter spec is a set of accepted static types plus flags: ``ref`` (the argument must be a
``${reference}`` or ``.``), ``literal`` (it must be written as a literal), ``code`` (a literal that
must be a choice code of the first argument). ``variadic`` repeats the last parameter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ANY = frozenset({"bool", "number", "text", "date", "code", "codes", "rows", "files", "null"})
CHOICE = frozenset({"code", "codes"})


@dataclass(frozen=True, slots=True)
class Param:
    types: frozenset[str]
    ref: bool = False
    literal: bool = False
    code: bool = False


@dataclass(frozen=True, slots=True)
class Function:
    name: str
    params: tuple[Param, ...]
    result: str
    impl: Callable[..., Any]
    example: str
    variadic: bool = False


def _selected(value: Any, *codes: str) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return value in codes
    return any(code in value for code in codes)


def _all_selected(value: Any, *codes: str) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return all(code == value for code in codes)
    return all(code in value for code in codes)


def _count(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        return 1
    return len(value)


def _answered(value: Any) -> bool:
    return value is not None and value != "" and value != () and value != []


def _year(value: Any) -> int | None:
    return value.year if isinstance(value, dt.date) else None


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


_TEXT = Param(frozenset({"text", "null"}))
FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function("selected", (Param(CHOICE, ref=True), Param(frozenset({"text"}), literal=True, code=True)),
                 "bool", _selected, "selected(${q}, 'yes')"),
        Function("any_selected", (Param(CHOICE, ref=True), Param(frozenset({"text"}), literal=True, code=True)),
                 "bool", _selected, "any_selected(${q}, 'a', 'b')", variadic=True),
        Function("all_selected", (Param(CHOICE, ref=True), Param(frozenset({"text"}), literal=True, code=True)),
                 "bool", _all_selected, "all_selected(${q}, 'a', 'b')", variadic=True),
        Function("count_selected", (Param(CHOICE, ref=True),), "number", _count, "count_selected(${q}) >= 2"),
        Function("count", (Param(frozenset({"rows", "codes", "files"}), ref=True),), "number", _count,
                 "count(${laws}) >= 1"),
        Function("answered", (Param(ANY, ref=True),), "bool", _answered, "answered(${q})"),
        Function("empty", (Param(ANY, ref=True),), "bool", lambda v: not _answered(v), "empty(${q})"),
        Function("len", (_TEXT,), "number", lambda v: len(v) if v else 0, "len(.) <= 2000"),
        Function("today", (), "date", dt.date.today, "${d} <= today()"),
        Function("date", (Param(frozenset({"text"}), literal=True),), "date", _date,
                 "${d} >= date('2003-10-31')"),
        Function("year", (Param(frozenset({"date", "null"})),), "number", _year, "year(${d}) >= 2003"),
    )
}
