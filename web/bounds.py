"""Bounds on what one request can make the server do or store.

* Numbers read from a request (ids, versions, row indices, counts) are checked against the
  database's integer range and the engine's limits *before* they drive a query, a loop or an
  allocation: an id beyond the range cannot exist (404), a row index beyond ``MAX_ROWS`` is a table
  with too many rows.
* JSON, in a body or in a form field, is read through :func:`loads`: nesting deeper than
  ``MAX_JSON_DEPTH`` is a ``ValueError`` with a clear message (Python's ``RecursionError`` is not a
  ``ValueError``, and deep values would later break whatever walks them).
* A value beyond its type's *hard* limit (text length, table rows, list length) is refused before
  it is parsed or stored (:func:`beyond_hard_limit`). Softer rules (a question's own length,
  patterns, constraints, required answers) are the engine's checks: a draft may break them.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from engine.model import Question
from engine.types import MAX_ROWS, MAX_SHORT_TEXT, MAX_TEXT, Problem

#: The largest id or version any of our integer columns holds (PostgreSQL ``integer``).
DB_INT_MAX = 2 ** 31 - 1
#: Deep enough for every document we read (an autosave body is 5 levels, an import 7).
MAX_JSON_DEPTH = 32
#: A number typed in a form is short; longer text is not a number (and costs work to parse).
MAX_NUMBER_TEXT = 100

TEXT_LIMITS = {"text": MAX_SHORT_TEXT, "url": MAX_SHORT_TEXT, "email": MAX_SHORT_TEXT, "long_text": MAX_TEXT}
TOO_DEEP = f"JSON nested too deeply (at most {MAX_JSON_DEPTH} levels)"


def db_int(value: Any) -> int | None:
    """``value`` as a non-negative database integer, or None when it is not one (or out of range)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit() or len(value) > 10:
            return None
        value = int(value)
    if not isinstance(value, int) or not 0 <= value <= DB_INT_MAX:
        return None
    return value


def version(value: Any) -> int:
    """A posted answer version: out of range or unreadable counts as a version that cannot exist
    (so the save is a conflict, never a crash); missing is 0 (there was no answer)."""
    if value is None or value == "":
        return 0
    found = db_int(value)
    return DB_INT_MAX if found is None else found


def row_index(text: str) -> int | None:
    """A table row index from a field name, or None beyond the engine's ``MAX_ROWS``."""
    found = db_int(text) if len(text) <= 10 else None
    return found if found is not None and found < MAX_ROWS else None


def _up_to(limit: str) -> str:
    """A regular expression matching exactly the decimal numbers 0..``limit`` (no leading zeros
    beyond one digit), so that a route never matches a larger one (404, not 405 or 500)."""
    options = [rf"\d{{1,{len(limit) - 1}}}"]
    for position, digit in enumerate(limit):
        if digit != "0":
            below = "0" if digit == "1" else f"0-{int(digit) - 1}"
            rest = len(limit) - position - 1
            options.append(limit[:position] + f"[{below}]" + (rf"\d{{{rest}}}" if rest else ""))
    options.append(limit)
    return "(?:" + "|".join(options) + ")"


class DatabaseId(IntegerConverter):
    """``<int:...>`` in every route: digits only, within the database's integer range (else 404)."""

    regex = _up_to(str(DB_INT_MAX))

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002 - Werkzeug's name
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)


# -- JSON -------------------------------------------------------------------------------------------------------
def depth(value: Any) -> int:
    """How deeply ``value`` nests lists and objects (without recursion)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level)
            if level > MAX_JSON_DEPTH:
                break
            stack.extend((child, level + 1) for child in item)
    return deepest


def loads(text: str | bytes, **kwargs: Any) -> Any:
    try:
        value = json.loads(text, **kwargs)
    except RecursionError:
        raise ValueError(TOO_DEEP) from None
    if depth(value) > MAX_JSON_DEPTH:
        raise ValueError(TOO_DEEP)
    return value


class BoundedJSONProvider(DefaultJSONProvider):
    """The app's JSON (``request.get_json()`` included) refuses documents nested too deeply."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s, **kwargs)


# -- hard limits of stored values --------------------------------------------------------------------------------
def beyond_hard_limit(question: Question, raw: Any) -> Problem | None:
    """The problem of a raw (JSON) answer beyond its type's hard limit, checked before parsing."""
    kind = question.type
    if kind in TEXT_LIMITS and isinstance(raw, str) and len(raw) > TEXT_LIMITS[kind]:
        return Problem("max_length", {"max": TEXT_LIMITS[kind], "length": len(raw)})
    if kind == "number" and isinstance(raw, str) and len(raw) > MAX_NUMBER_TEXT:
        return Problem("number")
    if kind == "multiple_choice" and isinstance(raw, list):
        codes = len(question.choices.choices) if question.choices else 0
        if len(raw) > codes:
            return Problem("max_selected", {"max": codes})
        if not all(isinstance(code, str) for code in raw):
            return Problem("choice", {"value": ""})
    if kind == "table" and isinstance(raw, list):
        if len(raw) > MAX_ROWS:
            return Problem("max_rows", {"max": MAX_ROWS})
        return _beyond_in_rows(question, raw)
    return None


def _beyond_in_rows(question: Question, rows: list[Any]) -> Problem | None:
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            continue
        for column in question.columns:
            problem = beyond_hard_limit(column, row.get(column.id))
            if problem is not None:
                return Problem(problem.code, problem.params, None, index, column.id)
    return None


def init_app(app: Flask) -> None:
    """Bound ids in every route and JSON everywhere (call before the blueprints are registered)."""
    app.url_map.converters["int"] = DatabaseId
    app.json = BoundedJSONProvider(app)

