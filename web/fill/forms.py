"""The form of one page, assembled at run time from the questionnaire (no per-question code).

Field names are question ids (``p15_a.compliance``); table cells are ``<question>-<row>-<column>``.
Next to the fields the page carries, per question, the version of the answer shown (``_v-<id>``)
and a presence marker (``_p-<id>``: only questions the user may change are read back), plus a
page key (``_k``) that makes a double submission count once.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

import engine
from engine.model import Question
from engine.types import Problem

from .. import bounds
from ..answers import Change
from ..bounds import row_index
from ..content import text
from ..i18n import current_language
from .fields import ADAPTERS
from .pages import Page

MAX_NEW_ROWS = 20
#: Questions one post may name (a page holds far fewer).
MAX_QUESTIONS = 500


@dataclass
class Cell:
    column: Question
    name: str


@dataclass
class Row:
    index: int
    cells: list[Cell]


@dataclass
class Entry:
    """One question of the page, as the template needs it."""

    question: Question
    name: str
    editable: bool
    version: int
    rows: list[Row] = field(default_factory=list)  # tables only


def _label(q: engine.Questionnaire, question: Question) -> str:
    return text(q, question.label).text or question.id


def build(q: engine.Questionnaire, page: Page, stored: Mapping[str, Any], versions: Mapping[str, int],
          editable: Callable[[str], bool], formdata: MultiDict[str, Any] | None = None,
          row_counts: Mapping[str, int] | None = None) -> tuple[FlaskForm, list[Entry]]:
    """The page's form (bound to ``formdata`` if given, else filled with ``stored`` JSON answers)."""
    entries: list[Entry] = []
    data: dict[str, Any] = {}
    for question in page.questions:
        entry = Entry(question, question.id, editable(question.id), versions.get(question.id, 0))
        entries.append(entry)
        if question.type == "note":
            continue
        if question.type == "table":
            rows = stored.get(question.id) or []
            count = (row_counts or {}).get(question.id, max(len(rows), 1))
            count = max(1, min(count, len(rows) + MAX_NEW_ROWS, engine.types.MAX_ROWS))
            for index in range(count):
                row = Row(index, [])
                for column in question.columns:
                    name = f"{question.id}-{index}-{column.id}"
                    row.cells.append(Cell(column, name))
                    if index < len(rows):
                        data[name] = ADAPTERS[column.type].to_form(column, rows[index].get(column.id))
                entry.rows.append(row)
            continue
        data[question.id] = ADAPTERS[question.type].to_form(question, stored.get(question.id))
    form_class = _form_class(q, page, entries)
    if formdata is not None:
        form = form_class(formdata=formdata)
    else:
        form = form_class(formdata=None, data=data)
    return form, entries


#: Form classes kept per questionnaire version (at most this many: tables make many shapes).
MAX_FORM_CLASSES = 512
_FORM_CLASSES_LOCK = threading.Lock()


def _form_class(q: engine.Questionnaire, page: Page, entries: list[Entry]) -> type[FlaskForm]:
    """The class of the page's form with its tables' row counts, in the reader's language: its fields
    depend on nothing else (labels and choices are the questionnaire's texts and the interface's
    "Yes"/"No"), so it is made once and kept with the questionnaire; each request makes its own
    form from it, with its own data and CSRF token."""
    shape = tuple(len(entry.rows) for entry in entries if entry.rows)
    key = (current_language(), page.id, shape)
    classes: dict[Any, type[FlaskForm]] = q.index.cache.setdefault("form classes", {})
    found = classes.get(key)
    if found is None:
        fields: dict[str, Any] = {}
        for entry in entries:
            question = entry.question
            if question.type == "note":
                continue
            if question.type == "table":
                for row in entry.rows:
                    for cell in row.cells:
                        fields[cell.name] = ADAPTERS[cell.column.type].field(q, cell.column, _label(q, cell.column))
                continue
            fields[question.id] = ADAPTERS[question.type].field(q, question, _label(q, question))
        found = type("PageForm", (FlaskForm,), fields)
        with _FORM_CLASSES_LOCK:
            while len(classes) >= MAX_FORM_CLASSES:  # the oldest first
                classes.pop(next(iter(classes)))
            classes[key] = found
    return found


def page_key() -> str:
    return uuid.uuid4().hex


_ROW = re.compile(r"^(?P<q>.+)-(?P<row>\d+)-(?P<col>[a-z][a-z0-9_]*)$")
#: The row count of a table posted with a row beyond ``MAX_ROWS``: refused, never looped over.
TOO_MANY_ROWS = engine.types.MAX_ROWS + 1


def posted_row_counts(page: Page, formdata: MultiDict[str, Any]) -> dict[str, int]:
    """Rows posted per table, at most ``TOO_MANY_ROWS`` (whatever indices the field names carry)."""
    counts: dict[str, int] = {}
    tables = {q.id for q in page.questions if q.type == "table"}
    for name in formdata:
        match = _ROW.match(name)
        if match and match["q"] in tables:
            index = row_index(match["row"])
            count = TOO_MANY_ROWS if index is None else index + 1
            counts[match["q"]] = max(counts.get(match["q"], 0), count)
    return counts


def too_many_rows(page: Page, formdata: MultiDict[str, Any]) -> dict[str, tuple[Problem, ...]]:
    """Tables posted with more rows than any table may have: refused whole, with the field's message."""
    return {qid: (Problem("max_rows", {"max": engine.types.MAX_ROWS}),)
            for qid, count in posted_row_counts(page, formdata).items() if count >= TOO_MANY_ROWS}


def read_changes(page: Page, form: FlaskForm, formdata: MultiDict[str, Any], editable: Callable[[str], bool],
                 action: str | None) -> tuple[list[Change], dict[str, int]]:
    """The changes the form carries (only questions present and editable), after a table action.

    Returns the changes and the number of rows each table should show next.
    """
    key = formdata.get("_k") or page_key()
    changes: list[Change] = []
    row_counts: dict[str, int] = {}
    for question in page.questions:
        qid = question.id
        if question.type == "note" or formdata.get(f"_p-{qid}") != "1" or not editable(qid):
            continue
        base = bounds.version(formdata.get(f"_v-{qid}"))
        if question.type == "table":
            count = posted_row_counts(page, formdata).get(qid, 0)
            if count >= TOO_MANY_ROWS:
                continue  # refused by the caller (too_many_rows)
            rows = _rows(question, form, count)
            rows, shown = _table_action(qid, rows, action)
            row_counts[qid] = shown
            value: Any = [row for row in rows if row] or None
        else:
            value = ADAPTERS[question.type].from_form(question, form[qid].data)
        changes.append(Change(qid, value, base, f"{key}:{qid}"))
    return changes, row_counts


def _rows(question: Question, form: FlaskForm, count: int) -> list[dict[str, Any]]:
    rows = []
    for index in range(count):
        row: dict[str, Any] = {}
        for column in question.columns:
            name = f"{question.id}-{index}-{column.id}"
            if name not in form:
                continue
            value = ADAPTERS[column.type].from_form(column, form[name].data)
            if value is not None:
                row[column.id] = value
        rows.append(row)
    return rows


def _table_action(qid: str, rows: list[dict[str, Any]], action: str | None) -> tuple[list[dict[str, Any]], int]:
    """Add, remove or move a row (the no-JavaScript buttons); returns rows and rows to show."""
    shown = max(len(rows), 1)
    if not action:
        return rows, shown
    verb, _sep, rest = action.partition(":")
    target, _sep, index_text = rest.rpartition(":") if verb != "add" else (rest, "", "")
    if target != qid:
        return rows, shown
    if verb == "add":
        return rows, min(len(rows) + 1, engine.types.MAX_ROWS)
    index = bounds.row_index(index_text)
    if index is None or not index < len(rows):
        return rows, shown
    if verb == "remove":
        rows = rows[:index] + rows[index + 1:]
        return rows, max(len(rows), 1)
    if verb == "up" and index > 0:
        rows[index - 1], rows[index] = rows[index], rows[index - 1]
    elif verb == "down" and index + 1 < len(rows):
        rows[index + 1], rows[index] = rows[index], rows[index + 1]
    return rows, shown

