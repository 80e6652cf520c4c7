"""Answers as an Excel workbook (openpyxl) and back: one row per question on the sheet "Answers".

Columns: A the question id and B the answer's version (hidden: the markers), C the heading, D the
question, E the answer (the only cells unlocked; the sheet is protected so the structure stays).
Choices get a drop-down list of their labels (data validation from the hidden sheet "Lists"). A
table question takes a heading row (``<id>#head`` in A, its column labels from E on) and one row
per table row (``<id>#row``), with a few empty rows for new ones; rows inserted below them belong
to the same table.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

import engine
from engine.model import Question

from . import BLANK_ROWS, MAX_CELL, MAX_ISSUES, MAX_QUESTIONS, Copy, Found, Issue, Read, cell_text, cell_value

SHEET = "Answers"
LISTS = "Lists"
FIRST = 3  # first row of answers (row 1: the document marker and title, row 2: the column headings)


def write(copy: Copy, out: IO[bytes]) -> None:
    book = Workbook()
    sheet: Any = book.active
    sheet.title = SHEET
    lists = book.create_sheet(LISTS)
    lists.sheet_state = "hidden"
    if copy.lang in ("ar",):
        sheet.sheet_view.rightToLeft = True
    sheet["A1"] = "doc:" + ";".join(f"{key}={value}" for key, value in copy.meta.items())
    sheet["C1"] = copy.words.title
    sheet["C1"].font = Font(bold=True, size=13)
    for column, text in zip("CDE", (copy.words.section, copy.words.question, copy.words.answer), strict=True):
        sheet[f"{column}2"] = text
        sheet[f"{column}2"].font = Font(bold=True)
    widths = {"A": 4, "B": 4, "C": 28, "D": 60, "E": 50}
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    sheet.column_dimensions["A"].hidden = sheet.column_dimensions["B"].hidden = True
    validations: dict[str, DataValidation] = {}
    row = FIRST
    for block in copy.blocks:
        for question in block.questions:
            row = _question(sheet, lists, copy, question, row, block.title, validations)
    for validation in validations.values():
        sheet.add_data_validation(validation)
    sheet.protection.sheet = True
    sheet.protection.insertRows = False  # allowed: new table rows
    sheet.protection.formatColumns = False
    book.save(out)


def _open(cell: Any) -> None:
    cell.protection = Protection(locked=False)
    cell.alignment = Alignment(wrap_text=True, vertical="top")


def _validation(lists: Any, copy: Copy, question: Question, validations: dict[str, DataValidation]) -> DataValidation:
    shared = question.choices is not None and question.type != "yes_no"
    key = question.choices.name + question.type if shared else question.id  # type: ignore[union-attr]
    if key not in validations:
        labels = ([copy.words.yes, copy.words.no] if question.type == "yes_no" else
                  [copy.choice_label(question, c.code) for c in question.choices.choices] if question.choices else [])
        column = get_column_letter(len(validations) + 1)
        for index, label in enumerate(labels, start=1):
            lists[f"{column}{index}"] = label
        ref = f"{quote_sheetname(LISTS)}!${column}$1:${column}${max(len(labels), 1)}"
        strict = question.type != "multiple_choice"  # several choices are typed, separated by ';'
        validations[key] = DataValidation(type="list", formula1=ref, allow_blank=True, showErrorMessage=strict)
    return validations[key]


def _question(sheet: Any, lists: Any, copy: Copy, question: Question, row: int, heading: str,
              validations: dict[str, DataValidation]) -> int:
    value = copy.values.get(question.id)
    sheet.cell(row, 1, question.id)
    sheet.cell(row, 2, copy.versions.get(question.id, 0))
    sheet.cell(row, 3, heading).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.cell(row, 4, copy.label(question)).alignment = Alignment(wrap_text=True, vertical="top")
    if question.type == "table":
        columns = question.columns
        sheet.cell(row, 1, f"{question.id}#head:" + ",".join(c.id for c in columns))
        for index, column in enumerate(columns):
            sheet.cell(row, 5 + index, copy.label(column)).font = Font(bold=True)
        for data in list(value or []) + [{}] * BLANK_ROWS:
            row += 1
            sheet.cell(row, 1, f"{question.id}#row")
            for index, column in enumerate(columns):
                cell = sheet.cell(row, 5 + index, cell_text(column, data.get(column.id), copy) or None)
                if column.type != "file":
                    _open(cell)
                if column.type in ("single_choice", "yes_no", "multiple_choice"):
                    _validation(lists, copy, column, validations).add(cell)
        return row + 1
    cell = sheet.cell(row, 5, cell_text(question, value, copy) or None)
    if question.type == "file":
        sheet.cell(row, 5, f"{copy.words.files}: {cell.value or ''}")
        return row + 1
    _open(cell)
    if question.type in ("single_choice", "yes_no", "multiple_choice"):
        _validation(lists, copy, question, validations).add(cell)
    return row + 1


# -- reading -----------------------------------------------------------------------------------------
def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)[:MAX_CELL + 1]


def meta(data: bytes) -> dict[str, str]:
    """What the workbook's first cell says (State, response, questionnaire, version, language)."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    try:
        first = str(book[SHEET]["A1"].value or "") if SHEET in book.sheetnames else ""
    finally:
        book.close()
    return dict(i.split("=", 1) for i in first[4:].split(";") if "=" in i) if first.startswith("doc:") else {}


def read(data: bytes, copy: Copy) -> Read:
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    result = Read()
    if SHEET not in book.sheetnames:
        result.issues.append(Issue(SHEET, "no_sheet", {"sheet": SHEET}))
        return result
    sheet = book[SHEET]
    table: dict[str, Any] | None = None
    for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = tuple(cells) + (None,) * 5
        marker = _text(cells[0]).strip()
        where = f"{SHEET}, row {number}"
        if number == 1:
            if marker.startswith("doc:"):
                result.meta.update(dict(i.split("=", 1) for i in marker[4:].split(";") if "=" in i))
            continue
        if number < FIRST:
            continue
        if len(result.found) >= MAX_QUESTIONS or len(result.issues) >= MAX_ISSUES:
            break
        if "#head:" in marker:
            _close(table, result)
            qid, _sep, ids = marker.partition("#head:")
            question = copy.q.index.items.get(qid)
            if not isinstance(question, Question) or question.type != "table":
                result.issues.append(Issue(where, "unknown_question", {"question": qid}))
                table = None
                continue
            columns = [question.column(i) for i in ids.split(",")]
            if any(c is None for c in columns):
                result.issues.append(Issue(where, "headings_changed", {}))
                table = None
                continue
            version = cells[1] if isinstance(cells[1], int) else 0
            table = {"question": question, "columns": columns, "rows": [], "places": [], "version": version,
                     "where": where, "ok": True}
            continue
        if table is not None and (marker.endswith("#row") or not marker):
            _table_row(table, cells, where, copy, result)
            continue
        _close(table, result)
        table = None
        if not marker:
            continue
        question = copy.q.index.items.get(marker)
        if not isinstance(question, Question):
            result.issues.append(Issue(where, "unknown_question", {"question": marker}))
            continue
        if question.type == "file":
            continue
        version = cells[1] if isinstance(cells[1], int) else 0
        raw, issue = cell_value(question, _text(cells[4]), copy.lang, copy.words, copy.q)
        if question.type in ("text", "long_text", "url", "email", "date"):
            raw, issue = (_text(cells[4]).strip() or None), None
        if issue:
            result.issues.append(Issue(where, issue, {"column": copy.label(question), "value": str(raw)[:80]}))
            continue
        result.found.append(Found(question.id, version, raw, where))
    _close(table, result)
    book.close()
    return result


def _table_row(table: dict[str, Any], cells: tuple[Any, ...], where: str, copy: Copy, result: Read) -> None:
    question: Question = table["question"]
    current = copy.values.get(question.id) or []
    values: dict[str, Any] = {}
    for index, column in enumerate(table["columns"]):
        typed = _text(cells[4 + index]) if 4 + index < len(cells) else ""
        files = [ref for r in current for ref in (r.get(column.id) or [])] if column.type == "file" else None
        value, issue = cell_value(column, typed, copy.lang, copy.words, copy.q, files)
        if column.type in ("text", "long_text", "url", "email", "date"):
            value, issue = (typed.strip() or None), None
        if issue:
            result.issues.append(Issue(where, issue, {"column": copy.label(column), "value": str(value)[:80]}))
            table["ok"] = False
            return
        if value is not None:
            values[column.id] = value
    if values and len(table["rows"]) <= engine.types.MAX_ROWS:  # one more than any table takes: refused later
        table["rows"].append(values)
        table["places"].append(where)


def _close(table: dict[str, Any] | None, result: Read) -> None:
    if table is None or not table["ok"]:
        return
    question: Question = table["question"]
    result.found.append(Found(question.id, table["version"], table["rows"] or None, table["where"],
                              tuple(table["places"]), {}))
