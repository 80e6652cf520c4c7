"""A spreadsheet brought back from a ministry is read within bounds: a file of many thousand rows
lists at most ``MAX_ISSUES`` problems, and a table keeps at most one row more than any table takes."""

from __future__ import annotations

import io

import openpyxl

import engine
from exports.office import MAX_ISSUES, Copy, excel

SOURCE = b"""
id: bounds
version: "1"
title: {en: Bounds}
languages: [en]
default_language: en
sections:
  - id: s
    title: {en: S}
    items:
      - {id: name, type: text, label: {en: Name}}
      - id: laws
        type: table
        label: {en: Laws}
        columns:
          - {id: title, type: text, label: {en: Title}}
"""


def workbook(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = excel.SHEET
    sheet.append(["doc:questionnaire=bounds"])
    sheet.append(["marker", "version", "", "question", "answer"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def copy() -> Copy:
    q = engine.load(SOURCE, source="bounds.yaml").questionnaire
    return Copy(q, "en", (), {}, {}, {})


def test_problems_listed_are_bounded() -> None:
    read = excel.read(workbook([[f"nothing_{n}", 0, "", "", "x"] for n in range(MAX_ISSUES * 3)]), copy())
    assert len(read.issues) == MAX_ISSUES
    assert {issue.code for issue in read.issues} == {"unknown_question"}


def test_table_rows_kept_are_bounded() -> None:
    rows = [["laws#head:title", 0, "", "", ""]] + [["laws#row", 0, "", "", f"Act {n}"] for n in range(1000)]
    read = excel.read(workbook(rows), copy())
    (found,) = [f for f in read.found if f.question_id == "laws"]
    assert len(found.raw) == engine.types.MAX_ROWS + 1  # one too many: the answer is refused, with its message
